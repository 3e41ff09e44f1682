//! CREATE_CHILD_SA (RFC 7296 sections 1.3 and 2.8) in both roles: new
//! Child SAs, Child SA rekeying with or without PFS, and IKE SA rekeying
//! (section 2.18); plus the Child SA negotiation shared with IKE_AUTH.

use tracing::debug;

use super::{
    error_notify, find, ke_payload, nonce, nonce_payload, notifies, spi_from, wants_transport,
    Command, Ctx, IkeSa, Pending, Reply, State, HALF_OPEN_TIMEOUT,
};
use crate::action::{Action, IkeSaId};
use crate::codec::{
    ExchangeType, KeyExchange as KePayload, Notify, NotifyType, Payload, PayloadBody, ProtocolId,
    Sa,
};
use crate::config::Mode;
use crate::crypto::{DhGroup, IkeSaKeys, KeyExchange, Role};
use crate::error::{Error, Result};
use crate::proposal::{
    accept_esp, accept_ike, esp_answer, esp_offer, ike_answer, ike_offer, select_esp, select_ike,
    KeMode,
};
use crate::ts::{self, TsRange};

/// Our outstanding request for a Child SA (IKE_AUTH or CREATE_CHILD_SA).
pub(crate) struct ChildRequest {
    pub(super) spi_in: u32,
    ni: Vec<u8>,
    ke: Option<KeyExchange>,
    ts_local: Vec<TsRange>,
    ts_remote: Vec<TsRange>,
    mode: Mode,
    rekeys: Option<u32>,
}

impl ChildRequest {
    pub(super) fn new(
        spi_in: u32,
        ni: Vec<u8>,
        ke: Option<KeyExchange>,
        ts: (Vec<TsRange>, Vec<TsRange>),
        mode: Mode,
        rekeys: Option<u32>,
    ) -> Self {
        Self {
            spi_in,
            ni,
            ke,
            ts_local: ts.0,
            ts_remote: ts.1,
            mode,
            rekeys,
        }
    }
}

/// Our outstanding request to rekey the IKE SA.
pub(crate) struct IkeRekeyRequest {
    spi: u64,
    ni: Vec<u8>,
    ke: KeyExchange,
}

/// The Child SA part of a request: SA, TSi, TSr, transport mode wish.
pub(super) struct ChildOffer<'p> {
    sa: &'p Sa,
    tsi: Vec<TsRange>,
    tsr: Vec<TsRange>,
    transport: bool,
}

impl<'p> ChildOffer<'p> {
    pub(super) fn parse(payloads: &'p [Payload]) -> Result<Self> {
        let sa = sa_payload(payloads)?;
        let (tsi, tsr) = ts_payloads(payloads)?;
        Ok(Self {
            sa,
            tsi,
            tsr,
            transport: wants_transport(payloads),
        })
    }
}

fn sa_payload(payloads: &[Payload]) -> Result<&Sa> {
    find(payloads, |b| match b {
        PayloadBody::Sa(sa) => Some(sa),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing SA"))
}

fn ke_of(payloads: &[Payload]) -> Option<&KePayload> {
    find(payloads, |b| match b {
        PayloadBody::Ke(ke) => Some(ke),
        _ => None,
    })
}

fn ts_payloads(payloads: &[Payload]) -> Result<(Vec<TsRange>, Vec<TsRange>)> {
    let tsi = find(payloads, |b| match b {
        PayloadBody::TsI(ts) => Some(ts::from_payload(ts)),
        _ => None,
    });
    let tsr = find(payloads, |b| match b {
        PayloadBody::TsR(ts) => Some(ts::from_payload(ts)),
        _ => None,
    });
    tsi.zip(tsr)
        .ok_or(Error::InvalidSyntax("missing TSi or TSr"))
}

/// The D-H group the peer asks for in INVALID_KE_PAYLOAD, if we allow it
/// and it differs from the one we tried (section 1.2).
fn wanted_group<'a>(
    notify: &Notify,
    tried: DhGroup,
    mut allowed: impl Iterator<Item = &'a DhGroup>,
) -> Option<DhGroup> {
    let id = <[u8; 2]>::try_from(notify.data.as_slice())
        .ok()
        .map(u16::from_be_bytes)?;
    let group = DhGroup::from_id(id).filter(|g| *g != tried)?;
    allowed.any(|g| *g == group).then_some(group)
}

impl IkeSa {
    /// [N(USE_TRANSPORT_MODE),] SA, [Nonce, KE,] TSi, TSr of a Child SA request.
    pub(super) fn child_offer_payloads(
        &self,
        req: &ChildRequest,
        with_nonce: bool,
    ) -> Vec<Payload> {
        let mut payloads = Vec::new();
        if req.mode == Mode::Transport {
            payloads.push(super::notify_payload(
                NotifyType::USE_TRANSPORT_MODE,
                vec![],
            ));
        }
        let proposals = &self.config.child.proposals;
        let sa = esp_offer(proposals, req.spi_in, req.ke.is_some());
        payloads.push(Payload::new(PayloadBody::Sa(sa)));
        if with_nonce {
            payloads.push(nonce_payload(&req.ni));
        }
        payloads.extend(req.ke.as_ref().map(ke_payload));
        payloads.push(Payload::new(PayloadBody::TsI(ts::to_payload(
            &req.ts_local,
        ))));
        payloads.push(Payload::new(PayloadBody::TsR(ts::to_payload(
            &req.ts_remote,
        ))));
        payloads
    }

    /// Starts CREATE_CHILD_SA for a new Child SA, or to rekey the one with
    /// inbound SPI `rekeys` (section 1.3.3), with PFS if configured.
    pub(super) fn start_create_child(
        &mut self,
        ctx: &mut Ctx<'_>,
        rekeys: Option<u32>,
    ) -> Result<()> {
        let child = &self.config.child;
        let (ts, mode) = match rekeys {
            Some(spi) => {
                let old = self
                    .children
                    .iter()
                    .find(|c| c.spi_in == spi)
                    .ok_or(Error::NotFound)?;
                ((old.ts_local.clone(), old.ts_remote.clone()), old.mode)
            }
            None => (
                (child.local_ts.clone(), child.remote_ts.clone()),
                child.mode,
            ),
        };
        let pfs = child.proposals.iter().find_map(|p| p.dh.first().copied());
        let ke = pfs.map(|g| KeyExchange::generate(g, ctx.rng)).transpose()?;
        let ni = Self::fresh_nonce(ctx)?;

        let spi_in = ctx.alloc_spi()?;
        let req = ChildRequest::new(spi_in, ni, ke, ts, mode, rekeys);
        self.send_child_request(ctx, req)
    }

    fn send_child_request(&mut self, ctx: &mut Ctx<'_>, req: ChildRequest) -> Result<()> {
        let mut payloads = Vec::new();
        if let Some(old) = req.rekeys {
            payloads.push(Payload::new(PayloadBody::Notify(Notify {
                protocol: ProtocolId::ESP,
                notify_type: NotifyType::REKEY_SA,
                spi: old.to_be_bytes().to_vec(),
                data: vec![],
            })));
        }
        payloads.extend(self.child_offer_payloads(&req, true));

        let spi_in = req.spi_in;
        let pending = Pending::Child(Box::new(req));
        let result = self.send_request(ctx, ExchangeType::CREATE_CHILD_SA, &payloads, pending);
        if result.is_err() {
            ctx.spis.release(spi_in);
        }
        result
    }

    /// Responder side of a Child SA negotiation (IKE_AUTH or
    /// CREATE_CHILD_SA): selects a proposal, narrows the traffic selectors
    /// (section 2.9), derives and installs the keys, and returns the answer:
    /// [N(USE_TRANSPORT_MODE),] SA, [KE,] TSi, TSr.
    pub(super) fn accept_child(
        &mut self,
        ctx: &mut Ctx<'_>,
        offer: &ChildOffer<'_>,
        ke_mode: KeMode,
        peer_ke: Option<&KePayload>,
        nonces: (&[u8], &[u8]),
        rekeys: Option<u32>,
    ) -> Result<Vec<Payload>> {
        let child = &self.config.child;
        let choice = select_esp(&child.proposals, offer.sa, ke_mode)?;
        if let (Some(dh), Some(ke)) = (choice.dh, peer_ke) {
            if dh.id() != ke.group.0 {
                return Err(Error::InvalidKePayload { group: dh.id() });
            }
        }
        let tsi = ts::narrow(&offer.tsi, &child.remote_ts);
        let tsr = ts::narrow(&offer.tsr, &child.local_ts);
        if tsi.is_empty() || tsr.is_empty() {
            return Err(Error::TsUnacceptable);
        }
        let transport = offer.transport && child.mode == Mode::Transport;
        let mode = if transport {
            Mode::Transport
        } else {
            Mode::Tunnel
        };

        let our_ke = choice
            .dh
            .map(|g| KeyExchange::generate(g, ctx.rng))
            .transpose()?;
        let g_ir = match (&our_ke, peer_ke) {
            (Some(ours), Some(theirs)) => Some(ours.shared_secret(&theirs.data)?),
            _ => None,
        };
        let keys = self.ike_keys()?.child_sa_keys(
            choice.suite,
            g_ir.as_ref().map(|s| s.as_bytes()),
            nonces.0,
            nonces.1,
        )?;
        let spi_in = ctx.alloc_spi()?;

        let mut answer = Vec::new();
        if transport {
            answer.push(super::notify_payload(
                NotifyType::USE_TRANSPORT_MODE,
                vec![],
            ));
        }
        answer.push(Payload::new(PayloadBody::Sa(esp_answer(&choice, spi_in))));
        answer.extend(our_ke.as_ref().map(ke_payload));
        answer.push(Payload::new(PayloadBody::TsI(ts::to_payload(&tsi))));
        answer.push(Payload::new(PayloadBody::TsR(ts::to_payload(&tsr))));
        self.install_child(ctx, keys, false, spi_in, choice, mode, (tsr, tsi), rekeys)?;
        Ok(answer)
    }

    fn ike_keys(&self) -> Result<&IkeSaKeys> {
        self.keys.as_ref().ok_or(Error::InvalidState("no keys"))
    }

    /// Initiator side: checks the responder's answer (one of our proposals,
    /// narrowed selectors within ours) and installs the Child SA.
    pub(super) fn complete_child(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: &ChildRequest,
        payloads: &[Payload],
        nonces: (&[u8], &[u8]),
        ike_auth: bool,
    ) -> Result<()> {
        let sa = sa_payload(payloads)?;
        let (tsi, tsr) = ts_payloads(payloads)?;
        let ke_mode = match (&req.ke, ike_auth) {
            (_, true) => KeMode::Ignore,
            (None, false) => KeMode::None,
            (Some(ke), false) => KeMode::Group(ke.group().id()),
        };
        let choice = accept_esp(&self.config.child.proposals, sa, ke_mode)?;
        let g_ir = match (&req.ke, ike_auth) {
            (Some(ke), false) => {
                let theirs = ke_of(payloads).ok_or(Error::InvalidSyntax("missing KE"))?;
                ke.check_group(theirs.group.0)?;
                Some(ke.shared_secret(&theirs.data)?)
            }
            _ => None,
        };
        if !ts::is_narrowing_of(&tsi, &req.ts_local) || !ts::is_narrowing_of(&tsr, &req.ts_remote) {
            return Err(Error::TsUnacceptable);
        }
        let transport = req.mode == Mode::Transport && wants_transport(payloads);
        let mode = if transport {
            Mode::Transport
        } else {
            Mode::Tunnel
        };

        let keys = self.ike_keys()?.child_sa_keys(
            choice.suite,
            g_ir.as_ref().map(|s| s.as_bytes()),
            nonces.0,
            nonces.1,
        )?;
        self.install_child(
            ctx,
            keys,
            true,
            req.spi_in,
            choice,
            mode,
            (tsi, tsr),
            req.rekeys,
        )
    }

    /// Our Child SA request failed on an authentic answer: report it, and
    /// if the peer did install the Child SA, delete it there.
    pub(super) fn child_failed(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: &ChildRequest,
        payloads: &[Payload],
        error: Error,
    ) {
        debug!(ike_sa = %self.id, %error, "Child SA failed");
        if sa_payload(payloads).is_ok() {
            self.queue
                .push_back(Command::DeleteChildren(vec![req.spi_in]));
        } else {
            ctx.spis.release(req.spi_in);
        }
        ctx.actions.push(Action::ChildSaFailed {
            ike_sa: self.id,
            error,
        });
    }

    /// Responder: a CREATE_CHILD_SA request.
    // TODO: simultaneous Child SA and IKE SA rekeying (RFC 7296 sections
    // 2.8.1 and 2.8.2) is not detected: both exchanges complete, and the
    // redundant SAs are deleted as the peers' Delete requests arrive.
    pub(super) fn child_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        payloads: &[Payload],
    ) -> Result<Reply> {
        let sa = sa_payload(payloads)?;
        let ni = nonce(payloads)?;
        let peer_ke = ke_of(payloads);
        if sa.proposals.iter().any(|p| p.protocol == ProtocolId::IKE) {
            return self.ike_rekey_request(ctx, sa, &ni, peer_ke);
        }

        let rekeys = match notifies(payloads, NotifyType::REKEY_SA).next() {
            Some(n) => {
                let spi_out = spi_from(&n.spi)?;
                let old = self.children.iter().find(|c| c.spi_out == spi_out);
                Some(old.ok_or(Error::ChildSaNotFound)?.spi_in)
            }
            None => None,
        };
        let offer = ChildOffer::parse(payloads)?;
        let ke_mode = peer_ke.map_or(KeMode::None, |k| KeMode::Group(k.group.0));
        let nr = Self::fresh_nonce(ctx)?;

        let answer = self.accept_child(ctx, &offer, ke_mode, peer_ke, (&ni, &nr), rekeys)?;
        let mut reply = vec![nonce_payload(&nr)];
        reply.extend(answer);
        Ok(Reply::new(reply))
    }

    /// Initiator: the answer to our CREATE_CHILD_SA for a Child SA.
    pub(super) fn child_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut req: ChildRequest,
        payloads: &[Payload],
    ) {
        if let (Some(n), Some(tried)) = (
            notifies(payloads, NotifyType::INVALID_KE_PAYLOAD).next(),
            req.ke.as_ref().map(KeyExchange::group),
        ) {
            let allowed = self.config.child.proposals.iter().flat_map(|p| p.dh.iter());
            if let Some(group) = wanted_group(n, tried, allowed) {
                debug!(ike_sa = %self.id, ?group, "retrying CREATE_CHILD_SA with another group");
                let retried = KeyExchange::generate(group, ctx.rng)
                    .map_err(Error::from)
                    .and_then(|ke| {
                        req.ke = Some(ke);
                        req.ni = Self::fresh_nonce(ctx)?;
                        self.send_child_request(ctx, req)
                    });
                if let Err(error) = retried {
                    ctx.actions.push(Action::ChildSaFailed {
                        ike_sa: self.id,
                        error,
                    });
                }
                return;
            }
        }
        if let Some(n) = error_notify(payloads) {
            let error = Error::PeerError(n.notify_type);
            return self.child_failed(ctx, &req, payloads, error);
        }

        let completed = nonce(payloads)
            .and_then(|nr| self.complete_child(ctx, &req, payloads, (&req.ni, &nr), false));
        match completed {
            Ok(()) => {
                if let Some(old) = req.rekeys {
                    self.queue.push_back(Command::DeleteChildren(vec![old]));
                }
            }
            Err(error) => self.child_failed(ctx, &req, payloads, error),
        }
    }

    /// Starts rekeying this IKE SA (section 1.3.2).
    pub(super) fn start_ike_rekey(&mut self, ctx: &mut Ctx<'_>) -> Result<()> {
        let group = self
            .config
            .proposals
            .iter()
            .find_map(|p| p.dh.first().copied())
            .ok_or(Error::InvalidState("no D-H group configured"))?;
        let req = IkeRekeyRequest {
            spi: ctx.ike_spi()?,
            ni: Self::fresh_nonce(ctx)?,
            ke: KeyExchange::generate(group, ctx.rng)?,
        };
        self.send_ike_rekey(ctx, req)
    }

    fn send_ike_rekey(&mut self, ctx: &mut Ctx<'_>, req: IkeRekeyRequest) -> Result<()> {
        let offer = ike_offer(&self.config.proposals, &req.spi.to_be_bytes());
        let payloads = [
            Payload::new(PayloadBody::Sa(offer)),
            nonce_payload(&req.ni),
            ke_payload(&req.ke),
        ];
        let pending = Pending::RekeyIke(Box::new(req));
        self.send_request(ctx, ExchangeType::CREATE_CHILD_SA, &payloads, pending)
    }

    /// Responder: the peer rekeys the IKE SA (section 2.18).
    fn ike_rekey_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        sa: &Sa,
        ni: &[u8],
        peer_ke: Option<&KePayload>,
    ) -> Result<Reply> {
        let peer_ke = peer_ke.ok_or(Error::InvalidSyntax("missing KE"))?;
        let choice = select_ike(&self.config.proposals, sa, Some(peer_ke.group.0))?;
        if choice.dh.id() != peer_ke.group.0 {
            return Err(Error::InvalidKePayload {
                group: choice.dh.id(),
            });
        }
        let peer_spi = ike_spi(&choice.spi)?;

        let ke = KeyExchange::generate(choice.dh, ctx.rng)?;
        let g_ir = ke.shared_secret(&peer_ke.data)?;
        let nr = Self::fresh_nonce(ctx)?;
        let our_spi = ctx.ike_spi()?;
        let keys = self.ike_keys()?.rekey(
            choice.prf,
            choice.suite,
            g_ir.as_bytes(),
            ni,
            &nr,
            &peer_spi.to_be_bytes(),
            &our_spi.to_be_bytes(),
        )?;

        self.spawn_rekeyed(ctx, Role::Responder, (peer_spi, our_spi), keys);
        let answer = ike_answer(&choice, &our_spi.to_be_bytes());
        Ok(Reply::new(vec![
            Payload::new(PayloadBody::Sa(answer)),
            nonce_payload(&nr),
            ke_payload(&ke),
        ]))
    }

    /// Initiator: the answer to our IKE SA rekey.
    pub(super) fn ike_rekey_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut req: IkeRekeyRequest,
        payloads: &[Payload],
    ) {
        if let Some(n) = notifies(payloads, NotifyType::INVALID_KE_PAYLOAD).next() {
            let allowed = self.config.proposals.iter().flat_map(|p| p.dh.iter());
            if let Some(group) = wanted_group(n, req.ke.group(), allowed) {
                let retried = KeyExchange::generate(group, ctx.rng)
                    .map_err(Error::from)
                    .and_then(|ke| {
                        req.ke = ke;
                        self.send_ike_rekey(ctx, req)
                    });
                if let Err(error) = retried {
                    debug!(ike_sa = %self.id, %error, "IKE SA rekey failed");
                }
                return;
            }
        }
        if let Err(error) = self.complete_ike_rekey(ctx, &req, payloads) {
            debug!(ike_sa = %self.id, %error, "IKE SA rekey failed");
        }
    }

    fn complete_ike_rekey(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: &IkeRekeyRequest,
        payloads: &[Payload],
    ) -> Result<()> {
        if let Some(n) = error_notify(payloads) {
            return Err(Error::PeerError(n.notify_type));
        }
        let sa = sa_payload(payloads)?;
        let peer_ke = ke_of(payloads).ok_or(Error::InvalidSyntax("missing KE"))?;
        let nr = nonce(payloads)?;
        let choice = accept_ike(&self.config.proposals, sa)?;
        if choice.dh != req.ke.group() {
            return Err(Error::InvalidSyntax("rekey answer's D-H group"));
        }
        req.ke.check_group(peer_ke.group.0)?;
        let peer_spi = ike_spi(&choice.spi)?;

        let g_ir = req.ke.shared_secret(&peer_ke.data)?;
        let keys = self.ike_keys()?.rekey(
            choice.prf,
            choice.suite,
            g_ir.as_bytes(),
            &req.ni,
            &nr,
            &req.spi.to_be_bytes(),
            &peer_spi.to_be_bytes(),
        )?;
        self.spawn_rekeyed(ctx, Role::Initiator, (req.spi, peer_spi), keys);
        self.queue.push_front(Command::DeleteIke);
        Ok(())
    }

    /// Creates the IKE SA replacing this one: it takes over the Child SAs
    /// and queued commands (section 2.18); this one waits to be deleted.
    fn spawn_rekeyed(&mut self, ctx: &mut Ctx<'_>, role: Role, spis: (u64, u64), keys: IkeSaKeys) {
        let (spi_i, spi_r) = spis;
        let id = IkeSaId(if role == Role::Initiator {
            spi_i
        } else {
            spi_r
        });
        let mut new = IkeSa::new(
            id,
            role,
            spi_i,
            spi_r,
            self.local,
            self.remote,
            self.config.clone(),
            State::Established,
        );
        new.keys = Some(keys);
        new.children = std::mem::take(&mut self.children);
        new.peer_id = self.peer_id.clone();
        new.nat = self.nat;
        new.rekey_at = self.config.ike_rekey_after.map(|d| ctx.now + d);
        new.queue = self
            .queue
            .drain(..)
            .filter(|c| !matches!(c, Command::RekeyIke | Command::DeleteIke))
            .collect();

        debug!(old = %self.id, new = %id, peer = %self.remote, "IKE SA rekeyed");
        self.state = State::Rekeyed;
        self.rekey_at = None;
        self.expire_at = Some(ctx.now + HALF_OPEN_TIMEOUT);
        ctx.actions.push(Action::IkeSaRekeyed {
            old: self.id,
            new: id,
        });
        ctx.spawned.push(new);
    }
}

fn ike_spi(bytes: &[u8]) -> Result<u64> {
    let array: [u8; 8] = bytes
        .try_into()
        .map_err(|_| Error::InvalidSyntax("IKE SPI size"))?;
    match u64::from_be_bytes(array) {
        0 => Err(Error::InvalidSyntax("IKE SPI is zero")),
        spi => Ok(spi),
    }
}
