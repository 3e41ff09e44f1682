//! What rsecd logs at its default level when authentication fails: both the initiator (told
//! by the peer) and the responder (which found the AUTH payload wrong) must say
//! AUTHENTICATION_FAILED. A test binary of its own, as it installs the global subscriber.

use std::io::Write;
use std::net::UdpSocket;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rsecd::backend::MemoryBackend;
use rsecd::config::parse;
use rsecd::daemon::Daemon;

/// Log lines of every thread, in one buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn config(dir: &Path, name: &str, peer: &str, port: u16, peer_port: u16, secret: &str) -> String {
    format!(
        r#"
[daemon]
listen = ["127.0.0.1"]
port = {port}
control_socket = "{sock}"
backend = "memory"
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
esp_proposals = ["aes128gcm16"]
local_ts = ["10.0.0.0/8"]
remote_ts = ["10.0.0.0/8"]

[secrets.ike-gw]
id = ["{name}.example.org", "{peer}.example.org"]
secret = "{secret}"
"#,
        sock = dir.join(format!("{name}.sock")).display(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_psk_is_logged_as_authentication_failed_on_both_sides() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let dir = tempfile::tempdir().unwrap();
    let (port_a, port_b) = (free_port(), free_port());
    let text_a = config(dir.path(), "a", "b", port_a, port_b, "one key");
    let text_b = config(dir.path(), "b", "a", port_b, port_a, "another key");
    let config_a = parse(&dir.path().join("a.toml"), &text_a).unwrap();
    let config_b = parse(&dir.path().join("b.toml"), &text_b).unwrap();
    let b = Daemon::start(config_b, Box::new(MemoryBackend::default()))
        .await
        .unwrap();
    let a = Daemon::start(config_a, Box::new(MemoryBackend::default()))
        .await
        .unwrap();

    let sock = a.control_path();
    tokio::task::spawn_blocking(move || {
        rsec_control::Client::connect(sock)
            .unwrap()
            .initiate("gw")
            .unwrap()
    })
    .await
    .unwrap();

    let failures = |text: &str| {
        text.lines()
            .filter(|l| l.contains("WARN") && l.contains("AUTHENTICATION_FAILED"))
            .count()
    };
    let until = Instant::now() + Duration::from_secs(10);
    while failures(&captured.text()) < 2 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = captured.text();
    a.shutdown().await;
    b.shutdown().await;

    assert!(
        text.lines().any(|l| l.contains("WARN")
            && l.contains("IKE SA failed before it was established")
            && l.contains("AUTHENTICATION_FAILED")),
        "the responder does not warn about the failed authentication:\n{text}"
    );
    assert_eq!(failures(&text), 2, "{text}");
}
