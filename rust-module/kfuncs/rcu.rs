// SPDX-License-Identifier: GPL-2.0

//! RCU read-side sections and a fixed-size RCU-protected hash table.
//!
//! Readers look entries up lock-free inside an [`RcuGuard`]. Writers must hold the table's one
//! [`TableWriter`] mutably (the owner keeps it under its mutex), so writers are serialised.
//! Unlinked entries go to a [`Retired`] list, which frees them after one RCU grace period
//! (`synchronize_rcu`) when dropped: one wait for any number of entries.

use crate::bindings;
use core::marker::PhantomData;
use core::ptr::{self, NonNull};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::prelude::*;
use kernel::types::Opaque;

/// An RCU read-side critical section; ends when dropped. Not `Send`: it must end on the CPU
/// context that began it.
pub(crate) struct RcuGuard(PhantomData<*mut ()>);

impl RcuGuard {
    /// Enters a read-side critical section.
    pub(crate) fn new() -> Self {
        // SAFETY: `rcu_read_lock` has no preconditions; the matching unlock is in `drop`.
        unsafe { bindings::rsec_helper_rcu_read_lock() };
        RcuGuard(PhantomData)
    }
}

impl Drop for RcuGuard {
    fn drop(&mut self) {
        // SAFETY: `new` entered the section this guard stands for, and it is left only here.
        unsafe { bindings::rsec_helper_rcu_read_unlock() };
    }
}

/// Waits until every RCU read-side section that began before the call has ended.
pub(crate) fn synchronize() {
    // SAFETY: called from process context (every caller runs in a netlink handler, a pernet
    // exit or module exit), where sleeping is allowed.
    unsafe { bindings::synchronize_rcu() };
}

/// One table entry: the list node first, then the value.
#[repr(C)]
struct Link<T> {
    node: Opaque<bindings::hlist_node>,
    /// Next entry of a [`Retired`] list, once unlinked.
    retire_next: *mut Link<T>,
    value: T,
}

/// An allocated entry not yet in a table: insertion cannot fail.
pub(crate) struct NewEntry<T>(KBox<Link<T>>);

impl<T> NewEntry<T> {
    /// Allocates an entry holding `value`.
    pub(crate) fn new(value: T) -> Result<Self> {
        let node = bindings::hlist_node {
            next: ptr::null_mut(),
            pprev: ptr::null_mut(),
        };
        let link = Link {
            node: Opaque::new(node),
            retire_next: ptr::null_mut(),
            value,
        };
        Ok(NewEntry(KBox::new(link, GFP_KERNEL)?))
    }

    /// The value, still changeable.
    pub(crate) fn value_mut(&mut self) -> &mut T {
        &mut self.0.value
    }
}

/// Entries unlinked from a table, freed one RCU grace period after this list is dropped.
pub(crate) struct Retired<T> {
    head: *mut Link<T>,
    count: usize,
}

impl<T> Retired<T> {
    /// An empty list.
    pub(crate) fn new() -> Self {
        Retired {
            head: ptr::null_mut(),
            count: 0,
        }
    }

    /// How many entries wait to be freed.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Adds an unlinked entry.
    fn push(&mut self, link: NonNull<Link<T>>) {
        // SAFETY: `link` was just unlinked by the writer (the only one), and nothing but this
        // list will write its `retire_next`; readers never look at that field.
        unsafe { (*link.as_ptr()).retire_next = self.head };
        self.head = link.as_ptr();
        self.count += 1;
    }
}

impl<T> Drop for Retired<T> {
    fn drop(&mut self) {
        if self.head.is_null() {
            return;
        }
        synchronize();
        let mut link = self.head;
        while !link.is_null() {
            // SAFETY: every entry on the list came from `KBox::into_raw` in `insert`, was
            // unlinked before `push`, and a grace period has passed since, so no reader holds
            // it: this is the only owner.
            let owned = unsafe { KBox::from_raw(link) };
            link = owned.retire_next;
            drop(owned);
        }
    }
}

/// The right to change one [`RcuHashTable`]: exactly one exists per table.
pub(crate) struct TableWriter {
    table: *const Opaque<bindings::hlist_head>,
}

// SAFETY: the writer is a token; it may be used from any thread holding it (under a mutex).
unsafe impl Send for TableWriter {}

/// A fixed-size hash table whose lookups run under RCU without locks.
pub(crate) struct RcuHashTable<T> {
    buckets: KVec<Opaque<bindings::hlist_head>>,
    _values: PhantomData<T>,
}

// SAFETY: values are shared between readers on any CPU (hence `T: Sync`) and dropped on
// whichever thread retires them (hence `T: Send`); the buckets are changed only by the holder
// of the table's single `TableWriter`.
unsafe impl<T: Send + Sync> Send for RcuHashTable<T> {}

// SAFETY: as for `Send`.
unsafe impl<T: Send + Sync> Sync for RcuHashTable<T> {}

impl<T> RcuHashTable<T> {
    /// A table of `1 << bits` empty buckets, and the one writer of it.
    pub(crate) fn new(bits: u32) -> Result<(Self, TableWriter)> {
        let n = 1usize << bits;
        let mut buckets = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            let empty = bindings::hlist_head {
                first: ptr::null_mut(),
            };
            buckets.push(Opaque::new(empty), GFP_KERNEL)?;
        }
        let writer = TableWriter {
            table: buckets.as_ptr(),
        };
        Ok((
            RcuHashTable {
                buckets,
                _values: PhantomData,
            },
            writer,
        ))
    }

    /// The bucket of `hash`.
    fn bucket(&self, hash: u32) -> *mut bindings::hlist_head {
        let i = hash as usize & (self.buckets.len() - 1);
        self.buckets[i].get()
    }

    /// Whether `w` is this table's writer.
    fn owns(&self, w: &TableWriter) -> bool {
        ptr::eq(w.table, self.buckets.as_ptr())
    }

    /// Calls `f` on each entry of `hash`'s bucket until it returns `true`; returns that entry.
    fn scan(&self, hash: u32, mut f: impl FnMut(&T) -> bool) -> Option<NonNull<Link<T>>> {
        // SAFETY: the bucket is a valid list head; the caller is in an RCU read-side section
        // (every caller holds an `RcuGuard`).
        let mut node = unsafe { bindings::rsec_helper_hlist_first_rcu(self.bucket(hash)) };
        while let Some(n) = NonNull::new(node) {
            let link = n.cast::<Link<T>>();
            // SAFETY: every node in the table is the first field of a `Link<T>` (`repr(C)`)
            // inserted by `insert`; it stays allocated until a grace period after unlinking,
            // and we are inside a read-side section.
            let value = unsafe { &(*link.as_ptr()).value };
            if f(value) {
                return Some(link);
            }
            // SAFETY: `n` is a live node of the list, as above.
            node = unsafe { bindings::rsec_helper_hlist_next_rcu(n.as_ptr()) };
        }
        None
    }

    /// Lock-free lookup: the first entry of `hash`'s bucket that `pred` accepts, valid for as
    /// long as the read-side section lasts.
    pub(crate) fn find<'g>(
        &'g self,
        _guard: &'g RcuGuard,
        hash: u32,
        pred: impl FnMut(&T) -> bool,
    ) -> Option<&'g T> {
        let link = self.scan(hash, pred)?;
        // SAFETY: the entry cannot be freed before `_guard` ends (see `scan`).
        Some(unsafe { &(*link.as_ptr()).value })
    }

    /// Lookup by the writer: the entry stays valid while `w` is borrowed, since only the
    /// writer unlinks entries.
    pub(crate) fn find_locked<'w>(
        &'w self,
        w: &'w TableWriter,
        hash: u32,
        pred: impl FnMut(&T) -> bool,
    ) -> Option<&'w T> {
        if !self.owns(w) {
            return None;
        }
        let _guard = RcuGuard::new();
        let link = self.scan(hash, pred)?;
        // SAFETY: only the holder of `w` unlinks entries, and it is borrowed for `'w`.
        Some(unsafe { &(*link.as_ptr()).value })
    }

    /// Inserts an entry in `hash`'s bucket; readers see it at once. A writer that does not
    /// own this table gets the entry back.
    pub(crate) fn insert(
        &self,
        w: &mut TableWriter,
        hash: u32,
        entry: NewEntry<T>,
    ) -> Result<(), NewEntry<T>> {
        if !self.owns(w) {
            return Err(entry);
        }
        let link = KBox::into_raw(entry.0);
        // SAFETY: `link` is a fresh allocation whose node is in no list; the bucket is a valid
        // head; writers are serialised by `w`.
        unsafe { bindings::rsec_helper_hlist_add_head_rcu((*link).node.get(), self.bucket(hash)) };
        Ok(())
    }

    /// Unlinks the first entry of `hash`'s bucket that `pred` accepts into `retired`.
    pub(crate) fn remove(
        &self,
        w: &mut TableWriter,
        hash: u32,
        pred: impl FnMut(&T) -> bool,
        retired: &mut Retired<T>,
    ) -> bool {
        if !self.owns(w) {
            return false;
        }
        let found = {
            let _guard = RcuGuard::new();
            self.scan(hash, pred)
        };
        match found {
            Some(link) => {
                self.unlink(link, retired);
                true
            }
            None => false,
        }
    }

    /// Unlinks every entry that `pred` accepts into `retired`; returns how many.
    pub(crate) fn remove_all(
        &self,
        w: &mut TableWriter,
        mut pred: impl FnMut(&T) -> bool,
        retired: &mut Retired<T>,
    ) -> usize {
        if !self.owns(w) {
            return 0;
        }
        let mut n = 0;
        for b in 0..self.buckets.len() as u32 {
            loop {
                let found = {
                    let _guard = RcuGuard::new();
                    self.scan(b, &mut pred)
                };
                let Some(link) = found else { break };
                self.unlink(link, retired);
                n += 1;
            }
        }
        n
    }

    /// Takes `link` out of its bucket and onto `retired`.
    fn unlink(&self, link: NonNull<Link<T>>, retired: &mut Retired<T>) {
        // SAFETY: `link` is in this table (found by `scan` under the writer) and the writer is
        // held, so no one else unlinks it; readers may still traverse it, which
        // `hlist_del_rcu` allows until the grace period `retired` waits for.
        unsafe { bindings::rsec_helper_hlist_del_rcu((*link.as_ptr()).node.get()) };
        retired.push(link);
    }
}

impl<T> Drop for RcuHashTable<T> {
    /// Frees whatever is still in the table, after a grace period. The owner normally empties
    /// it first; this only catches what it left.
    fn drop(&mut self) {
        let mut retired = Retired::new();
        for b in 0..self.buckets.len() as u32 {
            loop {
                let found = {
                    let _guard = RcuGuard::new();
                    self.scan(b, |_| true)
                };
                let Some(link) = found else { break };
                self.unlink(link, &mut retired);
            }
        }
    }
}
