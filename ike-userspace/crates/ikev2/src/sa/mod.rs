//! One IKE SA: its state, message IDs, retransmissions and message
//! protection; the exchanges live in the submodules, one per exchange
//! type, each with its initiator and responder steps.
//!
//! The window size is 1 (RFC 7296 section 2.3): we have at most one request
//! outstanding and queue further commands; the peer's requests are
//! answered in order, and a retransmitted request gets the cached response
//! for its message ID.

mod auth;
mod child;
mod info;
mod init;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

use tracing::debug;

use crate::action::{Action, ChildSa, DeleteReason, IkeSaId, NatStatus};
use crate::codec::{
    check_critical, decode_chain, encode_chain, encrypted_parts, Encrypted, ExchangeType, Header,
    HeaderFlags, Message, Nonce, Notify, NotifyType, Payload, PayloadBody,
};
use crate::config::{Identity, IkeConfig, Mode};
use crate::crypto::{ChildSaKeys, IkeSaKeys, KeyExchange, Rng, Role};
use crate::endpoint::{Counters, SpiAllocator};
use crate::error::{Error, Result};
use crate::proposal::EspChoice;
use crate::time::Timestamp;
use crate::ts::TsRange;

pub(crate) use init::{accept_init, Responder};

/// Length of the nonces we send (RFC 7296 section 2.10: at least 16
/// octets and half the PRF key size).
const NONCE_LEN: usize = 32;

/// How long a responder waits for IKE_AUTH, and an old IKE SA for its
/// Delete after a rekey, before giving up.
const HALF_OPEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What the IKE SA's handlers need from the endpoint for one call.
pub(crate) struct Ctx<'a> {
    pub now: Timestamp,
    pub rng: &'a mut dyn Rng,
    pub spis: &'a mut dyn SpiAllocator,
    pub counters: &'a mut Counters,
    pub actions: &'a mut Vec<Action>,
    /// IKE SAs created by a rekey during this call.
    pub spawned: Vec<IkeSa>,
}

impl Ctx<'_> {
    fn random(&mut self, len: usize) -> Result<Vec<u8>> {
        let mut out = vec![0; len];
        self.rng.fill(&mut out)?;
        Ok(out)
    }

    /// A fresh non-zero IKE SPI.
    pub(crate) fn ike_spi(&mut self) -> Result<u64> {
        loop {
            let bytes = self.random(8)?;
            let spi = u64::from_be_bytes(bytes.try_into().unwrap_or_default());
            if spi != 0 {
                return Ok(spi);
            }
        }
    }

    fn alloc_spi(&mut self) -> Result<u32> {
        self.spis.allocate().ok_or(Error::SpiAllocation)
    }
}

/// Where an IKE SA is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// Initiator: IKE_SA_INIT or IKE_AUTH outstanding.
    Connecting,
    /// Responder: IKE_SA_INIT answered, waiting for IKE_AUTH.
    AwaitingAuth,
    /// Authenticated; Child SAs may come and go.
    Established,
    /// Replaced by a rekeyed IKE SA; only its deletion is left.
    Rekeyed,
    /// Gone; the endpoint drops it.
    Dead,
}

/// A command waiting for the window (RFC 7296 section 2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    CreateChild,
    RekeyChild(u32),
    RekeyIke,
    DeleteChildren(Vec<u32>),
    DeleteIke,
    Liveness,
}

/// Our request in flight and what to do with its response.
struct InFlight {
    msg_id: u32,
    exchange: ExchangeType,
    bytes: Vec<u8>,
    retransmits: u32,
    next_at: Timestamp,
    pending: Pending,
}

enum Pending {
    Init(Box<init::InitRequest>),
    Auth(Box<child::ChildRequest>),
    Child(Box<child::ChildRequest>),
    RekeyIke(Box<child::IkeRekeyRequest>),
    DeleteChildren(Vec<u32>),
    DeleteIke,
    Liveness,
    Notice,
}

/// The last response we sent, for retransmitted requests (section 2.1).
struct Cached {
    msg_id: u32,
    request: Vec<u8>,
    response: Vec<u8>,
}

/// The IKE_SA_INIT messages and nonces that AUTH covers (section 2.15).
struct InitData {
    ni: Vec<u8>,
    nr: Vec<u8>,
    request: Vec<u8>,
    response: Vec<u8>,
}

/// A Child SA of this IKE SA.
#[derive(Clone, Debug)]
struct Child {
    spi_in: u32,
    spi_out: u32,
    mode: Mode,
    ts_local: Vec<TsRange>,
    ts_remote: Vec<TsRange>,
}

/// What a request handler answers, and whether the IKE SA ends with it.
struct Reply {
    payloads: Vec<Payload>,
    close: Option<DeleteReason>,
}

impl Reply {
    fn new(payloads: Vec<Payload>) -> Self {
        Self {
            payloads,
            close: None,
        }
    }
}

/// One IKE SA in either role.
pub(crate) struct IkeSa {
    pub(crate) id: IkeSaId,
    role: Role,
    spi_i: u64,
    spi_r: u64,
    local: SocketAddr,
    remote: SocketAddr,
    config: Arc<IkeConfig>,
    pub(crate) state: State,
    keys: Option<IkeSaKeys>,
    init: Option<InitData>,
    children: Vec<Child>,
    next_out: u32,
    next_in: u32,
    cached: Option<Cached>,
    in_flight: Option<InFlight>,
    queue: VecDeque<Command>,
    peer_id: Option<Identity>,
    nat: NatStatus,
    rekey_at: Option<Timestamp>,
    expire_at: Option<Timestamp>,
}

impl IkeSa {
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: IkeSaId,
        role: Role,
        spi_i: u64,
        spi_r: u64,
        local: SocketAddr,
        remote: SocketAddr,
        config: Arc<IkeConfig>,
        state: State,
    ) -> Self {
        Self {
            id,
            role,
            spi_i,
            spi_r,
            local,
            remote,
            config,
            state,
            keys: None,
            init: None,
            children: Vec::new(),
            next_out: 0,
            next_in: 0,
            cached: None,
            in_flight: None,
            queue: VecDeque::new(),
            peer_id: None,
            nat: NatStatus::default(),
            rekey_at: None,
            expire_at: None,
        }
    }

    fn peer_role(&self) -> Role {
        match self.role {
            Role::Initiator => Role::Responder,
            Role::Responder => Role::Initiator,
        }
    }

    /// Whether a Child SA with inbound SPI `spi_in` belongs to this SA.
    pub(crate) fn has_child(&self, spi_in: u32) -> bool {
        self.children.iter().any(|c| c.spi_in == spi_in)
    }

    /// Whether this is the half-open responder SA for a retransmitted
    /// IKE_SA_INIT request from `remote` with `spi_i`.
    pub(crate) fn is_half_open_for(&self, spi_i: u64, remote: SocketAddr) -> bool {
        self.role == Role::Responder && self.spi_i == spi_i && self.remote == remote
    }

    pub(crate) fn is_half_open(&self) -> bool {
        self.state == State::AwaitingAuth
    }

    /// The earliest time [`IkeSa::on_timeout`] has work to do.
    pub(crate) fn next_timeout(&self) -> Option<Timestamp> {
        let flight = self.in_flight.as_ref().map(|f| f.next_at);
        [flight, self.expire_at, self.rekey_at]
            .into_iter()
            .flatten()
            .min()
    }

    fn header(&self, exchange: ExchangeType, msg_id: u32, response: bool) -> Header {
        let mut flags = HeaderFlags::default();
        if self.role == Role::Initiator {
            flags = flags.with(HeaderFlags::INITIATOR);
        }
        if response {
            flags = flags.with(HeaderFlags::RESPONSE);
        }
        Header {
            spi_i: self.spi_i,
            spi_r: self.spi_r,
            minor_version: 0,
            exchange_type: exchange,
            flags,
            message_id: msg_id,
        }
    }

    /// Encodes `payloads` into an SK payload (RFC 7296 section 3.14).
    fn seal(&self, ctx: &mut Ctx<'_>, header: Header, payloads: &[Payload]) -> Result<Vec<u8>> {
        let keys = self.keys.as_ref().ok_or(Error::InvalidState("no keys"))?;
        let cipher = keys.sk_cipher(self.role)?;
        let (first_inner, plain) = encode_chain(payloads)?;
        let body_len = cipher.sealed_len(plain.len());
        let sk = Encrypted {
            first_inner,
            body: vec![0; body_len],
        };
        let message = Message {
            header,
            payloads: vec![Payload::new(PayloadBody::Sk(sk))],
        };

        let mut bytes = message.encode()?;
        let split = bytes.len() - body_len;
        let body = cipher.seal(&bytes[..split], &plain, ctx.rng)?;
        bytes[split..].copy_from_slice(&body);
        Ok(bytes)
    }

    /// Decrypts and decodes the SK payload of a received message. `None`:
    /// drop silently (no SK payload, failed ICV, section 2.21); an error:
    /// authentic but invalid, answer with its notify.
    fn open(&self, ctx: &mut Ctx<'_>, msg: &Message, bytes: &[u8]) -> Option<Result<Vec<Payload>>> {
        let (Some(keys), Some(sk)) = (self.keys.as_ref(), msg.encrypted()) else {
            ctx.counters.dropped_malformed += 1;
            return None;
        };
        let cipher = keys.sk_cipher(self.peer_role()).ok()?;
        let parts = encrypted_parts(bytes).ok()?;

        let plain = match cipher.open(parts.authenticated, parts.body) {
            Ok(plain) => plain,
            Err(e) if e.is_silent_drop() => {
                ctx.counters.dropped_icv += 1;
                return None;
            }
            Err(e) => return Some(Err(e.into())),
        };
        let decoded = decode_chain(sk.first_inner, &plain).and_then(|payloads| {
            check_critical(&payloads)?;
            Ok(payloads)
        });
        Some(decoded.map_err(Error::from))
    }

    fn send(&self, ctx: &mut Ctx<'_>, bytes: Vec<u8>) {
        ctx.actions.push(Action::Send {
            local: self.local,
            remote: self.remote,
            bytes,
        });
    }

    /// Sends an encrypted request and keeps it for retransmission.
    fn send_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        exchange: ExchangeType,
        payloads: &[Payload],
        pending: Pending,
    ) -> Result<()> {
        let msg_id = self.next_out;
        let bytes = self.seal(ctx, self.header(exchange, msg_id, false), payloads)?;
        self.next_out = self.next_out.wrapping_add(1);
        self.start_flight(ctx, msg_id, exchange, bytes, pending);
        Ok(())
    }

    fn start_flight(
        &mut self,
        ctx: &mut Ctx<'_>,
        msg_id: u32,
        exchange: ExchangeType,
        bytes: Vec<u8>,
        pending: Pending,
    ) {
        debug!(ike_sa = %self.id, msg_id, peer = %self.remote, ?exchange, "sending request");
        self.send(ctx, bytes.clone());
        self.in_flight = Some(InFlight {
            msg_id,
            exchange,
            bytes,
            retransmits: 0,
            next_at: ctx.now + self.config.retransmit.timeout(0),
            pending,
        });
    }

    /// Handles one datagram addressed to this IKE SA.
    pub(crate) fn handle(&mut self, ctx: &mut Ctx<'_>, bytes: &[u8]) {
        let msg = match Message::decode(bytes) {
            Ok(msg) => msg,
            Err(e) => {
                debug!(ike_sa = %self.id, peer = %self.remote, error = %e, "dropping malformed");
                ctx.counters.dropped_malformed += 1;
                return;
            }
        };
        let from_initiator = msg.header.flags.contains(HeaderFlags::INITIATOR);
        if from_initiator != (self.peer_role() == Role::Initiator) {
            ctx.counters.dropped_unexpected += 1;
            return;
        }

        if msg.header.flags.contains(HeaderFlags::RESPONSE) {
            self.handle_response(ctx, &msg, bytes);
        } else {
            self.handle_request(ctx, &msg, bytes);
        }
        self.run_queue(ctx);
    }

    fn handle_response(&mut self, ctx: &mut Ctx<'_>, msg: &Message, bytes: &[u8]) {
        let expected = self.in_flight.as_ref().map(|f| (f.msg_id, f.exchange));
        if expected != Some((msg.header.message_id, msg.header.exchange_type)) {
            debug!(ike_sa = %self.id, msg_id = msg.header.message_id, "unexpected response");
            ctx.counters.dropped_message_id += 1;
            return;
        }

        if msg.header.exchange_type == ExchangeType::IKE_SA_INIT {
            self.init_response(ctx, msg, bytes);
            return;
        }
        let Some(opened) = self.open(ctx, msg, bytes) else {
            return;
        };
        let Some(flight) = self.in_flight.take() else {
            return;
        };
        debug!(ike_sa = %self.id, msg_id = flight.msg_id, peer = %self.remote, "response");
        match opened {
            Ok(payloads) => self.dispatch_response(ctx, flight.pending, &payloads),
            Err(e) => self.exchange_failed(ctx, flight.pending, e),
        }
    }

    fn dispatch_response(&mut self, ctx: &mut Ctx<'_>, pending: Pending, payloads: &[Payload]) {
        match pending {
            Pending::Init(_) => {}
            Pending::Auth(req) => self.auth_response(ctx, *req, payloads),
            Pending::Child(req) => self.child_response(ctx, *req, payloads),
            Pending::RekeyIke(req) => self.ike_rekey_response(ctx, *req, payloads),
            Pending::DeleteChildren(spis) => self.delete_children_response(ctx, &spis),
            Pending::DeleteIke => self.die(ctx, self.delete_reason()),
            Pending::Liveness => ctx
                .actions
                .push(Action::LivenessConfirmed { ike_sa: self.id }),
            Pending::Notice => {}
        }
    }

    /// An authentic response we cannot use: the exchange failed.
    fn exchange_failed(&mut self, ctx: &mut Ctx<'_>, pending: Pending, error: Error) {
        debug!(ike_sa = %self.id, %error, "exchange failed");
        match pending {
            Pending::Init(_) | Pending::Auth(_) => self.die(ctx, DeleteReason::Failed(error)),
            Pending::Child(req) => {
                ctx.spis.release(req.spi_in);
                ctx.actions.push(Action::ChildSaFailed {
                    ike_sa: self.id,
                    error,
                });
            }
            Pending::DeleteIke => self.die(ctx, self.delete_reason()),
            _ => {}
        }
    }

    fn delete_reason(&self) -> DeleteReason {
        if self.state == State::Rekeyed {
            DeleteReason::Rekeyed
        } else {
            DeleteReason::Local
        }
    }

    fn handle_request(&mut self, ctx: &mut Ctx<'_>, msg: &Message, bytes: &[u8]) {
        let msg_id = msg.header.message_id;
        if let Some(cached) = self.cached.as_ref().filter(|c| c.msg_id == msg_id) {
            if cached.request == bytes {
                debug!(ike_sa = %self.id, msg_id, "retransmitted request, resending response");
                ctx.counters.retransmits_answered += 1;
                self.send(ctx, cached.response.clone());
            } else {
                ctx.counters.dropped_message_id += 1;
            }
            return;
        }
        if msg_id != self.next_in || msg.header.exchange_type == ExchangeType::IKE_SA_INIT {
            ctx.counters.dropped_message_id += 1;
            return;
        }

        let Some(opened) = self.open(ctx, msg, bytes) else {
            return;
        };
        self.next_in = self.next_in.wrapping_add(1);
        let exchange = msg.header.exchange_type;
        debug!(ike_sa = %self.id, msg_id, peer = %self.remote, ?exchange, "request");
        let result = opened.and_then(|payloads| self.dispatch_request(ctx, exchange, &payloads));
        let reply = result.unwrap_or_else(|e| self.error_reply(e));
        self.respond(ctx, exchange, msg_id, bytes, &reply.payloads);
        if let Some(reason) = reply.close {
            self.die(ctx, reason);
        }
    }

    fn dispatch_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        exchange: ExchangeType,
        payloads: &[Payload],
    ) -> Result<Reply> {
        match (exchange, self.state) {
            (ExchangeType::IKE_AUTH, State::AwaitingAuth) => self.auth_request(ctx, payloads),
            (ExchangeType::CREATE_CHILD_SA, State::Established) => {
                self.child_request(ctx, payloads)
            }
            (ExchangeType::CREATE_CHILD_SA, _) => Err(Error::TemporaryFailure),
            (ExchangeType::INFORMATIONAL, State::Established | State::Rekeyed) => {
                self.info_request(ctx, payloads)
            }
            _ => Err(Error::InvalidSyntax("unexpected exchange type")),
        }
    }

    /// The error response for a failed request; failing IKE_AUTH ends the
    /// half-open IKE SA (RFC 7296 section 2.21.2).
    fn error_reply(&self, error: Error) -> Reply {
        debug!(ike_sa = %self.id, %error, "request failed");
        let payloads = error
            .notify()
            .map(|n| vec![Payload::new(PayloadBody::Notify(n))])
            .unwrap_or_default();
        let close = (self.state == State::AwaitingAuth).then_some(DeleteReason::Failed(error));
        Reply { payloads, close }
    }

    fn respond(
        &mut self,
        ctx: &mut Ctx<'_>,
        exchange: ExchangeType,
        msg_id: u32,
        request: &[u8],
        payloads: &[Payload],
    ) {
        let bytes = match self.seal(ctx, self.header(exchange, msg_id, true), payloads) {
            Ok(bytes) => bytes,
            Err(e) => {
                debug!(ike_sa = %self.id, error = %e, "cannot build response");
                return;
            }
        };
        self.cached = Some(Cached {
            msg_id,
            request: request.to_vec(),
            response: bytes.clone(),
        });
        self.send(ctx, bytes);
    }

    /// Retransmits, gives up, expires or starts a scheduled rekey.
    pub(crate) fn on_timeout(&mut self, ctx: &mut Ctx<'_>) {
        let policy = self.config.retransmit;
        if let Some(flight) = self.in_flight.as_mut().filter(|f| f.next_at <= ctx.now) {
            if flight.retransmits >= policy.max_retransmits {
                debug!(ike_sa = %self.id, peer = %self.remote, "peer not responding");
                self.die(ctx, DeleteReason::Failed(Error::Timeout));
                return;
            }
            flight.retransmits += 1;
            flight.next_at = ctx.now + policy.timeout(flight.retransmits);
            let bytes = flight.bytes.clone();
            debug!(ike_sa = %self.id, msg_id = flight.msg_id, "retransmitting");
            ctx.counters.retransmits += 1;
            self.send(ctx, bytes);
        }

        if self.expire_at.is_some_and(|t| t <= ctx.now) {
            self.die(ctx, DeleteReason::Failed(Error::Timeout));
            return;
        }
        if self.rekey_at.is_some_and(|t| t <= ctx.now) {
            self.rekey_at = None;
            self.command(ctx, Command::RekeyIke);
        }
    }

    /// Starts queued commands (of an IKE SA just created by a rekey).
    pub(crate) fn kick(&mut self, ctx: &mut Ctx<'_>) {
        self.run_queue(ctx);
    }

    /// Queues a command and starts it if the window is free.
    pub(crate) fn command(&mut self, ctx: &mut Ctx<'_>, command: Command) {
        self.queue.push_back(command);
        self.run_queue(ctx);
    }

    fn run_queue(&mut self, ctx: &mut Ctx<'_>) {
        while self.in_flight.is_none() {
            let Some(command) = self.queue.pop_front() else {
                return;
            };
            let allowed = match self.state {
                State::Established => true,
                State::Rekeyed => command == Command::DeleteIke,
                _ => false,
            };
            if !allowed {
                continue;
            }
            if let Err(error) = self.start(ctx, command) {
                debug!(ike_sa = %self.id, %error, "command failed");
                ctx.actions.push(Action::ChildSaFailed {
                    ike_sa: self.id,
                    error,
                });
            }
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_>, command: Command) -> Result<()> {
        match command {
            Command::CreateChild => self.start_create_child(ctx, None),
            Command::RekeyChild(spi) => self.start_create_child(ctx, Some(spi)),
            Command::RekeyIke => self.start_ike_rekey(ctx),
            Command::DeleteChildren(spis) => self.start_delete_children(ctx, spis),
            Command::DeleteIke => self.start_delete_ike(ctx),
            Command::Liveness => {
                self.send_request(ctx, ExchangeType::INFORMATIONAL, &[], Pending::Liveness)
            }
        }
    }

    /// Ends the IKE SA: its Child SAs go first (section 1.4.1).
    fn die(&mut self, ctx: &mut Ctx<'_>, reason: DeleteReason) {
        if self.state == State::Dead {
            return;
        }
        debug!(ike_sa = %self.id, peer = %self.remote, ?reason, "IKE SA deleted");
        for child in self.children.drain(..) {
            ctx.actions.push(Action::DeleteChild {
                ike_sa: self.id,
                spi_in: child.spi_in,
                spi_out: child.spi_out,
            });
        }
        if let Some(Pending::Auth(req) | Pending::Child(req)) =
            self.in_flight.take().map(|f| f.pending)
        {
            ctx.spis.release(req.spi_in);
        }
        self.queue.clear();
        self.state = State::Dead;
        ctx.actions.push(Action::IkeSaDeleted {
            ike_sa: self.id,
            reason,
        });
    }

    /// Keys of a new Child SA from this IKE SA, oriented for us.
    #[allow(clippy::too_many_arguments)]
    fn install_child(
        &mut self,
        ctx: &mut Ctx<'_>,
        keys: ChildSaKeys,
        we_initiated: bool,
        spi_in: u32,
        choice: EspChoice,
        mode: Mode,
        ts: (Vec<TsRange>, Vec<TsRange>),
        rekeys: Option<u32>,
    ) -> Result<()> {
        let spi_out = spi_from(&choice.spi)?;
        let (keys_in, keys_out) = if we_initiated {
            (keys.responder_to_initiator, keys.initiator_to_responder)
        } else {
            (keys.initiator_to_responder, keys.responder_to_initiator)
        };
        let (ts_local, ts_remote) = ts;
        debug!(ike_sa = %self.id, spi_in, spi_out, "Child SA installed");
        ctx.actions.push(Action::InstallChild(Box::new(ChildSa {
            ike_sa: self.id,
            spi_in,
            spi_out,
            mode,
            encr: choice.suite.encr(),
            integ: choice.suite.integ(),
            esn: choice.esn == crate::config::Esn::Yes,
            keys_in,
            keys_out,
            ts_local: ts_local.clone(),
            ts_remote: ts_remote.clone(),
            lifetime: self.config.child.lifetime,
            rekeys,
        })));
        self.children.push(Child {
            spi_in,
            spi_out,
            mode,
            ts_local,
            ts_remote,
        });
        Ok(())
    }

    fn fresh_nonce(ctx: &mut Ctx<'_>) -> Result<Vec<u8>> {
        ctx.random(NONCE_LEN)
    }
}

/// An ESP SPI from the 4 octets of a proposal or notify.
fn spi_from(bytes: &[u8]) -> Result<u32> {
    let array: [u8; 4] = bytes
        .try_into()
        .map_err(|_| Error::InvalidSyntax("ESP SPI size"))?;
    Ok(u32::from_be_bytes(array))
}

/// The first payload matching `f`.
fn find<'a, T>(payloads: &'a [Payload], f: impl Fn(&'a PayloadBody) -> Option<T>) -> Option<T> {
    payloads.iter().find_map(|p| f(&p.body))
}

/// The Nonce data, checked for the 16..=256 octets of section 3.9.
fn nonce(payloads: &[Payload]) -> Result<Vec<u8>> {
    let data = find(payloads, |b| match b {
        PayloadBody::Nonce(Nonce { data }) => Some(data.clone()),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing nonce"))?;
    if !(16..=256).contains(&data.len()) {
        return Err(Error::InvalidSyntax("nonce length"));
    }
    Ok(data)
}

/// The notifications of a type.
fn notifies(payloads: &[Payload], notify_type: NotifyType) -> impl Iterator<Item = &Notify> {
    payloads.iter().filter_map(move |p| match &p.body {
        PayloadBody::Notify(n) if n.notify_type == notify_type => Some(n),
        _ => None,
    })
}

/// The first error notification (type below 16384, section 3.10.1).
fn error_notify(payloads: &[Payload]) -> Option<&Notify> {
    payloads.iter().find_map(|p| match &p.body {
        PayloadBody::Notify(n) if n.notify_type.is_error() => Some(n),
        _ => None,
    })
}

fn notify_payload(notify_type: NotifyType, data: Vec<u8>) -> Payload {
    Payload::new(PayloadBody::Notify(Notify::new(notify_type, data)))
}

fn nonce_payload(data: &[u8]) -> Payload {
    Payload::new(PayloadBody::Nonce(Nonce {
        data: data.to_vec(),
    }))
}

fn ke_payload(ke: &KeyExchange) -> Payload {
    let group = crate::codec::DhGroup(ke.group().id());
    Payload::new(PayloadBody::Ke(crate::codec::KeyExchange::new(
        group,
        ke.public_value().to_vec(),
    )))
}

/// Whether the message asks for transport mode (section 1.3.1).
fn wants_transport(payloads: &[Payload]) -> bool {
    notifies(payloads, NotifyType::USE_TRANSPORT_MODE)
        .next()
        .is_some()
}
