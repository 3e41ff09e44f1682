//! IKE_SA_INIT (RFC 7296 section 1.2) in both roles, with COOKIE (section
//! 2.6), INVALID_KE_PAYLOAD (section 1.2) and NAT detection (section 2.23).

use std::net::SocketAddr;
use std::sync::Arc;

use tracing::debug;

use super::{
    error_notify, find, ke_payload, nonce, nonce_payload, notifies, notify_payload, Cached, Ctx,
    IkeSa, InFlight, InitData, Pending, State, HALF_OPEN_TIMEOUT,
};
use crate::action::{DeleteReason, IkeSaId, NatStatus};
use crate::codec::{
    ExchangeType, Header, HeaderFlags, KeyExchange as KePayload, Message, NotifyType, Payload,
    PayloadBody, Sa,
};
use crate::config::IkeConfig;
use crate::crypto::{DhGroup, IkeSaKeys, KeyExchange, Role};
use crate::endpoint::CookiePolicy;
use crate::error::{Error, Result};
use crate::nat::detection_hash;
use crate::proposal::{accept_ike, ike_answer, ike_offer, select_ike};

/// How often the initiator follows a COOKIE or INVALID_KE_PAYLOAD answer.
const MAX_INIT_RETRIES: u8 = 4;

/// The initiator's IKE_SA_INIT request state.
pub(crate) struct InitRequest {
    ke: KeyExchange,
    ni: Vec<u8>,
    cookie: Option<Vec<u8>>,
    retries: u8,
    /// The request as last sent: AUTH covers it (section 2.15).
    request: Vec<u8>,
}

impl IkeSa {
    /// Starts an IKE SA as initiator: sends IKE_SA_INIT with the KE of the
    /// first configured group.
    pub(crate) fn initiate(
        ctx: &mut Ctx<'_>,
        config: Arc<IkeConfig>,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Result<Self> {
        let group = config
            .proposals
            .iter()
            .find_map(|p| p.dh.first().copied())
            .ok_or(Error::InvalidState("no D-H group configured"))?;
        let spi_i = ctx.ike_spi()?;
        let mut sa = Self::new(
            IkeSaId(spi_i),
            Role::Initiator,
            spi_i,
            0,
            local,
            remote,
            config,
            State::Connecting,
        );

        let req = InitRequest {
            ke: KeyExchange::generate(group, ctx.rng)?,
            ni: Self::fresh_nonce(ctx)?,
            cookie: None,
            retries: 0,
            request: Vec::new(),
        };
        sa.next_out = 1;
        sa.send_init(ctx, req)?;
        Ok(sa)
    }

    /// Sends (or re-sends, after COOKIE or INVALID_KE_PAYLOAD) message 1.
    fn send_init(&mut self, ctx: &mut Ctx<'_>, mut req: InitRequest) -> Result<()> {
        let mut payloads = Vec::new();
        if let Some(cookie) = &req.cookie {
            payloads.push(notify_payload(NotifyType::COOKIE, cookie.clone()));
        }
        payloads.extend([
            Payload::new(PayloadBody::Sa(ike_offer(&self.config.proposals, &[]))),
            ke_payload(&req.ke),
            nonce_payload(&req.ni),
        ]);
        payloads.extend(nat_notifies(self.spi_i, 0, self.local, self.remote));

        let header = self.header(ExchangeType::IKE_SA_INIT, 0, false);
        let bytes = Message { header, payloads }.encode()?;
        req.request = bytes.clone();
        self.start_flight(
            ctx,
            0,
            ExchangeType::IKE_SA_INIT,
            bytes,
            Pending::Init(Box::new(req)),
        );
        Ok(())
    }

    /// Message 2 arrived for our outstanding IKE_SA_INIT.
    pub(super) fn init_response(&mut self, ctx: &mut Ctx<'_>, msg: &Message, bytes: &[u8]) {
        let Some(flight) = self.in_flight.take() else {
            return;
        };
        let Pending::Init(mut req) = flight.pending else {
            return;
        };

        if let Some(cookie) = notifies(&msg.payloads, NotifyType::COOKIE).next() {
            debug!(ike_sa = %self.id, "responder wants a cookie");
            req.cookie = Some(cookie.data.clone());
            return self.retry_init(ctx, *req, NotifyType::COOKIE);
        }
        if let Some(n) = notifies(&msg.payloads, NotifyType::INVALID_KE_PAYLOAD).next() {
            return self.retry_with_group(ctx, *req, &n.data);
        }
        if let Some(n) = error_notify(&msg.payloads) {
            let error = Error::PeerError(n.notify_type);
            return self.die(ctx, DeleteReason::Failed(error));
        }

        match self.complete_init(ctx, &req, msg, bytes) {
            Ok(()) => {}
            Err(e @ (Error::InvalidSyntax(_) | Error::Codec(_))) => {
                // Unauthenticated and possibly forged: keep waiting (2.21.1).
                debug!(ike_sa = %self.id, error = %e, "ignoring bad IKE_SA_INIT response");
                ctx.counters.dropped_malformed += 1;
                let pending = Pending::Init(req);
                self.in_flight = Some(InFlight { pending, ..flight });
            }
            Err(e) => self.die(ctx, DeleteReason::Failed(e)),
        }
    }

    fn retry_init(&mut self, ctx: &mut Ctx<'_>, mut req: InitRequest, why: NotifyType) {
        req.retries += 1;
        if req.retries > MAX_INIT_RETRIES {
            return self.die(ctx, DeleteReason::Failed(Error::PeerError(why)));
        }
        if let Err(e) = self.send_init(ctx, req) {
            self.die(ctx, DeleteReason::Failed(e));
        }
    }

    /// INVALID_KE_PAYLOAD: retry with the group the responder wants if we
    /// proposed it (section 1.2).
    fn retry_with_group(&mut self, ctx: &mut Ctx<'_>, mut req: InitRequest, data: &[u8]) {
        let wanted = <[u8; 2]>::try_from(data).ok().map(u16::from_be_bytes);
        let group = wanted.and_then(DhGroup::from_id).filter(|g| {
            *g != req.ke.group() && self.config.proposals.iter().any(|p| p.dh.contains(g))
        });
        let Some(group) = group else {
            let error = Error::PeerError(NotifyType::INVALID_KE_PAYLOAD);
            return self.die(ctx, DeleteReason::Failed(error));
        };

        debug!(ike_sa = %self.id, ?group, "responder wants another D-H group");
        match KeyExchange::generate(group, ctx.rng) {
            Ok(ke) => {
                req.ke = ke;
                self.retry_init(ctx, req, NotifyType::INVALID_KE_PAYLOAD);
            }
            Err(e) => self.die(ctx, DeleteReason::Failed(e.into())),
        }
    }

    /// Derives the keys from message 2 and sends IKE_AUTH.
    fn complete_init(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: &InitRequest,
        msg: &Message,
        bytes: &[u8],
    ) -> Result<()> {
        let (sa, ke) = sa_and_ke(&msg.payloads)?;
        let nr = nonce(&msg.payloads)?;
        if msg.header.spi_r == 0 {
            return Err(Error::InvalidSyntax("responder SPI is zero"));
        }
        let choice = accept_ike(&self.config.proposals, sa)?;
        if !choice.spi.is_empty() || choice.dh != req.ke.group() || ke.group.0 != choice.dh.id() {
            return Err(Error::InvalidSyntax(
                "IKE_SA_INIT answer does not fit our KE",
            ));
        }

        let g_ir = req.ke.shared_secret(&ke.data)?;
        let spi_r = msg.header.spi_r;
        let keys = IkeSaKeys::from_ike_sa_init(
            choice.prf,
            choice.suite,
            g_ir.as_bytes(),
            &req.ni,
            &nr,
            &self.spi_i.to_be_bytes(),
            &spi_r.to_be_bytes(),
        )?;
        self.spi_r = spi_r;
        self.keys = Some(keys);
        self.nat = nat_status(&msg.payloads, self.spi_i, spi_r, self.local, self.remote);
        self.init = Some(InitData {
            ni: req.ni.clone(),
            nr,
            request: req.request.clone(),
            response: bytes.to_vec(),
        });
        debug!(ike_sa = %self.id, ?choice, nat = ?self.nat, "IKE_SA_INIT done");
        self.send_auth(ctx)
    }
}

/// The responder's view of the endpoint for an IKE_SA_INIT request.
pub(crate) struct Responder<'a> {
    /// Connections we accept, tried in order.
    pub configs: &'a [Arc<IkeConfig>],
    /// The cookie hook (section 2.6), if enabled.
    pub cookie: Option<&'a mut dyn CookiePolicy>,
    /// How many IKE SAs are half-open now.
    pub half_open: usize,
}

/// Responder: answers an IKE_SA_INIT request; returns the new half-open
/// IKE SA, or `None` when the request was refused or dropped (no state is
/// kept for refusals, section 2.6).
pub(crate) fn accept_init(
    ctx: &mut Ctx<'_>,
    responder: Responder<'_>,
    msg: &Message,
    bytes: &[u8],
    local: SocketAddr,
    remote: SocketAddr,
) -> Option<IkeSa> {
    let refuse = |ctx: &mut Ctx<'_>, notify_type, data| {
        debug!(peer = %remote, ?notify_type, "refusing IKE_SA_INIT");
        ctx.counters.init_refused += 1;
        let payloads = vec![notify_payload(notify_type, data)];
        if let Ok(bytes) = (Message {
            header: refusal_header(&msg.header),
            payloads,
        })
        .encode()
        {
            ctx.actions.push(crate::action::Action::Send {
                local,
                remote,
                bytes,
            });
        }
    };

    if let Some(t) = msg.first_unsupported_critical() {
        refuse(ctx, NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD, vec![t.0]);
        return None;
    }
    let Ok(((sa, ke), ni)) = sa_and_ke(&msg.payloads).and_then(|x| Ok((x, nonce(&msg.payloads)?)))
    else {
        ctx.counters.dropped_malformed += 1;
        return None;
    };
    if let Some(policy) = responder.cookie {
        if let Some(cookie) = cookie_needed(policy, responder.half_open, msg, &ni, remote) {
            refuse(ctx, NotifyType::COOKIE, cookie);
            return None;
        }
    }

    let selected = responder.configs.iter().find_map(|config| {
        let choice = select_ike(&config.proposals, sa, Some(ke.group.0)).ok()?;
        Some((config.clone(), choice))
    });
    let Some((config, choice)) = selected else {
        refuse(ctx, NotifyType::NO_PROPOSAL_CHOSEN, vec![]);
        return None;
    };
    if choice.dh.id() != ke.group.0 {
        let group = choice.dh.id().to_be_bytes().to_vec();
        refuse(ctx, NotifyType::INVALID_KE_PAYLOAD, group);
        return None;
    }

    let setup = ResponderSetup {
        config,
        choice,
        peer_ke: ke,
        ni,
        local,
        remote,
    };
    match setup.run(ctx, msg, bytes) {
        Ok(sa) => Some(sa),
        Err(e) => {
            debug!(peer = %remote, error = %e, "dropping IKE_SA_INIT");
            ctx.counters.dropped_malformed += 1;
            None
        }
    }
}

/// A cookie to demand, if the policy wants one and the request has no
/// valid one (section 2.6).
fn cookie_needed(
    policy: &mut dyn CookiePolicy,
    half_open: usize,
    msg: &Message,
    ni: &[u8],
    remote: SocketAddr,
) -> Option<Vec<u8>> {
    if !policy.require(half_open, remote) {
        return None;
    }
    let spi_i = msg.header.spi_i;
    let offered = notifies(&msg.payloads, NotifyType::COOKIE).next();
    if offered.is_some_and(|c| policy.verify(&c.data, ni, spi_i, remote)) {
        return None;
    }
    Some(policy.make(ni, spi_i, remote))
}

/// What the responder decided for an acceptable IKE_SA_INIT request.
struct ResponderSetup<'m> {
    config: Arc<IkeConfig>,
    choice: crate::proposal::IkeChoice,
    peer_ke: &'m KePayload,
    ni: Vec<u8>,
    local: SocketAddr,
    remote: SocketAddr,
}

impl ResponderSetup<'_> {
    /// Derives the keys, answers with message 2 and returns the half-open SA.
    fn run(self, ctx: &mut Ctx<'_>, msg: &Message, request: &[u8]) -> Result<IkeSa> {
        let ke = KeyExchange::generate(self.choice.dh, ctx.rng)?;
        let g_ir = ke.shared_secret(&self.peer_ke.data)?;
        let nr = IkeSa::fresh_nonce(ctx)?;
        let spi_i = msg.header.spi_i;
        let spi_r = ctx.ike_spi()?;
        let keys = IkeSaKeys::from_ike_sa_init(
            self.choice.prf,
            self.choice.suite,
            g_ir.as_bytes(),
            &self.ni,
            &nr,
            &spi_i.to_be_bytes(),
            &spi_r.to_be_bytes(),
        )?;

        let mut sa = IkeSa::new(
            IkeSaId(spi_r),
            Role::Responder,
            spi_i,
            spi_r,
            self.local,
            self.remote,
            self.config,
            State::AwaitingAuth,
        );
        let mut payloads = vec![
            Payload::new(PayloadBody::Sa(ike_answer(&self.choice, &[]))),
            ke_payload(&ke),
            nonce_payload(&nr),
        ];
        payloads.extend(nat_notifies(spi_i, spi_r, self.local, self.remote));
        let header = sa.header(ExchangeType::IKE_SA_INIT, 0, true);
        let response = Message { header, payloads }.encode()?;

        debug!(ike_sa = %sa.id, peer = %self.remote, choice = ?self.choice, "IKE_SA_INIT answered");
        sa.keys = Some(keys);
        sa.nat = nat_status(&msg.payloads, spi_i, 0, self.local, self.remote);
        sa.next_in = 1;
        sa.expire_at = Some(ctx.now + HALF_OPEN_TIMEOUT);
        sa.cached = Some(Cached {
            msg_id: 0,
            request: request.to_vec(),
            response: response.clone(),
        });
        sa.init = Some(InitData {
            ni: self.ni,
            nr,
            request: request.to_vec(),
            response: response.clone(),
        });
        sa.send(ctx, response);
        Ok(sa)
    }
}

/// The header of a stateless refusal: SPIr zero (section 2.6).
fn refusal_header(request: &Header) -> Header {
    Header {
        spi_i: request.spi_i,
        spi_r: 0,
        minor_version: 0,
        exchange_type: ExchangeType::IKE_SA_INIT,
        flags: HeaderFlags::RESPONSE,
        message_id: request.message_id,
    }
}

fn sa_and_ke(payloads: &[Payload]) -> Result<(&Sa, &KePayload)> {
    let sa = find(payloads, |b| match b {
        PayloadBody::Sa(sa) => Some(sa),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing SA"))?;
    let ke = find(payloads, |b| match b {
        PayloadBody::Ke(ke) => Some(ke),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing KE"))?;
    Ok((sa, ke))
}

/// NAT_DETECTION_SOURCE_IP and NAT_DETECTION_DESTINATION_IP (section 2.23).
fn nat_notifies(spi_i: u64, spi_r: u64, local: SocketAddr, remote: SocketAddr) -> [Payload; 2] {
    [
        notify_payload(
            NotifyType::NAT_DETECTION_SOURCE_IP,
            detection_hash(spi_i, spi_r, local),
        ),
        notify_payload(
            NotifyType::NAT_DETECTION_DESTINATION_IP,
            detection_hash(spi_i, spi_r, remote),
        ),
    ]
}

/// Compares the peer's NAT detection hashes with the addresses we see.
fn nat_status(
    payloads: &[Payload],
    spi_i: u64,
    spi_r: u64,
    local: SocketAddr,
    remote: SocketAddr,
) -> NatStatus {
    let mismatch = |notify_type, addr| {
        let mut found = notifies(payloads, notify_type).peekable();
        let expected = detection_hash(spi_i, spi_r, addr);
        found.peek().is_some() && !found.any(|n| n.data == expected)
    };
    NatStatus {
        remote_behind_nat: mismatch(NotifyType::NAT_DETECTION_SOURCE_IP, remote),
        local_behind_nat: mismatch(NotifyType::NAT_DETECTION_DESTINATION_IP, local),
    }
}
