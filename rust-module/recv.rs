// SPDX-License-Identifier: GPL-2.0

//! Inbound ESP (RFC 4303 section 3.4): the receive hook.
//!
//! rsec registers ESP handlers with the kernel's XFRM protocol multiplexers
//! (`xfrm4_protocol_register`, `xfrm6_protocol_register`) at a priority above the kernel's
//! own ESP (0) and XFRM interfaces (10), so every ESP packet addressed to this host reaches
//! rsec first. The multiplexer's contract: a handler that returns `-EINVAL` has not touched
//! the packet, which goes on to the next handler (in the end Linux's esp4/esp6); any other
//! return means the handler consumed it. rsec returns `-EINVAL` exactly for packets whose
//! (SPI, destination) names no inbound rsec SA, so rsec and XFRM run side by side.

use crate::abi;
use crate::bindings;
use crate::crypto::{Completion, EspResult};
use crate::device::{DevDrop, Device, KernelStatic};
use crate::esp::{self, DropReason};
use crate::flow::Flow;
use crate::kfuncs::rcu::RcuGuard;
use crate::kfuncs::Net;
use crate::pkt::{Packet, ETH_P_IP, ETH_P_IPV6};
use crate::sa::{Addr, Family, SaKey};
use crate::sadb::{Counters, Sa};
use crate::skb::SkBuff;
use core::ffi::c_int;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::sync::Arc;

/// Our place among the ESP handlers: above esp4/esp6 (0) and XFRM interfaces (10), below
/// IPv4 VTI (100). Priorities must be unique per protocol.
const PRIORITY: c_int = 40;

/// `-EINVAL`: "not mine, try the next handler".
const PASS: c_int = -22;

/// The outer address family of a received packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outer {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Outer {
    /// The destination address in the outer header.
    fn daddr(self, pkt: &Packet) -> Option<Addr> {
        match self {
            Outer::V4 => Addr::from_slice(&pkt.network_bytes::<4>(16)),
            Outer::V6 => Addr::from_slice(&pkt.network_bytes::<16>(24)),
        }
    }
}

/// SPI and sequence number.
const ESP_HDR_LEN: usize = 8;

/// What the receive path keeps in `skb->cb` across an asynchronous decryption.
#[derive(Clone, Copy)]
#[repr(C)]
struct RxCb {
    /// The full sequence number the replay check inferred.
    seq: u64,
    /// The outer TOS / Traffic Class, for ECN decapsulation.
    outer_tos: u8,
}

/// A drop on the receive path: the device counter and, when the SA is to blame, its own.
type RxDrop = (DevDrop, Option<fn(&Counters) -> &AtomicU64>);

/// Processes an ESP packet (data at the ESP header) for the inbound SA `sa`: the replay
/// check (before decryption, without side effects), then decryption, whose completion
/// ([`decrypt_done`]) does the rest. Consumes the packet.
fn receive(outer: Outer, mut pkt: Packet, sa: Arc<Sa>) {
    let Some(hdr) = pkt.head::<ESP_HDR_LEN>() else {
        return;
    };
    let seq_low = u32::from_be_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);

    let seq = match check_replay(&sa, seq_low) {
        Ok(seq) => seq,
        Err(why) => {
            count_rx_drop(&pkt, &sa, why);
            return;
        }
    };

    let outer_tos = match outer {
        Outer::V4 => pkt.network_bytes::<2>(0)[1],
        Outer::V6 => {
            let b = pkt.network_bytes::<2>(0);
            (b[0] << 4) | (b[1] >> 4)
        }
    };
    pkt.cb_store(RxCb { seq, outer_tos });

    let xf = sa.dp.xf.clone();
    let cookie = Arc::into_raw(sa) as usize;
    match xf.decrypt_skb(pkt.into_skbuff(), seq, decrypt_done, cookie) {
        Completion::Done(skb, result) => decrypt_done(skb, result, cookie),
        Completion::Pending => {}
    }
}

/// Anti-replay check (RFC 4303 section 3.4.3): no side effects; the window moves only in
/// [`advance_replay`], after the ICV passed.
fn check_replay(sa: &Sa, seq_low: u32) -> Result<u64, RxDrop> {
    sa.dp
        .replay_check(seq_low)
        .map_err(|_| (DevDrop::RxReplay, Some(replay_counter as _)))
}

fn replay_counter(c: &Counters) -> &AtomicU64 {
    &c.drop_replay
}

fn auth_counter(c: &Counters) -> &AtomicU64 {
    &c.drop_auth
}

fn padding_counter(c: &Counters) -> &AtomicU64 {
    &c.drop_padding
}

fn selector_counter(c: &Counters) -> &AtomicU64 {
    &c.drop_selector
}

fn malformed_counter(c: &Counters) -> &AtomicU64 {
    &c.drop_malformed
}

/// Completion of the decryption, synchronous or from the crypto layer: the SA reference in
/// `cookie` comes back here exactly once.
fn decrypt_done(skb: SkBuff, result: EspResult, cookie: usize) {
    // SAFETY: `cookie` is the `Arc::into_raw` of `receive`; the transform calls us once.
    let sa = unsafe { Arc::from_raw(cookie as *const Sa) };
    let mut pkt = Packet::from_skbuff(skb);
    let cb: RxCb = pkt.cb_load();

    match after_decrypt(&mut pkt, &sa, result, cb) {
        Ok(Some(flow)) => deliver(pkt, &sa, flow.ip_len),
        Ok(None) => pkt.consume(),
        Err(why) => count_rx_drop(&pkt, &sa, why),
    }
}

/// The steps between decryption and delivery; `Ok(None)` for a dummy packet (RFC 4303
/// section 2.6), which is discarded without counting an error.
fn after_decrypt(
    pkt: &mut Packet,
    sa: &Sa,
    result: EspResult,
    cb: RxCb,
) -> Result<Option<Flow>, RxDrop> {
    let next_header = match result {
        Ok(outcome) => outcome.next_header,
        Err(DropReason::DummyPacket) => return Ok(None),
        Err(why) => return Err(decrypt_drop(why)),
    };

    advance_replay(sa, cb.seq)?;

    let flow = inner_header(pkt, next_header)?;

    decap_ecn(pkt, &flow, cb.outer_tos)?;

    check_selectors(sa, &flow)?;

    Ok(Some(flow))
}

/// How a failed decryption is counted.
fn decrypt_drop(why: DropReason) -> RxDrop {
    match why {
        DropReason::IcvMismatch => (DevDrop::RxIcv, Some(auth_counter as _)),
        DropReason::BadPadLength | DropReason::BadPadding => {
            (DevDrop::RxPadding, Some(padding_counter as _))
        }
        DropReason::NoMemory | DropReason::Kernel(_) => (DevDrop::RxDecrypt, None),
        _ => (DevDrop::RxMalformed, Some(malformed_counter as _)),
    }
}

/// Moves the replay window now that the ICV passed; a copy of the packet that got there
/// first makes this one a replay after all. The SA's `seq` shows the window's top.
fn advance_replay(sa: &Sa, seq: u64) -> Result<(), RxDrop> {
    let top = sa
        .dp
        .replay_accept(seq)
        .map_err(|_| (DevDrop::RxReplay, Some(replay_counter as _)))?;
    sa.seq.fetch_max(top, Ordering::Relaxed);
    Ok(())
}

/// The inner packet's header: of the family Next Header names (RFC 4303 section 2.6),
/// whole, and no longer than the packet; bytes after its length (TFC padding, RFC 4303
/// section 2.7) are trimmed.
fn inner_header(pkt: &mut Packet, next_header: u8) -> Result<Flow, RxDrop> {
    let malformed = (DevDrop::RxMalformed, Some(malformed_counter as _));
    let family = esp::tunnel_inner_family(next_header).map_err(|_| malformed)?;
    let first = pkt.head::<1>().ok_or(malformed)?;
    let needed = Flow::needed(&first).map_err(|_| malformed)?;
    pkt.may_pull(needed.min(pkt.len()));
    let flow = Flow::parse(pkt.linear()).map_err(|_| malformed)?;

    let same_family = matches!(
        (family, flow.src.family()),
        (esp::Family::V4, Family::V4) | (esp::Family::V6, Family::V6)
    );
    if !same_family || flow.ip_len > pkt.len() {
        return Err(malformed);
    }
    if flow.ip_len < pkt.len() && !pkt.trim(flow.ip_len) {
        return Err(malformed);
    }
    Ok(flow)
}

/// ECN at decapsulation (RFC 6040 section 4.2, RFC 4301 section 5.1.2.1): the inner DSCP
/// stays; outer CE reaches the inner header; outer CE on a Not-ECT inner packet is a drop.
fn decap_ecn(pkt: &mut Packet, flow: &Flow, outer_tos: u8) -> Result<(), RxDrop> {
    let d = esp::decap_tos(outer_tos, flow.tos)
        .map_err(|_| (DevDrop::RxMalformed, Some(malformed_counter as _)))?;
    if d.tos != flow.tos {
        pkt.set_dsfield(flow.src.family() == Family::V6, d.tos);
    }
    Ok(())
}

/// The decrypted packet must be inside the SA's selectors (RFC 4301 section 5.2, step 4).
fn check_selectors(sa: &Sa, flow: &Flow) -> Result<(), RxDrop> {
    if flow.matches_any(&sa.params.selectors) {
        return Ok(());
    }
    Err((DevDrop::RxSelector, Some(selector_counter as _)))
}

/// The SA's rsec device, in the namespace the packet arrived in.
fn sa_device<'g>(pkt: &Packet, sa: &Sa, _rcu: &'g RcuGuard) -> Option<&'g Device> {
    // SAFETY: the packet's input device lives at least while we are in the RCU read-side
    // section `_rcu` (devices are freed a grace period after unregistering).
    let net = unsafe { bindings::rsec_helper_dev_net(pkt.dev()) };
    // SAFETY: `net` is alive (its device is); we are in a read-side section.
    let dev = unsafe { bindings::dev_get_by_index_rcu(net, sa.params.ifindex as i32) };
    if dev.is_null() {
        return None;
    }
    // SAFETY: found under RCU, valid for the section `_rcu`.
    unsafe { Device::from_raw(dev) }
}

/// Counts a drop on the SA and its device; the packet is freed by the caller's drop.
fn count_rx_drop(pkt: &Packet, sa: &Sa, (why, counter): RxDrop) {
    if let Some(counter) = counter {
        counter(&sa.counters).fetch_add(1, Ordering::Relaxed);
    }
    let rcu = RcuGuard::new();
    if let Some(dev) = sa_device(pkt, sa, &rcu) {
        dev.count_drop(why);
    }
}

/// Delivers the inner packet through the SA's rsec device (`netif_rx`), as if it had
/// arrived there.
fn deliver(mut pkt: Packet, sa: &Sa, len: usize) {
    let rcu = RcuGuard::new();
    let Some(dev) = sa_device(&pkt, sa, &rcu) else {
        return;
    };

    let v6 = pkt.head::<1>().is_some_and(|b| b[0] >> 4 == 6);
    pkt.scrub();
    pkt.set_dev(dev.as_ptr());
    pkt.set_network_here(if v6 { ETH_P_IPV6 } else { ETH_P_IP }, true);
    pkt.set_pkt_type_host();
    pkt.clear_cb();

    sa.counters.packets.fetch_add(1, Ordering::Relaxed);
    sa.counters.bytes.fetch_add(len as u64, Ordering::Relaxed);
    dev.count_rx(len as u32);

    // SAFETY: a complete inner packet of our device; netif_rx takes it over.
    unsafe { bindings::netif_rx(pkt.into_raw()) };
}

/// ESP handler of both families: the packet's data is at the ESP header.
fn esp_rcv(outer: Outer, skb: *mut bindings::sk_buff) -> c_int {
    // SAFETY: the multiplexer hands us a valid skb that we own if we keep it; every return
    // of `PASS` below gives it back untouched (but for a linearising pull, which the next
    // handler does as well).
    let Some(mut pkt) = (unsafe { Packet::from_raw(skb) }) else {
        return PASS;
    };

    let Some(key) = inbound_key(outer, &mut pkt) else {
        pkt.into_raw();
        return PASS;
    };

    let dev = pkt.dev();
    // SAFETY: an skb on the input path has a valid input device, alive while the skb is
    // being received (we run in the receive softirq under RCU).
    let net = unsafe { Net::from_raw(bindings::rsec_helper_dev_net(dev)) };
    let Some(sa) = crate::netns::sadb(net).and_then(|db| db.lookup(&key)) else {
        pkt.into_raw();
        return PASS;
    };

    receive(outer, pkt, sa);
    0
}

/// The key of the inbound SA an ESP packet names: its SPI and outer destination. `None` if
/// the packet is too short to carry an SPI (XFRM then drops it).
fn inbound_key(outer: Outer, pkt: &mut Packet) -> Option<SaKey> {
    if !pkt.may_pull(ESP_HDR_LEN) {
        return None;
    }

    let hdr = pkt.head::<4>()?;
    Some(SaKey {
        dir: abi::dir::IN,
        spi: u32::from_be_bytes(hdr),
        proto: abi::proto::ESP,
        daddr: outer.daddr(pkt)?,
    })
}

/// `handler` of the IPv4 multiplexer.
///
/// # Safety
///
/// Called by the multiplexer only, with a valid skb whose data is at the ESP header.
unsafe extern "C" fn esp4_rcv(skb: *mut bindings::sk_buff) -> c_int {
    esp_rcv(Outer::V4, skb)
}

/// `handler` of the IPv6 multiplexer.
///
/// # Safety
///
/// As for [`esp4_rcv`].
unsafe extern "C" fn esp6_rcv(skb: *mut bindings::sk_buff) -> c_int {
    esp_rcv(Outer::V6, skb)
}

/// `input_handler`: UDP-encapsulated ESP (RFC 3948) is not rsec's; pass it on.
///
/// # Safety
///
/// Called by the multiplexer only; the arguments are not used.
unsafe extern "C" fn input_pass(
    _skb: *mut bindings::sk_buff,
    _nexthdr: c_int,
    _spi: u32,
    _encap_type: c_int,
) -> c_int {
    PASS
}

/// `cb_handler`: runs for packets XFRM decapsulated; a positive return lets the next
/// handler (the one that owns them) see them.
///
/// # Safety
///
/// Called by the multiplexer only; the arguments are not used.
unsafe extern "C" fn cb_pass(_skb: *mut bindings::sk_buff, _err: c_int) -> c_int {
    1
}

/// `err_handler` (IPv4 ICMP errors about ESP we sent): non-zero passes it on.
///
/// # Safety
///
/// Called by the multiplexer only; the arguments are not used.
unsafe extern "C" fn err4_pass(_skb: *mut bindings::sk_buff, _info: u32) -> c_int {
    PASS
}

/// `err_handler` (ICMPv6 errors about ESP we sent): non-zero passes it on.
///
/// # Safety
///
/// Called by the multiplexer only; the arguments are not used.
unsafe extern "C" fn err6_pass(
    _skb: *mut bindings::sk_buff,
    _opt: *mut bindings::inet6_skb_parm,
    _type: u8,
    _code: u8,
    _offset: c_int,
    _info: u32,
) -> c_int {
    PASS
}

/// The IPv4 ESP handler.
static ESP4: KernelStatic<bindings::xfrm4_protocol> = KernelStatic::new({
    // SAFETY: all-zero is a valid `xfrm4_protocol`; every callback is set below.
    let mut p: bindings::xfrm4_protocol = unsafe { core::mem::zeroed() };
    p.handler = Some(esp4_rcv);
    p.input_handler = Some(input_pass);
    p.cb_handler = Some(cb_pass);
    p.err_handler = Some(err4_pass);
    p.priority = PRIORITY;
    p
});

/// The IPv6 ESP handler.
static ESP6: KernelStatic<bindings::xfrm6_protocol> = KernelStatic::new({
    // SAFETY: all-zero is a valid `xfrm6_protocol`; every callback is set below.
    let mut p: bindings::xfrm6_protocol = unsafe { core::mem::zeroed() };
    p.handler = Some(esp6_rcv);
    p.input_handler = Some(input_pass);
    p.cb_handler = Some(cb_pass);
    p.err_handler = Some(err6_pass);
    p.priority = PRIORITY;
    p
});

/// The registered ESP handlers; dropping deregisters them.
pub(crate) struct EspHook;

impl EspHook {
    /// Registers the IPv4 and IPv6 handlers.
    pub(crate) fn register() -> Result<EspHook> {
        let esp = bindings::RSEC_IPPROTO_ESP as u8;

        // SAFETY: the handler is static and not registered.
        let rc = unsafe { bindings::xfrm4_protocol_register(ESP4.get(), esp) };
        if rc < 0 {
            return Err(Error::from_errno(rc));
        }

        // SAFETY: as above.
        let rc = unsafe { bindings::xfrm6_protocol_register(ESP6.get(), esp) };
        if rc < 0 {
            // SAFETY: registered just above.
            unsafe { bindings::xfrm4_protocol_deregister(ESP4.get(), esp) };
            return Err(Error::from_errno(rc));
        }

        Ok(EspHook)
    }
}

impl Drop for EspHook {
    /// Deregisters; the multiplexers wait for an RCU grace period, so no packet is in our
    /// handlers afterwards.
    fn drop(&mut self) {
        let esp = bindings::RSEC_IPPROTO_ESP as u8;
        // SAFETY: both were registered by `register`.
        unsafe {
            bindings::xfrm6_protocol_deregister(ESP6.get(), esp);
            bindings::xfrm4_protocol_deregister(ESP4.get(), esp);
        }
    }
}
