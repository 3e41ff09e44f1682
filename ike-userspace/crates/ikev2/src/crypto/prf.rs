//! prf and prf+ (RFC 7296 section 2.13).

use ring::hmac;
use zeroize::Zeroizing;

use super::{Error, PrfAlg, Secret};

/// prf+ stops after T255: its counter is a single octet (RFC 7296 section 2.13).
const PRF_PLUS_MAX_BLOCKS: usize = 255;

impl PrfAlg {
    /// prf(K, S) over S = the concatenation of `data` (RFC 7296 section 2.13).
    ///
    /// HMAC accepts keys of any length, so Ni | Nr can be used as the key directly
    /// (RFC 7296 section 2.14).
    pub fn prf(self, key: &[u8], data: &[&[u8]]) -> Secret {
        let key = hmac::Key::new(self.hmac(), key);
        let mut ctx = hmac::Context::with_key(&key);
        for part in data {
            ctx.update(part);
        }

        Secret::from_slice(ctx.sign().as_ref())
    }

    /// Most bytes prf+ can produce with this PRF.
    pub const fn prf_plus_max_len(self) -> usize {
        PRF_PLUS_MAX_BLOCKS * self.output_len()
    }

    /// prf+(K, S) truncated to `len` bytes, S = the concatenation of `seed`
    /// (RFC 7296 section 2.13):
    ///
    /// `T1 = prf(K, S | 0x01)`, `Tn = prf(K, Tn-1 | S | n)`, output `T1 | T2 | ...`.
    pub fn prf_plus(self, key: &[u8], seed: &[&[u8]], len: usize) -> Result<Secret, Error> {
        let max = self.prf_plus_max_len();
        if len > max {
            return Err(Error::PrfPlusTooLong {
                requested: len,
                max,
            });
        }

        let hlen = self.output_len();
        let blocks = len.div_ceil(hlen);
        let key = hmac::Key::new(self.hmac(), key);
        let mut out = Zeroizing::new(Vec::with_capacity(blocks * hlen));
        for counter in 1..=blocks {
            let mut ctx = hmac::Context::with_key(&key);
            if counter > 1 {
                ctx.update(&out[(counter - 2) * hlen..]);
            }
            for part in seed {
                ctx.update(part);
            }
            // `counter` <= 255 was checked above.
            ctx.update(&[counter as u8]);
            out.extend_from_slice(ctx.sign().as_ref());
        }

        out.truncate(len);
        Ok(Secret::from_slice(&out))
    }
}
