//! Nothing a peer sends can panic the library: random mutations of the
//! messages of a real life, fed to a responder (and an initiator) that is
//! otherwise replaying that life exactly.

mod exchange_common;

use std::sync::{Arc, OnceLock};

use exchange_common::*;
use ikev2::config::{Esn, IkeConfig};
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use ikev2::{Endpoint, Timestamp};
use proptest::prelude::*;

fn ike_config(side: char) -> IkeConfig {
    config(
        side,
        ike_proposal(
            EncrAlg::AesCbc128,
            Some(IntegAlg::HmacSha2_256_128),
            PrfAlg::HmacSha2_256,
            DhGroup::Curve25519,
        ),
        esp_proposal(
            EncrAlg::AesGcm16_128,
            None,
            Some(DhGroup::Curve25519),
            Esn::No,
        ),
    )
}

/// What A sent and what B sent during a life driven by A alone.
struct Transcript {
    start: Timestamp,
    to_b: Vec<Vec<u8>>,
    to_a: Vec<Vec<u8>>,
}

fn transcript() -> &'static Transcript {
    static TRANSCRIPT: OnceLock<Transcript> = OnceLock::new();
    TRANSCRIPT.get_or_init(|| {
        let mut net = Net::new(ike_config('b'));
        let start = net.now;
        let id = net.initiate(ike_config('a'));
        net.pump();
        let spi = net.a.installed()[0].spi_in;
        net.command(true, |ep, now| ep.rekey_child(now, spi));
        net.command(true, |ep, now| ep.create_child(now, id));
        net.command(true, |ep, now| ep.rekey_ike(now, id));
        let id = net.a.ep.ike_sas()[0];
        net.command(true, |ep, now| ep.liveness_check(now, id));
        let spi = net.a.installed().last().unwrap().spi_in;
        net.command(true, |ep, now| ep.delete_child(now, spi));
        net.command(true, |ep, now| ep.delete_ike(now, id));
        assert_eq!(net.b.deleted().len(), 2, "the life ran to its end");
        Transcript {
            start,
            to_b: net.a.sent.clone(),
            to_a: net.b.sent.clone(),
        }
    })
}

fn responder() -> Endpoint {
    let mut ep = Endpoint::new(Box::new(TestRng(0xb0b)), Box::new(CounterSpis(0xb000_0000)));
    ep.add_responder_config(Arc::new(ike_config('b')));
    ep
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Vec<(usize, u8)>),
    Truncate(usize),
    Append(Vec<u8>),
}

fn mutate(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match mutation {
        Mutation::Flip(flips) => {
            for (pos, xor) in flips {
                let len = out.len();
                out[pos % len] ^= xor | 1;
            }
        }
        Mutation::Truncate(len) => out.truncate(len % bytes.len()),
        Mutation::Append(tail) => out.extend_from_slice(tail),
    }
    out
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::collection::vec((any::<usize>(), any::<u8>()), 1..4).prop_map(Mutation::Flip),
        any::<usize>().prop_map(Mutation::Truncate),
        prop::collection::vec(any::<u8>(), 1..64).prop_map(Mutation::Append),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The replaying responder is byte-identical to the original until the
    /// mutated message; whatever follows, nothing panics.
    #[test]
    fn mutated_requests_never_panic_the_responder(index in any::<prop::sample::Index>(), m in mutation()) {
        let t = transcript();
        let k = index.index(t.to_b.len());
        let mut ep = responder();
        for (i, message) in t.to_b.iter().enumerate() {
            let input = if i == k { mutate(message, &m) } else { message.clone() };
            let _ = ep.handle_datagram(t.start, &input, addr_b(), addr_a());
        }
        let _ = ep.handle_timeout(Timestamp::from_millis(u64::MAX / 2));
    }

    /// Mutated IKE_SA_INIT and IKE_AUTH responses do not panic the initiator.
    #[test]
    fn mutated_responses_never_panic_the_initiator(index in 0usize..2, m in mutation()) {
        let t = transcript();
        let mut ep = Endpoint::new(Box::new(TestRng(0xa11ce)), Box::new(CounterSpis(0xa000_0000)));
        let (_, first) = ep.initiate(t.start, Arc::new(ike_config('a')), addr_a(), addr_b()).unwrap();
        prop_assert_eq!(first.len(), 1);
        for (i, message) in t.to_a.iter().take(2).enumerate() {
            let input = if i == index { mutate(message, &m) } else { message.clone() };
            let _ = ep.handle_datagram(t.start, &input, addr_a(), addr_b());
        }
        let _ = ep.handle_timeout(Timestamp::from_millis(u64::MAX / 2));
    }
}

/// The replay is faithful: unmutated, the responder sends what B sent.
#[test]
fn replay_reproduces_the_responder() {
    let t = transcript();
    let mut ep = responder();
    let mut sent = Vec::new();
    for message in &t.to_b {
        for action in ep.handle_datagram(t.start, message, addr_b(), addr_a()) {
            if let ikev2::Action::Send { bytes, .. } = action {
                sent.push(bytes);
            }
        }
    }
    assert_eq!(sent, t.to_a);
}
