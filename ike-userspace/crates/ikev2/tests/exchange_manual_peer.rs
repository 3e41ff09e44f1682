//! A hand-made initiator, built only from the codec and crypto layers,
//! drives our responder: a correct IKE_AUTH is accepted (cross-checking the
//! exchange layer against an independent construction), and authenticated
//! but invalid requests get the notify RFC 7296 section 2.21 prescribes.

mod exchange_common;

use std::sync::Arc;

use exchange_common::*;
use ikev2::auth::{self, AuthInput, Credentials, Psk};
use ikev2::codec::{
    decode_chain, encode_chain, encrypted_parts, Authentication, Delete, Encrypted, ExchangeType,
    Header, HeaderFlags, KeyExchange as KePayload, Message, Notify, NotifyType, Payload,
    PayloadBody, PayloadFlags, PayloadType, ProtocolId,
};
use ikev2::config::{Esn, IkeConfig};
use ikev2::crypto::{CipherSuite, DhGroup, EncrAlg, IkeSaKeys, KeyExchange, PrfAlg, Role};
use ikev2::proposal::{esp_offer, ike_offer};
use ikev2::ts;
use ikev2::{Action, Endpoint, Timestamp};

const PRF: PrfAlg = PrfAlg::HmacSha2_256;

fn responder_config() -> IkeConfig {
    config(
        'b',
        ike_proposal(EncrAlg::AesGcm16_256, None, PRF, DhGroup::Curve25519),
        esp_proposal(EncrAlg::AesGcm16_128, None, None, Esn::No),
    )
}

struct ManualInitiator {
    ep: Endpoint,
    rng: TestRng,
    spi_i: u64,
    spi_r: u64,
    keys: IkeSaKeys,
    init_request: Vec<u8>,
    init_response: Vec<u8>,
    ni: Vec<u8>,
    nr: Vec<u8>,
    next_id: u32,
}

fn single_send(actions: Vec<Action>) -> Option<Vec<u8>> {
    match &actions[..] {
        [Action::Send { bytes, .. }] => Some(bytes.clone()),
        [] => None,
        other => other.iter().find_map(|a| match a {
            Action::Send { bytes, .. } => Some(bytes.clone()),
            _ => None,
        }),
    }
}

impl ManualInitiator {
    /// Runs IKE_SA_INIT by hand and derives the keys.
    fn new() -> Self {
        let config = responder_config();
        let mut ep = Endpoint::new(Box::new(TestRng(9)), Box::new(CounterSpis(0x300)));
        ep.add_responder_config(Arc::new(config.clone()));
        let mut rng = TestRng(77);
        let ke = KeyExchange::generate(DhGroup::Curve25519, &mut rng).unwrap();
        let ni = vec![0x11; 32];
        let spi_i = 0x1122_3344_5566_7788;

        let header = header(spi_i, 0, ExchangeType::IKE_SA_INIT, 0);
        let payloads = vec![
            Payload::new(PayloadBody::Sa(ike_offer(&config.proposals, &[]))),
            Payload::new(PayloadBody::Ke(KePayload::new(
                ikev2::codec::DhGroup(31),
                ke.public_value().to_vec(),
            ))),
            Payload::new(PayloadBody::Nonce(ikev2::codec::Nonce { data: ni.clone() })),
        ];
        let init_request = Message { header, payloads }.encode().unwrap();
        let now = Timestamp::from_millis(0);
        let reply = ep.handle_datagram(now, &init_request, addr_b(), addr_a());
        let init_response = single_send(reply).unwrap();
        let response = Message::decode(&init_response).unwrap();

        let mut nr = vec![];
        let mut peer_ke = vec![];
        for p in &response.payloads {
            match &p.body {
                PayloadBody::Nonce(n) => nr = n.data.clone(),
                PayloadBody::Ke(k) => peer_ke = k.data.clone(),
                _ => {}
            }
        }
        let spi_r = response.header.spi_r;
        let g_ir = ke.shared_secret(&peer_ke).unwrap();
        let suite = CipherSuite::new(EncrAlg::AesGcm16_256, None).unwrap();
        let keys = IkeSaKeys::from_ike_sa_init(
            PRF,
            suite,
            g_ir.as_bytes(),
            &ni,
            &nr,
            &spi_i.to_be_bytes(),
            &spi_r.to_be_bytes(),
        )
        .unwrap();
        Self {
            ep,
            rng,
            spi_i,
            spi_r,
            keys,
            init_request,
            init_response,
            ni,
            nr,
            next_id: 1,
        }
    }

    /// Seals `payloads` into a request, sends it, opens the response.
    fn exchange(&mut self, exchange: ExchangeType, payloads: &[Payload]) -> Option<Vec<Payload>> {
        let bytes = self.seal(exchange, payloads, false);
        self.send(&bytes)
    }

    fn seal(&mut self, exchange: ExchangeType, payloads: &[Payload], corrupt: bool) -> Vec<u8> {
        let cipher = self.keys.sk_cipher(Role::Initiator).unwrap();
        let (first_inner, plain) = encode_chain(payloads).unwrap();
        let body_len = cipher.sealed_len(plain.len());
        let sk = Encrypted {
            first_inner,
            body: vec![0; body_len],
        };
        let header = header(self.spi_i, self.spi_r, exchange, self.next_id);
        let message = Message {
            header,
            payloads: vec![Payload::new(PayloadBody::Sk(sk))],
        };
        let mut bytes = message.encode().unwrap();
        let split = bytes.len() - body_len;
        let body = cipher.seal(&bytes[..split], &plain, &mut self.rng).unwrap();
        bytes[split..].copy_from_slice(&body);
        if corrupt {
            *bytes.last_mut().unwrap() ^= 1;
        }
        bytes
    }

    fn send(&mut self, bytes: &[u8]) -> Option<Vec<Payload>> {
        let now = Timestamp::from_millis(0);
        let reply = single_send(self.ep.handle_datagram(now, bytes, addr_b(), addr_a()))?;
        self.next_id += 1;
        let msg = Message::decode(&reply).unwrap();
        assert!(msg.header.flags.contains(HeaderFlags::RESPONSE));
        let parts = encrypted_parts(&reply).unwrap();
        let cipher = self.keys.sk_cipher(Role::Responder).unwrap();
        let plain = cipher.open(parts.authenticated, parts.body).unwrap();
        Some(decode_chain(msg.encrypted().unwrap().first_inner, &plain).unwrap())
    }

    fn our_auth(&self, id: &ikev2::codec::Identification) -> Authentication {
        let input = AuthInput {
            prf: PRF,
            real_message: &self.init_request,
            peer_nonce: &self.nr,
            sk_p: self.keys.sk_p(Role::Initiator),
            id,
        };
        let signer = Psk::new(PSK)
            .local(PRF, &ikev2::config::Identity::KeyId(vec![]))
            .unwrap();
        auth::sign(signer.as_ref(), &input).unwrap()
    }

    /// A correct IKE_AUTH request (IDi, AUTH, SA, TSi, TSr).
    fn auth_payloads(&self) -> Vec<Payload> {
        let a = config(
            'a',
            responder_config().proposals[0].clone(),
            responder_config().child.proposals[0].clone(),
        );
        let idi = a.local_id.to_payload();
        vec![
            Payload::new(PayloadBody::IdI(idi.clone())),
            Payload::new(PayloadBody::Auth(self.our_auth(&idi))),
            Payload::new(PayloadBody::Sa(esp_offer(
                &a.child.proposals,
                0x4242,
                false,
            ))),
            Payload::new(PayloadBody::TsI(ts::to_payload(&a.child.local_ts))),
            Payload::new(PayloadBody::TsR(ts::to_payload(&a.child.remote_ts))),
        ]
    }
}

fn header(spi_i: u64, spi_r: u64, exchange_type: ExchangeType, message_id: u32) -> Header {
    Header {
        spi_i,
        spi_r,
        minor_version: 0,
        exchange_type,
        flags: HeaderFlags::INITIATOR,
        message_id,
    }
}

fn notify_types(payloads: &[Payload]) -> Vec<NotifyType> {
    payloads
        .iter()
        .filter_map(|p| match &p.body {
            PayloadBody::Notify(n) => Some(n.notify_type),
            _ => None,
        })
        .collect()
}

/// Runs IKE_AUTH by hand; returns the peer with an established IKE SA.
fn established() -> ManualInitiator {
    let mut peer = ManualInitiator::new();
    let payloads = peer.auth_payloads();
    let reply = peer.exchange(ExchangeType::IKE_AUTH, &payloads).unwrap();
    let idr = reply
        .iter()
        .find_map(|p| match &p.body {
            PayloadBody::IdR(id) => Some(id.clone()),
            _ => None,
        })
        .unwrap();
    let auth_r = reply
        .iter()
        .find_map(|p| match &p.body {
            PayloadBody::Auth(a) => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    let input = AuthInput {
        prf: PRF,
        real_message: &peer.init_response,
        peer_nonce: &peer.ni,
        sk_p: peer.keys.sk_p(Role::Responder),
        id: &idr,
    };
    let verifier = Psk::new(PSK)
        .peer(PRF, &ikev2::config::Identity::KeyId(vec![]))
        .unwrap();
    auth::verify(verifier.as_ref(), &input, &auth_r).unwrap();
    assert!(notify_types(&reply).is_empty(), "{reply:?}");
    assert!(reply.iter().any(|p| matches!(p.body, PayloadBody::Sa(_))));
    assert_eq!(idr, responder_config().local_id.to_payload());
    peer
}

#[test]
fn hand_built_ike_auth_is_accepted() {
    let peer = established();
    assert_eq!(peer.ep.ike_sas().len(), 1);
}

#[test]
fn unsupported_critical_payload_inside_sk() {
    let mut peer = ManualInitiator::new();
    let mut payloads = peer.auth_payloads();
    payloads.insert(
        2,
        Payload {
            flags: PayloadFlags::CRITICAL,
            body: PayloadBody::Unknown {
                payload_type: PayloadType(190),
                body: vec![0; 5],
            },
        },
    );
    let reply = peer.exchange(ExchangeType::IKE_AUTH, &payloads).unwrap();

    match &reply[..] {
        [Payload {
            body: PayloadBody::Notify(n),
            ..
        }] => {
            assert_eq!(n.notify_type, NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
            assert_eq!(n.data, vec![190]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        peer.ep.ike_sas().is_empty(),
        "a failed IKE_AUTH ends the half-open SA"
    );
}

#[test]
fn ike_auth_without_auth_is_invalid_syntax() {
    let mut peer = ManualInitiator::new();
    let mut payloads = peer.auth_payloads();
    payloads.remove(1);
    let reply = peer.exchange(ExchangeType::IKE_AUTH, &payloads).unwrap();
    assert_eq!(notify_types(&reply), vec![NotifyType::INVALID_SYNTAX]);
}

#[test]
fn corrupted_icv_is_dropped_silently() {
    let mut peer = ManualInitiator::new();
    let payloads = peer.auth_payloads();
    let bytes = peer.seal(ExchangeType::IKE_AUTH, &payloads, true);
    assert!(peer.send(&bytes).is_none());
    assert_eq!(peer.ep.counters().dropped_icv, 1);

    // The window did not move: the intact request is still welcome.
    let reply = peer.exchange(ExchangeType::IKE_AUTH, &payloads).unwrap();
    assert!(notify_types(&reply).is_empty());
}

#[test]
fn invalid_requests_after_authentication() {
    let mut peer = established();

    let bad_delete = Payload::new(PayloadBody::Delete(Delete {
        protocol: ProtocolId::ESP,
        spi_size: 3,
        spis: vec![vec![1, 2, 3]],
    }));
    let reply = peer
        .exchange(ExchangeType::INFORMATIONAL, &[bad_delete])
        .unwrap();
    assert_eq!(notify_types(&reply), vec![NotifyType::INVALID_SYNTAX]);

    let rekey_unknown = Payload::new(PayloadBody::Notify(Notify {
        protocol: ProtocolId::ESP,
        notify_type: NotifyType::REKEY_SA,
        spi: vec![0xde, 0xad, 0xbe, 0xef],
        data: vec![],
    }));
    let mut payloads = peer.auth_payloads().split_off(2);
    payloads.insert(0, rekey_unknown);
    payloads.insert(
        2,
        Payload::new(PayloadBody::Nonce(ikev2::codec::Nonce {
            data: vec![7; 32],
        })),
    );
    let reply = peer
        .exchange(ExchangeType::CREATE_CHILD_SA, &payloads)
        .unwrap();
    assert_eq!(notify_types(&reply), vec![NotifyType::CHILD_SA_NOT_FOUND]);

    let no_nonce = peer.auth_payloads().split_off(2);
    let reply = peer
        .exchange(ExchangeType::CREATE_CHILD_SA, &no_nonce)
        .unwrap();
    assert_eq!(notify_types(&reply), vec![NotifyType::INVALID_SYNTAX]);

    // Still alive: a liveness check gets an empty answer.
    assert_eq!(
        peer.exchange(ExchangeType::INFORMATIONAL, &[]).unwrap(),
        vec![]
    );
    assert_eq!(peer.ep.ike_sas().len(), 1);
}
