//! The payloads with flat bodies: KE, ID, CERT, CERTREQ, AUTH, Nonce,
//! Notify, Delete, Vendor ID and EAP (RFC 7296 sections 3.4 to 3.12, 3.16).

use super::error::{Error, ErrorKind, Result};
use super::types::{AuthMethod, CertEncoding, DhGroup, IdType, NotifyType, ProtocolId};
use super::wire::{fit, put_u16, Reader};

/// Key Exchange payload (section 3.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyExchange {
    /// Diffie-Hellman Group Num.
    pub group: DhGroup,
    /// Key Exchange Data (the public value).
    pub data: Vec<u8>,
    /// RESERVED (0 on send, kept to round-trip).
    pub reserved: [u8; 2],
}

/// Identification payload, IDi or IDr (section 3.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identification {
    /// ID Type.
    pub id_type: IdType,
    /// Identification Data.
    pub data: Vec<u8>,
    /// RESERVED (0 on send, kept to round-trip: it is part of the octets
    /// AUTH covers, section 2.15).
    pub reserved: [u8; 3],
}

/// Certificate payload (section 3.6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Certificate {
    /// Cert Encoding.
    pub encoding: CertEncoding,
    /// Certificate Data.
    pub data: Vec<u8>,
}

/// Certificate Request payload (section 3.7).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateRequest {
    /// Cert Encoding.
    pub encoding: CertEncoding,
    /// Certification Authority: for X.509, concatenated SHA-1 hashes of
    /// trusted CAs' public keys.
    pub authorities: Vec<u8>,
}

/// Authentication payload (section 3.8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Authentication {
    /// Auth Method.
    pub method: AuthMethod,
    /// Authentication Data.
    pub data: Vec<u8>,
    /// RESERVED (0 on send, kept to round-trip).
    pub reserved: [u8; 3],
}

/// Nonce payload (section 3.9). The 16..=256 octet size rule is left to the
/// exchange layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nonce {
    /// Nonce Data.
    pub data: Vec<u8>,
}

/// Notify payload (section 3.10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notify {
    /// Protocol ID: 0 when the notification is not about a Child SA.
    pub protocol: ProtocolId,
    /// Notify Message Type.
    pub notify_type: NotifyType,
    /// SPI (usually empty).
    pub spi: Vec<u8>,
    /// Notification Data.
    pub data: Vec<u8>,
}

/// Delete payload (section 3.11).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delete {
    /// Protocol ID: IKE (no SPIs), AH or ESP.
    pub protocol: ProtocolId,
    /// SPI Size: every SPI must have this length (kept even with no SPIs;
    /// SPIs of size 0 are rejected rather than counted).
    pub spi_size: u8,
    /// The SPIs.
    pub spis: Vec<Vec<u8>>,
}

/// Vendor ID payload (section 3.12).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VendorId {
    /// Vendor ID.
    pub data: Vec<u8>,
}

/// EAP payload (section 3.16), kept raw: the EAP message is not parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Eap {
    /// The EAP message (RFC 3748).
    pub message: Vec<u8>,
}

impl KeyExchange {
    pub(crate) const MIN_BODY: usize = 4;

    /// A KE payload for `group` with public value `data`.
    pub fn new(group: DhGroup, data: Vec<u8>) -> Self {
        Self {
            group,
            data,
            reserved: [0; 2],
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let group = DhGroup(r.u16("ke.dh_group")?);
        let reserved = r.array("ke.reserved")?;
        let data = r.rest().to_vec();
        Ok(Self {
            group,
            data,
            reserved,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.group.0);
        out.extend_from_slice(&self.reserved);
        out.extend_from_slice(&self.data);
    }
}

impl Identification {
    pub(crate) const MIN_BODY: usize = 4;

    /// An ID payload of `id_type` with `data`.
    pub fn new(id_type: IdType, data: Vec<u8>) -> Self {
        Self {
            id_type,
            data,
            reserved: [0; 3],
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let id_type = IdType(r.u8("id.type")?);
        let reserved = r.array("id.reserved")?;
        let data = r.rest().to_vec();
        Ok(Self {
            id_type,
            data,
            reserved,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.id_type.0);
        out.extend_from_slice(&self.reserved);
        out.extend_from_slice(&self.data);
    }
}

impl Certificate {
    pub(crate) const MIN_BODY: usize = 1;

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let encoding = CertEncoding(r.u8("cert.encoding")?);
        Ok(Self {
            encoding,
            data: r.rest().to_vec(),
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.encoding.0);
        out.extend_from_slice(&self.data);
    }
}

impl CertificateRequest {
    pub(crate) const MIN_BODY: usize = 1;

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let encoding = CertEncoding(r.u8("certreq.encoding")?);
        Ok(Self {
            encoding,
            authorities: r.rest().to_vec(),
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.encoding.0);
        out.extend_from_slice(&self.authorities);
    }
}

impl Authentication {
    pub(crate) const MIN_BODY: usize = 4;

    /// An AUTH payload of `method` with `data`.
    pub fn new(method: AuthMethod, data: Vec<u8>) -> Self {
        Self {
            method,
            data,
            reserved: [0; 3],
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let method = AuthMethod(r.u8("auth.method")?);
        let reserved = r.array("auth.reserved")?;
        Ok(Self {
            method,
            data: r.rest().to_vec(),
            reserved,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.method.0);
        out.extend_from_slice(&self.reserved);
        out.extend_from_slice(&self.data);
    }
}

impl Notify {
    pub(crate) const MIN_BODY: usize = 4;

    /// A notification of `notify_type` about the IKE SA (no protocol, no SPI).
    pub fn new(notify_type: NotifyType, data: Vec<u8>) -> Self {
        Self {
            protocol: ProtocolId::NONE,
            notify_type,
            spi: vec![],
            data,
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let protocol = ProtocolId(r.u8("notify.protocol_id")?);
        let spi_size = r.u8("notify.spi_size")?;
        let notify_type = NotifyType(r.u16("notify.type")?);
        let spi = r.take(usize::from(spi_size), "notify.spi_size")?.to_vec();
        Ok(Self {
            protocol,
            notify_type,
            spi,
            data: r.rest().to_vec(),
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.protocol.0);
        out.push(fit(self.spi.len(), "notify.spi_size")?);
        put_u16(out, self.notify_type.0);
        out.extend_from_slice(&self.spi);
        out.extend_from_slice(&self.data);
        Ok(())
    }
}

impl Delete {
    pub(crate) const MIN_BODY: usize = 4;

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let protocol = ProtocolId(r.u8("delete.protocol_id")?);
        let spi_size = r.u8("delete.spi_size")?;
        let count = r.u16("delete.num_spis")?;
        if spi_size == 0 && count != 0 {
            return Err(Error::new("delete.num_spis", ErrorKind::InvalidValue));
        }

        let spis = (0..count)
            .map(|_| Ok(r.take(usize::from(spi_size), "delete.num_spis")?.to_vec()))
            .collect::<Result<Vec<_>>>()?;

        r.finish("delete.num_spis")?;
        Ok(Self {
            protocol,
            spi_size,
            spis,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        let zero_sized = self.spi_size == 0 && !self.spis.is_empty();
        if zero_sized
            || self
                .spis
                .iter()
                .any(|spi| spi.len() != usize::from(self.spi_size))
        {
            return Err(Error::new("delete.spi_size", ErrorKind::InvalidValue));
        }

        out.push(self.protocol.0);
        out.push(self.spi_size);
        put_u16(out, fit(self.spis.len(), "delete.num_spis")?);
        self.spis.iter().for_each(|spi| out.extend_from_slice(spi));
        Ok(())
    }
}
