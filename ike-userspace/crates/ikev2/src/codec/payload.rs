//! The generic payload header and payload chains (RFC 7296 section 3.2).

use super::cp::Configuration;
use super::error::{Error, ErrorKind, Result};
use super::payloads::{
    Authentication, Certificate, CertificateRequest, Delete, Eap, Identification, KeyExchange,
    Nonce, Notify, VendorId,
};
use super::sa::Sa;
use super::sk::{Encrypted, EncryptedFragment};
use super::ts::TrafficSelectors;
use super::types::PayloadType;
use super::wire::{patch_len16, reserve_len16, Reader};

/// Length of the generic payload header.
const GENERIC_HEADER_LEN: usize = 4;

/// Second octet of the generic payload header: the critical bit and seven
/// RESERVED bits, all kept so that payloads round-trip (section 3.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PayloadFlags(pub u8);

impl PayloadFlags {
    /// C(ritical): reject the message if the payload type is not understood.
    pub const CRITICAL: Self = Self(0x80);

    /// Whether the critical bit is set.
    pub fn is_critical(self) -> bool {
        self.0 & Self::CRITICAL.0 != 0
    }
}

/// One payload: its header flags and its typed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    /// Critical bit and reserved bits of the generic header.
    pub flags: PayloadFlags,
    /// The body, whose variant fixes the payload type.
    pub body: PayloadBody,
}

/// Payload bodies by type (RFC 7296 section 3.2 list, plus RFC 7383 SKF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadBody {
    /// SA (section 3.3).
    Sa(Sa),
    /// KE (section 3.4).
    Ke(KeyExchange),
    /// IDi (section 3.5).
    IdI(Identification),
    /// IDr (section 3.5).
    IdR(Identification),
    /// CERT (section 3.6).
    Cert(Certificate),
    /// CERTREQ (section 3.7).
    CertReq(CertificateRequest),
    /// AUTH (section 3.8).
    Auth(Authentication),
    /// Ni, Nr (section 3.9).
    Nonce(Nonce),
    /// N (section 3.10).
    Notify(Notify),
    /// D (section 3.11).
    Delete(Delete),
    /// V (section 3.12).
    VendorId(VendorId),
    /// TSi (section 3.13).
    TsI(TrafficSelectors),
    /// TSr (section 3.13).
    TsR(TrafficSelectors),
    /// SK (section 3.14): must be last in its chain.
    Sk(Encrypted),
    /// CP (section 3.15).
    Cp(Configuration),
    /// EAP (section 3.16).
    Eap(Eap),
    /// SKF (RFC 7383 section 2.5): must be last in its chain.
    Skf(EncryptedFragment),
    /// A payload type this codec does not know, kept raw (section 2.5).
    Unknown {
        /// The payload type: never one of [`PayloadType::KNOWN`].
        payload_type: PayloadType,
        /// The body after the generic header.
        body: Vec<u8>,
    },
}

impl Payload {
    /// A non-critical payload with all reserved bits clear.
    pub fn new(body: PayloadBody) -> Self {
        Self {
            flags: PayloadFlags::default(),
            body,
        }
    }

    /// The payload type this payload is sent as.
    pub fn payload_type(&self) -> PayloadType {
        self.body.payload_type()
    }

    /// Reads one payload of type `payload_type`; also returns the generic
    /// header's "Next Payload" field.
    fn read(payload_type: PayloadType, r: &mut Reader<'_>) -> Result<(Self, PayloadType)> {
        let next = PayloadType(r.u8("payload.next_payload")?);
        let flags = PayloadFlags(r.u8("payload.flags")?);
        let min = GENERIC_HEADER_LEN + PayloadBody::min_len(payload_type);
        let mut body = r.length_prefixed(GENERIC_HEADER_LEN, min, "payload.length")?;

        let body = PayloadBody::decode(payload_type, next, body.rest())?;
        Ok((Self { flags, body }, next))
    }

    /// Appends this payload with `next` in its "Next Payload" field (SK
    /// and SKF put their first inner type there instead).
    fn write(&self, next: PayloadType, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        out.push(self.body.first_inner().unwrap_or(next).0);
        out.push(self.flags.0);
        let length_at = reserve_len16(out);

        self.body.encode(out)?;
        patch_len16(out, start, length_at, "payload.length")
    }
}

impl PayloadBody {
    /// The payload type of this body.
    pub fn payload_type(&self) -> PayloadType {
        match self {
            Self::Sa(_) => PayloadType::SA,
            Self::Ke(_) => PayloadType::KE,
            Self::IdI(_) => PayloadType::IDI,
            Self::IdR(_) => PayloadType::IDR,
            Self::Cert(_) => PayloadType::CERT,
            Self::CertReq(_) => PayloadType::CERTREQ,
            Self::Auth(_) => PayloadType::AUTH,
            Self::Nonce(_) => PayloadType::NONCE,
            Self::Notify(_) => PayloadType::NOTIFY,
            Self::Delete(_) => PayloadType::DELETE,
            Self::VendorId(_) => PayloadType::VENDOR_ID,
            Self::TsI(_) => PayloadType::TSI,
            Self::TsR(_) => PayloadType::TSR,
            Self::Sk(_) => PayloadType::SK,
            Self::Cp(_) => PayloadType::CP,
            Self::Eap(_) => PayloadType::EAP,
            Self::Skf(_) => PayloadType::SKF,
            Self::Unknown { payload_type, .. } => *payload_type,
        }
    }

    /// For SK and SKF, the type of the first inner payload.
    fn first_inner(&self) -> Option<PayloadType> {
        match self {
            Self::Sk(sk) => Some(sk.first_inner),
            Self::Skf(skf) => Some(skf.first_inner),
            _ => None,
        }
    }

    /// Smallest body the type's fixed fields fit in.
    fn min_len(payload_type: PayloadType) -> usize {
        match payload_type {
            PayloadType::SA => 8,
            PayloadType::KE => KeyExchange::MIN_BODY,
            PayloadType::IDI | PayloadType::IDR => Identification::MIN_BODY,
            PayloadType::CERT => Certificate::MIN_BODY,
            PayloadType::CERTREQ => CertificateRequest::MIN_BODY,
            PayloadType::AUTH => Authentication::MIN_BODY,
            PayloadType::NOTIFY => Notify::MIN_BODY,
            PayloadType::DELETE => Delete::MIN_BODY,
            PayloadType::TSI | PayloadType::TSR => TrafficSelectors::MIN_BODY,
            PayloadType::CP => Configuration::MIN_BODY,
            PayloadType::SKF => EncryptedFragment::MIN_BODY,
            _ => 0,
        }
    }

    fn decode(payload_type: PayloadType, next: PayloadType, body: &[u8]) -> Result<Self> {
        let decoded = match payload_type {
            PayloadType::SA => Self::Sa(Sa::decode(body)?),
            PayloadType::KE => Self::Ke(KeyExchange::decode(body)?),
            PayloadType::IDI => Self::IdI(Identification::decode(body)?),
            PayloadType::IDR => Self::IdR(Identification::decode(body)?),
            PayloadType::CERT => Self::Cert(Certificate::decode(body)?),
            PayloadType::CERTREQ => Self::CertReq(CertificateRequest::decode(body)?),
            PayloadType::AUTH => Self::Auth(Authentication::decode(body)?),
            PayloadType::NONCE => Self::Nonce(Nonce {
                data: body.to_vec(),
            }),
            PayloadType::NOTIFY => Self::Notify(Notify::decode(body)?),
            PayloadType::DELETE => Self::Delete(Delete::decode(body)?),
            PayloadType::VENDOR_ID => Self::VendorId(VendorId {
                data: body.to_vec(),
            }),
            PayloadType::TSI => Self::TsI(TrafficSelectors::decode(body)?),
            PayloadType::TSR => Self::TsR(TrafficSelectors::decode(body)?),
            PayloadType::SK => Self::Sk(Encrypted {
                first_inner: next,
                body: body.to_vec(),
            }),
            PayloadType::CP => Self::Cp(Configuration::decode(body)?),
            PayloadType::EAP => Self::Eap(Eap {
                message: body.to_vec(),
            }),
            PayloadType::SKF => Self::Skf(EncryptedFragment::decode(next, body)?),
            _ => Self::Unknown {
                payload_type,
                body: body.to_vec(),
            },
        };

        Ok(decoded)
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            Self::Sa(sa) => sa.encode(out)?,
            Self::Ke(ke) => ke.encode(out),
            Self::IdI(id) | Self::IdR(id) => id.encode(out),
            Self::Cert(cert) => cert.encode(out),
            Self::CertReq(req) => req.encode(out),
            Self::Auth(auth) => auth.encode(out),
            Self::Nonce(nonce) => out.extend_from_slice(&nonce.data),
            Self::Notify(notify) => notify.encode(out)?,
            Self::Delete(delete) => delete.encode(out)?,
            Self::VendorId(vid) => out.extend_from_slice(&vid.data),
            Self::TsI(ts) | Self::TsR(ts) => ts.encode(out)?,
            Self::Sk(sk) => out.extend_from_slice(&sk.body),
            Self::Cp(cp) => cp.encode(out)?,
            Self::Eap(eap) => out.extend_from_slice(&eap.message),
            Self::Skf(skf) => skf.encode(out),
            Self::Unknown { payload_type, body } => encode_unknown(*payload_type, body, out)?,
        }
        Ok(())
    }
}

fn encode_unknown(payload_type: PayloadType, body: &[u8], out: &mut Vec<u8>) -> Result<()> {
    if PayloadType::KNOWN.contains(&payload_type) {
        return Err(Error::new("payload.type", ErrorKind::InvalidValue));
    }

    out.extend_from_slice(body);
    Ok(())
}

/// Decodes a payload chain starting with a payload of type `first`, e.g.
/// the plaintext of an SK payload with [`Encrypted::first_inner`]
/// (RFC 7296 section 3.14). The chain must end exactly at the end of
/// `bytes`; an SK or SKF payload ends it.
pub fn decode_chain(first: PayloadType, bytes: &[u8]) -> Result<Vec<Payload>> {
    let mut r = Reader::new(bytes);
    let mut payloads = Vec::new();
    let mut next = first;
    while next != PayloadType::NONE {
        let (payload, following) = Payload::read(next, &mut r)?;
        let encrypted = payload.body.first_inner().is_some();
        payloads.push(payload);
        if encrypted {
            r.finish("sk.length")?;
            return Ok(payloads);
        }
        next = following;
    }

    r.finish("payload.next_payload")?;
    Ok(payloads)
}

/// Encodes a payload chain; returns the type of its first payload (for the
/// IKE header or the SK header) and the octets. SK and SKF must come last.
pub fn encode_chain(payloads: &[Payload]) -> Result<(PayloadType, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, payload) in payloads.iter().enumerate() {
        let next = payloads.get(i + 1).map(Payload::payload_type);
        if next.is_some() && payload.body.first_inner().is_some() {
            return Err(Error::new("sk.next_payload", ErrorKind::InvalidValue));
        }
        payload.write(next.unwrap_or(PayloadType::NONE), &mut out)?;
    }

    let first = payloads
        .first()
        .map_or(PayloadType::NONE, Payload::payload_type);
    Ok((first, out))
}

/// The type of the first payload that this codec does not understand and
/// whose critical bit is set: the message must then be rejected with an
/// UNSUPPORTED_CRITICAL_PAYLOAD notify carrying this type (RFC 7296
/// section 2.5). See also [`check_critical`].
pub fn first_unsupported_critical(payloads: &[Payload]) -> Option<PayloadType> {
    payloads.iter().find_map(|p| match p.body {
        PayloadBody::Unknown { payload_type, .. } if p.flags.is_critical() => Some(payload_type),
        _ => None,
    })
}

/// [`first_unsupported_critical`] as an error whose [`Error::notify`] is
/// the UNSUPPORTED_CRITICAL_PAYLOAD notification to send.
pub fn check_critical(payloads: &[Payload]) -> Result<()> {
    match first_unsupported_critical(payloads) {
        None => Ok(()),
        Some(t) => Err(Error::new(
            "payload.critical",
            ErrorKind::UnsupportedCriticalPayload(t),
        )),
    }
}
