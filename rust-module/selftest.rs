// SPDX-License-Identifier: GPL-2.0

//! The ESP transforms' selftest, run at load with `selftest=1` (process context).
//!
//! Every algorithm, with and without ESN, through each implementation the crypto API offers
//! ([`Impl::Default`], [`Impl::Sync`], and [`Impl::Cryptd`], which always completes
//! asynchronously):
//!
//! - known answers: encrypting the vectors' inner packet gives their ESP bytes exactly, and
//!   decrypting each vector gives the inner packet or the expected drop (bad pad byte, pad
//!   length past the payload, dummy packet) — vectors from `esp_vectors.rs`, computed on the
//!   host by `rust-module/host/tools/esp_vectors.py`;
//! - a flipped byte in SPI, sequence number, IV, ciphertext or ICV fails with `IcvMismatch`,
//!   as does a wrong high half of an ESN sequence number (which non-ESN SAs ignore);
//! - round trips over many lengths (every padding length) with the packet path's random CBC
//!   IVs;
//! - `Sync` never completes asynchronously and `Cryptd` always does.
//!
//! Each failure is a `pr_err` line; any failure fails the load.

use core::cell::UnsafeCell;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::bindings;
use crate::crypto::{Completion, DoneFn, EspResult, EspTransform, Impl, TransformConfig};
use crate::esp::{DropReason, OutboundLayout, NEXT_HEADER_IPV4, NEXT_HEADER_IPV6};
use crate::esp_vectors::{EspVector, Expect, CBC_IV, INNER, SPI, VECTORS};
use crate::skb::SkBuff;

/// The implementations each case runs through.
const IMPLS: [Impl; 3] = [Impl::Default, Impl::Sync, Impl::Cryptd];

/// Inner packet lengths of the round trips: every padding length of every algorithm, and
/// larger packets.
const ROUND_TRIP_LENS: [usize; 14] = [0, 1, 2, 3, 4, 5, 13, 14, 15, 16, 17, 31, 100, 1400];

/// How long to wait for an asynchronous completion, in milliseconds.
const ASYNC_TIMEOUT_MS: u32 = 5000;

/// Runs the selftest; returns the number of cases, or EINVAL after logging each failure.
pub(crate) fn run() -> Result<usize> {
    let mut t = Tester {
        cases: 0,
        failures: 0,
    };

    for v in VECTORS {
        for imp in IMPLS {
            t.vector(v, imp);
        }
    }

    for v in VECTORS
        .iter()
        .filter(|v| matches!(v.expect, Expect::Inner(_)))
    {
        for imp in IMPLS {
            t.round_trips(v, imp);
        }
    }

    if t.failures > 0 {
        pr_err!("selftest FAILED ({} of {} cases)\n", t.failures, t.cases);
        return Err(EINVAL);
    }
    pr_info!("selftest passed ({} cases)\n", t.cases);
    Ok(t.cases)
}

/// Counts cases and failures.
struct Tester {
    cases: usize,
    failures: usize,
}

/// What one transform call gave.
struct Run {
    skb: SkBuff,
    result: EspResult,
    /// Completed through the callback.
    pending: bool,
}

impl Tester {
    /// Records one case; logs it when it failed.
    fn check(&mut self, ok: bool, what: fmt::Arguments<'_>) -> bool {
        self.cases += 1;
        if !ok {
            self.failures += 1;
            pr_err!("selftest: {}: FAILED\n", what);
        }
        ok
    }

    /// A transform for vector `v` through `imp`, or `None` after logging the failure.
    fn transform(&mut self, v: &EspVector, imp: Impl) -> Option<Arc<EspTransform>> {
        let cfg = TransformConfig {
            encr_id: v.encr,
            encr_key: v.encr_key,
            integ_id: v.integ,
            integ_key: v.integ_key,
            esn: v.esn,
        };
        let xf = EspTransform::new(&cfg, imp);
        let err = xf.as_ref().err().map_or(0, |e| e.to_errno());
        let what = format_args!("{} {:?}: allocate and key (errno {})", v.name, imp, err);
        self.check(xf.is_ok(), what);
        xf.ok()
    }

    /// Checks that `imp` completed the way it must: `Sync` never asynchronously, `Cryptd`
    /// always.
    fn check_mode(&mut self, name: &str, imp: Impl, pending: bool) {
        let ok = match imp {
            Impl::Default => true,
            Impl::Sync => !pending,
            Impl::Cryptd => pending,
        };
        if !ok {
            self.check(
                false,
                format_args!("{} {:?}: async completion = {}", name, imp, pending),
            );
        }
    }

    /// Known answer, decryption, and tampering cases of one vector.
    fn vector(&mut self, v: &EspVector, imp: Impl) {
        let Some(xf) = self.transform(v, imp) else {
            return;
        };
        if !v.esn && matches!(v.expect, Expect::Inner(_)) {
            pr_info!("selftest: {} {:?}: {}\n", v.name, imp, xf.driver_name());
        }

        if let Expect::Inner(nh) = v.expect {
            self.known_answer(&xf, v, imp, nh);
        }

        let run = decrypt(&xf, v.esp, v.seq);
        let expect = v.expect;
        let ok = match (&run, expect) {
            (Some(r), Expect::Inner(nh) | Expect::DecryptOnly(nh)) => {
                r.result == Ok(crate::crypto::Outcome { next_header: nh })
                    && bytes_of(&r.skb).as_deref() == Some(INNER)
            }
            (Some(r), Expect::Drop(reason)) => r.result == Err(reason),
            (None, _) => false,
        };
        self.check(
            ok,
            format_args!("{} {:?}: decrypt to {:?}", v.name, imp, expect),
        );
        if let Some(r) = run {
            self.check_mode(v.name, imp, r.pending);
        }

        if matches!(v.expect, Expect::Inner(_)) {
            self.tampering(&xf, v, imp);
        }
    }

    /// Encrypting the inner packet gives the vector's bytes.
    fn known_answer(&mut self, xf: &Arc<EspTransform>, v: &EspVector, imp: Impl, nh: u8) {
        let run = new_skb(INNER).and_then(|skb| {
            wait(|done, cookie| xf.encrypt_skb_fixed_iv(skb, SPI, v.seq, nh, &CBC_IV, done, cookie))
        });
        let ok = run
            .as_ref()
            .is_some_and(|r| r.result.is_ok() && bytes_of(&r.skb).as_deref() == Some(v.esp));
        self.check(ok, format_args!("{} {:?}: known answer", v.name, imp));
        if let Some(r) = run {
            self.check_mode(v.name, imp, r.pending);
        }
    }

    /// Any flipped byte, or a wrong ESN high half, fails the ICV.
    fn tampering(&mut self, xf: &Arc<EspTransform>, v: &EspVector, imp: Impl) {
        let hdr_len = xf.params().hdr_len();
        let spots = [0, 5, 8, hdr_len, hdr_len + 7, v.esp.len() - 1];
        let mut packet = KVec::new();
        if packet.extend_from_slice(v.esp, GFP_KERNEL).is_err() {
            self.check(false, format_args!("{}: allocate", v.name));
            return;
        }

        for spot in spots {
            packet[spot] ^= 0x01;
            let run = decrypt(xf, &packet, v.seq);
            packet[spot] ^= 0x01;
            let ok = run.is_some_and(|r| r.result == Err(DropReason::IcvMismatch));
            self.check(
                ok,
                format_args!("{} {:?}: byte {} flipped", v.name, imp, spot),
            );
        }

        // ESN authenticates the high half of the sequence number; without ESN it is unused.
        let run = decrypt(xf, v.esp, v.seq ^ (1 << 32));
        let ok = run.is_some_and(|r| {
            if v.esn {
                r.result == Err(DropReason::IcvMismatch)
            } else {
                r.result.is_ok()
            }
        });
        self.check(
            ok,
            format_args!("{} {:?}: other seq high half", v.name, imp),
        );
    }

    /// Encrypt then decrypt packets of many lengths, with the packet path's IVs.
    fn round_trips(&mut self, v: &EspVector, imp: Impl) {
        let Some(xf) = self.transform(v, imp) else {
            return;
        };

        for (i, &len) in ROUND_TRIP_LENS.iter().enumerate() {
            let mut inner = KVec::new();
            if inner.extend_with(len, 0, GFP_KERNEL).is_err() {
                self.check(false, format_args!("{}: allocate", v.name));
                return;
            }
            for (j, b) in inner.iter_mut().enumerate() {
                *b = (j * 7 + i) as u8;
            }
            let nh = if i % 2 == 0 {
                NEXT_HEADER_IPV4
            } else {
                NEXT_HEADER_IPV6
            };
            let seq = v.seq + i as u64;

            let ok = self.round_trip(&xf, &inner, seq, nh);
            self.check(
                ok,
                format_args!("{} {:?}: round trip of {} bytes", v.name, imp, len),
            );
        }
    }

    /// One round trip; true when the packet came back with the right length and Next Header.
    fn round_trip(&mut self, xf: &Arc<EspTransform>, inner: &[u8], seq: u64, nh: u8) -> bool {
        let Some(enc) = new_skb(inner)
            .and_then(|skb| wait(|done, cookie| xf.encrypt_skb(skb, SPI, seq, nh, done, cookie)))
        else {
            return false;
        };
        if enc.result.is_err() {
            return false;
        }
        let expect_len = OutboundLayout::new(xf.params(), inner.len()).total_len();
        let Some(esp) = bytes_of(&enc.skb) else {
            return false;
        };
        if esp.len() != expect_len {
            return false;
        }

        let Some(dec) = decrypt(xf, &esp, seq) else {
            return false;
        };
        dec.result == Ok(crate::crypto::Outcome { next_header: nh })
            && bytes_of(&dec.skb).as_deref() == Some(inner)
    }
}

/// A linear skb holding `data`, with headroom for ESP and an outer header.
fn new_skb(data: &[u8]) -> Option<SkBuff> {
    let mut skb = SkBuff::alloc(128, data.len() + 128, bindings::GFP_KERNEL).ok()?;
    skb.put_slice(data).ok()?;
    Some(skb)
}

/// The skb's data, linear part and fragments.
fn bytes_of(skb: &SkBuff) -> Option<KVec<u8>> {
    let mut out = KVec::new();
    out.extend_with(skb.len(), 0, GFP_KERNEL).ok()?;
    skb.copy_out(0, &mut out).ok()?;
    Some(out)
}

/// Decrypts a copy of `esp`.
fn decrypt(xf: &Arc<EspTransform>, esp: &[u8], seq: u64) -> Option<Run> {
    let skb = new_skb(esp)?;
    wait(|done, cookie| xf.decrypt_skb(skb, seq, done, cookie))
}

/// Where an asynchronous completion leaves its result for [`wait`].
struct Waiter {
    /// Set (Release) once `slot` is filled.
    ready: AtomicBool,
    slot: UnsafeCell<Option<(SkBuff, EspResult)>>,
}

/// The [`DoneFn`] of the selftest: `cookie` is the address of a [`Waiter`].
fn waiter_done(skb: SkBuff, result: EspResult, cookie: usize) {
    let waiter = cookie as *const Waiter;

    // SAFETY: `wait` made `cookie` the address of a `Waiter` that it keeps alive (or leaks)
    // until `ready` is set, and reads `slot` only after that; this callback runs once.
    unsafe {
        *(*waiter).slot.get() = Some((skb, result));
        (*waiter).ready.store(true, Ordering::Release);
    }
}

/// Runs one transform call and waits (sleeping: process context) for its completion.
/// `None` on timeout or allocation failure.
fn wait(op: impl FnOnce(DoneFn, usize) -> Completion) -> Option<Run> {
    let waiter = KBox::new(
        Waiter {
            ready: AtomicBool::new(false),
            slot: UnsafeCell::new(None),
        },
        GFP_KERNEL,
    )
    .ok()?;
    let cookie = &*waiter as *const Waiter as usize;

    if let Completion::Done(skb, result) = op(waiter_done, cookie) {
        return Some(Run {
            skb,
            result,
            pending: false,
        });
    }

    for _ in 0..ASYNC_TIMEOUT_MS {
        if waiter.ready.load(Ordering::Acquire) {
            // SAFETY: `ready` is set, so the callback wrote `slot` and is done with it.
            let (skb, result) = unsafe { (*waiter.slot.get()).take() }?;
            return Some(Run {
                skb,
                result,
                pending: true,
            });
        }
        // SAFETY: process context (module init): msleep may sleep.
        unsafe { bindings::msleep(1) };
    }

    // The request may still complete: its callback must find the waiter.
    KBox::leak(waiter);
    pr_err!("selftest: no completion after {} ms\n", ASYNC_TIMEOUT_MS);
    None
}
