//! The fixed IKE header (RFC 7296 section 3.1).

use super::error::{Error, ErrorKind, Result};
use super::types::{ExchangeType, PayloadType};
use super::wire::{put_u32, Reader};

/// Length of the IKE header in octets.
pub const HEADER_LEN: usize = 28;

/// The only IKE major version this codec speaks (RFC 7296 section 3.1).
pub const MAJOR_VERSION: u8 = 2;

/// Flags octet of the IKE header (RFC 7296 section 3.1). All eight bits
/// are kept; the reserved ones are ignored on receipt but round-trip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HeaderFlags(pub u8);

impl HeaderFlags {
    /// I(nitiator): set by the original initiator of the IKE SA.
    pub const INITIATOR: Self = Self(0x08);
    /// V(ersion): the sender can speak a higher major version.
    pub const VERSION: Self = Self(0x10);
    /// R(esponse): the message is a response.
    pub const RESPONSE: Self = Self(0x20);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// These flags plus `other`.
    #[must_use]
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

/// The IKE header minus the fields the codec derives: "Next Payload"
/// comes from the payload list and "Length" from the encoded size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Header {
    /// IKE SA Initiator's SPI.
    pub spi_i: u64,
    /// IKE SA Responder's SPI (zero in the first IKE_SA_INIT request).
    pub spi_r: u64,
    /// Minor version, 4 bits; sent as 0 and ignored on receipt.
    pub minor_version: u8,
    /// Exchange type.
    pub exchange_type: ExchangeType,
    /// Flags.
    pub flags: HeaderFlags,
    /// Message ID.
    pub message_id: u32,
}

/// The header fields the codec derives, as found on the wire.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Framing {
    pub(crate) next_payload: PayloadType,
    pub(crate) length: u32,
}

impl Header {
    /// Decodes just the header from the start of `message`, e.g. to find
    /// the IKE SA by its SPIs before decrypting; checks the major version
    /// (RFC 7296 section 2.5) but not the "Length" field.
    pub fn peek(message: &[u8]) -> Result<Self> {
        Self::read(&mut Reader::new(message)).map(|(header, _)| header)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<(Self, Framing)> {
        let spi_i = r.u64("header.spi_i")?;
        let spi_r = r.u64("header.spi_r")?;
        let next_payload = PayloadType(r.u8("header.next_payload")?);
        let version = r.u8("header.major_version")?;
        let major = version >> 4;
        if major != MAJOR_VERSION {
            let kind = ErrorKind::UnsupportedMajorVersion(major);
            return Err(Error::new("header.major_version", kind));
        }

        let header = Self {
            spi_i,
            spi_r,
            minor_version: version & 0x0f,
            exchange_type: ExchangeType(r.u8("header.exchange_type")?),
            flags: HeaderFlags(r.u8("header.flags")?),
            message_id: r.u32("header.message_id")?,
        };
        let length = r.u32("header.length")?;
        Ok((
            header,
            Framing {
                next_payload,
                length,
            },
        ))
    }

    pub(crate) fn write(&self, framing: Framing, out: &mut Vec<u8>) -> Result<()> {
        if self.minor_version > 0x0f {
            return Err(Error::new("header.minor_version", ErrorKind::InvalidValue));
        }

        out.extend_from_slice(&self.spi_i.to_be_bytes());
        out.extend_from_slice(&self.spi_r.to_be_bytes());
        out.push(framing.next_payload.0);
        out.push(MAJOR_VERSION << 4 | self.minor_version);
        out.push(self.exchange_type.0);
        out.push(self.flags.0);
        put_u32(out, self.message_id);
        put_u32(out, framing.length);
        Ok(())
    }
}

/// Checks the header's "Length" field against the octets received.
pub(crate) fn check_length(length: u32, received: usize) -> Result<()> {
    let length = usize::try_from(length).unwrap_or(usize::MAX);
    if length < HEADER_LEN {
        return Err(Error::new("header.length", ErrorKind::InvalidLength));
    }

    match length.cmp(&received) {
        std::cmp::Ordering::Greater => Err(Error::new("header.length", ErrorKind::Truncated)),
        std::cmp::Ordering::Less => Err(Error::new("header.length", ErrorKind::TrailingData)),
        std::cmp::Ordering::Equal => Ok(()),
    }
}
