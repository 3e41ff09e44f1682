// SPDX-License-Identifier: GPL-2.0

//! What the packet path keeps per SA besides its configuration: the keyed ESP transform and,
//! for inbound SAs, the anti-replay window (RFC 4303 section 3.4.3) under a spinlock.
//!
//! Made in process context when the SA is added (allocating and keying the crypto transform
//! may sleep), so SA_NEW fails cleanly when the kernel lacks an algorithm.

use crate::abi;
use crate::crypto::{EspTransform, Impl, TransformConfig};
use crate::replay::{ReplayError, ReplayWindow};
use crate::sa::{errno, BadAttr, KeyRefs, SaError, SaParams};
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::new_spinlock;
use kernel::prelude::*;
use kernel::sync::{Arc, SpinLock};

/// The replay window of an inbound SA. The lock is only taken in softirq context or with
/// bottom halves off (the receive path and crypto completions), never in process context.
type Window = Pin<KBox<SpinLock<ReplayWindow<KVec<u64>>>>>;

/// The packet path's state of one SA.
pub(crate) struct DataPath {
    /// The keyed transform.
    pub(crate) xf: Arc<EspTransform>,
    /// Inbound SAs: the replay window (size 0 when replay protection is off).
    window: Option<Window>,
    /// Outbound SAs without ESN: set once the 32-bit sequence numbers ran out, so the
    /// seq-exhausted event goes out once.
    pub(crate) exhausted: AtomicBool,
}

impl DataPath {
    /// Allocates the transform (and window) for a validated SA.
    pub(crate) fn new(params: &SaParams, keys: KeyRefs<'_>) -> Result<DataPath, SaError> {
        let esn = params.flags & abi::flags::ESN != 0;
        let cfg = TransformConfig {
            encr_id: params.encr_alg,
            encr_key: keys.encr,
            integ_id: params.integ_alg,
            integ_key: keys.integ,
            esn,
        };
        let xf = EspTransform::new(&cfg, Impl::Default).map_err(|e| {
            SaError::new(
                -e.to_errno(),
                c"the kernel crypto API refused the algorithm or key",
                BadAttr::Attr(abi::sa::ENCR_ALG),
            )
        })?;

        let window = if params.key.dir == abi::dir::IN {
            Some(new_window(params.replay_window, esn)?)
        } else {
            None
        };

        Ok(DataPath {
            xf,
            window,
            exhausted: AtomicBool::new(false),
        })
    }

    /// Checks a received sequence number (low 32 bits) against the window without changing
    /// it; returns the full sequence number to decrypt with.
    pub(crate) fn replay_check(&self, seq_low: u32) -> Result<u64, ReplayError> {
        match &self.window {
            Some(w) => w.lock().check(seq_low),
            None => Ok(u64::from(seq_low)),
        }
    }

    /// Records a sequence number whose packet passed the ICV check; returns the new top.
    pub(crate) fn replay_accept(&self, seq: u64) -> Result<u64, ReplayError> {
        match &self.window {
            Some(w) => {
                let mut w = w.lock();
                w.accept(seq)?;
                Ok(w.top())
            }
            None => Ok(seq),
        }
    }

    /// Whether the 32-bit sequence numbers were found exhausted before (and marks them so).
    pub(crate) fn mark_exhausted(&self) -> bool {
        self.exhausted.swap(true, Ordering::Relaxed)
    }
}

/// A zeroed window of `size` packets.
fn new_window(size: u32, esn: bool) -> Result<Window, SaError> {
    let nomem = SaError::new(errno::ENOMEM, c"out of memory", BadAttr::None);
    let words = ReplayWindow::<KVec<u64>>::words_for(size);
    let mut ring = KVec::with_capacity(words, GFP_KERNEL).map_err(|_| nomem)?;
    for _ in 0..words {
        ring.push(0u64, GFP_KERNEL).map_err(|_| nomem)?;
    }
    let window = ReplayWindow::new(size, esn, ring).ok_or(nomem)?;
    KBox::pin_init(new_spinlock!(window, "rsec_replay"), GFP_KERNEL).map_err(|_| nomem)
}
