// SPDX-License-Identifier: GPL-2.0

//! [`SkBuff`]: an owned `struct sk_buff`, the small safe layer rsec's packet code works with.
//!
//! Only what the ESP transforms and their selftest need so far; the packet path extends it.

use core::ptr::NonNull;

use kernel::prelude::*;

use crate::bindings;

/// An skb that this code owns: dropping it frees it as a drop (`kfree_skb`); [`Self::consume`]
/// frees it as a packet handled well.
pub(crate) struct SkBuff(NonNull<bindings::sk_buff>);

// SAFETY: an skb belongs to whoever holds the pointer; the kernel passes skbs between CPUs and
// contexts all the time, and `SkBuff` is the only owner.
unsafe impl Send for SkBuff {}

impl SkBuff {
    /// Takes ownership of `skb`.
    ///
    /// # Safety
    ///
    /// `skb` must be a valid skb whose reference the caller owns and hands over: nothing else
    /// may free it or use it while the `SkBuff` lives.
    pub(crate) unsafe fn from_raw(skb: NonNull<bindings::sk_buff>) -> Self {
        Self(skb)
    }

    /// Gives up ownership, returning the raw pointer (for the kernel or a later `from_raw`).
    pub(crate) fn into_raw(self) -> NonNull<bindings::sk_buff> {
        let skb = self.0;
        core::mem::forget(self);
        skb
    }

    /// The raw pointer, still owned by `self`.
    pub(crate) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// A linear skb with `headroom` bytes of headroom and room for `size` bytes of data, empty.
    pub(crate) fn alloc(headroom: usize, size: usize, flags: bindings::gfp_t) -> Result<Self> {
        let total = headroom.checked_add(size).ok_or(EINVAL)?;
        let total = u32::try_from(total).map_err(|_| EINVAL)?;

        // SAFETY: `alloc_skb` has no preconditions beyond valid flags for the context, which is
        // the caller's choice of `flags`.
        let skb = unsafe { bindings::rsec_helper_alloc_skb(total, flags) };
        let skb = Self(NonNull::new(skb).ok_or(ENOMEM)?);

        // SAFETY: the skb is new and empty, with `headroom` bytes of its `total` free.
        unsafe { bindings::rsec_helper_skb_reserve(skb.as_ptr(), headroom as i32) };
        Ok(skb)
    }

    /// Bytes of packet data (linear part and fragments).
    pub(crate) fn len(&self) -> usize {
        // SAFETY: `self.0` is a valid skb (type invariant).
        unsafe { bindings::rsec_helper_skb_len(self.as_ptr()) as usize }
    }

    /// Appends `data` to the linear part; fails when the tailroom is too small or the skb
    /// has fragments.
    pub(crate) fn put_slice(&mut self, data: &[u8]) -> Result {
        // SAFETY: `self.0` is a valid skb (type invariant).
        let tailroom = unsafe { bindings::rsec_helper_skb_tailroom(self.as_ptr()) };
        if usize::try_from(tailroom).map_or(true, |room| room < data.len()) {
            return Err(EINVAL);
        }
        if self.headlen() != self.len() {
            return Err(EINVAL);
        }

        // SAFETY: the skb is linear with at least `data.len()` bytes of tailroom (checked
        // above), so `skb_put` returns a pointer to that many writable bytes.
        unsafe {
            let dst = bindings::skb_put(self.as_ptr(), data.len() as u32) as *mut u8;
            core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
        }
        Ok(())
    }

    /// Bytes of data in the linear part.
    pub(crate) fn headlen(&self) -> usize {
        // SAFETY: `self.0` is a valid skb (type invariant).
        unsafe { bindings::rsec_helper_skb_headlen(self.as_ptr()) as usize }
    }

    /// The linear part of the data.
    pub(crate) fn linear_data(&self) -> &[u8] {
        // SAFETY: `data` points at `headlen` readable bytes of the skb's head, which `&self`
        // keeps alive and unchanged for the borrow.
        unsafe {
            let data = bindings::rsec_helper_skb_data(self.as_ptr());
            core::slice::from_raw_parts(data, self.headlen())
        }
    }

    /// Copies `out.len()` bytes from `offset` (linear part or fragments) into `out`.
    pub(crate) fn copy_out(&self, offset: usize, out: &mut [u8]) -> Result {
        let end = offset.checked_add(out.len()).ok_or(EINVAL)?;
        if end > self.len() {
            return Err(EINVAL);
        }

        // SAFETY: `self.0` is a valid skb; `offset + out.len()` is within its data (checked
        // above) and `out` is writable for `out.len()` bytes.
        let ret = unsafe {
            bindings::skb_copy_bits(
                self.as_ptr(),
                offset as i32,
                out.as_mut_ptr().cast(),
                out.len() as i32,
            )
        };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        Ok(())
    }

    /// Frees the skb as a packet handled successfully (not counted as a drop).
    pub(crate) fn consume(self) {
        let skb = self.into_raw();
        // SAFETY: we owned the skb and give it up here.
        unsafe { bindings::rsec_helper_consume_skb(skb.as_ptr()) };
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: we own the skb (type invariant) and nobody uses it after this.
        unsafe { bindings::rsec_helper_kfree_skb(self.as_ptr()) };
    }
}
