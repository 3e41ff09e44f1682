//! The configuration file (TOML, with the names and meanings of strongSwan's swanctl
//! connections): parsing, checking and the resulting model. Documentation/config.md
//! describes every key.
//!
//! Loading is all or nothing: the first problem is an error naming `file:line:column`, and
//! no partial configuration is ever returned.

mod build;
mod raw;
pub mod value;

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ikev2::config::{EspProposal, Identity, IkeProposal, Mode};
use ikev2::time::RetransmitPolicy;
use ikev2::ts::TsRange;
use zeroize::Zeroizing;

pub use build::{current_uid, parse};

/// Owner cookies are this value with the daemon's `owner_id` in the low 32 bits: "rsec" in
/// ASCII, then the id.
pub const OWNER_COOKIE_BASE: u64 = 0x7273_6563_0000_0000;

/// Where in which file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not TOML, or its shape is wrong (unknown key, wrong type).
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What the TOML parser said.
        message: String,
    },
    /// A value is not acceptable.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    /// The position of the problem, if it has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Syntax { location, .. } | ConfigError::Invalid { location, .. } => {
                Some(location)
            }
        }
    }
}

/// Which kernel backend holds the Child SAs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    /// rsec.ko over generic netlink.
    Netlink,
    /// In the daemon's memory only (tests).
    Memory,
}

/// The checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from.
    pub file: PathBuf,
    /// `[daemon]`.
    pub daemon: DaemonConfig,
    /// `[connections.*]`, in name order.
    pub connections: Vec<Connection>,
    /// Whether a secret is written inline in the file.
    pub has_inline_secrets: bool,
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: path.to_owned(),
            source,
        })?;
        parse(path, &text)
    }

    /// The connection named `name`.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }
}

/// `[daemon]`: process-wide settings.
#[derive(Clone, Debug)]
pub struct DaemonConfig {
    /// Addresses to bind UDP sockets on.
    pub listen: Vec<IpAddr>,
    /// UDP port of the IKE sockets.
    pub port: u16,
    /// Path of the control socket.
    pub control_socket: PathBuf,
    /// Distinguishes daemons sharing a kernel; part of the owner cookie.
    pub owner_id: u32,
    /// Kernel backend.
    pub backend: BackendKind,
    /// Retransmission of our requests.
    pub retransmit: RetransmitPolicy,
}

impl DaemonConfig {
    /// The owner cookie of every SA and SPI this daemon puts into the kernel.
    pub fn owner_cookie(&self) -> u64 {
        OWNER_COOKIE_BASE | u64::from(self.owner_id)
    }
}

/// A pre-shared key; wiped when dropped and never printed.
#[derive(Clone)]
pub struct PresharedKey(pub Zeroizing<Vec<u8>>);

impl fmt::Debug for PresharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PresharedKey(<redacted>)")
    }
}

/// `[connections.NAME]`: one IKE SA's settings and its children.
#[derive(Clone, Debug)]
pub struct Connection {
    /// Its name.
    pub name: String,
    /// Where it is in the file, for errors found at start.
    pub location: Location,
    /// Our addresses (empty: any).
    pub local_addrs: Vec<IpAddr>,
    /// The peer's addresses (empty: any; such a connection only responds).
    pub remote_addrs: Vec<IpAddr>,
    /// Our IKE port (the daemon's port unless set).
    pub local_port: u16,
    /// The peer's IKE port.
    pub remote_port: u16,
    /// Our identity.
    pub local_id: Identity,
    /// The identity the peer must prove (`None`: any the PSK authenticates).
    pub remote_id: Option<Identity>,
    /// The pre-shared key from `[secrets]`.
    pub psk: PresharedKey,
    /// IKE proposals, most preferred first.
    pub proposals: Vec<IkeProposal>,
    /// Liveness check interval when idle (`None`: off).
    pub dpd_delay: Option<Duration>,
    /// Rekey the IKE SA this long after it was established (`None`: never).
    pub rekey_time: Option<Duration>,
    /// Delete the IKE SA this long after the rekey time if the rekey did not happen.
    pub over_time: Duration,
    /// Rekey up to this much earlier, at random.
    pub rand_time: Duration,
    /// The children, in name order.
    pub children: Vec<Child>,
}

/// How a child reacts when the peer is found dead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DpdAction {
    /// Remove everything.
    Clear,
    /// Remove everything, then initiate again.
    Restart,
}

/// `[connections.NAME.children.CHILD]`: one Child SA's settings.
#[derive(Clone, Debug)]
pub struct Child {
    /// Its name.
    pub name: String,
    /// Where it is in the file, for errors found at start.
    pub location: Location,
    /// Our traffic selectors.
    pub local_ts: Vec<TsRange>,
    /// The peer's traffic selectors.
    pub remote_ts: Vec<TsRange>,
    /// ESP proposals, most preferred first.
    pub esp_proposals: Vec<EspProposal>,
    /// Tunnel or transport.
    pub mode: Mode,
    /// The rsec device the SAs use.
    pub interface: String,
    /// Initiate at start.
    pub start: bool,
    /// What to do when the peer is dead.
    pub dpd_action: DpdAction,
    /// Rekey this long after installation (`None`: never).
    pub rekey_time: Option<Duration>,
    /// Hard lifetime (`None`: none).
    pub life_time: Option<Duration>,
    /// Rekey up to this much earlier, at random.
    pub rand_time: Duration,
    /// Rekey after this many bytes (0: no limit).
    pub rekey_bytes: u64,
    /// Hard limit in bytes (0: none).
    pub life_bytes: u64,
}
