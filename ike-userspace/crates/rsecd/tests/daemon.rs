//! Two daemons in-process on 127.0.0.1 with memory backends: establishing, listing,
//! terminating and shutting down over the real UDP and control sockets.

use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rsec_control::{Client, SaList};
use rsecd::backend::{Dir, MemoryBackend, SaCounters};
use rsecd::config::{parse, OWNER_COOKIE_BASE};
use rsecd::daemon::{Daemon, DaemonError};

/// A UDP port free right now on 127.0.0.1.
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Side<'a> {
    name: &'a str,
    port: u16,
    peer: &'a str,
    peer_port: u16,
    local_net: &'a str,
    remote_net: &'a str,
    secret: &'a str,
}

fn config_text(dir: &Path, side: &Side<'_>) -> String {
    format!(
        r#"
[daemon]
listen = ["127.0.0.1"]
port = {port}
control_socket = "{sock}"
backend = "memory"
owner_id = 42
retransmit_timeout = 1
retransmit_tries = 2

[connections.gw]
local_addrs = ["127.0.0.1"]
remote_addrs = ["127.0.0.1"]
remote_port = {peer_port}
proposals = ["aes128gcm16-prfsha256-x25519"]

[connections.gw.local]
id = "{name}.example.org"

[connections.gw.remote]
id = "{peer}.example.org"

[connections.gw.children.net]
local_ts = ["{local_net}"]
remote_ts = ["{remote_net}"]
esp_proposals = ["aes128gcm16"]

[secrets.ike-gw]
id = ["{name}.example.org", "{peer}.example.org"]
secret = "{secret}"
"#,
        port = side.port,
        sock = dir.join(format!("{}.sock", side.name)).display(),
        peer_port = side.peer_port,
        name = side.name,
        peer = side.peer,
        local_net = side.local_net,
        remote_net = side.remote_net,
        secret = side.secret,
    )
}

struct Pair {
    _dir: tempfile::TempDir,
    a: Daemon,
    b: Daemon,
    mem_a: MemoryBackend,
    mem_b: MemoryBackend,
    sock_a: PathBuf,
}

async fn start_pair(secret_a: &str, secret_b: &str) -> Pair {
    let dir = tempfile::tempdir().unwrap();
    let (port_a, port_b) = (free_port(), free_port());
    let side_a = Side {
        name: "a",
        port: port_a,
        peer: "b",
        peer_port: port_b,
        local_net: "10.1.0.0/24",
        remote_net: "10.2.0.0/24",
        secret: secret_a,
    };
    let side_b = Side {
        name: "b",
        port: port_b,
        peer: "a",
        peer_port: port_a,
        local_net: "10.2.0.0/24",
        remote_net: "10.1.0.0/24",
        secret: secret_b,
    };
    let config_a = parse(
        &dir.path().join("a.toml"),
        &config_text(dir.path(), &side_a),
    )
    .unwrap();
    let config_b = parse(
        &dir.path().join("b.toml"),
        &config_text(dir.path(), &side_b),
    )
    .unwrap();
    let (mem_a, mem_b) = (MemoryBackend::default(), MemoryBackend::default());

    let b = Daemon::start(config_b, Box::new(mem_b.clone()))
        .await
        .unwrap();
    let a = Daemon::start(config_a, Box::new(mem_a.clone()))
        .await
        .unwrap();
    let sock_a = a.control_path();
    Pair {
        _dir: dir,
        a,
        b,
        mem_a,
        mem_b,
        sock_a,
    }
}

/// Runs a blocking control client call off the runtime's threads.
async fn control<T: Send + 'static>(
    path: &Path,
    f: impl FnOnce(&mut Client) -> T + Send + 'static,
) -> T {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || f(&mut Client::connect(path).unwrap()))
        .await
        .unwrap()
}

async fn list(path: &Path) -> SaList {
    control(path, |c| c.list_sas().unwrap()).await
}

/// Polls `check` every 50 ms until it holds or `limit` passes.
async fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

async fn established(pair: &Pair) -> SaList {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let sas = list(&pair.sock_a).await;
        let up = sas
            .ike_sas
            .first()
            .is_some_and(|s| s.state == "established" && s.children.len() == 1);
        if up || Instant::now() > until {
            return sas;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psk_tunnel_is_established_mirrored_and_terminated() {
    let pair = start_pair("shared secret", "shared secret").await;

    let message = control(&pair.sock_a, |c| c.initiate("gw")).await.unwrap();
    let sas = established(&pair).await;

    assert!(message.contains("initiating gw"), "{message}");
    let ike = &sas.ike_sas[0];
    assert_eq!(ike.state, "established", "{sas:?}");
    assert!(ike.initiator);
    assert_eq!(ike.remote_id.as_deref(), Some("b.example.org"));
    assert_eq!(
        ike.algorithms.as_deref(),
        Some("aes128gcm16-prfsha256-x25519")
    );
    assert_ne!(ike.spi_r, "0000000000000000");
    let child = &ike.children[0];
    assert_eq!(child.algorithms, "aes128gcm16-noesn");
    assert_eq!(child.local_ts, ["10.1.0.0/24"]);
    assert_eq!(child.remote_ts, ["10.2.0.0/24"]);
    assert!(child.rekey_in_secs.is_some_and(|s| s <= 3600));

    assert!(eventually(Duration::from_secs(5), || pair.mem_b.sas().len() == 2).await);
    let sas_a = pair.mem_a.sas();
    let sas_b = pair.mem_b.sas();
    assert_eq!(sas_a.len(), 2);
    for sa in &sas_a {
        let mirror = sas_b
            .iter()
            .find(|b| b.params.key.spi == sa.params.key.spi)
            .expect("mirrored SA");
        assert_ne!(sa.params.key.dir, mirror.params.key.dir);
        assert_eq!(
            sa.params.encr_key.as_slice(),
            mirror.params.encr_key.as_slice()
        );
        assert_eq!(sa.params.src_ts, mirror.params.src_ts);
        assert_eq!(sa.params.dst_ts, mirror.params.dst_ts);
        assert_eq!(sa.owner, OWNER_COOKIE_BASE | 42);
    }
    let inbound = sas_a.iter().find(|s| s.params.key.dir == Dir::In).unwrap();
    assert_eq!(inbound.params.key.spi, child.spi_in);
    pair.mem_a
        .set_counters(
            &inbound.params.key,
            SaCounters {
                bytes: 1234,
                packets: 5,
            },
        )
        .unwrap();
    let counted = list(&pair.sock_a).await;
    assert_eq!(counted.ike_sas[0].children[0].bytes_in, 1234);
    assert_eq!(counted.ike_sas[0].children[0].packets_in, 5);

    let terminated = control(&pair.sock_a, |c| c.terminate("gw")).await.unwrap();
    assert!(terminated.contains("terminating gw"), "{terminated}");
    assert!(
        eventually(Duration::from_secs(5), || pair.mem_a.sas().is_empty()
            && pair.mem_b.sas().is_empty())
        .await
    );
    assert!(list(&pair.sock_a).await.ike_sas.is_empty());

    pair.a.shutdown().await;
    pair.b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_deletes_the_sas_on_both_sides() {
    let pair = start_pair("k", "k").await;
    control(&pair.sock_a, |c| c.initiate("gw")).await.unwrap();
    assert_eq!(established(&pair).await.ike_sas[0].state, "established");
    assert!(eventually(Duration::from_secs(5), || pair.mem_b.sas().len() == 2).await);

    pair.a.shutdown().await;

    assert!(pair.mem_a.sas().is_empty());
    assert!(eventually(Duration::from_secs(5), || pair.mem_b.sas().is_empty()).await);
    pair.b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_psk_establishes_nothing() {
    let pair = start_pair("right", "wrong").await;

    control(&pair.sock_a, |c| c.initiate("gw")).await.unwrap();
    let gone = {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let sas = list(&pair.sock_a).await;
            assert!(
                sas.ike_sas.iter().all(|s| s.state != "established"),
                "{sas:?}"
            );
            if sas.ike_sas.is_empty() || Instant::now() > until {
                break sas.ike_sas.is_empty();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };

    assert!(gone, "the failed IKE SA should be removed");
    assert!(pair.mem_a.sas().is_empty());
    assert!(pair.mem_b.sas().is_empty());
    pair.a.shutdown().await;
    pair.b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_requests_report_errors_and_status() {
    let pair = start_pair("k", "k").await;

    let unknown = control(&pair.sock_a, |c| c.initiate("nope")).await;
    let nothing = control(&pair.sock_a, |c| c.terminate("gw")).await;
    let status = control(&pair.sock_a, |c| c.status().unwrap()).await;
    let reloaded = control(&pair.sock_a, |c| c.reload()).await;
    let mode = std::fs::metadata(&pair.sock_a)
        .unwrap()
        .permissions()
        .mode();

    assert!(unknown
        .unwrap_err()
        .to_string()
        .contains("no connection named"));
    assert!(nothing.unwrap_err().to_string().contains("no IKE SA"));
    assert_eq!(status.backend, "memory");
    assert_eq!(status.owner_cookie, OWNER_COOKIE_BASE | 42);
    assert_eq!(status.connections.len(), 1);
    assert_eq!(status.connections[0].name, "gw");
    assert_eq!(status.listening.len(), 1);
    assert!(
        reloaded.is_err(),
        "a.toml does not exist on disk, so reload must fail"
    );
    assert_eq!(mode & 0o777, 0o600);
    pair.a.shutdown().await;
    pair.b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_keeps_the_old_config_when_the_new_one_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rsecd.toml");
    let side = Side {
        name: "a",
        port: free_port(),
        peer: "b",
        peer_port: free_port(),
        local_net: "10.1.0.0/24",
        remote_net: "10.2.0.0/24",
        secret: "k",
    };
    let good = config_text(dir.path(), &side);
    std::fs::write(&file, &good).unwrap();
    let daemon = Daemon::start(
        rsecd::config::Config::load(&file).unwrap(),
        Box::new(MemoryBackend::default()),
    )
    .await
    .unwrap();
    let sock = daemon.control_path();

    std::fs::write(
        &file,
        good.replace("[connections.gw]", "[connections.gw]\nbogus = 1"),
    )
    .unwrap();
    let refused = control(&sock, |c| c.reload()).await;
    let status_after_refusal = control(&sock, |c| c.status().unwrap()).await;
    std::fs::write(&file, good.replace("connections.gw", "connections.gw2")).unwrap();
    let accepted = control(&sock, |c| c.reload()).await;
    let status = control(&sock, |c| c.status().unwrap()).await;

    let refused = refused.unwrap_err().to_string();
    assert!(
        refused.contains("rsecd.toml:") && refused.contains("bogus"),
        "{refused}"
    );
    assert_eq!(status_after_refusal.connections[0].name, "gw");
    assert!(accepted.unwrap().contains("1 added, 1 removed"));
    assert_eq!(status.connections[0].name, "gw2");
    daemon.shutdown().await;
}

#[tokio::test]
async fn start_flushes_stale_sas_of_our_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let side = Side {
        name: "a",
        port: free_port(),
        peer: "b",
        peer_port: free_port(),
        local_net: "10.1.0.0/24",
        remote_net: "10.2.0.0/24",
        secret: "k",
    };
    let config = parse(&dir.path().join("a.toml"), &config_text(dir.path(), &side)).unwrap();
    let mem = MemoryBackend::default();
    let pair = start_pair("k", "k").await;
    control(&pair.sock_a, |c| c.initiate("gw")).await.unwrap();
    established(&pair).await;
    let leftovers = pair.mem_a.sas();
    assert_eq!(leftovers.len(), 2);
    for sa in &leftovers {
        mem.insert(sa.params.clone(), sa.owner);
    }
    let mut foreign = leftovers[0].params.clone();
    foreign.key.spi ^= 1;
    mem.insert(foreign, OWNER_COOKIE_BASE | 7);

    let daemon = Daemon::start(config, Box::new(mem.clone())).await.unwrap();

    let remaining = mem.sas();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0].owner, OWNER_COOKIE_BASE | 7);
    daemon.shutdown().await;
    pair.a.shutdown().await;
    pair.b.shutdown().await;
}

#[tokio::test]
async fn a_missing_interface_is_reported_at_start_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let side = Side {
        name: "a",
        port: free_port(),
        peer: "b",
        peer_port: free_port(),
        local_net: "10.1.0.0/24",
        remote_net: "10.2.0.0/24",
        secret: "k",
    };
    let text = config_text(dir.path(), &side)
        .replace("esp_proposals", "interface = \"rsec9\"\nesp_proposals");
    let config = parse(&dir.path().join("a.toml"), &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("[connections.gw.children.net]"))
        .unwrap()
        + 1;

    let err = Daemon::start(config, Box::new(MemoryBackend::with_interfaces(&["rsec0"])))
        .await
        .unwrap_err();

    let DaemonError::Host { location, message } = &err else {
        panic!("{err}")
    };
    assert_eq!(location.line, line);
    assert!(message.contains("rsec9"), "{message}");
}
