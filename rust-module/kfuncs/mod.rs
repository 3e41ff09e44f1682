// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers of the kernel API that the `kernel` crate of Linux 6.12 lacks: RCU hash
//! tables, generic netlink, per-namespace data, randomness and time. All of the module's
//! `unsafe` code outside `rsec_main.rs` lives under this folder.

pub(crate) mod genl;
pub(crate) mod pernet;
pub(crate) mod rcu;

use crate::bindings;
use kernel::types::Opaque;

/// A network namespace (`struct net`), borrowed.
#[repr(transparent)]
pub(crate) struct Net(Opaque<bindings::net>);

impl Net {
    /// # Safety
    ///
    /// `ptr` is a valid namespace that stays alive for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net) -> &'a Net {
        // SAFETY: `Net` is a transparent wrapper of `struct net`; validity is the caller's.
        unsafe { &*ptr.cast::<Net>() }
    }

    /// The raw pointer.
    pub(crate) fn as_ptr(&self) -> *mut bindings::net {
        self.0.get()
    }

    /// Whether a device with this index exists in the namespace.
    pub(crate) fn has_device(&self, ifindex: u32) -> bool {
        let _guard = rcu::RcuGuard::new();
        // SAFETY: the namespace is valid (type invariant) and we are in an RCU read-side
        // section, as `dev_get_by_index_rcu` requires; the device pointer is not kept.
        !unsafe { bindings::dev_get_by_index_rcu(self.as_ptr(), ifindex as i32) }.is_null()
    }
}

/// A uniformly random u32 from the kernel's CSPRNG.
pub(crate) fn random_u32() -> u32 {
    // SAFETY: no preconditions.
    unsafe { bindings::get_random_u32() }
}

/// Seconds since boot, counting time suspended.
pub(crate) fn boottime_seconds() -> u64 {
    // SAFETY: no preconditions.
    unsafe { bindings::rsec_helper_ktime_get_boottime_seconds() }.max(0) as u64
}
