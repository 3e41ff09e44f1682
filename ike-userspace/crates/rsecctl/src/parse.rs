//! Parsing of command-line values: numbers, keys, selectors.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use rsec_netlink::{Key, PortRange, Prefix, Selector};
use zeroize::Zeroizing;

use crate::CliError;

/// A u32 in decimal or `0x` hex.
pub fn number_u32(text: &str) -> Result<u32, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("{text:?} is not a 32-bit number (decimal or 0x hex)"))
}

/// A u64 in decimal or `0x` hex.
pub fn number_u64(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("{text:?} is not a 64-bit number (decimal or 0x hex)"))
}

/// A key in hex, with an optional `0x` and any whitespace or `:` between digits.
pub fn hex_key(text: &str) -> Result<Key, String> {
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    let digits: Zeroizing<Vec<u8>> = Zeroizing::new(
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b':')
            .collect(),
    );
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err("a key needs an even, non-zero number of hex digits".into());
    }

    let mut key = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks(2) {
        let (Some(hi), Some(lo)) = (hex_digit(pair[0]), hex_digit(pair[1])) else {
            return Err("a key may hold only hex digits".into());
        };
        key.push(hi << 4 | lo);
    }
    Ok(Key::new(key))
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// A key read from a file holding it in hex (so that it never shows up in `ps`).
pub fn key_file(path: &Path) -> Result<Key, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::File {
        path: path.display().to_string(),
        source,
    })?;
    let text = Zeroizing::new(text);
    hex_key(&text).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// An inner IP protocol: a name or a number; `any` is 0.
fn ip_proto(text: &str) -> Result<u8, String> {
    let named = match text {
        "any" => 0,
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "icmpv6" | "ipv6-icmp" => 58,
        "sctp" => 132,
        other => {
            return other
                .parse()
                .map_err(|_| format!("unknown IP protocol {other:?}"))
        }
    };
    Ok(named)
}

/// An address with an optional `/len`; without one it is a host.
fn prefix(text: &str) -> Result<Prefix, String> {
    let (addr, len) = match text.split_once('/') {
        Some((addr, len)) => (addr, Some(len)),
        None => (text, None),
    };
    let addr: IpAddr = addr
        .parse()
        .map_err(|_| format!("{addr:?} is not an IP address"))?;
    let full = if addr.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(len) => len
            .parse::<u8>()
            .map_err(|_| format!("bad prefix length {len:?}"))?,
        None => full,
    };
    if len > full {
        return Err(format!("prefix length {len} is too long for {addr}"));
    }
    Ok(Prefix { addr, len })
}

/// A port or an inclusive range `min-max`.
fn ports(text: &str) -> Result<PortRange, String> {
    let port = |t: &str| t.parse::<u16>().map_err(|_| format!("bad port {t:?}"));
    let (min, max) = match text.split_once('-') {
        Some((min, max)) => (port(min)?, port(max)?),
        None => (port(text)?, port(text)?),
    };
    if min > max {
        return Err(format!("port range {text} runs backwards"));
    }
    Ok(PortRange { min, max })
}

/// The whole address space of the family of `other`.
fn any_of_family(other: &Prefix) -> Prefix {
    let addr = match other.addr {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    Prefix { addr, len: 0 }
}

/// A traffic selector: `src=P,dst=P,proto=X,sport=R,dport=R`, every part optional but one
/// address (the other then covers its whole family).
pub fn selector(text: &str) -> Result<Selector, String> {
    let mut sel = Selector::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!("selector part {part:?} is not key=value"));
        };
        match key {
            "src" => sel.src = Some(prefix(value)?),
            "dst" => sel.dst = Some(prefix(value)?),
            "proto" => sel.proto = ip_proto(value)?,
            "sport" => sel.src_ports = Some(ports(value)?),
            "dport" => sel.dst_ports = Some(ports(value)?),
            other => {
                return Err(format!(
                    "unknown selector key {other:?} (src, dst, proto, sport, dport)"
                ))
            }
        }
    }
    complete_addresses(sel)
}

/// Fills a missing address with its family's whole space; both must share a family.
fn complete_addresses(mut sel: Selector) -> Result<Selector, String> {
    match (sel.src, sel.dst) {
        (None, None) => return Err("a selector needs src= or dst=".into()),
        (Some(src), None) => sel.dst = Some(any_of_family(&src)),
        (None, Some(dst)) => sel.src = Some(any_of_family(&dst)),
        (Some(src), Some(dst)) if src.addr.is_ipv4() != dst.addr.is_ipv4() => {
            return Err("selector src and dst are of different address families".into())
        }
        _ => {}
    }
    Ok(sel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn numbers_in_decimal_and_hex() {
        assert_eq!(number_u32("0x1000"), Ok(0x1000));
        assert_eq!(number_u32("4096"), Ok(4096));
        assert_eq!(number_u32("0XfFfF"), Ok(0xffff));
        assert!(number_u32("0x1_0000_0000").is_err());
        assert!(number_u32("4294967296").is_err());
        assert!(number_u32("ten").is_err());
        assert_eq!(number_u64("0xdeadbeefcafe"), Ok(0xdead_beef_cafe));
    }

    #[test]
    fn hex_keys() {
        assert_eq!(hex_key("0x00ff10").unwrap().as_bytes(), [0x00, 0xff, 0x10]);
        assert_eq!(
            hex_key("AB:cd 01\n").unwrap().as_bytes(),
            [0xab, 0xcd, 0x01]
        );
        assert!(hex_key("abc").is_err());
        assert!(hex_key("").is_err());
        assert!(hex_key("zz").is_err());
        assert!(hex_key("+1").is_err());
    }

    #[test]
    fn key_from_a_file() {
        let path = std::env::temp_dir().join(format!("rsecctl-key-{}", std::process::id()));
        std::fs::write(&path, "0102 0304\n").unwrap();
        let key = key_file(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(key.as_bytes(), [1, 2, 3, 4]);

        let err = key_file(Path::new("/nonexistent/key")).unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/key: "), "{err}");
    }

    #[test]
    fn full_selector() {
        let sel = selector("src=10.1.0.0/24,dst=10.2.0.0/24,proto=tcp,sport=1-65535,dport=80");
        let expected = Selector {
            src: Some(Prefix {
                addr: ip("10.1.0.0"),
                len: 24,
            }),
            dst: Some(Prefix {
                addr: ip("10.2.0.0"),
                len: 24,
            }),
            proto: 6,
            src_ports: Some(PortRange { min: 1, max: 65535 }),
            dst_ports: Some(PortRange { min: 80, max: 80 }),
        };
        assert_eq!(sel, Ok(expected));
    }

    #[test]
    fn selector_fills_the_missing_address_and_hosts() {
        let sel = selector("dst=2001:db8::5").unwrap();
        assert_eq!(
            sel.dst,
            Some(Prefix {
                addr: ip("2001:db8::5"),
                len: 128
            })
        );
        assert_eq!(
            sel.src,
            Some(Prefix {
                addr: ip("::"),
                len: 0
            })
        );
        assert_eq!(sel.proto, 0);
        assert_eq!(sel.dst_ports, None);
    }

    #[test]
    fn bad_selectors() {
        let cases = [
            ("proto=tcp", "needs src= or dst="),
            ("src=10.0.0.0/33", "too long"),
            ("src=10.0.0.0/8,dst=::/0", "different address families"),
            ("src=10.0.0.1,dport=90-80", "runs backwards"),
            ("src=10.0.0.1,port=80", "unknown selector key"),
            ("src=10.0.0.1,proto=foo", "unknown IP protocol"),
            ("src", "not key=value"),
            ("src=host.example", "not an IP address"),
        ];
        for (text, want) in cases {
            let err = selector(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
