// SPDX-License-Identifier: GPL-2.0

//! Validation of `rsec` requests: every rejection, with its errno, message and attribute; SPI
//! choice; selector rules; key wiping.

use rsec_module_logic::abi;
use rsec_module_logic::sa::*;

const V4_A: [u8; 4] = [192, 0, 2, 1];
const V4_B: [u8; 4] = [192, 0, 2, 2];
const V6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const GCM128: [u8; 20] = [0x11; 20];
const CBC128: [u8; 16] = [0x22; 16];
const SHA256: [u8; 32] = [0x33; 32];

/// A valid inbound AES-GCM SA request.
fn gcm_request() -> SaNewRequest<'static> {
    SaNewRequest {
        spi: Some(0x1000),
        proto: Some(abi::proto::ESP),
        dir: Some(abi::dir::IN),
        mode: Some(abi::mode::TUNNEL),
        saddr: Some(&V4_A),
        daddr: Some(&V4_B),
        ifindex: Some(1),
        encr_alg: Some(abi::encr::AES_GCM_16),
        encr_key: Some(&GCM128),
        replay_window: Some(64),
        owner: Some(7),
        ..Default::default()
    }
}

/// A valid outbound AES-CBC + HMAC-SHA-256 SA request.
fn cbc_request() -> SaNewRequest<'static> {
    SaNewRequest {
        dir: Some(abi::dir::OUT),
        encr_alg: Some(abi::encr::AES_CBC),
        encr_key: Some(&CBC128),
        integ_alg: Some(abi::integ::HMAC_SHA2_256_128),
        integ_key: Some(&SHA256),
        replay_window: None,
        ..gcm_request()
    }
}

/// A selector 10.0.0.0/8 -> 10.1.0.0/16.
fn selector() -> SelectorRequest<'static> {
    static SRC: [u8; 4] = [10, 9, 9, 9];
    static DST: [u8; 4] = [10, 1, 2, 3];
    SelectorRequest {
        src_addr: Some(&SRC),
        src_prefix: Some(8),
        dst_addr: Some(&DST),
        dst_prefix: Some(16),
        ..Default::default()
    }
}

/// Asserts that `req` is rejected with `errno`, a message containing `words`, and `bad`.
fn rejects(req: &SaNewRequest<'_>, errno: i32, words: &str, bad: BadAttr) {
    let err = validate_new(req).expect_err("request accepted but should be rejected");
    let msg = err.msg.to_str().unwrap();
    assert_eq!(err.errno, errno, "errno for {msg:?}");
    assert!(msg.contains(words), "message {msg:?} lacks {words:?}");
    assert_eq!(err.bad, bad, "attribute for {msg:?}");
}

#[test]
fn valid_requests_pass() {
    let (p, k) = validate_new(&gcm_request()).unwrap();
    assert_eq!(p.key.spi, 0x1000);
    assert_eq!(p.key.daddr.as_bytes(), &V4_B);
    assert_eq!(p.integ_alg, 0);
    assert_eq!(p.replay_window, 64);
    assert_eq!(p.owner, 7);
    assert_eq!(k.encr, &GCM128);
    assert!(k.integ.is_empty());

    let (p, k) = validate_new(&cbc_request()).unwrap();
    assert_eq!(p.integ_alg, abi::integ::HMAC_SHA2_256_128);
    assert_eq!(k.integ, &SHA256);

    let chacha = [0u8; 36];
    let req = SaNewRequest {
        encr_alg: Some(abi::encr::CHACHA20_POLY1305),
        encr_key: Some(&chacha),
        ..gcm_request()
    };
    assert!(validate_new(&req).is_ok());

    let v6 = SaNewRequest {
        saddr: Some(&V6_A),
        daddr: Some(&V6_A),
        ..gcm_request()
    };
    assert!(validate_new(&v6).is_ok());
}

/// Clears one attribute of a request.
type Clear = fn(&mut SaNewRequest<'static>);

#[test]
fn every_required_attribute_is_named_when_missing() {
    let cases: [(Clear, u16); 9] = [
        (|r| r.spi = None, abi::sa::SPI),
        (|r| r.proto = None, abi::sa::PROTO),
        (|r| r.dir = None, abi::sa::DIR),
        (|r| r.mode = None, abi::sa::MODE),
        (|r| r.saddr = None, abi::sa::SADDR),
        (|r| r.daddr = None, abi::sa::DADDR),
        (|r| r.ifindex = None, abi::sa::IFINDEX),
        (|r| r.encr_alg = None, abi::sa::ENCR_ALG),
        (|r| r.encr_key = None, abi::sa::ENCR_KEY),
    ];
    for (clear, ty) in cases {
        let mut req = gcm_request();
        clear(&mut req);
        rejects(
            &req,
            errno::EINVAL,
            "missing attribute",
            BadAttr::Missing(ty),
        );
    }
    let mut req = cbc_request();
    req.integ_alg = None;
    rejects(
        &req,
        errno::EINVAL,
        "needs an integrity algorithm",
        BadAttr::Missing(abi::sa::INTEG_ALG),
    );
    let mut req = cbc_request();
    req.integ_key = None;
    rejects(
        &req,
        errno::EINVAL,
        "integ-key",
        BadAttr::Missing(abi::sa::INTEG_KEY),
    );
}

#[test]
fn key_lengths_must_fit_the_algorithm() {
    let k24 = [0u8; 24];
    let k36 = [0u8; 36];
    let k20 = [0u8; 20];
    let req = SaNewRequest {
        encr_key: Some(&k24),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "AES-GCM-16 needs",
        BadAttr::Attr(abi::sa::ENCR_KEY),
    );
    let req = SaNewRequest {
        encr_key: Some(&k36),
        ..gcm_request()
    };
    assert!(validate_new(&req).is_ok(), "AES-256-GCM with salt");
    let req = SaNewRequest {
        encr_alg: Some(abi::encr::CHACHA20_POLY1305),
        encr_key: Some(&k20),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "ChaCha20-Poly1305 needs",
        BadAttr::Attr(abi::sa::ENCR_KEY),
    );
    let req = SaNewRequest {
        encr_key: Some(&k20),
        ..cbc_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "AES-CBC needs",
        BadAttr::Attr(abi::sa::ENCR_KEY),
    );
    let req = SaNewRequest {
        integ_alg: Some(abi::integ::HMAC_SHA2_384_192),
        ..cbc_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "48-byte key",
        BadAttr::Attr(abi::sa::INTEG_KEY),
    );
    let req = SaNewRequest {
        integ_alg: Some(abi::integ::HMAC_SHA2_512_256),
        ..cbc_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "64-byte key",
        BadAttr::Attr(abi::sa::INTEG_KEY),
    );
}

#[test]
fn unknown_or_misused_algorithms_are_refused() {
    let req = SaNewRequest {
        encr_alg: Some(3),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "unknown encryption algorithm",
        BadAttr::Attr(abi::sa::ENCR_ALG),
    );
    let req = SaNewRequest {
        integ_alg: Some(2),
        ..cbc_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "unknown integrity algorithm",
        BadAttr::Attr(abi::sa::INTEG_ALG),
    );
    let req = SaNewRequest {
        integ_alg: Some(abi::integ::HMAC_SHA2_256_128),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "AEAD",
        BadAttr::Attr(abi::sa::INTEG_ALG),
    );
    let req = SaNewRequest {
        integ_key: Some(&SHA256),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "AEAD",
        BadAttr::Attr(abi::sa::INTEG_KEY),
    );
}

#[test]
fn key_and_header_fields_are_checked() {
    let req = SaNewRequest {
        spi: Some(255),
        ..gcm_request()
    };
    rejects(&req, errno::ERANGE, "reserved", BadAttr::Attr(abi::sa::SPI));
    let req = SaNewRequest {
        spi: Some(256),
        ..gcm_request()
    };
    assert!(validate_new(&req).is_ok());
    let req = SaNewRequest {
        dir: Some(3),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "dir must be",
        BadAttr::Attr(abi::sa::DIR),
    );
    let req = SaNewRequest {
        proto: Some(17),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "proto must be",
        BadAttr::Attr(abi::sa::PROTO),
    );
    let req = SaNewRequest {
        proto: Some(abi::proto::AH),
        ..gcm_request()
    };
    rejects(&req, errno::EOPNOTSUPP, "AH", BadAttr::Attr(abi::sa::PROTO));
    let req = SaNewRequest {
        mode: Some(abi::mode::TRANSPORT),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EOPNOTSUPP,
        "transport",
        BadAttr::Attr(abi::sa::MODE),
    );
    let req = SaNewRequest {
        mode: Some(9),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "mode must be",
        BadAttr::Attr(abi::sa::MODE),
    );
    let req = SaNewRequest {
        ifindex: Some(0),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::ERANGE,
        "ifindex 0",
        BadAttr::Attr(abi::sa::IFINDEX),
    );
    let req = SaNewRequest {
        flags: Some(2),
        ..gcm_request()
    };
    rejects(&req, errno::EINVAL, "flag", BadAttr::Attr(abi::sa::FLAGS));
    let req = SaNewRequest {
        flags: Some(abi::flags::ESN),
        ..gcm_request()
    };
    assert_eq!(validate_new(&req).unwrap().0.flags, abi::flags::ESN);
}

#[test]
fn outer_addresses_must_agree() {
    let five = [1u8; 5];
    let req = SaNewRequest {
        daddr: Some(&five),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "daddr must be 4",
        BadAttr::Attr(abi::sa::DADDR),
    );
    let req = SaNewRequest {
        saddr: Some(&five),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "saddr must be 4",
        BadAttr::Attr(abi::sa::SADDR),
    );
    let req = SaNewRequest {
        saddr: Some(&V6_A),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "different address families",
        BadAttr::Attr(abi::sa::SADDR),
    );
}

#[test]
fn replay_window_limits() {
    let req = SaNewRequest {
        replay_window: Some(abi::REPLAY_WINDOW_MAX),
        ..gcm_request()
    };
    assert!(validate_new(&req).is_ok());
    let req = SaNewRequest {
        replay_window: Some(abi::REPLAY_WINDOW_MAX + 1),
        ..gcm_request()
    };
    rejects(
        &req,
        errno::ERANGE,
        "replay window too large",
        BadAttr::Attr(abi::sa::REPLAY_WINDOW),
    );
    let req = SaNewRequest {
        replay_window: Some(32),
        ..cbc_request()
    };
    rejects(
        &req,
        errno::EINVAL,
        "inbound SAs only",
        BadAttr::Attr(abi::sa::REPLAY_WINDOW),
    );
    let req = SaNewRequest {
        replay_window: Some(0),
        ..cbc_request()
    };
    assert!(validate_new(&req).is_ok());
}

#[test]
fn soft_lifetime_may_not_exceed_hard() {
    let mut req = gcm_request();
    req.soft.bytes = Some(2000);
    req.hard.bytes = Some(1000);
    rejects(
        &req,
        errno::EINVAL,
        "soft lifetime",
        BadAttr::Attr(abi::sa::LIFETIME_SOFT),
    );
    req.hard.bytes = None;
    req.soft.seconds = Some(10);
    req.hard.seconds = Some(20);
    let (p, _) = validate_new(&req).unwrap();
    assert_eq!(
        p.soft,
        Lifetime {
            bytes: 2000,
            packets: 0,
            seconds: 10
        }
    );
    assert_eq!(
        p.hard,
        Lifetime {
            bytes: 0,
            packets: 0,
            seconds: 20
        }
    );
}

#[test]
fn selectors_are_validated_and_masked() {
    let mut req = gcm_request();
    req.add_selector(selector());
    let (p, _) = validate_new(&req).unwrap();
    let s = p.selectors.iter().next().unwrap();
    assert_eq!(s.src.as_bytes(), &[10, 0, 0, 0]);
    assert_eq!(s.dst.as_bytes(), &[10, 1, 0, 0]);
    assert_eq!((s.src_ports, s.dst_ports), ((0, 65535), (0, 65535)));

    let mut req = gcm_request();
    req.add_selector(selector());
    req.add_selector(SelectorRequest {
        dst_addr: Some(&V6_A),
        dst_prefix: None,
        ..selector()
    });
    rejects(
        &req,
        errno::EINVAL,
        "different address families",
        BadAttr::Selector(1),
    );

    let mut req = gcm_request();
    req.add_selector(SelectorRequest {
        src_addr: None,
        ..selector()
    });
    rejects(
        &req,
        errno::EINVAL,
        "without src-addr",
        BadAttr::SelectorMissing(0, abi::selector::SRC_ADDR),
    );

    let mut req = gcm_request();
    req.add_selector(SelectorRequest {
        src_prefix: Some(33),
        ..selector()
    });
    rejects(&req, errno::ERANGE, "prefix longer", BadAttr::Selector(0));

    let mut req = gcm_request();
    req.add_selector(SelectorRequest {
        dst_port_min: Some(80),
        ..selector()
    });
    rejects(&req, errno::EINVAL, "need proto", BadAttr::Selector(0));

    let mut req = gcm_request();
    let tcp = SelectorRequest {
        proto: Some(6),
        dst_port_min: Some(90),
        dst_port_max: Some(80),
        ..selector()
    };
    req.add_selector(tcp);
    rejects(&req, errno::EINVAL, "min above max", BadAttr::Selector(0));

    let mut req = gcm_request();
    for _ in 0..=MAX_SELECTORS {
        req.add_selector(selector());
    }
    rejects(
        &req,
        errno::E2BIG,
        "too many selectors",
        BadAttr::Selector(MAX_SELECTORS),
    );
}

#[test]
fn sa_id_and_filters() {
    let req = SaIdRequest {
        dir: Some(1),
        spi: Some(300),
        proto: Some(50),
        daddr: Some(&V4_A),
    };
    let key = validate_id(&req).unwrap();
    assert_eq!((key.dir, key.spi, key.proto), (1, 300, 50));
    let err = validate_id(&SaIdRequest { daddr: None, ..req }).unwrap_err();
    assert_eq!(err.bad, BadAttr::Missing(abi::sa::DADDR));
    assert_eq!(Filter::new(Some(0), None).unwrap_err().errno, errno::ERANGE);
    let f = Filter::new(Some(3), Some(9)).unwrap();
    assert!(f.matches(3, 9) && !f.matches(3, 8) && !f.matches(4, 9));
    assert!(!f.matches_reservation(9));
    let f = Filter::new(None, Some(9)).unwrap();
    assert!(f.matches_reservation(9) && !f.matches_reservation(1));
}

#[test]
fn spi_alloc_requests() {
    let req = SpiAllocRequest {
        proto: Some(50),
        daddr: Some(&V4_A),
        ..Default::default()
    };
    let a = validate_spi_alloc(&req).unwrap();
    assert_eq!((a.min, a.max, a.owner), (256, u32::MAX, 0));
    let bad = SpiAllocRequest {
        spi_min: Some(500),
        spi_max: Some(400),
        ..req
    };
    assert_eq!(validate_spi_alloc(&bad).unwrap_err().errno, errno::EINVAL);
    let bad = SpiAllocRequest {
        spi_min: Some(100),
        ..req
    };
    assert_eq!(validate_spi_alloc(&bad).unwrap_err().errno, errno::ERANGE);
    let bad = SpiAllocRequest {
        proto: Some(51),
        ..req
    };
    assert_eq!(
        validate_spi_alloc(&bad).unwrap_err().errno,
        errno::EOPNOTSUPP
    );
}

#[test]
fn choose_spi_stays_in_range_and_finds_the_last_free_one() {
    let mut state = 12345u32;
    let mut rng = move || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        state
    };
    let mut taken = std::collections::HashSet::new();
    for _ in 0..100 {
        let spi = choose_spi(1000, 1099, &mut rng, &mut |s| taken.contains(&s)).unwrap();
        assert!((1000..=1099).contains(&spi));
        assert!(taken.insert(spi), "SPI {spi} handed out twice");
    }
    let err = choose_spi(1000, 1099, &mut rng, &mut |s| taken.contains(&s)).unwrap_err();
    assert_eq!(err.errno, errno::ENOSPC);

    let mut zero = || 0u32;
    assert_eq!(
        choose_spi(u32::MAX, u32::MAX, &mut zero, &mut |_| false).unwrap(),
        u32::MAX
    );
    let mut max = || u32::MAX;
    let spi = choose_spi(256, 1000, &mut max, &mut |s| s != 256).unwrap();
    assert_eq!(spi, 256, "the scan wraps around to the start of the range");
}

#[test]
fn hash_spreads_keys() {
    let key = |spi| SaKey {
        dir: 1,
        spi,
        proto: 50,
        daddr: Addr::from_slice(&V4_A).unwrap(),
    };
    let mut buckets = [0u32; 64];
    for spi in 256..256 + 6400 {
        buckets[(key(spi).hash(42) % 64) as usize] += 1;
    }
    assert!(
        buckets.iter().all(|&n| (50..150).contains(&n)),
        "{buckets:?}"
    );
    assert_ne!(key(300).hash(1), key(300).hash(2));
    let out = SaKey { dir: 2, ..key(300) };
    assert_ne!(out.hash(1), key(300).hash(1));
}

#[test]
fn key_material_is_wiped() {
    let mut km = KeyMaterial::new();
    km.fill(KeyRefs {
        encr: &GCM128,
        integ: &SHA256,
    });
    assert_eq!(km.encr(), &GCM128);
    assert_eq!(km.integ(), &SHA256);
    assert!(!km.is_wiped());
    km.wipe();
    assert!(km.encr().is_empty() && km.integ().is_empty());
    assert!(km.is_wiped());
}

#[test]
fn addresses_mask_to_prefix() {
    let a = Addr::from_slice(&[255, 255, 255, 255]).unwrap();
    assert_eq!(a.masked(0).as_bytes(), &[0, 0, 0, 0]);
    assert_eq!(a.masked(12).as_bytes(), &[255, 240, 0, 0]);
    assert_eq!(a.masked(32).as_bytes(), &[255; 4]);
    assert!(Addr::from_slice(&[0; 5]).is_none());
    assert_eq!(Addr::from_slice(&V6_A).unwrap().family(), Family::V6);
}
