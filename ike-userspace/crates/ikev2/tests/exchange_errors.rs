//! Failures end with the notification RFC 7296 prescribes, on both sides:
//! authentication (section 2.21.2), negotiation (sections 2.7, 1.2), traffic
//! selectors (section 2.9); plus COOKIE and INVALID_KE_PAYLOAD retries,
//! duplicate requests, the retransmission schedule, and hostile input.

mod exchange_common;

use std::net::SocketAddr;
use std::sync::Arc;

use exchange_common::*;
use ikev2::auth::{Credentials, Psk};
use ikev2::codec::{Message, NotifyType, Payload, PayloadBody, PayloadFlags, PayloadType};
use ikev2::config::{Esn, Identity, IkeConfig};
use ikev2::crypto::{Authenticator, DhGroup, EncrAlg, IntegAlg, PrfAlg, PskAuthenticator};
use ikev2::{Action, CookiePolicy, DeleteReason, Endpoint, Error, Timestamp};

fn gcm_config(side: char) -> IkeConfig {
    config(
        side,
        ike_proposal(
            EncrAlg::AesGcm16_256,
            None,
            PrfAlg::HmacSha2_256,
            DhGroup::Curve25519,
        ),
        esp_proposal(EncrAlg::AesGcm16_128, None, None, Esn::No),
    )
}

fn run(config_a: IkeConfig, config_b: IkeConfig) -> Net {
    let mut net = Net::new(config_b);
    net.initiate(config_a);
    net.pump();
    net
}

fn failed_with(side: &Side) -> Option<NotifyType> {
    match side.deleted().last() {
        Some((_, DeleteReason::Failed(e))) => e.notify_type(),
        _ => None,
    }
}

#[test]
fn wrong_psk_is_refused_by_the_responder() {
    let mut a = gcm_config('a');
    a.credentials = Arc::new(Psk::new(b"not the shared key"));
    let net = run(a, gcm_config('b'));

    assert_eq!(failed_with(&net.a), Some(NotifyType::AUTHENTICATION_FAILED));
    assert_eq!(failed_with(&net.b), Some(NotifyType::AUTHENTICATION_FAILED));
    assert!(matches!(
        net.a.deleted()[0].1,
        DeleteReason::Failed(Error::PeerError(NotifyType::AUTHENTICATION_FAILED))
    ));
    assert!(matches!(
        net.b.deleted()[0].1,
        DeleteReason::Failed(Error::AuthenticationFailed)
    ));
    assert!(net.a.established().is_empty() && net.b.established().is_empty());
    assert!(net.a.installed().is_empty() && net.b.installed().is_empty());
    assert!(net.a.ep.ike_sas().is_empty() && net.b.ep.ike_sas().is_empty());
}

/// Signs with one key, checks the peer with another.
#[derive(Debug)]
struct SplitPsk {
    ours: &'static [u8],
    theirs: &'static [u8],
}

impl Credentials for SplitPsk {
    fn local(&self, prf: PrfAlg, _: &Identity) -> ikev2::error::Result<Box<dyn Authenticator>> {
        Ok(Box::new(PskAuthenticator::new(prf, self.ours)))
    }

    fn peer(&self, prf: PrfAlg, _: &Identity) -> Option<Box<dyn Authenticator>> {
        Some(Box::new(PskAuthenticator::new(prf, self.theirs)))
    }
}

#[test]
fn wrong_responder_auth_is_refused_by_the_initiator() {
    let mut b = gcm_config('b');
    b.credentials = Arc::new(SplitPsk {
        ours: b"forged",
        theirs: PSK,
    });
    let net = run(gcm_config('a'), b);

    assert!(matches!(
        net.a.deleted()[0].1,
        DeleteReason::Failed(Error::AuthenticationFailed)
    ));
    assert!(net.a.established().is_empty() && net.a.installed().is_empty());
    // B believed A, then hears AUTHENTICATION_FAILED and tears down.
    assert_eq!(failed_with(&net.b), Some(NotifyType::AUTHENTICATION_FAILED));
    let b_child = net.b.installed()[0].spi_in;
    assert_eq!(net.b.deleted_children()[0].0, b_child);
    assert!(net.b.ep.ike_sas().is_empty());
}

#[test]
fn unexpected_peer_identity_fails_authentication() {
    let mut b = gcm_config('b');
    b.remote_id = Some(Identity::Ipv4("203.0.113.9".parse().unwrap()));
    let net = run(gcm_config('a'), b);

    assert_eq!(failed_with(&net.a), Some(NotifyType::AUTHENTICATION_FAILED));
    assert_eq!(failed_with(&net.b), Some(NotifyType::AUTHENTICATION_FAILED));
}

#[test]
fn no_common_ike_proposal() {
    let b = config(
        'b',
        ike_proposal(
            EncrAlg::ChaCha20Poly1305,
            None,
            PrfAlg::HmacSha2_256,
            DhGroup::Curve25519,
        ),
        esp_proposal(EncrAlg::AesGcm16_128, None, None, Esn::No),
    );
    let net = run(gcm_config('a'), b);

    assert!(matches!(
        net.a.deleted()[0].1,
        DeleteReason::Failed(Error::PeerError(NotifyType::NO_PROPOSAL_CHOSEN))
    ));
    assert_eq!(net.b.sent.len(), 1);
    assert_eq!(
        plain_notifies(&net.b.sent[0]),
        vec![NotifyType::NO_PROPOSAL_CHOSEN]
    );
    assert_eq!(net.b.ep.counters().init_refused, 1);
    assert!(net.b.ep.ike_sas().is_empty() && net.b.events.is_empty());
}

#[test]
fn no_common_esp_proposal_keeps_the_ike_sa() {
    let mut b = gcm_config('b');
    b.child.proposals = vec![esp_proposal(
        EncrAlg::AesCbc256,
        Some(IntegAlg::HmacSha2_512_256),
        None,
        Esn::No,
    )];
    let net = run(gcm_config('a'), b);

    assert_eq!(net.a.established().len(), 1);
    assert_eq!(net.b.established().len(), 1);
    assert_eq!(
        net.a.child_failures(),
        vec![Error::PeerError(NotifyType::NO_PROPOSAL_CHOSEN)]
    );
    assert_eq!(net.b.child_failures(), vec![Error::NoProposalChosen]);
    assert!(net.a.installed().is_empty() && net.b.installed().is_empty());
}

#[test]
fn disjoint_traffic_selectors_are_ts_unacceptable() {
    let mut b = gcm_config('b');
    b.child.remote_ts = vec![subnet("10.9.0.0/16")];
    let net = run(gcm_config('a'), b);

    assert_eq!(
        net.a.child_failures(),
        vec![Error::PeerError(NotifyType::TS_UNACCEPTABLE)]
    );
    assert_eq!(net.b.child_failures(), vec![Error::TsUnacceptable]);
    assert_eq!(
        net.b.child_failures()[0].notify_type(),
        Some(NotifyType::TS_UNACCEPTABLE)
    );
    assert!(net.a.installed().is_empty() && net.b.installed().is_empty());
    assert_eq!(net.a.ep.ike_sas().len(), 1);
}

#[test]
fn responder_narrows_traffic_selectors() {
    let mut b = gcm_config('b');
    b.child.local_ts = vec![subnet("10.2.5.0/24"), subnet("192.168.0.0/16")];
    let net = run(gcm_config('a'), b);

    let a = net.a.installed()[0];
    assert_eq!(a.ts_remote, vec![subnet("10.2.5.0/24")]);
    assert_eq!(a.ts_local, vec![subnet("10.1.0.0/16")]);
    assert_mirrored(a, net.b.installed()[0]);
}

#[test]
fn invalid_ke_payload_retry_succeeds() {
    let mut a = gcm_config('a');
    a.proposals[0].dh = vec![DhGroup::Ecp256, DhGroup::Curve25519];
    a.child.proposals[0].dh = vec![DhGroup::Ecp384, DhGroup::Modp2048];
    let mut b = gcm_config('b');
    b.child.proposals[0].dh = vec![DhGroup::Modp2048];
    let mut net = run(a, b);

    assert_eq!(
        plain_notifies(&net.b.sent[0]),
        vec![NotifyType::INVALID_KE_PAYLOAD]
    );
    assert_eq!(net.b.ep.counters().init_refused, 1);
    assert_eq!(net.a.established().len(), 1);
    assert_mirrored(net.a.installed()[0], net.b.installed()[0]);

    // CREATE_CHILD_SA with PFS: B wants MODP-2048, A tried P-384 first.
    let spi = net.a.installed()[0].spi_in;
    net.command(true, |ep, now| ep.rekey_child(now, spi));
    assert_eq!(net.a.installed().len(), 2);
    assert_mirrored(net.a.installed()[1], net.b.installed()[1]);
    assert!(net.a.child_failures().is_empty());
}

/// Demands a cookie from everyone; the cookie is derived from SPIi.
struct AlwaysCookie;

impl CookiePolicy for AlwaysCookie {
    fn require(&mut self, _: usize, _: SocketAddr) -> bool {
        true
    }

    fn make(&mut self, _ni: &[u8], spi_i: u64, _: SocketAddr) -> Vec<u8> {
        (spi_i ^ 0x5a5a_5a5a_5a5a_5a5a).to_be_bytes().to_vec()
    }

    fn verify(&mut self, cookie: &[u8], ni: &[u8], spi_i: u64, from: SocketAddr) -> bool {
        cookie == self.make(ni, spi_i, from)
    }
}

#[test]
fn cookie_retry_succeeds() {
    let mut net = Net::new(gcm_config('b'));
    net.b.ep.set_cookie_policy(Box::new(AlwaysCookie));
    net.initiate(gcm_config('a'));
    net.pump();

    assert_eq!(plain_notifies(&net.b.sent[0]), vec![NotifyType::COOKIE]);
    let retry = Message::decode(&net.a.sent[1]).unwrap();
    assert!(matches!(
        &retry.payloads[0].body,
        PayloadBody::Notify(n) if n.notify_type == NotifyType::COOKIE
    ));
    assert_eq!(net.a.established().len(), 1);
    assert_eq!(net.b.established().len(), 1);
    assert_eq!(net.b.ep.counters().init_refused, 1);
}

#[test]
fn duplicate_requests_get_the_cached_response() {
    let mut net = run(gcm_config('a'), gcm_config('b'));
    let a_id = net.a.established()[0];
    let (now, a, b) = (net.now, addr_a(), addr_b());

    let request = match net.a.ep.liveness_check(now, a_id).unwrap().remove(0) {
        Action::Send { bytes, .. } => bytes,
        other => panic!("{other:?}"),
    };
    let first = net.b.ep.handle_datagram(now, &request, b, a);
    let again = net.b.ep.handle_datagram(now, &request, b, a);
    let (Some(Action::Send { bytes: r1, .. }), Some(Action::Send { bytes: r2, .. })) =
        (first.first(), again.first())
    else {
        panic!("no responses");
    };
    assert_eq!(r1, r2);
    assert_eq!(net.b.ep.counters().retransmits_answered, 1);

    let confirmed = net.a.ep.handle_datagram(now, r1, a, b);
    assert!(matches!(confirmed[..], [Action::LivenessConfirmed { .. }]));
    assert!(net.a.ep.handle_datagram(now, r2, a, b).is_empty());
    assert_eq!(net.a.ep.counters().dropped_message_id, 1);
}

#[test]
fn duplicate_ike_sa_init_creates_one_sa() {
    let mut net = Net::new(gcm_config('b'));
    net.blackhole = true;
    net.initiate(gcm_config('a'));
    let request = net.a.sent[0].clone();
    let (now, a, b) = (net.now, addr_a(), addr_b());

    let r1 = net.b.ep.handle_datagram(now, &request, b, a);
    let r2 = net.b.ep.handle_datagram(now, &request, b, a);
    assert_eq!(net.b.ep.ike_sas().len(), 1);
    match (&r1[..], &r2[..]) {
        ([Action::Send { bytes: x, .. }], [Action::Send { bytes: y, .. }]) => assert_eq!(x, y),
        other => panic!("{other:?}"),
    }
}

#[test]
fn retransmission_schedule_then_give_up() {
    let a = gcm_config('a');
    let policy = a.retransmit;
    let mut net = Net::new(gcm_config('b'));
    net.blackhole = true;
    let id = net.initiate(a);
    while net.a.deleted().is_empty() {
        assert!(net.tick(), "a timeout is pending until A gives up");
    }

    let schedule = policy.schedule();
    assert_eq!(net.a.sent.len(), schedule.len());
    assert!(net.a.sent.iter().all(|m| *m == net.a.sent[0]));
    let mut expected = net.a.sent_at[0];
    for (sent_at, wait) in net.a.sent_at.iter().zip(&schedule) {
        assert_eq!(*sent_at, expected);
        expected = expected + *wait;
    }
    assert_eq!(
        net.now, expected,
        "gives up one last wait after the last retransmission"
    );
    assert_eq!(
        net.a.deleted(),
        vec![(id, DeleteReason::Failed(Error::Timeout))]
    );
    assert_eq!(
        net.a.ep.counters().retransmits,
        u64::from(policy.max_retransmits)
    );
    assert_eq!(net.a.ep.next_timeout(), None);
}

#[test]
fn dead_peer_is_detected_by_liveness_check() {
    let mut net = run(gcm_config('a'), gcm_config('b'));
    let id = net.a.established()[0];
    let child = net.a.installed()[0].spi_in;
    net.blackhole = true;
    net.command(true, |ep, now| ep.liveness_check(now, id));
    while net.a.deleted().is_empty() {
        assert!(net.tick());
    }

    assert_eq!(
        net.a.deleted(),
        vec![(id, DeleteReason::Failed(Error::Timeout))]
    );
    assert_eq!(net.a.deleted_children()[0].0, child);
}

#[test]
fn garbage_is_dropped_and_counted() {
    let mut ep = Endpoint::new(Box::new(TestRng(7)), Box::new(CounterSpis(1)));
    ep.add_responder_config(Arc::new(gcm_config('b')));
    let now = Timestamp::from_millis(0);
    let inputs: [&[u8]; 4] = [&[], &[0xff; 3], &[0x20; 28], &[0u8; 64]];
    for input in inputs {
        assert!(ep
            .handle_datagram(now, input, addr_b(), addr_a())
            .is_empty());
    }
    let counters = ep.counters();
    assert_eq!(counters.dropped_malformed + counters.dropped_unknown_spi, 4);
    assert!(ep.ike_sas().is_empty());
}

/// A's first IKE_SA_INIT request, for tampering.
fn init_request() -> Vec<u8> {
    let mut net = Net::new(gcm_config('b'));
    net.blackhole = true;
    net.initiate(gcm_config('a'));
    net.a.sent[0].clone()
}

fn responder_answer(request: &[u8]) -> Vec<u8> {
    let mut ep = Endpoint::new(Box::new(TestRng(7)), Box::new(CounterSpis(1)));
    ep.add_responder_config(Arc::new(gcm_config('b')));
    let actions = ep.handle_datagram(Timestamp::from_millis(0), request, addr_b(), addr_a());
    assert!(ep.ike_sas().is_empty(), "refusals keep no state");
    match &actions[..] {
        [Action::Send { bytes, .. }] => bytes.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsupported_critical_payload_in_ike_sa_init() {
    let mut msg = Message::decode(&init_request()).unwrap();
    msg.payloads.insert(
        1,
        Payload {
            flags: PayloadFlags::CRITICAL,
            body: PayloadBody::Unknown {
                payload_type: PayloadType(200),
                body: vec![1, 2, 3],
            },
        },
    );
    let answer = Message::decode(&responder_answer(&msg.encode().unwrap())).unwrap();

    match &answer.payloads[..] {
        [Payload {
            body: PayloadBody::Notify(n),
            ..
        }] => {
            assert_eq!(n.notify_type, NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
            assert_eq!(n.data, vec![200]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_major_version_gets_invalid_major_version() {
    let mut request = init_request();
    request[17] = 0x30;
    let answer = responder_answer(&request);

    assert_eq!(
        plain_notifies(&answer),
        vec![NotifyType::INVALID_MAJOR_VERSION]
    );
    assert_eq!(answer[17], 0x20);
    assert_eq!(answer[..8], request[..8]);
}

#[test]
fn notify_mapping_of_errors() {
    let cases = [
        (Error::NoProposalChosen, NotifyType::NO_PROPOSAL_CHOSEN),
        (
            Error::AuthenticationFailed,
            NotifyType::AUTHENTICATION_FAILED,
        ),
        (Error::TsUnacceptable, NotifyType::TS_UNACCEPTABLE),
        (Error::InvalidSyntax("x"), NotifyType::INVALID_SYNTAX),
        (Error::ChildSaNotFound, NotifyType::CHILD_SA_NOT_FOUND),
        (
            Error::InvalidKePayload { group: 31 },
            NotifyType::INVALID_KE_PAYLOAD,
        ),
    ];
    for (error, expected) in cases {
        assert_eq!(
            error.notify().map(|n| n.notify_type),
            Some(expected),
            "{error}"
        );
    }
    assert_eq!(
        Error::InvalidKePayload { group: 31 }.notify().unwrap().data,
        vec![0, 31]
    );
    assert_eq!(Error::Timeout.notify(), None);
}
