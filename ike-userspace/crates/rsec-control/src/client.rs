//! A blocking client of the daemon's control socket.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use crate::types::{Request, Response, SaList, StatusInfo};
use crate::MAX_LINE;

/// How long the client waits for the daemon's answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong talking to the daemon.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The socket could not be reached (is rsecd running? are you root?).
    #[error("cannot connect to {path}: {source}")]
    Connect {
        /// The socket path.
        path: String,
        /// What the system said.
        source: io::Error,
    },
    /// Reading or writing the socket failed.
    #[error("control socket: {0}")]
    Io(#[from] io::Error),
    /// The daemon's answer is not a response of this protocol.
    #[error("malformed response from the daemon: {0}")]
    Protocol(String),
    /// The daemon closed the connection without answering.
    #[error("the daemon closed the connection")]
    Closed,
    /// The daemon refused the command.
    #[error("{0}")]
    Daemon(String),
}

/// A connection to rsecd's control socket.
#[derive(Debug)]
pub struct Client {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Client {
    /// Connects to the socket at `path`.
    pub fn connect(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let stream = UnixStream::connect(path).map_err(|source| Error::Connect {
            path: path.display().to_string(),
            source,
        })?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;

        let writer = stream.try_clone()?;
        Ok(Self {
            reader: BufReader::new(stream),
            writer,
        })
    }

    /// Sends `request` and waits for the response, whatever it is.
    pub fn request(&mut self, request: &Request) -> Result<Response, Error> {
        let mut line = serde_json::to_vec(request).map_err(|e| Error::Protocol(e.to_string()))?;
        line.push(b'\n');
        self.writer.write_all(&line)?;

        let mut answer = Vec::new();
        let read = (&mut self.reader)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut answer)?;
        if read == 0 {
            return Err(Error::Closed);
        }

        serde_json::from_slice(&answer).map_err(|e| Error::Protocol(e.to_string()))
    }

    /// The daemon's status.
    pub fn status(&mut self) -> Result<StatusInfo, Error> {
        match self.request(&Request::Status)? {
            Response::Status(status) => Ok(status),
            other => Err(unexpected(other)),
        }
    }

    /// Every IKE and Child SA.
    pub fn list_sas(&mut self) -> Result<SaList, Error> {
        match self.request(&Request::ListSas)? {
            Response::Sas(list) => Ok(list),
            other => Err(unexpected(other)),
        }
    }

    /// Starts the named connection; returns the daemon's message.
    pub fn initiate(&mut self, connection: &str) -> Result<String, Error> {
        let request = Request::Initiate {
            connection: connection.to_owned(),
        };
        self.command(&request)
    }

    /// Deletes the named connection's SAs; returns the daemon's message.
    pub fn terminate(&mut self, connection: &str) -> Result<String, Error> {
        let request = Request::Terminate {
            connection: connection.to_owned(),
        };
        self.command(&request)
    }

    /// Makes the daemon read its configuration again; returns its message.
    pub fn reload(&mut self) -> Result<String, Error> {
        self.command(&Request::Reload)
    }

    fn command(&mut self, request: &Request) -> Result<String, Error> {
        match self.request(request)? {
            Response::Ok { message } => Ok(message),
            other => Err(unexpected(other)),
        }
    }
}

/// The error for a response of the wrong kind: the daemon's own error, or a protocol error.
fn unexpected(response: Response) -> Error {
    match response {
        Response::Error { message } => Error::Daemon(message),
        other => Error::Protocol(format!("unexpected response {other:?}")),
    }
}
