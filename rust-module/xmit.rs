// SPDX-License-Identifier: GPL-2.0

//! Outbound: packets routed into an rsec device leave as tunnel-mode ESP (RFC 4303 section
//! 3.3, RFC 4301 section 5.1).
//!
//! The pipeline, one function per stage: classify the inner packet ([`classify`]), select
//! the SA by its selectors ([`select_sa`]), route the outer packet ([`route_outer`]), check
//! the size against the path ([`check_size`], answering ICMP), take the next sequence number
//! ([`next_seq`]), encrypt ([`encrypt`]), and, when the transform is done (now or from the
//! crypto layer), add the outer header and send it ([`send_outer`]). Every drop is counted
//! on the device (and on the SA when there is one).

use crate::bindings;
use crate::crypto::{Completion, EspResult};
use crate::device::{log_allowed, DevDrop, Device};
use crate::esp::{self, NEXT_HEADER_IPV4, NEXT_HEADER_IPV6};
use crate::events;
use crate::flow::{ipv4_header, ipv6_header, Flow, OuterFields};
use crate::kfuncs::Net;
use crate::pkt::{Dst, Packet, ETH_P_IP, ETH_P_IPV6};
use crate::sa::{Addr, Family};
use crate::sadb::Sa;
use crate::skb::SkBuff;
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::Arc;

/// What the transmit path keeps in `skb->cb` across an asynchronous encryption.
#[derive(Clone, Copy)]
#[repr(C)]
struct TxCb {
    /// Outer TOS and DF, derived from the inner header (which is encrypted by then).
    outer: OuterFields,
    /// Bytes of the inner packet, for the statistics.
    inner_len: u32,
}

/// `ndo_start_xmit`: the stack hands us an inner IPv4 or IPv6 packet.
///
/// # Safety
///
/// Called by the core only, with an skb it hands over and one of our registered devices.
pub(crate) unsafe extern "C" fn start_xmit(
    skb: *mut bindings::sk_buff,
    dev: *mut bindings::net_device,
) -> bindings::netdev_tx_t {
    // SAFETY: the core gives us ownership of `skb`, a valid packet.
    let Some(pkt) = (unsafe { Packet::from_raw(skb) }) else {
        return bindings::netdev_tx_NETDEV_TX_OK;
    };

    // SAFETY: the core calls our `ndo_start_xmit` only for our devices, registered and alive
    // during the call.
    let Some(dev) = (unsafe { Device::from_raw(dev) }) else {
        return bindings::netdev_tx_NETDEV_TX_OK;
    };

    if let Err(why) = xmit(dev, pkt) {
        dev.count_drop(why);
    }
    bindings::netdev_tx_NETDEV_TX_OK
}

/// The pipeline up to the encryption; an error is a drop (the packet is freed on return).
fn xmit(dev: &Device, mut pkt: Packet) -> Result<(), DevDrop> {
    let flow = classify(&mut pkt)?;

    let sa = select_sa(dev, &flow)?;

    let route = route_outer(dev, &sa)?;

    check_size(dev, &mut pkt, &flow, &sa, &route)?;

    let seq = next_seq(dev, &sa)?;

    encrypt(pkt, &flow, sa, route, seq)
}

/// Reads the inner header; the packet must be IPv4 or IPv6 with a whole header.
fn classify(pkt: &mut Packet) -> Result<Flow, DevDrop> {
    let first = pkt.head::<1>().ok_or(DevDrop::TxMalformed)?;
    let needed = Flow::needed(&first).map_err(|_| DevDrop::TxMalformed)?;

    // Ports are optional: a packet shorter than header + 4 still parses.
    pkt.may_pull(needed.min(pkt.len()));
    Flow::parse(pkt.linear()).map_err(|_| DevDrop::TxMalformed)
}

/// The most specific outbound SA of this device whose selectors match (RFC 4301 section
/// 5.1). None: the packet is dropped and an acquire event goes out (rate-limited), so an IKE
/// daemon can negotiate one on demand.
fn select_sa(dev: &Device, flow: &Flow) -> Result<Arc<Sa>, DevDrop> {
    let sa = crate::netns::sadb(dev.net()).and_then(|db| db.outbound.lookup(dev.ifindex(), flow));
    if let Some(sa) = sa {
        return Ok(sa);
    }

    events::acquire(dev, flow);
    if log_allowed() {
        pr_info!("{}: no outbound SA for a packet\n", dev.name());
    }
    Err(DevDrop::TxNoSa)
}

/// The route to the SA's outer destination, from its outer source. A route back into an
/// rsec device would loop: refused.
fn route_outer(dev: &Device, sa: &Sa) -> Result<Dst, DevDrop> {
    let p = &sa.params;
    let net = dev.net().as_ptr();
    let raw = match (p.saddr.family(), p.saddr.as_bytes(), p.key.daddr.as_bytes()) {
        (Family::V4, s, d) => {
            let (s, d) = (be32(s), be32(d));
            // SAFETY: `net` is the device's live namespace; the helper returns a route
            // reference or an error pointer.
            unsafe { bindings::rsec_helper_route_output4(net, s, d) }
        }
        (Family::V6, s, d) => {
            // SAFETY: as above; `s` and `d` are 16-byte addresses, the layout of `in6_addr`.
            unsafe {
                bindings::rsec_helper_route_output6(net, s.as_ptr().cast(), d.as_ptr().cast())
            }
        }
    };

    // SAFETY: `raw` is what the routing helper returned: a reference we own, or an error.
    let route = unsafe { Dst::from_result(raw) }.map_err(|_| DevDrop::TxNoRoute)?;

    // SAFETY: the route holds its device alive.
    if unsafe { Device::from_raw(route.dev()) }.is_some() {
        return Err(DevDrop::TxNoRoute);
    }
    Ok(route)
}

/// An address's 4 bytes as the `__be32` the kernel takes (network order in memory).
fn be32(b: &[u8]) -> u32 {
    u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
}

/// The inner packet must fit the device MTU and, once encapsulated, the path MTU. Too big
/// with DF (or IPv6): ICMP fragmentation-needed / packet-too-big with the MTU that fits
/// (RFC 4301 section 8.2), and a drop. IPv4 without DF goes out and the outer packet is
/// fragmented (the outer DF is copied, so it is clear too).
fn check_size(
    dev: &Device,
    pkt: &mut Packet,
    flow: &Flow,
    sa: &Sa,
    route: &Dst,
) -> Result<(), DevDrop> {
    let outer = match sa.params.saddr.family() {
        Family::V4 => esp::Family::V4,
        Family::V6 => esp::Family::V6,
    };
    let fits_path = esp::max_inner_len(route.mtu(), outer, sa.dp.xf.params()).unwrap_or(0);
    let mtu = fits_path.min(dev.mtu() as usize);
    if pkt.len() <= mtu || !flow.df {
        return Ok(());
    }

    let v6 = flow.src.family() == Family::V6;
    // IPv6 links carry at least 1280 bytes (RFC 8200 section 5): never advertise less.
    let mtu = if v6 { mtu.max(1280) } else { mtu.max(68) } as u32;
    // SAFETY: the packet is a valid inner packet with its route still attached, as the ICMP
    // helpers need to address the reply to its (local or forwarded) source.
    unsafe {
        if v6 {
            bindings::rsec_helper_icmpv6_pkt_too_big(pkt.as_ptr(), mtu);
        } else {
            bindings::rsec_helper_icmp_frag_needed(pkt.as_ptr(), mtu);
        }
    }
    Err(DevDrop::TxTooBig)
}

/// The next outbound sequence number (RFC 4303 section 3.3.3). Without ESN the 32-bit
/// counter never wraps: at 2^32 - 1 the SA stops sending, and an expire event of kind
/// seq-exhausted tells userspace (once) to rekey.
fn next_seq(dev: &Device, sa: &Sa) -> Result<u64, DevDrop> {
    let seq = sa.seq.fetch_add(1, Ordering::Relaxed) + 1;
    if sa.dp.xf.esn() || seq <= u64::from(u32::MAX) {
        return Ok(seq);
    }

    // Keep the counter at its end so SA_GET shows it and it never moves on.
    sa.seq.store(u64::from(u32::MAX), Ordering::Relaxed);
    sa.counters
        .drop_seq_exhausted
        .fetch_add(1, Ordering::Relaxed);
    if !sa.dp.mark_exhausted() {
        events::seq_exhausted(dev.net(), sa);
        pr_info!(
            "{}: SA {:#010x} ran out of sequence numbers; it sends no more\n",
            dev.name(),
            sa.params.key.spi
        );
    }
    Err(DevDrop::TxSeqExhausted)
}

/// Attaches the outer route, remembers the outer header fields, and encrypts. The SA rides
/// along as the completion's cookie (one reference).
fn encrypt(mut pkt: Packet, flow: &Flow, sa: Arc<Sa>, route: Dst, seq: u64) -> Result<(), DevDrop> {
    let next_header = match flow.src.family() {
        Family::V4 => NEXT_HEADER_IPV4,
        Family::V6 => NEXT_HEADER_IPV6,
    };
    let cb = TxCb {
        outer: OuterFields::of(flow),
        inner_len: pkt.len() as u32,
    };

    pkt.scrub();
    pkt.set_dst(route);
    pkt.cb_store(cb);

    let spi = sa.params.key.spi;
    let xf = sa.dp.xf.clone();
    let cookie = Arc::into_raw(sa) as usize;
    match xf.encrypt_skb(
        pkt.into_skbuff(),
        spi,
        seq,
        next_header,
        encrypt_done,
        cookie,
    ) {
        Completion::Done(skb, result) => encrypt_done(skb, result, cookie),
        Completion::Pending => {}
    }
    Ok(())
}

/// Completion of [`encrypt`], synchronous or from the crypto layer: the SA reference in
/// `cookie` comes back here exactly once.
fn encrypt_done(skb: SkBuff, result: EspResult, cookie: usize) {
    // SAFETY: `cookie` is the `Arc::into_raw` of `encrypt`, and the transform calls us once.
    let sa = unsafe { Arc::from_raw(cookie as *const Sa) };
    let pkt = Packet::from_skbuff(skb);

    // SAFETY: `skb->dev` is still the rsec device the packet was sent through; devices are
    // freed only after an RCU grace period following unregistration, and the transmit path
    // and crypto completions run with bottom halves off.
    let Some(dev) = (unsafe { Device::from_raw(pkt.dev()) }) else {
        return;
    };

    if let Err(why) = result {
        if log_allowed() {
            pr_info!("{}: ESP encryption failed: {}\n", dev.name(), why.name());
        }
        dev.count_drop(DevDrop::TxEncrypt);
        return;
    }

    let cb: TxCb = pkt.cb_load();
    match send_outer(dev, pkt, &sa, cb.outer) {
        Ok(()) => {
            sa.counters.packets.fetch_add(1, Ordering::Relaxed);
            sa.counters
                .bytes
                .fetch_add(u64::from(cb.inner_len), Ordering::Relaxed);
            dev.count_tx(cb.inner_len);
        }
        Err(why) => dev.count_drop(why),
    }
}

/// Adds the outer IPv4 or IPv6 header built from the SA (RFC 4301 section 5.1.2) in front
/// of the ESP packet and sends it through IP output.
fn send_outer(dev: &Device, mut pkt: Packet, sa: &Sa, outer: OuterFields) -> Result<(), DevDrop> {
    let (src, dst) = (&sa.params.saddr, &sa.params.key.daddr);
    let esp_len = pkt.len();
    let v6 = src.family() == Family::V6;
    let hdr_len = if v6 { 40 } else { 20 };

    // SAFETY: the route `encrypt` attached holds its device alive.
    let ll = unsafe { bindings::rsec_helper_ll_reserved_space(pkt_route_dev(&pkt)) } as usize;
    if !pkt.cow_head(hdr_len + ll) {
        return Err(DevDrop::TxEncrypt);
    }

    if v6 {
        let h = ipv6_header(&addr16(src), &addr16(dst), outer, esp_len).ok_or(DevDrop::TxTooBig)?;
        pkt.push_bytes(&h);
    } else {
        let h = ipv4_header(&addr4(src), &addr4(dst), outer, esp_len).ok_or(DevDrop::TxTooBig)?;
        pkt.push_bytes(&h);
    }
    pkt.set_network_here(if v6 { ETH_P_IPV6 } else { ETH_P_IP }, false);
    pkt.clear_cb();

    let net: &Net = dev.net();
    let sk = pkt.sk();
    let raw = pkt.into_raw();
    // SAFETY: `raw` is a complete outer packet with its route attached; IP output takes
    // it over whatever it returns (errors are counted by IP itself).
    unsafe {
        if v6 {
            bindings::ip6_local_out(net.as_ptr(), sk, raw);
        } else {
            bindings::rsec_helper_ip_select_ident(net.as_ptr(), raw);
            bindings::ip_local_out(net.as_ptr(), sk, raw);
        }
    }
    Ok(())
}

/// The device of the route attached to `pkt`.
fn pkt_route_dev(pkt: &Packet) -> *mut bindings::net_device {
    // SAFETY: `encrypt` attached a route, which the packet holds.
    unsafe { bindings::rsec_helper_dst_dev(bindings::rsec_helper_skb_dst(pkt.as_ptr())) }
}

fn addr4(a: &Addr) -> [u8; 4] {
    let mut out = [0u8; 4];
    out.copy_from_slice(&a.as_bytes()[..4]);
    out
}

fn addr16(a: &Addr) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&a.as_bytes()[..16]);
    out
}
