// SPDX-License-Identifier: GPL-2.0

//! rsec: IPsec (ESP and AH) for Linux, with a route-based `rsec` link type.
//!
//! This file is the crate root of `rsec.ko`: module init and exit. FFI lives in `bindings` and
//! the thin wrappers around it; protocol logic lives in files of its own.

use kernel::prelude::*;
use kernel::str::CStr;

// The pure files are also built by the host tests (rust-module/host), which need their items
// `pub` and use some the module does not (yet).
#[allow(unreachable_pub, dead_code)]
mod abi;
mod bindings;
// The ESP transforms; the packet path (next) uses the rest of their API.
#[allow(dead_code)]
mod crypto;
#[allow(dead_code)]
mod esp;
mod esp_vectors;
mod genl;
mod kfuncs;
mod netns;
#[allow(unreachable_pub, dead_code)]
mod sa;
mod sadb;
mod selftest;
#[allow(dead_code)]
mod skb;

/// The module's version, logged at load.
const VERSION: &str = "0.1.0";

module! {
    type: Rsec,
    name: "rsec",
    author: "rsec developers",
    description: "IPsec ESP/AH data path with a route-based link type",
    license: "GPL",
}

struct Rsec;

/// The release string of the running kernel, as `uname -r` prints it.
fn kernel_release() -> &'static CStr {
    // SAFETY: `rsec_helper_kernel_release` returns `init_utsname()->release`, a NUL-terminated
    // array in the static initial UTS namespace, which lives as long as the kernel.
    unsafe { CStr::from_char_ptr(bindings::rsec_helper_kernel_release()) }
}

impl kernel::Module for Rsec {
    fn init(module: &'static ThisModule) -> Result<Self> {
        // SAFETY: reads a module parameter, set before init runs.
        if unsafe { bindings::rsec_helper_param_selftest() } {
            selftest::run()?;
        }

        netns::PERNET.register()?;
        if let Err(e) = genl::FAMILY.register(module) {
            netns::PERNET.unregister();
            return Err(e);
        }
        pr_info!("rsec {} loaded on Linux {}\n", VERSION, kernel_release());
        Ok(Rsec)
    }
}

impl Drop for Rsec {
    /// Unregisters the family first (no request runs after that), then the namespaces' data,
    /// which deletes every SA and wipes its keys.
    fn drop(&mut self) {
        genl::FAMILY.unregister();
        netns::PERNET.unregister();
        pr_info!("rsec {} unloaded\n", VERSION);
    }
}
