// SPDX-License-Identifier: GPL-2.0

//! The `rsec` link type: `ip link add rsec0 type rsec`.
//!
//! An rsec device is a layer-3 point-to-point interface like WireGuard's: no link-layer header,
//! no ARP, no qdisc. Packets routed into it leave as ESP (`xmit.rs`); ESP for its SAs comes out
//! of it (`recv.rs`). A device lives in the namespace it was created in, and its SAs are those
//! of that namespace's SA database whose `ifindex` names it.
//!
//! Statistics: packets and bytes through the per-CPU `tstats` the core allocates for us, and
//! one counter per drop reason in the device's private area, reported through
//! `ndo_get_stats64` as the standard error fields (see [`DevStats::fill`]).

use crate::bindings;
use crate::kfuncs::Net;
use core::cell::UnsafeCell;
use core::ffi::c_int;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::types::Opaque;

/// The link kind iproute2 names.
const KIND: &core::ffi::CStr = c"rsec";

/// The default MTU: 1500 less the largest overhead rsec adds (outer IPv6, AES-CBC with
/// HMAC-SHA-512: 40 + 8 + 16 + up to 17 of padding and trailer + 32), rounded down to 1380,
/// so a 1500-byte path carries every algorithm in both families without fragmentation.
/// Packets larger than what the path fits are answered with ICMP fragmentation-needed /
/// packet-too-big.
pub(crate) const DEFAULT_MTU: u32 = 1380;

/// The smallest MTU: IPv4's minimum datagram (RFC 791).
const MIN_MTU: u32 = 68;

/// The most ESP and an outer header add: IPv6 (40), ESP header (8), IV (16), padding (15),
/// trailer (2), ICV (32).
pub(crate) const MAX_OVERHEAD: u32 = 40 + 8 + 16 + 15 + 2 + 32;

/// The largest MTU: an outer packet must fit in IPv4's 16-bit total length.
const MAX_MTU: u32 = 0xffff - MAX_OVERHEAD;

/// Headroom the stack should leave in front of packets routed to us: outer IPv6 header, ESP
/// header and IV, and a link-layer header (Ethernet with VLAN) of the device below.
const NEEDED_HEADROOM: u16 = 40 + 8 + 16 + 32;

/// Tailroom for padding, trailer and ICV.
const NEEDED_TAILROOM: u16 = 15 + 2 + 32;

/// Why a packet was dropped on a device; each is a counter of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DevDrop {
    /// Outbound: no SA's selectors match the packet.
    TxNoSa,
    /// Outbound: the SA's 32-bit sequence numbers are used up.
    TxSeqExhausted,
    /// Outbound: no route to the SA's outer destination.
    TxNoRoute,
    /// Outbound: larger than the path allows; answered with ICMP.
    TxTooBig,
    /// Outbound: not an IPv4 or IPv6 packet, or its header is cut short.
    TxMalformed,
    /// Outbound: encryption failed (memory, crypto queue full).
    TxEncrypt,
    /// Inbound: a replayed or too old sequence number.
    RxReplay,
    /// Inbound: the ICV did not verify.
    RxIcv,
    /// Inbound: the padding or next header of the decrypted payload is wrong.
    RxPadding,
    /// Inbound: the inner packet is outside the SA's selectors.
    RxSelector,
    /// Inbound: too short, misaligned, or a bad inner header.
    RxMalformed,
    /// Inbound: decryption failed for another reason (memory, crypto queue full).
    RxDecrypt,
}

/// The number of [`DevDrop`] reasons.
const DROP_REASONS: usize = 12;

/// Per-device counters the core's `tstats` do not have.
pub(crate) struct DevStats {
    drops: [AtomicU64; DROP_REASONS],
}

impl DevStats {
    /// Counts one drop.
    pub(crate) fn count(&self, why: DevDrop) {
        self.drops[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The count of one reason.
    pub(crate) fn get(&self, why: DevDrop) -> u64 {
        self.drops[why as usize].load(Ordering::Relaxed)
    }

    /// Adds the drops to the standard statistics (`struct rtnl_link_stats64`):
    ///
    /// - `tx_errors`: every outbound drop; `tx_carrier_errors`: no route (as IP tunnels do);
    ///   `tx_dropped`: no SA; `tx_aborted_errors`: sequence numbers exhausted;
    /// - `rx_errors`: every inbound drop; `rx_crc_errors`: ICV failures; `rx_frame_errors`:
    ///   bad padding or next header; `rx_length_errors`: malformed; `rx_missed_errors`:
    ///   replays; `rx_dropped`: selector mismatches.
    fn fill(&self, s: &mut bindings::rtnl_link_stats64) {
        use DevDrop::*;
        let tx = [
            TxNoSa,
            TxSeqExhausted,
            TxNoRoute,
            TxTooBig,
            TxMalformed,
            TxEncrypt,
        ];
        let rx = [
            RxReplay,
            RxIcv,
            RxPadding,
            RxSelector,
            RxMalformed,
            RxDecrypt,
        ];
        s.tx_errors += tx.iter().map(|&d| self.get(d)).sum::<u64>();
        s.tx_carrier_errors += self.get(TxNoRoute);
        s.tx_dropped += self.get(TxNoSa);
        s.tx_aborted_errors += self.get(TxSeqExhausted);
        s.rx_errors += rx.iter().map(|&d| self.get(d)).sum::<u64>();
        s.rx_crc_errors += self.get(RxIcv);
        s.rx_frame_errors += self.get(RxPadding);
        s.rx_length_errors += self.get(RxMalformed);
        s.rx_missed_errors += self.get(RxReplay);
        s.rx_dropped += self.get(RxSelector);
    }
}

/// The private area of an rsec device (`netdev_priv`). The core zeroes it at allocation,
/// which is a valid value of every field (atomics at 0).
pub(crate) struct DevPriv {
    /// Drop counters.
    pub(crate) stats: DevStats,
    /// Boot-time seconds of the last acquire event sent for this device (rate limit).
    pub(crate) last_acquire: AtomicU64,
}

/// An rsec device (`struct net_device` whose `netdev_ops` are ours), borrowed.
#[repr(transparent)]
pub(crate) struct Device(Opaque<bindings::net_device>);

impl Device {
    /// The rsec device `dev`, or `None` if it is a device of another kind.
    ///
    /// # Safety
    ///
    /// `dev` is a valid device that stays alive for `'a` (the caller holds a reference, or is
    /// in an RCU read-side section that found it).
    pub(crate) unsafe fn from_raw<'a>(dev: *mut bindings::net_device) -> Option<&'a Device> {
        // SAFETY: `dev` is valid (the caller's contract); the ops pointer is set at setup and
        // never changes.
        let ops = unsafe { bindings::rsec_helper_dev_netdev_ops(dev) };
        if !core::ptr::eq(ops, NETDEV_OPS.0.get()) {
            return None;
        }

        // SAFETY: `Device` is a transparent wrapper; validity for `'a` is the caller's.
        Some(unsafe { &*dev.cast::<Device>() })
    }

    /// The raw pointer.
    pub(crate) fn as_ptr(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// The private area.
    pub(crate) fn data(&self) -> &DevPriv {
        // SAFETY: the device is an rsec device (type invariant), whose private area is a
        // `DevPriv` (`priv_size` of the link ops), zero-initialised, which is valid; it lives
        // as long as the device.
        unsafe { &*bindings::rsec_helper_netdev_priv(self.as_ptr()).cast::<DevPriv>() }
    }

    /// The namespace the device lives in.
    pub(crate) fn net(&self) -> &Net {
        // SAFETY: a live device belongs to a live namespace for at least as long as it lives.
        unsafe { Net::from_raw(bindings::rsec_helper_dev_net(self.as_ptr())) }
    }

    /// The interface index.
    pub(crate) fn ifindex(&self) -> u32 {
        // SAFETY: the device is valid (type invariant).
        unsafe { bindings::rsec_helper_dev_ifindex(self.as_ptr()) as u32 }
    }

    /// The interface name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: `name` is a NUL-terminated array inside the device, valid while it lives;
        // renames rewrite it in place under RTNL, so a concurrent reader may see a mix of two
        // names, never a missing NUL (the last byte of the array is always NUL).
        unsafe { CStr::from_char_ptr(bindings::rsec_helper_dev_name(self.as_ptr())) }
    }

    /// The current MTU.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: the device is valid (type invariant).
        unsafe { bindings::rsec_helper_dev_mtu(self.as_ptr()) }
    }

    /// Counts a packet sent, with the bytes of its inner packet.
    pub(crate) fn count_tx(&self, len: u32) {
        // SAFETY: the device is registered with `pcpu_stat_type` TSTATS, so the core allocated
        // its per-CPU `tstats`.
        unsafe { bindings::rsec_helper_dev_sw_netstats_tx_add(self.as_ptr(), 1, len) };
    }

    /// Counts a packet received, with the bytes of its inner packet.
    pub(crate) fn count_rx(&self, len: u32) {
        // SAFETY: as in `count_tx`.
        unsafe { bindings::rsec_helper_dev_sw_netstats_rx_add(self.as_ptr(), len) };
    }

    /// Counts a drop.
    pub(crate) fn count_drop(&self, why: DevDrop) {
        self.data().stats.count(why);
    }
}

/// Whether a packet-path message may be logged now: the networking stack's shared rate limit
/// (`net_ratelimit`, by default 10 messages per 5 seconds).
pub(crate) fn log_allowed() -> bool {
    // SAFETY: no preconditions; callable from any context.
    unsafe { bindings::net_ratelimit() != 0 }
}

/// A static the kernel writes into (it links registered ops into lists and fills defaults).
pub(crate) struct KernelStatic<T>(UnsafeCell<T>);

// SAFETY: the kernel changes the value only inside the (un)register calls, which module init
// and exit make once each, serialised; otherwise it is only read.
unsafe impl<T> Sync for KernelStatic<T> {}

impl<T> KernelStatic<T> {
    /// Wraps `value`.
    pub(crate) const fn new(value: T) -> Self {
        KernelStatic(UnsafeCell::new(value))
    }

    /// The pointer to give the kernel.
    pub(crate) fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// The device operations.
static NETDEV_OPS: KernelStatic<bindings::net_device_ops> = KernelStatic::new({
    // SAFETY: all-zero is a valid `net_device_ops`: every operation absent.
    let mut ops: bindings::net_device_ops = unsafe { core::mem::zeroed() };
    ops.ndo_start_xmit = Some(crate::xmit::start_xmit);
    ops.ndo_get_stats64 = Some(get_stats64);
    ops
});

/// The link type.
static LINK_OPS: KernelStatic<bindings::rtnl_link_ops> = KernelStatic::new({
    // SAFETY: all-zero is a valid `rtnl_link_ops`: no attributes, default newlink/dellink
    // (`register_netdevice`, `unregister_netdevice_queue`).
    let mut ops: bindings::rtnl_link_ops = unsafe { core::mem::zeroed() };
    ops.kind = KIND.as_ptr().cast();
    ops.priv_size = core::mem::size_of::<DevPriv>();
    ops.setup = Some(setup);
    ops
});

/// `setup`: called by `alloc_netdev` for a new device, before registration.
///
/// # Safety
///
/// Called by the core only, with a freshly allocated device that is not registered yet.
unsafe extern "C" fn setup(dev: *mut bindings::net_device) {
    // SAFETY: the core calls `setup` with a freshly allocated, not yet registered device,
    // which we may configure as we like.
    unsafe {
        bindings::rsec_helper_dev_set_netdev_ops(dev, NETDEV_OPS.get());
        bindings::rsec_helper_dev_set_type_flags(
            dev,
            bindings::RSEC_ARPHRD_NONE as u16,
            bindings::RSEC_IFF_POINTOPOINT | bindings::RSEC_IFF_NOARP,
            bindings::RSEC_IFF_NO_QUEUE.into(),
        );
        bindings::rsec_helper_dev_set_mtu_range(dev, DEFAULT_MTU, MIN_MTU, MAX_MTU);
        bindings::rsec_helper_dev_set_room(dev, NEEDED_HEADROOM, NEEDED_TAILROOM);
        bindings::rsec_helper_dev_set_lltx(dev);
        bindings::rsec_helper_dev_set_needs_free_netdev(dev);
        bindings::rsec_helper_dev_set_pcpu_stat_tstats(dev);
    }
}

/// `ndo_get_stats64`: the core's per-CPU counters plus our drop counters.
///
/// # Safety
///
/// Called by the core only, with one of our registered devices and a statistics struct to
/// fill.
unsafe extern "C" fn get_stats64(
    dev: *mut bindings::net_device,
    stats: *mut bindings::rtnl_link_stats64,
) {
    // SAFETY: the core passes a registered rsec device (these ops are only ours) and a
    // zeroed statistics struct to fill.
    unsafe { bindings::dev_get_tstats64(dev, stats) };

    // SAFETY: as above; the device lives during the call.
    let Some(dev) = (unsafe { Device::from_raw(dev) }) else {
        return;
    };

    // SAFETY: `stats` is valid and exclusively ours during the call.
    dev.data().stats.fill(unsafe { &mut *stats });
}

/// The registered link type; unregistering deletes every rsec device in every namespace.
pub(crate) struct LinkType;

impl LinkType {
    /// Registers the `rsec` kind with rtnetlink.
    pub(crate) fn register() -> Result<LinkType> {
        // SAFETY: the ops are static and not registered yet.
        let rc: c_int = unsafe { bindings::rtnl_link_register(LINK_OPS.get()) };
        if rc < 0 {
            return Err(Error::from_errno(rc));
        }
        Ok(LinkType)
    }
}

impl Drop for LinkType {
    fn drop(&mut self) {
        // SAFETY: `register` succeeded; this deletes the devices of the kind and waits for
        // them to be unregistered.
        unsafe { bindings::rtnl_link_unregister(LINK_OPS.get()) };
    }
}
