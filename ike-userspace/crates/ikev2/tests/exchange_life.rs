//! Two in-process endpoints run a whole life: IKE_SA_INIT, IKE_AUTH, Child
//! SA rekeys from both sides (with and without PFS), IKE SA rekeys from both
//! sides, liveness checks and the final delete, for representative
//! algorithm combinations that use every supported algorithm.

mod exchange_common;

use exchange_common::*;
use ikev2::config::{Esn, EspProposal, IkeProposal, Mode};
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use ikev2::{Action, DeleteReason, IkeSaId};

/// The latest Child SA of each side, checked to mirror each other.
fn latest_pair(net: &Net) -> (u32, u32) {
    let (a, b) = (net.a.installed(), net.b.installed());
    assert_eq!(a.len(), b.len(), "both sides installed as many Child SAs");
    let (ca, cb) = (a.last().unwrap(), b.last().unwrap());
    assert_mirrored(ca, cb);
    (ca.spi_in, cb.spi_in)
}

fn rekeyed(side: &exchange_common::Side) -> Vec<(IkeSaId, IkeSaId)> {
    side.events
        .iter()
        .filter_map(|e| match e {
            Action::IkeSaRekeyed { old, new } => Some((*old, *new)),
            _ => None,
        })
        .collect()
}

fn liveness(side: &exchange_common::Side) -> usize {
    side.events
        .iter()
        .filter(|e| matches!(e, Action::LivenessConfirmed { .. }))
        .count()
}

/// Rekeys the Child SA from A (`by_a`) or B and checks the replacement.
fn rekey_child(net: &mut Net, by_a: bool) {
    let (old_a, old_b) = latest_pair(net);
    let deleted_before = net.a.deleted_children().len();
    let old = if by_a { old_a } else { old_b };
    net.command(by_a, |ep, now| ep.rekey_child(now, old));

    let (new_a, new_b) = latest_pair(net);
    assert_ne!(new_a, old_a);
    let a = net.a.installed();
    let b = net.b.installed();
    assert_eq!(a.last().unwrap().rekeys, Some(old_a));
    assert_eq!(b.last().unwrap().rekeys, Some(old_b));
    let (prev, last) = (&a[a.len() - 2], a[a.len() - 1]);
    assert_ne!(prev.keys_out.encr.as_bytes(), last.keys_out.encr.as_bytes());
    assert_eq!(net.a.deleted_children().len(), deleted_before + 1);
    assert_eq!(net.a.deleted_children().last(), Some(&(old_a, old_b)));
    assert_eq!(net.b.deleted_children().last(), Some(&(old_b, old_a)));
    assert_ne!((new_a, new_b), (old_a, old_b));
}

/// Rekeys the IKE SA from A or B; returns the new handles (A's, B's).
fn rekey_ike(net: &mut Net, ids: (IkeSaId, IkeSaId), by_a: bool) -> (IkeSaId, IkeSaId) {
    let children_deleted = (
        net.a.deleted_children().len(),
        net.b.deleted_children().len(),
    );
    let id = if by_a { ids.0 } else { ids.1 };
    net.command(by_a, |ep, now| ep.rekey_ike(now, id));

    let (old_a, new_a) = *rekeyed(&net.a).last().unwrap();
    let (old_b, new_b) = *rekeyed(&net.b).last().unwrap();
    assert_eq!((old_a, old_b), ids);
    assert_eq!(
        net.a.deleted().last(),
        Some(&(old_a, DeleteReason::Rekeyed))
    );
    assert_eq!(
        net.b.deleted().last(),
        Some(&(old_b, DeleteReason::Rekeyed))
    );
    assert_eq!(
        (
            net.a.deleted_children().len(),
            net.b.deleted_children().len()
        ),
        children_deleted,
        "the Child SAs move to the new IKE SA"
    );
    assert_eq!(net.a.ep.ike_sas(), vec![new_a]);
    assert_eq!(net.b.ep.ike_sas(), vec![new_b]);
    (new_a, new_b)
}

fn whole_life(ike: IkeProposal, esp: EspProposal) {
    let mut net = Net::new(config('b', ike.clone(), esp.clone()));
    let a_id = net.initiate(config('a', ike, esp));
    net.pump();

    assert_eq!(net.a.established(), vec![a_id]);
    let b_id = net.b.established()[0];
    let (first_a, _) = latest_pair(&net);
    let first = net.a.installed()[0];
    assert_eq!(first.ts_local, vec![subnet("10.1.0.0/16")]);
    assert_eq!(first.ts_remote, vec![subnet("10.2.0.0/16")]);
    assert_eq!(first.mode, Mode::Tunnel);
    assert!(first.lifetime.soft_time.is_some());

    rekey_child(&mut net, true);
    rekey_child(&mut net, false);
    let ids = rekey_ike(&mut net, (a_id, b_id), true);
    rekey_child(&mut net, true);
    let ids = rekey_ike(&mut net, ids, false);
    rekey_child(&mut net, false);

    net.command(true, |ep, now| ep.liveness_check(now, ids.0));
    net.command(false, |ep, now| ep.liveness_check(now, ids.1));
    assert_eq!((liveness(&net.a), liveness(&net.b)), (1, 1));

    let (live_a, live_b) = latest_pair(&net);
    net.command(true, |ep, now| ep.delete_ike(now, ids.0));
    assert_eq!(net.a.deleted().last(), Some(&(ids.0, DeleteReason::Local)));
    assert_eq!(net.b.deleted().last(), Some(&(ids.1, DeleteReason::Peer)));
    assert_eq!(net.a.deleted_children().last(), Some(&(live_a, live_b)));
    assert_eq!(net.b.deleted_children().last(), Some(&(live_b, live_a)));
    assert!(net.a.ep.ike_sas().is_empty() && net.b.ep.ike_sas().is_empty());
    assert_eq!(net.a.installed().len(), 5);
    assert_eq!(net.a.deleted_children().len(), 5);
    assert_eq!(net.b.deleted_children().len(), 5);
    assert_ne!(first_a, live_a);
    assert_eq!(
        net.a.ep.counters().dropped_icv + net.b.ep.counters().dropped_icv,
        0
    );
}

use EncrAlg::*;
use IntegAlg::*;
use PrfAlg::*;

#[test]
fn life_gcm128_sha256_modp2048_esp_gcm128_no_pfs() {
    whole_life(
        ike_proposal(AesGcm16_128, None, HmacSha2_256, DhGroup::Modp2048),
        esp_proposal(AesGcm16_128, None, None, Esn::No),
    );
}

#[test]
fn life_gcm256_sha384_p256_esp_gcm256_pfs_x25519() {
    whole_life(
        ike_proposal(AesGcm16_256, None, HmacSha2_384, DhGroup::Ecp256),
        esp_proposal(AesGcm16_256, None, Some(DhGroup::Curve25519), Esn::No),
    );
}

#[test]
fn life_chacha_sha512_x25519_esp_chacha_pfs_p384() {
    whole_life(
        ike_proposal(ChaCha20Poly1305, None, HmacSha2_512, DhGroup::Curve25519),
        esp_proposal(ChaCha20Poly1305, None, Some(DhGroup::Ecp384), Esn::Yes),
    );
}

#[test]
fn life_cbc128_sha256_p384_esp_cbc128_sha384_esn() {
    whole_life(
        ike_proposal(
            AesCbc128,
            Some(HmacSha2_256_128),
            HmacSha2_256,
            DhGroup::Ecp384,
        ),
        esp_proposal(AesCbc128, Some(HmacSha2_384_192), None, Esn::Yes),
    );
}

#[test]
fn life_cbc256_sha384_modp3072_esp_cbc256_sha512_pfs_modp2048() {
    whole_life(
        ike_proposal(
            AesCbc256,
            Some(HmacSha2_384_192),
            HmacSha2_384,
            DhGroup::Modp3072,
        ),
        esp_proposal(
            AesCbc256,
            Some(HmacSha2_512_256),
            Some(DhGroup::Modp2048),
            Esn::No,
        ),
    );
}

#[test]
fn life_cbc256_sha512_p256_esp_cbc128_sha256_pfs_p256() {
    whole_life(
        ike_proposal(
            AesCbc256,
            Some(HmacSha2_512_256),
            HmacSha2_512,
            DhGroup::Ecp256,
        ),
        esp_proposal(
            AesCbc128,
            Some(HmacSha2_256_128),
            Some(DhGroup::Ecp256),
            Esn::No,
        ),
    );
}
