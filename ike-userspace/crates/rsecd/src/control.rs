//! The control socket: a Unix stream socket (mode 0600) speaking the JSON-lines protocol of
//! `rsec-control`. Only root, or the daemon's own user, may connect (checked with
//! SO_PEERCRED); each request becomes an event for the event loop.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rsec_control::{Request, Response, MAX_LINE};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, warn};

use crate::config::current_uid;
use crate::daemon::Event;

/// The listening control socket; removed from the file system when dropped.
#[derive(Debug)]
pub struct ControlServer {
    path: PathBuf,
    task: JoinHandle<()>,
}

impl ControlServer {
    /// Binds `path` (replacing a stale socket there) and starts accepting clients.
    pub fn bind(path: &Path, events: mpsc::Sender<Event>) -> io::Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::remove_file(path) {
            Ok(()) => debug!(path = %path.display(), "removed stale control socket"),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }

        let listener = UnixListener::bind(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot bind control socket {}: {e}", path.display()),
            )
        })?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        let task = tokio::spawn(accept_loop(listener, events));
        Ok(Self {
            path: path.to_owned(),
            task,
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn accept_loop(listener: UnixListener, events: mpsc::Sender<Event>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                if allowed(&stream) {
                    tokio::spawn(serve(stream, events.clone()));
                }
            }
            Err(e) => warn!(error = %e, "control socket accept failed"),
        }
    }
}

/// Root and the daemon's own user may control it.
fn allowed(stream: &UnixStream) -> bool {
    match stream.peer_cred() {
        Ok(cred) if cred.uid() == 0 || cred.uid() == current_uid() => true,
        Ok(cred) => {
            warn!(uid = cred.uid(), pid = ?cred.pid(), "control client refused");
            false
        }
        Err(e) => {
            warn!(error = %e, "control client without credentials refused");
            false
        }
    }
}

/// Answers the requests of one client, one line each, until it hangs up.
async fn serve(stream: UnixStream, events: mpsc::Sender<Event>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(n) if n > MAX_LINE => return,
            Ok(_) => {}
        }

        let response = answer(&line, &events).await;
        let mut out = serde_json::to_vec(&response).unwrap_or_default();
        out.push(b'\n');
        if writer.write_all(&out).await.is_err() {
            return;
        }
    }
}

async fn answer(line: &[u8], events: &mpsc::Sender<Event>) -> Response {
    let request: Request = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            return Response::Error {
                message: format!("bad request: {e}"),
            }
        }
    };

    debug!(?request, "control request");
    let (reply, response) = oneshot::channel();
    if events
        .send(Event::Control { request, reply })
        .await
        .is_err()
    {
        return Response::Error {
            message: "daemon is stopping".to_owned(),
        };
    }
    response.await.unwrap_or(Response::Error {
        message: "daemon is stopping".to_owned(),
    })
}
