// SPDX-License-Identifier: GPL-2.0

//! [`Packet`]: an owned skb as the link type's packet path sees it: the small safe layer over
//! the skb fields and functions that `xmit.rs` and `recv.rs` use.

use crate::bindings;
use core::ptr::NonNull;

/// An skb the packet path owns. Dropping it frees it as a drop (`kfree_skb`); handing it to
/// the kernel goes through [`Packet::into_raw`].
pub(crate) struct Packet(NonNull<bindings::sk_buff>);

// SAFETY: an skb belongs to whoever holds its pointer and moves between CPUs freely; `Packet`
// is its only owner.
unsafe impl Send for Packet {}

impl Packet {
    /// Takes ownership of `skb`.
    ///
    /// # Safety
    ///
    /// `skb` is a valid skb whose reference the caller hands over: nothing else frees or uses
    /// it while the `Packet` lives.
    pub(crate) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Option<Self> {
        NonNull::new(skb).map(Packet)
    }

    /// Gives up ownership.
    pub(crate) fn into_raw(self) -> *mut bindings::sk_buff {
        let skb = self.0.as_ptr();
        core::mem::forget(self);
        skb
    }

    /// The raw pointer, still owned.
    pub(crate) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Bytes of data, linear part and fragments.
    pub(crate) fn len(&self) -> usize {
        // SAFETY: the skb is valid (type invariant).
        unsafe { bindings::rsec_helper_skb_len(self.as_ptr()) as usize }
    }

    /// Makes the first `len` bytes of data linear; `false` if the packet is shorter (or no
    /// memory).
    pub(crate) fn may_pull(&mut self, len: usize) -> bool {
        let Ok(len) = u32::try_from(len) else {
            return false;
        };

        // SAFETY: the skb is valid and ours (type invariant); pulling into the linear part
        // may reallocate the head, which `&mut self` makes sure nobody else looks at.
        unsafe { bindings::rsec_helper_pskb_may_pull(self.as_ptr(), len) }
    }

    /// The linear part of the data, from the data pointer.
    pub(crate) fn linear(&self) -> &[u8] {
        // SAFETY: `data` points at `headlen` readable bytes of the skb's head, which `&self`
        // keeps alive and unchanged for the borrow.
        unsafe {
            let data = bindings::rsec_helper_skb_data(self.as_ptr());
            let len = bindings::rsec_helper_skb_headlen(self.as_ptr()) as usize;
            core::slice::from_raw_parts(data, len)
        }
    }

    /// The first `N` bytes of data, if they are in the linear part.
    pub(crate) fn head<const N: usize>(&self) -> Option<[u8; N]> {
        self.linear().get(..N)?.try_into().ok()
    }

    /// `N` bytes of the network header at `offset`, which the caller knows are in the linear
    /// part (the stack pulled the IP header before our handlers run).
    pub(crate) fn network_bytes<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut out = [0u8; N];
        // SAFETY: the network header was set and made linear by IP input before any protocol
        // handler runs, and callers read only within the fixed IPv4 or IPv6 header.
        unsafe {
            let nh = bindings::rsec_helper_skb_network_header(self.as_ptr());
            core::ptr::copy_nonoverlapping(nh.add(offset), out.as_mut_ptr(), N);
        }
        out
    }

    /// The device the packet arrived on or is being sent through.
    pub(crate) fn dev(&self) -> *mut bindings::net_device {
        // SAFETY: the skb is valid (type invariant).
        unsafe { bindings::rsec_helper_skb_dev(self.as_ptr()) }
    }

    /// Frees the packet as handled, not as a drop.
    pub(crate) fn consume(self) {
        // SAFETY: we own the skb and give it up here.
        unsafe { bindings::rsec_helper_consume_skb(self.into_raw()) };
    }
}

impl Drop for Packet {
    fn drop(&mut self) {
        // SAFETY: we own the skb (type invariant) and nobody uses it after this.
        unsafe { bindings::rsec_helper_kfree_skb(self.as_ptr()) };
    }
}
