//! Printing SAs: aligned tables and details for people, JSON for machines. Keys never appear
//! (the kernel does not return them).

use std::fmt::Write;

use rsec_netlink::{Counters, Lifetime, SaInfo, Selector};
use serde::Serialize;

/// An SA as rsecctl's JSON shows it.
#[derive(Debug, Serialize)]
pub struct SaJson {
    dir: String,
    spi: u32,
    proto: String,
    mode: Option<String>,
    src: Option<String>,
    dst: String,
    ifindex: u32,
    dev: Option<String>,
    encr: Option<String>,
    integ: Option<String>,
    replay_window: u32,
    esn: bool,
    flags: u32,
    lifetime_soft: LifetimeJson,
    lifetime_hard: LifetimeJson,
    selectors: Vec<SelectorJson>,
    owner: u64,
    counters: CountersJson,
    seq: u64,
    add_time: u64,
}

#[derive(Debug, Serialize)]
struct LifetimeJson {
    bytes: u64,
    packets: u64,
    seconds: u64,
}

#[derive(Debug, Serialize)]
struct SelectorJson {
    src: Option<String>,
    dst: Option<String>,
    proto: u8,
    sport: Option<String>,
    dport: Option<String>,
}

#[derive(Debug, Serialize)]
struct CountersJson {
    packets: u64,
    bytes: u64,
    drop_replay: u64,
    drop_auth: u64,
    drop_padding: u64,
    drop_selector: u64,
    drop_malformed: u64,
    drop_seq_exhausted: u64,
}

impl From<&Lifetime> for LifetimeJson {
    fn from(l: &Lifetime) -> Self {
        LifetimeJson {
            bytes: l.bytes,
            packets: l.packets,
            seconds: l.seconds,
        }
    }
}

impl From<&Selector> for SelectorJson {
    fn from(s: &Selector) -> Self {
        SelectorJson {
            src: s.src.map(|p| p.to_string()),
            dst: s.dst.map(|p| p.to_string()),
            proto: s.proto,
            sport: s.src_ports.map(|p| p.to_string()),
            dport: s.dst_ports.map(|p| p.to_string()),
        }
    }
}

impl From<&Counters> for CountersJson {
    fn from(c: &Counters) -> Self {
        CountersJson {
            packets: c.packets,
            bytes: c.bytes,
            drop_replay: c.drop_replay,
            drop_auth: c.drop_auth,
            drop_padding: c.drop_padding,
            drop_selector: c.drop_selector,
            drop_malformed: c.drop_malformed,
            drop_seq_exhausted: c.drop_seq_exhausted,
        }
    }
}

impl SaJson {
    /// The JSON view of `sa`, with `dev` the name of its device if known.
    pub fn new(sa: &SaInfo, dev: Option<String>) -> Self {
        SaJson {
            dir: sa.id.dir.to_string(),
            spi: sa.id.spi,
            proto: sa.id.proto.to_string(),
            mode: sa.mode.map(|m| m.to_string()),
            src: sa.saddr.map(|a| a.to_string()),
            dst: sa.id.daddr.to_string(),
            ifindex: sa.ifindex,
            dev,
            encr: sa.encr_alg.map(|a| a.to_string()),
            integ: sa.integ_alg.map(|a| a.to_string()),
            replay_window: sa.replay_window,
            esn: sa.flags.esn(),
            flags: sa.flags.0,
            lifetime_soft: (&sa.lifetime_soft).into(),
            lifetime_hard: (&sa.lifetime_hard).into(),
            selectors: sa.selectors.iter().map(SelectorJson::from).collect(),
            owner: sa.owner,
            counters: (&sa.counters).into(),
            seq: sa.seq,
            add_time: sa.add_time,
        }
    }
}

/// `name` of device `ifindex`, or the number.
fn dev_text(ifindex: u32, dev: &Option<String>) -> String {
    dev.clone().unwrap_or_else(|| format!("if{ifindex}"))
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

const HEADER: [&str; 12] = [
    "DIR", "SPI", "PROTO", "MODE", "SRC", "DST", "DEV", "ENCR", "INTEG", "PACKETS", "BYTES",
    "OWNER",
];

fn row(sa: &SaInfo, dev: &Option<String>) -> Vec<String> {
    vec![
        sa.id.dir.to_string(),
        format!("{:#010x}", sa.id.spi),
        sa.id.proto.to_string(),
        or_dash(sa.mode),
        or_dash(sa.saddr),
        sa.id.daddr.to_string(),
        dev_text(sa.ifindex, dev),
        or_dash(sa.encr_alg),
        or_dash(sa.integ_alg),
        sa.counters.packets.to_string(),
        sa.counters.bytes.to_string(),
        sa.owner.to_string(),
    ]
}

/// The SAs as an aligned table, one row each.
pub fn sa_table(sas: &[(SaInfo, Option<String>)]) -> String {
    if sas.is_empty() {
        return "no SAs\n".to_string();
    }
    let mut rows = vec![HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    rows.extend(sas.iter().map(|(sa, dev)| row(sa, dev)));
    align(&rows)
}

/// Rows with columns padded to their widest cell, two spaces apart.
fn align(rows: &[Vec<String>]) -> String {
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

fn lifetime_text(l: &Lifetime) -> String {
    if l.is_unlimited() {
        return "none".to_string();
    }
    format!("{} bytes, {} packets, {} s", l.bytes, l.packets, l.seconds)
}

fn selector_text(s: &Selector) -> String {
    let mut out = format!("{} -> {}", or_dash(s.src), or_dash(s.dst));
    if s.proto != 0 {
        let _ = write!(out, " proto {}", s.proto);
    }
    if let Some(p) = s.src_ports {
        let _ = write!(out, " sport {p}");
    }
    if let Some(p) = s.dst_ports {
        let _ = write!(out, " dport {p}");
    }
    out
}

/// One SA in detail, a `key: value` line each.
pub fn sa_details(sa: &SaInfo, dev: &Option<String>) -> String {
    let c = &sa.counters;
    let mut out = String::new();
    let _ = writeln!(out, "{} {} spi {:#010x}", sa.id.proto, sa.id.dir, sa.id.spi);
    let _ = writeln!(out, "  mode:       {}", or_dash(sa.mode));
    let _ = writeln!(
        out,
        "  outer:      {} -> {}",
        or_dash(sa.saddr),
        sa.id.daddr
    );
    let _ = writeln!(
        out,
        "  device:     {} (ifindex {})",
        dev_text(sa.ifindex, dev),
        sa.ifindex
    );
    let _ = writeln!(out, "  encryption: {}", or_dash(sa.encr_alg));
    let _ = writeln!(out, "  integrity:  {}", or_dash(sa.integ_alg));
    let _ = writeln!(
        out,
        "  replay:     window {}, esn {}",
        sa.replay_window,
        yes_no(sa.flags.esn())
    );
    let _ = writeln!(out, "  soft limit: {}", lifetime_text(&sa.lifetime_soft));
    let _ = writeln!(out, "  hard limit: {}", lifetime_text(&sa.lifetime_hard));
    for s in &sa.selectors {
        let _ = writeln!(out, "  selector:   {}", selector_text(s));
    }
    let _ = writeln!(out, "  owner:      {:#x}", sa.owner);
    let _ = writeln!(out, "  seq:        {}", sa.seq);
    let _ = writeln!(out, "  age:        {} s", sa.add_time);
    let _ = writeln!(
        out,
        "  traffic:    {} packets, {} bytes",
        c.packets, c.bytes
    );
    let _ = writeln!(
        out,
        "  dropped:    replay {}, auth {}, padding {}, selector {}, malformed {}, seq-exhausted {}",
        c.drop_replay,
        c.drop_auth,
        c.drop_padding,
        c.drop_selector,
        c.drop_malformed,
        c.drop_seq_exhausted
    );
    out
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsec_netlink::{Dir, EncrAlg, Mode, PortRange, Prefix, Proto, SaFlags, SaId};

    fn sample() -> SaInfo {
        SaInfo {
            id: SaId {
                dir: Dir::In,
                spi: 0x1000,
                proto: Proto::Esp,
                daddr: "198.51.100.2".parse().unwrap(),
            },
            mode: Some(Mode::Tunnel),
            saddr: Some("198.51.100.1".parse().unwrap()),
            ifindex: 4,
            encr_alg: Some(EncrAlg::AesGcm16),
            integ_alg: None,
            replay_window: 64,
            flags: SaFlags::ESN,
            lifetime_soft: Lifetime::default(),
            lifetime_hard: Lifetime {
                seconds: 3600,
                ..Lifetime::default()
            },
            selectors: vec![Selector {
                src: Some(Prefix {
                    addr: "10.1.0.0".parse().unwrap(),
                    len: 24,
                }),
                dst: Some(Prefix {
                    addr: "10.2.0.0".parse().unwrap(),
                    len: 24,
                }),
                proto: 6,
                src_ports: None,
                dst_ports: Some(PortRange { min: 80, max: 80 }),
            }],
            owner: 7,
            counters: Counters {
                packets: 5,
                bytes: 640,
                ..Counters::default()
            },
            seq: 5,
            add_time: 12,
        }
    }

    #[test]
    fn table_aligns_columns() {
        let table = sa_table(&[(sample(), Some("rsec0".into()))]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("DIR  SPI         PROTO  MODE"),
            "{table}"
        );
        assert!(
            lines[1].starts_with("in   0x00001000  esp    tunnel"),
            "{table}"
        );
        assert!(lines[1].contains("rsec0  aes-gcm-16  -  "), "{table}");
        assert!(lines[1].ends_with("5        640    7"), "{table}");
        assert_eq!(sa_table(&[]), "no SAs\n");
    }

    #[test]
    fn details_show_selectors_and_limits() {
        let text = sa_details(&sample(), &None);
        assert!(text.starts_with("esp in spi 0x00001000\n"), "{text}");
        assert!(text.contains("device:     if4 (ifindex 4)"), "{text}");
        assert!(
            text.contains("selector:   10.1.0.0/24 -> 10.2.0.0/24 proto 6 dport 80"),
            "{text}"
        );
        assert!(
            text.contains("hard limit: 0 bytes, 0 packets, 3600 s"),
            "{text}"
        );
        assert!(text.contains("replay:     window 64, esn on"), "{text}");
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_value(SaJson::new(&sample(), Some("rsec0".into()))).unwrap();
        assert_eq!(json["dir"], "in");
        assert_eq!(json["spi"], 4096);
        assert_eq!(json["encr"], "aes-gcm-16");
        assert_eq!(json["integ"], serde_json::Value::Null);
        assert_eq!(json["dev"], "rsec0");
        assert_eq!(json["esn"], true);
        assert_eq!(json["selectors"][0]["dport"], "80");
        assert_eq!(json["selectors"][0]["sport"], serde_json::Value::Null);
        assert_eq!(json["lifetime_hard"]["seconds"], 3600);
        assert_eq!(json["counters"]["bytes"], 640);
        assert!(json.get("encr_key").is_none() && json.get("key").is_none());
    }
}
