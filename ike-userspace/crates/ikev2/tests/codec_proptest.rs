//! Property tests: random messages with every payload kind and random
//! (often unassigned) code points encode, decode back to the same value and
//! re-encode to the same octets; mutated encodings never panic the decoder.

use std::net::{Ipv4Addr, Ipv6Addr};

use ikev2::codec::{
    decode_chain, encode_chain, fuzz_decode, Attribute, AttributeType, AttributeValue, AuthMethod,
    Authentication, CertEncoding, Certificate, CertificateRequest, CfgAttrType, CfgType,
    ConfigAttribute, Configuration, Delete, DhGroup, Eap, Encrypted, EncryptedFragment,
    ExchangeType, Header, HeaderFlags, IdType, Identification, IpRange, KeyExchange, Message,
    Nonce, Notify, NotifyType, Payload, PayloadBody, PayloadFlags, PayloadType, Proposal,
    ProtocolId, Sa, TrafficSelector, TrafficSelectors, Transform, TransformType, TsType, VendorId,
};
use proptest::collection::vec;
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..=max)
}

fn attribute() -> impl Strategy<Value = Attribute> {
    let value = prop_oneof![
        any::<u16>().prop_map(AttributeValue::Tv),
        bytes(6).prop_map(AttributeValue::Tlv),
    ];
    (0..0x8000u16, value).prop_map(|(t, value)| Attribute {
        attr_type: AttributeType(t),
        value,
    })
}

fn transform() -> impl Strategy<Value = Transform> {
    (
        1..=6u8,
        any::<u16>(),
        vec(attribute(), 0..3),
        any::<[u8; 2]>(),
    )
        .prop_map(|(t, id, attributes, reserved)| Transform {
            transform_type: TransformType(t),
            id,
            attributes,
            reserved,
        })
}

fn proposal() -> impl Strategy<Value = Proposal> {
    (
        any::<u8>(),
        0..5u8,
        bytes(8),
        vec(transform(), 0..5),
        any::<u8>(),
    )
        .prop_map(|(number, protocol, spi, transforms, reserved)| Proposal {
            number,
            protocol: ProtocolId(protocol),
            spi,
            transforms,
            reserved,
        })
}

fn traffic_selector() -> impl Strategy<Value = TrafficSelector> {
    let ports = (any::<u8>(), any::<u16>(), any::<u16>());
    let v4 = (ports, any::<[u8; 4]>(), any::<[u8; 4]>()).prop_map(|((p, s, e), a, b)| {
        TrafficSelector::Ipv4(IpRange {
            ip_protocol: p,
            start_port: s,
            end_port: e,
            start: Ipv4Addr::from(a),
            end: Ipv4Addr::from(b),
        })
    });
    let v6 = (ports, any::<[u8; 16]>(), any::<[u8; 16]>()).prop_map(|((p, s, e), a, b)| {
        TrafficSelector::Ipv6(IpRange {
            ip_protocol: p,
            start_port: s,
            end_port: e,
            start: Ipv6Addr::from(a),
            end: Ipv6Addr::from(b),
        })
    });
    let unknown = (
        any::<u8>().prop_filter("unassigned", |t| *t != 7 && *t != 8),
        any::<u8>(),
        bytes(6),
    )
        .prop_map(|(t, ip_protocol, data)| TrafficSelector::Unknown {
            ts_type: TsType(t),
            ip_protocol,
            data,
        });
    prop_oneof![v4, v6, unknown]
}

fn traffic_selectors() -> impl Strategy<Value = TrafficSelectors> {
    (vec(traffic_selector(), 0..4), any::<[u8; 3]>()).prop_map(|(selectors, reserved)| {
        TrafficSelectors {
            selectors,
            reserved,
        }
    })
}

fn configuration() -> impl Strategy<Value = Configuration> {
    let attr =
        (0..0x8000u16, bytes(6), any::<bool>()).prop_map(|(t, value, r_bit)| ConfigAttribute {
            attr_type: CfgAttrType(t),
            value,
            r_bit,
        });
    (any::<u8>(), vec(attr, 0..4), any::<[u8; 3]>()).prop_map(|(t, attributes, reserved)| {
        Configuration {
            cfg_type: CfgType(t),
            attributes,
            reserved,
        }
    })
}

fn delete() -> impl Strategy<Value = Delete> {
    (any::<u8>(), 0..=8u8).prop_flat_map(|(protocol, spi_size)| {
        let count = if spi_size == 0 { 0..1 } else { 0..4 };
        vec(vec(any::<u8>(), usize::from(spi_size)), count).prop_map(move |spis| Delete {
            protocol: ProtocolId(protocol),
            spi_size,
            spis,
        })
    })
}

fn unknown_type() -> impl Strategy<Value = PayloadType> {
    any::<u8>()
        .prop_map(PayloadType)
        .prop_filter("unassigned", |t| !PayloadType::KNOWN.contains(t))
}

fn identification() -> impl Strategy<Value = Identification> {
    (any::<u8>(), bytes(12), any::<[u8; 3]>()).prop_map(|(t, data, reserved)| Identification {
        id_type: IdType(t),
        data,
        reserved,
    })
}

/// Any body that may sit anywhere in a chain (not SK or SKF).
fn plain_body() -> impl Strategy<Value = PayloadBody> {
    prop_oneof![
        vec(proposal(), 1..4).prop_map(|proposals| PayloadBody::Sa(Sa { proposals })),
        (any::<u16>(), bytes(16), any::<[u8; 2]>()).prop_map(|(g, data, reserved)| {
            PayloadBody::Ke(KeyExchange {
                group: DhGroup(g),
                data,
                reserved,
            })
        }),
        identification().prop_map(PayloadBody::IdI),
        identification().prop_map(PayloadBody::IdR),
        (any::<u8>(), bytes(12)).prop_map(|(e, data)| {
            PayloadBody::Cert(Certificate {
                encoding: CertEncoding(e),
                data,
            })
        }),
        (any::<u8>(), bytes(12)).prop_map(|(e, authorities)| {
            PayloadBody::CertReq(CertificateRequest {
                encoding: CertEncoding(e),
                authorities,
            })
        }),
        (any::<u8>(), bytes(12), any::<[u8; 3]>()).prop_map(|(m, data, reserved)| {
            PayloadBody::Auth(Authentication {
                method: AuthMethod(m),
                data,
                reserved,
            })
        }),
        bytes(32).prop_map(|data| PayloadBody::Nonce(Nonce { data })),
        (any::<u8>(), any::<u16>(), bytes(8), bytes(8)).prop_map(|(p, t, spi, data)| {
            PayloadBody::Notify(Notify {
                protocol: ProtocolId(p),
                notify_type: NotifyType(t),
                spi,
                data,
            })
        }),
        delete().prop_map(PayloadBody::Delete),
        bytes(16).prop_map(|data| PayloadBody::VendorId(VendorId { data })),
        traffic_selectors().prop_map(PayloadBody::TsI),
        traffic_selectors().prop_map(PayloadBody::TsR),
        configuration().prop_map(PayloadBody::Cp),
        bytes(12).prop_map(|message| PayloadBody::Eap(Eap { message })),
        (unknown_type(), bytes(12))
            .prop_map(|(payload_type, body)| PayloadBody::Unknown { payload_type, body }),
    ]
}

/// SK or SKF, with any first inner type.
fn encrypted_body() -> impl Strategy<Value = PayloadBody> {
    prop_oneof![
        (any::<u8>(), bytes(40)).prop_map(|(t, body)| {
            PayloadBody::Sk(Encrypted {
                first_inner: PayloadType(t),
                body,
            })
        }),
        (any::<u8>(), any::<u16>(), any::<u16>(), bytes(40)).prop_map(
            |(t, number, total, body)| {
                let first_inner = PayloadType(t);
                PayloadBody::Skf(EncryptedFragment {
                    first_inner,
                    number,
                    total,
                    body,
                })
            }
        ),
    ]
}

fn payload(body: impl Strategy<Value = PayloadBody>) -> impl Strategy<Value = Payload> {
    (any::<u8>(), body).prop_map(|(flags, body)| Payload {
        flags: PayloadFlags(flags),
        body,
    })
}

fn chain() -> impl Strategy<Value = Vec<Payload>> {
    (
        vec(payload(plain_body()), 0..8),
        proptest::option::of(payload(encrypted_body())),
    )
        .prop_map(|(mut payloads, last)| {
            payloads.extend(last);
            payloads
        })
}

fn header() -> impl Strategy<Value = Header> {
    (
        any::<u64>(),
        any::<u64>(),
        0..16u8,
        any::<u8>(),
        any::<u8>(),
        any::<u32>(),
    )
        .prop_map(
            |(spi_i, spi_r, minor_version, exchange, flags, message_id)| Header {
                spi_i,
                spi_r,
                minor_version,
                exchange_type: ExchangeType(exchange),
                flags: HeaderFlags(flags),
                message_id,
            },
        )
}

fn message() -> impl Strategy<Value = Message> {
    (header(), chain()).prop_map(|(header, payloads)| Message { header, payloads })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn messages_round_trip(message in message()) {
        let encoded = message.encode().unwrap();
        let decoded = Message::decode(&encoded).unwrap();

        prop_assert_eq!(&decoded, &message);
        prop_assert_eq!(decoded.encode().unwrap(), encoded);
    }

    #[test]
    fn inner_chains_round_trip(payloads in vec(payload(plain_body()), 0..8)) {
        let (first, encoded) = encode_chain(&payloads).unwrap();
        let decoded = decode_chain(first, &encoded).unwrap();

        prop_assert_eq!(&decoded, &payloads);
        prop_assert_eq!(encode_chain(&decoded).unwrap(), (first, encoded));
    }

    #[test]
    fn mutated_messages_never_panic(
        message in message(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = message.encode().unwrap();
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }

        fuzz_decode(&bytes);
    }

    #[test]
    fn random_octets_never_panic(bytes in bytes(300)) {
        fuzz_decode(&bytes);
    }
}

#[test]
fn unknown_code_points_keep_their_value() {
    let t = Transform::new(TransformType(77), 0xfffe);
    let proposal = Proposal {
        protocol: ProtocolId(9),
        transforms: vec![t],
        ..Proposal::default()
    };
    let payloads = vec![Payload::new(PayloadBody::Sa(Sa {
        proposals: vec![proposal],
    }))];
    let (first, bytes) = encode_chain(&payloads).unwrap();

    assert_eq!(decode_chain(first, &bytes).unwrap(), payloads);
}
