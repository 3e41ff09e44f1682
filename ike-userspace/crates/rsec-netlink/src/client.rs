//! A blocking client of the `rsec` family over a netlink socket.

use std::io;

use netlink_packet_core::{NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST};
use netlink_packet_generic::constants::GENL_ID_CTRL;
use netlink_packet_generic::ctrl::nlas::{GenlCtrlAttrs, McastGrpAttrs};
use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
use netlink_packet_generic::GenlMessage;
use netlink_sys::{protocols::NETLINK_GENERIC, Socket, SocketAddr};

use crate::attr::Attr;
use crate::codec::{self, Exchange, Reply};
use crate::error::Error;
use crate::spec::{self, cmd};
use crate::types::{Event, SaConfig, SaFilter, SaId, SaInfo, SpiRequest};

/// Room for one datagram: the kernel's dump messages are at most 32 KiB.
const RECV_BUF: usize = 64 * 1024;

/// How often a dump interrupted by concurrent changes is started again.
const DUMP_TRIES: usize = 3;

/// A connection to the `rsec` family.
///
/// Requests are answered in turn; a client that has joined the events group with
/// [`Client::subscribe_events`] should be used for events alone.
#[derive(Debug)]
pub struct Client {
    socket: Socket,
    family_id: u16,
    events_group: Option<u32>,
    seq: u32,
    buf: Vec<u8>,
}

impl Client {
    /// Opens a netlink socket and looks up the `rsec` family and its `events` group.
    pub fn connect() -> Result<Self, Error> {
        let mut socket = Socket::new(NETLINK_GENERIC)?;
        socket.bind_auto()?;
        socket.set_ext_ack(true)?;
        socket.set_cap_ack(true)?;
        socket.set_netlink_get_strict_chk(true)?;

        let mut client = Client {
            socket,
            family_id: 0,
            events_group: None,
            seq: 0,
            buf: Vec::with_capacity(RECV_BUF),
        };
        client.resolve_family()?;
        Ok(client)
    }

    /// The family's id, as the kernel assigned it.
    pub fn family_id(&self) -> u16 {
        self.family_id
    }

    /// The id of the `events` multicast group, if the family has one.
    pub fn events_group(&self) -> Option<u32> {
        self.events_group
    }

    /// Reserves an inbound SPI and returns it.
    pub fn alloc_spi(&mut self, req: &SpiRequest) -> Result<u32, Error> {
        let mut spi = None;
        let attrs = codec::spi_alloc_attrs(req);
        self.request(cmd::SPI_ALLOC, NLM_F_ACK, attrs, |reply| {
            spi = Some(codec::decode_spi(&reply.payload.attrs)?);
            Ok(())
        })?;
        spi.ok_or_else(|| Error::Protocol("spi-alloc acknowledged without a reply".into()))
    }

    /// Creates an SA.
    pub fn add_sa(&mut self, cfg: &SaConfig) -> Result<(), Error> {
        let attrs = codec::sa_new_attrs(cfg);
        self.request(cmd::SA_NEW, NLM_F_ACK, attrs, |_| Ok(()))?;
        Ok(())
    }

    /// Deletes an SA or SPI reservation.
    pub fn del_sa(&mut self, id: &SaId) -> Result<(), Error> {
        let attrs = codec::sa_id_attrs(id);
        self.request(cmd::SA_DEL, NLM_F_ACK, attrs, |_| Ok(()))?;
        Ok(())
    }

    /// Reads one SA.
    pub fn get_sa(&mut self, id: &SaId) -> Result<SaInfo, Error> {
        let mut info = None;
        let attrs = codec::sa_id_attrs(id);
        self.request(cmd::SA_GET, NLM_F_ACK, attrs, |reply| {
            info = Some(codec::decode_sa(&reply.payload.attrs)?);
            Ok(())
        })?;
        info.ok_or_else(|| Error::Protocol("sa-get acknowledged without a reply".into()))
    }

    /// Reads all SAs that pass `filter`, starting over if the table changed meanwhile.
    pub fn dump_sas(&mut self, filter: &SaFilter) -> Result<Vec<SaInfo>, Error> {
        for _ in 0..DUMP_TRIES {
            let mut sas = Vec::new();
            let attrs = codec::filter_attrs(filter);
            let interrupted = self.request(cmd::SA_GET, NLM_F_DUMP, attrs, |reply| {
                sas.push(codec::decode_sa(&reply.payload.attrs)?);
                Ok(())
            })?;
            if !interrupted {
                return Ok(sas);
            }
        }
        Err(Error::DumpInterrupted)
    }

    /// Deletes all SAs and SPI reservations that pass `filter`.
    pub fn flush(&mut self, filter: &SaFilter) -> Result<(), Error> {
        let attrs = codec::filter_attrs(filter);
        self.request(cmd::SA_FLUSH, NLM_F_ACK, attrs, |_| Ok(()))?;
        Ok(())
    }

    /// Joins the `events` multicast group.
    pub fn subscribe_events(&mut self) -> Result<(), Error> {
        let group = self.events_group.ok_or_else(|| {
            Error::Protocol(format!("the family has no {:?} group", spec::EVENTS_GROUP))
        })?;
        self.socket.add_membership(group)?;
        Ok(())
    }

    /// Waits for the next event of the `events` group.
    pub fn next_event(&mut self) -> Result<Event, Error> {
        let family_id = self.family_id;
        loop {
            let datagram = self.recv()?;
            let mut rest = datagram;
            while !rest.is_empty() {
                let buf = netlink_packet_core::NetlinkBuffer::new_checked(rest)
                    .map_err(|e| Error::Protocol(format!("bad netlink message: {e}")))?;
                let len = (buf.length() as usize + 3) & !3;
                if buf.message_type() == family_id {
                    let payload = buf.payload();
                    if let Some(event) = decode_event_payload(payload)? {
                        return Ok(event);
                    }
                }
                rest = &rest[len.min(rest.len())..];
            }
        }
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1).max(1);
        self.seq
    }

    /// Sends a request of the family and hands each reply to `on_reply`; returns whether a
    /// dump was interrupted.
    fn request<F>(
        &mut self,
        cmd: u8,
        flags: u16,
        attrs: Vec<Attr>,
        on_reply: F,
    ) -> Result<bool, Error>
    where
        F: FnMut(GenlMessage<Reply>) -> Result<(), Error>,
    {
        let seq = self.next_seq();
        let msg = codec::encode_request(self.family_id, seq, NLM_F_REQUEST | flags, cmd, attrs);
        self.exchange(seq, &msg, on_reply)
    }

    /// Sends `msg` and reads replies of sequence number `seq` until the exchange ends.
    fn exchange<I, F>(&mut self, seq: u32, msg: &[u8], mut on_msg: F) -> Result<bool, Error>
    where
        I: netlink_packet_core::NetlinkDeserializable,
        I::Error: std::fmt::Display,
        F: FnMut(I) -> Result<(), Error>,
    {
        let kernel = SocketAddr::new(0, 0);
        self.socket.send_to(msg, &kernel, 0)?;

        let mut exchange = Exchange::new(seq, msg);
        loop {
            let datagram = self.recv()?;
            if exchange.feed(datagram, &mut on_msg)? {
                return Ok(exchange.interrupted());
            }
        }
    }

    /// Receives one datagram from the kernel.
    fn recv(&mut self) -> Result<&[u8], Error> {
        loop {
            self.buf.clear();
            self.buf.reserve(RECV_BUF);
            let received = self.socket.recv_from(&mut self.buf, libc::MSG_TRUNC);
            let (len, from) = match received {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            if len > self.buf.len() {
                return Err(Error::Protocol(format!(
                    "datagram of {len} bytes truncated"
                )));
            }
            if from.port_number() == 0 {
                return Ok(&self.buf);
            }
        }
    }

    /// Asks the generic netlink controller for the family's id and multicast groups.
    fn resolve_family(&mut self) -> Result<(), Error> {
        let seq = self.next_seq();
        let query = GenlCtrl {
            cmd: GenlCtrlCmd::GetFamily,
            nlas: vec![GenlCtrlAttrs::FamilyName(spec::FAMILY_NAME.to_string())],
        };
        let msg = codec::encode(GENL_ID_CTRL, seq, NLM_F_REQUEST | NLM_F_ACK, query);

        let mut attrs = Vec::new();
        let result = self.exchange(seq, &msg, |m: GenlMessage<GenlCtrl>| {
            attrs.extend(m.payload.nlas);
            Ok(())
        });
        match result {
            Err(e) if e.errno() == Some(libc::ENOENT) => return Err(Error::FamilyNotFound),
            other => other?,
        };

        self.family_id = family_id(&attrs).ok_or(Error::FamilyNotFound)?;
        self.events_group = group_id(&attrs, spec::EVENTS_GROUP);
        Ok(())
    }
}

/// Decodes the genetlink payload of a multicast message, if it is an event.
fn decode_event_payload(payload: &[u8]) -> Result<Option<Event>, Error> {
    let Some((&command, _)) = payload.split_first() else {
        return Err(Error::Protocol("event without genetlink header".into()));
    };
    let attrs = payload.get(4..).unwrap_or_default();
    codec::decode_event(command, attrs)
}

/// The family id in a CTRL_CMD_GETFAMILY reply.
pub(crate) fn family_id(attrs: &[GenlCtrlAttrs]) -> Option<u16> {
    attrs.iter().find_map(|a| match a {
        GenlCtrlAttrs::FamilyId(id) => Some(*id),
        _ => None,
    })
}

/// The id of multicast group `name` in a CTRL_CMD_GETFAMILY reply.
pub(crate) fn group_id(attrs: &[GenlCtrlAttrs], name: &str) -> Option<u32> {
    let groups = attrs.iter().find_map(|a| match a {
        GenlCtrlAttrs::McastGroups(groups) => Some(groups),
        _ => None,
    })?;
    groups.iter().find_map(|group| {
        let named = group
            .iter()
            .any(|g| matches!(g, McastGrpAttrs::Name(n) if n == name));
        let id = group.iter().find_map(|g| match g {
            McastGrpAttrs::Id(id) => Some(*id),
            _ => None,
        });
        id.filter(|_| named)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, id: u32) -> Vec<McastGrpAttrs> {
        vec![McastGrpAttrs::Name(name.into()), McastGrpAttrs::Id(id)]
    }

    #[test]
    fn family_and_group_ids_from_a_getfamily_reply() {
        let attrs = vec![
            GenlCtrlAttrs::FamilyName("rsec".into()),
            GenlCtrlAttrs::FamilyId(0x23),
            GenlCtrlAttrs::McastGroups(vec![group("other", 4), group("events", 9)]),
        ];
        assert_eq!(family_id(&attrs), Some(0x23));
        assert_eq!(group_id(&attrs, "events"), Some(9));
        assert_eq!(group_id(&attrs, "missing"), None);
        assert_eq!(family_id(&attrs[..1]), None);
    }

    #[test]
    fn event_payload_needs_a_genetlink_header() {
        assert!(matches!(decode_event_payload(&[]), Err(Error::Protocol(_))));
        assert_eq!(decode_event_payload(&[cmd::SA_GET, 1, 0, 0]).unwrap(), None);
    }
}
