//! Time as the caller supplies it, and the retransmission schedule as data
//! (RFC 7296 section 2.1). The library never reads a clock.

use std::time::Duration;

/// A point on the caller's monotonic clock, in milliseconds since an epoch
/// of the caller's choosing (e.g. daemon start).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The timestamp `millis` milliseconds after the epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
}

impl std::ops::Add<Duration> for Timestamp {
    type Output = Self;

    /// This timestamp plus `duration`, saturating.
    fn add(self, duration: Duration) -> Self {
        let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        Self(self.0.saturating_add(millis))
    }
}

/// When to retransmit an unanswered request and when to give up
/// (RFC 7296 section 2.1: the initiator retransmits, the responder never
/// does). The request is sent, then retransmitted `max_retransmits` times;
/// retransmission `n` (1-based) goes out `timeout(n - 1)` after the
/// previous send; `timeout(max_retransmits)` after the last one the IKE SA
/// is declared dead. Liveness checks (section 2.4) use the same schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetransmitPolicy {
    /// Wait after the first transmission.
    pub initial: Duration,
    /// Each wait is the previous one times this factor.
    pub factor: f64,
    /// Upper bound for one wait.
    pub max_timeout: Duration,
    /// How many retransmissions follow the first transmission.
    pub max_retransmits: u32,
}

impl Default for RetransmitPolicy {
    /// 1 s, growing by 1.8 up to 60 s, 5 retransmissions: about 30 s in all.
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            factor: 1.8,
            max_timeout: Duration::from_secs(60),
            max_retransmits: 5,
        }
    }
}

impl RetransmitPolicy {
    /// The wait after transmission number `attempt` (0 = the first send).
    pub fn timeout(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt).unwrap_or(i32::MAX);
        let secs = self.initial.as_secs_f64() * self.factor.max(1.0).powi(exponent);
        let secs = secs.min(self.max_timeout.as_secs_f64());
        Duration::try_from_secs_f64(secs).unwrap_or(self.max_timeout)
    }

    /// All waits, one per transmission: the last one ends in giving up.
    pub fn schedule(&self) -> Vec<Duration> {
        (0..=self.max_retransmits)
            .map(|n| self.timeout(n))
            .collect()
    }
}
