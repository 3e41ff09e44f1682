//! Parsers of the configuration's value syntaxes: durations, identities, addresses and
//! traffic selectors. Each returns a message without position; the caller adds it.

use std::net::IpAddr;
use std::time::Duration;

use ikev2::config::Identity;
use ikev2::ts::TsRange;

use super::raw::RawDuration;

/// `30`, `"30s"`, `"10m"`, `"4h"`, `"1d"`: a number of seconds, or a number with a unit.
pub fn duration(raw: &RawDuration) -> Result<Duration, String> {
    match raw {
        RawDuration::Seconds(n) => u64::try_from(*n)
            .map(Duration::from_secs)
            .map_err(|_| format!("duration {n} is negative")),
        RawDuration::Text(text) => duration_text(text),
    }
}

fn duration_text(text: &str) -> Result<Duration, String> {
    let bad =
        || format!("bad duration {text:?} (expected e.g. 45, \"30s\", \"10m\", \"4h\", \"1d\")");
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };

    number
        .checked_mul(factor)
        .map(Duration::from_secs)
        .ok_or_else(bad)
}

/// An identity: an IP address, `@fqdn` or `fqdn`, `user@domain`, or `@#hex` for a key id.
/// `%any` is `None` (any identity).
pub fn identity(text: &str) -> Result<Option<Identity>, String> {
    let text = text.trim();
    if text == "%any" {
        return Ok(None);
    }
    if text.is_empty() {
        return Err("empty identity".to_owned());
    }

    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(Some(match addr {
            IpAddr::V4(a) => Identity::Ipv4(a),
            IpAddr::V6(a) => Identity::Ipv6(a),
        }));
    }
    if let Some(hex) = text.strip_prefix("@#") {
        return hex_bytes(hex).map(|k| Some(Identity::KeyId(k)));
    }
    if let Some(fqdn) = text.strip_prefix('@') {
        return Ok(Some(Identity::Fqdn(fqdn.to_owned())));
    }
    if text.contains('@') {
        return Ok(Some(Identity::Rfc822(text.to_owned())));
    }
    Ok(Some(Identity::Fqdn(text.to_owned())))
}

/// An identity as the configuration would write it.
pub fn identity_text(id: &Identity) -> String {
    match id {
        Identity::Ipv4(a) => a.to_string(),
        Identity::Ipv6(a) => a.to_string(),
        Identity::Fqdn(s) | Identity::Rfc822(s) => s.clone(),
        Identity::KeyId(k) => format!("@#{}", hex_text(k)),
    }
}

/// Lower-case hex of `bytes`.
pub fn hex_text(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Octets from hex digits (an even number of them).
pub fn hex_bytes(hex: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("bad hex {hex:?}"))?;
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(format!(
            "bad hex {hex:?}: needs an even, non-zero number of digits"
        ));
    }

    Ok(digits
        .chunks(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect())
}

/// An address of `local_addrs`/`remote_addrs`/`listen`.
pub fn address(text: &str) -> Result<IpAddr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("bad IP address {text:?} (host names are not supported)"))
}

/// A traffic selector: `10.1.0.0/24`, `10.1.0.7`, `10.1.0.1-10.1.0.9` or `0.0.0.0/0`,
/// optionally followed by `[proto]` or `[proto/port]`, where proto is `tcp`, `udp`,
/// `icmp`, `icmpv6`, `any` or a number, and port is a number, a range `1000-2000`
/// or `%any`.
pub fn traffic_selector(text: &str) -> Result<TsRange, String> {
    let text = text.trim();
    let (addrs, filter) = match text.split_once('[') {
        Some((a, rest)) => {
            let inner = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("traffic selector {text:?}: missing ']'"))?;
            (a, Some(inner))
        }
        None => (text, None),
    };

    let mut ts = ts_addresses(addrs).map_err(|e| format!("traffic selector {text:?}: {e}"))?;
    if let Some(filter) = filter {
        ts_filter(&mut ts, filter).map_err(|e| format!("traffic selector {text:?}: {e}"))?;
    }
    Ok(ts)
}

fn ts_addresses(text: &str) -> Result<TsRange, String> {
    if let Some((addr, prefix)) = text.split_once('/') {
        let addr: IpAddr = addr.parse().map_err(|_| format!("bad address {addr:?}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= max)
            .ok_or_else(|| format!("bad prefix length {prefix:?}"))?;
        return Ok(TsRange::subnet(addr, prefix));
    }

    if let Some((start, end)) = text.split_once('-') {
        let start: IpAddr = start
            .parse()
            .map_err(|_| format!("bad address {start:?}"))?;
        let end: IpAddr = end.parse().map_err(|_| format!("bad address {end:?}"))?;
        if start.is_ipv4() != end.is_ipv4() || start > end {
            return Err("range ends must be one family, first <= last".to_owned());
        }
        return Ok(TsRange::range(start, end));
    }

    let addr: IpAddr = text.parse().map_err(|_| format!("bad address {text:?}"))?;
    Ok(TsRange::host(addr))
}

fn ts_filter(ts: &mut TsRange, filter: &str) -> Result<(), String> {
    let (proto, port) = match filter.split_once('/') {
        Some((proto, port)) => (proto, Some(port)),
        None => (filter, None),
    };

    ts.protocol = match proto {
        "" | "any" | "%any" => 0,
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        "icmpv6" | "ipv6-icmp" => 58,
        "sctp" => 132,
        number => number
            .parse()
            .map_err(|_| format!("unknown protocol {number:?}"))?,
    };
    let Some(port) = port else { return Ok(()) };
    if port == "%any" {
        return Ok(());
    }

    let (start, end) = port.split_once('-').unwrap_or((port, port));
    let start: u16 = start.parse().map_err(|_| format!("bad port {start:?}"))?;
    let end: u16 = end.parse().map_err(|_| format!("bad port {end:?}"))?;
    if start > end {
        return Err(format!("port range {port:?} is empty"));
    }
    ts.start_port = start;
    ts.end_port = end;
    Ok(())
}

/// A traffic selector as the configuration would write it.
pub fn ts_text(ts: &TsRange) -> String {
    let mut out = prefix_text(ts).unwrap_or_else(|| format!("{}-{}", ts.start, ts.end));
    let any_port = ts.start_port == 0 && ts.end_port == u16::MAX;
    if ts.protocol != 0 || !any_port {
        let proto = match ts.protocol {
            0 => "any".to_owned(),
            6 => "tcp".to_owned(),
            17 => "udp".to_owned(),
            n => n.to_string(),
        };
        out.push_str(&format!("[{proto}"));
        if !any_port {
            if ts.start_port == ts.end_port {
                out.push_str(&format!("/{}", ts.start_port));
            } else {
                out.push_str(&format!("/{}-{}", ts.start_port, ts.end_port));
            }
        }
        out.push(']');
    }
    out
}

/// `addr/len` if the range is one prefix.
fn prefix_text(ts: &TsRange) -> Option<String> {
    let (start, end, bits) = match (ts.start, ts.end) {
        (IpAddr::V4(s), IpAddr::V4(e)) => (u128::from(u32::from(s)), u128::from(u32::from(e)), 32),
        (IpAddr::V6(s), IpAddr::V6(e)) => (u128::from(s), u128::from(e), 128),
        _ => return None,
    };
    let mask = start ^ end;
    let is_prefix = mask & mask.wrapping_add(1) == 0 && start & mask == 0;
    let len = bits - mask.count_ones();
    is_prefix.then(|| format!("{}/{len}", ts.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            duration(&RawDuration::Seconds(45)),
            Ok(Duration::from_secs(45))
        );
        assert_eq!(
            duration(&RawDuration::Text("30s".into())),
            Ok(Duration::from_secs(30))
        );
        assert_eq!(
            duration(&RawDuration::Text("10m".into())),
            Ok(Duration::from_secs(600))
        );
        assert_eq!(
            duration(&RawDuration::Text("4h".into())),
            Ok(Duration::from_secs(14_400))
        );
        assert_eq!(
            duration(&RawDuration::Text("1d".into())),
            Ok(Duration::from_secs(86_400))
        );
        assert_eq!(duration(&RawDuration::Text("0".into())), Ok(Duration::ZERO));
        assert!(duration(&RawDuration::Text("4 hours".into())).is_err());
        assert!(duration(&RawDuration::Text("h".into())).is_err());
        assert!(duration(&RawDuration::Seconds(-1)).is_err());
    }

    #[test]
    fn identities() {
        assert_eq!(identity("%any"), Ok(None));
        assert_eq!(
            identity("192.0.2.1"),
            Ok(Some(Identity::Ipv4([192, 0, 2, 1].into())))
        );
        assert_eq!(
            identity("2001:db8::1"),
            Ok(Some(Identity::Ipv6("2001:db8::1".parse().unwrap())))
        );
        assert_eq!(
            identity("gw.example.org"),
            Ok(Some(Identity::Fqdn("gw.example.org".into())))
        );
        assert_eq!(identity("@gw"), Ok(Some(Identity::Fqdn("gw".into()))));
        assert_eq!(
            identity("a@b.org"),
            Ok(Some(Identity::Rfc822("a@b.org".into())))
        );
        assert_eq!(
            identity("@#0a0B"),
            Ok(Some(Identity::KeyId(vec![0x0a, 0x0b])))
        );
        assert!(identity("@#0a0").is_err());
        assert!(identity("").is_err());
    }

    #[test]
    fn traffic_selectors() {
        let net = traffic_selector("10.1.0.0/24").unwrap();
        assert_eq!(net.start, "10.1.0.0".parse::<IpAddr>().unwrap());
        assert_eq!(net.end, "10.1.0.255".parse::<IpAddr>().unwrap());
        assert_eq!(
            (net.protocol, net.start_port, net.end_port),
            (0, 0, u16::MAX)
        );

        let host = traffic_selector("2001:db8::7").unwrap();
        assert_eq!(host.start, host.end);

        let web = traffic_selector("10.0.0.1-10.0.0.9[tcp/80]").unwrap();
        assert_eq!(web.end, "10.0.0.9".parse::<IpAddr>().unwrap());
        assert_eq!((web.protocol, web.start_port, web.end_port), (6, 80, 80));

        let ports = traffic_selector("0.0.0.0/0[udp/1000-2000]").unwrap();
        assert_eq!(
            (ports.protocol, ports.start_port, ports.end_port),
            (17, 1000, 2000)
        );
        assert_eq!(traffic_selector("::/0[58]").unwrap().protocol, 58);

        for bad in [
            "10.1.0.0/33",
            "10.1.0.300",
            "10.0.0.9-10.0.0.1",
            "10.0.0.0/8[tcp",
            "1.2.3.4[tcp/x]",
            "1.2.3.4[foo]",
            "1.2.3.4-::1",
        ] {
            assert!(traffic_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selectors_print_as_written() {
        for text in [
            "10.1.0.0/24",
            "10.1.0.7/32",
            "0.0.0.0/0",
            "10.0.0.1-10.0.0.9",
            "10.0.0.0/8[tcp/80]",
            "::/0[udp/1000-2000]",
            "2001:db8::/64",
        ] {
            assert_eq!(ts_text(&traffic_selector(text).unwrap()), text);
        }
    }
}
