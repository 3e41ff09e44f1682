// SPDX-License-Identifier: GPL-2.0

//! The pure files of `rsec.ko`, built for the host so their logic can be tested with `cargo
//! test`. Nothing here is a copy: the module's own sources are included by path.

#![forbid(unsafe_code)]
// Items the module uses as `pub(crate)` API: only the tests use them here.
#![cfg_attr(not(test), allow(dead_code))]

#[path = "../../abi.rs"]
pub mod abi;

#[path = "../../sa.rs"]
pub mod sa;

#[path = "../../replay.rs"]
pub(crate) mod replay;

#[cfg(test)]
mod replay_tests;

#[path = "../../esp.rs"]
pub(crate) mod esp;

#[cfg(test)]
mod esp_tests;

#[path = "../../flow.rs"]
pub(crate) mod flow;

#[cfg(test)]
mod flow_tests;
