//! Key derivation: SKEYSEED, the seven IKE SA secrets, rekeying and Child SA KEYMAT
//! (RFC 7296 sections 2.14, 2.17, 2.18), checked against prf/prf+ directly.
//! Cross-implementation known answers are in crypto_strongswan.rs.

mod crypto_common;

use crypto_common::TestRng;
use ikev2::crypto::{
    rekey_skeyseed, skeyseed, ChildSaKeys, CipherSuite, EncrAlg, Error, IkeSaKeys, IntegAlg,
    PrfAlg, Role, Secret,
};

const NI: &[u8] = b"initiator nonce, 32 bytes long..";
const NR: &[u8] = b"responder nonce of another length";
const SPI_I: [u8; 8] = *b"SPIi____";
const SPI_R: [u8; 8] = *b"SPIr____";
const G_IR: &[u8] = b"pretend this is a Diffie-Hellman shared secret";

fn gcm256() -> CipherSuite {
    CipherSuite::new(EncrAlg::AesGcm16_256, None).unwrap()
}

fn cbc128_sha384() -> CipherSuite {
    CipherSuite::new(EncrAlg::AesCbc128, Some(IntegAlg::HmacSha2_384_192)).unwrap()
}

/// SKEYSEED = prf(Ni | Nr, g^ir), RFC 7296 section 2.14.
#[test]
fn skeyseed_keys_the_prf_with_both_nonces() {
    let prf = PrfAlg::HmacSha2_256;
    let nonces = [NI, NR].concat();

    let seed = skeyseed(prf, NI, NR, G_IR);

    assert_eq!(seed.as_bytes(), prf.prf(&nonces, &[G_IR]).as_bytes());
}

/// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED,
/// Ni | Nr | SPIi | SPIr), in this order and with these lengths (RFC 7296 section 2.14).
#[test]
fn ike_sa_keys_are_consecutive_slices_of_prf_plus() {
    let cases = [
        (PrfAlg::HmacSha2_256, gcm256(), [32, 0, 0, 36, 36, 32, 32]),
        (
            PrfAlg::HmacSha2_512,
            cbc128_sha384(),
            [64, 48, 48, 16, 16, 64, 64],
        ),
    ];

    for (prf, suite, lens) in cases {
        let seed = Secret::from_slice(b"SKEYSEED");
        let total = lens.iter().sum();
        let keymat = prf
            .prf_plus(b"SKEYSEED", &[NI, NR, &SPI_I, &SPI_R], total)
            .unwrap();

        let keys = IkeSaKeys::derive(prf, suite, &seed, NI, NR, &SPI_I, &SPI_R).unwrap();

        let derived = [
            &keys.sk_d,
            &keys.sk_ai,
            &keys.sk_ar,
            &keys.sk_ei,
            &keys.sk_er,
            &keys.sk_pi,
            &keys.sk_pr,
        ];
        let mut offset = 0;
        for (key, len) in derived.into_iter().zip(lens) {
            assert_eq!(key.as_bytes(), &keymat.as_bytes()[offset..offset + len]);
            offset += len;
        }
    }
}

#[test]
fn from_ike_sa_init_is_skeyseed_then_derive() {
    let prf = PrfAlg::HmacSha2_384;
    let seed = skeyseed(prf, NI, NR, G_IR);
    let expected = IkeSaKeys::derive(prf, gcm256(), &seed, NI, NR, &SPI_I, &SPI_R).unwrap();

    let keys = IkeSaKeys::from_ike_sa_init(prf, gcm256(), G_IR, NI, NR, &SPI_I, &SPI_R).unwrap();

    assert_eq!(keys.sk_d.as_bytes(), expected.sk_d.as_bytes());
    assert_eq!(keys.sk_pr.as_bytes(), expected.sk_pr.as_bytes());
}

/// Rekeyed IKE SA: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's
/// PRF; the rest with the new PRF, nonces and SPIs (RFC 7296 section 2.18).
#[test]
fn rekeyed_ike_sa_uses_old_sk_d_and_old_prf() {
    let old_prf = PrfAlg::HmacSha2_512;
    let new_prf = PrfAlg::HmacSha2_256;
    let old = IkeSaKeys::from_ike_sa_init(old_prf, gcm256(), G_IR, NI, NR, &SPI_I, &SPI_R).unwrap();
    let (ni2, nr2, g_ir2) = (
        b"new Ni".as_slice(),
        b"new Nr".as_slice(),
        b"new g^ir".as_slice(),
    );
    let (spi_i2, spi_r2) = (*b"newSPIi_", *b"newSPIr_");

    let new = old
        .rekey(new_prf, cbc128_sha384(), g_ir2, ni2, nr2, &spi_i2, &spi_r2)
        .unwrap();

    let seed = old_prf.prf(old.sk_d.as_bytes(), &[g_ir2, ni2, nr2]);
    let expected =
        IkeSaKeys::derive(new_prf, cbc128_sha384(), &seed, ni2, nr2, &spi_i2, &spi_r2).unwrap();
    assert_eq!(
        rekey_skeyseed(old_prf, &old.sk_d, g_ir2, ni2, nr2).as_bytes(),
        seed.as_bytes()
    );
    assert_eq!(new.sk_d.as_bytes(), expected.sk_d.as_bytes());
    assert_eq!(new.sk_ai.as_bytes(), expected.sk_ai.as_bytes());
    assert_eq!(new.sk_er.as_bytes(), expected.sk_er.as_bytes());
    assert_eq!(new.prf(), new_prf);
    assert_ne!(new.sk_d.as_bytes(), old.sk_d.as_bytes());
}

/// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); initiator-to-responder keys first,
/// encryption key before integrity key (RFC 7296 section 2.17).
#[test]
fn child_sa_keymat_order_and_lengths() {
    let prf = PrfAlg::HmacSha2_256;
    let sk_d = Secret::from_slice(b"SK_d");
    let cases: [(CipherSuite, Option<&[u8]>, usize, usize); 3] = [
        (gcm256(), None, 36, 0),
        (gcm256(), Some(G_IR), 36, 0),
        (cbc128_sha384(), Some(G_IR), 16, 48),
    ];

    for (suite, g_ir, e, a) in cases {
        let seed = [g_ir.unwrap_or_default(), NI, NR].concat();
        let keymat = prf.prf_plus(b"SK_d", &[&seed], 2 * (e + a)).unwrap();
        let k = keymat.as_bytes();

        let keys = ChildSaKeys::derive(prf, &sk_d, suite, g_ir, NI, NR).unwrap();

        let (i2r, r2i) = (&keys.initiator_to_responder, &keys.responder_to_initiator);
        assert_eq!(i2r.encr.as_bytes(), &k[..e]);
        assert_eq!(i2r.integ.as_bytes(), &k[e..e + a]);
        assert_eq!(r2i.encr.as_bytes(), &k[e + a..2 * e + a]);
        assert_eq!(r2i.integ.as_bytes(), &k[2 * e + a..]);
    }
}

/// Messages from the initiator are protected with SK_ei/SK_ai, from the responder with
/// SK_er/SK_ar (RFC 7296 section 2.14).
#[test]
fn sk_cipher_per_sender_uses_that_senders_keys() {
    let suite = cbc128_sha384();
    let keys =
        IkeSaKeys::from_ike_sa_init(PrfAlg::HmacSha2_256, suite, G_IR, NI, NR, &SPI_I, &SPI_R)
            .unwrap();
    let by_hand =
        ikev2::crypto::SkCipher::new(suite, keys.sk_ei.as_bytes(), keys.sk_ai.as_bytes()).unwrap();

    let body = by_hand.seal(b"aad", b"inner", &mut TestRng(3)).unwrap();

    let from_initiator = keys.sk_cipher(Role::Initiator).unwrap();
    let from_responder = keys.sk_cipher(Role::Responder).unwrap();
    assert_eq!(from_initiator.open(b"aad", &body).unwrap(), b"inner");
    assert!(from_responder.open(b"aad", &body).is_err());
    assert_eq!(keys.sk_p(Role::Responder).as_bytes(), keys.sk_pr.as_bytes());
}

#[test]
fn debug_of_ike_sa_keys_shows_no_key_bytes() {
    let keys =
        IkeSaKeys::from_ike_sa_init(PrfAlg::HmacSha2_256, gcm256(), G_IR, NI, NR, &SPI_I, &SPI_R)
            .unwrap();

    let debug = format!("{keys:?}");
    let first_byte = format!("{}", keys.sk_d.as_bytes()[0]);

    assert!(debug.contains("redacted"));
    assert!(!debug.contains(&format!("[{first_byte},")), "{debug}");
}

#[test]
fn child_sa_keys_of_an_ike_sa_use_its_prf_and_sk_d() {
    let prf = PrfAlg::HmacSha2_384;
    let ike = IkeSaKeys::from_ike_sa_init(prf, gcm256(), G_IR, NI, NR, &SPI_I, &SPI_R).unwrap();
    let esp = cbc128_sha384();

    let keys = ike.child_sa_keys(esp, None, b"Ni2", b"Nr2").unwrap();

    let expected = ChildSaKeys::derive(prf, &ike.sk_d, esp, None, b"Ni2", b"Nr2").unwrap();
    let (got, want) = (
        &keys.responder_to_initiator,
        &expected.responder_to_initiator,
    );
    assert_eq!(got.integ.as_bytes(), want.integ.as_bytes());
    assert_eq!(got.encr.len(), 16);
}

#[test]
fn cipher_suite_from_negotiated_ids() {
    let gcm = CipherSuite::from_ids(20, Some(256), None).unwrap();
    let cbc = CipherSuite::from_ids(12, Some(128), Some(13)).unwrap();
    let unknown_encr = CipherSuite::from_ids(3, None, Some(12)).unwrap_err();
    let unknown_integ = CipherSuite::from_ids(12, Some(256), Some(2)).unwrap_err();

    assert_eq!(gcm, gcm256());
    assert_eq!(cbc, cbc128_sha384());
    assert_eq!(
        unknown_encr,
        Error::UnsupportedTransform {
            transform_type: 1,
            id: 3
        }
    );
    assert_eq!(
        unknown_integ,
        Error::UnsupportedTransform {
            transform_type: 3,
            id: 2
        }
    );
    assert_eq!(unknown_integ.notify_type(), Some(14));
}
