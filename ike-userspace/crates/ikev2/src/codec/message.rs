//! Whole IKE messages: header plus payload chain (RFC 7296 section 3).

use super::error::{Error, ErrorKind, Result};
use super::header::{check_length, Framing, Header, HEADER_LEN};
use super::payload::{
    decode_chain, encode_chain, first_unsupported_critical, Payload, PayloadBody,
};
use super::sk::Encrypted;
use super::types::PayloadType;
use super::wire::{fit, Reader};

/// An IKE message (RFC 7296 section 3): the payloads after an SK payload
/// stay encrypted inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The IKE header.
    pub header: Header,
    /// The payloads in order; an SK or SKF payload can only be last.
    pub payloads: Vec<Payload>,
}

/// An encoded message cut where the SK (or SKF) payload's body starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptedParts<'a> {
    /// IKE header through the SK generic header (for SKF, through Total
    /// Fragments): the AEAD associated data (RFC 5282 section 5.1, RFC 7383
    /// section 2.5) and the start of what the ICV covers.
    pub authenticated: &'a [u8],
    /// IV, ciphertext and ICV.
    pub body: &'a [u8],
}

impl Message {
    /// Decodes one IKE message (without the non-ESP marker of port 4500).
    /// Unknown payloads are kept raw; see [`Message::first_unsupported_critical`].
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let (header, framing) = Header::read(&mut r)?;
        check_length(framing.length, bytes.len())?;

        let payloads = decode_chain(framing.next_payload, r.rest())?;
        Ok(Self { header, payloads })
    }

    /// Encodes the message, deriving "Next Payload" and "Length" fields.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let (next_payload, body) = encode_chain(&self.payloads)?;
        let length = fit(HEADER_LEN + body.len(), "header.length")?;

        let mut out = Vec::with_capacity(HEADER_LEN + body.len());
        self.header.write(
            Framing {
                next_payload,
                length,
            },
            &mut out,
        )?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// The SK payload, if the message ends with one.
    pub fn encrypted(&self) -> Option<&Encrypted> {
        match self.payloads.last().map(|p| &p.body) {
            Some(PayloadBody::Sk(sk)) => Some(sk),
            _ => None,
        }
    }

    /// The first unknown payload type with the critical bit set (RFC 7296
    /// section 2.5); answer with UNSUPPORTED_CRITICAL_PAYLOAD.
    pub fn first_unsupported_critical(&self) -> Option<PayloadType> {
        first_unsupported_critical(&self.payloads)
    }
}

/// Splits an encoded message whose last payload is SK or SKF into the
/// authenticated prefix and the encrypted body, for the crypto layer.
pub fn encrypted_parts(bytes: &[u8]) -> Result<EncryptedParts<'_>> {
    let message = Message::decode(bytes)?;
    let body_len = match message.payloads.last().map(|p| &p.body) {
        Some(PayloadBody::Sk(sk)) => sk.body.len(),
        Some(PayloadBody::Skf(skf)) => skf.body.len(),
        _ => return Err(Error::new("sk", ErrorKind::InvalidValue)),
    };

    let split = bytes.len().saturating_sub(body_len);
    let (authenticated, body) = bytes.split_at(split);
    Ok(EncryptedParts {
        authenticated,
        body,
    })
}
