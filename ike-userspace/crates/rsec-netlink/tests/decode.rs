//! Replies assembled by hand, as the kernel lays them out (u64s after `pad` attributes).
#![cfg(target_endian = "little")]

use std::net::IpAddr;

use netlink_packet_generic::GenlMessage;
use rsec_netlink::codec::{self, decode_event, decode_sa, decode_spi, Exchange, Reply};
use rsec_netlink::spec::cmd;
use rsec_netlink::{
    Counters, Dir, EncrAlg, Error, Event, ExpireKind, IntegAlg, Lifetime, Mode, PortRange, Prefix,
    Proto, SaFlags, SaId, Selector,
};

const FAMILY: u16 = 0x1d;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_MULTI: u16 = 0x2;
const NLM_F_DUMP_INTR: u16 = 0x10;
const NLM_F_CAPPED: u16 = 0x100;
const NLM_F_ACK_TLVS: u16 = 0x200;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// One attribute, padded to 4 bytes.
fn nla(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut out = ((value.len() + 4) as u16).to_le_bytes().to_vec();
    out.extend(kind.to_le_bytes());
    out.extend(value);
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

/// One netlink message.
fn nlmsg(kind: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 16) as u32).to_le_bytes().to_vec();
    out.extend(kind.to_le_bytes());
    out.extend(flags.to_le_bytes());
    out.extend(seq.to_le_bytes());
    out.extend(0x4242u32.to_le_bytes());
    out.extend(payload);
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

/// One message of the family: genlmsghdr then `attrs`.
fn genl(command: u8, flags: u16, seq: u32, attrs: &[u8]) -> Vec<u8> {
    let mut payload = vec![command, 1, 0, 0];
    payload.extend(attrs);
    nlmsg(FAMILY, flags, seq, &payload)
}

/// The attributes of an sa-get reply as the kernel would put them.
#[rustfmt::skip]
const SA_REPLY: &[u8] = &[
    8, 0, 2, 0,    0, 0x10, 0, 0,                        // spi 0x1000
    5, 0, 3, 0,    50, 0, 0, 0,                          // proto esp
    5, 0, 4, 0,    2, 0, 0, 0,                           // dir out
    5, 0, 5, 0,    1, 0, 0, 0,                           // mode tunnel
    8, 0, 6, 0,    198, 51, 100, 1,                      // saddr
    8, 0, 7, 0,    198, 51, 100, 2,                      // daddr
    8, 0, 8, 0,    4, 0, 0, 0,                           // ifindex
    6, 0, 9, 0,    12, 0, 0, 0,                          // encr-alg aes-cbc
    6, 0, 11, 0,   13, 0, 0, 0,                          // integ-alg sha384
    8, 0, 13, 0,   0, 0, 0, 0,                           // replay-window 0
    8, 0, 14, 0,   1, 0, 0, 0,                           // flags esn
    8, 0, 99, 0,   1, 2, 3, 4,                           // unknown attribute: skipped
    20, 0, 15, 0x80,                                     // lifetime-soft
        4, 0, 1, 0,                                      //   pad
        12, 0, 2, 0,  0xe8, 3, 0, 0, 0, 0, 0, 0,         //   bytes 1000
    16, 0, 16, 0x80,                                     // lifetime-hard
        12, 0, 4, 0,  0x10, 0x0e, 0, 0, 0, 0, 0, 0,      //   seconds 3600
    60, 0, 17, 0x80,                                     // selector
        8, 0, 1, 0,   10, 1, 0, 0,                       //   src-addr
        5, 0, 2, 0,   24, 0, 0, 0,                       //   src-prefix
        8, 0, 3, 0,   10, 2, 0, 0,                       //   dst-addr
        5, 0, 4, 0,   16, 0, 0, 0,                       //   dst-prefix
        5, 0, 5, 0,   6, 0, 0, 0,                        //   proto tcp
        6, 0, 8, 0,   0x1f, 0x90, 0, 0,                  //   dst-port-min 36895
        6, 0, 9, 0,   0xff, 0xff, 0, 0,                  //   dst-port-max 65535
    4, 0, 17, 0x80,                                      // selector: anything
    4, 0, 1, 0,                                          // pad
    12, 0, 18, 0,  0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0,   // owner 0xdeadbeef
    44, 0, 19, 0x80,                                     // counters
        4, 0, 1, 0,                                      //   pad
        12, 0, 2, 0,  3, 0, 0, 0, 0, 0, 0, 0,            //   packets 3
        12, 0, 3, 0,  0, 0x10, 0, 0, 0, 0, 0, 0,         //   bytes 4096
        12, 0, 5, 0,  1, 0, 0, 0, 0, 0, 0, 0,            //   drop-auth 1
    12, 0, 22, 0,  0, 0, 0, 0, 1, 0, 0, 0,               // seq 2^32
    4, 0, 1, 0,                                          // pad
    12, 0, 23, 0,  42, 0, 0, 0, 0, 0, 0, 0,              // add-time 42
];

#[test]
fn sa_reply_decodes_every_attribute() {
    let sa = decode_sa(SA_REPLY).unwrap();

    let id = SaId {
        dir: Dir::Out,
        spi: 0x1000,
        proto: Proto::Esp,
        daddr: ip("198.51.100.2"),
    };
    assert_eq!(sa.id, id);
    assert_eq!(sa.mode, Some(Mode::Tunnel));
    assert_eq!(sa.saddr, Some(ip("198.51.100.1")));
    assert_eq!(sa.ifindex, 4);
    assert_eq!(sa.encr_alg, Some(EncrAlg::AesCbc));
    assert_eq!(sa.integ_alg, Some(IntegAlg::HmacSha2_384_192));
    assert_eq!(sa.replay_window, 0);
    assert_eq!(sa.flags, SaFlags::ESN);
    assert_eq!(
        sa.lifetime_soft,
        Lifetime {
            bytes: 1000,
            ..Lifetime::default()
        }
    );
    assert_eq!(
        sa.lifetime_hard,
        Lifetime {
            seconds: 3600,
            ..Lifetime::default()
        }
    );
    let first = Selector {
        src: Some(Prefix {
            addr: ip("10.1.0.0"),
            len: 24,
        }),
        dst: Some(Prefix {
            addr: ip("10.2.0.0"),
            len: 16,
        }),
        proto: 6,
        src_ports: None,
        dst_ports: Some(PortRange {
            min: 0x901f,
            max: 0xffff,
        }),
    };
    assert_eq!(sa.selectors, vec![first, Selector::default()]);
    assert_eq!(sa.owner, 0xdead_beef);
    let counters = Counters {
        packets: 3,
        bytes: 4096,
        drop_auth: 1,
        ..Counters::default()
    };
    assert_eq!(sa.counters, counters);
    assert_eq!(sa.seq, 1 << 32);
    assert_eq!(sa.add_time, 42);
}

#[test]
fn unknown_code_points_round_trip() {
    let mut attrs = SA_REPLY.to_vec();
    attrs[12] = 77; // proto
    attrs[20] = 9; // dir
    attrs[28] = 3; // mode
    attrs[60] = 99; // encr-alg
    attrs[68] = 200; // integ-alg
    attrs[84] = 0x81; // flags: esn and an unknown bit

    let sa = decode_sa(&attrs).unwrap();

    assert_eq!(sa.id.proto, Proto::Unknown(77));
    assert_eq!(sa.id.dir, Dir::Unknown(9));
    assert_eq!(sa.mode, Some(Mode::Unknown(3)));
    assert_eq!(sa.encr_alg, Some(EncrAlg::Unknown(99)));
    assert_eq!(sa.integ_alg, Some(IntegAlg::Unknown(200)));
    assert_eq!(u8::from(sa.id.proto), 77);
    assert_eq!(u16::from(EncrAlg::Unknown(99)), 99);
    assert_eq!(sa.flags, SaFlags(0x81));
    assert!(sa.flags.esn());
    assert_eq!(EncrAlg::Unknown(99).to_string(), "unknown(99)");
}

#[test]
fn enum_names_parse_and_print() {
    assert_eq!("aes-gcm-16".parse::<EncrAlg>(), Ok(EncrAlg::AesGcm16));
    assert_eq!(
        "chacha20-poly1305".parse::<EncrAlg>(),
        Ok(EncrAlg::Chacha20Poly1305)
    );
    assert_eq!(
        "hmac-sha2-512-256".parse::<IntegAlg>(),
        Ok(IntegAlg::HmacSha2_512_256)
    );
    assert_eq!("31".parse::<EncrAlg>(), Ok(EncrAlg::Unknown(31)));
    assert_eq!("12".parse::<EncrAlg>(), Ok(EncrAlg::AesCbc));
    assert_eq!(Proto::Ah.to_string(), "ah");
    let err = "des".parse::<EncrAlg>().unwrap_err();
    assert!(err.contains("unknown encr alg \"des\""), "{err}");
    assert!(err.contains("aes-gcm-16"), "{err}");
}

#[test]
fn a_short_u32_is_an_error_naming_the_attribute() {
    let mut attrs = vec![6, 0, 2, 0, 0, 0x10, 0, 0]; // spi with 2 bytes
    attrs.extend_from_slice(&SA_REPLY[8..]);

    let err = decode_sa(&attrs).unwrap_err();

    assert!(
        matches!(&err, Error::Malformed { attr, .. } if attr == "sa.spi"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "malformed reply: attribute sa.spi: 2 bytes, expected 4"
    );
}

#[test]
fn a_bad_nested_value_names_the_nested_attribute() {
    let mut attrs = SA_REPLY[..16].to_vec(); // spi, proto
    attrs.extend(nla(0x8000 | 19, &nla(2, &[1, 0, 0, 0]))); // counters.packets as 4 bytes

    let err = decode_sa(&attrs).unwrap_err();

    assert_eq!(
        err.to_string(),
        "malformed reply: attribute counters.packets: 4 bytes, expected 8"
    );
}

#[test]
fn a_bad_address_and_a_truncated_attribute_are_errors() {
    let mut attrs = SA_REPLY[..40].to_vec();
    attrs.extend(nla(7, &[1, 2, 3, 4, 5])); // daddr of 5 bytes
    let err = decode_sa(&attrs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed reply: attribute sa.daddr: 5 bytes, expected 4 or 16"
    );

    let mut attrs = SA_REPLY[..8].to_vec();
    attrs.extend([40, 0, 7, 0, 1, 2]); // says 40 bytes, has 6
    let err = decode_sa(&attrs).unwrap_err();
    assert!(
        matches!(&err, Error::Malformed { attr, .. } if attr == "sa"),
        "{err:?}"
    );
}

#[test]
fn a_reply_without_daddr_is_an_error() {
    let mut attrs = SA_REPLY[..40].to_vec(); // up to saddr
    attrs.extend_from_slice(&SA_REPLY[48..]); // skip daddr
    let err = decode_sa(&attrs).unwrap_err();
    assert_eq!(err.to_string(), "malformed reply: missing attribute daddr");
}

#[test]
fn spi_alloc_reply() {
    assert_eq!(
        decode_spi(&nla(2, &0xc001_d00du32.to_le_bytes())).unwrap(),
        0xc001_d00d
    );
    assert!(matches!(
        decode_spi(&nla(1, &[])),
        Err(Error::Missing("spi"))
    ));
}

/// Feeds `datagrams` to an exchange of sequence number 7, decoding each SA.
fn run_dump(datagrams: &[Vec<u8>], request: &[u8]) -> (Result<bool, Error>, Vec<u32>, bool) {
    let mut exchange = Exchange::new(7, request);
    let mut spis = Vec::new();
    let mut on_msg = |m: GenlMessage<Reply>| {
        spis.push(decode_sa(&m.payload.attrs)?.id.spi);
        Ok(())
    };
    let mut result = Ok(false);
    for datagram in datagrams {
        result = exchange.feed(datagram, &mut on_msg);
        if !matches!(result, Ok(false)) {
            break;
        }
    }
    (result, spis, exchange.interrupted())
}

fn sa_attrs(spi: u32) -> Vec<u8> {
    let mut attrs = nla(2, &spi.to_le_bytes());
    attrs.extend_from_slice(&SA_REPLY[8..]);
    attrs
}

#[test]
fn multi_part_dump_across_datagrams() {
    let mut first = genl(cmd::SA_GET, NLM_F_MULTI, 7, &sa_attrs(0x100));
    first.extend(genl(cmd::SA_GET, NLM_F_MULTI, 6, &sa_attrs(0xbad))); // stale sequence
    first.extend(genl(cmd::SA_GET, NLM_F_MULTI, 7, &sa_attrs(0x101)));
    let mut second = genl(cmd::SA_GET, NLM_F_MULTI, 7, &sa_attrs(0x102));
    second.extend(nlmsg(NLMSG_DONE, NLM_F_MULTI, 7, &0i32.to_le_bytes()));

    let (result, spis, interrupted) = run_dump(&[first, second], &[]);

    assert!(matches!(result, Ok(true)), "{result:?}");
    assert_eq!(spis, [0x100, 0x101, 0x102]);
    assert!(!interrupted);
}

#[test]
fn dump_of_ten_thousand_sas() {
    let mut datagrams = vec![Vec::new()];
    for spi in 0..10_000u32 {
        let msg = genl(cmd::SA_GET, NLM_F_MULTI, 7, &sa_attrs(0x1000 + spi));
        if datagrams.last().unwrap().len() + msg.len() > 32 * 1024 {
            datagrams.push(Vec::new());
        }
        datagrams.last_mut().unwrap().extend(msg);
    }
    datagrams.push(nlmsg(NLMSG_DONE, NLM_F_MULTI, 7, &0i32.to_le_bytes()));

    let (result, spis, _) = run_dump(&datagrams, &[]);

    assert!(matches!(result, Ok(true)), "{result:?}");
    assert_eq!(spis.len(), 10_000);
    assert!(spis.iter().copied().eq(0x1000..0x1000 + 10_000));
    assert!(datagrams.len() > 50, "the dump spans many datagrams");
}

#[test]
fn interrupted_dump_is_reported() {
    let mut datagram = genl(
        cmd::SA_GET,
        NLM_F_MULTI | NLM_F_DUMP_INTR,
        7,
        &sa_attrs(0x100),
    );
    datagram.extend(nlmsg(NLMSG_DONE, NLM_F_MULTI, 7, &0i32.to_le_bytes()));
    let (result, _, interrupted) = run_dump(&[datagram], &[]);
    assert!(matches!(result, Ok(true)));
    assert!(interrupted);
}

#[test]
fn failed_dump_carries_errno_and_extack_in_done() {
    let mut done = (-1i32).to_le_bytes().to_vec();
    done.extend(nla(1, b"dump filter needs CAP_NET_ADMIN\0"));
    let datagram = nlmsg(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 7, &done);

    let (result, _, _) = run_dump(&[datagram], &[]);

    let err = result.unwrap_err();
    assert_eq!(err.errno(), Some(1));
    assert_eq!(
        err.to_string(),
        "rsec: Operation not permitted: dump filter needs CAP_NET_ADMIN"
    );
}

/// An NLMSG_ERROR answering `request` (capped), with `tlvs` as its extended ack.
fn error_msg(errno: i32, request: &[u8], tlvs: &[u8]) -> Vec<u8> {
    let mut body = (-errno).to_le_bytes().to_vec();
    body.extend_from_slice(&request[..16]);
    body.extend(tlvs);
    let flags = if tlvs.is_empty() {
        NLM_F_CAPPED
    } else {
        NLM_F_CAPPED | NLM_F_ACK_TLVS
    };
    nlmsg(NLMSG_ERROR, flags, 7, &body)
}

fn do_request(datagram: &[u8], request: &[u8]) -> Result<bool, Error> {
    let mut exchange = Exchange::new(7, request);
    exchange.feed(datagram, &mut |_: GenlMessage<Reply>| Ok(()))
}

const GCM_MSG: &str = "key length 20 does not fit AES-GCM-16 (needs 20 or 36 bytes)";

#[test]
fn error_with_extack_message() {
    let request = genl(cmd::SA_NEW, 0x05, 7, &[]);
    let datagram = error_msg(22, &request, &nla(1, format!("{GCM_MSG}\0").as_bytes()));

    let err = do_request(&datagram, &request).unwrap_err();

    assert_eq!(err.errno(), Some(22));
    assert_eq!(
        err.to_string(),
        format!("rsec: Invalid argument: {GCM_MSG}")
    );
}

#[test]
fn extack_offset_names_the_attribute_of_our_request() {
    let mut attrs = nla(2, &0x1000u32.to_le_bytes()); // at offset 20
    attrs.extend(nla(10, &[0; 20])); // encr-key at offset 28
    let mut sel = nla(1, &[10, 0, 0, 0]); // selector at 52, src-addr at 56
    sel.extend(nla(2, &[33])); // src-prefix at 64
    attrs.extend(nla(0x8000 | 17, &sel));
    let request = genl(cmd::SA_NEW, 0x05, 7, &attrs);

    let mut tlvs = nla(1, format!("{GCM_MSG}\0").as_bytes());
    tlvs.extend(nla(2, &28u32.to_le_bytes()));
    let err = do_request(&error_msg(22, &request, &tlvs), &request).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("rsec: Invalid argument: {GCM_MSG} (attribute encr-key)")
    );

    let tlvs = nla(2, &64u32.to_le_bytes());
    let err = do_request(&error_msg(34, &request, &tlvs), &request).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rsec: Numerical result out of range (attribute selector.src-prefix)"
    );
}

#[test]
fn extack_missing_attribute() {
    let request = genl(cmd::SA_DEL, 0x05, 7, &[]);
    let tlvs = nla(5, &7u32.to_le_bytes()); // NLMSGERR_ATTR_MISS_TYPE = daddr

    let err = do_request(&error_msg(22, &request, &tlvs), &request).unwrap_err();

    assert_eq!(
        err.to_string(),
        "rsec: Invalid argument: missing attribute daddr"
    );
}

#[test]
fn uncapped_error_echoes_the_whole_request() {
    let request = genl(cmd::SA_DEL, 0x05, 7, &nla(7, &[192, 0, 2, 1]));
    let mut body = (-2i32).to_le_bytes().to_vec();
    body.extend(&request);
    body.extend(nla(1, b"no such SA\0"));
    let datagram = nlmsg(NLMSG_ERROR, NLM_F_ACK_TLVS, 7, &body);

    let err = do_request(&datagram, &request).unwrap_err();

    assert_eq!(
        err.to_string(),
        "rsec: No such file or directory: no such SA"
    );
}

#[test]
fn error_without_extack() {
    let request = genl(cmd::SA_DEL, 0x05, 7, &[]);
    let err = do_request(&error_msg(17, &request, &[]), &request).unwrap_err();
    assert_eq!(err.to_string(), "rsec: File exists");
}

#[test]
fn reply_then_ack_ends_a_do_request() {
    let request = genl(cmd::SPI_ALLOC, 0x05, 7, &[]);
    let mut datagram = genl(cmd::SPI_ALLOC, 0, 7, &nla(2, &0x4242u32.to_le_bytes()));
    let mut ack = 0i32.to_le_bytes().to_vec();
    ack.extend_from_slice(&request[..16]);
    let reply_only = datagram.clone();
    datagram.extend(nlmsg(NLMSG_ERROR, NLM_F_CAPPED, 7, &ack));

    let mut spi = None;
    let mut exchange = Exchange::new(7, &request);
    let mut on_msg = |m: GenlMessage<Reply>| {
        spi = Some(decode_spi(&m.payload.attrs)?);
        Ok(())
    };
    assert!(
        !exchange.feed(&reply_only, &mut on_msg).unwrap(),
        "a reply alone does not end it"
    );
    assert!(exchange.feed(&datagram, &mut on_msg).unwrap());
    assert_eq!(spi, Some(0x4242));
}

#[test]
fn expire_and_acquire_events() {
    let mut attrs = SA_REPLY[..24].to_vec(); // spi, proto, dir
    attrs.extend_from_slice(&SA_REPLY[40..48]); // daddr
    attrs.extend(nla(18, &5u64.to_le_bytes()));
    attrs.extend(nla(24, &[2]));
    let event = decode_event(cmd::SA_EXPIRE, &attrs).unwrap();
    let id = SaId {
        dir: Dir::Out,
        spi: 0x1000,
        proto: Proto::Esp,
        daddr: ip("198.51.100.2"),
    };
    assert_eq!(
        event,
        Some(Event::Expire {
            id,
            owner: 5,
            kind: ExpireKind::Hard
        })
    );

    let mut attrs = nla(8, &3u32.to_le_bytes());
    attrs.extend(nla(0x8000 | 17, &nla(3, &[10, 2, 0, 7])));
    let event = decode_event(cmd::ACQUIRE, &attrs).unwrap();
    let selector = Selector {
        dst: Some(Prefix {
            addr: ip("10.2.0.7"),
            len: 32,
        }),
        ..Selector::default()
    };
    assert_eq!(
        event,
        Some(Event::Acquire {
            ifindex: 3,
            selector
        })
    );

    assert_eq!(decode_event(cmd::SA_GET, &[]).unwrap(), None);
    assert!(matches!(
        codec::decode_event(cmd::ACQUIRE, &[]),
        Err(Error::Missing("ifindex"))
    ));
}
