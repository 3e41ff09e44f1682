//! Key exchange (the KE payload, RFC 7296 sections 1.2 and 3.4) for the MODP groups of
//! RFC 3526, the ECP groups of RFC 5903 and Curve25519 (RFC 8031).

use core::fmt;

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Limb, Uint, U2048, U3072};
use elliptic_curve::sec1::{FromEncodedPoint, ModulusSize, ToEncodedPoint};
use elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytesSize, PublicKey, SecretKey};
use zeroize::Zeroizing;

use super::{DhGroup, Error, Rng, Secret};

/// The 2048-bit MODP prime, 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }
/// (RFC 3526 section 3). Generator 2.
const MODP_2048_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
);

/// The 3072-bit MODP prime, 2^3072 - 2^3008 - 1 + 2^64 * { [2^2942 pi] + 1690314 }
/// (RFC 3526 section 4). Generator 2.
const MODP_3072_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// Length of generated MODP private exponents in bits. RFC 3526 estimates
/// exponents of 320 (group 14) and 420 bits (group 15) for the groups' full strength.
const MODP_EXPONENT_BITS: usize = 512;

/// How often to draw a new ECP private key when the random bytes are not below the
/// group order (probability about 2^-32 per draw for P-256 and P-384).
const ECP_KEYGEN_TRIES: usize = 8;

/// The 2048-bit MODP prime as a number.
fn modp_2048_prime() -> U2048 {
    U2048::from_be_hex(MODP_2048_HEX)
}

/// The 3072-bit MODP prime as a number.
fn modp_3072_prime() -> U3072 {
    U3072::from_be_hex(MODP_3072_HEX)
}

enum Private {
    /// The MODP exponent, big-endian.
    Modp(Secret),
    Ecp256(p256::SecretKey),
    Ecp384(p384::SecretKey),
    X25519(x25519_dalek::StaticSecret),
}

/// One side of a Diffie-Hellman exchange: our private value and the public value for
/// our KE payload. Private keys are zeroized on drop.
pub struct KeyExchange {
    group: DhGroup,
    private: Private,
    public: Vec<u8>,
}

impl KeyExchange {
    /// A fresh key pair for `group` from `rng`.
    pub fn generate(group: DhGroup, rng: &mut dyn Rng) -> Result<Self, Error> {
        match group {
            DhGroup::Modp2048 | DhGroup::Modp3072 => {
                let mut exponent = Zeroizing::new(vec![0u8; MODP_EXPONENT_BITS / 8]);
                rng.fill(&mut exponent)?;
                // A full-length exponent: never 0 or 1, and the same work every time.
                exponent[0] |= 0x80;
                KeyExchange::from_private(group, &exponent)
            }
            DhGroup::Ecp256 | DhGroup::Ecp384 => generate_ecp(group, rng),
            DhGroup::Curve25519 => {
                let mut scalar = Zeroizing::new([0u8; 32]);
                rng.fill(scalar.as_mut())?;
                KeyExchange::from_private(group, scalar.as_ref())
            }
        }
    }

    /// A key pair from a known private value, big-endian (for known-answer tests and
    /// deterministic simulations):
    /// - MODP: the exponent x, 1 < x < p - 1, at most as long as the prime;
    /// - ECP: the scalar, exactly 32 or 48 bytes, 0 < d < n (RFC 5903 section 8);
    /// - Curve25519: the 32-byte scalar as in RFC 7748 section 5 (clamped when used).
    pub fn from_private(group: DhGroup, private: &[u8]) -> Result<Self, Error> {
        let is_ecp = matches!(group, DhGroup::Ecp256 | DhGroup::Ecp384);
        if is_ecp && private.len() != group.shared_len() {
            return Err(Error::InvalidPrivateKey);
        }

        let (private, public) = match group {
            DhGroup::Modp2048 | DhGroup::Modp3072 => modp_keypair(group, private)?,
            DhGroup::Ecp256 => {
                let key = p256::SecretKey::from_slice(private);
                let key = key.map_err(|_| Error::InvalidPrivateKey)?;
                let public = ecp_public(&key);
                (Private::Ecp256(key), public)
            }
            DhGroup::Ecp384 => {
                let key = p384::SecretKey::from_slice(private);
                let key = key.map_err(|_| Error::InvalidPrivateKey)?;
                let public = ecp_public(&key);
                (Private::Ecp384(key), public)
            }
            DhGroup::Curve25519 => x25519_keypair(private)?,
        };

        Ok(KeyExchange {
            group,
            private,
            public,
        })
    }

    /// The group of this key exchange.
    pub fn group(&self) -> DhGroup {
        self.group
    }

    /// The Key Exchange Data of our KE payload: MODP g^x big-endian, zero-padded to the
    /// prime's length (RFC 7296 section 3.4); ECP x | y without the 0x04 prefix
    /// (RFC 5903 section 7); Curve25519 the 32-byte u coordinate (RFC 8031).
    pub fn public_value(&self) -> &[u8] {
        &self.public
    }

    /// Checks the Diffie-Hellman Group Num of the peer's KE payload against ours.
    /// A mismatch maps to INVALID_KE_PAYLOAD (RFC 7296 section 1.2).
    pub fn check_group(&self, peer_group: u16) -> Result<(), Error> {
        if peer_group != self.group.id() {
            return Err(Error::KeGroupMismatch {
                ours: self.group,
                theirs: peer_group,
            });
        }

        Ok(())
    }

    /// The shared secret g^ir from the peer's Key Exchange Data, after validating it:
    /// its length, 1 < y < p - 1 for MODP, the point on the curve for ECP (RFC 5903
    /// section 7: g^ir is the x coordinate), a non-zero result for Curve25519
    /// (RFC 8031).
    pub fn shared_secret(&self, peer: &[u8]) -> Result<Secret, Error> {
        let expected = self.group.public_len();
        if peer.len() != expected {
            return Err(Error::InvalidKeLength {
                group: self.group,
                expected,
                actual: peer.len(),
            });
        }

        let invalid = Error::InvalidKeValue { group: self.group };
        match &self.private {
            Private::Modp(exponent) => modp_shared(self.group, exponent, peer).ok_or(invalid),
            Private::Ecp256(key) => ecp_shared(key, peer).ok_or(invalid),
            Private::Ecp384(key) => ecp_shared(key, peer).ok_or(invalid),
            Private::X25519(key) => x25519_shared(key, peer).ok_or(invalid),
        }
    }
}

impl fmt::Debug for KeyExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyExchange")
            .field("group", &self.group)
            .field("private", &"<redacted>")
            .field("public_len", &self.public.len())
            .finish()
    }
}

/// A random ECP key pair; the scalar is redrawn while it is zero or not below the
/// group order.
fn generate_ecp(group: DhGroup, rng: &mut dyn Rng) -> Result<KeyExchange, Error> {
    let mut scalar = Zeroizing::new(vec![0u8; group.shared_len()]);
    for _ in 0..ECP_KEYGEN_TRIES {
        rng.fill(&mut scalar)?;
        match KeyExchange::from_private(group, &scalar) {
            Err(Error::InvalidPrivateKey) => continue,
            result => return result,
        }
    }

    Err(Error::Rng)
}

/// x | y of the public key, without the SEC 1 0x04 prefix (RFC 5903 section 7).
fn ecp_public<C>(key: &SecretKey<C>) -> Vec<u8>
where
    C: CurveArithmetic,
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
{
    let point = key.public_key().to_encoded_point(false);
    point.as_bytes()[1..].to_vec()
}

/// ECDH with a peer's x | y; `None` if the point is not on the curve.
fn ecp_shared<C>(key: &SecretKey<C>, peer: &[u8]) -> Option<Secret>
where
    C: CurveArithmetic,
    FieldBytesSize<C>: ModulusSize,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
{
    let sec1 = [&[0x04], peer].concat();
    let public = PublicKey::<C>::from_sec1_bytes(&sec1).ok()?;

    let shared = elliptic_curve::ecdh::diffie_hellman(key.to_nonzero_scalar(), public.as_affine());
    Some(Secret::from_slice(shared.raw_secret_bytes()))
}

fn x25519_keypair(private: &[u8]) -> Result<(Private, Vec<u8>), Error> {
    let scalar: [u8; 32] = private.try_into().map_err(|_| Error::InvalidPrivateKey)?;
    let key = x25519_dalek::StaticSecret::from(scalar);
    let public = x25519_dalek::PublicKey::from(&key).as_bytes().to_vec();

    Ok((Private::X25519(key), public))
}

/// X25519 with a peer's u coordinate; `None` for an all-zero result (RFC 8031
/// section 2.3, a small-order peer value).
fn x25519_shared(key: &x25519_dalek::StaticSecret, peer: &[u8]) -> Option<Secret> {
    let peer: [u8; 32] = peer.try_into().ok()?;
    let shared = key.diffie_hellman(&x25519_dalek::PublicKey::from(peer));
    if !shared.was_contributory() {
        return None;
    }

    Some(Secret::from_slice(shared.as_bytes()))
}

fn modp_keypair(group: DhGroup, exponent: &[u8]) -> Result<(Private, Vec<u8>), Error> {
    let public = match group {
        DhGroup::Modp2048 => modp_public(&modp_2048_prime(), exponent),
        _ => modp_public(&modp_3072_prime(), exponent),
    };

    let public = public.ok_or(Error::InvalidPrivateKey)?;
    Ok((Private::Modp(Secret::from_slice(exponent)), public))
}

/// g^x mod p for generator 2; `None` unless 1 < x < p - 1.
fn modp_public<const L: usize>(p: &Uint<L>, exponent: &[u8]) -> Option<Vec<u8>> {
    let x = uint_from_be(exponent)?;
    if !in_open_range(&*x, p) {
        return None;
    }

    Some(modp_pow(p, &Uint::from_u8(2), &x, exponent.len() * 8))
}

fn modp_shared(group: DhGroup, exponent: &Secret, peer: &[u8]) -> Option<Secret> {
    let shared = match group {
        DhGroup::Modp2048 => modp_agree(&modp_2048_prime(), exponent.as_bytes(), peer)?,
        _ => modp_agree(&modp_3072_prime(), exponent.as_bytes(), peer)?,
    };

    Some(Secret::new(shared))
}

/// y^x mod p; `None` unless 1 < y < p - 1 (the partial public-key validation of
/// NIST SP 800-56A, which excludes the trivial subgroups {1} and {1, p - 1}).
fn modp_agree<const L: usize>(p: &Uint<L>, exponent: &[u8], peer: &[u8]) -> Option<Vec<u8>> {
    let y = uint_from_be::<L>(peer)?;
    if !in_open_range(&*y, p) {
        return None;
    }

    let x = uint_from_be(exponent)?;
    Some(modp_pow(p, &y, &x, exponent.len() * 8))
}

/// 1 < v < p - 1.
fn in_open_range<const L: usize>(v: &Uint<L>, p: &Uint<L>) -> bool {
    *v > Uint::ONE && *v < p.wrapping_sub(&Uint::ONE)
}

/// base^exponent mod p in constant time for exponents of at most `exponent_bits` bits,
/// big-endian and zero-padded to the length of p.
fn modp_pow<const L: usize>(
    p: &Uint<L>,
    base: &Uint<L>,
    exponent: &Zeroizing<Uint<L>>,
    exponent_bits: usize,
) -> Vec<u8> {
    let params = DynResidueParams::new(p);
    let power = DynResidue::new(base, params).pow_bounded_exp(exponent, exponent_bits);
    let value = Zeroizing::new(power.retrieve());

    uint_to_be(&value)
}

/// A big-endian number of at most `L` limbs; `None` if longer.
fn uint_from_be<const L: usize>(bytes: &[u8]) -> Option<Zeroizing<Uint<L>>> {
    let width = L * Limb::BYTES;
    if bytes.len() > width {
        return None;
    }

    let mut padded = Zeroizing::new(vec![0u8; width]);
    padded[width - bytes.len()..].copy_from_slice(bytes);
    Some(Zeroizing::new(Uint::from_be_slice(&padded)))
}

impl DhGroup {
    /// The prime p of a MODP group, big-endian (RFC 3526); `None` for other groups.
    pub fn modp_prime(self) -> Option<Vec<u8>> {
        match self {
            DhGroup::Modp2048 => Some(uint_to_be(&modp_2048_prime())),
            DhGroup::Modp3072 => Some(uint_to_be(&modp_3072_prime())),
            _ => None,
        }
    }
}

/// Big-endian bytes, as long as the number type.
fn uint_to_be<const L: usize>(value: &Uint<L>) -> Vec<u8> {
    value
        .as_words()
        .iter()
        .rev()
        .flat_map(|w| w.to_be_bytes())
        .collect()
}
