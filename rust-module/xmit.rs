// SPDX-License-Identifier: GPL-2.0

//! Outbound: packets routed into an rsec device leave as ESP (RFC 4303 section 3.3).

use crate::bindings;
use crate::device::{log_allowed, DevDrop, Device};
use crate::pkt::Packet;
use kernel::prelude::*;

/// `ndo_start_xmit`: the stack hands us an inner IPv4 or IPv6 packet.
pub(crate) unsafe extern "C" fn start_xmit(
    skb: *mut bindings::sk_buff,
    dev: *mut bindings::net_device,
) -> bindings::netdev_tx_t {
    // SAFETY: the core gives us ownership of `skb`, a valid packet.
    let pkt = unsafe { Packet::from_raw(skb) };

    // SAFETY: the core calls our `ndo_start_xmit` only for our devices, registered and alive
    // during the call.
    if let Some(dev) = unsafe { Device::from_raw(dev) } {
        dev.count_drop(DevDrop::TxNoSa);
        if log_allowed() {
            pr_info!("{}: no outbound SA for a packet\n", dev.name());
        }
    }
    drop(pkt);
    bindings::netdev_tx_NETDEV_TX_OK
}
