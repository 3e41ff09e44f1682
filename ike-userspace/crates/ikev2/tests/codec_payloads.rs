//! Each payload against hand-built octets laid out as in RFC 7296 section 3
//! (decode gives the struct, encode gives the octets back).

use std::net::{Ipv4Addr, Ipv6Addr};

use ikev2::codec::{
    check_critical, decode_chain, encode_chain, Attribute, AttributeType, AttributeValue,
    AuthMethod, Authentication, CertEncoding, Certificate, CertificateRequest, CfgAttrType,
    CfgType, ConfigAttribute, Configuration, Delete, DhGroup, Eap, EncrId, Encrypted,
    EncryptedFragment, ErrorKind, EsnId, ExchangeType, Header, HeaderFlags, IdType, Identification,
    IntegId, IpRange, KeyExchange, Message, Nonce, Notify, NotifyType, Payload, PayloadBody,
    PayloadFlags, PayloadType, PrfId, Proposal, ProtocolId, Sa, TrafficSelector, TrafficSelectors,
    Transform, TransformType, TsType, VendorId,
};

/// Generic payload header (section 3.2) + body, last in its chain.
fn generic(flags: u8, body: &[u8]) -> Vec<u8> {
    let length = u16::try_from(body.len() + 4).unwrap();
    [&[0, flags][..], &length.to_be_bytes(), body].concat()
}

/// Decodes `bytes` as a one-payload chain of type `payload_type`, checks
/// it against `expected`, and checks that `expected` encodes to `bytes`.
fn check(payload_type: PayloadType, bytes: &[u8], expected: PayloadBody) {
    let expected = Payload::new(expected);
    assert_eq!(expected.payload_type(), payload_type);
    assert_eq!(
        decode_chain(payload_type, bytes).unwrap(),
        vec![expected.clone()]
    );
    assert_eq!(
        encode_chain(&[expected]).unwrap(),
        (payload_type, bytes.to_vec())
    );
}

#[test]
fn header_fields_sit_where_section_3_1_puts_them() {
    let bytes = [
        1, 2, 3, 4, 5, 6, 7, 8, // initiator SPI
        9, 10, 11, 12, 13, 14, 15, 16, // responder SPI
        0, 0x21, 35, 0x28, // next payload, version 2.1, IKE_AUTH, flags R and I
        0, 0, 0, 7, // message ID
        0, 0, 0, 28, // length
    ];
    let header = Header {
        spi_i: 0x0102_0304_0506_0708,
        spi_r: 0x090a_0b0c_0d0e_0f10,
        minor_version: 1,
        exchange_type: ExchangeType::IKE_AUTH,
        flags: HeaderFlags::RESPONSE.with(HeaderFlags::INITIATOR),
        message_id: 7,
    };
    let message = Message {
        header,
        payloads: vec![],
    };

    assert_eq!(Message::decode(&bytes).unwrap(), message);
    assert_eq!(message.encode().unwrap(), bytes);
    assert_eq!(Header::peek(&bytes).unwrap(), header);
}

#[test]
fn sa_with_two_proposals_transforms_and_attributes() {
    let body = [
        // proposal 1: more follow, IKE, no SPI, 2 transforms
        2, 0, 0, 28, 1, 1, 0, 2, //
        3, 0, 0, 12, 1, 0, 0, 20, 0x80, 14, 1, 0, // ENCR AES-GCM-16, key length 256 (TV)
        0, 0, 0, 8, 4, 0, 0, 31, // D-H curve25519
        // proposal 2: last, ESP, SPI 4 octets, 2 transforms
        0, 0, 0, 32, 2, 3, 4, 2, 0xca, 0xfe, 0xba, 0xbe, //
        3, 0x11, 0, 12, 3, 0x22, 0, 12, 0, 99, 0, 0, // INTEG, reserved set, TLV attr 99 empty
        0, 0, 0, 8, 5, 0, 0, 1, // ESN
    ];
    let mut integ = Transform::integ(IntegId::HMAC_SHA2_256_128);
    integ.reserved = [0x11, 0x22];
    integ.attributes.push(Attribute {
        attr_type: AttributeType(99),
        value: AttributeValue::Tlv(vec![]),
    });
    let sa = Sa {
        proposals: vec![
            Proposal {
                number: 1,
                protocol: ProtocolId::IKE,
                transforms: vec![
                    Transform::encr(EncrId::AES_GCM_16, Some(256)),
                    Transform::dh(DhGroup::CURVE25519),
                ],
                ..Proposal::default()
            },
            Proposal {
                number: 2,
                protocol: ProtocolId::ESP,
                spi: vec![0xca, 0xfe, 0xba, 0xbe],
                transforms: vec![integ, Transform::esn(EsnId::ESN)],
                ..Proposal::default()
            },
        ],
    };

    check(PayloadType::SA, &generic(0, &body), PayloadBody::Sa(sa));
}

#[test]
fn transform_accessors_follow_the_transform_type() {
    let encr = Transform::encr(EncrId::AES_CBC, Some(128));
    assert_eq!(encr.encr_id(), Some(EncrId::AES_CBC));
    assert_eq!(encr.key_length(), Some(128));
    assert_eq!(encr.prf_id(), None);

    let prf = Transform::prf(PrfId::HMAC_SHA2_256);
    assert_eq!(prf.prf_id(), Some(PrfId::HMAC_SHA2_256));
    assert_eq!(prf.key_length(), None);
    assert_eq!(
        Transform::dh(DhGroup::MODP_2048).dh_group(),
        Some(DhGroup::MODP_2048)
    );
    assert_eq!(Transform::esn(EsnId::NO_ESN).esn_id(), Some(EsnId::NO_ESN));
    assert_eq!(Transform::new(TransformType(9), 1).integ_id(), None);
}

#[test]
fn key_exchange() {
    let body = [0, 14, 0, 0, 0xaa, 0xbb];
    let ke = KeyExchange::new(DhGroup::MODP_2048, vec![0xaa, 0xbb]);
    check(PayloadType::KE, &generic(0, &body), PayloadBody::Ke(ke));
}

#[test]
fn identification_initiator_and_responder() {
    let body = [2, 0, 0, 0, b'a', b'.', b'b'];
    let id = Identification::new(IdType::FQDN, b"a.b".to_vec());
    check(
        PayloadType::IDI,
        &generic(0, &body),
        PayloadBody::IdI(id.clone()),
    );
    check(PayloadType::IDR, &generic(0, &body), PayloadBody::IdR(id));

    let body = [1, 0, 9, 0, 10, 0, 0, 1];
    let id = Identification {
        id_type: IdType::IPV4_ADDR,
        data: vec![10, 0, 0, 1],
        reserved: [0, 9, 0],
    };
    check(PayloadType::IDI, &generic(0, &body), PayloadBody::IdI(id));
}

#[test]
fn certificate_and_request() {
    let cert = Certificate {
        encoding: CertEncoding::X509_SIGNATURE,
        data: vec![0x30, 0x82],
    };
    check(
        PayloadType::CERT,
        &generic(0, &[4, 0x30, 0x82]),
        PayloadBody::Cert(cert),
    );

    let hashes: Vec<u8> = (0..40).collect();
    let req = CertificateRequest {
        encoding: CertEncoding::X509_SIGNATURE,
        authorities: hashes.clone(),
    };
    let body = [&[4][..], &hashes].concat();
    check(
        PayloadType::CERTREQ,
        &generic(0, &body),
        PayloadBody::CertReq(req),
    );
}

#[test]
fn authentication() {
    let body = [2, 0, 0, 0, 1, 2, 3];
    let auth = Authentication::new(AuthMethod::SHARED_KEY_MIC, vec![1, 2, 3]);
    check(
        PayloadType::AUTH,
        &generic(0, &body),
        PayloadBody::Auth(auth),
    );
}

#[test]
fn nonce_vendor_id_and_eap_are_opaque() {
    let data: Vec<u8> = (0..32).collect();
    let nonce = Nonce { data: data.clone() };
    check(
        PayloadType::NONCE,
        &generic(0, &data),
        PayloadBody::Nonce(nonce),
    );
    let vid = VendorId { data: data.clone() };
    check(
        PayloadType::VENDOR_ID,
        &generic(0, &data),
        PayloadBody::VendorId(vid),
    );
    let eap = Eap {
        message: vec![1, 7, 0, 5, 1],
    };
    check(
        PayloadType::EAP,
        &generic(0, &[1, 7, 0, 5, 1]),
        PayloadBody::Eap(eap),
    );
}

#[test]
fn notify_with_and_without_spi() {
    let body = [0, 0, 0x40, 0x04, 1, 2];
    let nat = Notify::new(NotifyType::NAT_DETECTION_SOURCE_IP, vec![1, 2]);
    check(
        PayloadType::NOTIFY,
        &generic(0, &body),
        PayloadBody::Notify(nat),
    );

    let body = [3, 4, 0x40, 0x09, 0xde, 0xad, 0xbe, 0xef];
    let rekey = Notify {
        protocol: ProtocolId::ESP,
        notify_type: NotifyType::REKEY_SA,
        spi: vec![0xde, 0xad, 0xbe, 0xef],
        data: vec![],
    };
    check(
        PayloadType::NOTIFY,
        &generic(0, &body),
        PayloadBody::Notify(rekey),
    );
}

#[test]
fn delete_of_ike_sa_and_of_child_sas() {
    let ike = Delete {
        protocol: ProtocolId::IKE,
        spi_size: 0,
        spis: vec![],
    };
    check(
        PayloadType::DELETE,
        &generic(0, &[1, 0, 0, 0]),
        PayloadBody::Delete(ike),
    );

    let body = [3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8];
    let esp = Delete {
        protocol: ProtocolId::ESP,
        spi_size: 4,
        spis: vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]],
    };
    check(
        PayloadType::DELETE,
        &generic(0, &body),
        PayloadBody::Delete(esp),
    );
}

#[test]
fn traffic_selectors_ipv4_ipv6_and_unknown() {
    let body = [
        3, 0, 0, 0, // three selectors
        7, 6, 0, 16, 0, 80, 1, 187, 10, 0, 0, 0, 10, 0, 0, 255, // IPv4 TCP 80-443
        8, 0, 0, 40, 0, 0, 0xff, 0xff, // IPv6 any
        0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
        0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, //
        9, 0xab, 0, 6, 1, 2, // unknown type 9
    ];
    let ts = TrafficSelectors::new(vec![
        TrafficSelector::Ipv4(IpRange {
            ip_protocol: 6,
            start_port: 80,
            end_port: 443,
            start: Ipv4Addr::new(10, 0, 0, 0),
            end: Ipv4Addr::new(10, 0, 0, 255),
        }),
        TrafficSelector::Ipv6(IpRange {
            ip_protocol: 0,
            start_port: 0,
            end_port: 65535,
            start: "2001:db8::".parse::<Ipv6Addr>().unwrap(),
            end: "2001:db8::1".parse::<Ipv6Addr>().unwrap(),
        }),
        TrafficSelector::Unknown {
            ts_type: TsType(9),
            ip_protocol: 0xab,
            data: vec![1, 2],
        },
    ]);

    check(
        PayloadType::TSI,
        &generic(0, &body),
        PayloadBody::TsI(ts.clone()),
    );
    check(PayloadType::TSR, &generic(0, &body), PayloadBody::TsR(ts));
}

#[test]
fn configuration_attributes_keep_the_r_bit() {
    let body = [
        1, 0, 0, 0, // CFG_REQUEST
        0, 1, 0, 0, // INTERNAL_IP4_ADDRESS, empty
        0x80, 3, 0, 4, 10, 0, 0, 53, // R bit set, INTERNAL_IP4_DNS
    ];
    let mut dns = ConfigAttribute::new(CfgAttrType::INTERNAL_IP4_DNS, vec![10, 0, 0, 53]);
    dns.r_bit = true;
    let cp = Configuration::new(
        CfgType::REQUEST,
        vec![
            ConfigAttribute::new(CfgAttrType::INTERNAL_IP4_ADDRESS, vec![]),
            dns,
        ],
    );

    check(PayloadType::CP, &generic(0, &body), PayloadBody::Cp(cp));
}

#[test]
fn sk_carries_the_first_inner_type_in_next_payload() {
    let chain = [
        0, 0, 0, 8, 1, 2, 3, 4, // Nonce before SK
        35, 0, 0, 8, 9, 9, 9, 9, // SK: first inner IDi, body 9 9 9 9
    ];
    let payloads = vec![
        Payload::new(PayloadBody::Nonce(Nonce {
            data: vec![1, 2, 3, 4],
        })),
        Payload::new(PayloadBody::Sk(Encrypted {
            first_inner: PayloadType::IDI,
            body: vec![9; 4],
        })),
    ];

    let mut bytes = chain.to_vec();
    bytes[0] = PayloadType::SK.0;
    assert_eq!(decode_chain(PayloadType::NONCE, &bytes).unwrap(), payloads);
    assert_eq!(
        encode_chain(&payloads).unwrap(),
        (PayloadType::NONCE, bytes)
    );
}

#[test]
fn skf_has_fragment_number_and_total() {
    let bytes = [41, 0, 0, 10, 0, 1, 0, 3, 0xee, 0xff];
    let skf = EncryptedFragment {
        first_inner: PayloadType::NOTIFY,
        number: 1,
        total: 3,
        body: vec![0xee, 0xff],
    };
    let payload = Payload::new(PayloadBody::Skf(skf));

    assert_eq!(
        decode_chain(PayloadType::SKF, &bytes).unwrap(),
        vec![payload.clone()]
    );
    assert_eq!(
        encode_chain(&[payload]).unwrap(),
        (PayloadType::SKF, bytes.to_vec())
    );
}

#[test]
fn unknown_payloads_round_trip_and_critical_ones_are_reported() {
    let bytes = [
        200, 0x7f, 0, 6, 1, 2, // unknown 100, not critical (reserved bits set) -> 200
        0, 0x80, 0, 5, 3, // unknown 200, critical
    ];
    let payloads = vec![
        Payload {
            flags: PayloadFlags(0x7f),
            body: PayloadBody::Unknown {
                payload_type: PayloadType(100),
                body: vec![1, 2],
            },
        },
        Payload {
            flags: PayloadFlags::CRITICAL,
            body: PayloadBody::Unknown {
                payload_type: PayloadType(200),
                body: vec![3],
            },
        },
    ];

    assert_eq!(decode_chain(PayloadType(100), &bytes).unwrap(), payloads);
    assert_eq!(
        encode_chain(&payloads).unwrap(),
        (PayloadType(100), bytes.to_vec())
    );
    assert_eq!(
        ikev2::codec::first_unsupported_critical(&payloads),
        Some(PayloadType(200))
    );

    let err = check_critical(&payloads).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::UnsupportedCriticalPayload(PayloadType(200))
    );
    let notify = err.notify().unwrap();
    assert_eq!(notify.notify_type, NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD);
    assert_eq!(notify.data, vec![200]);
}

#[test]
fn known_payloads_with_the_critical_bit_are_understood() {
    let payloads = vec![Payload {
        flags: PayloadFlags::CRITICAL,
        body: PayloadBody::Nonce(Nonce { data: vec![1] }),
    }];
    let (first, bytes) = encode_chain(&payloads).unwrap();

    assert_eq!(bytes, [0, 0x80, 0, 5, 1]);
    assert_eq!(decode_chain(first, &bytes).unwrap(), payloads);
    assert_eq!(ikev2::codec::first_unsupported_critical(&payloads), None);
    assert!(check_critical(&payloads).is_ok());
}

#[test]
fn code_points_name_known_values_and_keep_unknown_ones() {
    assert_eq!(PayloadType::SK.name(), Some("SK"));
    assert_eq!(PayloadType(250).name(), None);
    assert_eq!(format!("{:?}", NotifyType::COOKIE), "NotifyType::COOKIE");
    assert_eq!(format!("{:?}", NotifyType(12345)), "NotifyType(12345)");
    assert!(NotifyType::INVALID_SYNTAX.is_error());
    assert!(!NotifyType::COOKIE.is_error());
}

#[test]
fn encrypted_parts_split_before_the_sk_body() {
    let message = Message {
        header: Header {
            exchange_type: ExchangeType::INFORMATIONAL,
            ..Header::default()
        },
        payloads: vec![Payload::new(PayloadBody::Sk(Encrypted {
            first_inner: PayloadType::NONE,
            body: vec![5; 20],
        }))],
    };
    let bytes = message.encode().unwrap();
    let parts = ikev2::codec::encrypted_parts(&bytes).unwrap();

    assert_eq!(parts.authenticated, &bytes[..32]);
    assert_eq!(parts.body, &[5; 20][..]);
    assert_eq!(message.encrypted().unwrap().body.len(), 20);
}
