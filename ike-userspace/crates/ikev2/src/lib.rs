//! Sans-I/O IKEv2 (RFC 7296): bytes and timer ticks in, bytes and SA actions out.
//!
//! Nothing in this crate opens a socket, starts a thread or reads a clock.
#![forbid(unsafe_code)]
pub mod action;
pub mod auth;
pub mod codec;
pub mod config;
pub mod crypto;
pub mod endpoint;
pub mod error;
pub mod nat;
pub mod proposal;
mod sa;
pub mod time;
pub mod ts;

pub use action::{Action, ChildSa, DeleteReason, IkeSaId, NatStatus};
pub use endpoint::{CookiePolicy, Counters, Endpoint, SpiAllocator};
pub use error::Error;
pub use time::{RetransmitPolicy, Timestamp};
