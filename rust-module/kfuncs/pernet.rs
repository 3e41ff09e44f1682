// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace data (`struct pernet_operations` with `net_generic` storage).
//!
//! Each namespace gets one `T`, created by [`PernetData::new`] when the namespace is created
//! (or, for namespaces that exist already, when the subsystem is registered), and dropped
//! when the namespace goes away (or the subsystem is unregistered).

use crate::bindings;
use crate::kfuncs::Net;
use core::cell::UnsafeCell;
use core::ffi::{c_int, c_uint};
use core::marker::PhantomData;
use core::pin::Pin;
use kernel::alloc::KBox;
use kernel::prelude::*;

/// What a namespace holds.
pub(crate) trait PernetData: Send + Sync + Sized + 'static {
    /// The slot id of this data's subsystem.
    const ID: &'static PernetId;

    /// The data of a new namespace.
    fn new() -> Result<Pin<KBox<Self>>>;
}

/// The slot id the kernel assigns at registration (`pernet_operations.id`).
pub(crate) struct PernetId(UnsafeCell<c_uint>);

// SAFETY: written by the kernel only inside `register_pernet_subsys`, read afterwards.
unsafe impl Sync for PernetId {}

impl PernetId {
    /// Not yet assigned.
    pub(crate) const fn new() -> Self {
        PernetId(UnsafeCell::new(0))
    }

    /// The assigned id.
    fn get(&self) -> c_uint {
        // SAFETY: read only after registration assigned it (every caller runs after
        // `register_pernet_subsys` returned or inside its callbacks, which follow assignment).
        unsafe { *self.0.get() }
    }
}

/// The subsystem: register once at module init, unregister at exit.
pub(crate) struct Pernet<T: PernetData> {
    ops: UnsafeCell<bindings::pernet_operations>,
    _data: PhantomData<T>,
}

// SAFETY: the operations are written by the kernel only while (un)registering, which module
// init and exit do once each.
unsafe impl<T: PernetData> Sync for Pernet<T> {}

impl<T: PernetData> Pernet<T> {
    /// Operations storing one `*mut T` per namespace in slot `T::ID`.
    pub(crate) const fn new() -> Self {
        // SAFETY: all-zero is a valid `pernet_operations` (empty list head, no callbacks).
        let mut ops: bindings::pernet_operations = unsafe { core::mem::zeroed() };
        ops.init = Some(init_trampoline::<T>);
        ops.exit = Some(exit_trampoline::<T>);
        ops.id = T::ID.0.get();
        ops.size = core::mem::size_of::<*mut T>();
        Pernet {
            ops: UnsafeCell::new(ops),
            _data: PhantomData,
        }
    }

    /// Registers: every existing namespace gets its data now.
    pub(crate) fn register(&'static self) -> Result {
        // SAFETY: the operations are static and not registered yet.
        let rc = unsafe { bindings::register_pernet_subsys(self.ops.get()) };
        if rc < 0 {
            return Err(Error::from_errno(rc));
        }
        Ok(())
    }

    /// Unregisters: every namespace's data is dropped.
    pub(crate) fn unregister(&'static self) {
        // SAFETY: `register` succeeded (module exit runs only after a successful init).
        unsafe { bindings::unregister_pernet_subsys(self.ops.get()) };
    }

    /// The data of `net`, if it has any.
    pub(crate) fn get<'a>(&'static self, net: &'a Net) -> Option<&'a T> {
        // SAFETY: `net` is alive and the subsystem registered, so the slot holds the pointer
        // `init_trampoline` stored, valid until the namespace's exit, which cannot run while
        // `net` is borrowed alive.
        unsafe { (*slot::<T>(net.as_ptr())).as_ref() }
    }
}

/// The slot of `T` in `net`.
///
/// # Safety
///
/// `net` is valid and `T`'s subsystem is registered (or being registered).
unsafe fn slot<T: PernetData>(net: *mut bindings::net) -> *mut *mut T {
    // SAFETY: the caller's contract; the slot is `size_of::<*mut T>()` bytes.
    unsafe { bindings::rsec_helper_net_generic(net, T::ID.get()).cast() }
}

/// `init`: creates the namespace's data.
///
/// # Safety
///
/// Called by the namespace core only, with a namespace whose slots are allocated.
unsafe extern "C" fn init_trampoline<T: PernetData>(net: *mut bindings::net) -> c_int {
    match T::new() {
        Ok(data) => {
            // SAFETY: the data stays pinned: it is only ever used through the stored pointer
            // and freed in place by `exit_trampoline`.
            let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(data) });
            // SAFETY: the kernel allocated the (zeroed) slot before calling `init`.
            unsafe { *slot::<T>(net) = raw };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `exit`: drops the namespace's data.
///
/// # Safety
///
/// Called by the namespace core only, once per successful `init`, when no request can reach
/// the namespace any more.
unsafe extern "C" fn exit_trampoline<T: PernetData>(net: *mut bindings::net) {
    // SAFETY: the slot is valid until after `exit` returns.
    let slot = unsafe { slot::<T>(net) };
    // SAFETY: as above; no request can reach a namespace being dismantled.
    let raw = unsafe { core::ptr::replace(slot, core::ptr::null_mut()) };
    if !raw.is_null() {
        // SAFETY: `raw` came from `KBox::into_raw` in `init_trampoline` and is freed once.
        drop(unsafe { Pin::new_unchecked(KBox::from_raw(raw)) });
    }
}
