//! The one error type of the crypto layer and its mapping to IKEv2 notify types.

use core::fmt;

use super::alg::DhGroup;

/// Notify type INVALID_SYNTAX (RFC 7296 section 3.10.1).
pub const NOTIFY_INVALID_SYNTAX: u16 = 7;

/// Notify type NO_PROPOSAL_CHOSEN (RFC 7296 section 3.10.1).
pub const NOTIFY_NO_PROPOSAL_CHOSEN: u16 = 14;

/// Notify type INVALID_KE_PAYLOAD (RFC 7296 section 3.10.1).
pub const NOTIFY_INVALID_KE_PAYLOAD: u16 = 17;

/// Notify type AUTHENTICATION_FAILED (RFC 7296 section 3.10.1).
pub const NOTIFY_AUTHENTICATION_FAILED: u16 = 24;

/// Everything that can go wrong in the crypto layer.
///
/// Variants that are the peer's fault map to the notify type to answer with
/// ([`Error::notify_type`]); integrity failures must be dropped without an answer
/// ([`Error::is_silent_drop`], RFC 7296 section 2.21).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A transform this layer does not implement (transform type, transform ID).
    UnsupportedTransform {
        /// IANA transform type (1 ENCR, 2 PRF, 3 INTEG, 4 KE).
        transform_type: u8,
        /// IANA transform ID.
        id: u16,
    },
    /// ENCR is AEAD but INTEG was given, or ENCR is not AEAD and INTEG is missing
    /// (RFC 5282, RFC 7296 section 3.3.3).
    InvalidTransformCombination,
    /// KE payload data whose length does not match the group (RFC 7296 section 3.4).
    InvalidKeLength {
        /// The group the local key exchange uses.
        group: DhGroup,
        /// Length the group requires.
        expected: usize,
        /// Length received.
        actual: usize,
    },
    /// KE payload data that is no valid public value: out of range for MODP, not on the
    /// curve for ECP, or giving an all-zero secret for Curve25519.
    InvalidKeValue {
        /// The group the local key exchange uses.
        group: DhGroup,
    },
    /// The peer's KE payload names another group than ours (RFC 7296 section 1.2).
    KeGroupMismatch {
        /// The group the local key exchange uses.
        ours: DhGroup,
        /// The Diffie-Hellman group number the peer sent.
        theirs: u16,
    },
    /// A private value handed to [`KeyExchange::from_private`](super::KeyExchange::from_private)
    /// that is out of range for the group.
    InvalidPrivateKey,
    /// The ICV of an SK payload did not verify, or the body is too short to hold one.
    IntegrityCheckFailed,
    /// An authenticated SK payload whose ciphertext length or Pad Length is malformed.
    InvalidSkPayload,
    /// The AUTH payload does not match (RFC 7296 section 2.15).
    AuthenticationFailed,
    /// The AUTH payload uses another method than the configured authenticator.
    AuthMethodMismatch {
        /// Method of the configured authenticator.
        expected: u8,
        /// Method found in the AUTH payload.
        actual: u8,
    },
    /// Key material of the wrong length for the algorithm.
    InvalidKeyLength {
        /// Required length.
        expected: usize,
        /// Given length.
        actual: usize,
    },
    /// prf+ was asked for more than 255 output blocks (RFC 7296 section 2.13).
    PrfPlusTooLong {
        /// Bytes requested.
        requested: usize,
        /// Most bytes prf+ can produce with this PRF.
        max: usize,
    },
    /// The random number generator failed.
    Rng,
    /// The underlying cryptographic library refused an operation that should not fail.
    Internal,
}

impl Error {
    /// The IKEv2 notify type to report for this error, if it is the peer's fault and
    /// worth an answer. `None` for local errors and for errors that are dropped silently.
    pub fn notify_type(&self) -> Option<u16> {
        match self {
            Error::UnsupportedTransform { .. } | Error::InvalidTransformCombination => {
                Some(NOTIFY_NO_PROPOSAL_CHOSEN)
            }
            Error::InvalidKeLength { .. } | Error::InvalidKeValue { .. } => {
                Some(NOTIFY_INVALID_SYNTAX)
            }
            Error::KeGroupMismatch { .. } => Some(NOTIFY_INVALID_KE_PAYLOAD),
            Error::InvalidSkPayload => Some(NOTIFY_INVALID_SYNTAX),
            Error::AuthenticationFailed | Error::AuthMethodMismatch { .. } => {
                Some(NOTIFY_AUTHENTICATION_FAILED)
            }
            _ => None,
        }
    }

    /// True when the message must be discarded without any response: a failed integrity
    /// check on an SK payload (RFC 7296 section 2.21). The state machine counts these.
    pub fn is_silent_drop(&self) -> bool {
        matches!(self, Error::IntegrityCheckFailed)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedTransform { transform_type, id } => {
                write!(f, "unsupported transform type {transform_type} id {id}")
            }
            Error::InvalidTransformCombination => {
                f.write_str("AEAD cipher with integrity algorithm, or plain cipher without")
            }
            Error::InvalidKeLength {
                group,
                expected,
                actual,
            } => write!(
                f,
                "KE data for {group:?} is {actual} bytes, expected {expected}"
            ),
            Error::InvalidKeValue { group } => write!(f, "invalid KE public value for {group:?}"),
            Error::KeGroupMismatch { ours, theirs } => {
                write!(f, "peer used DH group {theirs}, we use {ours:?}")
            }
            Error::InvalidPrivateKey => f.write_str("private key out of range for the group"),
            Error::IntegrityCheckFailed => f.write_str("SK payload integrity check failed"),
            Error::InvalidSkPayload => f.write_str("malformed SK payload padding or length"),
            Error::AuthenticationFailed => f.write_str("AUTH payload mismatch"),
            Error::AuthMethodMismatch { expected, actual } => {
                write!(f, "auth method {actual}, expected {expected}")
            }
            Error::InvalidKeyLength { expected, actual } => {
                write!(f, "key is {actual} bytes, expected {expected}")
            }
            Error::PrfPlusTooLong { requested, max } => {
                write!(f, "prf+ asked for {requested} bytes, at most {max}")
            }
            Error::Rng => f.write_str("random number generator failed"),
            Error::Internal => f.write_str("internal cryptographic library error"),
        }
    }
}

impl std::error::Error for Error {}
