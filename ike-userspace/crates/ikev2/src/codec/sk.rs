//! Encrypted payloads: SK (RFC 7296 section 3.14) and SKF (RFC 7383
//! section 2.5), kept as ciphertext for the crypto layer.

use super::error::Result;
use super::types::PayloadType;
use super::wire::{put_u16, Reader};

/// Encrypted and Authenticated payload (section 3.14): always the last
/// payload of a message; its "Next Payload" field names the first payload
/// inside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encrypted {
    /// Type of the first inner payload (the SK header's "Next Payload").
    pub first_inner: PayloadType,
    /// Initialization Vector, encrypted payloads, padding, pad length and
    /// integrity checksum, exactly as on the wire.
    pub body: Vec<u8>,
}

/// Encrypted and Authenticated Fragment payload (RFC 7383 section 2.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncryptedFragment {
    /// Type of the first inner payload in fragment 1, 0 in the others.
    pub first_inner: PayloadType,
    /// Fragment Number, starting at 1.
    pub number: u16,
    /// Total Fragments.
    pub total: u16,
    /// IV, encrypted content and ICV, as on the wire.
    pub body: Vec<u8>,
}

impl EncryptedFragment {
    pub(crate) const MIN_BODY: usize = 4;

    pub(crate) fn decode(first_inner: PayloadType, body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let number = r.u16("skf.fragment_number")?;
        let total = r.u16("skf.total_fragments")?;
        Ok(Self {
            first_inner,
            number,
            total,
            body: r.rest().to_vec(),
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.number);
        put_u16(out, self.total);
        out.extend_from_slice(&self.body);
    }
}
