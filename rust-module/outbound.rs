// SPDX-License-Identifier: GPL-2.0

//! Outbound SA selection for the rsec devices of a namespace: which SA carries a packet
//! routed into a device (RFC 4301 section 5.1: the SPD-S lookup, here per device).
//!
//! The SA database rebuilds an immutable, sorted snapshot of its outbound SAs whenever it
//! changes (under its mutex) and publishes it with `rcu_assign_pointer`; the transmit path
//! reads the current one under RCU without locks. Each entry is one selector of one SA (or
//! "any traffic" for an SA without selectors), sorted most specific first ([`Specificity`]),
//! newest SA first among equals (so a rekeyed SA takes over from its predecessor), so a
//! lookup returns the first entry of the device that matches.

use crate::abi;
use crate::bindings;
use crate::flow::{Flow, Specificity};
use crate::kfuncs::rcu::{synchronize, RcuGuard};
use crate::sa::Selector;
use crate::sadb::Sa;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::Arc;

/// One selector of one outbound SA.
struct Entry {
    ifindex: u32,
    /// `None`: the SA has no selectors and takes any traffic.
    sel: Option<Selector>,
    spec: Option<Specificity>,
    sa: Arc<Sa>,
}

/// A published list of entries, sorted.
struct Snapshot {
    entries: KVec<Entry>,
}

/// The current snapshot of one namespace.
pub(crate) struct OutboundIndex {
    /// RCU-protected `*mut Snapshot` (null: no outbound SAs).
    current: UnsafeCell<*mut c_void>,
}

// SAFETY: the pointer is published with `rcu_assign_pointer` by the one writer (the SA
// database's mutex serialises rebuilds) and read with `rcu_dereference` inside read-side
// sections; a snapshot is freed only a grace period after it was replaced. The entries hold
// `Arc<Sa>`, which is `Send + Sync`.
unsafe impl Send for OutboundIndex {}

// SAFETY: as for `Send`.
unsafe impl Sync for OutboundIndex {}

/// A replaced snapshot: dropping it waits for a grace period and frees it.
pub(crate) struct Replaced(*mut Snapshot);

impl Drop for Replaced {
    fn drop(&mut self) {
        if self.0.is_null() {
            return;
        }
        synchronize();
        // SAFETY: the pointer came from `KBox::into_raw` in `publish`, was unpublished before
        // this `Replaced` was made, and a grace period has passed, so no reader holds it.
        drop(unsafe { KBox::from_raw(self.0) });
    }
}

impl OutboundIndex {
    /// No outbound SAs.
    pub(crate) const fn new() -> Self {
        OutboundIndex {
            current: UnsafeCell::new(core::ptr::null_mut()),
        }
    }

    /// Rebuilds the snapshot from every SA of the namespace. Called by the SA database's
    /// single writer (under its mutex). Out of memory publishes an empty index, so a removed
    /// SA is never used after its removal; the next change rebuilds it.
    pub(crate) fn rebuild(&self, sas: &RBTree<u64, Arc<Sa>>) -> Replaced {
        let snapshot = match build(sas) {
            Ok(Some(s)) => KBox::into_raw(s),
            Ok(None) => core::ptr::null_mut(),
            Err(_) => {
                pr_warn!("out of memory rebuilding the outbound SA index: outbound SAs idle\n");
                core::ptr::null_mut()
            }
        };
        self.publish(snapshot)
    }

    /// Publishes `snapshot`, returning the one it replaces.
    fn publish(&self, snapshot: *mut Snapshot) -> Replaced {
        // SAFETY: the slot is only written here, by the single writer; readers use
        // `rcu_dereference`, which pairs with the release in `rcu_assign_pointer`.
        let old = unsafe {
            let old = *self.current.get();
            bindings::rsec_helper_rcu_assign_pointer(self.current.get(), snapshot.cast());
            old
        };
        Replaced(old.cast())
    }

    /// The SA for a packet of `flow` routed into device `ifindex`: the first (most specific,
    /// then newest) whose selector matches.
    pub(crate) fn lookup(&self, ifindex: u32, flow: &Flow) -> Option<Arc<Sa>> {
        let _guard = RcuGuard::new();
        // SAFETY: inside a read-side section; the slot holds null or a published snapshot.
        let snapshot = unsafe { bindings::rsec_helper_rcu_dereference(self.current.get()) };
        // SAFETY: a published snapshot stays allocated until a grace period after it is
        // replaced, and `_guard` holds off that grace period.
        let snapshot = unsafe { snapshot.cast::<Snapshot>().as_ref() }?;

        snapshot
            .entries
            .iter()
            .filter(|e| e.ifindex == ifindex)
            .find(|e| e.sel.as_ref().map_or(true, |s| flow.matches(s)))
            .map(|e| e.sa.clone())
    }
}

impl Drop for OutboundIndex {
    fn drop(&mut self) {
        drop(self.publish(core::ptr::null_mut()));
    }
}

/// The sorted entries of the outbound SAs among `sas` (all SAs of a namespace, by id).
/// `None` when there are none: the index is then a null pointer, and replacing it needs no
/// grace period.
fn build(sas: &RBTree<u64, Arc<Sa>>) -> Result<Option<KBox<Snapshot>>> {
    let outbound = || sas.values().filter(|sa| sa.params.key.dir == abi::dir::OUT);
    let n: usize = outbound().map(|sa| sa.params.selectors.len().max(1)).sum();
    let mut entries = KVec::with_capacity(n, GFP_KERNEL)?;
    for sa in outbound() {
        let ifindex = sa.params.ifindex;
        if sa.params.selectors.is_empty() {
            let e = Entry {
                ifindex,
                sel: None,
                spec: None,
                sa: sa.clone(),
            };
            entries.push(e, GFP_KERNEL)?;
        }
        for sel in sa.params.selectors.iter() {
            let e = Entry {
                ifindex,
                sel: Some(*sel),
                spec: Specificity::of(Some(sel)),
                sa: sa.clone(),
            };
            entries.push(e, GFP_KERNEL)?;
        }
    }

    sort_entries(&mut entries);
    Ok(Some(KBox::new(Snapshot { entries }, GFP_KERNEL)?))
}

/// Sorts most specific first, newest SA first among equals: an insertion sort by binary
/// search and rotation, in place. `core`'s sorts keep scratch arrays of elements on the stack,
/// too much for a kernel stack with entries of this size; rebuilds are control-plane work.
fn sort_entries(entries: &mut [Entry]) {
    let before = |a: &Entry, b: &Entry| (a.spec, a.sa.id) > (b.spec, b.sa.id);
    for i in 1..entries.len() {
        let pos = entries[..i].partition_point(|e| !before(&entries[i], e));
        entries[pos..=i].rotate_right(1);
    }
}
