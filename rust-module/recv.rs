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
use crate::device::KernelStatic;
use crate::kfuncs::Net;
use crate::pkt::Packet;
use crate::sa::{Addr, SaKey};
use crate::sadb::Sa;
use core::ffi::c_int;
use core::sync::atomic::Ordering;
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

/// Processes an ESP packet for the inbound SA `sa`: consumes it.
fn receive(_outer: Outer, pkt: Packet, sa: Arc<Sa>) {
    // Decryption lands with the ESP transforms; until then an SA's packets are dropped.
    sa.counters.drop_malformed.fetch_add(1, Ordering::Relaxed);
    drop(pkt);
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
unsafe extern "C" fn esp4_rcv(skb: *mut bindings::sk_buff) -> c_int {
    esp_rcv(Outer::V4, skb)
}

/// `handler` of the IPv6 multiplexer.
unsafe extern "C" fn esp6_rcv(skb: *mut bindings::sk_buff) -> c_int {
    esp_rcv(Outer::V6, skb)
}

/// `input_handler`: UDP-encapsulated ESP (RFC 3948) is not rsec's; pass it on.
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
unsafe extern "C" fn cb_pass(_skb: *mut bindings::sk_buff, _err: c_int) -> c_int {
    1
}

/// `err_handler` (IPv4 ICMP errors about ESP we sent): non-zero passes it on.
unsafe extern "C" fn err4_pass(_skb: *mut bindings::sk_buff, _info: u32) -> c_int {
    PASS
}

/// `err_handler` (ICMPv6 errors about ESP we sent): non-zero passes it on.
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
