//! Protection of the Encrypted (SK) payload (RFC 7296 section 3.14) with AES-CBC and
//! HMAC-SHA2 (RFC 3602, RFC 4868), AES-GCM-16 (RFC 5282) and ChaCha20-Poly1305
//! (RFC 7634).
//!
//! The SK payload body is `IV | ciphertext | ICV`, where the ciphertext encrypts
//! `inner payloads | Padding | Pad Length`.
//!
//! The `aad` argument of [`SkCipher::seal`] and [`SkCipher::open`] is the same for all
//! ciphers: the message from the first octet of the IKE header to the last octet of the
//! SK payload's generic payload header, i.e. everything before the IV, with the header's
//! Length field and the SK payload's Payload Length already final.
//! - AEAD ciphers authenticate it as their associated data (RFC 5282,
//!   RFC 7634).
//! - For AES-CBC, the ICV is the truncated HMAC over `aad | IV | ciphertext`, i.e. the
//!   whole message up to and including the ciphertext (RFC 7296 section 3.14).
//!
//! To build a message: compute the SK body length with [`SkCipher::sealed_len`], write
//! the lengths into the headers, then call [`SkCipher::seal`].

use aes::{Aes128, Aes256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use subtle::ConstantTimeEq;

use super::{CipherSuite, EncrAlg, Error, IntegAlg, Rng, Secret};

/// Keys and algorithms protecting the SK payloads sent by one end of an IKE SA.
#[derive(Debug, Clone)]
pub struct SkCipher {
    suite: CipherSuite,
    encr_key: Secret,
    integ_key: Secret,
}

impl SkCipher {
    /// Protection with `encr_keymat` (SK_ei or SK_er: key, then the 4-byte salt for AEAD
    /// ciphers) and `integ_key` (SK_ai or SK_ar; empty for AEAD ciphers).
    pub fn new(suite: CipherSuite, encr_keymat: &[u8], integ_key: &[u8]) -> Result<Self, Error> {
        check_len(suite.encr().keymat_len(), encr_keymat)?;
        check_len(suite.integ_key_len(), integ_key)?;

        Ok(SkCipher {
            suite,
            encr_key: Secret::from_slice(encr_keymat),
            integ_key: Secret::from_slice(integ_key),
        })
    }

    /// The algorithms in use.
    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// Length of the SK payload body (IV, ciphertext with padding, ICV) that
    /// [`SkCipher::seal`] returns for `plaintext_len` bytes of inner payloads.
    /// The SK Payload Length is this plus 4.
    pub fn sealed_len(&self, plaintext_len: usize) -> usize {
        let encr = self.suite.encr();
        encr.iv_len() + padded_len(encr, plaintext_len) + self.suite.icv_len()
    }

    /// Bytes [`SkCipher::seal`] adds to `plaintext_len` bytes of inner payloads.
    pub fn overhead(&self, plaintext_len: usize) -> usize {
        self.sealed_len(plaintext_len) - plaintext_len
    }

    /// Encrypts the inner payloads into an SK payload body `IV | ciphertext | ICV`.
    ///
    /// `aad` is the message before the IV (see the module documentation). The IV comes
    /// from `rng`: for the AEAD ciphers an 8-byte IV must never repeat under one key,
    /// and with random IVs a repeat only becomes likely after about 2^32 messages under
    /// one key, far beyond an IKE SA's lifetime. Padding is the minimum, filled with zeros (RFC 7296 section 3.14).
    pub fn seal(&self, aad: &[u8], plaintext: &[u8], rng: &mut dyn Rng) -> Result<Vec<u8>, Error> {
        let encr = self.suite.encr();
        let iv_len = encr.iv_len();
        let padded = padded_len(encr, plaintext.len());
        let mut body = vec![0u8; self.sealed_len(plaintext.len())];

        let (iv, rest) = body.split_at_mut(iv_len);
        rng.fill(iv)?;

        let (inner, icv) = rest.split_at_mut(padded);
        inner[..plaintext.len()].copy_from_slice(plaintext);
        // The pad length is below the block size, 16.
        inner[padded - 1] = (padded - plaintext.len() - 1) as u8;

        match self.suite.integ() {
            None => self.aead_seal(aad, iv, inner, icv)?,
            Some(integ) => {
                self.cbc_encrypt(iv, inner)?;
                let mac = integ.icv(self.integ_key.as_bytes(), &[aad, iv, inner]);
                icv.copy_from_slice(&mac);
            }
        }
        Ok(body)
    }

    /// Verifies and decrypts an SK payload body `IV | ciphertext | ICV`, returning the
    /// inner payloads without padding.
    ///
    /// `aad` is the received message before the IV (see the module documentation).
    /// Errors: [`Error::IntegrityCheckFailed`] (drop silently) if the body is too short
    /// or the ICV does not verify; [`Error::InvalidSkPayload`] if an authentic body has
    /// a bad block alignment or Pad Length. The Padding's content is not checked: the
    /// sender may choose any value (RFC 7296 section 3.14).
    pub fn open(&self, aad: &[u8], body: &[u8]) -> Result<Vec<u8>, Error> {
        let encr = self.suite.encr();
        let iv_len = encr.iv_len();
        let icv_len = self.suite.icv_len();
        if body.len() < iv_len + icv_len {
            return Err(Error::IntegrityCheckFailed);
        }

        let mut plain = match self.suite.integ() {
            None => self.aead_open(aad, body)?,
            Some(integ) => self.cbc_open(integ, aad, body)?,
        };

        let inner_len = unpadded_len(&plain).ok_or(Error::InvalidSkPayload)?;
        plain.truncate(inner_len);
        Ok(plain)
    }

    fn aead_seal(
        &self,
        aad: &[u8],
        iv: &[u8],
        in_out: &mut [u8],
        icv: &mut [u8],
    ) -> Result<(), Error> {
        let key = self.aead_key()?;
        let nonce = self.aead_nonce(iv);

        let tag = key
            .seal_in_place_separate_tag(nonce, Aad::from(aad), in_out)
            .map_err(|_| Error::Internal)?;
        icv.copy_from_slice(tag.as_ref());
        Ok(())
    }

    fn aead_open(&self, aad: &[u8], body: &[u8]) -> Result<Vec<u8>, Error> {
        let key = self.aead_key()?;
        let (iv, sealed) = body.split_at(self.suite.encr().iv_len());
        let nonce = self.aead_nonce(iv);
        let mut buf = sealed.to_vec();

        let plain_len = key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| Error::IntegrityCheckFailed)?
            .len();
        buf.truncate(plain_len);
        Ok(buf)
    }

    /// The ring key for the key part of the key material.
    fn aead_key(&self) -> Result<LessSafeKey, Error> {
        let encr = self.suite.encr();
        let algorithm = match encr {
            EncrAlg::AesGcm16_128 => &aead::AES_128_GCM,
            EncrAlg::AesGcm16_256 => &aead::AES_256_GCM,
            EncrAlg::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
            EncrAlg::AesCbc128 | EncrAlg::AesCbc256 => return Err(Error::Internal),
        };

        let key_bytes = &self.encr_key.as_bytes()[..encr.key_len()];
        let key = UnboundKey::new(algorithm, key_bytes).map_err(|_| Error::Internal)?;
        Ok(LessSafeKey::new(key))
    }

    /// Nonce = salt (last 4 bytes of the key material) | 8-byte IV (RFC 5282,
    /// RFC 7634).
    fn aead_nonce(&self, iv: &[u8]) -> Nonce {
        let salt = &self.encr_key.as_bytes()[self.suite.encr().key_len()..];
        let mut nonce = [0u8; aead::NONCE_LEN];
        nonce[..4].copy_from_slice(salt);
        nonce[4..].copy_from_slice(iv);
        Nonce::assume_unique_for_key(nonce)
    }

    fn cbc_encrypt(&self, iv: &[u8], buf: &mut [u8]) -> Result<(), Error> {
        let key = self.encr_key.as_bytes();
        match self.suite.encr() {
            EncrAlg::AesCbc128 => cbc_encrypt::<cbc::Encryptor<Aes128>>(key, iv, buf),
            EncrAlg::AesCbc256 => cbc_encrypt::<cbc::Encryptor<Aes256>>(key, iv, buf),
            _ => Err(Error::Internal),
        }
    }

    /// Checks the ICV over `aad | IV | ciphertext`, then decrypts.
    fn cbc_open(&self, integ: IntegAlg, aad: &[u8], body: &[u8]) -> Result<Vec<u8>, Error> {
        let (authenticated, icv) = body.split_at(body.len() - integ.icv_len());
        let expected = integ.icv(self.integ_key.as_bytes(), &[aad, authenticated]);
        if !bool::from(expected.ct_eq(icv)) {
            return Err(Error::IntegrityCheckFailed);
        }

        let encr = self.suite.encr();
        let (iv, ciphertext) = authenticated.split_at(encr.iv_len());
        if ciphertext.is_empty() || ciphertext.len() % encr.block_len() != 0 {
            return Err(Error::InvalidSkPayload);
        }

        let mut buf = ciphertext.to_vec();
        let key = self.encr_key.as_bytes();
        match encr {
            EncrAlg::AesCbc128 => cbc_decrypt::<cbc::Decryptor<Aes128>>(key, iv, &mut buf)?,
            EncrAlg::AesCbc256 => cbc_decrypt::<cbc::Decryptor<Aes256>>(key, iv, &mut buf)?,
            _ => return Err(Error::Internal),
        }
        Ok(buf)
    }
}

/// Length of inner payloads plus minimal Padding plus the Pad Length octet.
fn padded_len(encr: EncrAlg, plaintext_len: usize) -> usize {
    let block = encr.block_len();
    (plaintext_len + 1).div_ceil(block) * block
}

/// Length of the inner payloads of decrypted `inner | Padding | Pad Length`;
/// `None` if the Pad Length points before the start.
fn unpadded_len(plain: &[u8]) -> Option<usize> {
    let (&pad_len, rest) = plain.split_last()?;
    rest.len().checked_sub(usize::from(pad_len))
}

fn check_len(expected: usize, key: &[u8]) -> Result<(), Error> {
    if key.len() != expected {
        return Err(Error::InvalidKeyLength {
            expected,
            actual: key.len(),
        });
    }

    Ok(())
}

/// In-place CBC encryption of whole blocks.
fn cbc_encrypt<E: KeyIvInit + BlockEncryptMut>(
    key: &[u8],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<(), Error> {
    let len = buf.len();
    let cipher = E::new_from_slices(key, iv).map_err(|_| Error::Internal)?;

    cipher
        .encrypt_padded_mut::<NoPadding>(buf, len)
        .map_err(|_| Error::Internal)?;
    Ok(())
}

/// In-place CBC decryption of whole blocks.
fn cbc_decrypt<D: KeyIvInit + BlockDecryptMut>(
    key: &[u8],
    iv: &[u8],
    buf: &mut [u8],
) -> Result<(), Error> {
    let cipher = D::new_from_slices(key, iv).map_err(|_| Error::Internal)?;

    cipher
        .decrypt_padded_mut::<NoPadding>(buf)
        .map_err(|_| Error::InvalidSkPayload)?;
    Ok(())
}
