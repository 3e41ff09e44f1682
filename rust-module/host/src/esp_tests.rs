//! Tests of `rust-module/esp.rs`: algorithm table, layout arithmetic, trailer, AAD, ECN.

use crate::esp::*;

const GCM128: (u16, usize, u16, usize) = (20, 20, 0, 0);
const GCM256: (u16, usize, u16, usize) = (20, 36, 0, 0);
const CHACHA: (u16, usize, u16, usize) = (28, 36, 0, 0);
const CBC_SHA256: (u16, usize, u16, usize) = (12, 16, 12, 32);
const CBC_SHA384: (u16, usize, u16, usize) = (12, 32, 13, 48);
const CBC_SHA512: (u16, usize, u16, usize) = (12, 32, 14, 64);

fn params(p: (u16, usize, u16, usize)) -> AlgParams {
    AlgParams::new(p.0, p.1, p.2, p.3).unwrap()
}

fn all() -> Vec<AlgParams> {
    [GCM128, GCM256, CHACHA, CBC_SHA256, CBC_SHA384, CBC_SHA512]
        .into_iter()
        .map(params)
        .collect()
}

fn name(p: &AlgParams, esn: bool, cryptd: bool) -> String {
    let mut buf = [0xffu8; 64];
    let n = p.write_template_name(esn, cryptd, &mut buf).unwrap();
    assert_eq!(buf[n], 0, "NUL-terminated");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn table_matches_rfcs_and_yaml_ids() {
    let gcm = params(GCM128);
    assert_eq!(gcm.encr, EncrAlg::AesGcm16);
    assert_eq!(
        (gcm.enc_key_len, gcm.salt_len, gcm.iv_len, gcm.icv_len),
        (16, 4, 8, 16)
    );
    assert_eq!((gcm.block_size, gcm.align(), gcm.auth_key_len), (1, 4, 0));
    assert!(gcm.is_aead());
    assert_eq!(params(GCM256).enc_key_len, 32);

    let chacha = params(CHACHA);
    assert_eq!(chacha.encr, EncrAlg::Chacha20Poly1305);
    assert_eq!(
        (
            chacha.enc_key_len,
            chacha.salt_len,
            chacha.iv_len,
            chacha.icv_len
        ),
        (32, 4, 8, 16)
    );

    for (p, integ, key, icv) in [
        (CBC_SHA256, IntegAlg::HmacSha256_128, 32, 16),
        (CBC_SHA384, IntegAlg::HmacSha384_192, 48, 24),
        (CBC_SHA512, IntegAlg::HmacSha512_256, 64, 32),
    ] {
        let cbc = params(p);
        assert_eq!(cbc.integ, Some(integ));
        assert_eq!((cbc.auth_key_len, cbc.icv_len), (key, icv));
        assert_eq!(
            (cbc.salt_len, cbc.iv_len, cbc.block_size, cbc.align()),
            (0, 16, 16, 16)
        );
        assert!(!cbc.is_aead());
    }

    for p in all() {
        assert!(p.iv_len <= MAX_IV_LEN);
        assert!(p.aad_len(true) <= MAX_AAD_LEN);
    }

    assert_eq!(EncrAlg::AesCbc as u16, 12);
    assert_eq!(EncrAlg::AesGcm16 as u16, 20);
    assert_eq!(EncrAlg::Chacha20Poly1305 as u16, 28);
    assert_eq!(IntegAlg::HmacSha256_128 as u16, 12);
    assert_eq!(IntegAlg::HmacSha384_192 as u16, 13);
    assert_eq!(IntegAlg::HmacSha512_256 as u16, 14);
}

#[test]
fn refuses_bad_combinations_and_key_lengths() {
    assert_eq!(AlgParams::new(3, 24, 12, 32), Err(AlgError::UnknownEncr));
    assert_eq!(AlgParams::new(12, 16, 2, 20), Err(AlgError::UnknownInteg));
    assert_eq!(AlgParams::new(12, 16, 0, 0), Err(AlgError::MissingInteg));
    assert_eq!(AlgParams::new(20, 20, 12, 32), Err(AlgError::IntegWithAead));
    assert_eq!(AlgParams::new(28, 36, 14, 64), Err(AlgError::IntegWithAead));
    for len in [0, 3, 4, 16, 19, 21, 28, 35, 37] {
        assert_eq!(
            AlgParams::new(20, len, 0, 0),
            Err(AlgError::EncrKeyLen),
            "gcm {len}"
        );
    }
    for len in [0, 20, 32, 35, 37] {
        assert_eq!(
            AlgParams::new(28, len, 0, 0),
            Err(AlgError::EncrKeyLen),
            "chacha {len}"
        );
    }
    for len in [0, 15, 20, 24, 36] {
        assert_eq!(
            AlgParams::new(12, len, 12, 32),
            Err(AlgError::EncrKeyLen),
            "cbc {len}"
        );
    }
    assert_eq!(AlgParams::new(12, 16, 12, 48), Err(AlgError::IntegKeyLen));
    assert_eq!(AlgParams::new(12, 16, 13, 32), Err(AlgError::IntegKeyLen));
    assert_eq!(AlgParams::new(12, 16, 14, 32), Err(AlgError::IntegKeyLen));
}

#[test]
fn template_names_are_linux_xfrms() {
    assert_eq!(name(&params(GCM128), false, false), "rfc4106(gcm(aes))");
    assert_eq!(name(&params(GCM256), true, false), "rfc4106(gcm(aes))");
    assert_eq!(
        name(&params(CHACHA), true, false),
        "rfc7539esp(chacha20,poly1305)"
    );
    assert_eq!(
        name(&params(CBC_SHA256), false, false),
        "authenc(hmac(sha256),cbc(aes))"
    );
    assert_eq!(
        name(&params(CBC_SHA384), true, false),
        "authencesn(hmac(sha384),cbc(aes))"
    );
    assert_eq!(
        name(&params(CBC_SHA512), false, false),
        "authenc(hmac(sha512),cbc(aes))"
    );
    assert_eq!(
        name(&params(CBC_SHA512), true, true),
        "cryptd(authencesn(hmac(sha512),cbc(aes)))"
    );
    assert_eq!(
        name(&params(GCM128), false, true),
        "cryptd(rfc4106(gcm(aes)))"
    );

    let mut small = [0u8; 17];
    assert_eq!(
        params(GCM128).write_template_name(false, false, &mut small),
        None
    );
    let mut exact = [0u8; 18];
    assert_eq!(
        params(GCM128).write_template_name(false, false, &mut exact),
        Some(17)
    );
}

#[test]
fn authenc_key_blob() {
    let enc = [0xeeu8; 16];
    let auth = [0xaau8; 32];
    let mut out = [0u8; 100];
    let n = write_authenc_key(&enc, &auth, &mut out).unwrap();
    assert_eq!(n, 8 + 32 + 16);
    assert_eq!(u16::from_ne_bytes([out[0], out[1]]), 8, "rta_len");
    assert_eq!(
        u16::from_ne_bytes([out[2], out[3]]),
        1,
        "CRYPTO_AUTHENC_KEYA_PARAM"
    );
    assert_eq!(&out[4..8], &[0, 0, 0, 16], "enckeylen, big-endian");
    assert_eq!(&out[8..40], &auth);
    assert_eq!(&out[40..56], &enc);
    assert!(out[56..].iter().all(|&b| b == 0));
    assert_eq!(write_authenc_key(&enc, &auth, &mut [0u8; 55]), None);
}

#[test]
fn header_and_aad() {
    let mut hdr = [0u8; ESP_HDR_LEN];
    write_esp_header(&mut hdr, 0x0102_0304, 0x1122_3344_5566_7788);
    assert_eq!(hdr, [1, 2, 3, 4, 0x55, 0x66, 0x77, 0x88]);
    assert_eq!(parse_esp_header(&hdr), (0x0102_0304, 0x5566_7788));

    let mut aad = [0u8; MAX_AAD_LEN];
    assert_eq!(
        write_aad(&mut aad, 0xdead_beef, 0x1122_3344_5566_7788, false),
        8
    );
    assert_eq!(&aad[..8], &[0xde, 0xad, 0xbe, 0xef, 0x55, 0x66, 0x77, 0x88]);
    assert_eq!(
        write_aad(&mut aad, 0xdead_beef, 0x1122_3344_5566_7788, true),
        12
    );
    assert_eq!(
        aad,
        [0xde, 0xad, 0xbe, 0xef, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]
    );
    assert_eq!(params(GCM128).aad_len(false), 8);
    assert_eq!(params(CBC_SHA256).aad_len(true), 12);

    assert_eq!(aead_iv(0x0102_0304_0506_0708), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_ne!(aead_iv(1), aead_iv(1 << 32), "ESN high bits reach the IV");
}

#[test]
fn padding_aligns_and_is_minimal() {
    for p in all() {
        for inner in 0..200 {
            let pad = pad_len(&p, inner);
            let enc = inner + pad + ESP_TRAILER_LEN;
            assert_eq!(enc % p.align(), 0, "{p:?} {inner}");
            assert_eq!(enc % 4, 0);
            assert!(pad < p.align(), "minimal: {p:?} {inner}");
        }
    }
    assert_eq!(pad_len(&params(GCM128), 42), 0);
    assert_eq!(pad_len(&params(GCM128), 41), 1);
    assert_eq!(pad_len(&params(CBC_SHA256), 41), 5);
    assert_eq!(pad_len(&params(CBC_SHA256), 14), 0);
    assert_eq!(pad_len(&params(CBC_SHA256), 15), 15);
}

#[test]
fn trailer_round_trip() {
    for pad in 0..=255usize {
        let mut t = vec![0u8; pad + 2];
        write_trailer(&mut t, NEXT_HEADER_IPV6).unwrap();
        assert!(t[..pad]
            .iter()
            .enumerate()
            .all(|(i, &b)| usize::from(b) == i + 1));
        assert_eq!(usize::from(t[pad]), pad);
        assert_eq!(t[pad + 1], 41);

        let mut payload = vec![0x45u8; 30];
        payload.extend_from_slice(&t);
        let tail = &payload[payload.len().saturating_sub(MAX_TRAILER_LEN)..];
        assert_eq!(
            check_trailer(tail, payload.len()),
            Ok(Trailer {
                inner_len: 30,
                next_header: 41
            })
        );
    }
    assert_eq!(write_trailer(&mut [0u8; 258], 4), None);
    assert_eq!(write_trailer(&mut [0u8; 1], 4), None);
}

#[test]
fn trailer_validation_names_each_drop() {
    // Inner 3 bytes, pad 1 2 3, pad length 3, next header 4.
    let good = [9u8, 9, 9, 1, 2, 3, 3, 4];
    assert_eq!(
        check_trailer(&good, 8),
        Ok(Trailer {
            inner_len: 3,
            next_header: 4
        })
    );

    // The tail given may be the last bytes of a longer payload.
    assert_eq!(check_trailer(&good[2..], 100).unwrap().inner_len, 95);

    for i in 3..6 {
        let mut bad = good;
        bad[i] ^= 0x10;
        assert_eq!(
            check_trailer(&bad, 8),
            Err(DropReason::BadPadding),
            "pad byte {i}"
        );
    }
    let mut zero_pad = good;
    zero_pad[3..6].copy_from_slice(&[0, 0, 0]);
    assert_eq!(check_trailer(&zero_pad, 8), Err(DropReason::BadPadding));

    let mut too_long = good;
    too_long[6] = 7;
    assert_eq!(check_trailer(&too_long, 8), Err(DropReason::BadPadLength));
    too_long[6] = 6;
    assert_eq!(check_trailer(&too_long, 8), Err(DropReason::BadPadding));

    let mut dummy = good;
    dummy[7] = NEXT_HEADER_NONE;
    assert_eq!(check_trailer(&dummy, 8), Err(DropReason::DummyPacket));

    assert_eq!(check_trailer(&[4], 1), Err(DropReason::Truncated));
    assert_eq!(check_trailer(&good, 7), Err(DropReason::Truncated));
    assert_eq!(
        check_trailer(&[0, 4], 2),
        Ok(Trailer {
            inner_len: 0,
            next_header: 4
        })
    );
}

#[test]
fn tunnel_next_headers() {
    assert_eq!(tunnel_inner_family(4), Ok(Family::V4));
    assert_eq!(tunnel_inner_family(41), Ok(Family::V6));
    for nh in [0u8, 6, 17, 50, 59, 255] {
        assert_eq!(tunnel_inner_family(nh), Err(DropReason::BadNextHeader));
    }
}

#[test]
fn layout_and_overhead() {
    let gcm = params(GCM128);
    let l = OutboundLayout::new(&gcm, 41);
    assert_eq!((l.hdr_len, l.trailer_len, l.icv_len), (16, 3, 16));
    assert_eq!(l.encrypted_len(), 44);
    assert_eq!(l.total_len(), 8 + 8 + 44 + 16);
    assert_eq!(esp_overhead(&gcm, 41), l.total_len() - 41);

    let cbc = params(CBC_SHA512);
    assert_eq!(OutboundLayout::new(&cbc, 41).total_len(), 8 + 16 + 48 + 32);

    for p in all() {
        for inner in 0..100 {
            assert!(esp_overhead(&p, inner) <= esp_overhead_max(&p));
        }
        assert!((0..100).any(|i| esp_overhead(&p, i) == esp_overhead_max(&p)));
    }
}

#[test]
fn max_inner_len_is_the_largest_that_fits() {
    for p in all() {
        for family in [Family::V4, Family::V6] {
            for mtu in 0..1600 {
                let fits =
                    |inner: usize| family.header_len() + inner + esp_overhead(&p, inner) <= mtu;
                match max_inner_len(mtu, family, &p) {
                    Some(max) => {
                        assert!(fits(max), "{p:?} {family:?} {mtu}");
                        assert!(!fits(max + 1), "{p:?} {family:?} {mtu}");
                    }
                    None => assert!(!fits(0), "{p:?} {family:?} {mtu}"),
                }
            }
        }
    }
    // 1500 - 20 - 16 - 16 = 1448, a multiple of 4, less the 2-byte trailer.
    assert_eq!(max_inner_len(1500, Family::V4, &params(GCM128)), Some(1446));
    // 1500 - 40 - 24 - 16 = 1420 -> 1408 in blocks of 16.
    assert_eq!(
        max_inner_len(1500, Family::V6, &params(CBC_SHA256)),
        Some(1406)
    );
}

#[test]
fn inbound_length_checks() {
    let gcm = params(GCM128);
    assert_eq!(check_inbound_len(&gcm, 16 + 16 + 4), Ok(4));
    assert_eq!(
        check_inbound_len(&gcm, 16 + 16 + 2),
        Err(DropReason::BadAlignment)
    );
    assert_eq!(
        check_inbound_len(&gcm, 16 + 16 + 1),
        Err(DropReason::Truncated)
    );
    assert_eq!(check_inbound_len(&gcm, 16 + 15), Err(DropReason::Truncated));
    assert_eq!(
        check_inbound_len(&gcm, 16 + 16 + 6),
        Err(DropReason::BadAlignment)
    );

    let cbc = params(CBC_SHA384);
    assert_eq!(check_inbound_len(&cbc, 24 + 24 + 32), Ok(32));
    assert_eq!(
        check_inbound_len(&cbc, 24 + 24 + 20),
        Err(DropReason::BadAlignment)
    );
    assert_eq!(check_inbound_len(&cbc, 24 + 24), Err(DropReason::Truncated));
}

#[test]
fn drop_reason_names_are_distinct() {
    let all = [
        DropReason::Truncated,
        DropReason::BadAlignment,
        DropReason::IcvMismatch,
        DropReason::BadPadLength,
        DropReason::BadPadding,
        DropReason::DummyPacket,
        DropReason::BadNextHeader,
        DropReason::EcnCeOnNotEct,
        DropReason::TooLong,
        DropReason::NoMemory,
        DropReason::Kernel(-5),
    ];
    let mut names: Vec<_> = all.iter().map(|r| r.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len());
}

#[test]
fn encap_copies_dscp_and_ecn() {
    for tos in 0..=255u8 {
        assert_eq!(encap_tos(tos), tos);
    }
}

/// RFC 6040 section 4.2, Figure 4, row by row: (inner, outer) -> outgoing inner, or drop;
/// `true` marks the "(!!!)" cells.
#[test]
fn decap_ecn_is_rfc6040_table() {
    use Ecn::*;
    type Row = (Ecn, [Option<(Ecn, bool)>; 4]);
    let table: [Row; 4] = [
        //        outer: Not-ECT            ECT(0)               ECT(1)               CE
        (
            NotEct,
            [
                Some((NotEct, false)),
                Some((NotEct, true)),
                Some((NotEct, true)),
                None,
            ],
        ),
        (
            Ect0,
            [
                Some((Ect0, false)),
                Some((Ect0, false)),
                Some((Ect1, false)),
                Some((Ce, false)),
            ],
        ),
        (
            Ect1,
            [
                Some((Ect1, false)),
                Some((Ect1, false)),
                Some((Ect1, false)),
                Some((Ce, false)),
            ],
        ),
        (
            Ce,
            [
                Some((Ce, false)),
                Some((Ce, false)),
                Some((Ce, true)),
                Some((Ce, false)),
            ],
        ),
    ];
    let outers = [NotEct, Ect0, Ect1, Ce];

    let mut cells = 0;
    for (inner, row) in table {
        for (outer, want) in outers.iter().zip(row) {
            for dscp in [0u8, 0x2e, 0x3f] {
                let inner_tos = dscp << 2 | inner as u8;
                let outer_tos = 0x0a << 2 | *outer as u8;
                let got = decap_tos(outer_tos, inner_tos);
                match want {
                    None => assert_eq!(got, Err(DropReason::EcnCeOnNotEct), "{inner:?} {outer:?}"),
                    Some((ecn, unusual)) => {
                        assert_eq!(
                            got,
                            Ok(DecapTos {
                                tos: dscp << 2 | ecn as u8,
                                unusual
                            }),
                            "{inner:?} {outer:?}"
                        );
                    }
                }
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 16);
}

#[test]
fn ecn_of_tos() {
    assert_eq!(Ecn::of_tos(0xfc), Ecn::NotEct);
    assert_eq!(Ecn::of_tos(0x01), Ecn::Ect1);
    assert_eq!(Ecn::of_tos(0x02), Ecn::Ect0);
    assert_eq!(Ecn::of_tos(0xff), Ecn::Ce);
}
