//! INFORMATIONAL (RFC 7296 section 1.4) in both roles: deleting Child SAs
//! and the IKE SA, liveness checks (section 2.4) and error notices.

use tracing::debug;

use super::{notifies, spi_from, Ctx, IkeSa, Pending, Reply, State};
use crate::action::{Action, DeleteReason};
use crate::codec::{Delete, ExchangeType, NotifyType, Payload, PayloadBody, ProtocolId};
use crate::error::{Error, Result};

/// A Delete payload for ESP SPIs (section 3.11).
fn delete_esp(spis: &[u32]) -> Payload {
    Payload::new(PayloadBody::Delete(Delete {
        protocol: ProtocolId::ESP,
        spi_size: 4,
        spis: spis.iter().map(|s| s.to_be_bytes().to_vec()).collect(),
    }))
}

impl IkeSa {
    /// Asks the peer to delete the Child SAs with these inbound SPIs.
    pub(super) fn start_delete_children(
        &mut self,
        ctx: &mut Ctx<'_>,
        spis: Vec<u32>,
    ) -> Result<()> {
        let payloads = [delete_esp(&spis)];
        let pending = Pending::DeleteChildren(spis);
        self.send_request(ctx, ExchangeType::INFORMATIONAL, &payloads, pending)
    }

    /// Deletes the IKE SA and with it all its Child SAs (section 1.4.1).
    pub(super) fn start_delete_ike(&mut self, ctx: &mut Ctx<'_>) -> Result<()> {
        let delete = Delete {
            protocol: ProtocolId::IKE,
            spi_size: 0,
            spis: vec![],
        };
        let payloads = [Payload::new(PayloadBody::Delete(delete))];
        self.send_request(
            ctx,
            ExchangeType::INFORMATIONAL,
            &payloads,
            Pending::DeleteIke,
        )
    }

    /// The peer confirmed deleting its halves: remove ours.
    pub(super) fn delete_children_response(&mut self, ctx: &mut Ctx<'_>, spis: &[u32]) {
        for spi in spis {
            if let Some(child) = self.remove_child(|c| c.spi_in == *spi) {
                ctx.actions.push(Action::DeleteChild {
                    ike_sa: self.id,
                    spi_in: child.spi_in,
                    spi_out: child.spi_out,
                });
            }
        }
    }

    fn remove_child(&mut self, f: impl Fn(&super::Child) -> bool) -> Option<super::Child> {
        let index = self.children.iter().position(f)?;
        Some(self.children.remove(index))
    }

    /// Responder: deletes, notices, or an empty liveness check.
    pub(super) fn info_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        payloads: &[Payload],
    ) -> Result<Reply> {
        let deletes: Vec<&Delete> = payloads
            .iter()
            .filter_map(|p| match &p.body {
                PayloadBody::Delete(d) => Some(d),
                _ => None,
            })
            .collect();

        if deletes.iter().any(|d| d.protocol == ProtocolId::IKE) {
            let reason = if self.state == State::Rekeyed {
                DeleteReason::Rekeyed
            } else {
                DeleteReason::Peer
            };
            return Ok(Reply {
                payloads: vec![],
                close: Some(reason),
            });
        }
        if notifies(payloads, NotifyType::AUTHENTICATION_FAILED)
            .next()
            .is_some()
        {
            let error = Error::PeerError(NotifyType::AUTHENTICATION_FAILED);
            return Ok(Reply {
                payloads: vec![],
                close: Some(DeleteReason::Failed(error)),
            });
        }

        let mut ours = Vec::new();
        for delete in deletes.iter().filter(|d| d.protocol == ProtocolId::ESP) {
            for spi in &delete.spis {
                let spi_out = spi_from(spi)?;
                let Some(child) = self.remove_child(|c| c.spi_out == spi_out) else {
                    debug!(ike_sa = %self.id, spi_out, "delete for unknown Child SA");
                    continue;
                };
                ctx.actions.push(Action::DeleteChild {
                    ike_sa: self.id,
                    spi_in: child.spi_in,
                    spi_out: child.spi_out,
                });
                ours.push(child.spi_in);
            }
        }

        let payloads = if ours.is_empty() {
            vec![]
        } else {
            vec![delete_esp(&ours)]
        };
        Ok(Reply::new(payloads))
    }
}
