//! The replay window against a naive reference model (RFC 4303 section 3.4.3), and its edges
//! walked by hand.

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::replay::{ReplayError, ReplayWindow};

type Window = ReplayWindow<Vec<u64>>;

fn window(size: u32, esn: bool) -> Window {
    ReplayWindow::new(size, esn, vec![0; Window::words_for(size)]).unwrap()
}

/// The obvious implementation: every accepted number in a set, judged on full 64-bit numbers.
struct Model {
    size: u32,
    top: u64,
    seen: BTreeSet<u64>,
}

impl Model {
    fn new(size: u32) -> Self {
        Self {
            size,
            top: 0,
            seen: BTreeSet::new(),
        }
    }

    fn check(&self, seq: u64) -> Result<u64, ReplayError> {
        if seq == 0 {
            return Err(ReplayError::Zero);
        }
        if self.size == 0 || seq > self.top {
            return Ok(seq);
        }
        if self.top - seq >= u64::from(self.size) {
            return Err(ReplayError::TooOld);
        }
        if self.seen.contains(&seq) {
            return Err(ReplayError::Replayed);
        }
        Ok(seq)
    }

    fn accept(&mut self, seq: u64) {
        self.top = self.top.max(seq);
        self.seen.insert(seq);
    }

    /// The first full number ESN inference can name from the low 32 bits: the window's left
    /// edge (RFC 4303 appendix A2.2). Numbers from there up to 2^32 later are inferred right.
    fn left_edge(&self) -> i128 {
        i128::from(self.top) - i128::from(self.size.max(1)) + 1
    }
}

/// Feeds `seqs` (full numbers) to a window and to the model; each packet whose check passes
/// is accepted, as if its ICV were good. Under ESN only the low 32 bits reach the window, and
/// numbers outside the inferable range are skipped: their ICV would fail in real life.
fn run_against_model(size: u32, esn: bool, seqs: &[u64]) -> Result<(), TestCaseError> {
    let mut real = window(size, esn);
    let mut model = Model::new(size);

    for &seq in seqs {
        let on_wire = if esn {
            let offset = i128::from(seq) - model.left_edge();
            if !(0..1i128 << 32).contains(&offset) {
                continue;
            }
            seq as u32
        } else {
            prop_assume!(seq <= u64::from(u32::MAX));
            seq as u32
        };

        let expected = model.check(seq);
        prop_assert_eq!(
            real.check(on_wire),
            expected,
            "seq {} top {}",
            seq,
            model.top
        );
        if expected.is_ok() {
            prop_assert_eq!(real.accept(seq), Ok(()));
            model.accept(seq);
        }
        prop_assert_eq!(real.top(), model.top);
    }
    Ok(())
}

/// Sequences that wander around the window: mostly forward, sometimes back into the window,
/// sometimes far back or far ahead, sometimes repeating.
fn walk(max_step: u64) -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec((0u8..10, 0..=max_step), 1..200).prop_map(|steps| {
        let mut seq = 0u64;
        let mut out = Vec::with_capacity(steps.len());
        for (kind, step) in steps {
            let next = match kind {
                0..=4 => seq.saturating_add(step % 8 + 1),
                5 | 6 => seq.saturating_sub(step),
                7 => seq.saturating_add(step),
                8 => seq,
                _ => seq.saturating_sub(step / 2).saturating_add(step % 3),
            };
            out.push(next);
            seq = seq.max(next);
        }
        out
    })
}

fn sizes() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(32),
        Just(64),
        Just(65),
        1u32..300,
        Just(4096)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// 32-bit sequence numbers: 2,000 walks of up to 200 packets each.
    #[test]
    fn matches_model_32bit(size in sizes(), seqs in walk(5000)) {
        run_against_model(size, false, &seqs)?;
    }

    /// ESN: walks that start just below a 2^32 boundary and cross it, so the high bits must
    /// be inferred in both cases of RFC 4303 appendix A2.2.
    #[test]
    fn matches_model_esn(size in sizes(), start in (1u64 << 32) - 3000..(1u64 << 32) + 10,
                         high in 0u64..3, seqs in walk(3000)) {
        let base = start + (high << 32);
        let shifted: Vec<u64> = seqs.iter().map(|s| s + base).collect();
        run_against_model(size, true, &shifted)?;
    }

    /// A check never changes the window.
    #[test]
    fn check_has_no_side_effects(size in sizes(), seqs in walk(500), probe in any::<u32>()) {
        let mut w = window(size, false);
        for seq in seqs.iter().map(|&s| s as u32) {
            if let Ok(full) = w.check(seq) {
                w.accept(full).unwrap();
            }
        }

        let before: Vec<_> = (0..600u32).map(|s| w.check(s)).collect();
        let top = w.top();
        let _ = w.check(probe);
        let after: Vec<_> = (0..600u32).map(|s| w.check(s)).collect();
        prop_assert_eq!(before, after);
        prop_assert_eq!(w.top(), top);
    }
}

#[test]
fn zero_is_never_valid() {
    assert_eq!(window(64, false).check(0), Err(ReplayError::Zero));
    assert_eq!(window(0, false).check(0), Err(ReplayError::Zero));
    assert_eq!(window(64, true).check(0), Err(ReplayError::Zero));
}

#[test]
fn edges_of_a_64_window() {
    let mut w = window(64, false);
    for seq in 1..=64 {
        w.accept(w.check(seq).unwrap()).unwrap();
    }
    for seq in 1..=64 {
        assert_eq!(w.check(seq), Err(ReplayError::Replayed), "seq {seq}");
    }

    // Top 64: the window is 1..=64. Moving to 65 pushes 1 out of it.
    w.accept(w.check(65).unwrap()).unwrap();
    assert_eq!(w.check(1), Err(ReplayError::TooOld));
    assert_eq!(w.check(2), Err(ReplayError::Replayed));

    // A jump of exactly the window size leaves only the new top inside.
    w.accept(w.check(129).unwrap()).unwrap();
    assert_eq!(w.check(65), Err(ReplayError::TooOld));
    assert_eq!(w.check(66), Ok(66));
    assert_eq!(w.check(129), Err(ReplayError::Replayed));
}

#[test]
fn jumps_larger_than_the_ring_clear_it() {
    let mut w = window(100, false);
    for seq in [5, 6, 7, 100, 150] {
        w.accept(w.check(seq).unwrap()).unwrap();
    }
    w.accept(w.check(150 + 10_000).unwrap()).unwrap();
    for seq in 10_061..10_150 {
        assert_eq!(w.check(seq), Ok(u64::from(seq)), "seq {seq}");
    }
}

#[test]
fn accept_repeats_the_check() {
    let mut w = window(64, false);
    let first = w.check(10).unwrap();
    let second = w.check(10).unwrap();
    w.accept(first).unwrap();
    assert_eq!(w.accept(second), Err(ReplayError::Replayed));
}

#[test]
fn window_off_accepts_repeats_but_not_zero() {
    let mut w = window(0, false);
    for _ in 0..3 {
        w.accept(w.check(7).unwrap()).unwrap();
    }
    assert_eq!(w.check(1), Ok(1));
    assert_eq!(w.top(), 7);
}

#[test]
fn esn_infers_the_next_block() {
    let mut w = window(64, true);
    let last_of_block = u64::from(u32::MAX);
    w.accept(last_of_block).unwrap();

    // Case A: the window lies in block 0, so a small low value is in block 1.
    assert_eq!(w.check(0), Ok(1 << 32));
    assert_eq!(w.check(5), Ok((1 << 32) + 5));
    w.accept(1 << 32).unwrap();

    // Case B: the window spans blocks 0 and 1; a high low value belongs to block 0.
    assert_eq!(w.check(u32::MAX - 10), Ok(last_of_block - 10));
    assert_eq!(w.check(u32::MAX), Err(ReplayError::Replayed));
    assert_eq!(w.check(1), Ok((1 << 32) + 1));
}

#[test]
fn esn_before_the_start_is_too_old() {
    let w = window(64, true);
    assert_eq!(w.check(u32::MAX - 3), Err(ReplayError::TooOld));
    assert_eq!(w.check(1), Ok(1));
}

#[test]
fn ring_too_short_is_refused() {
    assert!(ReplayWindow::new(4096, false, vec![0u64; 64]).is_none());
    assert!(ReplayWindow::new(4096, false, vec![0u64; 65]).is_some());
    assert!(ReplayWindow::new(65536, false, vec![0u64; 1025]).is_some());
}

/// Every start position in the ring and every jump up to past the ring's length, compared
/// with the model over the whole window afterwards: the word-wise clearing has no off-by-one
/// at any offset.
#[test]
fn every_offset_and_jump_against_model() {
    for size in [1u32, 63, 64, 65, 128] {
        for first in 1u64..=140 {
            for jump in 1u64..=260 {
                let mut w = window(size, false);
                let mut model = Model::new(size);
                for seq in [first.saturating_sub(2).max(1), first, first + jump] {
                    if model.check(seq).is_ok() {
                        w.accept(seq).unwrap();
                        model.accept(seq);
                    }
                }

                for seq in 0..=(first + jump + 2) as u32 {
                    assert_eq!(
                        w.check(seq),
                        model.check(u64::from(seq)),
                        "size {size} first {first} jump {jump} seq {seq}"
                    );
                }
            }
        }
    }
}
