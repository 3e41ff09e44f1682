//! Helpers shared by the crypto tests.
#![allow(dead_code)]

use ikev2::crypto::{Error, Rng};

/// An RNG that hands out fixed bytes, so that IVs and private keys are known.
pub struct FixedRng {
    bytes: Vec<u8>,
    pos: usize,
}

impl FixedRng {
    pub fn new(bytes: &[u8]) -> Self {
        FixedRng {
            bytes: bytes.to_vec(),
            pos: 0,
        }
    }
}

impl Rng for FixedRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        let end = self.pos + dest.len();
        let src = self.bytes.get(self.pos..end).ok_or(Error::Rng)?;
        dest.copy_from_slice(src);
        self.pos = end;
        Ok(())
    }
}

/// A deterministic, non-cryptographic RNG (xorshift64*) for property tests.
pub struct TestRng(pub u64);

impl Rng for TestRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for byte in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
        Ok(())
    }
}

/// Decodes hex, ignoring whitespace.
pub fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len() % 2 == 0, "odd number of hex digits");
    digits
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).expect("ascii");
            u8::from_str_radix(pair, 16).expect("hex digit")
        })
        .collect()
}
