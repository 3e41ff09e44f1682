//! Proposal strings in the strongSwan style (`aes256gcm16-prfsha384-x25519`,
//! `aes256-sha256-modp2048`, `aes128gcm16-esn`) to the protocol library's proposals, and
//! negotiated algorithms back to such strings for display.

use ikev2::config::{Esn, EspProposal, IkeProposal};
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};

/// One keyword of a proposal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Encr(EncrAlg),
    Integ(IntegAlg),
    Prf(PrfAlg),
    Dh(DhGroup),
    Esn(Esn),
}

/// A proposal string that does not describe a usable proposal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    /// A keyword is not an algorithm this daemon knows.
    #[error("unknown algorithm keyword {0:?}")]
    UnknownKeyword(String),
    /// A keyword is known but does not belong in this kind of proposal.
    #[error("{keyword:?} is not allowed in {kind} proposals")]
    Misplaced {
        /// The keyword.
        keyword: String,
        /// `IKE` or `ESP`.
        kind: &'static str,
    },
    /// No encryption algorithm.
    #[error("proposal has no encryption algorithm")]
    NoEncryption,
    /// A non-AEAD cipher without an integrity algorithm.
    #[error("a non-AEAD cipher (aes128, aes256) needs an integrity algorithm (sha256, ...)")]
    NoIntegrity,
    /// An IKE proposal without a key exchange method.
    #[error("IKE proposal has no key exchange method (x25519, ecp256, modp2048, ...)")]
    NoKeyExchange,
}

/// The keyword table: every name a proposal string may use.
const KEYWORDS: &[(&str, Token)] = &[
    ("aes128", Token::Encr(EncrAlg::AesCbc128)),
    ("aes256", Token::Encr(EncrAlg::AesCbc256)),
    ("aes128gcm16", Token::Encr(EncrAlg::AesGcm16_128)),
    ("aes128gcm128", Token::Encr(EncrAlg::AesGcm16_128)),
    ("aes256gcm16", Token::Encr(EncrAlg::AesGcm16_256)),
    ("aes256gcm128", Token::Encr(EncrAlg::AesGcm16_256)),
    ("chacha20poly1305", Token::Encr(EncrAlg::ChaCha20Poly1305)),
    ("sha256", Token::Integ(IntegAlg::HmacSha2_256_128)),
    ("sha2_256", Token::Integ(IntegAlg::HmacSha2_256_128)),
    ("sha384", Token::Integ(IntegAlg::HmacSha2_384_192)),
    ("sha2_384", Token::Integ(IntegAlg::HmacSha2_384_192)),
    ("sha512", Token::Integ(IntegAlg::HmacSha2_512_256)),
    ("sha2_512", Token::Integ(IntegAlg::HmacSha2_512_256)),
    ("prfsha256", Token::Prf(PrfAlg::HmacSha2_256)),
    ("prfsha384", Token::Prf(PrfAlg::HmacSha2_384)),
    ("prfsha512", Token::Prf(PrfAlg::HmacSha2_512)),
    ("modp2048", Token::Dh(DhGroup::Modp2048)),
    ("modp3072", Token::Dh(DhGroup::Modp3072)),
    ("ecp256", Token::Dh(DhGroup::Ecp256)),
    ("ecp384", Token::Dh(DhGroup::Ecp384)),
    ("x25519", Token::Dh(DhGroup::Curve25519)),
    ("curve25519", Token::Dh(DhGroup::Curve25519)),
    ("esn", Token::Esn(Esn::Yes)),
    ("noesn", Token::Esn(Esn::No)),
];

/// The key exchange methods of the `default` keyword, most preferred first.
const DEFAULT_DH: [DhGroup; 5] = [
    DhGroup::Curve25519,
    DhGroup::Ecp256,
    DhGroup::Ecp384,
    DhGroup::Modp3072,
    DhGroup::Modp2048,
];

const DEFAULT_PRF: [PrfAlg; 3] = [
    PrfAlg::HmacSha2_256,
    PrfAlg::HmacSha2_384,
    PrfAlg::HmacSha2_512,
];

const DEFAULT_INTEG: [IntegAlg; 3] = [
    IntegAlg::HmacSha2_256_128,
    IntegAlg::HmacSha2_384_192,
    IntegAlg::HmacSha2_512_256,
];

const DEFAULT_AEAD: [EncrAlg; 3] = [
    EncrAlg::AesGcm16_128,
    EncrAlg::AesGcm16_256,
    EncrAlg::ChaCha20Poly1305,
];

const DEFAULT_CBC: [EncrAlg; 2] = [EncrAlg::AesCbc128, EncrAlg::AesCbc256];

/// Splits a proposal string into tokens.
fn tokens(text: &str) -> Result<Vec<Token>, ProposalError> {
    text.split('-')
        .map(|word| {
            let lower = word.trim().to_ascii_lowercase();
            KEYWORDS
                .iter()
                .find(|(name, _)| *name == lower)
                .map(|(_, token)| *token)
                .ok_or_else(|| ProposalError::UnknownKeyword(word.to_owned()))
        })
        .collect()
}

fn push<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The IKE proposals of one string; `default` gives the built-in set.
///
/// Without a `prf...` keyword the PRFs follow the integrity algorithms (`sha256` gives
/// `prfsha256`); with only AEAD ciphers the integrity keywords name the PRFs, and with none
/// at all the default PRFs are offered.
pub fn parse_ike(text: &str) -> Result<Vec<IkeProposal>, ProposalError> {
    if text.trim() == "default" {
        return Ok(default_ike());
    }

    let mut p = IkeProposal {
        encr: vec![],
        integ: vec![],
        prf: vec![],
        dh: vec![],
    };
    for token in tokens(text)? {
        match token {
            Token::Encr(e) => push(&mut p.encr, e),
            Token::Integ(i) => push(&mut p.integ, i),
            Token::Prf(f) => push(&mut p.prf, f),
            Token::Dh(g) => push(&mut p.dh, g),
            Token::Esn(_) => return Err(misplaced(text, token, "IKE")),
        }
    }

    complete_ike(p).map(|p| vec![p])
}

fn complete_ike(mut p: IkeProposal) -> Result<IkeProposal, ProposalError> {
    if p.encr.is_empty() {
        return Err(ProposalError::NoEncryption);
    }
    if p.dh.is_empty() {
        return Err(ProposalError::NoKeyExchange);
    }

    let all_aead = p.encr.iter().all(|e| e.is_aead());
    if p.prf.is_empty() {
        p.prf = p.integ.iter().map(|i| prf_for(*i)).collect();
    }
    if p.prf.is_empty() {
        p.prf = DEFAULT_PRF.to_vec();
    }
    if all_aead {
        p.integ.clear();
    } else if p.integ.is_empty() {
        return Err(ProposalError::NoIntegrity);
    }
    Ok(p)
}

/// The PRF of the same hash as an integrity algorithm.
fn prf_for(integ: IntegAlg) -> PrfAlg {
    match integ {
        IntegAlg::HmacSha2_256_128 => PrfAlg::HmacSha2_256,
        IntegAlg::HmacSha2_384_192 => PrfAlg::HmacSha2_384,
        IntegAlg::HmacSha2_512_256 => PrfAlg::HmacSha2_512,
    }
}

/// The ESP proposals of one string; `default` gives the built-in set. A key exchange method
/// asks for perfect forward secrecy when the Child SA is rekeyed. Without `esn`/`noesn`,
/// 32-bit sequence numbers are proposed.
pub fn parse_esp(text: &str) -> Result<Vec<EspProposal>, ProposalError> {
    if text.trim() == "default" {
        return Ok(default_esp());
    }

    let mut p = EspProposal {
        encr: vec![],
        integ: vec![],
        dh: vec![],
        esn: vec![],
    };
    for token in tokens(text)? {
        match token {
            Token::Encr(e) => push(&mut p.encr, e),
            Token::Integ(i) => push(&mut p.integ, i),
            Token::Dh(g) => push(&mut p.dh, g),
            Token::Esn(e) => push(&mut p.esn, e),
            Token::Prf(_) => return Err(misplaced(text, token, "ESP")),
        }
    }

    complete_esp(p).map(|p| vec![p])
}

fn complete_esp(mut p: EspProposal) -> Result<EspProposal, ProposalError> {
    if p.encr.is_empty() {
        return Err(ProposalError::NoEncryption);
    }
    if p.esn.is_empty() {
        p.esn.push(Esn::No);
    }

    if p.encr.iter().all(|e| e.is_aead()) {
        p.integ.clear();
    } else if p.integ.is_empty() {
        return Err(ProposalError::NoIntegrity);
    }
    Ok(p)
}

fn misplaced(text: &str, token: Token, kind: &'static str) -> ProposalError {
    let keyword = text
        .split('-')
        .find(|w| tokens(w).ok().as_deref() == Some(&[token]))
        .unwrap_or(text)
        .to_owned();
    ProposalError::Misplaced { keyword, kind }
}

/// The built-in IKE proposals: AEAD ciphers first, then AES-CBC with HMAC-SHA-2.
pub fn default_ike() -> Vec<IkeProposal> {
    [DEFAULT_AEAD.to_vec(), DEFAULT_CBC.to_vec()]
        .into_iter()
        .map(|encr| IkeProposal {
            integ: if encr[0].is_aead() {
                vec![]
            } else {
                DEFAULT_INTEG.to_vec()
            },
            encr,
            prf: DEFAULT_PRF.to_vec(),
            dh: DEFAULT_DH.to_vec(),
        })
        .collect()
}

/// The built-in ESP proposals: AEAD ciphers first, then AES-CBC with HMAC-SHA-2; no PFS,
/// no ESN.
pub fn default_esp() -> Vec<EspProposal> {
    [DEFAULT_AEAD.to_vec(), DEFAULT_CBC.to_vec()]
        .into_iter()
        .map(|encr| EspProposal {
            integ: if encr[0].is_aead() {
                vec![]
            } else {
                DEFAULT_INTEG.to_vec()
            },
            encr,
            dh: vec![],
            esn: vec![Esn::No],
        })
        .collect()
}

/// The keyword of a value, as the first entry of the table that has it.
fn keyword(token: Token) -> &'static str {
    KEYWORDS
        .iter()
        .find(|(_, t)| *t == token)
        .map_or("?", |(name, _)| name)
}

/// Negotiated IKE algorithms as a proposal string, e.g. `aes128gcm16-prfsha256-x25519`.
pub fn ike_name(encr: EncrAlg, integ: Option<IntegAlg>, prf: PrfAlg, dh: DhGroup) -> String {
    let mut words = vec![keyword(Token::Encr(encr))];
    words.extend(integ.map(|i| keyword(Token::Integ(i))));
    words.push(keyword(Token::Prf(prf)));
    words.push(keyword(Token::Dh(dh)));
    words.join("-")
}

/// Negotiated ESP algorithms as a proposal string, e.g. `aes256-sha256-esn`.
pub fn esp_name(encr: EncrAlg, integ: Option<IntegAlg>, esn: bool) -> String {
    let mut words = vec![keyword(Token::Encr(encr))];
    words.extend(integ.map(|i| keyword(Token::Integ(i))));
    words.push(if esn { "esn" } else { "noesn" });
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ike(text: &str) -> IkeProposal {
        let mut list = parse_ike(text).unwrap();
        assert_eq!(list.len(), 1);
        list.remove(0)
    }

    fn esp(text: &str) -> EspProposal {
        let mut list = parse_esp(text).unwrap();
        assert_eq!(list.len(), 1);
        list.remove(0)
    }

    #[test]
    fn aead_ike_proposal_with_explicit_prf() {
        let p = ike("aes256gcm16-prfsha384-x25519");

        assert_eq!(p.encr, [EncrAlg::AesGcm16_256]);
        assert!(p.integ.is_empty());
        assert_eq!(p.prf, [PrfAlg::HmacSha2_384]);
        assert_eq!(p.dh, [DhGroup::Curve25519]);
    }

    #[test]
    fn aead_ike_proposal_without_prf_offers_default_prfs() {
        let p = ike("aes128gcm16-x25519");

        assert_eq!(p.encr, [EncrAlg::AesGcm16_128]);
        assert_eq!(p.prf, DEFAULT_PRF);
    }

    #[test]
    fn cbc_ike_proposal_derives_prf_from_integrity() {
        let p = ike("aes256-sha256-modp2048");

        assert_eq!(p.encr, [EncrAlg::AesCbc256]);
        assert_eq!(p.integ, [IntegAlg::HmacSha2_256_128]);
        assert_eq!(p.prf, [PrfAlg::HmacSha2_256]);
        assert_eq!(p.dh, [DhGroup::Modp2048]);
    }

    #[test]
    fn aead_ike_proposal_takes_integrity_keyword_as_prf() {
        let p = ike("aes128gcm16-sha384-ecp384");

        assert!(p.integ.is_empty());
        assert_eq!(p.prf, [PrfAlg::HmacSha2_384]);
    }

    #[test]
    fn chacha_proposal_with_several_groups_keeps_order() {
        let p = ike("chacha20poly1305-prfsha256-ecp256-x25519-modp3072");

        assert_eq!(p.encr, [EncrAlg::ChaCha20Poly1305]);
        assert_eq!(
            p.dh,
            [DhGroup::Ecp256, DhGroup::Curve25519, DhGroup::Modp3072]
        );
    }

    #[test]
    fn esp_proposals() {
        assert_eq!(esp("aes128gcm16").encr, [EncrAlg::AesGcm16_128]);
        assert_eq!(esp("aes128gcm16").esn, [Esn::No]);
        assert_eq!(esp("aes256-sha256").integ, [IntegAlg::HmacSha2_256_128]);
        assert_eq!(esp("chacha20poly1305-esn").esn, [Esn::Yes]);
        assert_eq!(esp("aes128gcm16-esn-noesn").esn, [Esn::Yes, Esn::No]);
        assert_eq!(esp("aes256gcm16-x25519").dh, [DhGroup::Curve25519]);
        assert!(esp("aes256gcm16").dh.is_empty());
    }

    #[test]
    fn keywords_are_case_insensitive() {
        assert_eq!(ike("AES128GCM16-X25519"), ike("aes128gcm16-x25519"));
    }

    #[test]
    fn bad_proposals() {
        assert_eq!(
            parse_ike("aes128gcm16-x25518"),
            Err(ProposalError::UnknownKeyword("x25518".into()))
        );
        assert_eq!(parse_ike("aes128-x25519"), Err(ProposalError::NoIntegrity));
        assert_eq!(parse_ike("aes128gcm16"), Err(ProposalError::NoKeyExchange));
        assert_eq!(parse_ike("sha256-x25519"), Err(ProposalError::NoEncryption));
        assert_eq!(
            parse_ike("aes128gcm16-x25519-esn"),
            Err(ProposalError::Misplaced {
                keyword: "esn".into(),
                kind: "IKE"
            })
        );
        assert_eq!(
            parse_esp("aes128gcm16-prfsha256"),
            Err(ProposalError::Misplaced {
                keyword: "prfsha256".into(),
                kind: "ESP"
            })
        );
        assert_eq!(parse_esp("aes256"), Err(ProposalError::NoIntegrity));
        assert_eq!(
            parse_esp(""),
            Err(ProposalError::UnknownKeyword(String::new()))
        );
    }

    #[test]
    fn defaults_split_aead_and_cbc() {
        let ike = default_ike();
        let esp = default_esp();

        assert_eq!(ike.len(), 2);
        assert!(ike[0].encr.iter().all(|e| e.is_aead()) && ike[0].integ.is_empty());
        assert!(ike[1].encr.iter().all(|e| !e.is_aead()) && !ike[1].integ.is_empty());
        assert_eq!(esp.len(), 2);
        assert!(esp.iter().all(|p| p.dh.is_empty() && p.esn == [Esn::No]));
        assert_eq!(parse_ike("default").unwrap(), ike);
    }

    #[test]
    fn names_round_trip_through_the_parser() {
        let name = ike_name(
            EncrAlg::AesCbc256,
            Some(IntegAlg::HmacSha2_256_128),
            PrfAlg::HmacSha2_256,
            DhGroup::Modp2048,
        );
        let esp_text = esp_name(EncrAlg::AesGcm16_128, None, true);

        assert_eq!(name, "aes256-sha256-prfsha256-modp2048");
        assert_eq!(ike(&name).encr, [EncrAlg::AesCbc256]);
        assert_eq!(esp_text, "aes128gcm16-esn");
        assert_eq!(esp(&esp_text).esn, [Esn::Yes]);
    }
}
