//! The cryptography of IKEv2 (RFC 7296): algorithm identifiers, prf/prf+, key
//! derivation, Diffie-Hellman, SK payload protection and AUTH computation.
//!
//! Everything here works on byte slices and is independent of the message codec: the
//! state machine hands in nonces, SPIs, KE data, the bytes before an SK payload's IV
//! and the like. Key material lives in [`Secret`]s, which are wiped when dropped and
//! redacted in `Debug`. Randomness comes from an injected [`Rng`].
//!
//! Typical use by the state machine:
//! 1. [`KeyExchange::generate`] for our KE payload, [`KeyExchange::shared_secret`] with
//!    the peer's;
//! 2. [`IkeSaKeys::from_ike_sa_init`] for the SA's keys, [`IkeSaKeys::sk_cipher`] to
//!    [`SkCipher::seal`] and [`SkCipher::open`] SK payloads;
//! 3. [`signed_octets`] and a [`PskAuthenticator`] for the AUTH payloads;
//! 4. [`ChildSaKeys::derive`] for the ESP keys, [`IkeSaKeys::rekey`] for a rekeyed SA.

mod alg;
mod auth;
mod dh;
mod error;
mod keys;
mod prf;
mod rng;
mod secret;
mod sk;

pub use alg::{
    CipherSuite, DhGroup, EncrAlg, IntegAlg, PrfAlg, TRANSFORM_TYPE_ENCR, TRANSFORM_TYPE_INTEG,
    TRANSFORM_TYPE_KE, TRANSFORM_TYPE_PRF,
};
pub use auth::{signed_octets, Authenticator, PskAuthenticator, AUTH_METHOD_SHARED_KEY};
pub use dh::KeyExchange;
pub use error::{
    Error, NOTIFY_AUTHENTICATION_FAILED, NOTIFY_INVALID_KE_PAYLOAD, NOTIFY_INVALID_SYNTAX,
    NOTIFY_NO_PROPOSAL_CHOSEN,
};
pub use keys::{rekey_skeyseed, skeyseed, ChildSaKeys, EspKeys, IkeSaKeys, Role};
pub use rng::{Rng, SystemRng};
pub use secret::Secret;
pub use sk::SkCipher;
