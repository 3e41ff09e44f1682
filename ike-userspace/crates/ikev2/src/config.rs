//! Plain configuration data the daemon fills from its configuration file:
//! proposals, identities, credentials, traffic selectors and lifetimes.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::Credentials;
use crate::codec::{IdType, Identification};
use crate::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use crate::error::{Error, Result};
use crate::time::RetransmitPolicy;
use crate::ts::TsRange;

/// An IKE identity (RFC 7296 section 3.5) of the types this crate supports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// ID_IPV4_ADDR.
    Ipv4(Ipv4Addr),
    /// ID_IPV6_ADDR.
    Ipv6(Ipv6Addr),
    /// ID_FQDN, e.g. `vpn.example.com`.
    Fqdn(String),
    /// ID_RFC822_ADDR, e.g. `alice@example.com`.
    Rfc822(String),
    /// ID_KEY_ID: opaque octets.
    KeyId(Vec<u8>),
}

impl Identity {
    /// The ID payload body for this identity.
    pub fn to_payload(&self) -> Identification {
        let (id_type, data) = match self {
            Identity::Ipv4(a) => (IdType::IPV4_ADDR, a.octets().to_vec()),
            Identity::Ipv6(a) => (IdType::IPV6_ADDR, a.octets().to_vec()),
            Identity::Fqdn(s) => (IdType::FQDN, s.as_bytes().to_vec()),
            Identity::Rfc822(s) => (IdType::RFC822_ADDR, s.as_bytes().to_vec()),
            Identity::KeyId(k) => (IdType::KEY_ID, k.clone()),
        };
        Identification::new(id_type, data)
    }

    /// The identity in a received ID payload. Unsupported types and
    /// malformed data are [`Error::AuthenticationFailed`]: such a peer
    /// cannot be authenticated (RFC 7296 section 2.21.2).
    pub fn from_payload(id: &Identification) -> Result<Self> {
        let text = || String::from_utf8(id.data.clone()).map_err(|_| Error::AuthenticationFailed);
        match id.id_type {
            IdType::IPV4_ADDR => <[u8; 4]>::try_from(id.data.as_slice())
                .map(|a| Identity::Ipv4(a.into()))
                .map_err(|_| Error::AuthenticationFailed),
            IdType::IPV6_ADDR => <[u8; 16]>::try_from(id.data.as_slice())
                .map(|a| Identity::Ipv6(a.into()))
                .map_err(|_| Error::AuthenticationFailed),
            IdType::FQDN => text().map(Identity::Fqdn),
            IdType::RFC822_ADDR => text().map(Identity::Rfc822),
            IdType::KEY_ID => Ok(Identity::KeyId(id.data.clone())),
            _ => Err(Error::AuthenticationFailed),
        }
    }
}

/// One IKE SA proposal (RFC 7296 section 3.3): any combination of the
/// listed algorithms is acceptable. AEAD and non-AEAD ciphers may be
/// mixed; they are sent as separate proposals (section 3.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IkeProposal {
    /// Encryption algorithms, most preferred first.
    pub encr: Vec<EncrAlg>,
    /// Integrity algorithms for the non-AEAD ciphers.
    pub integ: Vec<IntegAlg>,
    /// Pseudorandom functions.
    pub prf: Vec<PrfAlg>,
    /// Diffie-Hellman groups; the first one's KE is sent first.
    pub dh: Vec<DhGroup>,
}

/// Extended Sequence Numbers choice of an ESP proposal (section 3.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Esn {
    /// 32-bit sequence numbers.
    No,
    /// 64-bit extended sequence numbers.
    Yes,
}

/// One ESP proposal (RFC 7296 section 3.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EspProposal {
    /// Encryption algorithms.
    pub encr: Vec<EncrAlg>,
    /// Integrity algorithms for the non-AEAD ciphers.
    pub integ: Vec<IntegAlg>,
    /// D-H groups for perfect forward secrecy in CREATE_CHILD_SA; empty for
    /// no PFS. Never used in IKE_AUTH, which has no KE (section 1.2).
    pub dh: Vec<DhGroup>,
    /// ESN choices.
    pub esn: Vec<Esn>,
}

/// IPsec mode of a Child SA (RFC 7296 section 1.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Tunnel mode (the default).
    #[default]
    Tunnel,
    /// Transport mode, negotiated with USE_TRANSPORT_MODE.
    Transport,
}

/// Lifetimes of a Child SA, handed to the kernel with the keys: the
/// daemon calls `rekey_child` on the soft expiry the kernel reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ChildLifetime {
    /// Rekey after this long.
    pub soft_time: Option<Duration>,
    /// Delete after this long.
    pub hard_time: Option<Duration>,
    /// Rekey after this many bytes.
    pub soft_bytes: Option<u64>,
    /// Delete after this many bytes.
    pub hard_bytes: Option<u64>,
}

/// The Child SA (ESP) part of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildConfig {
    /// ESP proposals, most preferred first.
    pub proposals: Vec<EspProposal>,
    /// Our side's traffic (TSi when we initiate).
    pub local_ts: Vec<TsRange>,
    /// The peer's side's traffic.
    pub remote_ts: Vec<TsRange>,
    /// Tunnel or transport mode.
    pub mode: Mode,
    /// Lifetimes for the kernel.
    pub lifetime: ChildLifetime,
}

/// One connection: everything needed to set up or accept an IKE SA and
/// its first Child SA.
#[derive(Clone, Debug)]
pub struct IkeConfig {
    /// A name for logs and actions.
    pub name: String,
    /// Our identity, sent in IDi or IDr.
    pub local_id: Identity,
    /// The peer identity we require (and send as IDr when initiating);
    /// `None` accepts whatever identity the credentials accept.
    pub remote_id: Option<Identity>,
    /// Credentials for the AUTH payloads.
    pub credentials: Arc<dyn Credentials>,
    /// IKE SA proposals, most preferred first.
    pub proposals: Vec<IkeProposal>,
    /// The Child SA.
    pub child: ChildConfig,
    /// Rekey the IKE SA this long after it was established.
    pub ike_rekey_after: Option<Duration>,
    /// Retransmission of our requests.
    pub retransmit: RetransmitPolicy,
}
