//! Security Association payload (RFC 7296 section 3.3).

use super::error::{Error, ErrorKind, Result};
use super::types::{
    AttributeType, DhGroup, EncrId, EsnId, IntegId, PrfId, ProtocolId, TransformType,
};
use super::wire::{fit, patch_len16, put_u16, reserve_len16, Reader};

/// "Last Substruc" value of a proposal followed by another (section 3.3.1).
const MORE_PROPOSALS: u8 = 2;
/// "Last Substruc" value of a transform followed by another (section 3.3.2).
const MORE_TRANSFORMS: u8 = 3;
/// Attribute Format bit: TV rather than TLV (section 3.3.5).
const AF_TV: u16 = 0x8000;

/// Security Association payload: one or more proposals (section 3.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sa {
    /// Proposals in order; numbering is the sender's business.
    pub proposals: Vec<Proposal>,
}

/// Proposal substructure (section 3.3.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    /// Proposal Num.
    pub number: u8,
    /// Protocol ID.
    pub protocol: ProtocolId,
    /// SPI: empty for an initial IKE SA, 4 octets for ESP/AH, 8 for an IKE rekey.
    pub spi: Vec<u8>,
    /// Transforms in order.
    pub transforms: Vec<Transform>,
    /// RESERVED octet (0 on send, ignored on receipt, kept to round-trip).
    pub reserved: u8,
}

/// Transform substructure (section 3.3.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transform {
    /// Transform Type.
    pub transform_type: TransformType,
    /// Transform ID, interpreted by the type: see [`Transform::encr`] etc.
    pub id: u16,
    /// Transform attributes (only Key Length is defined).
    pub attributes: Vec<Attribute>,
    /// The two RESERVED octets (0 on send, kept to round-trip).
    pub reserved: [u8; 2],
}

/// Data attribute of a transform (section 3.3.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute Type, 15 bits.
    pub attr_type: AttributeType,
    /// Value in TV or TLV format (the AF bit).
    pub value: AttributeValue,
}

/// Value of a transform attribute: the AF bit picks the format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// AF = 1: a two-octet value in place of the length.
    Tv(u16),
    /// AF = 0: length and variable-length value.
    Tlv(Vec<u8>),
}

impl Sa {
    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let mut proposals = Vec::new();
        loop {
            let (proposal, more) = Proposal::read(&mut r)?;
            proposals.push(proposal);
            if !more {
                break;
            }
        }

        r.finish("sa.proposals")?;
        Ok(Self { proposals })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.proposals.is_empty() {
            return Err(Error::new("sa.proposals", ErrorKind::InvalidValue));
        }

        let count = self.proposals.len();
        for (i, proposal) in self.proposals.iter().enumerate() {
            proposal.write(i + 1 < count, out)?;
        }
        Ok(())
    }
}

impl Proposal {
    /// Reads one proposal; also returns whether another one follows.
    fn read(r: &mut Reader<'_>) -> Result<(Self, bool)> {
        let more = match r.u8("proposal.last_substruc")? {
            0 => false,
            MORE_PROPOSALS => true,
            _ => {
                return Err(Error::new(
                    "proposal.last_substruc",
                    ErrorKind::InvalidValue,
                ))
            }
        };
        let reserved = r.u8("proposal.reserved")?;
        let mut body = r.length_prefixed(4, 8, "proposal.length")?;

        let number = body.u8("proposal.number")?;
        let protocol = ProtocolId(body.u8("proposal.protocol_id")?);
        let spi_size = body.u8("proposal.spi_size")?;
        let num_transforms = body.u8("proposal.num_transforms")?;
        let spi = body
            .take(usize::from(spi_size), "proposal.spi_size")?
            .to_vec();

        let mut transforms = Vec::new();
        for i in 0..num_transforms {
            transforms.push(Transform::read(&mut body, i + 1 < num_transforms)?);
        }
        body.finish("proposal.num_transforms")?;

        let proposal = Self {
            number,
            protocol,
            spi,
            transforms,
            reserved,
        };
        Ok((proposal, more))
    }

    fn write(&self, more: bool, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        out.push(if more { MORE_PROPOSALS } else { 0 });
        out.push(self.reserved);
        let length_at = reserve_len16(out);

        out.push(self.number);
        out.push(self.protocol.0);
        out.push(fit(self.spi.len(), "proposal.spi_size")?);
        out.push(fit(self.transforms.len(), "proposal.num_transforms")?);
        out.extend_from_slice(&self.spi);

        let count = self.transforms.len();
        for (i, transform) in self.transforms.iter().enumerate() {
            transform.write(i + 1 < count, out)?;
        }
        patch_len16(out, start, length_at, "proposal.length")
    }
}

impl Transform {
    /// A transform without attributes.
    pub fn new(transform_type: TransformType, id: u16) -> Self {
        Self {
            transform_type,
            id,
            attributes: vec![],
            reserved: [0; 2],
        }
    }

    /// An ENCR transform, with a Key Length attribute if `key_bits` is given.
    pub fn encr(id: EncrId, key_bits: Option<u16>) -> Self {
        let mut transform = Self::new(TransformType::ENCR, id.0);
        if let Some(bits) = key_bits {
            transform.attributes.push(Attribute {
                attr_type: AttributeType::KEY_LENGTH,
                value: AttributeValue::Tv(bits),
            });
        }
        transform
    }

    /// A PRF transform.
    pub fn prf(id: PrfId) -> Self {
        Self::new(TransformType::PRF, id.0)
    }

    /// An INTEG transform.
    pub fn integ(id: IntegId) -> Self {
        Self::new(TransformType::INTEG, id.0)
    }

    /// A D-H group transform.
    pub fn dh(group: DhGroup) -> Self {
        Self::new(TransformType::DH, group.0)
    }

    /// An ESN transform.
    pub fn esn(id: EsnId) -> Self {
        Self::new(TransformType::ESN, id.0)
    }

    /// The ENCR ID, if this is an ENCR transform.
    pub fn encr_id(&self) -> Option<EncrId> {
        (self.transform_type == TransformType::ENCR).then_some(EncrId(self.id))
    }

    /// The PRF ID, if this is a PRF transform.
    pub fn prf_id(&self) -> Option<PrfId> {
        (self.transform_type == TransformType::PRF).then_some(PrfId(self.id))
    }

    /// The INTEG ID, if this is an INTEG transform.
    pub fn integ_id(&self) -> Option<IntegId> {
        (self.transform_type == TransformType::INTEG).then_some(IntegId(self.id))
    }

    /// The group, if this is a D-H transform.
    pub fn dh_group(&self) -> Option<DhGroup> {
        (self.transform_type == TransformType::DH).then_some(DhGroup(self.id))
    }

    /// The ESN ID, if this is an ESN transform.
    pub fn esn_id(&self) -> Option<EsnId> {
        (self.transform_type == TransformType::ESN).then_some(EsnId(self.id))
    }

    /// The Key Length attribute's value in bits, if present in TV format.
    pub fn key_length(&self) -> Option<u16> {
        self.attributes.iter().find_map(|a| match a.value {
            AttributeValue::Tv(bits) if a.attr_type == AttributeType::KEY_LENGTH => Some(bits),
            _ => None,
        })
    }

    /// Reads one transform whose "Last Substruc" must say whether `more` follow.
    fn read(r: &mut Reader<'_>, more: bool) -> Result<Self> {
        let expected = if more { MORE_TRANSFORMS } else { 0 };
        if r.u8("transform.last_substruc")? != expected {
            return Err(Error::new(
                "transform.last_substruc",
                ErrorKind::InvalidValue,
            ));
        }

        let reserved1 = r.u8("transform.reserved")?;
        let mut body = r.length_prefixed(4, 8, "transform.length")?;
        let transform_type = TransformType(body.u8("transform.type")?);
        let reserved2 = body.u8("transform.reserved")?;
        let id = body.u16("transform.id")?;

        let mut attributes = Vec::new();
        while !body.is_empty() {
            attributes.push(Attribute::read(&mut body)?);
        }

        let reserved = [reserved1, reserved2];
        Ok(Self {
            transform_type,
            id,
            attributes,
            reserved,
        })
    }

    fn write(&self, more: bool, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        out.push(if more { MORE_TRANSFORMS } else { 0 });
        out.push(self.reserved[0]);
        let length_at = reserve_len16(out);

        out.push(self.transform_type.0);
        out.push(self.reserved[1]);
        put_u16(out, self.id);
        for attribute in &self.attributes {
            attribute.write(out)?;
        }
        patch_len16(out, start, length_at, "transform.length")
    }
}

impl Attribute {
    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let word = r.u16("attribute.type")?;
        let attr_type = AttributeType(word & !AF_TV);
        let value = if word & AF_TV != 0 {
            AttributeValue::Tv(r.u16("attribute.value")?)
        } else {
            let length = r.u16("attribute.length")?;
            AttributeValue::Tlv(r.take(usize::from(length), "attribute.length")?.to_vec())
        };

        Ok(Self { attr_type, value })
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        if self.attr_type.0 & AF_TV != 0 {
            return Err(Error::new("attribute.type", ErrorKind::InvalidValue));
        }

        match &self.value {
            AttributeValue::Tv(value) => {
                put_u16(out, AF_TV | self.attr_type.0);
                put_u16(out, *value);
            }
            AttributeValue::Tlv(value) => {
                put_u16(out, self.attr_type.0);
                put_u16(out, fit(value.len(), "attribute.length")?);
                out.extend_from_slice(value);
            }
        }
        Ok(())
    }
}
