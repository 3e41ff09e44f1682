// SPDX-License-Identifier: GPL-2.0

//! Anti-replay window for inbound SAs: RFC 4303 section 3.4.3, with the extended (64-bit)
//! sequence numbers of RFC 4304 and the high-bits inference of RFC 4303 appendix A2.
//!
//! Plain safe Rust with no kernel dependency: the module builds it, and so does the host crate
//! in `rust-module/host/`, whose property tests hold it against a naive reference model.
//!
//! The protocol is check-then-advance. [`ReplayWindow::check`] has no side effects and runs
//! before the ICV is verified; only a packet whose ICV passed may move the window, through
//! [`ReplayWindow::accept`]. A forged packet can therefore never shift the window.
//!
//! The window remembers the `size` sequence numbers ending at the highest one accepted (`top`)
//! in a ring of bits indexed by sequence number modulo the ring's length. The ring has at least
//! one word (64 bits) more than the window, so the bits being cleared while the window moves
//! never belong to sequence numbers still inside it. A check costs O(1); moving the window by
//! `d` costs O(min(d, size) / 64) word writes.

/// Bits in a ring word.
const WORD_BITS: u64 = 64;

/// Why a sequence number is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplayError {
    /// Sequence number 0, which no sender may use (RFC 4303 section 3.3.3).
    Zero,
    /// The number was accepted before.
    Replayed,
    /// The number is older than the window's left edge.
    TooOld,
}

/// The window of one inbound SA.
///
/// `B` is the ring's storage, `ReplayWindow::words_for(size)` words long: a `Vec<u64>` on the
/// host, a `KVec<u64>` in the kernel.
pub(crate) struct ReplayWindow<B> {
    /// Window size in packets; 0 turns replay checking off.
    size: u32,
    /// Whether the SA uses 64-bit extended sequence numbers.
    esn: bool,
    /// The highest sequence number accepted so far (0: none yet).
    top: u64,
    /// Ring of bits: bit `seq % ring_bits` is set when `seq` was accepted and is in the window.
    ring: B,
}

impl<B> ReplayWindow<B>
where
    B: core::ops::DerefMut<Target = [u64]>,
{
    /// The number of `u64` words the ring of a window of `size` packets needs.
    pub(crate) const fn words_for(size: u32) -> usize {
        (size as usize).div_ceil(WORD_BITS as usize) + 1
    }

    /// A window of `size` packets over `ring`, which must be zeroed and at least
    /// [`Self::words_for`]`(size)` words long (a shorter ring returns `None`).
    pub(crate) fn new(size: u32, esn: bool, ring: B) -> Option<Self> {
        if ring.len() < Self::words_for(size) {
            return None;
        }

        Some(Self {
            size,
            esn,
            top: 0,
            ring,
        })
    }

    /// The highest sequence number accepted so far, 0 before the first.
    pub(crate) fn top(&self) -> u64 {
        self.top
    }

    /// Checks the 32 bits of sequence number a packet carries, without changing anything.
    ///
    /// Returns the full sequence number (with the inferred high 32 bits under ESN) to
    /// authenticate the packet with and, once its ICV passed, to give to [`Self::accept`].
    pub(crate) fn check(&self, seq_low: u32) -> Result<u64, ReplayError> {
        let seq = self.full_seq(seq_low)?;
        if seq == 0 {
            return Err(ReplayError::Zero);
        }

        if self.size == 0 || seq > self.top {
            return Ok(seq);
        }

        if self.top - seq >= u64::from(self.size) {
            return Err(ReplayError::TooOld);
        }

        if self.bit(seq) {
            return Err(ReplayError::Replayed);
        }

        Ok(seq)
    }

    /// Records `seq`, which [`Self::check`] returned and whose packet passed the ICV check,
    /// moving the window forward if it is new.
    ///
    /// The check is repeated, since another packet with the same number may have been accepted
    /// between the two calls; an error means this packet must be dropped after all.
    pub(crate) fn accept(&mut self, seq: u64) -> Result<(), ReplayError> {
        if self.size == 0 {
            self.top = self.top.max(seq);
            return Ok(());
        }

        if seq > self.top {
            self.clear_after_top(seq);
            self.top = seq;
        } else if self.top - seq >= u64::from(self.size) {
            return Err(ReplayError::TooOld);
        } else if self.bit(seq) {
            return Err(ReplayError::Replayed);
        }

        self.set_bit(seq);
        Ok(())
    }

    /// The full sequence number a packet's low 32 bits stand for.
    ///
    /// Without ESN the number is the 32 bits themselves. With ESN the high bits are inferred
    /// from the window as in RFC 4303 appendix A2.2: the number is taken to lie in the 2^32
    /// values starting at the window's left edge. `TooOld` if that would be before sequence
    /// number 0.
    fn full_seq(&self, seq_low: u32) -> Result<u64, ReplayError> {
        if !self.esn {
            return Ok(u64::from(seq_low));
        }

        let span = u64::from(self.size.max(1));
        let top_high = self.top >> 32;
        let top_low = self.top as u32;
        let left_low = top_low.wrapping_sub((span - 1) as u32);

        // Case A: the window lies within one 2^32 block. Case B: it starts in the block below.
        let high = if u64::from(top_low) >= span - 1 {
            if seq_low >= left_low {
                top_high
            } else {
                top_high + 1
            }
        } else if seq_low >= left_low {
            top_high.checked_sub(1).ok_or(ReplayError::TooOld)?
        } else {
            top_high
        };

        Ok((high << 32) | u64::from(seq_low))
    }

    /// Number of bits in the ring.
    fn ring_bits(&self) -> u64 {
        self.ring.len() as u64 * WORD_BITS
    }

    fn bit(&self, seq: u64) -> bool {
        let pos = seq % self.ring_bits();
        self.ring[(pos / WORD_BITS) as usize] & (1 << (pos % WORD_BITS)) != 0
    }

    fn set_bit(&mut self, seq: u64) {
        let pos = seq % self.ring_bits();
        self.ring[(pos / WORD_BITS) as usize] |= 1 << (pos % WORD_BITS);
    }

    /// Clears the bits of the sequence numbers `top + 1 ..= new_top`, which the window is about
    /// to cover: the ring last used those bits for numbers that have since left the window.
    fn clear_after_top(&mut self, new_top: u64) {
        let ring_bits = self.ring_bits();
        let count = new_top - self.top;
        if count >= ring_bits {
            self.ring.fill(0);
            return;
        }

        let mut pos = (self.top + 1) % ring_bits;
        let mut left = count;
        while left > 0 {
            let offset = pos % WORD_BITS;
            let run = (WORD_BITS - offset).min(left);
            let mask = if run == WORD_BITS {
                u64::MAX
            } else {
                ((1u64 << run) - 1) << offset
            };

            self.ring[(pos / WORD_BITS) as usize] &= !mask;
            left -= run;
            pos = (pos + run) % ring_bits;
        }
    }
}
