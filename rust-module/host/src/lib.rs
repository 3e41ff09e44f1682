// SPDX-License-Identifier: GPL-2.0

//! The pure files of `rsec.ko`, built for the host so their logic can be tested with `cargo
//! test`. Nothing here is a copy: the module's own sources are included by path.

#[path = "../../abi.rs"]
pub mod abi;

#[path = "../../sa.rs"]
pub mod sa;

// The ESP format and algorithm table: `pub(crate)` as in the module, tested by the unit tests
// in esp_tests.rs.
#[path = "../../esp.rs"]
#[allow(dead_code)]
pub(crate) mod esp;

#[cfg(test)]
mod esp_tests;

// The anti-replay window: `pub(crate)` as in the module, held against a reference model by the
// property tests in replay_tests.rs.
#[path = "../../replay.rs"]
#[allow(dead_code)]
pub(crate) mod replay;

#[cfg(test)]
mod replay_tests;
