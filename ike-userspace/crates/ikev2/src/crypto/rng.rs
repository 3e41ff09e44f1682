//! Randomness, injected so that the state machine stays deterministic in tests.

use super::Error;

/// Source of random bytes for IVs, nonces and private keys.
///
/// Production code uses [`SystemRng`]; tests inject a deterministic implementation.
pub trait Rng {
    /// Fills `dest` with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error>;
}

/// The operating system's CSPRNG (`getrandom(2)` on Linux).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRng;

impl Rng for SystemRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::getrandom(dest).map_err(|_| Error::Rng)
    }
}
