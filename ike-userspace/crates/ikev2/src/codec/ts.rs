//! Traffic Selector payloads, TSi and TSr (RFC 7296 section 3.13).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::error::{Error, ErrorKind, Result};
use super::types::TsType;
use super::wire::{fit, patch_len16, put_u16, reserve_len16, Reader};

/// Selector Length of a TS_IPV4_ADDR_RANGE selector (section 3.13.1).
const IPV4_SELECTOR_LEN: usize = 16;
/// Selector Length of a TS_IPV6_ADDR_RANGE selector (section 3.13.1).
const IPV6_SELECTOR_LEN: usize = 40;

/// Traffic Selector payload body (section 3.13).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrafficSelectors {
    /// The selectors; "Number of TSs" is their count.
    pub selectors: Vec<TrafficSelector>,
    /// RESERVED (0 on send, kept to round-trip).
    pub reserved: [u8; 3],
}

/// One traffic selector (section 3.13.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrafficSelector {
    /// TS_IPV4_ADDR_RANGE.
    Ipv4(IpRange<Ipv4Addr>),
    /// TS_IPV6_ADDR_RANGE.
    Ipv6(IpRange<Ipv6Addr>),
    /// Any other TS Type, kept raw for the exchange layer to refuse.
    Unknown {
        /// TS Type: never 7 or 8.
        ts_type: TsType,
        /// The octet after the type ("IP Protocol ID" in RFC 7296's layout).
        ip_protocol: u8,
        /// Everything after Selector Length.
        data: Vec<u8>,
    },
}

/// An address and port range (section 3.13.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpRange<A> {
    /// IP Protocol ID, 0 for any.
    pub ip_protocol: u8,
    /// Start Port.
    pub start_port: u16,
    /// End Port.
    pub end_port: u16,
    /// Starting Address.
    pub start: A,
    /// Ending Address.
    pub end: A,
}

impl TrafficSelectors {
    pub(crate) const MIN_BODY: usize = 4;

    /// A TS payload with these selectors.
    pub fn new(selectors: Vec<TrafficSelector>) -> Self {
        Self {
            selectors,
            reserved: [0; 3],
        }
    }

    pub(crate) fn decode(body: &[u8]) -> Result<Self> {
        let mut r = Reader::new(body);
        let count = r.u8("ts.num_ts")?;
        let reserved = r.array("ts.reserved")?;
        let selectors = (0..count)
            .map(|_| TrafficSelector::read(&mut r))
            .collect::<Result<Vec<_>>>()?;

        r.finish("ts.num_ts")?;
        Ok(Self {
            selectors,
            reserved,
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(fit(self.selectors.len(), "ts.num_ts")?);
        out.extend_from_slice(&self.reserved);
        self.selectors.iter().try_for_each(|ts| ts.write(out))
    }
}

impl TrafficSelector {
    /// The TS Type this selector is sent with.
    pub fn ts_type(&self) -> TsType {
        match self {
            Self::Ipv4(_) => TsType::IPV4_ADDR_RANGE,
            Self::Ipv6(_) => TsType::IPV6_ADDR_RANGE,
            Self::Unknown { ts_type, .. } => *ts_type,
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let ts_type = TsType(r.u8("ts.type")?);
        let ip_protocol = r.u8("ts.ip_protocol")?;
        let mut body = r.length_prefixed(4, 4, "ts.selector_length")?;
        let selector = match ts_type {
            TsType::IPV4_ADDR_RANGE => {
                check_len(&body, IPV4_SELECTOR_LEN)?;
                Self::Ipv4(IpRange::read(ip_protocol, &mut body, Ipv4Addr::from)?)
            }
            TsType::IPV6_ADDR_RANGE => {
                check_len(&body, IPV6_SELECTOR_LEN)?;
                Self::Ipv6(IpRange::read(ip_protocol, &mut body, Ipv6Addr::from)?)
            }
            _ => Self::Unknown {
                ts_type,
                ip_protocol,
                data: body.rest().to_vec(),
            },
        };

        Ok(selector)
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        let start = out.len();
        out.push(self.ts_type().0);
        match self {
            Self::Ipv4(range) => range.write(out, &range.start.octets(), &range.end.octets())?,
            Self::Ipv6(range) => range.write(out, &range.start.octets(), &range.end.octets())?,
            Self::Unknown {
                ts_type,
                ip_protocol,
                data,
            } => {
                if *ts_type == TsType::IPV4_ADDR_RANGE || *ts_type == TsType::IPV6_ADDR_RANGE {
                    return Err(Error::new("ts.type", ErrorKind::InvalidValue));
                }
                out.push(*ip_protocol);
                let length_at = reserve_len16(out);
                out.extend_from_slice(data);
                patch_len16(out, start, length_at, "ts.selector_length")?;
            }
        }
        Ok(())
    }
}

/// Checks that the selector body after the 4-octet header is `selector_len - 4`.
fn check_len(body: &Reader<'_>, selector_len: usize) -> Result<()> {
    if body.remaining() + 4 == selector_len {
        return Ok(());
    }

    Err(Error::new("ts.selector_length", ErrorKind::InvalidLength))
}

impl<A> IpRange<A> {
    fn read<const N: usize>(
        ip_protocol: u8,
        r: &mut Reader<'_>,
        addr: impl Fn([u8; N]) -> A,
    ) -> Result<Self> {
        Ok(Self {
            ip_protocol,
            start_port: r.u16("ts.start_port")?,
            end_port: r.u16("ts.end_port")?,
            start: addr(r.array("ts.start_address")?),
            end: addr(r.array("ts.end_address")?),
        })
    }

    fn write(&self, out: &mut Vec<u8>, start: &[u8], end: &[u8]) -> Result<()> {
        out.push(self.ip_protocol);
        put_u16(out, fit(8 + start.len() + end.len(), "ts.selector_length")?);
        put_u16(out, self.start_port);
        put_u16(out, self.end_port);
        out.extend_from_slice(start);
        out.extend_from_slice(end);
        Ok(())
    }
}
