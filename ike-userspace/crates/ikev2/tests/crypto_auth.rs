//! PSK authentication (RFC 7296 section 2.15). The cross-implementation known answer
//! (strongSwan's AUTH payloads) is in crypto_strongswan.rs.

use ikev2::crypto::{
    signed_octets, Authenticator, Error, PrfAlg, PskAuthenticator, Secret, AUTH_METHOD_SHARED_KEY,
};
use ring::hmac;

const PSK: &[u8] = b"correct horse battery staple";

/// HMAC computed with ring directly, independent of `PrfAlg::prf`.
fn hmac_sha384(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA384, key), data)
        .as_ref()
        .to_vec()
}

/// <SignedOctets> = RealMessage | NonceData | prf(SK_p, IDType | RESERVED | IDData).
#[test]
fn signed_octets_layout() {
    let sk_pi = Secret::from_slice(b"SK_pi");
    let id = b"\x03\x00\x00\x00initiator@example.org";

    let octets = signed_octets(PrfAlg::HmacSha2_384, b"message 1", b"Nr", &sk_pi, id);

    let expected = [b"message 1".as_slice(), b"Nr", &hmac_sha384(b"SK_pi", id)].concat();
    assert_eq!(octets, expected);
}

/// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>).
#[test]
fn psk_auth_is_prf_of_padded_key() {
    let auth = PskAuthenticator::new(PrfAlg::HmacSha2_384, PSK);

    let data = auth.sign(b"signed octets").unwrap();

    let pad_key = hmac_sha384(PSK, b"Key Pad for IKEv2");
    assert_eq!(data, hmac_sha384(&pad_key, b"signed octets"));
    assert_eq!(auth.method(), AUTH_METHOD_SHARED_KEY);
}

#[test]
fn psk_verify_accepts_only_the_right_value() {
    let auth = PskAuthenticator::new(PrfAlg::HmacSha2_256, PSK);
    let other = PskAuthenticator::new(PrfAlg::HmacSha2_256, b"another key");
    let good = auth.sign(b"octets").unwrap();
    let mut flipped = good.clone();
    flipped[31] ^= 1;

    assert!(auth.verify(b"octets", &good).is_ok());
    assert_eq!(
        auth.verify(b"octets", &flipped),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(
        auth.verify(b"octets", &good[..16]),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(
        auth.verify(b"octets!", &good),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(
        other.verify(b"octets", &good),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(
        auth.verify(b"octets", &flipped).unwrap_err().notify_type(),
        Some(24)
    );
}

#[test]
fn verify_payload_checks_the_auth_method() {
    let auth = PskAuthenticator::new(PrfAlg::HmacSha2_512, PSK);
    let good = auth.sign(b"octets").unwrap();

    let rsa = auth.verify_payload(1, b"octets", &good).unwrap_err();

    assert!(auth.verify_payload(2, b"octets", &good).is_ok());
    assert_eq!(
        rsa,
        Error::AuthMethodMismatch {
            expected: 2,
            actual: 1
        }
    );
    assert_eq!(rsa.notify_type(), Some(24));
}

#[test]
fn psk_authenticator_debug_hides_the_key() {
    let auth = PskAuthenticator::new(PrfAlg::HmacSha2_256, PSK);

    let debug = format!("{auth:?}");

    assert!(debug.contains("redacted"), "{debug}");
    assert!(!debug.contains("horse"), "{debug}");
}
