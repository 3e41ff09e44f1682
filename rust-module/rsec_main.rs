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
// The ESP transforms (esp-transform branch).
#[allow(dead_code)]
mod crypto;
mod device;
#[allow(dead_code)]
mod esp;
mod esp_vectors;
mod events;
#[allow(unreachable_pub, dead_code)]
mod flow;
mod genl;
mod kfuncs;
mod netns;
mod outbound;
mod pkt;
mod recv;
#[allow(dead_code)]
mod replay;
#[allow(unreachable_pub, dead_code)]
mod sa;
mod sadb;
mod sastate;
mod selftest;
#[allow(dead_code)]
mod skb;
mod xmit;

/// The module's version, logged at load.
const VERSION: &str = "0.1.0";

module! {
    type: Rsec,
    name: "rsec",
    author: "rsec developers",
    description: "IPsec ESP/AH data path with a route-based link type",
    license: "GPL",
}

/// What module init registered beyond the SA database and the netlink family, in the order
/// exit must undo it: the ESP hook first (no packet enters after it), then the link type
/// (which deletes every rsec device).
struct Rsec {
    hook: Option<recv::EspHook>,
    link: Option<device::LinkType>,
}

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
        let registered =
            device::LinkType::register().and_then(|link| Ok((link, recv::EspHook::register()?)));
        let (link, hook) = match registered {
            Ok(both) => both,
            Err(e) => {
                genl::FAMILY.unregister();
                netns::PERNET.unregister();
                return Err(e);
            }
        };

        pr_info!("rsec {} loaded on Linux {}\n", VERSION, kernel_release());
        Ok(Rsec {
            hook: Some(hook),
            link: Some(link),
        })
    }
}

impl Drop for Rsec {
    /// Removes the ESP hook and the devices first (no packet runs after that), then the family
    /// (no request runs after that), then the namespaces' data, which deletes every SA and
    /// wipes its keys.
    fn drop(&mut self) {
        drop(self.hook.take());
        drop(self.link.take());
        genl::FAMILY.unregister();
        netns::PERNET.unregister();
        pr_info!("rsec {} unloaded\n", VERSION);
    }
}
