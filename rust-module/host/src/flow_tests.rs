//! Selector matching, specificity order and outer headers of `flow.rs`.

use crate::flow::{ipv4_header, ipv6_header, Flow, FlowError, OuterFields, Specificity};
use crate::sa::{validate_selector, Addr, Selector, SelectorRequest};

/// An IPv4 header (20 bytes) with TCP ports, DF set, TOS 0xb8 | ECT(0).
fn v4_tcp(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
    let mut h = vec![0x45, 0xba, 0, 60, 0, 1, 0x40, 0, 64, 6, 0, 0];
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h
}

/// An IPv6 header with UDP ports, traffic class 0x2d.
fn v6_udp(src: [u8; 16], dst: [u8; 16], sport: u16, dport: u16) -> Vec<u8> {
    let mut h = vec![0x62, 0xd0, 0, 0, 0, 8, 17, 64];
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h
}

fn sel(
    src: &[u8],
    sp: u8,
    dst: &[u8],
    dp: u8,
    proto: Option<u8>,
    dport: Option<(u16, u16)>,
) -> Selector {
    let req = SelectorRequest {
        src_addr: Some(src),
        src_prefix: Some(sp),
        dst_addr: Some(dst),
        dst_prefix: Some(dp),
        proto,
        dst_port_min: dport.map(|p| p.0),
        dst_port_max: dport.map(|p| p.1),
        ..Default::default()
    };
    validate_selector(0, &req).unwrap()
}

fn a(b: &[u8]) -> Addr {
    Addr::from_slice(b).unwrap()
}

#[test]
fn parses_ipv4_with_ports() {
    let f = Flow::parse(&v4_tcp([10, 1, 0, 1], [10, 2, 0, 1], 40000, 80)).unwrap();
    assert_eq!(f.src, a(&[10, 1, 0, 1]));
    assert_eq!(f.dst, a(&[10, 2, 0, 1]));
    assert_eq!(f.proto, 6);
    assert_eq!(f.ports, Some((40000, 80)));
    assert_eq!(f.tos, 0xba);
    assert!(f.df);
    assert_eq!(f.ip_len, 60);
}

#[test]
fn ipv4_later_fragments_have_no_ports() {
    let mut h = v4_tcp([10, 1, 0, 1], [10, 2, 0, 1], 1, 2);
    h[6] = 0x00;
    h[7] = 0x10;
    let f = Flow::parse(&h).unwrap();
    assert_eq!(f.ports, None);
    assert!(!f.df);
}

#[test]
fn parses_ipv6_with_ports_and_traffic_class() {
    let mut s = [0u8; 16];
    s[0] = 0xfd;
    s[15] = 1;
    let mut d = s;
    d[15] = 2;
    let f = Flow::parse(&v6_udp(s, d, 53, 5353)).unwrap();
    assert_eq!(f.src, a(&s));
    assert_eq!(f.dst, a(&d));
    assert_eq!(f.proto, 17);
    assert_eq!(f.ports, Some((53, 5353)));
    assert_eq!(f.tos, 0x2d);
    assert_eq!(f.ip_len, 48);
}

#[test]
fn refuses_short_and_foreign_headers() {
    assert_eq!(Flow::parse(&[]), Err(FlowError::Truncated));
    assert_eq!(Flow::parse(&[0x45; 19]), Err(FlowError::Truncated));
    assert_eq!(Flow::parse(&[0x44; 40]), Err(FlowError::BadHeader));
    assert_eq!(Flow::parse(&[0x55; 40]), Err(FlowError::BadHeader));
    assert_eq!(Flow::parse(&[0x60; 39]), Err(FlowError::Truncated));
    assert_eq!(Flow::needed(&[0x46]), Ok(28));
    assert_eq!(Flow::needed(&[0x60]), Ok(44));
}

#[test]
fn missing_ports_are_not_an_error() {
    let h = v4_tcp([10, 1, 0, 1], [10, 2, 0, 1], 1, 2);
    let f = Flow::parse(&h[..20]).unwrap();
    assert_eq!(f.ports, None);
}

#[test]
fn matches_prefixes_protocol_and_ports() {
    let f = Flow::parse(&v4_tcp([10, 1, 0, 7], [10, 2, 3, 4], 40000, 443)).unwrap();
    assert!(f.matches(&sel(&[10, 1, 0, 0], 24, &[10, 2, 0, 0], 16, None, None)));
    assert!(f.matches(&sel(&[0; 4], 0, &[0; 4], 0, None, None)));
    assert!(!f.matches(&sel(&[10, 1, 1, 0], 24, &[10, 2, 0, 0], 16, None, None)));
    assert!(!f.matches(&sel(&[10, 1, 0, 0], 24, &[10, 3, 0, 0], 16, None, None)));
    assert!(f.matches(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        Some(6),
        Some((443, 443))
    )));
    assert!(!f.matches(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        Some(6),
        Some((80, 80))
    )));
    assert!(!f.matches(&sel(&[10, 1, 0, 0], 24, &[10, 2, 0, 0], 16, Some(17), None)));
    // Another family never matches.
    assert!(!f.matches(&sel(&[0; 16], 0, &[0; 16], 0, None, None)));
}

#[test]
fn packets_without_ports_match_only_portless_selectors() {
    let mut h = v4_tcp([10, 1, 0, 7], [10, 2, 3, 4], 1, 2);
    h[9] = 1; // ICMP
    let f = Flow::parse(&h).unwrap();
    assert!(f.matches(&sel(&[10, 1, 0, 0], 24, &[10, 2, 0, 0], 16, None, None)));
    assert!(!f.matches(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        Some(6),
        Some((1, 9))
    )));
}

#[test]
fn specificity_orders_dst_then_src_then_proto_then_ports() {
    let any = Specificity::of(None);
    let wide = Specificity::of(Some(&sel(&[0; 4], 0, &[10, 0, 0, 0], 8, None, None)));
    let dst16 = Specificity::of(Some(&sel(&[0; 4], 0, &[10, 2, 0, 0], 16, None, None)));
    let dst16_src24 = Specificity::of(Some(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        None,
        None,
    )));
    let tcp = Specificity::of(Some(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        Some(6),
        None,
    )));
    let tcp443 = Specificity::of(Some(&sel(
        &[10, 1, 0, 0],
        24,
        &[10, 2, 0, 0],
        16,
        Some(6),
        Some((443, 443)),
    )));
    let order = [any, wide, dst16, dst16_src24, tcp, tcp443];
    for w in order.windows(2) {
        assert!(
            w[0] < w[1],
            "{:?} should be less specific than {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn ipv4_outer_header_copies_tos_and_df() {
    let f = OuterFields {
        tos: 0xb9,
        df: true,
    };
    let h = ipv4_header(&[192, 0, 2, 1], &[192, 0, 2, 2], f, 100).unwrap();
    assert_eq!(h[0], 0x45);
    assert_eq!(h[1], 0xb9);
    assert_eq!(u16::from_be_bytes([h[2], h[3]]), 120);
    assert_eq!(h[6], 0x40);
    assert_eq!(h[9], 50);
    assert_eq!(&h[12..16], &[192, 0, 2, 1]);
    assert_eq!(&h[16..20], &[192, 0, 2, 2]);
    let h = ipv4_header(&[1; 4], &[2; 4], OuterFields { tos: 0, df: false }, 10).unwrap();
    assert_eq!(h[6], 0);
    assert!(ipv4_header(&[1; 4], &[2; 4], f, 65516).is_none());
    assert!(ipv4_header(&[1; 4], &[2; 4], f, 65515).is_some());
}

#[test]
fn ipv6_outer_header_carries_traffic_class() {
    let f = OuterFields {
        tos: 0xb9,
        df: true,
    };
    let h = ipv6_header(&[1; 16], &[2; 16], f, 1000).unwrap();
    assert_eq!(h[0], 0x6b);
    assert_eq!(h[1], 0x90);
    assert_eq!(u16::from_be_bytes([h[4], h[5]]), 1000);
    assert_eq!(h[6], 50);
    assert_eq!(&h[8..24], &[1; 16]);
    assert_eq!(&h[24..40], &[2; 16]);
    // Round trip through the parser's view of the traffic class.
    let mut inner = h.to_vec();
    inner.extend_from_slice(&[0; 4]);
    assert_eq!(Flow::parse(&inner).unwrap().tos, 0xb9);
    assert!(ipv6_header(&[1; 16], &[2; 16], f, 65536).is_none());
}

/// The selectors of a valid SA_NEW request carrying selectors from each of `srcs` to 10.1.0.1.
fn selectors(srcs: &[[u8; 4]]) -> crate::sa::Selectors {
    let key = [7u8; 20];
    let mut req = crate::sa::SaNewRequest {
        spi: Some(0x1000),
        proto: Some(50),
        dir: Some(1),
        mode: Some(1),
        saddr: Some(&[192, 0, 2, 2]),
        daddr: Some(&[192, 0, 2, 1]),
        ifindex: Some(3),
        encr_alg: Some(20),
        encr_key: Some(&key),
        ..Default::default()
    };
    for s in srcs {
        req.add_selector(SelectorRequest {
            src_addr: Some(s),
            dst_addr: Some(&[10, 1, 0, 1]),
            ..Default::default()
        });
    }
    crate::sa::validate_new(&req).unwrap().0.selectors
}

#[test]
fn matches_any_of_several_selectors_and_empty_means_any() {
    let f = Flow::parse(&v4_tcp([10, 2, 0, 1], [10, 1, 0, 1], 5201, 40000)).unwrap();
    assert!(f.matches_any(&selectors(&[])));
    assert!(!f.matches_any(&selectors(&[[10, 9, 0, 1]])));
    assert!(f.matches_any(&selectors(&[[10, 9, 0, 1], [10, 2, 0, 1]])));
}

#[test]
fn outer_fields_copy_tos_and_df_from_the_inner_packet() {
    let f = Flow::parse(&v4_tcp([10, 1, 0, 1], [10, 2, 0, 1], 1, 2)).unwrap();
    assert_eq!(
        OuterFields::of(&f),
        OuterFields {
            tos: 0xba,
            df: true
        }
    );
    let mut s = [0u8; 16];
    s[0] = 0xfd;
    let f = Flow::parse(&v6_udp(s, s, 1, 2)).unwrap();
    assert_eq!(
        OuterFields::of(&f),
        OuterFields {
            tos: 0x2d,
            df: true
        }
    );
}
