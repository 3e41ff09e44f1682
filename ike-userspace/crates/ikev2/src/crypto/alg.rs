//! Algorithm identifiers: the IANA "IKEv2 Transform Type" IDs this layer implements
//! (RFC 7296 section 3.3.2, RFC 4868, RFC 5282, RFC 7634, RFC 3526, RFC 5903, RFC 8031).

use super::Error;

/// IANA transform type 1, encryption algorithm (ENCR).
pub const TRANSFORM_TYPE_ENCR: u8 = 1;

/// IANA transform type 2, pseudorandom function (PRF).
pub const TRANSFORM_TYPE_PRF: u8 = 2;

/// IANA transform type 3, integrity algorithm (INTEG).
pub const TRANSFORM_TYPE_INTEG: u8 = 3;

/// IANA transform type 4, key exchange method (D-H group).
pub const TRANSFORM_TYPE_KE: u8 = 4;

/// Pseudorandom functions (transform type 2, RFC 4868).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrfAlg {
    /// PRF_HMAC_SHA2_256 (ID 5).
    HmacSha2_256,
    /// PRF_HMAC_SHA2_384 (ID 6).
    HmacSha2_384,
    /// PRF_HMAC_SHA2_512 (ID 7).
    HmacSha2_512,
}

impl PrfAlg {
    /// The PRF for an IANA transform ID, if implemented.
    pub const fn from_id(id: u16) -> Option<Self> {
        match id {
            5 => Some(PrfAlg::HmacSha2_256),
            6 => Some(PrfAlg::HmacSha2_384),
            7 => Some(PrfAlg::HmacSha2_512),
            _ => None,
        }
    }

    /// The IANA transform ID.
    pub const fn id(self) -> u16 {
        match self {
            PrfAlg::HmacSha2_256 => 5,
            PrfAlg::HmacSha2_384 => 6,
            PrfAlg::HmacSha2_512 => 7,
        }
    }

    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            PrfAlg::HmacSha2_256 => 32,
            PrfAlg::HmacSha2_384 => 48,
            PrfAlg::HmacSha2_512 => 64,
        }
    }

    /// Preferred key length, the length of SK_d, SK_pi and SK_pr (RFC 7296 section 2.14,
    /// RFC 4868: the output length).
    pub const fn key_len(self) -> usize {
        self.output_len()
    }

    pub(crate) fn hmac(self) -> ring::hmac::Algorithm {
        match self {
            PrfAlg::HmacSha2_256 => ring::hmac::HMAC_SHA256,
            PrfAlg::HmacSha2_384 => ring::hmac::HMAC_SHA384,
            PrfAlg::HmacSha2_512 => ring::hmac::HMAC_SHA512,
        }
    }
}

/// Integrity algorithms (transform type 3, RFC 4868), for IKE and ESP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegAlg {
    /// AUTH_HMAC_SHA2_256_128 (ID 12).
    HmacSha2_256_128,
    /// AUTH_HMAC_SHA2_384_192 (ID 13).
    HmacSha2_384_192,
    /// AUTH_HMAC_SHA2_512_256 (ID 14).
    HmacSha2_512_256,
}

impl IntegAlg {
    /// The integrity algorithm for an IANA transform ID, if implemented.
    pub const fn from_id(id: u16) -> Option<Self> {
        match id {
            12 => Some(IntegAlg::HmacSha2_256_128),
            13 => Some(IntegAlg::HmacSha2_384_192),
            14 => Some(IntegAlg::HmacSha2_512_256),
            _ => None,
        }
    }

    /// The IANA transform ID.
    pub const fn id(self) -> u16 {
        match self {
            IntegAlg::HmacSha2_256_128 => 12,
            IntegAlg::HmacSha2_384_192 => 13,
            IntegAlg::HmacSha2_512_256 => 14,
        }
    }

    /// Key length in bytes (RFC 4868: the hash output length).
    pub const fn key_len(self) -> usize {
        match self {
            IntegAlg::HmacSha2_256_128 => 32,
            IntegAlg::HmacSha2_384_192 => 48,
            IntegAlg::HmacSha2_512_256 => 64,
        }
    }

    /// Length of the truncated ICV in bytes (RFC 4868: half the output).
    pub const fn icv_len(self) -> usize {
        self.key_len() / 2
    }

    /// HMAC of the concatenated `parts`, truncated to [`IntegAlg::icv_len`].
    pub fn icv(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let key = ring::hmac::Key::new(self.hmac(), key);
        let mut ctx = ring::hmac::Context::with_key(&key);
        for part in parts {
            ctx.update(part);
        }

        let tag = ctx.sign();
        tag.as_ref()[..self.icv_len()].to_vec()
    }

    fn hmac(self) -> ring::hmac::Algorithm {
        match self {
            IntegAlg::HmacSha2_256_128 => ring::hmac::HMAC_SHA256,
            IntegAlg::HmacSha2_384_192 => ring::hmac::HMAC_SHA384,
            IntegAlg::HmacSha2_512_256 => ring::hmac::HMAC_SHA512,
        }
    }
}

/// Encryption algorithms (transform type 1) with their key size, for IKE and ESP.
///
/// AES transforms carry the Key Length attribute (RFC 7296 section 3.3.5);
/// ChaCha20-Poly1305 has none (RFC 7634).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncrAlg {
    /// ENCR_AES_CBC (ID 12, RFC 3602), 128-bit key.
    AesCbc128,
    /// ENCR_AES_CBC (ID 12, RFC 3602), 256-bit key.
    AesCbc256,
    /// ENCR_AES_GCM_16 (ID 20, RFC 5282 / RFC 4106), 128-bit key.
    AesGcm16_128,
    /// ENCR_AES_GCM_16 (ID 20, RFC 5282 / RFC 4106), 256-bit key.
    AesGcm16_256,
    /// ENCR_CHACHA20_POLY1305 (ID 28, RFC 7634).
    ChaCha20Poly1305,
}

impl EncrAlg {
    /// The cipher for an IANA transform ID and the value of its Key Length attribute
    /// (in bits; `None` if the transform had no attribute).
    pub const fn from_id(id: u16, key_bits: Option<u16>) -> Option<Self> {
        match (id, key_bits) {
            (12, Some(128)) => Some(EncrAlg::AesCbc128),
            (12, Some(256)) => Some(EncrAlg::AesCbc256),
            (20, Some(128)) => Some(EncrAlg::AesGcm16_128),
            (20, Some(256)) => Some(EncrAlg::AesGcm16_256),
            (28, None) => Some(EncrAlg::ChaCha20Poly1305),
            _ => None,
        }
    }

    /// The IANA transform ID.
    pub const fn id(self) -> u16 {
        match self {
            EncrAlg::AesCbc128 | EncrAlg::AesCbc256 => 12,
            EncrAlg::AesGcm16_128 | EncrAlg::AesGcm16_256 => 20,
            EncrAlg::ChaCha20Poly1305 => 28,
        }
    }

    /// The Key Length attribute value (bits) to send, `None` for ChaCha20-Poly1305.
    pub const fn key_bits(self) -> Option<u16> {
        match self {
            EncrAlg::AesCbc128 | EncrAlg::AesGcm16_128 => Some(128),
            EncrAlg::AesCbc256 | EncrAlg::AesGcm16_256 => Some(256),
            EncrAlg::ChaCha20Poly1305 => None,
        }
    }

    /// True for combined-mode (AEAD) ciphers, which take no INTEG transform.
    pub const fn is_aead(self) -> bool {
        !matches!(self, EncrAlg::AesCbc128 | EncrAlg::AesCbc256)
    }

    /// Length of the cipher key proper in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            EncrAlg::AesCbc128 | EncrAlg::AesGcm16_128 => 16,
            _ => 32,
        }
    }

    /// Length of the salt taken from the key material after the key: 4 for AES-GCM
    /// (RFC 5282, RFC 4106) and ChaCha20-Poly1305
    /// (RFC 7634), 0 for CBC.
    pub const fn salt_len(self) -> usize {
        if self.is_aead() {
            4
        } else {
            0
        }
    }

    /// Key material per direction: key followed by salt (SK_ei/SK_er length).
    pub const fn keymat_len(self) -> usize {
        self.key_len() + self.salt_len()
    }

    /// Length of the IV in the SK payload: the block size (16) for CBC (RFC 7296
    /// section 3.14), 8 for the AEAD ciphers (RFC 5282, RFC 7634).
    pub const fn iv_len(self) -> usize {
        if self.is_aead() {
            8
        } else {
            16
        }
    }

    /// Block size the padded plaintext must be a multiple of: 16 for CBC,
    /// 1 for the AEAD ciphers (which need no padding).
    pub const fn block_len(self) -> usize {
        if self.is_aead() {
            1
        } else {
            16
        }
    }
}

/// Diffie-Hellman groups (transform type 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DhGroup {
    /// 2048-bit MODP group (ID 14, RFC 3526 section 3).
    Modp2048,
    /// 3072-bit MODP group (ID 15, RFC 3526 section 4).
    Modp3072,
    /// 256-bit random ECP group, NIST P-256 (ID 19, RFC 5903).
    Ecp256,
    /// 384-bit random ECP group, NIST P-384 (ID 20, RFC 5903).
    Ecp384,
    /// Curve25519 (ID 31, RFC 8031).
    Curve25519,
}

impl DhGroup {
    /// The group for an IANA transform ID, if implemented.
    pub const fn from_id(id: u16) -> Option<Self> {
        match id {
            14 => Some(DhGroup::Modp2048),
            15 => Some(DhGroup::Modp3072),
            19 => Some(DhGroup::Ecp256),
            20 => Some(DhGroup::Ecp384),
            31 => Some(DhGroup::Curve25519),
            _ => None,
        }
    }

    /// The IANA transform ID (the "Diffie-Hellman Group Num" of the KE payload).
    pub const fn id(self) -> u16 {
        match self {
            DhGroup::Modp2048 => 14,
            DhGroup::Modp3072 => 15,
            DhGroup::Ecp256 => 19,
            DhGroup::Ecp384 => 20,
            DhGroup::Curve25519 => 31,
        }
    }

    /// Length of the KE payload's Key Exchange Data: the prime's length for MODP
    /// (RFC 7296 section 3.4), x|y for ECP (RFC 5903 section 7), 32 for Curve25519
    /// (RFC 8031).
    pub const fn public_len(self) -> usize {
        match self {
            DhGroup::Modp2048 => 256,
            DhGroup::Modp3072 => 384,
            DhGroup::Ecp256 => 64,
            DhGroup::Ecp384 => 96,
            DhGroup::Curve25519 => 32,
        }
    }

    /// Length of the shared secret g^ir: the prime's length for MODP, the x coordinate
    /// for ECP (RFC 5903 section 7), 32 for Curve25519.
    pub const fn shared_len(self) -> usize {
        match self {
            DhGroup::Modp2048 => 256,
            DhGroup::Modp3072 => 384,
            DhGroup::Ecp256 | DhGroup::Curve25519 => 32,
            DhGroup::Ecp384 => 48,
        }
    }
}

/// The ENCR and (for non-AEAD ciphers) INTEG transforms protecting an SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CipherSuite {
    encr: EncrAlg,
    integ: Option<IntegAlg>,
}

impl CipherSuite {
    /// Checks the combination: AEAD ciphers take no INTEG (RFC 5282), the others
    /// require one.
    pub fn new(encr: EncrAlg, integ: Option<IntegAlg>) -> Result<Self, Error> {
        if encr.is_aead() != integ.is_none() {
            return Err(Error::InvalidTransformCombination);
        }

        Ok(CipherSuite { encr, integ })
    }

    /// The suite for negotiated transform IDs: ENCR with its Key Length attribute, and
    /// INTEG (`None` when the proposal had none). Unknown IDs are
    /// [`Error::UnsupportedTransform`] (NO_PROPOSAL_CHOSEN).
    pub fn from_ids(
        encr_id: u16,
        key_bits: Option<u16>,
        integ_id: Option<u16>,
    ) -> Result<Self, Error> {
        let encr = EncrAlg::from_id(encr_id, key_bits).ok_or(Error::UnsupportedTransform {
            transform_type: TRANSFORM_TYPE_ENCR,
            id: encr_id,
        })?;

        let integ = match integ_id {
            None => None,
            Some(id) => Some(IntegAlg::from_id(id).ok_or(Error::UnsupportedTransform {
                transform_type: TRANSFORM_TYPE_INTEG,
                id,
            })?),
        };
        CipherSuite::new(encr, integ)
    }

    /// The encryption algorithm.
    pub fn encr(self) -> EncrAlg {
        self.encr
    }

    /// The integrity algorithm, `None` for AEAD.
    pub fn integ(self) -> Option<IntegAlg> {
        self.integ
    }

    /// Length of the integrity key (SK_ai/SK_ar, or the ESP integrity key); 0 for AEAD.
    pub fn integ_key_len(self) -> usize {
        self.integ.map_or(0, IntegAlg::key_len)
    }

    /// Length of the ICV: the AEAD tag (16) or the truncated HMAC.
    pub fn icv_len(self) -> usize {
        self.integ.map_or(16, IntegAlg::icv_len)
    }
}
