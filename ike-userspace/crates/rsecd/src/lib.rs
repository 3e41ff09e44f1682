//! rsecd, the IKEv2 daemon of rsec: configuration, kernel backends, the control socket and
//! the event loop that drives the `ikev2` protocol library with real sockets and timers.
//!
//! The binary (`src/main.rs`) is a thin shell around [`daemon::run`]; tests drive the same
//! code in-process.

pub mod backend;
pub mod config;
pub mod control;
pub mod daemon;
pub mod proposal;
