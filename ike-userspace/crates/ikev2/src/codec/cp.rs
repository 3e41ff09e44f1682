//! Configuration payload (RFC 7296 section 3.15).

use super::error::{Error, ErrorKind, Result};
use super::types::{CfgAttrType, CfgType};
use super::wire::{fit, put_u16, Reader};

/// The R bit in front of a configuration attribute type (section 3.15.1).
const R_BIT: u16 = 0x8000;

/// Configuration payload body (section 3.15).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Configuration {
    /// CFG Type.
    pub cfg_type: CfgType,
    /// Configuration attributes in order.
    pub attributes: Vec<ConfigAttribute>,
    /// RESERVED (0 on send, kept to round-trip).
    pub reserved: [u8; 3],
}

/// Configuration attribute (section 3.15.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigAttribute {
    /// Attribute Type, 15 bits.
    pub attr_type: CfgAttrType,
    /// Value (empty in a request for "any value").
    pub value: Vec<u8>,
    /// The reserved R bit (0 on send, ignored on receipt, kept to round-trip).
    pub r_bit: bool,
}

impl Configuration {
    pub(crate) const MIN_BODY: usize = 4;

    /// A CP payload of `cfg_type` with these attributes.
    pub fn new(cfg_type: CfgType, attributes: Vec<ConfigAttribute>) -> Self {
        Self {
            cfg_type,
            attributes,
            reserved: [0; 3],
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let cfg_type = CfgType(r.u8("cp.cfg_type")?);
        let reserved = r.array("cp.reserved")?;
        let mut attributes = Vec::new();
        while !r.is_empty() {
            attributes.push(ConfigAttribute::read(&mut r)?);
        }

        Ok(Self {
            cfg_type,
            attributes,
            reserved,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.cfg_type.0);
        out.extend_from_slice(&self.reserved);
        self.attributes.iter().try_for_each(|a| a.write(out))
    }
}

impl ConfigAttribute {
    /// An attribute of `attr_type` with `value`.
    pub fn new(attr_type: CfgAttrType, value: Vec<u8>) -> Self {
        Self {
            attr_type,
            value,
            r_bit: false,
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let word = r.u16("cp.attribute.type")?;
        let length = r.u16("cp.attribute.length")?;
        let value = r.take(usize::from(length), "cp.attribute.length")?.to_vec();
        let attr_type = CfgAttrType(word & !R_BIT);
        Ok(Self {
            attr_type,
            value,
            r_bit: word & R_BIT != 0,
        })
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.attr_type.0 & R_BIT != 0 {
            return Err(Error::new("cp.attribute.type", ErrorKind::InvalidValue));
        }

        let r_bit = if self.r_bit { R_BIT } else { 0 };
        put_u16(out, r_bit | self.attr_type.0);
        put_u16(out, fit(self.value.len(), "cp.attribute.length")?);
        out.extend_from_slice(&self.value);
        Ok(())
    }
}
