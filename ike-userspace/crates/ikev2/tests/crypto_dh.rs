//! Key exchange: RFC 5903 and RFC 7748 known answers, RFC 3526 primes, validation.

mod crypto_common;

use crypto_bigint::{Limb, NonZero, U4096};
use crypto_common::{unhex, FixedRng, TestRng};
use hex_literal::hex;
use ikev2::crypto::{DhGroup, Error, KeyExchange, Secret, SystemRng};

/// RFC 5903 section 8.1, the 256-bit random ECP group: i, g^i, r, g^r and g^ir (x).
#[test]
fn rfc5903_ecp256_test_vector() {
    let i = hex!("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    let gi = hex!(
        "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
        "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3"
    );
    let r = hex!("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53");
    let gr = hex!(
        "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
        "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"
    );
    let gir = hex!("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");

    let initiator = KeyExchange::from_private(DhGroup::Ecp256, &i).unwrap();
    let responder = KeyExchange::from_private(DhGroup::Ecp256, &r).unwrap();

    assert_eq!(initiator.public_value(), gi);
    assert_eq!(responder.public_value(), gr);
    assert_eq!(initiator.shared_secret(&gr).unwrap().as_bytes(), gir);
    assert_eq!(responder.shared_secret(&gi).unwrap().as_bytes(), gir);
}

/// RFC 5903 section 8.2, the 384-bit random ECP group.
#[test]
fn rfc5903_ecp384_test_vector() {
    let i = hex!(
        "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
        "E35B538041E649EE3FAEF896783AB194"
    );
    let gi = hex!(
        "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
        "DE3AC808ACB4BDB4C88732AEE95F41AA9482ED1FC0EEB9CAFC4984625CCFC23F"
        "65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C"
    );
    let r = hex!(
        "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
        "E0308312916B8ED2960E4BD55A7448FC"
    );
    let gr = hex!(
        "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
        "0D1AC43A0336DEF96FDA41D0774A3571DCFBEC7AACF3196472169E838430367F"
        "66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C"
    );
    let gir = hex!(
        "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
        "D603135569B9E9D09CF5D4A270F59746"
    );

    let initiator = KeyExchange::from_private(DhGroup::Ecp384, &i).unwrap();
    let responder = KeyExchange::from_private(DhGroup::Ecp384, &r).unwrap();

    assert_eq!(initiator.public_value(), gi);
    assert_eq!(responder.public_value(), gr);
    assert_eq!(initiator.shared_secret(&gr).unwrap().as_bytes(), gir);
    assert_eq!(responder.shared_secret(&gi).unwrap().as_bytes(), gir);
}

/// RFC 7748 section 6.1: Alice's and Bob's X25519 keys and their shared secret.
#[test]
fn rfc7748_x25519_diffie_hellman() {
    let alice_private = hex!("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    let alice_public = hex!("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    let bob_private = hex!("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    let bob_public = hex!("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    let shared = hex!("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    let alice = KeyExchange::from_private(DhGroup::Curve25519, &alice_private).unwrap();
    let bob = KeyExchange::from_private(DhGroup::Curve25519, &bob_private).unwrap();

    assert_eq!(alice.public_value(), alice_public);
    assert_eq!(bob.public_value(), bob_public);
    assert_eq!(alice.shared_secret(&bob_public).unwrap().as_bytes(), shared);
    assert_eq!(bob.shared_secret(&alice_public).unwrap().as_bytes(), shared);
}

/// RFC 7748 section 5.2, first X25519 test vector (scalar clamping, arbitrary u).
#[test]
fn rfc7748_x25519_function_vector_1() {
    let scalar = hex!("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    let u = hex!("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    let output = hex!("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

    let kex = KeyExchange::from_private(DhGroup::Curve25519, &scalar).unwrap();

    assert_eq!(kex.shared_secret(&u).unwrap().as_bytes(), output);
}

/// RFC 8031: an all-zero shared secret (small-order peer value) is refused.
#[test]
fn x25519_rejects_small_order_peer() {
    let kex = KeyExchange::generate(DhGroup::Curve25519, &mut SystemRng).unwrap();
    let mut one = [0u8; 32];
    one[0] = 1;

    let zero_err = kex.shared_secret(&[0u8; 32]).unwrap_err();
    let one_err = kex.shared_secret(&one).unwrap_err();

    let expected = Error::InvalidKeValue {
        group: DhGroup::Curve25519,
    };
    assert_eq!(zero_err, expected);
    assert_eq!(one_err, expected);
    assert_eq!(zero_err.notify_type(), Some(7));
}

#[test]
fn ecp_rejects_points_off_the_curve_and_bad_lengths() {
    for group in [DhGroup::Ecp256, DhGroup::Ecp384] {
        let ours = KeyExchange::generate(group, &mut SystemRng).unwrap();
        let theirs = KeyExchange::generate(group, &mut SystemRng).unwrap();
        let mut off_curve = theirs.public_value().to_vec();
        *off_curve.last_mut().unwrap() ^= 1;

        let off = ours.shared_secret(&off_curve).unwrap_err();
        let zero = ours
            .shared_secret(&vec![0u8; group.public_len()])
            .unwrap_err();
        let short = ours.shared_secret(&theirs.public_value()[1..]).unwrap_err();

        assert_eq!(off, Error::InvalidKeValue { group });
        assert_eq!(zero, Error::InvalidKeValue { group });
        assert_eq!(
            short,
            Error::InvalidKeLength {
                group,
                expected: group.public_len(),
                actual: group.public_len() - 1
            }
        );
        assert_eq!(short.notify_type(), Some(7));
    }
}

#[test]
fn random_key_pairs_agree_for_every_group() {
    let groups = [
        DhGroup::Modp2048,
        DhGroup::Modp3072,
        DhGroup::Ecp256,
        DhGroup::Ecp384,
        DhGroup::Curve25519,
    ];

    for group in groups {
        let a = KeyExchange::generate(group, &mut SystemRng).unwrap();
        let b = KeyExchange::generate(group, &mut SystemRng).unwrap();

        let ab = a.shared_secret(b.public_value()).unwrap();
        let ba = b.shared_secret(a.public_value()).unwrap();

        assert_eq!(a.public_value().len(), group.public_len(), "{group:?}");
        assert_eq!(ab.len(), group.shared_len(), "{group:?}");
        assert!(ab.ct_eq(ba.as_bytes()), "{group:?}");
        assert_ne!(a.public_value(), b.public_value(), "{group:?}");
    }
}

/// floor(2^bits * pi) by Machin's formula pi = 16 atan(1/5) - 4 atan(1/239), with
/// 64 guard bits.
fn pi_scaled(bits: usize) -> U4096 {
    let scale = bits + 64;
    let pi = arctan_inv(5, scale)
        .wrapping_mul(&U4096::from_u64(16))
        .wrapping_sub(&arctan_inv(239, scale).wrapping_mul(&U4096::from_u64(4)));
    pi.shr_vartime(64)
}

/// atan(1/x) * 2^scale = sum (-1)^n / ((2n + 1) x^(2n + 1)), truncated.
fn arctan_inv(x: u64, scale: usize) -> U4096 {
    let div = |value: &U4096, by: u64| value.div_rem_limb(NonZero::new(Limb::from(by)).unwrap()).0;
    let mut power = div(&U4096::ONE.shl_vartime(scale), x);
    let (mut plus, mut minus) = (U4096::ZERO, U4096::ZERO);

    let mut n = 0u64;
    while power != U4096::ZERO {
        let term = div(&power, 2 * n + 1);
        if n % 2 == 0 {
            plus = plus.wrapping_add(&term);
        } else {
            minus = minus.wrapping_add(&term);
        }
        power = div(&power, x * x);
        n += 1;
    }
    plus.wrapping_sub(&minus)
}

/// p = 2^n - 2^(n-64) - 1 + 2^64 * ( floor(2^(n-130) pi) + offset ), RFC 3526.
fn rfc3526_prime(n: usize, offset: u64) -> Vec<u8> {
    let p = U4096::ONE
        .shl_vartime(n)
        .wrapping_sub(&U4096::ONE.shl_vartime(n - 64))
        .wrapping_sub(&U4096::ONE)
        .wrapping_add(
            &pi_scaled(n - 130)
                .wrapping_add(&U4096::from_u64(offset))
                .shl_vartime(64),
        );

    let bytes: Vec<u8> = p
        .as_words()
        .iter()
        .rev()
        .flat_map(|w| w.to_be_bytes())
        .collect();
    bytes[bytes.len() - n / 8..].to_vec()
}

/// RFC 3526 sections 3 and 4 define the primes by a formula over pi; the embedded
/// constants must equal that formula, computed here from scratch.
#[test]
fn rfc3526_primes_match_their_definition() {
    let p2048 = rfc3526_prime(2048, 124476);
    let p3072 = rfc3526_prime(3072, 1690314);

    assert_eq!(DhGroup::Modp2048.modp_prime().unwrap(), p2048);
    assert_eq!(DhGroup::Modp3072.modp_prime().unwrap(), p3072);
    assert_eq!(&p2048[..8], [0xff; 8]);
    assert_eq!(&p2048[p2048.len() - 8..], [0xff; 8]);
    assert_eq!(&p3072[..8], &unhex("ffffffffffffffff"));
}

/// The generator 2 of the safe-prime groups lies in the subgroup of prime order
/// q = (p - 1) / 2 (p = 7 mod 8), so g^q = 1: computed with our own modexp.
#[test]
fn modp_generator_has_order_q() {
    for group in [DhGroup::Modp2048, DhGroup::Modp3072] {
        let p = group.modp_prime().unwrap();
        let q = halve(&p);

        let kex = KeyExchange::from_private(group, &q).unwrap();

        let mut one = vec![0u8; group.public_len()];
        *one.last_mut().unwrap() = 1;
        assert_eq!(kex.public_value(), one, "{group:?}");
    }
}

/// Floor of a big-endian number divided by two.
fn halve(bytes: &[u8]) -> Vec<u8> {
    let mut carry = 0u8;
    bytes
        .iter()
        .map(|&b| {
            let out = (b >> 1) | (carry << 7);
            carry = b & 1;
            out
        })
        .collect()
}

/// RFC 7296 section 3.4 / NIST SP 800-56A: 1 < y < p - 1.
#[test]
fn modp_rejects_out_of_range_values() {
    let group = DhGroup::Modp2048;
    let kex = KeyExchange::generate(group, &mut TestRng(7)).unwrap();
    let p = group.modp_prime().unwrap();
    let mut p_minus_1 = p.clone();
    *p_minus_1.last_mut().unwrap() -= 1;
    let mut one = vec![0u8; 256];
    one[255] = 1;
    let mut two = one.clone();
    two[255] = 2;

    for bad in [vec![0u8; 256], one, p_minus_1, p, vec![0xff; 256]] {
        assert_eq!(
            kex.shared_secret(&bad).unwrap_err(),
            Error::InvalidKeValue { group }
        );
    }
    assert!(kex.shared_secret(&two).is_ok());
    assert!(matches!(
        kex.shared_secret(&[2u8; 255]),
        Err(Error::InvalidKeLength { .. })
    ));
}

#[test]
fn private_keys_out_of_range_are_refused() {
    let n256 = hex!("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    assert!(KeyExchange::from_private(DhGroup::Ecp256, &[0u8; 32]).is_err());
    assert!(KeyExchange::from_private(DhGroup::Ecp256, &n256).is_err());
    assert!(KeyExchange::from_private(DhGroup::Modp2048, &[1]).is_err());
    assert!(KeyExchange::from_private(DhGroup::Curve25519, &[1u8; 31]).is_err());
}

#[test]
fn group_mismatch_maps_to_invalid_ke_payload() {
    let kex = KeyExchange::generate(DhGroup::Ecp256, &mut SystemRng).unwrap();

    let err = kex.check_group(31).unwrap_err();

    assert!(kex.check_group(19).is_ok());
    assert_eq!(err.notify_type(), Some(17));
}

#[test]
fn debug_output_hides_private_keys() {
    let private = [0x42u8; 32];
    let kex = KeyExchange::from_private(DhGroup::Curve25519, &private).unwrap();
    let secret = Secret::from_slice(&private);

    let kex_debug = format!("{kex:?}");
    let secret_debug = format!("{secret:?}");

    // 0x42 prints as "42" in hex and "66" in decimal.
    for debug in [&kex_debug, &secret_debug] {
        assert!(!debug.contains("42") && !debug.contains("66"), "{debug}");
        assert!(debug.contains("redacted"), "{debug}");
    }
}

#[test]
fn group_ids_round_trip() {
    for id in [14, 15, 19, 20, 31] {
        assert_eq!(DhGroup::from_id(id).unwrap().id(), id);
    }
    assert_eq!(DhGroup::from_id(2), None);
}

/// generate() draws the ECP scalar from the injected RNG and redraws it when it is not
/// below the group order: all-ones first, then RFC 5903 section 8.1's i.
#[test]
fn ecp_generate_redraws_out_of_range_scalars() {
    let i = hex!("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    let gi_x = hex!("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180");
    let mut rng = FixedRng::new(&[[0xff; 32], i].concat());

    let kex = KeyExchange::generate(DhGroup::Ecp256, &mut rng).unwrap();

    assert_eq!(&kex.public_value()[..32], gi_x);
}
