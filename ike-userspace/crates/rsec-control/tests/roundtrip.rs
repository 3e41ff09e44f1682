//! The client against a scripted server on a real Unix socket in a temporary directory.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::thread;

use rsec_control::{Client, Error, Request, Response, SaList, StatusInfo};

/// Serves one connection: answers each request line with `answer(request)`, returning the
/// requests it saw.
fn serve(
    listener: UnixListener,
    answer: impl Fn(&Request) -> Response + Send + 'static,
) -> thread::JoinHandle<Vec<Request>> {
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut seen = Vec::new();
        for line in BufReader::new(stream).lines() {
            let request: Request = serde_json::from_str(&line.unwrap()).unwrap();
            let mut out = serde_json::to_vec(&answer(&request)).unwrap();
            out.push(b'\n');
            writer.write_all(&out).unwrap();
            seen.push(request);
        }
        seen
    })
}

#[test]
fn every_request_round_trips_over_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsecd.sock");
    let server = serve(
        UnixListener::bind(&path).unwrap(),
        |request| match request {
            Request::Status => Response::Status(StatusInfo {
                version: "1.2.3".into(),
                pid: 7,
                ..StatusInfo::default()
            }),
            Request::ListSas => Response::Sas(SaList::default()),
            Request::Initiate { connection } => Response::Ok {
                message: format!("initiating {connection}"),
            },
            Request::Terminate { connection } => Response::Error {
                message: format!("no such connection {connection}"),
            },
            Request::Reload => Response::Ok {
                message: "reloaded".into(),
            },
        },
    );

    let mut client = Client::connect(&path).unwrap();
    let status = client.status().unwrap();
    let sas = client.list_sas().unwrap();
    let initiated = client.initiate("gw").unwrap();
    let terminated = client.terminate("nope");
    let reloaded = client.reload().unwrap();
    drop(client);

    assert_eq!((status.version.as_str(), status.pid), ("1.2.3", 7));
    assert!(sas.ike_sas.is_empty());
    assert_eq!(initiated, "initiating gw");
    assert!(matches!(terminated, Err(Error::Daemon(m)) if m == "no such connection nope"));
    assert_eq!(reloaded, "reloaded");
    let seen = server.join().unwrap();
    assert_eq!(
        seen,
        vec![
            Request::Status,
            Request::ListSas,
            Request::Initiate {
                connection: "gw".into()
            },
            Request::Terminate {
                connection: "nope".into()
            },
            Request::Reload,
        ]
    );
}

#[test]
fn wire_format_is_tagged_json() {
    let request = Request::Initiate {
        connection: "gw".into(),
    };

    let text = serde_json::to_string(&request).unwrap();

    assert_eq!(text, r#"{"command":"initiate","connection":"gw"}"#);
    assert_eq!(
        serde_json::to_string(&Request::ListSas).unwrap(),
        r#"{"command":"list-sas"}"#
    );
    assert!(serde_json::from_str::<Request>(r#"{"command":"frobnicate"}"#).is_err());
    let extra = r#"{"command":"initiate","connection":"gw","x":1}"#;
    assert!(serde_json::from_str::<Request>(extra).is_err());
}

#[test]
fn a_missing_socket_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();

    let err = Client::connect(dir.path().join("absent.sock")).unwrap_err();

    assert!(matches!(err, Error::Connect { .. }), "{err}");
}

#[test]
fn a_server_that_hangs_up_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsecd.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
    });

    let mut client = Client::connect(&path).unwrap();
    let err = client.status().unwrap_err();

    server.join().unwrap();
    assert!(matches!(err, Error::Closed), "{err}");
}
