// SPDX-License-Identifier: GPL-2.0

//! [`Packet`]: an owned skb as the link type's packet path sees it: the small safe layer over
//! the skb fields and functions that `xmit.rs` and `recv.rs` use.

use crate::bindings;
use crate::skb::SkBuff;
use core::ptr::NonNull;

/// Bytes of `skb->cb`.
const CB_LEN: usize = 48;

/// `ETH_P_IP` and `ETH_P_IPV6`, the `skb->protocol` of IPv4 and IPv6 packets.
pub(crate) const ETH_P_IP: u16 = 0x0800;
/// See [`ETH_P_IP`].
pub(crate) const ETH_P_IPV6: u16 = 0x86dd;

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

    /// Hands the packet to code that works with [`SkBuff`] (the ESP transforms).
    pub(crate) fn into_skbuff(self) -> SkBuff {
        let raw = self.into_raw();
        // SAFETY: `raw` is the valid skb we owned; ownership moves to the `SkBuff`.
        unsafe { SkBuff::from_raw(NonNull::new_unchecked(raw)) }
    }

    /// Takes a packet back from an [`SkBuff`].
    pub(crate) fn from_skbuff(skb: SkBuff) -> Packet {
        Packet(skb.into_raw())
    }

    /// Stores `value` in the control buffer (`skb->cb`), which the layer owning the packet
    /// may use; the next layer clears it ([`Packet::clear_cb`]).
    pub(crate) fn cb_store<T: Copy>(&mut self, value: T) {
        assert!(core::mem::size_of::<T>() <= CB_LEN);
        // SAFETY: `cb` is `CB_LEN` writable bytes of the skb we own; the write is unaligned.
        unsafe {
            let cb = bindings::rsec_helper_skb_cb(self.as_ptr()).cast::<T>();
            cb.write_unaligned(value);
        }
    }

    /// Reads back what [`Packet::cb_store`] stored.
    pub(crate) fn cb_load<T: Copy>(&self) -> T {
        assert!(core::mem::size_of::<T>() <= CB_LEN);
        // SAFETY: `cb` is `CB_LEN` readable bytes; callers read the type they stored, a
        // `Copy` type of plain fields for which any stored bytes were a valid value.
        unsafe {
            let cb = bindings::rsec_helper_skb_cb(self.as_ptr()).cast::<T>();
            cb.read_unaligned()
        }
    }

    /// Zeroes the control buffer, as IP output and input expect of a new packet.
    pub(crate) fn clear_cb(&mut self) {
        // SAFETY: `cb` is `CB_LEN` writable bytes of the skb we own.
        unsafe {
            let cb = bindings::rsec_helper_skb_cb(self.as_ptr()).cast::<u8>();
            core::ptr::write_bytes(cb, 0, CB_LEN);
        }
    }

    /// The socket that sent the packet, if any (not a reference: valid while the skb is).
    pub(crate) fn sk(&self) -> *mut bindings::sock {
        // SAFETY: the skb is valid (type invariant).
        unsafe { bindings::rsec_helper_skb_sk(self.as_ptr()) }
    }

    /// Sets the device the packet belongs to.
    pub(crate) fn set_dev(&mut self, dev: *mut bindings::net_device) {
        // SAFETY: the skb is ours; `dev` is a live device the caller chose.
        unsafe { bindings::rsec_helper_skb_set_dev(self.as_ptr(), dev) };
    }

    /// Makes the data start the network header, sets `skb->protocol` to `eth_p` (host
    /// order) and, when `mac` is true, the (empty) MAC header there too.
    pub(crate) fn set_network_here(&mut self, eth_p: u16, mac: bool) {
        // SAFETY: the skb is ours; the header offsets are within its head.
        unsafe {
            bindings::rsec_helper_skb_reset_network_header(self.as_ptr());
            if mac {
                bindings::rsec_helper_skb_reset_mac_header(self.as_ptr());
            }
            bindings::rsec_helper_skb_set_protocol(self.as_ptr(), eth_p.to_be());
        }
    }

    /// Marks the packet as addressed to this host.
    pub(crate) fn set_pkt_type_host(&mut self) {
        // SAFETY: the skb is ours.
        unsafe { bindings::rsec_helper_skb_set_pkt_type_host(self.as_ptr()) };
    }

    /// Clears the state of the layer the packet leaves (dst, conntrack, marks of the path
    /// it came by) as a tunnel does when it encapsulates or decapsulates.
    pub(crate) fn scrub(&mut self) {
        // SAFETY: the skb is ours; same-namespace scrub (`xnet` false).
        unsafe { bindings::skb_scrub_packet(self.as_ptr(), false) };
    }

    /// Attaches a route, replacing any.
    pub(crate) fn set_dst(&mut self, dst: Dst) {
        // SAFETY: the skb is ours; `skb_dst_set` takes over the reference `dst` holds.
        unsafe {
            bindings::rsec_helper_skb_dst_drop(self.as_ptr());
            bindings::rsec_helper_skb_dst_set(self.as_ptr(), dst.into_raw());
        }
    }

    /// Makes sure of `headroom` bytes of private headroom; `false` if no memory.
    pub(crate) fn cow_head(&mut self, headroom: usize) -> bool {
        // SAFETY: the skb is ours; this may reallocate its head, which nobody else sees.
        unsafe { bindings::rsec_helper_skb_cow_head(self.as_ptr(), headroom as u32) == 0 }
    }

    /// Prepends `bytes`; the headroom must be private and large enough ([`Self::cow_head`]).
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) {
        // SAFETY: `cow_head` made `bytes.len()` bytes of private headroom, so `skb_push`
        // returns that many writable bytes at the new data start.
        unsafe {
            let data = bindings::skb_push(self.as_ptr(), bytes.len() as u32).cast::<u8>();
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        }
    }

    /// Trims the packet to `len` bytes.
    pub(crate) fn trim(&mut self, len: usize) -> bool {
        // SAFETY: the skb is ours; trimming only shortens it.
        unsafe { bindings::rsec_helper_pskb_trim(self.as_ptr(), len as u32) == 0 }
    }

    /// Rewrites the DSCP/ECN byte of the IPv4 or IPv6 header at the data start (the IPv4
    /// checksum is updated); the header must be linear and writable.
    pub(crate) fn set_dsfield(&mut self, v6: bool, tos: u8) {
        // SAFETY: the caller pulled the header into the linear part of a private skb (the
        // ESP transform wrote the decrypted bytes there); both helpers touch only the first
        // bytes (and the IPv4 checksum) of the header at `data`.
        unsafe {
            let data = bindings::rsec_helper_skb_data(self.as_ptr()).cast();
            if v6 {
                bindings::rsec_helper_ipv6_change_dsfield(data, 0, tos);
            } else {
                bindings::rsec_helper_ipv4_change_dsfield(data, 0, tos);
            }
        }
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

/// A reference to a route (`struct dst_entry`), released when dropped.
pub(crate) struct Dst(NonNull<bindings::dst_entry>);

impl Dst {
    /// Takes over the reference `dst` carries, if it is not an `ERR_PTR`/null; else the
    /// negative errno.
    ///
    /// # Safety
    ///
    /// `dst` is a route reference the caller owns and hands over, or an error pointer.
    pub(crate) unsafe fn from_result(dst: *mut bindings::dst_entry) -> Result<Dst, i32> {
        let v = dst as isize;
        if (-4095..0).contains(&v) {
            return Err(v as i32);
        }
        NonNull::new(dst).map(Dst).ok_or(-22)
    }

    fn into_raw(self) -> *mut bindings::dst_entry {
        let d = self.0.as_ptr();
        core::mem::forget(self);
        d
    }

    /// The path MTU.
    pub(crate) fn mtu(&self) -> usize {
        // SAFETY: we hold a reference to the route.
        unsafe { bindings::rsec_helper_dst_mtu(self.0.as_ptr()) as usize }
    }

    /// The device the route leaves by.
    pub(crate) fn dev(&self) -> *mut bindings::net_device {
        // SAFETY: we hold a reference to the route, which holds its device.
        unsafe { bindings::rsec_helper_dst_dev(self.0.as_ptr()) }
    }
}

impl Drop for Dst {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { bindings::dst_release(self.0.as_ptr()) };
    }
}
