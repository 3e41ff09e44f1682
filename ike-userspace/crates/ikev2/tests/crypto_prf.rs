//! prf, prf+ and the INTEG truncation against published vectors.

mod crypto_common;

use hex_literal::hex;
use ikev2::crypto::{Error, IntegAlg, PrfAlg};
use proptest::prelude::*;

/// RFC 4231 section 4.2, test case 1.
#[test]
fn rfc4231_test_case_1() {
    let key = [0x0b; 20];
    let data = b"Hi There";

    let sha256 = PrfAlg::HmacSha2_256.prf(&key, &[data]);
    let sha384 = PrfAlg::HmacSha2_384.prf(&key, &[data]);
    let sha512 = PrfAlg::HmacSha2_512.prf(&key, &[data]);

    assert_eq!(
        sha256.as_bytes(),
        hex!("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    );
    assert_eq!(
        sha384.as_bytes(),
        hex!(
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            "faea9ea9076ede7f4af152e8b2fa9cb6"
        )
    );
    assert_eq!(
        sha512.as_bytes(),
        hex!(
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        )
    );
}

/// RFC 4231 section 4.3, test case 2 ("Jefe"), with the data split in two parts to
/// exercise the concatenation of prf's inputs.
#[test]
fn rfc4231_test_case_2_split_input() {
    let key = b"Jefe";
    let data: [&[u8]; 2] = [b"what do ya want ", b"for nothing?"];

    let sha256 = PrfAlg::HmacSha2_256.prf(key, &data);
    let sha384 = PrfAlg::HmacSha2_384.prf(key, &data);
    let sha512 = PrfAlg::HmacSha2_512.prf(key, &data);

    assert_eq!(
        sha256.as_bytes(),
        hex!("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    );
    assert_eq!(
        sha384.as_bytes(),
        hex!(
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
            "8e2240ca5e69e2c78b3239ecfab21649"
        )
    );
    assert_eq!(
        sha512.as_bytes(),
        hex!(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        )
    );
}

/// RFC 4231 section 4.4 (test case 3) and 4.7 (test case 6, key longer than the block).
#[test]
fn rfc4231_test_cases_3_and_6_sha256() {
    let tc3 = PrfAlg::HmacSha2_256.prf(&[0xaa; 20], &[&[0xdd; 50]]);
    let tc6 = PrfAlg::HmacSha2_256.prf(
        &[0xaa; 131],
        &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
    );

    assert_eq!(
        tc3.as_bytes(),
        hex!("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    );
    assert_eq!(
        tc6.as_bytes(),
        hex!("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    );
}

/// RFC 4868 section 2.7 (authenticator test vectors), test cases AUTH256-1, AUTH384-1 and AUTH512-1:
/// keys as long as the hash output, "Hi There", ICV truncated to half the output.
#[test]
fn rfc4868_auth_test_cases_1() {
    let data: [&[u8]; 1] = [b"Hi There"];

    let icv256 = IntegAlg::HmacSha2_256_128.icv(&[0x0b; 32], &data);
    let icv384 = IntegAlg::HmacSha2_384_192.icv(&[0x0b; 48], &data);
    let icv512 = IntegAlg::HmacSha2_512_256.icv(&[0x0b; 64], &data);

    assert_eq!(icv256, hex!("198a607eb44bfbc69903a0f1cf2bbdc5"));
    assert_eq!(
        icv384,
        hex!("b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973")
    );
    assert_eq!(
        icv512,
        hex!("637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8")
    );
}

/// RFC 4868 section 2.7, AUTH256-1: the full PRF output before truncation.
#[test]
fn rfc4868_auth256_1_untruncated_prf() {
    let out = PrfAlg::HmacSha2_256.prf(&[0x0b; 32], &[b"Hi There"]);

    assert_eq!(
        out.as_bytes(),
        hex!("198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7")
    );
}

#[test]
fn integ_key_and_icv_lengths_follow_rfc4868() {
    let cases = [
        (IntegAlg::HmacSha2_256_128, 12, 32, 16),
        (IntegAlg::HmacSha2_384_192, 13, 48, 24),
        (IntegAlg::HmacSha2_512_256, 14, 64, 32),
    ];

    for (alg, id, key_len, icv_len) in cases {
        assert_eq!(IntegAlg::from_id(id), Some(alg));
        assert_eq!(alg.id(), id);
        assert_eq!(alg.key_len(), key_len);
        assert_eq!(alg.icv_len(), icv_len);
    }
}

/// prf+ (RFC 7296 section 2.13) rebuilt from prf: T1 = prf(K, S | 0x01),
/// T2 = prf(K, T1 | S | 0x02), T3 = prf(K, T2 | S | 0x03).
#[test]
fn prf_plus_chains_blocks_as_rfc7296_2_13() {
    let prf = PrfAlg::HmacSha2_256;
    let key = b"key";
    let seed: [&[u8]; 2] = [b"seed part one", b"|two"];
    let s = b"seed part one|two";

    let t1 = prf.prf(key, &[s, &[1]]);
    let t2 = prf.prf(key, &[t1.as_bytes(), s, &[2]]);
    let t3 = prf.prf(key, &[t2.as_bytes(), s, &[3]]);
    let out = prf.prf_plus(key, &seed, 80).unwrap();

    let expected = [t1.as_bytes(), t2.as_bytes(), &t3.as_bytes()[..16]].concat();
    assert_eq!(out.as_bytes(), expected);
}

#[test]
fn prf_plus_limit_is_255_blocks() {
    let prf = PrfAlg::HmacSha2_384;

    let max = prf.prf_plus(b"k", &[b"s"], 255 * 48).unwrap();
    let over = prf.prf_plus(b"k", &[b"s"], 255 * 48 + 1);

    assert_eq!(max.len(), 255 * 48);
    assert_eq!(
        over.unwrap_err(),
        Error::PrfPlusTooLong {
            requested: 255 * 48 + 1,
            max: 255 * 48
        }
    );
}

#[test]
fn prf_ids_round_trip() {
    for (id, len) in [(5, 32), (6, 48), (7, 64)] {
        let prf = PrfAlg::from_id(id).unwrap();
        assert_eq!(prf.id(), id);
        assert_eq!(prf.output_len(), len);
    }
    assert_eq!(PrfAlg::from_id(2), None);
}

fn any_prf() -> impl Strategy<Value = PrfAlg> {
    prop_oneof![
        Just(PrfAlg::HmacSha2_256),
        Just(PrfAlg::HmacSha2_384),
        Just(PrfAlg::HmacSha2_512),
    ]
}

proptest! {
    /// prf+ yields exactly the requested length, and a shorter request is a prefix of a
    /// longer one.
    #[test]
    fn prf_plus_length_and_prefix(
        prf in any_prf(),
        key in proptest::collection::vec(any::<u8>(), 0..80),
        seed in proptest::collection::vec(any::<u8>(), 0..80),
        a in 0usize..600,
        b in 0usize..600,
    ) {
        let (short, long) = (a.min(b), a.max(b));

        let short_out = prf.prf_plus(&key, &[&seed], short).unwrap();
        let long_out = prf.prf_plus(&key, &[&seed], long).unwrap();

        prop_assert_eq!(short_out.len(), short);
        prop_assert_eq!(long_out.len(), long);
        prop_assert_eq!(short_out.as_bytes(), &long_out.as_bytes()[..short]);
    }
}
