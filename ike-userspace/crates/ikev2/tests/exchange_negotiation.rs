//! Proposal selection (RFC 7296 section 2.7), traffic selector narrowing
//! (section 2.9), identities (section 3.5), transport mode (section 1.3.1)
//! and the retransmission schedule as data (section 2.1).

mod exchange_common;

use std::net::IpAddr;
use std::time::Duration;

use exchange_common::*;
use ikev2::codec::{Sa, Transform, TransformType};
use ikev2::config::{Esn, EspProposal, Identity, IkeProposal, Mode};
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use ikev2::proposal::{esp_answer, esp_offer, ike_offer, select_esp, select_ike, KeMode};
use ikev2::ts::{narrow, TsRange};
use ikev2::{Error, RetransmitPolicy};

fn broad_ike() -> IkeProposal {
    IkeProposal {
        encr: vec![
            EncrAlg::AesCbc256,
            EncrAlg::ChaCha20Poly1305,
            EncrAlg::AesGcm16_128,
        ],
        integ: vec![IntegAlg::HmacSha2_512_256, IntegAlg::HmacSha2_256_128],
        prf: vec![PrfAlg::HmacSha2_384, PrfAlg::HmacSha2_256],
        dh: vec![DhGroup::Ecp256, DhGroup::Curve25519],
    }
}

#[test]
fn aead_and_plain_ciphers_are_offered_in_separate_proposals() {
    let sa = ike_offer(&[broad_ike()], &[]);
    assert_eq!(sa.proposals.len(), 2);
    let has_integ = |i: usize| {
        sa.proposals[i]
            .transforms
            .iter()
            .any(|t| t.transform_type == TransformType::INTEG)
    };
    assert!(
        has_integ(1) && !has_integ(0),
        "AEAD proposal first, without INTEG"
    );
    assert_eq!(sa.proposals[0].number, 1);
    assert_eq!(sa.proposals[1].number, 2);
}

#[test]
fn responder_prefers_its_own_proposal_order_and_the_offered_ke() {
    let offer = ike_offer(&[broad_ike()], &[]);
    let mine = IkeProposal {
        encr: vec![EncrAlg::AesCbc256],
        integ: vec![IntegAlg::HmacSha2_256_128],
        prf: vec![PrfAlg::HmacSha2_256],
        dh: vec![DhGroup::Ecp256, DhGroup::Curve25519],
    };
    let choice = select_ike(std::slice::from_ref(&mine), &offer, Some(31)).unwrap();
    assert_eq!(choice.suite.encr(), EncrAlg::AesCbc256);
    assert_eq!(choice.suite.integ(), Some(IntegAlg::HmacSha2_256_128));
    assert_eq!(choice.prf, PrfAlg::HmacSha2_256);
    assert_eq!(
        choice.dh,
        DhGroup::Curve25519,
        "the KE's group is taken when acceptable"
    );
    assert_eq!(choice.number, 2);

    let no_ke = select_ike(&[mine], &offer, Some(20)).unwrap();
    assert_eq!(no_ke.dh, DhGroup::Ecp256, "else the first common group");
}

#[test]
fn unknown_transform_types_and_attributes_skip_a_proposal() {
    let mut offer = ike_offer(&[broad_ike()], &[]);
    offer.proposals[0]
        .transforms
        .push(Transform::new(TransformType(9), 1));
    let mut attr = Transform::prf(ikev2::codec::PrfId(5));
    attr.attributes.push(ikev2::codec::Attribute {
        attr_type: ikev2::codec::AttributeType(99),
        value: ikev2::codec::AttributeValue::Tv(1),
    });
    offer.proposals[1].transforms.push(attr);
    assert_eq!(
        select_ike(&[broad_ike()], &offer, None),
        Err(Error::NoProposalChosen)
    );
}

#[test]
fn esp_pfs_must_match_the_ke() {
    let pfs = EspProposal {
        encr: vec![EncrAlg::AesGcm16_256],
        integ: vec![],
        dh: vec![DhGroup::Ecp384],
        esn: vec![Esn::Yes, Esn::No],
    };
    let offer = esp_offer(std::slice::from_ref(&pfs), 0x1234, true);
    let choice = select_esp(std::slice::from_ref(&pfs), &offer, KeMode::Group(20)).unwrap();
    assert_eq!((choice.dh, choice.esn), (Some(DhGroup::Ecp384), Esn::Yes));
    assert_eq!(choice.spi, 0x1234u32.to_be_bytes());
    assert_eq!(
        select_esp(std::slice::from_ref(&pfs), &offer, KeMode::None),
        Err(Error::NoProposalChosen)
    );
    assert_eq!(
        select_esp(std::slice::from_ref(&pfs), &offer, KeMode::Ignore)
            .unwrap()
            .dh,
        None
    );

    let answer: Sa = esp_answer(&choice, 0x99);
    assert_eq!(answer.proposals[0].spi, 0x99u32.to_be_bytes());
    assert_eq!(answer.proposals[0].transforms.len(), 3);
}

#[test]
fn narrowing_intersects_addresses_ports_and_protocols() {
    let proposed = vec![TsRange {
        protocol: 6,
        start_port: 0,
        end_port: 1024,
        ..subnet("10.0.0.0/8")
    }];
    let allowed = vec![
        TsRange {
            start_port: 443,
            end_port: 8443,
            ..subnet("10.1.0.0/16")
        },
        subnet("192.168.0.0/16"),
        TsRange::any_v6(),
    ];
    let narrowed = narrow(&proposed, &allowed);
    assert_eq!(
        narrowed,
        vec![TsRange {
            protocol: 6,
            start_port: 443,
            end_port: 1024,
            ..subnet("10.1.0.0/16")
        }]
    );
    let udp = TsRange {
        protocol: 17,
        ..subnet("10.1.0.0/16")
    };
    assert!(narrow(&[udp], &narrowed).is_empty());
    let v4: IpAddr = "10.1.255.255".parse().unwrap();
    assert_eq!(subnet("10.1.0.0/16").end, v4);
    assert!(TsRange::any_v4().contains(&subnet("10.1.0.0/16")));
}

#[test]
fn retransmission_schedule_is_exponential_and_capped() {
    let policy = RetransmitPolicy {
        initial: Duration::from_secs(1),
        factor: 2.0,
        max_timeout: Duration::from_secs(5),
        max_retransmits: 4,
    };
    let secs: Vec<u64> = policy.schedule().iter().map(Duration::as_secs).collect();
    assert_eq!(secs, vec![1, 2, 4, 5, 5]);
    let default = RetransmitPolicy::default().schedule();
    assert_eq!(default[1], Duration::from_millis(1800));
}

#[test]
fn every_identity_type_authenticates_in_transport_mode() {
    let ids = [
        Identity::Ipv4("192.0.2.1".parse().unwrap()),
        Identity::Ipv6("2001:db8::1".parse().unwrap()),
        Identity::KeyId(vec![0, 1, 2, 0xff]),
        Identity::Fqdn("gw.rsec.test".into()),
        Identity::Rfc822("ops@rsec.test".into()),
    ];
    for (a_id, b_id) in ids.iter().zip(ids.iter().cycle().skip(1)) {
        let ike = ike_proposal(
            EncrAlg::AesGcm16_128,
            None,
            PrfAlg::HmacSha2_256,
            DhGroup::Ecp256,
        );
        let esp = esp_proposal(EncrAlg::AesGcm16_128, None, None, Esn::No);
        let mut a = config('a', ike.clone(), esp.clone());
        let mut b = config('b', ike, esp);
        (a.local_id, a.remote_id) = (a_id.clone(), Some(b_id.clone()));
        (b.local_id, b.remote_id) = (b_id.clone(), Some(a_id.clone()));
        a.child.mode = Mode::Transport;
        b.child.mode = Mode::Transport;

        let mut net = Net::new(b);
        net.initiate(a);
        net.pump();
        assert_eq!(net.a.established().len(), 1, "{a_id:?} -> {b_id:?}");
        let child = net.a.installed()[0];
        assert_eq!(child.mode, Mode::Transport);
        assert_mirrored(child, net.b.installed()[0]);
        assert_eq!(Identity::from_payload(&a_id.to_payload()).unwrap(), *a_id);
    }
}
