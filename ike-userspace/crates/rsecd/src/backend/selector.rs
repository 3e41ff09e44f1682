//! Traffic selector ranges to the kernel's prefix-based selectors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ikev2::ts::TsRange;
use rsec_netlink::{PortRange, Prefix, Selector};

/// The smallest set of prefixes covering exactly `start..=end` (same family).
pub fn prefixes(start: IpAddr, end: IpAddr) -> Vec<Prefix> {
    let (mut lo, hi, bits, v4) = match (start, end) {
        (IpAddr::V4(s), IpAddr::V4(e)) => {
            (u128::from(u32::from(s)), u128::from(u32::from(e)), 32, true)
        }
        (IpAddr::V6(s), IpAddr::V6(e)) => (u128::from(s), u128::from(e), 128, false),
        _ => return Vec::new(),
    };
    let addr = |n: u128| -> IpAddr {
        if v4 {
            Ipv4Addr::from(u32::try_from(n).unwrap_or(u32::MAX)).into()
        } else {
            Ipv6Addr::from(n).into()
        }
    };

    let mut out = Vec::new();
    loop {
        let mut size = if lo == 0 {
            bits
        } else {
            lo.trailing_zeros().min(bits)
        };
        while size > 0 && !matches!(lo.checked_add(ones(size)), Some(last) if last <= hi) {
            size -= 1;
        }
        out.push(Prefix {
            addr: addr(lo),
            len: u8::try_from(bits - size).unwrap_or(0),
        });
        match lo
            .checked_add(ones(size))
            .and_then(|last| last.checked_add(1))
        {
            Some(next) if next <= hi => lo = next,
            _ => break,
        }
    }
    out
}

/// `2^bits - 1`.
fn ones(bits: u32) -> u128 {
    u128::MAX
        .checked_shr(128 - bits)
        .filter(|_| bits > 0)
        .unwrap_or(0)
}

fn ports(ts: &TsRange) -> Option<PortRange> {
    let any = ts.start_port == 0 && ts.end_port == u16::MAX;
    (!any).then_some(PortRange {
        min: ts.start_port,
        max: ts.end_port,
    })
}

/// Kernel selectors for traffic from any of `src` to any of `dst`: every pair of the same
/// family and compatible protocol, each range split into prefixes.
pub fn selectors(src: &[TsRange], dst: &[TsRange]) -> Vec<Selector> {
    let mut out = Vec::new();
    for s in src {
        for d in dst {
            if s.start.is_ipv4() != d.start.is_ipv4() {
                continue;
            }
            let proto = match (s.protocol, d.protocol) {
                (0, p) | (p, 0) => p,
                (a, b) if a == b => a,
                _ => continue,
            };
            for sp in prefixes(s.start, s.end) {
                for dp in prefixes(d.start, d.end) {
                    out.push(Selector {
                        src: Some(sp),
                        dst: Some(dp),
                        proto,
                        src_ports: ports(s),
                        dst_ports: ports(d),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Prefix {
        let (a, l) = text.split_once('/').unwrap();
        Prefix {
            addr: a.parse().unwrap(),
            len: l.parse().unwrap(),
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_subnet_is_one_prefix() {
        assert_eq!(
            prefixes(ip("10.1.0.0"), ip("10.1.0.255")),
            [p("10.1.0.0/24")]
        );
        assert_eq!(prefixes(ip("10.1.0.7"), ip("10.1.0.7")), [p("10.1.0.7/32")]);
        assert_eq!(
            prefixes(ip("0.0.0.0"), ip("255.255.255.255")),
            [p("0.0.0.0/0")]
        );
        assert_eq!(
            prefixes(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
            [p("::/0")]
        );
    }

    #[test]
    fn a_range_is_split() {
        assert_eq!(
            prefixes(ip("10.0.0.1"), ip("10.0.0.6")),
            [
                p("10.0.0.1/32"),
                p("10.0.0.2/31"),
                p("10.0.0.4/31"),
                p("10.0.0.6/32")
            ]
        );
        assert_eq!(
            prefixes(ip("255.255.255.254"), ip("255.255.255.255")),
            [p("255.255.255.254/31")]
        );
    }

    #[test]
    fn selectors_pair_families_and_protocols() {
        let v4 = TsRange::subnet(ip("10.1.0.0"), 24);
        let v6 = TsRange::subnet(ip("2001:db8::"), 64);
        let mut tcp = TsRange::host(ip("10.2.0.1"));
        tcp.protocol = 6;
        tcp.start_port = 80;
        tcp.end_port = 80;

        let out = selectors(&[v4, v6], &[tcp]);

        assert_eq!(out.len(), 1);
        assert_eq!(out[0].src, Some(p("10.1.0.0/24")));
        assert_eq!(out[0].dst, Some(p("10.2.0.1/32")));
        assert_eq!(out[0].proto, 6);
        assert_eq!(out[0].src_ports, None);
        assert_eq!(out[0].dst_ports, Some(PortRange { min: 80, max: 80 }));
    }
}
