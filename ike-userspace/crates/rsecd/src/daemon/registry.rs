//! What the daemon knows about each IKE SA and Child SA beyond the protocol library's
//! handles: connection, addresses, algorithms, times; and its rendering for `list-sas`.

use std::net::SocketAddr;
use std::time::Instant;

use ikev2::codec::{ExchangeType, Header, HeaderFlags, Message, PayloadBody, TransformType};
use ikev2::config::Identity;
use ikev2::crypto::{DhGroup, EncrAlg, IntegAlg, PrfAlg};
use ikev2::ts::TsRange;
use ikev2::IkeSaId;
use rsec_control::{ChildSaInfo, IkeSaInfo};

use crate::backend::{Dir, SaCounters, SaKey};
use crate::config::value;
use crate::proposal;

/// Where an IKE SA is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IkeState {
    /// IKE_SA_INIT/IKE_AUTH under way.
    Connecting,
    /// Authenticated.
    Established,
    /// Being deleted.
    Deleting,
}

/// One Child SA.
#[derive(Clone, Debug)]
pub struct ChildEntry {
    pub name: String,
    pub interface: String,
    pub spi_in: u32,
    pub spi_out: u32,
    pub algorithms: String,
    pub local_ts: Vec<TsRange>,
    pub remote_ts: Vec<TsRange>,
    pub installed: Instant,
    pub rekey_at: Option<Instant>,
    /// Replaced by a rekey, waiting for its deletion.
    pub rekeyed: bool,
    /// The two kernel SAs.
    pub key_in: SaKey,
    pub key_out: SaKey,
}

/// One IKE SA.
#[derive(Clone, Debug)]
pub struct IkeEntry {
    pub id: IkeSaId,
    pub connection: String,
    pub initiator: bool,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: IkeState,
    pub local_id: Identity,
    pub peer_id: Option<Identity>,
    /// The peer's IKE SPI, once seen.
    pub peer_spi: Option<u64>,
    pub algorithms: Option<String>,
    pub established: Option<Instant>,
    /// How long after establishment the library rekeys it.
    pub rekey_after: Option<std::time::Duration>,
    pub rekey_at: Option<Instant>,
    /// Deleted if still alive then (rekey time plus over time).
    pub expire_at: Option<Instant>,
    /// Last time the peer was heard from, for DPD.
    pub last_seen: Instant,
    pub children: Vec<ChildEntry>,
}

impl IkeEntry {
    /// The `list-sas` form; `counters` reads the kernel's counters of one SA.
    pub fn info(&self, now: Instant, counters: &mut dyn FnMut(&SaKey) -> SaCounters) -> IkeSaInfo {
        let peer = self.peer_spi.unwrap_or(0);
        let (spi_i, spi_r) = if self.initiator {
            (self.id.0, peer)
        } else {
            (peer, self.id.0)
        };
        IkeSaInfo {
            connection: self.connection.clone(),
            id: self.id.to_string(),
            state: state_name(self.state).to_owned(),
            initiator: self.initiator,
            local: self.local.to_string(),
            remote: self.remote.to_string(),
            local_id: value::identity_text(&self.local_id),
            remote_id: self.peer_id.as_ref().map(value::identity_text),
            spi_i: format!("{spi_i:016x}"),
            spi_r: format!("{spi_r:016x}"),
            algorithms: self.algorithms.clone(),
            established_secs: self
                .established
                .map(|t| now.saturating_duration_since(t).as_secs()),
            rekey_in_secs: self
                .rekey_at
                .map(|t| t.saturating_duration_since(now).as_secs()),
            children: self
                .children
                .iter()
                .map(|c| c.info(now, counters))
                .collect(),
        }
    }
}

impl ChildEntry {
    fn info(&self, now: Instant, counters: &mut dyn FnMut(&SaKey) -> SaCounters) -> ChildSaInfo {
        let c_in = counters(&self.key_in);
        let c_out = counters(&self.key_out);
        ChildSaInfo {
            name: self.name.clone(),
            state: if self.rekeyed { "rekeyed" } else { "installed" }.to_owned(),
            spi_in: self.spi_in,
            spi_out: self.spi_out,
            algorithms: self.algorithms.clone(),
            interface: self.interface.clone(),
            local_ts: self.local_ts.iter().map(value::ts_text).collect(),
            remote_ts: self.remote_ts.iter().map(value::ts_text).collect(),
            bytes_in: c_in.bytes,
            packets_in: c_in.packets,
            bytes_out: c_out.bytes,
            packets_out: c_out.packets,
            installed_secs: now.saturating_duration_since(self.installed).as_secs(),
            rekey_in_secs: self
                .rekey_at
                .map(|t| t.saturating_duration_since(now).as_secs()),
        }
    }

    /// The kernel key of one direction.
    pub fn key(&self, dir: Dir) -> SaKey {
        match dir {
            Dir::In => self.key_in,
            Dir::Out => self.key_out,
        }
    }
}

fn state_name(state: IkeState) -> &'static str {
    match state {
        IkeState::Connecting => "connecting",
        IkeState::Established => "established",
        IkeState::Deleting => "deleting",
    }
}

/// What an unencrypted IKE_SA_INIT response tells about its IKE SA: both SPIs and the
/// chosen algorithms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitInfo {
    pub spi_i: u64,
    pub spi_r: u64,
    pub algorithms: Option<String>,
}

/// Reads an IKE_SA_INIT response (sent or received); `None` for any other message.
pub fn init_response_info(bytes: &[u8]) -> Option<InitInfo> {
    let header = Header::peek(bytes).ok()?;
    let is_init_response = header.exchange_type == ExchangeType::IKE_SA_INIT
        && header.flags.contains(HeaderFlags::RESPONSE)
        && header.spi_r != 0;
    if !is_init_response {
        return None;
    }

    let message = Message::decode(bytes).ok()?;
    let algorithms = message.payloads.iter().find_map(|p| match &p.body {
        PayloadBody::Sa(sa) => sa.proposals.first().and_then(|p| {
            let mut encr = None;
            let mut integ = None;
            let mut prf = None;
            let mut dh = None;
            for t in &p.transforms {
                match t.transform_type {
                    TransformType::ENCR => encr = EncrAlg::from_id(t.id, t.key_length()),
                    TransformType::INTEG => integ = IntegAlg::from_id(t.id),
                    TransformType::PRF => prf = PrfAlg::from_id(t.id),
                    TransformType::DH => dh = DhGroup::from_id(t.id),
                    _ => {}
                }
            }
            Some(proposal::ike_name(encr?, integ, prf?, dh?))
        }),
        _ => None,
    });
    Some(InitInfo {
        spi_i: header.spi_i,
        spi_r: header.spi_r,
        algorithms,
    })
}
