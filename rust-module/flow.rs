// SPDX-License-Identifier: GPL-2.0

//! Inner packets against traffic selectors (RFC 4301 section 4.4.1), and the outer headers
//! of tunnel mode (RFC 4301 section 5.1.2).
//!
//! Plain safe Rust with no kernel dependency: the module builds it, and so does the host crate
//! in `rust-module/host/`, whose tests cover it.
//!
//! Outbound, an rsec device picks the SA whose selector matches the packet and is the most
//! specific ([`Specificity`]): longer destination prefix first, then longer source prefix,
//! then a named protocol, then narrower port ranges. Inbound, the decrypted packet must match
//! one of its SA's selectors. An SA without selectors matches any packet, least specifically.

use crate::sa::{Addr, Family, Selector, Selectors};

/// IP protocol numbers with ports in their first four bytes.
const PORT_PROTOCOLS: [u8; 4] = [6, 17, 132, 136];

/// The fields of an inner packet that selectors look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flow {
    /// Source address.
    pub(crate) src: Addr,
    /// Destination address.
    pub(crate) dst: Addr,
    /// IP protocol (IPv6: the first Next Header; extension headers are not walked).
    pub(crate) proto: u8,
    /// Source and destination ports, when the protocol has them and this is the first
    /// fragment (RFC 4301 section 4.4.1.1: otherwise they are OPAQUE).
    pub(crate) ports: Option<(u16, u16)>,
    /// The TOS / Traffic Class byte: DSCP and ECN.
    pub(crate) tos: u8,
    /// IPv4 Don't Fragment (always true for IPv6, which routers never fragment).
    pub(crate) df: bool,
    /// Length from the IP header: total length (IPv4) or 40 + payload length (IPv6).
    pub(crate) ip_len: usize,
}

/// Why an inner packet cannot be classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FlowError {
    /// Fewer bytes than the header needs.
    Truncated,
    /// Not IPv4 or IPv6, or a header length below the minimum.
    BadHeader,
}

impl Flow {
    /// The IP version in the first nibble: 4 or 6 (anything else is an error).
    pub(crate) fn version(first: u8) -> Result<Family, FlowError> {
        match first >> 4 {
            4 => Ok(Family::V4),
            6 => Ok(Family::V6),
            _ => Err(FlowError::BadHeader),
        }
    }

    /// How many leading bytes [`Flow::parse`] needs for a packet starting with `first`,
    /// ports included when the protocol has them; `hdr` may be shorter than the answer.
    pub(crate) fn needed(hdr: &[u8]) -> Result<usize, FlowError> {
        let first = *hdr.first().ok_or(FlowError::Truncated)?;
        match Self::version(first)? {
            Family::V4 => {
                let ihl = usize::from(first & 0xf) * 4;
                if ihl < 20 {
                    return Err(FlowError::BadHeader);
                }
                Ok(ihl + 4)
            }
            Family::V6 => Ok(40 + 4),
        }
    }

    /// Reads the flow from the first bytes of an IP packet: at least the IP header, and the
    /// four port bytes after it when the protocol has ports (shorter means no ports).
    pub(crate) fn parse(hdr: &[u8]) -> Result<Flow, FlowError> {
        let first = *hdr.first().ok_or(FlowError::Truncated)?;
        match Self::version(first)? {
            Family::V4 => Self::parse_v4(hdr),
            Family::V6 => Self::parse_v6(hdr),
        }
    }

    fn parse_v4(hdr: &[u8]) -> Result<Flow, FlowError> {
        if hdr.len() < 20 {
            return Err(FlowError::Truncated);
        }
        let ihl = usize::from(hdr[0] & 0xf) * 4;
        if ihl < 20 {
            return Err(FlowError::BadHeader);
        }
        if hdr.len() < ihl {
            return Err(FlowError::Truncated);
        }

        let frag = u16::from_be_bytes([hdr[6], hdr[7]]);
        let first_fragment = frag & 0x1fff == 0;
        let proto = hdr[9];
        Ok(Flow {
            src: addr(&hdr[12..16])?,
            dst: addr(&hdr[16..20])?,
            proto,
            ports: ports(proto, first_fragment, hdr.get(ihl..ihl + 4)),
            tos: hdr[1],
            df: frag & 0x4000 != 0,
            ip_len: usize::from(u16::from_be_bytes([hdr[2], hdr[3]])),
        })
    }

    fn parse_v6(hdr: &[u8]) -> Result<Flow, FlowError> {
        if hdr.len() < 40 {
            return Err(FlowError::Truncated);
        }

        let proto = hdr[6];
        Ok(Flow {
            src: addr(&hdr[8..24])?,
            dst: addr(&hdr[24..40])?,
            proto,
            ports: ports(proto, true, hdr.get(40..44)),
            tos: (hdr[0] << 4) | (hdr[1] >> 4),
            df: true,
            ip_len: 40 + usize::from(u16::from_be_bytes([hdr[4], hdr[5]])),
        })
    }

    /// Whether the packet is inside `sel`: both addresses in its prefixes, its protocol (if
    /// one is named) and its port ranges. Packets without ports match only selectors whose
    /// ranges are the whole space.
    pub(crate) fn matches(&self, sel: &Selector) -> bool {
        if sel.src.family() != self.src.family() {
            return false;
        }
        if self.src.masked(sel.src_prefix) != sel.src || self.dst.masked(sel.dst_prefix) != sel.dst
        {
            return false;
        }
        if sel.proto != 0 && sel.proto != self.proto {
            return false;
        }

        let any = |r: (u16, u16)| r == (0, u16::MAX);
        match self.ports {
            Some((sp, dp)) => in_range(sp, sel.src_ports) && in_range(dp, sel.dst_ports),
            None => any(sel.src_ports) && any(sel.dst_ports),
        }
    }

    /// Whether the packet is inside any of `sels`; no selectors means any traffic.
    pub(crate) fn matches_any(&self, sels: &Selectors) -> bool {
        sels.is_empty() || sels.iter().any(|s| self.matches(s))
    }
}

/// 4 or 16 bytes as an address.
fn addr(b: &[u8]) -> Result<Addr, FlowError> {
    Addr::from_slice(b).ok_or(FlowError::BadHeader)
}

/// The ports of a first fragment of a protocol that has them.
fn ports(proto: u8, first_fragment: bool, b: Option<&[u8]>) -> Option<(u16, u16)> {
    if !first_fragment || !PORT_PROTOCOLS.contains(&proto) {
        return None;
    }
    let b = b?;
    Some((
        u16::from_be_bytes([b[0], b[1]]),
        u16::from_be_bytes([b[2], b[3]]),
    ))
}

fn in_range(p: u16, r: (u16, u16)) -> bool {
    r.0 <= p && p <= r.1
}

/// How specific a selector is; larger is more specific. `None` stands for an SA without
/// selectors, which matches anything and loses to every selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Specificity {
    dst_prefix: u8,
    src_prefix: u8,
    proto: bool,
    /// The negated widths of the port ranges: narrower is larger.
    dst_ports: i32,
    src_ports: i32,
}

impl Specificity {
    /// The specificity of `sel`, or of "any traffic" for `None`.
    pub(crate) fn of(sel: Option<&Selector>) -> Option<Specificity> {
        let s = sel?;
        let width = |r: (u16, u16)| -(i32::from(r.1) - i32::from(r.0));
        Some(Specificity {
            dst_prefix: s.dst_prefix,
            src_prefix: s.src_prefix,
            proto: s.proto != 0,
            dst_ports: width(s.dst_ports),
            src_ports: width(s.src_ports),
        })
    }
}

/// The fields of a tunnel's outer header that depend on the inner packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OuterFields {
    /// TOS / Traffic Class: the inner DSCP and ECN (RFC 4301 section 5.1.2.1 copies DSCP;
    /// RFC 6040 section 4.1 normal mode copies ECN, CE included).
    pub(crate) tos: u8,
    /// IPv4 Don't Fragment, copied from an IPv4 inner header (RFC 4301 section 8.1, "copy"),
    /// set for an IPv6 inner packet.
    pub(crate) df: bool,
}

impl OuterFields {
    /// The outer fields for an inner packet.
    pub(crate) fn of(inner: &Flow) -> OuterFields {
        OuterFields {
            tos: inner.tos,
            df: inner.df,
        }
    }
}

/// Hop limit / TTL of outer headers.
pub(crate) const OUTER_TTL: u8 = 64;

/// IP protocol number of ESP.
pub(crate) const IPPROTO_ESP: u8 = 50;

/// The 20-byte outer IPv4 header for `payload_len` bytes of ESP (RFC 791). The ID is 0 and
/// the checksum is left to `ip_local_out`, which computes it (with the ID chosen first).
/// `None` if the packet would not fit in 16 bits.
pub(crate) fn ipv4_header(
    src: &[u8; 4],
    dst: &[u8; 4],
    f: OuterFields,
    payload_len: usize,
) -> Option<[u8; 20]> {
    let total = u16::try_from(payload_len.checked_add(20)?).ok()?;
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[1] = f.tos;
    h[2..4].copy_from_slice(&total.to_be_bytes());
    if f.df {
        h[6] = 0x40;
    }
    h[8] = OUTER_TTL;
    h[9] = IPPROTO_ESP;
    h[12..16].copy_from_slice(src);
    h[16..20].copy_from_slice(dst);
    Some(h)
}

/// The 40-byte outer IPv6 header for `payload_len` bytes of ESP (RFC 8200), flow label 0.
/// `None` if the payload would not fit in 16 bits (no jumbograms).
pub(crate) fn ipv6_header(
    src: &[u8; 16],
    dst: &[u8; 16],
    f: OuterFields,
    payload_len: usize,
) -> Option<[u8; 40]> {
    let len = u16::try_from(payload_len).ok()?;
    let mut h = [0u8; 40];
    h[0] = 0x60 | (f.tos >> 4);
    h[1] = f.tos << 4;
    h[4..6].copy_from_slice(&len.to_be_bytes());
    h[6] = IPPROTO_ESP;
    h[7] = OUTER_TTL;
    h[8..24].copy_from_slice(src);
    h[24..40].copy_from_slice(dst);
    Some(h)
}
