//! What the library asks the caller to do: send datagrams, install and
//! remove Child SAs in the kernel, and learn about IKE SA life events.

use std::net::SocketAddr;

use crate::config::{ChildLifetime, Identity, Mode};
use crate::crypto::{EncrAlg, EspKeys, IntegAlg};
use crate::error::Error;
use crate::ts::TsRange;

/// Handle of an IKE SA: our own IKE SPI (SPIi when we initiated it, SPIr
/// otherwise). A rekeyed IKE SA gets a new handle ([`Action::IkeSaRekeyed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IkeSaId(pub u64);

impl std::fmt::Display for IkeSaId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Whether a NAT is in the path (RFC 7296 section 2.23), from the
/// NAT_DETECTION_*_IP notifications of IKE_SA_INIT.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NatStatus {
    /// Our address differs from what the peer saw: we are behind a NAT.
    pub local_behind_nat: bool,
    /// The peer's address differs from what it claims: it is behind a NAT.
    pub remote_behind_nat: bool,
}

/// A Child SA pair to install: ESP SAs in both directions.
#[derive(Debug)]
pub struct ChildSa {
    /// The IKE SA that owns it.
    pub ike_sa: IkeSaId,
    /// SPI of the inbound ESP SA (ours, from the SPI allocator).
    pub spi_in: u32,
    /// SPI of the outbound ESP SA (the peer's).
    pub spi_out: u32,
    /// Tunnel or transport.
    pub mode: Mode,
    /// ENCR transform.
    pub encr: EncrAlg,
    /// INTEG transform (`None` for AEAD).
    pub integ: Option<IntegAlg>,
    /// Extended sequence numbers.
    pub esn: bool,
    /// Keys of the inbound SA.
    pub keys_in: EspKeys,
    /// Keys of the outbound SA.
    pub keys_out: EspKeys,
    /// Our traffic selectors.
    pub ts_local: Vec<TsRange>,
    /// The peer's traffic selectors.
    pub ts_remote: Vec<TsRange>,
    /// Lifetimes from the configuration.
    pub lifetime: ChildLifetime,
    /// Inbound SPI of the Child SA this one replaces, for a rekey.
    pub rekeys: Option<u32>,
}

/// Why an IKE SA ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeleteReason {
    /// We deleted it (`delete_ike`).
    Local,
    /// The peer deleted it.
    Peer,
    /// It was replaced by a rekeyed IKE SA.
    Rekeyed,
    /// It failed: timeout, authentication, negotiation.
    Failed(Error),
}

/// One thing for the caller to do or know, in order.
#[derive(Debug)]
pub enum Action {
    /// Send `bytes` from `local` to `remote` over UDP.
    Send {
        /// Our address and port.
        local: SocketAddr,
        /// The peer's address and port.
        remote: SocketAddr,
        /// The IKE message.
        bytes: Vec<u8>,
    },
    /// Install both ESP SAs of a Child SA.
    InstallChild(Box<ChildSa>),
    /// Remove both ESP SAs of a Child SA.
    DeleteChild {
        /// The owning IKE SA.
        ike_sa: IkeSaId,
        /// Inbound SPI.
        spi_in: u32,
        /// Outbound SPI.
        spi_out: u32,
    },
    /// A Child SA could not be created or rekeyed; the IKE SA lives on.
    ChildSaFailed {
        /// The owning IKE SA.
        ike_sa: IkeSaId,
        /// Why (e.g. [`Error::PeerError`] TS_UNACCEPTABLE).
        error: Error,
    },
    /// The IKE SA is authenticated both ways.
    IkeSaEstablished {
        /// The IKE SA.
        ike_sa: IkeSaId,
        /// The peer's authenticated identity.
        peer_id: Identity,
        /// NAT detection result.
        nat: NatStatus,
    },
    /// The IKE SA `old` was rekeyed into `new`, which took over its Child SAs.
    IkeSaRekeyed {
        /// Handle of the old IKE SA, now being deleted.
        old: IkeSaId,
        /// Handle of the new IKE SA.
        new: IkeSaId,
    },
    /// The IKE SA is gone; its Child SAs were deleted just before.
    IkeSaDeleted {
        /// The IKE SA.
        ike_sa: IkeSaId,
        /// Why.
        reason: DeleteReason,
    },
    /// The peer answered a liveness check (RFC 7296 section 2.4).
    LivenessConfirmed {
        /// The IKE SA.
        ike_sa: IkeSaId,
    },
}
