//! The sans-I/O entry point: an [`Endpoint`] holds all IKE SAs of a daemon,
//! routes datagrams to them by SPI, accepts new IKE SAs as responder and
//! runs the caller's commands. Every call returns the [`Action`]s to carry
//! out, in order.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tracing::debug;

use crate::action::{Action, IkeSaId};
use crate::codec::{
    ErrorKind, ExchangeType, Header, HeaderFlags, Message, Notify, NotifyType, Payload,
    PayloadBody, HEADER_LEN,
};
use crate::config::IkeConfig;
use crate::crypto::Rng;
use crate::error::{Error, Result};
use crate::sa::{accept_init, Command, Ctx, IkeSa, Responder, State};
use crate::time::Timestamp;

/// Allocates inbound ESP SPIs: the daemon backs it with the kernel's SPI
/// allocation, tests with a counter.
pub trait SpiAllocator: Send {
    /// A fresh inbound SPI (at least 256, RFC 4303 section 2.1), or `None`.
    fn allocate(&mut self) -> Option<u32>;

    /// Returns an SPI that was allocated but never installed.
    fn release(&mut self, _spi: u32) {}
}

/// The responder's COOKIE hook (RFC 7296 section 2.6). Off unless set with
/// [`Endpoint::set_cookie_policy`]; the DoS protection proper comes later.
pub trait CookiePolicy: Send {
    /// Whether to demand a cookie now, given `half_open` half-open IKE SAs.
    fn require(&mut self, half_open: usize, from: SocketAddr) -> bool;

    /// The cookie for this initiator (e.g. section 2.6's
    /// `VersionIDofSecret | Hash(Ni | IPi | SPIi | <secret>)`).
    fn make(&mut self, ni: &[u8], spi_i: u64, from: SocketAddr) -> Vec<u8>;

    /// Whether `cookie` is one we made for this initiator.
    fn verify(&mut self, cookie: &[u8], ni: &[u8], spi_i: u64, from: SocketAddr) -> bool;
}

/// What was dropped or repeated, for monitoring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages that did not decode, or lacked what their exchange needs
    /// before authentication.
    pub dropped_malformed: u64,
    /// SK payloads whose integrity check failed (section 2.21).
    pub dropped_icv: u64,
    /// Messages for no IKE SA we know.
    pub dropped_unknown_spi: u64,
    /// Requests outside the window and unexpected responses.
    pub dropped_message_id: u64,
    /// Messages with the wrong Initiator flag.
    pub dropped_unexpected: u64,
    /// Our requests retransmitted.
    pub retransmits: u64,
    /// Retransmitted requests answered from the response cache.
    pub retransmits_answered: u64,
    /// IKE_SA_INIT requests refused with a notify (COOKIE, INVALID_KE,
    /// NO_PROPOSAL_CHOSEN, ...).
    pub init_refused: u64,
}

/// All IKE SAs of one daemon.
pub struct Endpoint {
    responder_configs: Vec<Arc<IkeConfig>>,
    cookie: Option<Box<dyn CookiePolicy>>,
    rng: Box<dyn Rng + Send>,
    spis: Box<dyn SpiAllocator>,
    counters: Counters,
    sas: BTreeMap<u64, IkeSa>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("ike_sas", &self.sas.len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An endpoint with no IKE SAs, taking randomness and inbound SPIs from
    /// the caller.
    pub fn new(rng: Box<dyn Rng + Send>, spis: Box<dyn SpiAllocator>) -> Self {
        Self {
            responder_configs: Vec::new(),
            cookie: None,
            rng,
            spis,
            counters: Counters::default(),
            sas: BTreeMap::new(),
        }
    }

    /// Accepts IKE SAs as responder for this connection. Connections are
    /// tried in order; the first whose IKE proposals match takes the
    /// IKE_SA_INIT request.
    pub fn add_responder_config(&mut self, config: Arc<IkeConfig>) {
        self.responder_configs.push(config);
    }

    /// Enables the COOKIE hook.
    pub fn set_cookie_policy(&mut self, policy: Box<dyn CookiePolicy>) {
        self.cookie = Some(policy);
    }

    /// Drop and retransmission counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Handles of the IKE SAs alive now.
    pub fn ike_sas(&self) -> Vec<IkeSaId> {
        self.sas.values().map(|sa| sa.id).collect()
    }

    /// The earliest time [`Endpoint::handle_timeout`] has work to do.
    pub fn next_timeout(&self) -> Option<Timestamp> {
        self.sas.values().filter_map(IkeSa::next_timeout).min()
    }

    /// Starts an IKE SA with `config` from `local` to `remote`.
    pub fn initiate(
        &mut self,
        now: Timestamp,
        config: Arc<IkeConfig>,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Result<(IkeSaId, Vec<Action>)> {
        let mut id = None;
        let actions = self.run(now, |ctx, _| {
            let sa = IkeSa::initiate(ctx, config, local, remote)?;
            id = Some(sa.id);
            ctx.spawned.push(sa);
            Ok(())
        })?;
        Ok((id.ok_or(Error::InvalidState("no IKE SA"))?, actions))
    }

    /// Handles one UDP payload (without the non-ESP marker) received on
    /// `local` from `remote`.
    pub fn handle_datagram(
        &mut self,
        now: Timestamp,
        bytes: &[u8],
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Vec<Action> {
        let header = match Header::peek(bytes) {
            Ok(header) => header,
            Err(e) => return self.unreadable_header(bytes, e.kind, local, remote),
        };
        let is_request = !header.flags.contains(HeaderFlags::RESPONSE);
        if is_request && header.exchange_type == ExchangeType::IKE_SA_INIT && header.spi_r == 0 {
            return self.init_request(now, bytes, local, remote);
        }

        let ours = if header.flags.contains(HeaderFlags::INITIATOR) {
            header.spi_r
        } else {
            header.spi_i
        };
        if !self.sas.contains_key(&ours) {
            debug!(spi = %IkeSaId(ours), peer = %remote, "unknown IKE SPI");
            self.counters.dropped_unknown_spi += 1;
            return Vec::new();
        }
        self.run(now, |ctx, sas| {
            if let Some(sa) = sas.get_mut(&ours) {
                sa.handle(ctx, bytes);
            }
            Ok(())
        })
        .unwrap_or_default()
    }

    /// A message whose header does not decode: for an IKE_SA_INIT request
    /// of another major version, answer INVALID_MAJOR_VERSION (section 2.5);
    /// drop everything else.
    fn unreadable_header(
        &mut self,
        bytes: &[u8],
        kind: ErrorKind,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Vec<Action> {
        self.counters.dropped_malformed += 1;
        let is_init_request = bytes.len() >= HEADER_LEN
            && bytes[18] == ExchangeType::IKE_SA_INIT.0
            && bytes[19] & HeaderFlags::RESPONSE.0 == 0;
        if !matches!(kind, ErrorKind::UnsupportedMajorVersion(_)) || !is_init_request {
            return Vec::new();
        }

        let field = |range: std::ops::Range<usize>| {
            bytes[range]
                .iter()
                .fold(0u64, |acc, b| acc << 8 | u64::from(*b))
        };
        let header = Header {
            spi_i: field(0..8),
            spi_r: 0,
            minor_version: 0,
            exchange_type: ExchangeType::IKE_SA_INIT,
            flags: HeaderFlags::RESPONSE,
            message_id: u32::try_from(field(20..24)).unwrap_or_default(),
        };
        let notify = Notify::new(NotifyType::INVALID_MAJOR_VERSION, vec![]);
        let payloads = vec![Payload::new(PayloadBody::Notify(notify))];
        let Ok(bytes) = (Message { header, payloads }).encode() else {
            return Vec::new();
        };
        vec![Action::Send {
            local,
            remote,
            bytes,
        }]
    }

    fn init_request(
        &mut self,
        now: Timestamp,
        bytes: &[u8],
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Vec<Action> {
        let Ok(msg) = Message::decode(bytes) else {
            self.counters.dropped_malformed += 1;
            return Vec::new();
        };
        let spi_i = msg.header.spi_i;
        if let Some(ours) = self
            .sas
            .values()
            .find(|sa| sa.is_half_open_for(spi_i, remote))
        {
            let ours = ours.id.0;
            return self
                .run(now, |ctx, sas| {
                    if let Some(sa) = sas.get_mut(&ours) {
                        sa.handle(ctx, bytes);
                    }
                    Ok(())
                })
                .unwrap_or_default();
        }

        let half_open = self.sas.values().filter(|sa| sa.is_half_open()).count();
        let configs = self.responder_configs.clone();
        let mut cookie = self.cookie.take();
        let result = self.run(now, |ctx, _| {
            let responder = Responder {
                configs: &configs,
                cookie: cookie.as_deref_mut().map(|c| c as &mut dyn CookiePolicy),
                half_open,
            };
            if let Some(sa) = accept_init(ctx, responder, &msg, bytes, local, remote) {
                ctx.spawned.push(sa);
            }
            Ok(())
        });
        self.cookie = cookie;
        result.unwrap_or_default()
    }

    /// Retransmits, expires and rekeys whatever is due at `now`.
    pub fn handle_timeout(&mut self, now: Timestamp) -> Vec<Action> {
        let due: Vec<u64> = self
            .sas
            .iter()
            .filter(|(_, sa)| sa.next_timeout().is_some_and(|t| t <= now))
            .map(|(spi, _)| *spi)
            .collect();
        self.run(now, |ctx, sas| {
            for spi in due {
                if let Some(sa) = sas.get_mut(&spi) {
                    sa.on_timeout(ctx);
                }
            }
            Ok(())
        })
        .unwrap_or_default()
    }

    /// Creates another Child SA with the IKE SA's configuration.
    pub fn create_child(&mut self, now: Timestamp, ike_sa: IkeSaId) -> Result<Vec<Action>> {
        self.command(now, ike_sa, Command::CreateChild)
    }

    /// Rekeys the Child SA whose inbound SPI is `spi_in` (RFC 7296 section
    /// 1.3.3), with PFS if its ESP proposals name D-H groups. The old
    /// Child SA is deleted once the new one is installed.
    pub fn rekey_child(&mut self, now: Timestamp, spi_in: u32) -> Result<Vec<Action>> {
        let ike_sa = self.owner_of(spi_in)?;
        self.command(now, ike_sa, Command::RekeyChild(spi_in))
    }

    /// Deletes the Child SA whose inbound SPI is `spi_in` (section 1.4.1).
    pub fn delete_child(&mut self, now: Timestamp, spi_in: u32) -> Result<Vec<Action>> {
        let ike_sa = self.owner_of(spi_in)?;
        self.command(now, ike_sa, Command::DeleteChildren(vec![spi_in]))
    }

    /// Rekeys the IKE SA (section 1.3.2); see [`Action::IkeSaRekeyed`].
    pub fn rekey_ike(&mut self, now: Timestamp, ike_sa: IkeSaId) -> Result<Vec<Action>> {
        self.command(now, ike_sa, Command::RekeyIke)
    }

    /// Deletes the IKE SA and its Child SAs (section 1.4.1).
    pub fn delete_ike(&mut self, now: Timestamp, ike_sa: IkeSaId) -> Result<Vec<Action>> {
        self.command(now, ike_sa, Command::DeleteIke)
    }

    /// Sends an empty INFORMATIONAL request (section 2.4); the answer gives
    /// [`Action::LivenessConfirmed`], silence ends the IKE SA.
    pub fn liveness_check(&mut self, now: Timestamp, ike_sa: IkeSaId) -> Result<Vec<Action>> {
        self.command(now, ike_sa, Command::Liveness)
    }

    fn owner_of(&self, spi_in: u32) -> Result<IkeSaId> {
        self.sas
            .values()
            .find(|sa| sa.has_child(spi_in))
            .map(|sa| sa.id)
            .ok_or(Error::NotFound)
    }

    fn command(
        &mut self,
        now: Timestamp,
        ike_sa: IkeSaId,
        command: Command,
    ) -> Result<Vec<Action>> {
        let sa = self.sas.get(&ike_sa.0).ok_or(Error::NotFound)?;
        if sa.state != State::Established {
            return Err(Error::InvalidState("IKE SA not established"));
        }
        self.run(now, |ctx, sas| {
            if let Some(sa) = sas.get_mut(&ike_sa.0) {
                sa.command(ctx, command);
            }
            Ok(())
        })
    }

    /// Runs `f` with a fresh context, then adopts new IKE SAs and forgets
    /// dead ones.
    fn run(
        &mut self,
        now: Timestamp,
        f: impl FnOnce(&mut Ctx<'_>, &mut BTreeMap<u64, IkeSa>) -> Result<()>,
    ) -> Result<Vec<Action>> {
        let mut actions = Vec::new();
        let mut ctx = Ctx {
            now,
            rng: self.rng.as_mut(),
            spis: self.spis.as_mut(),
            counters: &mut self.counters,
            actions: &mut actions,
            spawned: Vec::new(),
        };
        f(&mut ctx, &mut self.sas)?;

        while let Some(mut sa) = ctx.spawned.pop() {
            sa.kick(&mut ctx);
            self.sas.insert(sa.id.0, sa);
        }
        self.sas.retain(|_, sa| sa.state != State::Dead);
        Ok(actions)
    }
}
