//! Traffic selectors (RFC 7296 section 2.9) and their narrowing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::codec::{IpRange, TrafficSelector, TrafficSelectors};

/// One traffic selector: an address range, an IP protocol (0 = any) and a
/// port range. Both addresses are of the same family.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TsRange {
    /// First address.
    pub start: IpAddr,
    /// Last address.
    pub end: IpAddr,
    /// IP protocol, 0 for any.
    pub protocol: u8,
    /// First port.
    pub start_port: u16,
    /// Last port.
    pub end_port: u16,
}

impl TsRange {
    /// All of IPv4, any protocol and port.
    pub fn any_v4() -> Self {
        Self::range(Ipv4Addr::UNSPECIFIED.into(), Ipv4Addr::BROADCAST.into())
    }

    /// All of IPv6, any protocol and port.
    pub fn any_v6() -> Self {
        let max = Ipv6Addr::from(u128::MAX);
        Self::range(Ipv6Addr::UNSPECIFIED.into(), max.into())
    }

    /// The addresses `start..=end`, any protocol and port.
    pub fn range(start: IpAddr, end: IpAddr) -> Self {
        Self {
            start,
            end,
            protocol: 0,
            start_port: 0,
            end_port: u16::MAX,
        }
    }

    /// The subnet `addr/prefix`, any protocol and port. A prefix longer
    /// than the address is taken as a host.
    pub fn subnet(addr: IpAddr, prefix: u8) -> Self {
        match addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(prefix.min(32)))
                    .unwrap_or(0);
                let start = u32::from(a) & mask;
                Self::range(
                    Ipv4Addr::from(start).into(),
                    Ipv4Addr::from(start | !mask).into(),
                )
            }
            IpAddr::V6(a) => {
                let bits = 128 - u32::from(prefix.min(128));
                let mask = u128::MAX.checked_shl(bits).unwrap_or(0);
                let start = u128::from(a) & mask;
                Self::range(
                    Ipv6Addr::from(start).into(),
                    Ipv6Addr::from(start | !mask).into(),
                )
            }
        }
    }

    /// The one address `addr`.
    pub fn host(addr: IpAddr) -> Self {
        Self::range(addr, addr)
    }

    /// The part of both selectors, if any: same family, overlapping
    /// addresses, compatible protocols and overlapping ports.
    pub fn intersect(&self, other: &Self) -> Option<Self> {
        let protocol = match (self.protocol, other.protocol) {
            (0, p) | (p, 0) => p,
            (a, b) if a == b => a,
            _ => return None,
        };
        let start = max_addr(self.start, other.start)?;
        let end = min_addr(self.end, other.end)?;
        let start_port = self.start_port.max(other.start_port);
        let end_port = self.end_port.min(other.end_port);
        if start > end || start_port > end_port {
            return None;
        }

        Some(Self {
            start,
            end,
            protocol,
            start_port,
            end_port,
        })
    }

    /// Whether `other` lies entirely within this selector.
    pub fn contains(&self, other: &Self) -> bool {
        self.intersect(other).as_ref() == Some(other)
    }

    /// The codec form.
    pub fn to_selector(&self) -> Option<TrafficSelector> {
        match (self.start, self.end) {
            (IpAddr::V4(start), IpAddr::V4(end)) => Some(TrafficSelector::Ipv4(IpRange {
                ip_protocol: self.protocol,
                start_port: self.start_port,
                end_port: self.end_port,
                start,
                end,
            })),
            (IpAddr::V6(start), IpAddr::V6(end)) => Some(TrafficSelector::Ipv6(IpRange {
                ip_protocol: self.protocol,
                start_port: self.start_port,
                end_port: self.end_port,
                start,
                end,
            })),
            _ => None,
        }
    }

    /// From the codec form; `None` for unknown TS types.
    pub fn from_selector(ts: &TrafficSelector) -> Option<Self> {
        let (start, end, range) = match ts {
            TrafficSelector::Ipv4(r) => (
                r.start.into(),
                r.end.into(),
                (r.ip_protocol, r.start_port, r.end_port),
            ),
            TrafficSelector::Ipv6(r) => (
                r.start.into(),
                r.end.into(),
                (r.ip_protocol, r.start_port, r.end_port),
            ),
            TrafficSelector::Unknown { .. } => return None,
        };
        Some(Self {
            start,
            end,
            protocol: range.0,
            start_port: range.1,
            end_port: range.2,
        })
    }
}

fn max_addr(a: IpAddr, b: IpAddr) -> Option<IpAddr> {
    same_family(a, b).then(|| a.max(b))
}

fn min_addr(a: IpAddr, b: IpAddr) -> Option<IpAddr> {
    same_family(a, b).then(|| a.min(b))
}

fn same_family(a: IpAddr, b: IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

/// The TS payload body for `ranges`.
pub fn to_payload(ranges: &[TsRange]) -> TrafficSelectors {
    TrafficSelectors::new(ranges.iter().filter_map(TsRange::to_selector).collect())
}

/// The selectors of a received TS payload; unknown TS types are skipped
/// (they cannot match anything of ours).
pub fn from_payload(payload: &TrafficSelectors) -> Vec<TsRange> {
    payload
        .selectors
        .iter()
        .filter_map(TsRange::from_selector)
        .collect()
}

/// Narrowing (RFC 7296 section 2.9): every part of a `proposed` selector
/// that some `allowed` selector also covers, without duplicates. Empty
/// means TS_UNACCEPTABLE. The first proposed selector may be the one of
/// the packet that triggered the request; it survives as part of the
/// result whenever policy allows it.
pub fn narrow(proposed: &[TsRange], allowed: &[TsRange]) -> Vec<TsRange> {
    let mut out: Vec<TsRange> = Vec::new();
    for p in proposed {
        for a in allowed {
            let Some(part) = p.intersect(a) else { continue };
            if !out.contains(&part) {
                out.push(part);
            }
        }
    }
    out
}

/// Whether every selector of `narrowed` lies within some of `proposed`:
/// the initiator's check of the responder's answer (section 2.9).
pub fn is_narrowing_of(narrowed: &[TsRange], proposed: &[TsRange]) -> bool {
    !narrowed.is_empty()
        && narrowed
            .iter()
            .all(|n| proposed.iter().any(|p| p.contains(n)))
}
