//! Errors of the message codec and the notification each one should cause.

use std::fmt;

use super::payloads::Notify;
use super::types::{NotifyType, PayloadType, ProtocolId};

/// What went wrong with a field.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The data ends before the field does (or a length field points past the end).
    Truncated,
    /// Octets are left over after the structure that should have ended there.
    TrailingData,
    /// A length field is smaller than the fixed part it covers, or wrong for the type.
    InvalidLength,
    /// The field holds a value the layout forbids (e.g. a bad "last substruc").
    InvalidValue,
    /// The IKE header's major version is not 2 (RFC 7296 section 2.5).
    UnsupportedMajorVersion(u8),
    /// A payload the receiver does not understand has the critical bit set
    /// (RFC 7296 section 2.5).
    UnsupportedCriticalPayload(PayloadType),
    /// Encoding only: a value does not fit its length or count field.
    TooLong,
}

/// A decoding or encoding error naming the field at fault, e.g.
/// `proposal.spi_size: truncated`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// Dotted name of the field, `structure.field` after RFC 7296 section 3.
    pub field: &'static str,
    /// What is wrong with it.
    pub kind: ErrorKind,
}

/// Result type of the codec.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn new(field: &'static str, kind: ErrorKind) -> Self {
        Self { field, kind }
    }

    /// The error notification a receiver should answer with (RFC 7296
    /// section 3.10.1), or `None` for errors that only encoding produces.
    ///
    /// Malformed messages map to INVALID_SYNTAX, a wrong major version to
    /// INVALID_MAJOR_VERSION (no data; the reply header carries version 2)
    /// and an unknown critical payload to UNSUPPORTED_CRITICAL_PAYLOAD with
    /// the one-octet payload type as data. Whether to answer at all (e.g. not
    /// to unauthenticated IKE_SA_INIT requests) is the state machine's call.
    pub fn notify(&self) -> Option<Notify> {
        let (notify_type, data) = match self.kind {
            ErrorKind::TooLong => return None,
            ErrorKind::UnsupportedMajorVersion(_) => (NotifyType::INVALID_MAJOR_VERSION, vec![]),
            ErrorKind::UnsupportedCriticalPayload(t) => {
                (NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD, vec![t.0])
            }
            _ => (NotifyType::INVALID_SYNTAX, vec![]),
        };

        Some(Notify {
            protocol: ProtocolId::NONE,
            notify_type,
            spi: vec![],
            data,
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("truncated"),
            Self::TrailingData => f.write_str("trailing data"),
            Self::InvalidLength => f.write_str("invalid length"),
            Self::InvalidValue => f.write_str("invalid value"),
            Self::UnsupportedMajorVersion(v) => write!(f, "unsupported major version {v}"),
            Self::UnsupportedCriticalPayload(t) => write!(f, "unsupported critical payload {t:?}"),
            Self::TooLong => f.write_str("too long to encode"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

impl std::error::Error for Error {}
