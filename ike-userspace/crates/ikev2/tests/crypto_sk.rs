//! SK payload protection against published vectors, plus seal/open properties.

mod crypto_common;

use crypto_common::{FixedRng, TestRng};
use hex_literal::hex;
use ikev2::crypto::{CipherSuite, EncrAlg, Error, IntegAlg, SkCipher};
use proptest::prelude::*;

fn aead(encr: EncrAlg, keymat: &[u8]) -> SkCipher {
    SkCipher::new(CipherSuite::new(encr, None).unwrap(), keymat, &[]).unwrap()
}

fn cbc(encr: EncrAlg, key: &[u8], integ: IntegAlg, integ_key: &[u8]) -> SkCipher {
    SkCipher::new(CipherSuite::new(encr, Some(integ)).unwrap(), key, integ_key).unwrap()
}

/// RFC 7634 appendix B: an INFORMATIONAL request protected with ChaCha20-Poly1305.
/// The AAD is the IKE header (Length 0x45) and the SK payload header (Length 0x29).
#[test]
fn rfc7634_appendix_b_ikev2_example() {
    let keymat = hex!(
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
        "a0a1a2a3"
    );
    let iv = hex!("1011121314151617");
    let aad = hex!("c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d72e20250000000009000000452900002 9");
    let inner = hex!("0000000c000040010000000a");
    let sealed = hex!(
        "610394701f8d017f7c12924889"
        "6b71bfe25236efd7cdc67066906315b2"
    );
    let sk = aead(EncrAlg::ChaCha20Poly1305, &keymat);

    let body = sk.seal(&aad, &inner, &mut FixedRng::new(&iv)).unwrap();
    let opened = sk.open(&aad, &body).unwrap();

    assert_eq!(body, [&iv[..], &sealed[..]].concat());
    assert_eq!(opened, inner);
    // Header Length = AAD + body; SK Payload Length = 4 + body.
    assert_eq!(aad.len() + sk.sealed_len(inner.len()), 0x45);
    assert_eq!(4 + sk.sealed_len(inner.len()), 0x29);
    assert_eq!(sk.overhead(inner.len()), 8 + 1 + 16);
}

/// GCM specification (McGrew and Viega, "The Galois/Counter Mode of Operation"),
/// test cases 4 (AES-128) and 16 (AES-256): 60-byte plaintext, 20-byte AAD,
/// 96-bit IV cafebabe facedbaddecaf888 = RFC 5282 salt | explicit IV.
/// The plaintext's last byte (0x39) reads as Pad Length 57, leaving 2 inner bytes.
#[test]
fn gcm_spec_test_cases_4_and_16_open() {
    let aad = hex!("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let iv = hex!("facedbaddecaf888");
    let cases = [
        (
            EncrAlg::AesGcm16_128,
            hex!("feffe9928665731c6d6a8f9467308308 cafebabe").to_vec(),
            hex!(
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                "5bc94fbc3221a5db94fae95ae7121a47"
            )
            .to_vec(),
        ),
        (
            EncrAlg::AesGcm16_256,
            hex!(
                "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
                "cafebabe"
            )
            .to_vec(),
            hex!(
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                "76fc6ece0f4e1768cddf8853bb2d551b"
            )
            .to_vec(),
        ),
    ];

    for (encr, keymat, sealed) in cases {
        let sk = aead(encr, &keymat);
        let body = [&iv[..], &sealed].concat();
        let mut forged = body.clone();
        *forged.last_mut().unwrap() ^= 0x80;

        assert_eq!(sk.open(&aad, &body).unwrap(), hex!("d931"), "{encr:?}");
        assert_eq!(sk.open(&aad, &forged), Err(Error::IntegrityCheckFailed));
        assert_eq!(sk.open(&aad[1..], &body), Err(Error::IntegrityCheckFailed));
    }
}

/// RFC 3602 section 4, cases 1-4 (AES-128-CBC).
const RFC3602: [(&str, &str, &[u8], &str); 4] = [
    (
        "06a9214036b8a15b512e03d534120006",
        "3dafba429d9eb430b422da802c9fac41",
        b"Single block msg",
        "e353779c1079aeb82708942dbe77181a",
    ),
    (
        "c286696d887c9aa0611bbb3e2025a45a",
        "562e17996d093d28ddb3ba695a2e6f58",
        &hex!("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
    ),
    (
        "6c3ea0477630ce21a2ce334aa746c2cd",
        "c782dc4c098c66cbd9cd27d825682c81",
        b"This is a 48-byte message (exactly 3 AES blocks)",
        "d0a02b3836451753d493665d33f0e886\
         2dea54cdb293abc7506939276772f8d5\
         021c19216bad525c8579695d83ba2684",
    ),
    (
        "56e47a38c5598974bc46903dba290349",
        "8ce82eefbea0da3c44699ed7db51b7d9",
        &hex!(
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
        ),
        "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e\
         35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55",
    ),
];

const INTEG_KEY: [u8; 32] = [0x5a; 32];
const AAD: &[u8] = b"IKE header and SK payload header";

/// RFC 3602 cases 1-4 through seal: the plaintexts are whole blocks, so the ciphertext
/// starts with the RFC's and ends with one block of padding; the ICV covers
/// AAD | IV | ciphertext (RFC 7296 section 3.14).
#[test]
fn rfc3602_cases_through_seal() {
    for (key, iv, plaintext, ciphertext) in RFC3602 {
        let (key, iv, ciphertext) = (unhex(key), unhex(iv), unhex(ciphertext));
        let sk = cbc(
            EncrAlg::AesCbc128,
            &key,
            IntegAlg::HmacSha2_256_128,
            &INTEG_KEY,
        );

        let body = sk.seal(AAD, plaintext, &mut FixedRng::new(&iv)).unwrap();

        let (iv_ct, icv) = body.split_at(body.len() - 16);
        assert_eq!(body.len(), 16 + plaintext.len() + 16 + 16);
        assert_eq!(&body[..16], iv);
        assert_eq!(&body[16..16 + ciphertext.len()], ciphertext);
        assert_eq!(
            icv,
            IntegAlg::HmacSha2_256_128.icv(&INTEG_KEY, &[AAD, iv_ct])
        );
        assert_eq!(sk.open(AAD, &body).unwrap(), plaintext);
    }
}

/// RFC 3602 cases 2 and 3 through open: the last plaintext byte is read as the Pad
/// Length (0x1f and 0x29), so the inner payloads are what precedes the padding.
#[test]
fn rfc3602_cases_through_open() {
    for (case, inner_len) in [(1, 0), (2, 6)] {
        let (key, iv, plaintext, ciphertext) = RFC3602[case];
        let iv_ct = [unhex(iv), unhex(ciphertext)].concat();
        let icv = IntegAlg::HmacSha2_256_128.icv(&INTEG_KEY, &[AAD, &iv_ct]);
        let sk = cbc(
            EncrAlg::AesCbc128,
            &unhex(key),
            IntegAlg::HmacSha2_256_128,
            &INTEG_KEY,
        );

        let opened = sk.open(AAD, &[iv_ct, icv].concat()).unwrap();

        assert_eq!(opened, &plaintext[..inner_len]);
    }
}

/// RFC 3602 case 1 read as an SK payload: "Single block msg" ends in 'g' = Pad Length
/// 103, longer than the plaintext. The ICV is valid, so this is INVALID_SYNTAX, not a
/// silent drop.
#[test]
fn authentic_payload_with_bad_pad_length_is_invalid_syntax() {
    let (key, iv, _, ciphertext) = RFC3602[0];
    let iv_ct = [unhex(iv), unhex(ciphertext)].concat();
    let icv = IntegAlg::HmacSha2_256_128.icv(&INTEG_KEY, &[AAD, &iv_ct]);
    let sk = cbc(
        EncrAlg::AesCbc128,
        &unhex(key),
        IntegAlg::HmacSha2_256_128,
        &INTEG_KEY,
    );

    let err = sk.open(AAD, &[iv_ct, icv].concat()).unwrap_err();

    assert_eq!(err, Error::InvalidSkPayload);
    assert_eq!(err.notify_type(), Some(7));
    assert!(!err.is_silent_drop());
}

#[test]
fn authentic_cbc_payload_with_partial_block_is_invalid_syntax() {
    let key = [1u8; 32];
    let iv_ct = [[2u8; 16].as_slice(), &[3u8; 20]].concat();
    let icv = IntegAlg::HmacSha2_512_256.icv(&[4u8; 64], &[AAD, &iv_ct]);
    let sk = cbc(
        EncrAlg::AesCbc256,
        &key,
        IntegAlg::HmacSha2_512_256,
        &[4u8; 64],
    );

    let err = sk.open(AAD, &[iv_ct, icv].concat()).unwrap_err();

    assert_eq!(err, Error::InvalidSkPayload);
}

#[test]
fn short_bodies_are_dropped_silently() {
    for sk in all_ciphers() {
        let body = sk.seal(AAD, b"", &mut TestRng(1)).unwrap();

        for len in 0..body.len() {
            let err = sk.open(AAD, &body[..len]).unwrap_err();
            assert_eq!(
                err,
                Error::IntegrityCheckFailed,
                "{:?} len {len}",
                sk.suite()
            );
            assert!(err.is_silent_drop());
            assert_eq!(err.notify_type(), None);
        }
    }
}

#[test]
fn sealed_len_pads_cbc_to_the_block_size() {
    let sk = cbc(
        EncrAlg::AesCbc128,
        &[0; 16],
        IntegAlg::HmacSha2_384_192,
        &[0; 48],
    );

    // IV 16 + padded (n + 1 rounded up to 16) + ICV 24.
    assert_eq!(sk.sealed_len(0), 16 + 16 + 24);
    assert_eq!(sk.sealed_len(15), 16 + 16 + 24);
    assert_eq!(sk.sealed_len(16), 16 + 32 + 24);
    assert_eq!(sk.overhead(16), 16 + 16 + 24);
}

#[test]
fn keys_of_the_wrong_length_are_refused() {
    let gcm = CipherSuite::new(EncrAlg::AesGcm16_256, None).unwrap();
    let cbc = CipherSuite::new(EncrAlg::AesCbc128, Some(IntegAlg::HmacSha2_256_128)).unwrap();

    let no_salt = SkCipher::new(gcm, &[0; 32], &[]).unwrap_err();
    let short_integ = SkCipher::new(cbc, &[0; 16], &[0; 16]).unwrap_err();

    assert_eq!(
        no_salt,
        Error::InvalidKeyLength {
            expected: 36,
            actual: 32
        }
    );
    assert_eq!(
        short_integ,
        Error::InvalidKeyLength {
            expected: 32,
            actual: 16
        }
    );
}

#[test]
fn aead_with_integ_and_cbc_without_are_refused() {
    let aead_integ = CipherSuite::new(EncrAlg::AesGcm16_128, Some(IntegAlg::HmacSha2_256_128));
    let cbc_alone = CipherSuite::new(EncrAlg::AesCbc256, None);

    assert_eq!(aead_integ, Err(Error::InvalidTransformCombination));
    assert_eq!(cbc_alone, Err(Error::InvalidTransformCombination));
}

#[test]
fn encr_ids_and_key_lengths() {
    let cases = [
        (12, Some(128), EncrAlg::AesCbc128, 16),
        (12, Some(256), EncrAlg::AesCbc256, 32),
        (20, Some(128), EncrAlg::AesGcm16_128, 20),
        (20, Some(256), EncrAlg::AesGcm16_256, 36),
        (28, None, EncrAlg::ChaCha20Poly1305, 36),
    ];

    for (id, bits, encr, keymat_len) in cases {
        assert_eq!(EncrAlg::from_id(id, bits), Some(encr));
        assert_eq!((encr.id(), encr.key_bits()), (id, bits));
        assert_eq!(encr.keymat_len(), keymat_len);
    }
    assert_eq!(EncrAlg::from_id(12, Some(192)), None);
    assert_eq!(EncrAlg::from_id(28, Some(256)), None);
}

/// One cipher per supported suite, with keys from a fixed seed.
fn all_ciphers() -> Vec<SkCipher> {
    let mut rng = TestRng(0x1234_5678);
    let mut key = |len: usize| {
        let mut bytes = vec![0u8; len];
        ikev2::crypto::Rng::fill(&mut rng, &mut bytes).unwrap();
        bytes
    };

    let mut ciphers = Vec::new();
    for encr in [
        EncrAlg::AesGcm16_128,
        EncrAlg::AesGcm16_256,
        EncrAlg::ChaCha20Poly1305,
    ] {
        ciphers.push(aead(encr, &key(encr.keymat_len())));
    }
    for encr in [EncrAlg::AesCbc128, EncrAlg::AesCbc256] {
        for integ in [
            IntegAlg::HmacSha2_256_128,
            IntegAlg::HmacSha2_384_192,
            IntegAlg::HmacSha2_512_256,
        ] {
            let (k, ik) = (key(encr.key_len()), key(integ.key_len()));
            ciphers.push(cbc(encr, &k, integ, &ik));
        }
    }
    ciphers
}

fn unhex(text: &str) -> Vec<u8> {
    crypto_common::unhex(text)
}

proptest! {
    #[test]
    fn seal_then_open_round_trips(
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        aad in proptest::collection::vec(any::<u8>(), 0..64),
        seed in 1u64..,
    ) {
        for sk in all_ciphers() {
            let body = sk.seal(&aad, &plaintext, &mut TestRng(seed)).unwrap();

            prop_assert_eq!(body.len(), sk.sealed_len(plaintext.len()));
            prop_assert_eq!(sk.open(&aad, &body).unwrap(), plaintext.clone());
        }
    }

    /// Any single flipped bit, in the AAD or anywhere in the body, fails the ICV.
    #[test]
    fn any_flipped_bit_fails_open(
        plaintext in proptest::collection::vec(any::<u8>(), 0..100),
        aad in proptest::collection::vec(any::<u8>(), 1..64),
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
        seed in 1u64..,
    ) {
        for sk in all_ciphers() {
            let body = sk.seal(&aad, &plaintext, &mut TestRng(seed)).unwrap();
            let mut message = [aad.clone(), body].concat();
            let flip = position.index(message.len());
            message[flip] ^= 1 << bit;

            let (bad_aad, bad_body) = message.split_at(aad.len());
            prop_assert_eq!(sk.open(bad_aad, bad_body), Err(Error::IntegrityCheckFailed));
        }
    }
}
