//! Configuration parsing: every key, the defaults, and each kind of error with its position.

use std::net::IpAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use ikev2::config::{Esn, Identity, Mode};
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use rsecd::config::{parse, BackendKind, Config, ConfigError, DpdAction, OWNER_COOKIE_BASE};

fn load(text: &str) -> Result<Config, ConfigError> {
    parse(Path::new("rsecd.toml"), text)
}

/// The line and column of an error, asserting it has a position in `rsecd.toml`.
fn position(err: &ConfigError) -> (usize, usize) {
    let location = err
        .location()
        .unwrap_or_else(|| panic!("no location: {err}"));
    assert_eq!(location.file, Path::new("rsecd.toml"));
    (location.line, location.column)
}

fn line_of(text: &str) -> usize {
    let err = load(text).unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("rsecd.toml:"), "{shown}");
    position(&err).0
}

const FULL: &str = r#"
[daemon]
listen = ["127.0.0.1", "::1"]
port = 4500
control_socket = "/tmp/rsecd-test.sock"
owner_id = 7
backend = "memory"
retransmit_timeout = "2s"
retransmit_base = 1.5
retransmit_tries = 3

[connections.gw]
version = 2
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
local_port = 4501
remote_port = 4502
proposals = ["aes256gcm16-prfsha384-x25519", "aes256-sha256-modp2048"]
dpd_delay = "30s"
rekey_time = "2h"
over_time = "10m"
rand_time = "5m"

[connections.gw.local]
auth = "psk"
id = "gw1.example.org"

[connections.gw.remote]
auth = "psk"
id = "gw2.example.org"

[connections.gw.children.net]
local_ts = ["10.1.0.0/24"]
remote_ts = ["10.2.0.0/24", "10.3.0.1[tcp/80]"]
esp_proposals = ["aes128gcm16-esn", "chacha20poly1305-x25519"]
mode = "transport"
interface = "rsec3"
start_action = "start"
dpd_action = "restart"
rekey_time = "50m"
life_time = "1h"
rand_time = "3m"
rekey_bytes = 1000000
life_bytes = 2000000

[secrets.ike-gw]
id = ["gw1.example.org", "gw2.example.org"]
secret = "0x0102030405"
"#;

#[test]
fn every_key_is_read() {
    let config = load(FULL).unwrap();

    let d = &config.daemon;
    assert_eq!(
        d.listen,
        [
            "127.0.0.1".parse::<IpAddr>().unwrap(),
            "::1".parse().unwrap()
        ]
    );
    assert_eq!(d.port, 4500);
    assert_eq!(d.control_socket, Path::new("/tmp/rsecd-test.sock"));
    assert_eq!(d.owner_cookie(), OWNER_COOKIE_BASE | 7);
    assert_eq!(d.backend, BackendKind::Memory);
    assert_eq!(d.retransmit.initial, Duration::from_secs(2));
    assert!((d.retransmit.factor - 1.5).abs() < f64::EPSILON);
    assert_eq!(d.retransmit.max_retransmits, 3);

    let c = config.connection("gw").unwrap();
    assert_eq!(c.location.line, 12);
    assert_eq!(c.local_addrs, ["192.0.2.1".parse::<IpAddr>().unwrap()]);
    assert_eq!(c.remote_addrs, ["192.0.2.2".parse::<IpAddr>().unwrap()]);
    assert_eq!((c.local_port, c.remote_port), (4501, 4502));
    assert_eq!(c.proposals.len(), 2);
    assert_eq!(c.proposals[0].encr, [EncrAlg::AesGcm16_256]);
    assert_eq!(c.proposals[0].prf, [PrfAlg::HmacSha2_384]);
    assert_eq!(c.proposals[1].integ, [IntegAlg::HmacSha2_256_128]);
    assert_eq!(c.proposals[1].dh, [DhGroup::Modp2048]);
    assert_eq!(c.dpd_delay, Some(Duration::from_secs(30)));
    assert_eq!(c.rekey_time, Some(Duration::from_secs(7200)));
    assert_eq!(c.over_time, Duration::from_secs(600));
    assert_eq!(c.rand_time, Duration::from_secs(300));
    assert_eq!(c.local_id, Identity::Fqdn("gw1.example.org".into()));
    assert_eq!(c.remote_id, Some(Identity::Fqdn("gw2.example.org".into())));
    assert_eq!(c.psk.0.as_slice(), [1, 2, 3, 4, 5]);

    let child = &c.children[0];
    assert_eq!(child.name, "net");
    assert_eq!(child.local_ts.len(), 1);
    assert_eq!(child.remote_ts.len(), 2);
    assert_eq!(child.remote_ts[1].protocol, 6);
    assert_eq!(child.esp_proposals.len(), 2);
    assert_eq!(child.esp_proposals[0].esn, [Esn::Yes]);
    assert_eq!(child.esp_proposals[1].dh, [DhGroup::Curve25519]);
    assert_eq!(child.mode, Mode::Transport);
    assert_eq!(child.interface, "rsec3");
    assert!(child.start);
    assert_eq!(child.dpd_action, DpdAction::Restart);
    assert_eq!(child.rekey_time, Some(Duration::from_secs(3000)));
    assert_eq!(child.life_time, Some(Duration::from_secs(3600)));
    assert_eq!(child.rand_time, Duration::from_secs(180));
    assert_eq!(
        (child.rekey_bytes, child.life_bytes),
        (1_000_000, 2_000_000)
    );
    assert!(config.has_inline_secrets);
}

const MINIMAL: &str = r#"
[connections.gw]
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
[connections.gw.children.net]
[secrets.ike]
secret = "s3cret"
"#;

#[test]
fn defaults() {
    let config = load(MINIMAL).unwrap();

    let d = &config.daemon;
    assert_eq!(d.port, 500);
    assert_eq!(d.listen.len(), 2);
    assert_eq!(d.control_socket, Path::new("/run/rsecd.sock"));
    assert_eq!(d.backend, BackendKind::Netlink);
    assert_eq!(d.owner_cookie(), OWNER_COOKIE_BASE | 1);
    let c = &config.connections[0];
    assert_eq!((c.local_port, c.remote_port), (500, 500));
    assert_eq!(c.local_id, Identity::Ipv4([192, 0, 2, 1].into()));
    assert_eq!(c.remote_id, None);
    assert_eq!(c.proposals, rsecd::proposal::default_ike());
    assert_eq!(c.dpd_delay, None);
    assert_eq!(c.rekey_time, Some(Duration::from_secs(4 * 3600)));
    assert_eq!(c.over_time, Duration::from_secs(1440));
    assert_eq!(c.rand_time, Duration::from_secs(1440));
    let child = &c.children[0];
    assert_eq!(
        child.local_ts[0].start,
        "192.0.2.1".parse::<IpAddr>().unwrap()
    );
    assert_eq!(child.local_ts[0].start, child.local_ts[0].end);
    assert_eq!(
        child.remote_ts[0].start,
        "192.0.2.2".parse::<IpAddr>().unwrap()
    );
    assert_eq!(child.esp_proposals, rsecd::proposal::default_esp());
    assert_eq!(child.mode, Mode::Tunnel);
    assert_eq!(child.interface, "rsec0");
    assert!(!child.start);
    assert_eq!(child.dpd_action, DpdAction::Clear);
    assert_eq!(child.rekey_time, Some(Duration::from_secs(3600)));
    assert_eq!(child.life_time, Some(Duration::from_secs(3960)));
    assert_eq!(child.rand_time, Duration::from_secs(360));
    assert_eq!(c.psk.0.as_slice(), b"s3cret");
}

#[test]
fn zero_times_turn_rekeying_off() {
    let text = MINIMAL.replace(
        "[connections.gw.children.net]",
        "rekey_time = 0\ndpd_delay = \"0s\"\n[connections.gw.children.net]\nrekey_time = 0\nlife_time = 0",
    );

    let config = load(&text).unwrap();

    let c = &config.connections[0];
    assert_eq!((c.rekey_time, c.dpd_delay), (None, None));
    assert_eq!(
        (c.children[0].rekey_time, c.children[0].life_time),
        (None, None)
    );
}

#[test]
fn toml_syntax_error_has_its_line() {
    assert_eq!(line_of("[daemon]\nport = 500\nlisten = [\"::\"\n"), 4);
    assert_eq!(line_of("\n\n[daemon\n"), 3);
}

#[test]
fn unknown_key_has_its_line() {
    let text = MINIMAL.replace("remote_addrs", "reauth_time = \"1h\"\nremote_addrs");

    let err = load(&text).unwrap_err();

    assert_eq!(position(&err).0, 4);
    assert!(err.to_string().contains("reauth_time"), "{err}");
}

#[test]
fn wrong_type_has_its_line() {
    assert_eq!(line_of("[daemon]\n\nport = \"five hundred\"\n"), 3);
}

#[test]
fn unknown_proposal_keyword_has_its_line_and_column() {
    let text = MINIMAL.replace(
        "remote_addrs = [\"192.0.2.2\"]",
        "remote_addrs = [\"192.0.2.2\"]\nproposals = [\"aes128gcm16-x25519\", \"aes128gcm16-x2519\"]",
    );

    let err = load(&text).unwrap_err();

    assert_eq!(position(&err), (5, 36));
    assert!(err.to_string().contains("x2519"), "{err}");
}

#[test]
fn bad_esp_proposal_has_its_line() {
    let text = MINIMAL.replace(
        "[connections.gw.children.net]",
        "[connections.gw.children.net]\nesp_proposals = [\"aes128gcm16-prfsha256\"]",
    );

    assert_eq!(line_of(&text), 6);
}

#[test]
fn bad_traffic_selector_has_its_line() {
    let text = MINIMAL.replace(
        "[connections.gw.children.net]",
        "[connections.gw.children.net]\nlocal_ts = [\"10.0.0.0/8\"]\nremote_ts = [\"10.0.0.0/40\"]",
    );

    assert_eq!(line_of(&text), 7);
}

#[test]
fn bad_values_have_their_lines() {
    let cases = [
        (
            "local_addrs = [\"192.0.2.1\"]",
            "local_addrs = [\"gw.example.org\"]",
        ),
        (
            "[connections.gw.children.net]",
            "[connections.gw.children.net]\nmode = \"beet\"",
        ),
        (
            "[connections.gw.children.net]",
            "[connections.gw.children.net]\nstart_action = \"trap\"",
        ),
        (
            "[connections.gw.children.net]",
            "[connections.gw.children.net]\nrekey_time = \"4 hours\"",
        ),
        (
            "[connections.gw.children.net]",
            "[connections.gw.children.net]\nrekey_time = \"1h\"\nlife_time = \"30m\"",
        ),
        ("remote_addrs", "version = 1\nremote_addrs"),
    ];
    let lines = [3, 6, 6, 6, 7, 4];

    for ((from, to), line) in cases.iter().zip(lines) {
        assert_eq!(line_of(&MINIMAL.replace(from, to)), line, "{to}");
    }
}

#[test]
fn unsupported_auth_method_has_its_line() {
    let text = MINIMAL.replace(
        "[connections.gw.children.net]",
        "[connections.gw.local]\nauth = \"pubkey\"\n[connections.gw.children.net]",
    );

    assert_eq!(line_of(&text), 6);
}

#[test]
fn missing_secret_names_the_connection() {
    let text = MINIMAL.replace(
        "[secrets.ike]\nsecret = \"s3cret\"\n",
        "[secrets.ike-other]\nid = \"other.example.org\"\nsecret = \"x\"\n",
    );

    let err = load(&text).unwrap_err();

    assert_eq!(position(&err).0, 2);
    assert!(err.to_string().contains("no secret"), "{err}");
}

#[test]
fn secret_matching_both_identities_wins() {
    let text = r#"
[connections.a]
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
[connections.a.local]
id = "me"
[connections.a.remote]
id = "you"
[connections.a.children.c]
[secrets.ike-1]
id = "me"
secret = "one"
[secrets.ike-2]
id = ["me", "you"]
secret = "two"
[secrets.ike-3]
secret = "three"
"#;

    let config = load(text).unwrap();

    assert_eq!(config.connections[0].psk.0.as_slice(), b"two");
}

#[test]
fn secret_needs_exactly_one_source() {
    let both = MINIMAL.replace(
        "secret = \"s3cret\"",
        "secret = \"a\"\nsecret_file = \"/nonexistent\"",
    );
    let neither = MINIMAL.replace("secret = \"s3cret\"", "id = \"x\"");

    assert_eq!(line_of(&both), 6);
    assert_eq!(line_of(&neither), 6);
}

#[test]
fn secret_name_must_start_with_ike() {
    assert_eq!(
        line_of(&MINIMAL.replace("[secrets.ike]", "[secrets.eap-x]")),
        6
    );
}

#[test]
fn second_child_is_refused() {
    let text = MINIMAL.replace(
        "[connections.gw.children.net]",
        "[connections.gw.children.net]\n[connections.gw.children.web]",
    );

    assert_eq!(line_of(&text), 6);
}

#[test]
fn connection_without_children_is_refused() {
    assert_eq!(
        line_of(&MINIMAL.replace("[connections.gw.children.net]\n", "")),
        2
    );
}

#[test]
fn dynamic_selectors_need_addresses() {
    let text = MINIMAL.replace("remote_addrs = [\"192.0.2.2\"]\n", "");

    let err = load(&text).unwrap_err();

    assert_eq!(position(&err).0, 4);
    assert!(err.to_string().contains("remote_ts"), "{err}");
}

fn secret_file_config(dir: &Path, mode: u32) -> String {
    let path = dir.join("gw.psk");
    std::fs::write(&path, "file-secret\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    MINIMAL.replace(
        "secret = \"s3cret\"",
        &format!("secret_file = {:?}", path.display().to_string()),
    )
}

#[test]
fn secret_file_readable_by_owner_only_is_read() {
    let dir = tempfile::tempdir().unwrap();

    let config = load(&secret_file_config(dir.path(), 0o600)).unwrap();

    assert_eq!(config.connections[0].psk.0.as_slice(), b"file-secret");
    assert!(!config.has_inline_secrets);
}

#[test]
fn secret_file_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();

    for mode in [0o644, 0o640, 0o604] {
        let err = load(&secret_file_config(dir.path(), mode)).unwrap_err();
        assert_eq!(position(&err).0, 7, "{err}");
        assert!(err.to_string().contains("accessible to others"), "{err}");
    }
}

#[test]
fn missing_secret_file_is_refused() {
    let text = MINIMAL.replace(
        "secret = \"s3cret\"",
        "secret_file = \"/nonexistent/gw.psk\"",
    );

    let err = load(&text).unwrap_err();

    assert_eq!(position(&err).0, 7);
    assert!(err.to_string().contains("/nonexistent/gw.psk"), "{err}");
}

#[test]
fn load_names_the_file_it_cannot_read() {
    let err = Config::load(Path::new("/nonexistent/rsecd.toml")).unwrap_err();

    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(
        err.to_string().starts_with("/nonexistent/rsecd.toml:"),
        "{err}"
    );
}

#[test]
fn example_in_the_documentation_parses() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../Documentation/config.md"
    ))
    .unwrap();
    let start = doc.find("```toml\n").expect("config.md has a toml example") + 8;
    let end = start + doc[start..].find("```").unwrap();

    let config = load(&doc[start..end]).unwrap();

    assert!(!config.connections.is_empty());
}
