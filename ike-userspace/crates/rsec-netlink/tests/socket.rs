//! The real socket path against the running kernel's generic netlink controller: extended
//! acks and capped acks are switched on, CTRL_GETFAMILY is asked, and a kernel without the rsec
//! module answers ENOENT, which must come out as `FamilyNotFound` (not a parse or I/O error).

use rsec_netlink::{Client, Error, SaFilter};

#[test]
fn connect_finds_the_family_or_says_it_is_missing() {
    match Client::connect() {
        Ok(mut client) => {
            assert_ne!(client.family_id(), 0);
            assert!(
                client.events_group().is_some(),
                "the family has an events group"
            );
            client.dump_sas(&SaFilter::default()).expect("dump");
        }
        Err(Error::FamilyNotFound) => {}
        Err(other) => panic!("connect failed otherwise: {other}"),
    }
}
