// SPDX-License-Identifier: GPL-2.0

//! Events of the packet path on the `events` multicast group of the rsec family
//! (`Documentation/netlink/rsec.yaml`): ACQUIRE when a device has a packet and no SA for it
//! (rate-limited per device: at most one a second, for on-demand tunnels), and SA_EXPIRE of
//! kind seq-exhausted when an SA without ESN ran out of sequence numbers (once per SA).

use crate::abi;
use crate::abi::sa as at;
use crate::abi::selector as sel;
use crate::device::Device;
use crate::flow::Flow;
use crate::genl::FAMILY;
use crate::kfuncs::{boottime_seconds, Net};
use crate::sadb::Sa;
use core::sync::atomic::Ordering;

/// Index of the `events` group among the family's groups.
const GROUP_EVENTS: u32 = 0;

/// `expire-kind` seq-exhausted.
const EXPIRE_SEQ_EXHAUSTED: u8 = 3;

/// ACQUIRE for a packet of `flow` on `dev`: the device and a selector naming exactly the
/// packet (host prefixes, its protocol and ports). At most one per device per second.
pub(crate) fn acquire(dev: &Device, flow: &Flow) {
    let now = boottime_seconds() + 1;
    let last = &dev.data().last_acquire;
    let prev = last.load(Ordering::Relaxed);
    if prev == now
        || last
            .compare_exchange(prev, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }

    let _ = FAMILY.multicast(dev.net(), GROUP_EVENTS, abi::cmd::ACQUIRE, |m| {
        m.put_u32(at::IFINDEX, dev.ifindex())?;
        m.nest(at::SELECTOR, |m| {
            m.put(sel::SRC_ADDR, flow.src.as_bytes())?;
            m.put_u8(sel::SRC_PREFIX, flow.src.bits())?;
            m.put(sel::DST_ADDR, flow.dst.as_bytes())?;
            m.put_u8(sel::DST_PREFIX, flow.dst.bits())?;
            m.put_u8(sel::PROTO, flow.proto)?;
            if let Some((sp, dp)) = flow.ports {
                m.put_u16(sel::SRC_PORT_MIN, sp)?;
                m.put_u16(sel::SRC_PORT_MAX, sp)?;
                m.put_u16(sel::DST_PORT_MIN, dp)?;
                m.put_u16(sel::DST_PORT_MAX, dp)?;
            }
            Ok(())
        })
    });
}

/// SA_EXPIRE of kind seq-exhausted for `sa` (RFC 4303 section 3.3.3: the SA must be
/// replaced before its counter would cycle).
pub(crate) fn seq_exhausted(net: &Net, sa: &Sa) {
    let p = &sa.params;
    let _ = FAMILY.multicast(net, GROUP_EVENTS, abi::cmd::SA_EXPIRE, |m| {
        m.put_u8(at::DIR, p.key.dir)?;
        m.put_u32(at::SPI, p.key.spi)?;
        m.put_u8(at::PROTO, p.key.proto)?;
        m.put(at::DADDR, p.key.daddr.as_bytes())?;
        m.put_u64(at::OWNER, p.owner, at::PAD)?;
        m.put_u8(at::EXPIRE_KIND, EXPIRE_SEQ_EXHAUSTED)
    });
}
