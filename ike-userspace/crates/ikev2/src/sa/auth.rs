//! IKE_AUTH (RFC 7296 section 1.2) in both roles: the AUTH payloads
//! (section 2.15) and the first Child SA.

use tracing::debug;

use super::child::{ChildOffer, ChildRequest};
use super::{error_notify, find, notify_payload, Ctx, IkeSa, Pending, Reply, State};
use crate::action::{Action, DeleteReason};
use crate::auth::{self, AuthInput};
use crate::codec::{
    Authentication, ExchangeType, Identification, NotifyType, Payload, PayloadBody,
};
use crate::config::Identity;
use crate::crypto::Role;
use crate::error::{Error, Result};
use crate::proposal::KeMode;

impl IkeSa {
    /// Initiator: message 3, IDi, [IDr,] AUTH and the first Child SA.
    pub(super) fn send_auth(&mut self, ctx: &mut Ctx<'_>) -> Result<()> {
        let child = &self.config.child;
        let spi_in = ctx.alloc_spi()?;
        let req = ChildRequest::new(
            spi_in,
            Vec::new(),
            None,
            (child.local_ts.clone(), child.remote_ts.clone()),
            child.mode,
            None,
        );

        let result = self.auth_request_payloads(&req).and_then(|payloads| {
            let pending = Pending::Auth(Box::new(req));
            self.send_request(ctx, ExchangeType::IKE_AUTH, &payloads, pending)
        });
        if result.is_err() {
            ctx.spis.release(spi_in);
        }
        result
    }

    fn auth_request_payloads(&self, req: &ChildRequest) -> Result<Vec<Payload>> {
        let idi = self.config.local_id.to_payload();
        let mut payloads = vec![
            Payload::new(PayloadBody::IdI(idi.clone())),
            Payload::new(PayloadBody::Auth(self.our_auth(&idi)?)),
        ];
        if let Some(remote) = &self.config.remote_id {
            payloads.insert(1, Payload::new(PayloadBody::IdR(remote.to_payload())));
        }
        payloads.extend(self.child_offer_payloads(req, false));
        Ok(payloads)
    }

    /// Our AUTH payload over our IKE_SA_INIT message (section 2.15).
    fn our_auth(&self, id: &Identification) -> Result<Authentication> {
        let (keys, init) = self
            .keys
            .as_ref()
            .zip(self.init.as_ref())
            .ok_or(Error::InvalidState("no keys"))?;
        let prf = keys.prf();
        let authenticator = self.config.credentials.local(prf, &self.config.local_id)?;
        let (real_message, peer_nonce) = match self.role {
            Role::Initiator => (&init.request, &init.nr),
            Role::Responder => (&init.response, &init.ni),
        };
        let input = AuthInput {
            prf,
            real_message,
            peer_nonce,
            sk_p: keys.sk_p(self.role),
            id,
        };
        auth::sign(authenticator.as_ref(), &input)
    }

    /// Checks the peer's identity against the configuration and its AUTH
    /// payload (section 2.15); every failure is AUTHENTICATION_FAILED.
    fn authenticate_peer(&self, id: &Identification, auth: &Authentication) -> Result<Identity> {
        let (keys, init) = self
            .keys
            .as_ref()
            .zip(self.init.as_ref())
            .ok_or(Error::InvalidState("no keys"))?;
        let identity = Identity::from_payload(id)?;
        if self
            .config
            .remote_id
            .as_ref()
            .is_some_and(|want| *want != identity)
        {
            return Err(Error::AuthenticationFailed);
        }

        let prf = keys.prf();
        let peer = self.peer_role();
        let authenticator = self
            .config
            .credentials
            .peer(prf, &identity)
            .ok_or(Error::AuthenticationFailed)?;
        let (real_message, peer_nonce) = match peer {
            Role::Initiator => (&init.request, &init.nr),
            Role::Responder => (&init.response, &init.ni),
        };
        let input = AuthInput {
            prf,
            real_message,
            peer_nonce,
            sk_p: keys.sk_p(peer),
            id,
        };
        auth::verify(authenticator.as_ref(), &input, auth)?;
        Ok(identity)
    }

    /// Responder: message 3 arrived.
    pub(super) fn auth_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        payloads: &[Payload],
    ) -> Result<Reply> {
        let (id, auth) = id_and_auth(payloads, true)?;
        let identity = match self.authenticate_peer(id, auth) {
            Ok(identity) => identity,
            Err(error) => {
                debug!(ike_sa = %self.id, peer = %self.remote, %error, "peer authentication failed");
                let notify = notify_payload(NotifyType::AUTHENTICATION_FAILED, vec![]);
                let close = Some(DeleteReason::Failed(Error::AuthenticationFailed));
                return Ok(Reply {
                    payloads: vec![notify],
                    close,
                });
            }
        };

        let idr = self.config.local_id.to_payload();
        let mut reply = vec![
            Payload::new(PayloadBody::IdR(idr.clone())),
            Payload::new(PayloadBody::Auth(self.our_auth(&idr)?)),
        ];
        self.established(ctx, identity);
        match self.accept_first_child(ctx, payloads) {
            Ok(answer) => reply.extend(answer),
            Err(error) => {
                debug!(ike_sa = %self.id, %error, "first Child SA refused");
                reply.extend(error.notify().map(|n| Payload::new(PayloadBody::Notify(n))));
                ctx.actions.push(Action::ChildSaFailed {
                    ike_sa: self.id,
                    error,
                });
            }
        }
        self.init = None;
        Ok(Reply::new(reply))
    }

    fn accept_first_child(
        &mut self,
        ctx: &mut Ctx<'_>,
        payloads: &[Payload],
    ) -> Result<Vec<Payload>> {
        let offer = ChildOffer::parse(payloads)?;
        let (ni, nr) = self
            .init
            .as_ref()
            .map(|i| (i.ni.clone(), i.nr.clone()))
            .ok_or(Error::InvalidState("no nonces"))?;
        self.accept_child(ctx, &offer, KeMode::Ignore, None, (&ni, &nr), None)
    }

    /// Initiator: message 4 arrived.
    pub(super) fn auth_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: ChildRequest,
        payloads: &[Payload],
    ) {
        let checked =
            id_and_auth(payloads, false).and_then(|(id, auth)| self.authenticate_peer(id, auth));
        let identity = match checked {
            Ok(identity) => identity,
            Err(error) => return self.auth_response_failed(ctx, req, payloads, error),
        };

        self.established(ctx, identity);
        let nonces = self.init.take().map(|i| (i.ni, i.nr)).unwrap_or_default();
        if let Some(n) = error_notify(payloads) {
            ctx.spis.release(req.spi_in);
            let error = Error::PeerError(n.notify_type);
            ctx.actions.push(Action::ChildSaFailed {
                ike_sa: self.id,
                error,
            });
            return;
        }
        if let Err(error) = self.complete_child(ctx, &req, payloads, (&nonces.0, &nonces.1), true) {
            self.child_failed(ctx, &req, payloads, error);
        }
    }

    /// The responder refused us, or its AUTH is wrong: the IKE SA is over.
    /// In the latter case we tell the responder (section 2.21.2).
    fn auth_response_failed(
        &mut self,
        ctx: &mut Ctx<'_>,
        req: ChildRequest,
        payloads: &[Payload],
        error: Error,
    ) {
        ctx.spis.release(req.spi_in);
        if let Some(n) = error_notify(payloads) {
            return self.die(ctx, DeleteReason::Failed(Error::PeerError(n.notify_type)));
        }

        debug!(ike_sa = %self.id, peer = %self.remote, %error, "responder authentication failed");
        let notify = [notify_payload(NotifyType::AUTHENTICATION_FAILED, vec![])];
        let _ = self.send_request(ctx, ExchangeType::INFORMATIONAL, &notify, Pending::Notice);
        self.die(ctx, DeleteReason::Failed(error));
    }

    fn established(&mut self, ctx: &mut Ctx<'_>, peer_id: Identity) {
        debug!(ike_sa = %self.id, peer = %self.remote, ?peer_id, "IKE SA established");
        self.state = State::Established;
        self.expire_at = None;
        self.rekey_at = self.config.ike_rekey_after.map(|d| ctx.now + d);
        self.peer_id = Some(peer_id.clone());
        ctx.actions.push(Action::IkeSaEstablished {
            ike_sa: self.id,
            peer_id,
            nat: self.nat,
        });
    }
}

/// IDi (or IDr) and AUTH of message 3 (or 4).
fn id_and_auth(
    payloads: &[Payload],
    initiator: bool,
) -> Result<(&Identification, &Authentication)> {
    let id = find(payloads, |b| match b {
        PayloadBody::IdI(id) if initiator => Some(id),
        PayloadBody::IdR(id) if !initiator => Some(id),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing ID"))?;
    let auth = find(payloads, |b| match b {
        PayloadBody::Auth(auth) => Some(auth),
        _ => None,
    })
    .ok_or(Error::InvalidSyntax("missing AUTH"))?;
    Ok((id, auth))
}
