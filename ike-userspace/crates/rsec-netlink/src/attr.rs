//! Netlink attributes: building them for requests and reading them from replies.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{Emitable, Nla, NlasIterator, NLA_F_NESTED, NLA_HEADER_SIZE};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::spec::AttrSet;

/// The value of an attribute to send.
#[derive(Clone, PartialEq, Eq)]
enum Value {
    /// Raw bytes (wiped on drop, since keys travel this way).
    Bytes(Zeroizing<Vec<u8>>),
    /// Nested attributes.
    Nest(Vec<Attr>),
}

/// One attribute of a request.
#[derive(Clone, PartialEq, Eq)]
pub struct Attr {
    kind: u16,
    value: Value,
}

impl Attr {
    /// An attribute holding `bytes` as they are.
    pub fn bytes(kind: u16, bytes: &[u8]) -> Self {
        let value = Value::Bytes(Zeroizing::new(bytes.to_vec()));
        Attr { kind, value }
    }

    /// A u8 attribute.
    pub fn u8(kind: u16, value: u8) -> Self {
        Self::bytes(kind, &[value])
    }

    /// A u16 attribute, host order.
    pub fn u16(kind: u16, value: u16) -> Self {
        Self::bytes(kind, &value.to_ne_bytes())
    }

    /// A u32 attribute, host order.
    pub fn u32(kind: u16, value: u32) -> Self {
        Self::bytes(kind, &value.to_ne_bytes())
    }

    /// A u64 attribute, host order, without a pad attribute (the kernel reads it unaligned).
    pub fn u64(kind: u16, value: u64) -> Self {
        Self::bytes(kind, &value.to_ne_bytes())
    }

    /// An IP address: 4 bytes for IPv4, 16 for IPv6.
    pub fn addr(kind: u16, addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(v4) => Self::bytes(kind, &v4.octets()),
            IpAddr::V6(v6) => Self::bytes(kind, &v6.octets()),
        }
    }

    /// A nest of `attrs`, flagged NLA_F_NESTED as strict validation requires.
    pub fn nest(kind: u16, attrs: Vec<Attr>) -> Self {
        Attr {
            kind,
            value: Value::Nest(attrs),
        }
    }
}

impl fmt::Debug for Attr {
    /// Shows lengths, never bytes: keys travel in attributes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Value::Bytes(bytes) => write!(f, "Attr({}, {} bytes)", self.kind, bytes.len()),
            Value::Nest(attrs) => f
                .debug_tuple("Nest")
                .field(&self.kind)
                .field(attrs)
                .finish(),
        }
    }
}

impl Nla for Attr {
    fn value_len(&self) -> usize {
        match &self.value {
            Value::Bytes(bytes) => bytes.len(),
            Value::Nest(attrs) => attrs.as_slice().buffer_len(),
        }
    }

    fn kind(&self) -> u16 {
        match self.value {
            Value::Bytes(_) => self.kind,
            Value::Nest(_) => self.kind | NLA_F_NESTED,
        }
    }

    fn emit_value(&self, buffer: &mut [u8]) {
        match &self.value {
            Value::Bytes(bytes) => buffer.copy_from_slice(bytes),
            Value::Nest(attrs) => attrs.as_slice().emit(buffer),
        }
    }
}

/// One attribute of a reply, borrowed from the received bytes.
#[derive(Clone, Copy, Debug)]
pub struct RawAttr<'a> {
    set: AttrSet,
    kind: u16,
    value: &'a [u8],
}

/// The attributes of a reply (or of a nest), each checked to lie within the bytes.
pub fn parse_attrs(set: AttrSet, bytes: &[u8]) -> Result<Vec<RawAttr<'_>>, Error> {
    let mut attrs = Vec::new();
    for nla in NlasIterator::new(bytes) {
        let nla = nla.map_err(|e| Error::Malformed {
            attr: set.name().to_string(),
            reason: format!("bad attribute layout: {e}"),
        })?;
        let (kind, len) = (nla.kind(), nla.length() as usize);
        let value = &nla.into_inner()[NLA_HEADER_SIZE..len];
        attrs.push(RawAttr { set, kind, value });
    }
    Ok(attrs)
}

impl<'a> RawAttr<'a> {
    /// The attribute number, flags removed.
    pub fn kind(&self) -> u16 {
        self.kind
    }

    /// The value's bytes.
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// An error naming this attribute.
    pub fn malformed(&self, reason: impl Into<String>) -> Error {
        let name = self.set.attr_name(self.kind).unwrap_or("?");
        Error::Malformed {
            attr: format!("{}.{name}", self.set.name()),
            reason: reason.into(),
        }
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], Error> {
        self.value
            .try_into()
            .map_err(|_| self.malformed(format!("{} bytes, expected {N}", self.value.len())))
    }

    /// The value as a u8.
    pub fn get_u8(&self) -> Result<u8, Error> {
        self.fixed::<1>().map(|b| b[0])
    }

    /// The value as a host-order u16.
    pub fn get_u16(&self) -> Result<u16, Error> {
        self.fixed().map(u16::from_ne_bytes)
    }

    /// The value as a host-order u32.
    pub fn get_u32(&self) -> Result<u32, Error> {
        self.fixed().map(u32::from_ne_bytes)
    }

    /// The value as a host-order u64.
    pub fn get_u64(&self) -> Result<u64, Error> {
        self.fixed().map(u64::from_ne_bytes)
    }

    /// The value as an IPv4 (4 bytes) or IPv6 (16 bytes) address.
    pub fn get_addr(&self) -> Result<IpAddr, Error> {
        if let Ok(v4) = <[u8; 4]>::try_from(self.value) {
            return Ok(IpAddr::V4(Ipv4Addr::from(v4)));
        }
        if let Ok(v6) = <[u8; 16]>::try_from(self.value) {
            return Ok(IpAddr::V6(Ipv6Addr::from(v6)));
        }
        Err(self.malformed(format!("{} bytes, expected 4 or 16", self.value.len())))
    }

    /// The attributes nested in this one.
    pub fn nested(&self) -> Result<Vec<RawAttr<'a>>, Error> {
        let Some(inner) = self.set.nested(self.kind) else {
            return Err(self.malformed("not a nest"));
        };
        parse_attrs(inner, self.value).map_err(|e| match e {
            Error::Malformed { reason, .. } => self.malformed(reason),
            other => other,
        })
    }
}
