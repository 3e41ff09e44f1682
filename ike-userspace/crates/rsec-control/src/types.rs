//! Requests and responses of the control protocol, as serde types.
//!
//! Everything is plain data: addresses, SPIs and algorithm names are the strings the daemon
//! shows, so that `rsecctl` and scripts reading `--json` need no knowledge of the protocol
//! library.

use serde::{Deserialize, Serialize};

/// One command for the daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Request {
    /// How the daemon is doing: uptime, configuration, connections.
    Status,
    /// Every IKE SA with its Child SAs.
    ListSas,
    /// Set up the named connection (IKE SA and its children) now.
    Initiate {
        /// The connection's name in the configuration.
        connection: String,
    },
    /// Delete every IKE SA of the named connection, telling the peer.
    Terminate {
        /// The connection's name in the configuration.
        connection: String,
    },
    /// Read the configuration file again; a bad file changes nothing.
    Reload,
}

/// The daemon's answer to one [`Request`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Response {
    /// Answer to [`Request::Status`].
    Status(StatusInfo),
    /// Answer to [`Request::ListSas`].
    Sas(SaList),
    /// The command was carried out (or started: initiate returns once the first message
    /// is sent).
    Ok {
        /// What happened, for people.
        message: String,
    },
    /// The command failed; nothing was changed.
    Error {
        /// Why, for people.
        message: String,
    },
}

/// The daemon's state at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// Daemon version.
    pub version: String,
    /// Process id.
    pub pid: u32,
    /// Seconds since start.
    pub uptime_secs: u64,
    /// The configuration file in use.
    pub config_file: String,
    /// Which kernel backend holds the Child SAs (`netlink` or `memory`).
    pub backend: String,
    /// UDP addresses the daemon listens on.
    pub listening: Vec<String>,
    /// Owner cookie of every SA this daemon puts into the kernel.
    pub owner_cookie: u64,
    /// The configured connections.
    pub connections: Vec<ConnectionInfo>,
}

/// One configured connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    /// Its name.
    pub name: String,
    /// Local addresses (empty: any).
    pub local_addrs: Vec<String>,
    /// Remote addresses (empty: any, responder only).
    pub remote_addrs: Vec<String>,
    /// `start` or `none`.
    pub start_action: String,
    /// Names of its children.
    pub children: Vec<String>,
    /// How many IKE SAs it has right now.
    pub ike_sas: usize,
}

/// Every SA of the daemon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaList {
    /// The IKE SAs, in the order they were created.
    pub ike_sas: Vec<IkeSaInfo>,
}

/// One IKE SA.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IkeSaInfo {
    /// The connection it belongs to.
    pub connection: String,
    /// The daemon's handle of it (our own IKE SPI, in hex).
    pub id: String,
    /// `connecting`, `established`, `rekeying`, `deleting`.
    pub state: String,
    /// Whether we initiated it.
    pub initiator: bool,
    /// Our address and port.
    pub local: String,
    /// The peer's address and port.
    pub remote: String,
    /// Our identity.
    pub local_id: String,
    /// The peer's identity, once authenticated.
    pub remote_id: Option<String>,
    /// Initiator's IKE SPI, in hex.
    pub spi_i: String,
    /// Responder's IKE SPI, in hex (zeros until the responder answered).
    pub spi_r: String,
    /// Negotiated algorithms in proposal syntax, e.g. `aes128gcm16-prfsha256-x25519`.
    pub algorithms: Option<String>,
    /// Seconds since it was established.
    pub established_secs: Option<u64>,
    /// Seconds until it is rekeyed, if a rekey is scheduled.
    pub rekey_in_secs: Option<u64>,
    /// Its Child SAs.
    pub children: Vec<ChildSaInfo>,
}

/// One Child SA (an inbound and an outbound ESP SA).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSaInfo {
    /// The child's name in the configuration.
    pub name: String,
    /// `installed`, `rekeying`, `rekeyed` (replaced, about to be deleted).
    pub state: String,
    /// Inbound SPI.
    pub spi_in: u32,
    /// Outbound SPI.
    pub spi_out: u32,
    /// Negotiated algorithms in proposal syntax, e.g. `aes128gcm16-esn`.
    pub algorithms: String,
    /// The rsec device it uses.
    pub interface: String,
    /// Our traffic selectors.
    pub local_ts: Vec<String>,
    /// The peer's traffic selectors.
    pub remote_ts: Vec<String>,
    /// Bytes received (from the kernel).
    pub bytes_in: u64,
    /// Packets received (from the kernel).
    pub packets_in: u64,
    /// Bytes sent (from the kernel).
    pub bytes_out: u64,
    /// Packets sent (from the kernel).
    pub packets_out: u64,
    /// Seconds since it was installed.
    pub installed_secs: u64,
    /// Seconds until it is rekeyed, if a rekey is scheduled.
    pub rekey_in_secs: Option<u64>,
}
