//! The control protocol of the rsecd IKE daemon, shared by the daemon and `rsecctl`.
//!
//! The daemon listens on a Unix stream socket (root only). A client writes one [`Request`]
//! as a JSON object on one line and reads one [`Response`] as a JSON object on one line; it
//! may send several requests on one connection, one after the other.
//!
//! ```no_run
//! use rsec_control::{Client, DEFAULT_SOCKET};
//!
//! let mut client = Client::connect(DEFAULT_SOCKET)?;
//! let sas = client.list_sas()?;
//! print!("{}", rsec_control::format::sa_table(&sas));
//! # Ok::<(), rsec_control::Error>(())
//! ```

mod client;
pub mod format;
mod types;

pub use client::{Client, Error};
pub use types::{ChildSaInfo, ConnectionInfo, IkeSaInfo, Request, Response, SaList, StatusInfo};

/// Where the daemon listens unless configured otherwise.
pub const DEFAULT_SOCKET: &str = "/run/rsecd.sock";

/// Largest request or response line either side accepts, in bytes.
pub const MAX_LINE: usize = 4 * 1024 * 1024;
