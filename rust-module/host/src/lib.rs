//! The module's pure logic, compiled for the host so `cargo test` exercises it.
//!
//! Each module here is a file of `rust-module/` included by path: the very code the kernel
//! builds. The files use only `core`, so they build in both places.

#![forbid(unsafe_code)]
// The items are the module's `pub(crate)` API: only the tests use them here.
#![cfg_attr(not(test), allow(dead_code))]

#[path = "../../replay.rs"]
pub(crate) mod replay;

#[cfg(test)]
mod replay_tests;

#[path = "../../esp.rs"]
pub(crate) mod esp;

#[cfg(test)]
mod esp_tests;
