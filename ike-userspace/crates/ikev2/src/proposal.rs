//! Proposals (RFC 7296 sections 2.7 and 3.3): building our SA payloads
//! from the configuration, selecting from the peer's as responder and
//! checking the responder's choice as initiator.
//!
//! Selection prefers our own proposal order (like strongSwan by default);
//! within a matching pair of proposals the peer's transform order decides,
//! except that the D-H group of the peer's KE payload is taken if
//! acceptable (avoiding an INVALID_KE_PAYLOAD round trip, section 1.2).
//! A peer proposal with a transform type that does not belong to its
//! protocol is skipped, as is a transform with attributes other than Key
//! Length (section 3.3.6).

use crate::codec::{
    AttributeType, AttributeValue, DhGroup as DhId, EncrId, EsnId, IntegId, PrfId, Proposal,
    ProtocolId, Sa, Transform, TransformType,
};
use crate::config::{Esn, EspProposal, IkeProposal};
use crate::crypto::{CipherSuite, DhGroup, EncrAlg, IntegAlg, PrfAlg};
use crate::error::{Error, Result};

/// The algorithms of an IKE SA, as selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IkeChoice {
    /// Number of the peer's proposal.
    pub number: u8,
    /// PRF.
    pub prf: PrfAlg,
    /// ENCR and INTEG.
    pub suite: CipherSuite,
    /// D-H group.
    pub dh: DhGroup,
    /// The SPI in the peer's proposal (empty in IKE_SA_INIT, 8 octets when
    /// rekeying, section 3.3.1).
    pub spi: Vec<u8>,
}

/// The algorithms of an ESP Child SA, as selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EspChoice {
    /// Number of the peer's proposal.
    pub number: u8,
    /// ENCR and INTEG.
    pub suite: CipherSuite,
    /// PFS group, if any.
    pub dh: Option<DhGroup>,
    /// ESN.
    pub esn: Esn,
    /// The SPI in the peer's proposal: 4 octets for ESP.
    pub spi: Vec<u8>,
}

/// What the D-H transforms of an ESP proposal must agree with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeMode {
    /// IKE_AUTH: no KE is possible, D-H transforms are ignored (section 1.2).
    Ignore,
    /// CREATE_CHILD_SA without KE: only "no PFS" is acceptable.
    None,
    /// CREATE_CHILD_SA with a KE of this group.
    Group(u16),
}

fn encr_transform(alg: EncrAlg) -> Transform {
    Transform::encr(EncrId(alg.id()), alg.key_bits())
}

/// The config's ENCR list split into AEAD and other ciphers, each part
/// becoming its own proposal (RFC 7296 section 3.3: combined-mode and
/// other ciphers may not share one).
fn split_aead(encr: &[EncrAlg]) -> [Vec<EncrAlg>; 2] {
    let (aead, plain) = encr.iter().partition(|e| e.is_aead());
    [aead, plain]
}

/// Our IKE SA offer: SPI empty in IKE_SA_INIT, 8 octets when rekeying.
pub fn ike_offer(proposals: &[IkeProposal], spi: &[u8]) -> Sa {
    let mut out = Vec::new();
    for p in proposals {
        for encr in split_aead(&p.encr).into_iter().filter(|e| !e.is_empty()) {
            let mut transforms: Vec<Transform> = encr.iter().map(|e| encr_transform(*e)).collect();
            transforms.extend(p.prf.iter().map(|f| Transform::prf(PrfId(f.id()))));
            if !encr[0].is_aead() {
                transforms.extend(p.integ.iter().map(|i| Transform::integ(IntegId(i.id()))));
            }
            transforms.extend(p.dh.iter().map(|g| Transform::dh(DhId(g.id()))));
            out.push(proposal(out.len(), ProtocolId::IKE, spi, transforms));
        }
    }
    Sa { proposals: out }
}

/// Our ESP offer with our inbound SPI; D-H transforms only with `pfs`.
pub fn esp_offer(proposals: &[EspProposal], spi: u32, pfs: bool) -> Sa {
    let mut out = Vec::new();
    for p in proposals {
        for encr in split_aead(&p.encr).into_iter().filter(|e| !e.is_empty()) {
            let mut transforms: Vec<Transform> = encr.iter().map(|e| encr_transform(*e)).collect();
            if !encr[0].is_aead() {
                transforms.extend(p.integ.iter().map(|i| Transform::integ(IntegId(i.id()))));
            }
            if pfs {
                transforms.extend(p.dh.iter().map(|g| Transform::dh(DhId(g.id()))));
            }
            transforms.extend(esn_list(&p.esn).iter().map(|e| Transform::esn(esn_id(*e))));
            out.push(proposal(
                out.len(),
                ProtocolId::ESP,
                &spi.to_be_bytes(),
                transforms,
            ));
        }
    }
    Sa { proposals: out }
}

fn proposal(
    index: usize,
    protocol: ProtocolId,
    spi: &[u8],
    transforms: Vec<Transform>,
) -> Proposal {
    Proposal {
        number: u8::try_from(index + 1).unwrap_or(u8::MAX),
        protocol,
        spi: spi.to_vec(),
        transforms,
        reserved: 0,
    }
}

fn esn_list(esn: &[Esn]) -> &[Esn] {
    if esn.is_empty() {
        &[Esn::No]
    } else {
        esn
    }
}

fn esn_id(esn: Esn) -> EsnId {
    match esn {
        Esn::No => EsnId::NO_ESN,
        Esn::Yes => EsnId::ESN,
    }
}

/// The responder's answer for a selected IKE proposal, with its SPI.
pub fn ike_answer(choice: &IkeChoice, spi: &[u8]) -> Sa {
    let mut transforms = vec![
        encr_transform(choice.suite.encr()),
        Transform::prf(PrfId(choice.prf.id())),
    ];
    if let Some(integ) = choice.suite.integ() {
        transforms.push(Transform::integ(IntegId(integ.id())));
    }
    transforms.push(Transform::dh(DhId(choice.dh.id())));
    let mut p = proposal(0, ProtocolId::IKE, spi, transforms);
    p.number = choice.number;
    Sa { proposals: vec![p] }
}

/// The responder's answer for a selected ESP proposal, with its inbound SPI.
pub fn esp_answer(choice: &EspChoice, spi: u32) -> Sa {
    let mut transforms = vec![encr_transform(choice.suite.encr())];
    if let Some(integ) = choice.suite.integ() {
        transforms.push(Transform::integ(IntegId(integ.id())));
    }
    if let Some(dh) = choice.dh {
        transforms.push(Transform::dh(DhId(dh.id())));
    }
    transforms.push(Transform::esn(esn_id(choice.esn)));
    let mut p = proposal(0, ProtocolId::ESP, &spi.to_be_bytes(), transforms);
    p.number = choice.number;
    Sa { proposals: vec![p] }
}

/// Responder: the first acceptable pair of our proposal and the peer's.
/// `ke` is the group of the peer's KE payload, preferred when acceptable.
pub fn select_ike(local: &[IkeProposal], peer: &Sa, ke: Option<u16>) -> Result<IkeChoice> {
    local
        .iter()
        .find_map(|l| peer.proposals.iter().find_map(|p| match_ike(l, p, ke)))
        .ok_or(Error::NoProposalChosen)
}

/// Responder: the first acceptable ESP proposal pair.
pub fn select_esp(local: &[EspProposal], peer: &Sa, ke: KeMode) -> Result<EspChoice> {
    local
        .iter()
        .find_map(|l| peer.proposals.iter().find_map(|p| match_esp(l, p, ke)))
        .ok_or(Error::NoProposalChosen)
}

/// Initiator: the responder's answer must be one proposal with one
/// transform per type, acceptable to us (section 2.7).
pub fn accept_ike(local: &[IkeProposal], answer: &Sa) -> Result<IkeChoice> {
    single_proposal(answer)?;
    select_ike(local, answer, None)
}

/// Initiator: as [`accept_ike`] for ESP.
pub fn accept_esp(local: &[EspProposal], answer: &Sa, ke: KeMode) -> Result<EspChoice> {
    single_proposal(answer)?;
    select_esp(local, answer, ke)
}

fn single_proposal(answer: &Sa) -> Result<()> {
    let [p] = answer.proposals.as_slice() else {
        return Err(Error::InvalidSyntax("SA answer must hold one proposal"));
    };
    let mut seen = Vec::new();
    for t in &p.transforms {
        if seen.contains(&t.transform_type) {
            return Err(Error::InvalidSyntax("SA answer repeats a transform type"));
        }
        seen.push(t.transform_type);
    }
    Ok(())
}

fn match_ike(local: &IkeProposal, peer: &Proposal, ke: Option<u16>) -> Option<IkeChoice> {
    let types = [
        TransformType::ENCR,
        TransformType::PRF,
        TransformType::INTEG,
        TransformType::DH,
    ];
    if peer.protocol != ProtocolId::IKE || !only_types(peer, &types) {
        return None;
    }

    let prf = of_type(peer, TransformType::PRF)
        .filter_map(|t| PrfAlg::from_id(t.id))
        .find(|p| local.prf.contains(p))?;
    let suite = pick_suite(&local.encr, &local.integ, peer)?;
    let dh = pick_dh(&local.dh, peer, ke)?;
    Some(IkeChoice {
        number: peer.number,
        prf,
        suite,
        dh,
        spi: peer.spi.clone(),
    })
}

fn match_esp(local: &EspProposal, peer: &Proposal, ke: KeMode) -> Option<EspChoice> {
    let types = [
        TransformType::ENCR,
        TransformType::INTEG,
        TransformType::DH,
        TransformType::ESN,
    ];
    if peer.protocol != ProtocolId::ESP || !only_types(peer, &types) || peer.spi.len() != 4 {
        return None;
    }

    let suite = pick_suite(&local.encr, &local.integ, peer)?;
    let dh = match ke {
        KeMode::Ignore => None,
        KeMode::None => {
            let offers_none = of_type(peer, TransformType::DH).next().is_none()
                || of_type(peer, TransformType::DH).any(|t| t.id == DhId::NONE.0);
            (local.dh.is_empty() && offers_none).then_some(None)?
        }
        KeMode::Group(g) => Some(pick_dh(&local.dh, peer, Some(g))?),
    };
    let esn = pick_esn(esn_list(&local.esn), peer)?;
    Some(EspChoice {
        number: peer.number,
        suite,
        dh,
        esn,
        spi: peer.spi.clone(),
    })
}

/// Whether every transform of `peer` is of one of `types` and has no
/// attribute but a TV Key Length.
fn only_types(peer: &Proposal, types: &[TransformType]) -> bool {
    peer.transforms.iter().all(|t| {
        let attrs_ok = t.attributes.iter().all(|a| {
            a.attr_type == AttributeType::KEY_LENGTH && matches!(a.value, AttributeValue::Tv(_))
        });
        types.contains(&t.transform_type) && attrs_ok
    })
}

fn of_type(peer: &Proposal, transform_type: TransformType) -> impl Iterator<Item = &Transform> {
    peer.transforms
        .iter()
        .filter(move |t| t.transform_type == transform_type)
}

/// The first of the peer's ciphers we accept, with an integrity algorithm
/// we accept if it is not AEAD (AEAD takes no INTEG or INTEG NONE).
fn pick_suite(encr: &[EncrAlg], integ: &[IntegAlg], peer: &Proposal) -> Option<CipherSuite> {
    for t in of_type(peer, TransformType::ENCR) {
        let Some(e) = EncrAlg::from_id(t.id, t.key_length()) else {
            continue;
        };
        if !encr.contains(&e) {
            continue;
        }

        let mut integs = of_type(peer, TransformType::INTEG);
        let chosen = if e.is_aead() {
            let none_ok = integs.all(|i| i.id == IntegId::NONE.0);
            if !none_ok {
                continue;
            }
            None
        } else {
            let found = integs
                .filter_map(|i| IntegAlg::from_id(i.id))
                .find(|i| integ.contains(i));
            let Some(found) = found else { continue };
            Some(found)
        };
        return CipherSuite::new(e, chosen).ok();
    }
    None
}

fn pick_dh(local: &[DhGroup], peer: &Proposal, ke: Option<u16>) -> Option<DhGroup> {
    let common: Vec<DhGroup> = of_type(peer, TransformType::DH)
        .filter_map(|t| DhGroup::from_id(t.id))
        .filter(|g| local.contains(g))
        .collect();
    let preferred = ke.and_then(|k| common.iter().find(|g| g.id() == k));
    preferred.or(common.first()).copied()
}

fn pick_esn(local: &[Esn], peer: &Proposal) -> Option<Esn> {
    let offered: Vec<Esn> = of_type(peer, TransformType::ESN)
        .filter_map(|t| match EsnId(t.id) {
            EsnId::NO_ESN => Some(Esn::No),
            EsnId::ESN => Some(Esn::Yes),
            _ => None,
        })
        .collect();
    if of_type(peer, TransformType::ESN).next().is_none() {
        return local.contains(&Esn::No).then_some(Esn::No);
    }
    offered.into_iter().find(|e| local.contains(e))
}
