//! Text renderings of the daemon's answers for `rsecctl`.

use std::fmt::Write;

use crate::types::{ChildSaInfo, IkeSaInfo, SaList, StatusInfo};

/// The status as a few `key: value` lines and one line per connection.
pub fn status_text(status: &StatusInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rsecd {} (pid {}), up {}",
        status.version,
        status.pid,
        duration(status.uptime_secs)
    );
    let _ = writeln!(out, "config:    {}", status.config_file);
    let _ = writeln!(
        out,
        "backend:   {} (owner cookie {:#018x})",
        status.backend, status.owner_cookie
    );
    let _ = writeln!(out, "listening: {}", status.listening.join(", "));
    let _ = writeln!(out, "connections:");
    for c in &status.connections {
        let remote = or_any(&c.remote_addrs);
        let _ = writeln!(
            out,
            "  {}: {} -> {}, start {}, children [{}], {} IKE SA(s)",
            c.name,
            or_any(&c.local_addrs),
            remote,
            c.start_action,
            c.children.join(", "),
            c.ike_sas
        );
    }
    out
}

/// The SAs as a table: one row per IKE SA, then one row per Child SA below it.
pub fn sa_table(list: &SaList) -> String {
    if list.ike_sas.is_empty() {
        return "no security associations\n".to_owned();
    }

    let mut rows = vec![header()];
    for ike in &list.ike_sas {
        rows.push(ike_row(ike));
        rows.extend(ike.children.iter().map(child_row));
    }
    render(&rows)
}

fn header() -> Vec<String> {
    [
        "NAME",
        "STATE",
        "PEER / TS",
        "SPIs (in/out)",
        "ALGORITHMS",
        "BYTES in/out",
        "PKTS in/out",
        "AGE",
        "REKEY",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn ike_row(ike: &IkeSaInfo) -> Vec<String> {
    let peer = match &ike.remote_id {
        Some(id) => format!("{} [{id}]", ike.remote),
        None => ike.remote.clone(),
    };
    let (spi_in, spi_out) = if ike.initiator {
        (&ike.spi_i, &ike.spi_r)
    } else {
        (&ike.spi_r, &ike.spi_i)
    };
    vec![
        ike.connection.clone(),
        ike.state.clone(),
        peer,
        format!("{spi_in}/{spi_out}"),
        ike.algorithms.clone().unwrap_or_else(|| "-".to_owned()),
        String::new(),
        String::new(),
        ike.established_secs
            .map_or_else(|| "-".to_owned(), duration),
        ike.rekey_in_secs.map_or_else(|| "-".to_owned(), duration),
    ]
}

fn child_row(child: &ChildSaInfo) -> Vec<String> {
    vec![
        format!("  {}", child.name),
        child.state.clone(),
        format!(
            "{} === {}",
            child.local_ts.join(","),
            child.remote_ts.join(",")
        ),
        format!("{:08x}/{:08x}", child.spi_in, child.spi_out),
        format!("{} ({})", child.algorithms, child.interface),
        format!("{}/{}", child.bytes_in, child.bytes_out),
        format!("{}/{}", child.packets_in, child.packets_out),
        duration(child.installed_secs),
        child.rekey_in_secs.map_or_else(|| "-".to_owned(), duration),
    ]
}

/// Left-aligned columns, two spaces apart, no trailing blanks.
fn render(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, "{cell:<width$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `90` → `1m30s`, `7200` → `2h0m`.
pub fn duration(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{}s", secs / 60, secs % 60),
        3600..=86_399 => format!("{}h{}m", secs / 3600, secs % 3600 / 60),
        _ => format!("{}d{}h", secs / 86_400, secs % 86_400 / 3600),
    }
}

fn or_any(addrs: &[String]) -> String {
    if addrs.is_empty() {
        "%any".to_owned()
    } else {
        addrs.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(90), "1m30s");
        assert_eq!(duration(7260), "2h1m");
        assert_eq!(duration(90_000), "1d1h");
    }

    #[test]
    fn table_lists_ike_and_child_rows_aligned() {
        let list = SaList {
            ike_sas: vec![IkeSaInfo {
                connection: "gw".into(),
                state: "established".into(),
                initiator: true,
                remote: "192.0.2.2:500".into(),
                spi_i: "0000000000000001".into(),
                spi_r: "0000000000000002".into(),
                children: vec![ChildSaInfo {
                    name: "net".into(),
                    state: "installed".into(),
                    spi_in: 0xc000_0001,
                    spi_out: 0xc000_0002,
                    bytes_in: 42,
                    ..ChildSaInfo::default()
                }],
                ..IkeSaInfo::default()
            }],
        };

        let table = sa_table(&list);
        let lines: Vec<&str> = table.lines().collect();

        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("gw "));
        assert!(lines[1].contains("0000000000000001/0000000000000002"));
        assert!(lines[2].contains("c0000001/c0000002"));
        assert!(lines[2].contains("42/0"));
        let state_column = lines[0].find("STATE").unwrap();
        assert_eq!(lines[1].find("established"), Some(state_column));
        assert_eq!(lines[2].find("installed"), Some(state_column));
    }

    #[test]
    fn empty_table_says_so() {
        assert_eq!(sa_table(&SaList::default()), "no security associations\n");
    }
}
