// SPDX-License-Identifier: GPL-2.0

//! The SA database of one network namespace.
//!
//! Every SA and every SPI reservation sits in an RCU hash table keyed by (dir, SPI, proto,
//! daddr): the packet path will find inbound SAs there in O(1) without locks. Writers are
//! serialised by a mutex, which also guards a tree of all SAs ordered by a creation id, for
//! dumps: a dump resumes at the first id after the last one it sent, so an SA that exists for
//! the whole dump appears exactly once, whatever is added or deleted meanwhile (those may or
//! may not appear).
//!
//! Removed entries are freed one RCU grace period later (`synchronize_rcu`, once per
//! request, after the mutex is released: deletes are control-plane operations, so blocking
//! for a grace period is fine and simpler than callbacks). Freeing an SA wipes its keys.

use crate::abi;
use crate::kfuncs::rcu::{NewEntry, RcuGuard, RcuHashTable, Retired, TableWriter};
use crate::kfuncs::{boottime_seconds, random_u32};
use crate::outbound::OutboundIndex;
use crate::sa::{
    choose_spi, errno, BadAttr, Filter, KeyMaterial, KeyRefs, SaError, SaKey, SaParams, SpiAlloc,
};
use crate::sastate::DataPath;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::rbtree::{RBTree, RBTreeNode};
use kernel::sync::{Arc, Mutex};

/// log2 of the number of hash buckets per namespace (1024 buckets, 8 KiB).
// TODO: grow the table (or move to rhashtable) when namespaces hold far more SAs than this.
const HASH_BITS: u32 = 10;

/// An SPI reservation expires this long after SPI_ALLOC. Expiry is lazy: a lapsed
/// reservation blocks nothing (SPI_ALLOC and SA_NEW treat it as free and replace it) but stays
/// in the table until then, or until SA_DEL or SA_FLUSH removes it.
// TODO: sweep lapsed reservations from a delayed work, so they do not linger unused.
pub(crate) const RESERVATION_SECONDS: u64 = 60;

/// Statistics of an SA, updated by the data path.
#[derive(Default)]
pub(crate) struct Counters {
    /// Packets processed.
    pub(crate) packets: AtomicU64,
    /// Bytes processed.
    pub(crate) bytes: AtomicU64,
    /// Replay drops.
    pub(crate) drop_replay: AtomicU64,
    /// ICV failures.
    pub(crate) drop_auth: AtomicU64,
    /// Bad padding.
    pub(crate) drop_padding: AtomicU64,
    /// Outside the selectors.
    pub(crate) drop_selector: AtomicU64,
    /// Malformed.
    pub(crate) drop_malformed: AtomicU64,
    /// Sequence numbers exhausted.
    pub(crate) drop_seq_exhausted: AtomicU64,
}

/// A security association.
pub(crate) struct Sa {
    /// Creation order within the namespace; the dump cursor.
    pub(crate) id: u64,
    /// Validated configuration.
    pub(crate) params: SaParams,
    /// Keys, in their own allocation, wiped when dropped.
    keys: KBox<KeyMaterial>,
    /// Boot-time seconds at creation.
    pub(crate) created: u64,
    /// Sequence number: last sent (outbound) or highest accepted (inbound).
    pub(crate) seq: AtomicU64,
    /// Statistics.
    pub(crate) counters: Counters,
    /// The packet path's state: keyed transform, replay window (`sastate.rs`).
    pub(crate) dp: DataPath,
    // TODO: lifetimes are stored but not enforced: the data path will count bytes and packets
    // against `params.soft`/`params.hard`, a timer will check seconds, and both will send
    // SA_EXPIRE on the events group (and delete the SA at the hard limit).
}

impl Sa {
    /// The keys, for the data path.
    #[allow(dead_code)]
    pub(crate) fn keys(&self) -> &KeyMaterial {
        &self.keys
    }
}

/// An SPI held by SPI_ALLOC for its owner until SA_NEW uses it or it expires.
struct Reservation {
    key: SaKey,
    owner: u64,
    created: u64,
}

impl Reservation {
    /// Whether the reservation has lapsed at `now` (boot-time seconds).
    fn expired(&self, now: u64) -> bool {
        now.saturating_sub(self.created) >= RESERVATION_SECONDS
    }
}

/// What the hash table holds.
enum Entry {
    /// A larval SA: only an SPI.
    Reserved(Reservation),
    /// A full SA.
    Sa(Arc<Sa>),
}

impl Entry {
    /// The key this entry is filed under.
    fn key(&self) -> &SaKey {
        match self {
            Entry::Reserved(r) => &r.key,
            Entry::Sa(sa) => &sa.params.key,
        }
    }
}

/// What the mutex guards.
struct Inner {
    /// The right to change the hash table.
    writer: TableWriter,
    /// Every SA (not reservations) by id.
    all: RBTree<u64, Arc<Sa>>,
}

/// The SA database of a namespace.
#[pin_data(PinnedDrop)]
pub(crate) struct Sadb {
    table: RcuHashTable<Entry>,
    seed: u32,
    next_id: AtomicU64,
    /// Outbound SAs by device and selector, for the transmit path (`outbound.rs`); rebuilt
    /// under `inner` after every change.
    pub(crate) outbound: OutboundIndex,
    #[pin]
    inner: Mutex<Inner>,
}

/// Out of memory, as a rejection.
const NOMEM: SaError = SaError::new(errno::ENOMEM, c"out of memory", BadAttr::None);

impl Sadb {
    /// An empty database.
    pub(crate) fn new() -> Result<Pin<KBox<Self>>> {
        let (table, writer) = RcuHashTable::new(HASH_BITS)?;
        let inner = Inner {
            writer,
            all: RBTree::new(),
        };
        KBox::pin_init(
            pin_init!(Sadb {
                table,
                seed: random_u32(),
                next_id: AtomicU64::new(1),
                outbound: OutboundIndex::new(),
                inner <- new_mutex!(inner, "rsec_sadb"),
            }),
            GFP_KERNEL,
        )
    }

    /// The bucket hash of `key`.
    fn hash(&self, key: &SaKey) -> u32 {
        key.hash(self.seed)
    }

    /// Lock-free lookup of the SA named by `key` (for the packet path and SA_GET).
    pub(crate) fn lookup(&self, key: &SaKey) -> Option<Arc<Sa>> {
        let guard = RcuGuard::new();
        let entry = self
            .table
            .find(&guard, self.hash(key), |e| e.key() == key)?;
        match entry {
            Entry::Sa(sa) => Some(sa.clone()),
            Entry::Reserved(_) => None,
        }
    }

    /// Reserves a random free inbound SPI for `req.proto`/`req.daddr` in `req`'s range.
    pub(crate) fn alloc_spi(&self, req: &SpiAlloc) -> Result<u32, SaError> {
        let now = boottime_seconds();
        let key = |spi| SaKey {
            dir: abi::dir::IN,
            spi,
            proto: req.proto,
            daddr: req.daddr,
        };
        let reservation = Reservation {
            key: key(0),
            owner: req.owner,
            created: now,
        };
        let mut entry = NewEntry::new(Entry::Reserved(reservation)).map_err(|_| NOMEM)?;
        let mut retired = Retired::new();
        let spi = {
            let mut inner = self.inner.lock();
            let spi = choose_spi(req.min, req.max, &mut random_u32, &mut |spi| {
                let k = key(spi);
                self.table
                    .find_locked(&inner.writer, self.hash(&k), |e| {
                        e.key() == &k && !stale(e, now)
                    })
                    .is_some()
            })?;
            let k = key(spi);
            let hash = self.hash(&k);
            self.table
                .remove(&mut inner.writer, hash, |e| e.key() == &k, &mut retired);
            if let Entry::Reserved(r) = entry.value_mut() {
                r.key = k;
            }
            self.table
                .insert(&mut inner.writer, hash, entry)
                .map_err(|_| NOMEM)?;
            spi
        };
        drop(retired);
        Ok(spi)
    }

    /// Creates an SA. Everything is allocated first; under the lock only checks and links
    /// remain, so a failure leaves nothing behind (and the keys are wiped as they drop).
    pub(crate) fn add(&self, params: &SaParams, keys: KeyRefs<'_>) -> Result<(), SaError> {
        let mut material = KBox::new(KeyMaterial::new(), GFP_KERNEL).map_err(|_| NOMEM)?;
        material.fill(keys);
        let dp = DataPath::new(params, keys)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let sa = Sa {
            id,
            params: *params,
            keys: material,
            created: boottime_seconds(),
            seq: AtomicU64::new(0),
            counters: Counters::default(),
            dp,
        };
        let sa = Arc::new(sa, GFP_KERNEL).map_err(|_| NOMEM)?;
        let node = RBTreeNode::new(id, sa.clone(), GFP_KERNEL).map_err(|_| NOMEM)?;
        let entry = NewEntry::new(Entry::Sa(sa)).map_err(|_| NOMEM)?;
        let mut retired = Retired::new();
        let result = self.insert(params, entry, node, &mut retired);
        drop(retired);
        result
    }

    /// The locked part of [`Sadb::add`].
    fn insert(
        &self,
        params: &SaParams,
        entry: NewEntry<Entry>,
        node: RBTreeNode<u64, Arc<Sa>>,
        retired: &mut Retired<Entry>,
    ) -> Result<(), SaError> {
        let key = &params.key;
        let hash = self.hash(key);
        let now = boottime_seconds();
        let mut inner = self.inner.lock();
        let existing = self
            .table
            .find_locked(&inner.writer, hash, |e| e.key() == key);
        match existing {
            Some(Entry::Sa(_)) => {
                return Err(SaError::new(
                    errno::EEXIST,
                    c"an SA with this dir, SPI, proto and daddr exists",
                    BadAttr::Attr(abi::sa::SPI),
                ))
            }
            Some(Entry::Reserved(r)) if r.owner != params.owner && !r.expired(now) => {
                return Err(SaError::new(
                    errno::EEXIST,
                    c"this SPI is reserved by another owner",
                    BadAttr::Attr(abi::sa::SPI),
                ))
            }
            Some(Entry::Reserved(_)) => {
                self.table
                    .remove(&mut inner.writer, hash, |e| e.key() == key, retired);
            }
            None => {}
        }
        self.table
            .insert(&mut inner.writer, hash, entry)
            .map_err(|_| NOMEM)?;
        inner.all.insert(node);
        if key.dir == abi::dir::OUT {
            let replaced = self.outbound.rebuild(&inner.all);
            drop(inner);
            drop(replaced);
        }
        Ok(())
    }

    /// Deletes the SA or reservation named by `key`.
    pub(crate) fn remove(&self, key: &SaKey) -> Result<(), SaError> {
        let mut retired = Retired::new();
        let found = {
            let mut inner = self.inner.lock();
            let hash = self.hash(key);
            let id = match self
                .table
                .find_locked(&inner.writer, hash, |e| e.key() == key)
            {
                Some(Entry::Sa(sa)) => Some(sa.id),
                _ => None,
            };
            let found =
                self.table
                    .remove(&mut inner.writer, hash, |e| e.key() == key, &mut retired);
            if let Some(id) = id {
                inner.all.remove(&id);
            }
            if id.is_some() && key.dir == abi::dir::OUT {
                let replaced = self.outbound.rebuild(&inner.all);
                drop(inner);
                drop(replaced);
            }
            found
        };
        drop(retired);
        if found {
            Ok(())
        } else {
            Err(SaError::new(errno::ENOENT, c"no such SA", BadAttr::None))
        }
    }

    /// Deletes every SA (and reservation) that `filter` selects; returns how many went.
    pub(crate) fn flush(&self, filter: &Filter) -> usize {
        let mut retired = Retired::new();
        {
            let mut inner = self.inner.lock();
            let Inner { writer, all } = &mut *inner;
            let selected = |e: &Entry| match e {
                Entry::Sa(sa) => filter.matches(sa.params.ifindex, sa.params.owner),
                Entry::Reserved(r) => filter.matches_reservation(r.owner),
            };
            self.table.remove_all(writer, selected, &mut retired);
            remove_matching(all, filter);
            let replaced = self.outbound.rebuild(all);
            drop(inner);
            drop(replaced);
        }
        let n = retired.len();
        drop(retired);
        n
    }

    /// Calls `emit` on each SA that `filter` selects, in id order from id `from`, until it
    /// returns `false`; returns the id to resume at, or `None` when all were emitted.
    pub(crate) fn walk(
        &self,
        from: u64,
        filter: &Filter,
        mut emit: impl FnMut(&Sa) -> bool,
    ) -> Option<u64> {
        let mut inner = self.inner.lock();
        let mut cursor = inner.all.cursor_lower_bound(&from)?;
        loop {
            let (id, sa) = cursor.current();
            if filter.matches(sa.params.ifindex, sa.params.owner) && !emit(sa) {
                return Some(*id);
            }
            cursor = cursor.move_next()?;
        }
    }
}

/// Whether `e` is a reservation that has expired: SPI_ALLOC may hand its SPI out again.
fn stale(e: &Entry, now: u64) -> bool {
    matches!(e, Entry::Reserved(r) if r.expired(now))
}

/// Removes from `all` every SA that `filter` selects, in one pass.
fn remove_matching(all: &mut RBTree<u64, Arc<Sa>>, filter: &Filter) {
    let mut cursor = all.cursor_front();
    while let Some(c) = cursor {
        let (&id, sa) = c.current();
        if !filter.matches(sa.params.ifindex, sa.params.owner) {
            cursor = c.move_next();
            continue;
        }
        // The cursor moves to the next node, or to the previous one after the last.
        let (next, removed) = c.remove_current();
        drop(removed);
        cursor = next.filter(|n| *n.current().0 > id);
    }
}

#[pinned_drop]
impl PinnedDrop for Sadb {
    /// Namespace exit or module unload: every SA goes, keys wiped.
    fn drop(self: Pin<&mut Self>) {
        self.flush(&Filter::default());
    }
}
