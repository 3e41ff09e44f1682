//! Malformed input: every length field too short and too long, counts that
//! disagree with the data, trailing octets, wrong versions. Each must give
//! an error naming the field, never a panic; and encoding refuses values it
//! could not decode back.

use ikev2::codec::{
    decode_chain, encode_chain, Attribute, AttributeType, AttributeValue, CfgAttrType, CfgType,
    ConfigAttribute, Configuration, Delete, Encrypted, Error, ErrorKind, Header, Message, Nonce,
    NotifyType, Payload, PayloadBody, PayloadType, Proposal, ProtocolId, Sa, TrafficSelector,
    TrafficSelectors, Transform, TsType,
};

use ErrorKind::{InvalidLength, InvalidValue, TooLong, TrailingData, Truncated};

/// An IKE header for a message with `payloads` octets after it.
fn header(first: u8, payloads_len: usize) -> Vec<u8> {
    let length = u32::try_from(28 + payloads_len).unwrap();
    let mut out = vec![
        1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, first, 0x20, 34, 0x08,
    ];
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&length.to_be_bytes());
    out
}

/// A whole message holding one payload of `payload_type` with `body`.
fn message_with(payload_type: PayloadType, body: &[u8]) -> Vec<u8> {
    let length = u16::try_from(body.len() + 4).unwrap();
    let payload = [&[0, 0][..], &length.to_be_bytes(), body].concat();
    [header(payload_type.0, payload.len()), payload].concat()
}

fn decode_err(bytes: &[u8]) -> (&'static str, ErrorKind) {
    let err = Message::decode(bytes).expect_err("must not decode");
    (err.field, err.kind)
}

fn body_err(payload_type: PayloadType, body: &[u8]) -> (&'static str, ErrorKind) {
    decode_err(&message_with(payload_type, body))
}

/// A valid SA body: one IKE proposal with one transform carrying a TLV
/// attribute of two octets.
const SA_BODY: [u8; 20] = [
    0, 0, 0, 20, 1, 1, 0, 1, // proposal: length 20, 1 transform
    0, 0, 0, 12, 1, 0, 0, 12, 0, 1, 0, 0, // transform: length 12, TLV attr len 0
];

#[test]
fn well_formed_bodies_used_below_decode() {
    assert!(Message::decode(&message_with(PayloadType::SA, &SA_BODY)).is_ok());
    assert!(Message::decode(&message_with(PayloadType::NOTIFY, &[0, 0, 0, 7])).is_ok());
    assert!(Message::decode(&message_with(
        PayloadType::DELETE,
        &[3, 4, 0, 1, 1, 2, 3, 4]
    ))
    .is_ok());
}

#[test]
fn header_length_too_short_too_long_and_short_header() {
    let mut bytes = message_with(PayloadType::NONCE, &[1; 16]);
    let good_len = bytes.len();

    bytes[27] += 1;
    assert_eq!(decode_err(&bytes), ("header.length", Truncated));
    bytes[27] -= 2;
    assert_eq!(decode_err(&bytes), ("header.length", TrailingData));
    bytes[24..28].copy_from_slice(&27u32.to_be_bytes());
    assert_eq!(decode_err(&bytes), ("header.length", InvalidLength));
    bytes[24..28].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(decode_err(&bytes), ("header.length", Truncated));

    assert_eq!(decode_err(&bytes[..27]), ("header.length", Truncated));
    assert_eq!(decode_err(&bytes[..20]), ("header.message_id", Truncated));
    assert_eq!(decode_err(&[]), ("header.spi_i", Truncated));
    assert!(good_len > 28);
}

#[test]
fn wrong_major_version_asks_for_invalid_major_version() {
    for version in [0x10, 0x30, 0xf2] {
        let mut bytes = message_with(PayloadType::NONCE, &[1; 16]);
        bytes[17] = version;

        let err = Message::decode(&bytes).unwrap_err();
        assert_eq!(err.field, "header.major_version");
        assert_eq!(err.kind, ErrorKind::UnsupportedMajorVersion(version >> 4));
        assert_eq!(
            err.notify().unwrap().notify_type,
            NotifyType::INVALID_MAJOR_VERSION
        );
        assert_eq!(Header::peek(&bytes), Err(err));
    }
}

#[test]
fn malformed_input_asks_for_invalid_syntax() {
    let err = Message::decode(&[0; 10]).unwrap_err();
    let notify = err.notify().unwrap();

    assert_eq!(notify.notify_type, NotifyType::INVALID_SYNTAX);
    assert_eq!(notify.protocol, ProtocolId::NONE);
    assert!(notify.spi.is_empty() && notify.data.is_empty());
    assert_eq!(err.to_string(), "header.spi_r: truncated");
}

#[test]
fn payload_length_too_short_and_too_long() {
    let mut bytes = message_with(PayloadType::NONCE, &[1; 16]);
    bytes[31] = 3;
    assert_eq!(decode_err(&bytes), ("payload.length", InvalidLength));
    bytes[31] = 21;
    assert_eq!(decode_err(&bytes), ("payload.length", Truncated));
    bytes[31] = 19;
    assert_eq!(decode_err(&bytes), ("payload.next_payload", TrailingData));

    let mut bytes = message_with(PayloadType::NONCE, &[1; 16]);
    bytes[28] = PayloadType::NONCE.0; // claims another payload follows
    assert_eq!(decode_err(&bytes), ("payload.next_payload", Truncated));
}

#[test]
fn payload_length_below_the_fixed_fields_of_its_type() {
    let cases: [(PayloadType, &[u8]); 11] = [
        (PayloadType::SA, &[0; 7]),
        (PayloadType::KE, &[0; 3]),
        (PayloadType::IDI, &[0; 3]),
        (PayloadType::IDR, &[0; 3]),
        (PayloadType::CERT, &[]),
        (PayloadType::CERTREQ, &[]),
        (PayloadType::AUTH, &[0; 3]),
        (PayloadType::NOTIFY, &[0; 3]),
        (PayloadType::DELETE, &[0; 3]),
        (PayloadType::TSI, &[0; 3]),
        (PayloadType::CP, &[0; 3]),
    ];

    for (payload_type, body) in cases {
        assert_eq!(
            body_err(payload_type, body),
            ("payload.length", InvalidLength),
            "{payload_type:?}"
        );
    }
    assert_eq!(
        body_err(PayloadType::SKF, &[0; 3]),
        ("payload.length", InvalidLength)
    );
}

#[test]
fn proposal_fields() {
    let mut body = SA_BODY;
    body[3] = 7;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.length", InvalidLength)
    );
    body[3] = 21;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.length", Truncated)
    );
    body[3] = 19;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("transform.length", Truncated)
    );

    let mut body = SA_BODY;
    body[0] = 1;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.last_substruc", InvalidValue)
    );
    body[0] = 2;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.last_substruc", Truncated)
    );

    let mut body = SA_BODY;
    body[6] = 20;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.spi_size", Truncated)
    );

    let mut body = SA_BODY;
    body[7] = 2;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("transform.last_substruc", InvalidValue)
    );
    body[7] = 0;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("proposal.num_transforms", TrailingData)
    );
}

#[test]
fn trailing_octets_after_the_last_proposal() {
    let mut body = SA_BODY.to_vec();
    body.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("sa.proposals", TrailingData)
    );
}

#[test]
fn transform_and_attribute_lengths() {
    let mut body = SA_BODY;
    body[11] = 7;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("transform.length", InvalidLength)
    );
    body[11] = 13;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("transform.length", Truncated)
    );
    body[11] = 10;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("attribute.length", Truncated)
    );

    let mut body = SA_BODY;
    body[19] = 1;
    assert_eq!(
        body_err(PayloadType::SA, &body),
        ("attribute.length", Truncated)
    );
}

#[test]
fn notify_spi_size_too_long() {
    assert_eq!(
        body_err(PayloadType::NOTIFY, &[3, 4, 0, 7, 1, 2]),
        ("notify.spi_size", Truncated)
    );
}

#[test]
fn delete_counts() {
    let err = body_err(PayloadType::DELETE, &[3, 4, 0, 2, 1, 2, 3, 4]);
    assert_eq!(err, ("delete.num_spis", Truncated));
    let err = body_err(PayloadType::DELETE, &[3, 4, 0, 1, 1, 2, 3, 4, 5]);
    assert_eq!(err, ("delete.num_spis", TrailingData));
    let err = body_err(PayloadType::DELETE, &[1, 0, 0xff, 0xff]);
    assert_eq!(err, ("delete.num_spis", InvalidValue));
}

#[test]
fn traffic_selector_counts_and_lengths() {
    let v4 = [7, 0, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 0, 0, 10, 0, 0, 255];
    let one = [&[1, 0, 0, 0][..], &v4].concat();
    assert!(Message::decode(&message_with(PayloadType::TSI, &one)).is_ok());

    let mut body = one.clone();
    body[0] = 2;
    assert_eq!(body_err(PayloadType::TSI, &body), ("ts.type", Truncated));
    body[0] = 0;
    assert_eq!(
        body_err(PayloadType::TSI, &body),
        ("ts.num_ts", TrailingData)
    );

    for (length, kind) in [(3, InvalidLength), (15, InvalidLength), (17, Truncated)] {
        let mut body = one.clone();
        body[7] = length;
        assert_eq!(
            body_err(PayloadType::TSR, &body),
            ("ts.selector_length", kind),
            "{length}"
        );
    }

    let mut body = one.clone();
    body[7] = 15;
    body.truncate(body.len() - 1);
    assert_eq!(
        body_err(PayloadType::TSR, &body),
        ("ts.selector_length", InvalidLength)
    );
    body[4] = 8;
    assert_eq!(
        body_err(PayloadType::TSR, &body),
        ("ts.selector_length", InvalidLength)
    );
}

#[test]
fn configuration_attribute_length_too_long() {
    let body = [1, 0, 0, 0, 0, 1, 0, 4, 10, 0, 0];
    assert_eq!(
        body_err(PayloadType::CP, &body),
        ("cp.attribute.length", Truncated)
    );
    let body = [1, 0, 0, 0, 0, 1, 0];
    assert_eq!(
        body_err(PayloadType::CP, &body),
        ("cp.attribute.length", Truncated)
    );
}

#[test]
fn octets_after_an_sk_payload() {
    let chain = [41, 0, 0, 6, 0xaa, 0xbb, 0, 0, 0, 4];
    let err = decode_chain(PayloadType::SK, &chain).unwrap_err();
    assert_eq!((err.field, err.kind), ("sk.length", TrailingData));
}

#[test]
fn every_truncation_of_a_valid_message_is_an_error() {
    let full = ikev2_sample();
    assert!(Message::decode(&full).is_ok());

    for len in 0..full.len() {
        let mut cut = full[..len].to_vec();
        assert!(Message::decode(&cut).is_err(), "prefix {len}");
        if len >= 28 {
            cut[24..28].copy_from_slice(&u32::try_from(len).unwrap().to_be_bytes());
            let err = Message::decode(&cut).unwrap_err();
            assert!(
                matches!(err.kind, Truncated | TrailingData | InvalidLength),
                "{len}: {err}"
            );
        }
    }
}

/// A message with every kind of payload whose body has inner structure.
fn ikev2_sample() -> Vec<u8> {
    let payloads = vec![
        PayloadBody::Sa(Sa {
            proposals: vec![Proposal {
                number: 1,
                protocol: ProtocolId::ESP,
                spi: vec![1; 4],
                transforms: vec![Transform::encr(ikev2::codec::EncrId::AES_CBC, Some(128))],
                reserved: 0,
            }],
        }),
        PayloadBody::Delete(Delete {
            protocol: ProtocolId::ESP,
            spi_size: 4,
            spis: vec![vec![2; 4]],
        }),
        PayloadBody::TsI(TrafficSelectors::new(vec![TrafficSelector::Unknown {
            ts_type: TsType(9),
            ip_protocol: 0,
            data: vec![1],
        }])),
        PayloadBody::Cp(Configuration::new(
            CfgType::REPLY,
            vec![ConfigAttribute::new(
                CfgAttrType::INTERNAL_IP4_DNS,
                vec![10, 0, 0, 1],
            )],
        )),
        PayloadBody::Notify(ikev2::codec::Notify::new(NotifyType::COOKIE, vec![7; 8])),
        PayloadBody::Sk(Encrypted {
            first_inner: PayloadType::IDI,
            body: vec![3; 24],
        }),
    ];
    let payloads = payloads.into_iter().map(Payload::new).collect();
    Message {
        header: Header::default(),
        payloads,
    }
    .encode()
    .unwrap()
}

fn encode_err(body: PayloadBody) -> Error {
    encode_chain(&[Payload::new(body)]).unwrap_err()
}

#[test]
fn encoding_refuses_what_could_not_decode_back() {
    let sk = Payload::new(PayloadBody::Sk(Encrypted::default()));
    let nonce = Payload::new(PayloadBody::Nonce(Nonce { data: vec![1] }));
    let err = encode_chain(&[sk, nonce]).unwrap_err();
    assert_eq!((err.field, err.kind), ("sk.next_payload", InvalidValue));

    let err = encode_err(PayloadBody::Unknown {
        payload_type: PayloadType::KE,
        body: vec![],
    });
    assert_eq!((err.field, err.kind), ("payload.type", InvalidValue));
    let err = encode_err(PayloadBody::Unknown {
        payload_type: PayloadType::NONE,
        body: vec![],
    });
    assert_eq!((err.field, err.kind), ("payload.type", InvalidValue));

    let err = encode_err(PayloadBody::Sa(Sa::default()));
    assert_eq!((err.field, err.kind), ("sa.proposals", InvalidValue));

    let mut transform = Transform::default();
    transform.attributes.push(Attribute {
        attr_type: AttributeType(0x8001),
        value: AttributeValue::Tv(1),
    });
    let proposal = Proposal {
        transforms: vec![transform],
        ..Proposal::default()
    };
    let err = encode_err(PayloadBody::Sa(Sa {
        proposals: vec![proposal],
    }));
    assert_eq!((err.field, err.kind), ("attribute.type", InvalidValue));

    let delete = Delete {
        protocol: ProtocolId::ESP,
        spi_size: 4,
        spis: vec![vec![1; 3]],
    };
    assert_eq!(
        encode_err(PayloadBody::Delete(delete)).field,
        "delete.spi_size"
    );
    let delete = Delete {
        protocol: ProtocolId::IKE,
        spi_size: 0,
        spis: vec![vec![]],
    };
    assert_eq!(
        encode_err(PayloadBody::Delete(delete)).field,
        "delete.spi_size"
    );

    let ts = TrafficSelector::Unknown {
        ts_type: TsType::IPV4_ADDR_RANGE,
        ip_protocol: 0,
        data: vec![],
    };
    let err = encode_err(PayloadBody::TsR(TrafficSelectors::new(vec![ts])));
    assert_eq!((err.field, err.kind), ("ts.type", InvalidValue));

    let attr = ConfigAttribute::new(CfgAttrType(0x8000), vec![]);
    let err = encode_err(PayloadBody::Cp(Configuration::new(
        CfgType::SET,
        vec![attr],
    )));
    assert_eq!((err.field, err.kind), ("cp.attribute.type", InvalidValue));
}

#[test]
fn encoding_refuses_values_too_long_for_their_fields() {
    let err = encode_err(PayloadBody::Nonce(Nonce {
        data: vec![0; 65532],
    }));
    assert_eq!((err.field, err.kind), ("payload.length", TooLong));
    assert_eq!(err.notify(), None);
    assert!(encode_chain(&[Payload::new(PayloadBody::Nonce(Nonce {
        data: vec![0; 65531]
    }))])
    .is_ok());

    let proposal = Proposal {
        spi: vec![0; 256],
        ..Proposal::default()
    };
    let err = encode_err(PayloadBody::Sa(Sa {
        proposals: vec![proposal],
    }));
    assert_eq!((err.field, err.kind), ("proposal.spi_size", TooLong));

    let proposal = Proposal {
        transforms: vec![Transform::default(); 256],
        ..Proposal::default()
    };
    let err = encode_err(PayloadBody::Sa(Sa {
        proposals: vec![proposal],
    }));
    assert_eq!((err.field, err.kind), ("proposal.num_transforms", TooLong));

    let header = Header {
        minor_version: 16,
        ..Header::default()
    };
    let err = Message {
        header,
        payloads: vec![],
    }
    .encode()
    .unwrap_err();
    assert_eq!(
        (err.field, err.kind),
        ("header.minor_version", InvalidValue)
    );
}
