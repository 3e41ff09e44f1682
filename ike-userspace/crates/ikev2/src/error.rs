//! The one error type of the exchange layer and the notification each
//! error should cause (RFC 7296 sections 2.21 and 3.10.1).

use std::fmt;

use crate::codec::{self, Notify, NotifyType, PayloadType};
use crate::crypto;

/// Everything that can end an exchange, an IKE SA or a command.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The message does not decode (INVALID_SYNTAX, INVALID_MAJOR_VERSION
    /// or UNSUPPORTED_CRITICAL_PAYLOAD, see [`codec::Error::notify`]).
    Codec(codec::Error),
    /// A cryptographic operation failed or the peer's KE/AUTH is invalid.
    Crypto(crypto::Error),
    /// A payload the exchange requires is missing, duplicated or
    /// malformed: names what (INVALID_SYNTAX).
    InvalidSyntax(&'static str),
    /// No proposal of the peer is acceptable (NO_PROPOSAL_CHOSEN).
    NoProposalChosen,
    /// The peer's KE payload is for another group than the selected one:
    /// `group` is the one to ask for (INVALID_KE_PAYLOAD, section 1.2).
    InvalidKePayload {
        /// The D-H group the responder selected.
        group: u16,
    },
    /// The peer's identity or AUTH payload is not acceptable
    /// (AUTHENTICATION_FAILED, section 2.21.2).
    AuthenticationFailed,
    /// The traffic selectors do not intersect with ours (TS_UNACCEPTABLE).
    TsUnacceptable,
    /// A REKEY_SA or Delete names a Child SA we do not have
    /// (CHILD_SA_NOT_FOUND, RFC 7296 section 3.10.1).
    ChildSaNotFound,
    /// The IKE SA is being rekeyed or deleted and takes no new Child SAs
    /// (TEMPORARY_FAILURE, section 2.25).
    TemporaryFailure,
    /// The peer answered with this error notification.
    PeerError(NotifyType),
    /// The peer did not answer within the retransmission schedule.
    Timeout,
    /// The command does not fit the IKE SA's state (local error).
    InvalidState(&'static str),
    /// No such IKE SA or Child SA (local error).
    NotFound,
    /// The SPI allocator failed (local error).
    SpiAllocation,
}

impl Error {
    /// The error notification to send the peer in the response, or `None`
    /// for errors that are not the peer's fault or get no answer.
    pub fn notify(&self) -> Option<Notify> {
        let (notify_type, data) = match self {
            Error::Codec(e) => return e.notify(),
            Error::Crypto(e) => (NotifyType(e.notify_type()?), vec![]),
            Error::InvalidSyntax(_) => (NotifyType::INVALID_SYNTAX, vec![]),
            Error::NoProposalChosen => (NotifyType::NO_PROPOSAL_CHOSEN, vec![]),
            Error::InvalidKePayload { group } => {
                (NotifyType::INVALID_KE_PAYLOAD, group.to_be_bytes().to_vec())
            }
            Error::AuthenticationFailed => (NotifyType::AUTHENTICATION_FAILED, vec![]),
            Error::TsUnacceptable => (NotifyType::TS_UNACCEPTABLE, vec![]),
            Error::ChildSaNotFound => (NotifyType::CHILD_SA_NOT_FOUND, vec![]),
            Error::TemporaryFailure => (NotifyType::TEMPORARY_FAILURE, vec![]),
            _ => return None,
        };

        Some(Notify::new(notify_type, data))
    }

    /// The notify type an error ends with on either side: what we send for
    /// the peer's faults, what the peer sent for [`Error::PeerError`].
    pub fn notify_type(&self) -> Option<NotifyType> {
        match self {
            Error::PeerError(t) => Some(*t),
            _ => self.notify().map(|n| n.notify_type),
        }
    }

    /// Whether this is an unsupported critical payload (the codec error
    /// for it comes from [`codec::check_critical`]).
    pub fn unsupported_critical(&self) -> Option<PayloadType> {
        match self {
            Error::Codec(e) => match e.kind {
                codec::ErrorKind::UnsupportedCriticalPayload(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
}

impl From<codec::Error> for Error {
    fn from(e: codec::Error) -> Self {
        Error::Codec(e)
    }
}

impl From<crypto::Error> for Error {
    fn from(e: crypto::Error) -> Self {
        match e {
            crypto::Error::AuthenticationFailed | crypto::Error::AuthMethodMismatch { .. } => {
                Error::AuthenticationFailed
            }
            other => Error::Crypto(other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Codec(e) => write!(f, "malformed message: {e}"),
            Error::Crypto(e) => write!(f, "crypto: {e}"),
            Error::InvalidSyntax(what) => write!(f, "invalid syntax: {what}"),
            Error::NoProposalChosen => f.write_str("no proposal chosen"),
            Error::InvalidKePayload { group } => {
                write!(f, "invalid KE payload, want group {group}")
            }
            Error::AuthenticationFailed => f.write_str("authentication failed"),
            Error::TsUnacceptable => f.write_str("traffic selectors unacceptable"),
            Error::ChildSaNotFound => f.write_str("Child SA not found"),
            Error::TemporaryFailure => f.write_str("temporary failure"),
            Error::PeerError(t) => write!(f, "peer sent error notify {t:?}"),
            Error::Timeout => f.write_str("peer did not respond"),
            Error::InvalidState(what) => write!(f, "invalid state: {what}"),
            Error::NotFound => f.write_str("no such SA"),
            Error::SpiAllocation => f.write_str("SPI allocation failed"),
        }
    }
}

impl std::error::Error for Error {}

/// Result type of the exchange layer.
pub type Result<T> = std::result::Result<T, Error>;
