//! Key derivation for IKE SAs (RFC 7296 sections 2.14 and 2.18) and Child SAs
//! (section 2.17).

use super::{CipherSuite, Error, PrfAlg, Secret, SkCipher};

/// The two ends of an IKE SA, as "original initiator" and "original responder" are used
/// in key derivation (RFC 7296 section 2.14): after a rekey, the initiator of the
/// rekeying exchange is the initiator of the new SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The (original) initiator.
    Initiator,
    /// The (original) responder.
    Responder,
}

/// SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 section 2.14). Nonces without payload headers.
pub fn skeyseed(prf: PrfAlg, ni: &[u8], nr: &[u8], g_ir: &[u8]) -> Secret {
    let nonces = [ni, nr].concat();
    prf.prf(&nonces, &[g_ir])
}

/// SKEYSEED of an IKE SA created by rekeying:
/// `prf(SK_d (old), g^ir (new) | Ni | Nr)` (RFC 7296 section 2.18).
///
/// `old_prf` is the PRF of the IKE SA being rekeyed: the rekeying exchange belongs to it.
pub fn rekey_skeyseed(
    old_prf: PrfAlg,
    old_sk_d: &Secret,
    g_ir: &[u8],
    ni: &[u8],
    nr: &[u8],
) -> Secret {
    old_prf.prf(old_sk_d.as_bytes(), &[g_ir, ni, nr])
}

/// The seven secrets of an IKE SA (RFC 7296 section 2.14).
#[derive(Debug, Clone)]
pub struct IkeSaKeys {
    prf: PrfAlg,
    suite: CipherSuite,
    /// SK_d: keys Child SAs and rekeyed IKE SAs.
    pub sk_d: Secret,
    /// SK_ai: integrity key for messages from the initiator (empty for AEAD).
    pub sk_ai: Secret,
    /// SK_ar: integrity key for messages from the responder (empty for AEAD).
    pub sk_ar: Secret,
    /// SK_ei: encryption key (and salt, for AEAD) for messages from the initiator.
    pub sk_ei: Secret,
    /// SK_er: encryption key (and salt, for AEAD) for messages from the responder.
    pub sk_er: Secret,
    /// SK_pi: key for the initiator's AUTH payload (RFC 7296 section 2.15).
    pub sk_pi: Secret,
    /// SK_pr: key for the responder's AUTH payload.
    pub sk_pr: Secret,
}

impl IkeSaKeys {
    /// Keys of a new IKE SA from IKE_SA_INIT: SKEYSEED = prf(Ni | Nr, g^ir), then
    /// [`IkeSaKeys::derive`].
    pub fn from_ike_sa_init(
        prf: PrfAlg,
        suite: CipherSuite,
        g_ir: &[u8],
        ni: &[u8],
        nr: &[u8],
        spi_i: &[u8; 8],
        spi_r: &[u8; 8],
    ) -> Result<Self, Error> {
        let seed = skeyseed(prf, ni, nr, g_ir);
        IkeSaKeys::derive(prf, suite, &seed, ni, nr, spi_i, spi_r)
    }

    /// Keys of the IKE SA that replaces `self` in a CREATE_CHILD_SA rekey (RFC 7296
    /// section 2.18): SKEYSEED from the old SK_d and PRF, the rest with the new SA's PRF,
    /// cipher suite, nonces and SPIs.
    #[allow(clippy::too_many_arguments)]
    pub fn rekey(
        &self,
        prf: PrfAlg,
        suite: CipherSuite,
        g_ir: &[u8],
        ni: &[u8],
        nr: &[u8],
        spi_i: &[u8; 8],
        spi_r: &[u8; 8],
    ) -> Result<Self, Error> {
        let seed = rekey_skeyseed(self.prf, &self.sk_d, g_ir, ni, nr);
        IkeSaKeys::derive(prf, suite, &seed, ni, nr, spi_i, spi_r)
    }

    /// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
    /// prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 section 2.14), each as long as its
    /// algorithm needs.
    pub fn derive(
        prf: PrfAlg,
        suite: CipherSuite,
        skeyseed: &Secret,
        ni: &[u8],
        nr: &[u8],
        spi_i: &[u8; 8],
        spi_r: &[u8; 8],
    ) -> Result<Self, Error> {
        let d_len = prf.key_len();
        let a_len = suite.integ_key_len();
        let e_len = suite.encr().keymat_len();
        let total = 3 * d_len + 2 * a_len + 2 * e_len;
        let seed: [&[u8]; 4] = [ni, nr, spi_i, spi_r];
        let keymat = prf.prf_plus(skeyseed.as_bytes(), &seed, total)?;

        let mut split = Splitter::new(&keymat);
        Ok(IkeSaKeys {
            prf,
            suite,
            sk_d: split.take(d_len),
            sk_ai: split.take(a_len),
            sk_ar: split.take(a_len),
            sk_ei: split.take(e_len),
            sk_er: split.take(e_len),
            sk_pi: split.take(d_len),
            sk_pr: split.take(d_len),
        })
    }

    /// The PRF of this IKE SA.
    pub fn prf(&self) -> PrfAlg {
        self.prf
    }

    /// The cipher suite of this IKE SA.
    pub fn suite(&self) -> CipherSuite {
        self.suite
    }

    /// The SK payload protection for messages sent by `sender` (SK_ei/SK_ai for the
    /// initiator, SK_er/SK_ar for the responder). Use it to seal what that end sends and
    /// to open what it sent.
    pub fn sk_cipher(&self, sender: Role) -> Result<SkCipher, Error> {
        match sender {
            Role::Initiator => {
                SkCipher::new(self.suite, self.sk_ei.as_bytes(), self.sk_ai.as_bytes())
            }
            Role::Responder => {
                SkCipher::new(self.suite, self.sk_er.as_bytes(), self.sk_ar.as_bytes())
            }
        }
    }

    /// The keys of a Child SA created by this IKE SA (RFC 7296 section 2.17): KEYMAT from
    /// this SA's PRF and SK_d, see [`ChildSaKeys::derive`].
    pub fn child_sa_keys(
        &self,
        suite: CipherSuite,
        g_ir: Option<&[u8]>,
        ni: &[u8],
        nr: &[u8],
    ) -> Result<ChildSaKeys, Error> {
        ChildSaKeys::derive(self.prf, &self.sk_d, suite, g_ir, ni, nr)
    }

    /// SK_pi or SK_pr: the key for the AUTH payload of `signer` (RFC 7296 section 2.15).
    pub fn sk_p(&self, signer: Role) -> &Secret {
        match signer {
            Role::Initiator => &self.sk_pi,
            Role::Responder => &self.sk_pr,
        }
    }
}

/// Keys of one direction of an ESP SA.
#[derive(Debug, Clone)]
pub struct EspKeys {
    /// Encryption key, followed by the 4-byte salt for AES-GCM (RFC 4106)
    /// and ChaCha20-Poly1305 (RFC 7634).
    pub encr: Secret,
    /// Integrity key; empty for AEAD ciphers.
    pub integ: Secret,
}

/// The keys of a Child SA (an ESP SA pair), RFC 7296 section 2.17.
#[derive(Debug, Clone)]
pub struct ChildSaKeys {
    /// Keys of the ESP SA carrying data from the initiator to the responder.
    pub initiator_to_responder: EspKeys,
    /// Keys of the ESP SA carrying data from the responder to the initiator.
    pub responder_to_initiator: EspKeys,
}

impl ChildSaKeys {
    /// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (RFC 7296 section 2.17), split as:
    /// initiator-to-responder encryption key, its integrity key, then the same for
    /// responder-to-initiator (for ESP the encryption key comes first, RFC 7296
    /// section 2.17).
    ///
    /// `g_ir` is the shared secret of the optional KE exchange in CREATE_CHILD_SA;
    /// Ni and Nr are the nonces of the exchange that created the Child SA.
    pub fn derive(
        prf: PrfAlg,
        sk_d: &Secret,
        suite: CipherSuite,
        g_ir: Option<&[u8]>,
        ni: &[u8],
        nr: &[u8],
    ) -> Result<Self, Error> {
        let e_len = suite.encr().keymat_len();
        let a_len = suite.integ_key_len();
        let seed: [&[u8]; 3] = [g_ir.unwrap_or_default(), ni, nr];
        let keymat = prf.prf_plus(sk_d.as_bytes(), &seed, 2 * (e_len + a_len))?;

        let mut split = Splitter::new(&keymat);
        let initiator_to_responder = EspKeys {
            encr: split.take(e_len),
            integ: split.take(a_len),
        };
        let responder_to_initiator = EspKeys {
            encr: split.take(e_len),
            integ: split.take(a_len),
        };
        Ok(ChildSaKeys {
            initiator_to_responder,
            responder_to_initiator,
        })
    }
}

/// Cuts consecutive keys off a prf+ output.
struct Splitter<'a> {
    rest: &'a [u8],
}

impl<'a> Splitter<'a> {
    fn new(keymat: &'a Secret) -> Self {
        Splitter {
            rest: keymat.as_bytes(),
        }
    }

    /// The next `len` bytes. prf+ was asked for exactly the sum of all `len`s.
    fn take(&mut self, len: usize) -> Secret {
        let (key, rest) = self.rest.split_at(len);
        self.rest = rest;
        Secret::from_slice(key)
    }
}
