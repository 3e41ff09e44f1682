//! Sans-I/O IKEv2 (RFC 7296): bytes and timer ticks in, bytes and SA actions out.
//!
//! Nothing in this crate opens a socket, starts a thread or reads a clock.
#![forbid(unsafe_code)]
pub mod codec;
pub mod crypto;
