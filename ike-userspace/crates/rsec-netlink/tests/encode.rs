//! Requests against bytes assembled by hand from the spec's layout: nlmsghdr, genlmsghdr, then
//! attributes aligned to 4 bytes (host order, x86_64).
#![cfg(target_endian = "little")]

use std::net::IpAddr;

use rsec_netlink::codec::{self, encode_request};
use rsec_netlink::spec::cmd;
use rsec_netlink::{
    Dir, EncrAlg, Integ, IntegAlg, Key, Lifetime, Mode, PortRange, Prefix, Proto, SaConfig,
    SaFilter, SaFlags, SaId, Selector, SpiRequest,
};

const FAMILY: u16 = 0x1d;
const SEQ: u32 = 7;
const REQUEST_ACK: u16 = 0x05;
const REQUEST_DUMP: u16 = 0x301;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn sa_del_request() {
    let id = SaId {
        dir: Dir::In,
        spi: 0x1234_5678,
        proto: Proto::Esp,
        daddr: ip("192.0.2.1"),
    };
    let msg = encode_request(
        FAMILY,
        SEQ,
        REQUEST_ACK,
        cmd::SA_DEL,
        codec::sa_id_attrs(&id),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        52, 0, 0, 0,   0x1d, 0,   0x05, 0,   7, 0, 0, 0,   0, 0, 0, 0, // nlmsghdr
        3, 1, 0, 0,                                                     // sa-del, version 1
        5, 0, 4, 0,   1, 0, 0, 0,                                       // dir = in
        8, 0, 2, 0,   0x78, 0x56, 0x34, 0x12,                           // spi
        5, 0, 3, 0,   50, 0, 0, 0,                                      // proto = esp
        8, 0, 7, 0,   192, 0, 2, 1,                                     // daddr
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn spi_alloc_request_with_ipv6_and_owner() {
    let req = SpiRequest {
        proto: Proto::Esp,
        daddr: ip("2001:db8::1"),
        min: Some(0x100),
        max: Some(0xffff),
        owner: 0x1122_3344_5566_7788,
    };
    let msg = encode_request(
        FAMILY,
        SEQ,
        REQUEST_ACK,
        cmd::SPI_ALLOC,
        codec::spi_alloc_attrs(&req),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        76, 0, 0, 0,   0x1d, 0,   0x05, 0,   7, 0, 0, 0,   0, 0, 0, 0,
        1, 1, 0, 0,                                                     // spi-alloc
        5, 0, 3, 0,   50, 0, 0, 0,                                      // proto
        20, 0, 7, 0,                                                    // daddr, 16 bytes
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        8, 0, 20, 0,   0, 1, 0, 0,                                      // spi-min
        8, 0, 21, 0,   0xff, 0xff, 0, 0,                                // spi-max
        12, 0, 18, 0,  0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // owner, no pad
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn spi_alloc_leaves_out_what_is_not_given() {
    let req = SpiRequest {
        proto: Proto::Ah,
        daddr: ip("192.0.2.9"),
        min: None,
        max: None,
        owner: 0,
    };
    let msg = encode_request(
        FAMILY,
        1,
        REQUEST_ACK,
        cmd::SPI_ALLOC,
        codec::spi_alloc_attrs(&req),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        36, 0, 0, 0,   0x1d, 0,   0x05, 0,   1, 0, 0, 0,   0, 0, 0, 0,
        1, 1, 0, 0,
        5, 0, 3, 0,   51, 0, 0, 0,
        8, 0, 7, 0,   192, 0, 2, 9,
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn dump_request_with_filter() {
    let filter = SaFilter {
        ifindex: Some(3),
        owner: Some(9),
    };
    let msg = encode_request(
        FAMILY,
        SEQ,
        REQUEST_DUMP,
        cmd::SA_GET,
        codec::filter_attrs(&filter),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        40, 0, 0, 0,   0x1d, 0,   0x01, 0x03,   7, 0, 0, 0,   0, 0, 0, 0, // REQUEST|DUMP
        4, 1, 0, 0,                                                       // sa-get
        8, 0, 8, 0,    3, 0, 0, 0,                                        // ifindex
        12, 0, 18, 0,  9, 0, 0, 0, 0, 0, 0, 0,                            // owner
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn flush_everything_has_no_attributes() {
    let filter = SaFilter::default();
    let msg = encode_request(
        FAMILY,
        SEQ,
        REQUEST_ACK,
        cmd::SA_FLUSH,
        codec::filter_attrs(&filter),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        20, 0, 0, 0,   0x1d, 0,   0x05, 0,   7, 0, 0, 0,   0, 0, 0, 0,
        5, 1, 0, 0,
    ];
    assert_eq!(&msg[..], expected);
}

/// An inbound AES-CBC + HMAC-SHA-256 SA using every optional attribute.
pub fn full_config() -> SaConfig {
    SaConfig {
        id: SaId {
            dir: Dir::In,
            spi: 0x1000,
            proto: Proto::Esp,
            daddr: ip("198.51.100.2"),
        },
        mode: Mode::Tunnel,
        saddr: ip("198.51.100.1"),
        ifindex: 4,
        encr_alg: EncrAlg::AesCbc,
        encr_key: Key::new((0..16).collect()),
        integ: Some(Integ {
            alg: IntegAlg::HmacSha2_256_128,
            key: Key::new((0xa0..0xc0).collect()),
        }),
        replay_window: Some(64),
        flags: SaFlags::ESN,
        lifetime_soft: Lifetime {
            bytes: 1000,
            ..Lifetime::default()
        },
        lifetime_hard: Lifetime {
            seconds: 3600,
            ..Lifetime::default()
        },
        selectors: vec![Selector {
            src: Some(Prefix {
                addr: ip("10.1.0.0"),
                len: 24,
            }),
            dst: Some(Prefix {
                addr: ip("10.2.0.0"),
                len: 24,
            }),
            proto: 6,
            src_ports: None,
            dst_ports: Some(PortRange { min: 80, max: 80 }),
        }],
        owner: 5,
    }
}

#[test]
fn sa_new_request_with_everything() {
    let attrs = codec::sa_new_attrs(&full_config());
    let msg = encode_request(FAMILY, SEQ, REQUEST_ACK, cmd::SA_NEW, attrs);

    #[rustfmt::skip]
    let expected: &[u8] = &[
        0x0c, 0x01, 0, 0,   0x1d, 0,   0x05, 0,   7, 0, 0, 0,   0, 0, 0, 0, // 268 bytes
        2, 1, 0, 0,                                                         // sa-new
        8, 0, 2, 0,    0, 0x10, 0, 0,                                       // spi
        5, 0, 3, 0,    50, 0, 0, 0,                                         // proto
        5, 0, 4, 0,    1, 0, 0, 0,                                          // dir = in
        5, 0, 5, 0,    1, 0, 0, 0,                                          // mode = tunnel
        8, 0, 6, 0,    198, 51, 100, 1,                                     // saddr
        8, 0, 7, 0,    198, 51, 100, 2,                                     // daddr
        8, 0, 8, 0,    4, 0, 0, 0,                                          // ifindex
        6, 0, 9, 0,    12, 0, 0, 0,                                         // encr-alg aes-cbc
        20, 0, 10, 0,                                                       // encr-key
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        6, 0, 11, 0,   12, 0, 0, 0,                                         // integ-alg
        36, 0, 12, 0,                                                       // integ-key
        0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
        0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
        0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
        0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
        8, 0, 13, 0,   64, 0, 0, 0,                                         // replay-window
        8, 0, 14, 0,   1, 0, 0, 0,                                          // flags = esn
        16, 0, 15, 0x80,                                                    // lifetime-soft
            12, 0, 2, 0,   0xe8, 3, 0, 0, 0, 0, 0, 0,                       //   bytes 1000
        16, 0, 16, 0x80,                                                    // lifetime-hard
            12, 0, 4, 0,   0x10, 0x0e, 0, 0, 0, 0, 0, 0,                    //   seconds 3600
        60, 0, 17, 0x80,                                                    // selector
            8, 0, 1, 0,   10, 1, 0, 0,                                      //   src-addr
            5, 0, 2, 0,   24, 0, 0, 0,                                      //   src-prefix
            8, 0, 3, 0,   10, 2, 0, 0,                                      //   dst-addr
            5, 0, 4, 0,   24, 0, 0, 0,                                      //   dst-prefix
            5, 0, 5, 0,   6, 0, 0, 0,                                       //   proto tcp
            6, 0, 8, 0,   80, 0, 0, 0,                                      //   dst-port-min
            6, 0, 9, 0,   80, 0, 0, 0,                                      //   dst-port-max
        12, 0, 18, 0,  5, 0, 0, 0, 0, 0, 0, 0,                              // owner
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn sa_new_minimal_aead_with_two_selectors() {
    let mut cfg = full_config();
    cfg.id.dir = Dir::Out;
    cfg.encr_alg = EncrAlg::AesGcm16;
    cfg.encr_key = Key::new(vec![0x11; 20]);
    cfg.integ = None;
    cfg.replay_window = None;
    cfg.flags = SaFlags::default();
    cfg.lifetime_soft = Lifetime::default();
    cfg.lifetime_hard = Lifetime::default();
    cfg.owner = 0;
    cfg.selectors = vec![Selector::default(), Selector::default()];
    let msg = encode_request(
        FAMILY,
        SEQ,
        REQUEST_ACK,
        cmd::SA_NEW,
        codec::sa_new_attrs(&cfg),
    );

    #[rustfmt::skip]
    let expected: &[u8] = &[
        116, 0, 0, 0,   0x1d, 0,   0x05, 0,   7, 0, 0, 0,   0, 0, 0, 0,
        2, 1, 0, 0,
        8, 0, 2, 0,    0, 0x10, 0, 0,
        5, 0, 3, 0,    50, 0, 0, 0,
        5, 0, 4, 0,    2, 0, 0, 0,                                          // dir = out
        5, 0, 5, 0,    1, 0, 0, 0,
        8, 0, 6, 0,    198, 51, 100, 1,
        8, 0, 7, 0,    198, 51, 100, 2,
        8, 0, 8, 0,    4, 0, 0, 0,
        6, 0, 9, 0,    20, 0, 0, 0,                                         // aes-gcm-16
        24, 0, 10, 0,                                                       // key + salt
        0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
        0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
        4, 0, 17, 0x80,                                                     // empty selector
        4, 0, 17, 0x80,                                                     // and another
    ];
    assert_eq!(&msg[..], expected);
}

#[test]
fn debug_output_hides_keys() {
    let cfg = full_config();
    let shown = format!("{cfg:?}");
    assert!(shown.contains("Key(<16 bytes>)"), "{shown}");
    assert!(shown.contains("Key(<32 bytes>)"), "{shown}");
    assert!(!shown.contains("160"), "integ key byte 0xa0 shown: {shown}");

    let attrs = format!("{:?}", codec::sa_new_attrs(&cfg));
    assert!(!attrs.contains("161"), "{attrs}");
}
