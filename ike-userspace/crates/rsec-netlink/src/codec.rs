//! Encoding of requests and decoding of replies, apart from any socket.

use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr};

use netlink_packet_core::{
    DecodeError, Emitable, NetlinkDeserializable, NetlinkMessage, NetlinkPayload, Parseable,
    ParseableParametrized, NLM_F_DUMP_INTR,
};
use netlink_packet_generic::{GenlFamily, GenlHeader, GenlMessage};
use zeroize::Zeroizing;

use crate::attr::{parse_attrs, Attr, RawAttr};
use crate::error::{Error, KernelError};
use crate::spec::{self, cmd, counters, lifetime, sa, selector, AttrSet};
use crate::types::{
    Counters, Dir, Event, Lifetime, PortRange, Prefix, Proto, SaConfig, SaFilter, SaFlags, SaId,
    SaInfo, Selector, SpiRequest,
};

/// The payload of a request to the `rsec` family: a command and its attributes.
#[derive(Debug)]
pub struct Request {
    cmd: u8,
    attrs: Vec<Attr>,
}

impl GenlFamily for Request {
    fn family_name() -> &'static str {
        spec::FAMILY_NAME
    }

    fn command(&self) -> u8 {
        self.cmd
    }

    fn version(&self) -> u8 {
        spec::FAMILY_VERSION
    }
}

impl Emitable for Request {
    fn buffer_len(&self) -> usize {
        self.attrs.as_slice().buffer_len()
    }

    fn emit(&self, buffer: &mut [u8]) {
        self.attrs.as_slice().emit(buffer)
    }
}

/// The payload of a message from the `rsec` family: its command and undecoded attributes.
#[derive(Debug)]
pub struct Reply {
    /// The genetlink command.
    pub cmd: u8,
    /// The attribute bytes.
    pub attrs: Vec<u8>,
}

impl ParseableParametrized<[u8], GenlHeader> for Reply {
    fn parse_with_param(buf: &[u8], header: GenlHeader) -> Result<Self, DecodeError> {
        Ok(Reply {
            cmd: header.cmd,
            attrs: buf.to_vec(),
        })
    }
}

/// Serializes one netlink message of the generic family `family_id` (wiped on drop, as it may
/// carry keys).
pub fn encode<F>(family_id: u16, seq: u32, flags: u16, payload: F) -> Zeroizing<Vec<u8>>
where
    F: GenlFamily + Emitable + Debug,
{
    let mut genl = GenlMessage::from_payload(payload);
    genl.set_resolved_family_id(family_id);

    let mut msg = NetlinkMessage::from(genl);
    msg.header.flags = flags;
    msg.header.sequence_number = seq;
    msg.finalize();

    let mut buf = Zeroizing::new(vec![0; msg.buffer_len()]);
    msg.serialize(&mut buf);
    buf
}

/// Serializes a request of command `cmd` with `attrs`.
pub fn encode_request(
    family_id: u16,
    seq: u32,
    flags: u16,
    cmd: u8,
    attrs: Vec<Attr>,
) -> Zeroizing<Vec<u8>> {
    encode(family_id, seq, flags, Request { cmd, attrs })
}

/// Attributes of `spi-alloc`.
pub fn spi_alloc_attrs(req: &SpiRequest) -> Vec<Attr> {
    let mut attrs = vec![
        Attr::u8(sa::PROTO, req.proto.into()),
        Attr::addr(sa::DADDR, req.daddr),
    ];
    if let Some(min) = req.min {
        attrs.push(Attr::u32(sa::SPI_MIN, min));
    }
    if let Some(max) = req.max {
        attrs.push(Attr::u32(sa::SPI_MAX, max));
    }
    if req.owner != 0 {
        attrs.push(Attr::u64(sa::OWNER, req.owner));
    }
    attrs
}

/// Attributes naming one SA (`sa-del`, `sa-get`).
pub fn sa_id_attrs(id: &SaId) -> Vec<Attr> {
    vec![
        Attr::u8(sa::DIR, id.dir.into()),
        Attr::u32(sa::SPI, id.spi),
        Attr::u8(sa::PROTO, id.proto.into()),
        Attr::addr(sa::DADDR, id.daddr),
    ]
}

/// Attributes of a dump or flush filter.
pub fn filter_attrs(filter: &SaFilter) -> Vec<Attr> {
    let mut attrs = Vec::new();
    if let Some(ifindex) = filter.ifindex {
        attrs.push(Attr::u32(sa::IFINDEX, ifindex));
    }
    if let Some(owner) = filter.owner {
        attrs.push(Attr::u64(sa::OWNER, owner));
    }
    attrs
}

/// Attributes of `sa-new`, in the spec's order; optional ones only when set.
pub fn sa_new_attrs(cfg: &SaConfig) -> Vec<Attr> {
    let mut attrs = vec![
        Attr::u32(sa::SPI, cfg.id.spi),
        Attr::u8(sa::PROTO, cfg.id.proto.into()),
        Attr::u8(sa::DIR, cfg.id.dir.into()),
        Attr::u8(sa::MODE, cfg.mode.into()),
        Attr::addr(sa::SADDR, cfg.saddr),
        Attr::addr(sa::DADDR, cfg.id.daddr),
        Attr::u32(sa::IFINDEX, cfg.ifindex),
        Attr::u16(sa::ENCR_ALG, cfg.encr_alg.into()),
        Attr::bytes(sa::ENCR_KEY, cfg.encr_key.as_bytes()),
    ];
    if let Some(integ) = &cfg.integ {
        attrs.push(Attr::u16(sa::INTEG_ALG, integ.alg.into()));
        attrs.push(Attr::bytes(sa::INTEG_KEY, integ.key.as_bytes()));
    }
    if let Some(window) = cfg.replay_window {
        attrs.push(Attr::u32(sa::REPLAY_WINDOW, window));
    }
    if cfg.flags.0 != 0 {
        attrs.push(Attr::u32(sa::FLAGS, cfg.flags.0));
    }
    push_lifetime(&mut attrs, sa::LIFETIME_SOFT, &cfg.lifetime_soft);
    push_lifetime(&mut attrs, sa::LIFETIME_HARD, &cfg.lifetime_hard);
    attrs.extend(cfg.selectors.iter().map(selector_attr));
    if cfg.owner != 0 {
        attrs.push(Attr::u64(sa::OWNER, cfg.owner));
    }
    attrs
}

/// Appends a lifetime nest with its non-zero limits, unless it has none.
fn push_lifetime(attrs: &mut Vec<Attr>, kind: u16, limits: &Lifetime) {
    if limits.is_unlimited() {
        return;
    }
    let fields = [
        (lifetime::BYTES, limits.bytes),
        (lifetime::PACKETS, limits.packets),
        (lifetime::SECONDS, limits.seconds),
    ];
    let inner = fields
        .iter()
        .filter(|(_, v)| *v != 0)
        .map(|(k, v)| Attr::u64(*k, *v));
    attrs.push(Attr::nest(kind, inner.collect()));
}

/// A selector nest with the parts that are set.
fn selector_attr(sel: &Selector) -> Attr {
    let mut inner = Vec::new();
    if let Some(src) = sel.src {
        inner.push(Attr::addr(selector::SRC_ADDR, src.addr));
        inner.push(Attr::u8(selector::SRC_PREFIX, src.len));
    }
    if let Some(dst) = sel.dst {
        inner.push(Attr::addr(selector::DST_ADDR, dst.addr));
        inner.push(Attr::u8(selector::DST_PREFIX, dst.len));
    }
    if sel.proto != 0 {
        inner.push(Attr::u8(selector::PROTO, sel.proto));
    }
    if let Some(ports) = sel.src_ports {
        inner.push(Attr::u16(selector::SRC_PORT_MIN, ports.min));
        inner.push(Attr::u16(selector::SRC_PORT_MAX, ports.max));
    }
    if let Some(ports) = sel.dst_ports {
        inner.push(Attr::u16(selector::DST_PORT_MIN, ports.min));
        inner.push(Attr::u16(selector::DST_PORT_MAX, ports.max));
    }
    Attr::nest(sa::SELECTOR, inner)
}

/// The SPI of a `spi-alloc` reply.
pub fn decode_spi(bytes: &[u8]) -> Result<u32, Error> {
    let attrs = parse_attrs(AttrSet::Sa, bytes)?;
    let spi = attrs.iter().find(|a| a.kind() == sa::SPI);
    spi.ok_or(Error::Missing("spi"))?.get_u32()
}

/// The four parts of an SaId, as they turn up.
#[derive(Default)]
struct IdParts {
    dir: Option<Dir>,
    spi: Option<u32>,
    proto: Option<Proto>,
    daddr: Option<IpAddr>,
}

impl IdParts {
    /// Takes `attr` if it is one of the four; says whether it was.
    fn take(&mut self, attr: &RawAttr<'_>) -> Result<bool, Error> {
        match attr.kind() {
            sa::DIR => self.dir = Some(attr.get_u8()?.into()),
            sa::SPI => self.spi = Some(attr.get_u32()?),
            sa::PROTO => self.proto = Some(attr.get_u8()?.into()),
            sa::DADDR => self.daddr = Some(attr.get_addr()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish(self) -> Result<SaId, Error> {
        Ok(SaId {
            dir: self.dir.ok_or(Error::Missing("dir"))?,
            spi: self.spi.ok_or(Error::Missing("spi"))?,
            proto: self.proto.ok_or(Error::Missing("proto"))?,
            daddr: self.daddr.ok_or(Error::Missing("daddr"))?,
        })
    }
}

/// An SA of a `sa-get` reply (or of one message of its dump).
pub fn decode_sa(bytes: &[u8]) -> Result<SaInfo, Error> {
    let mut id = IdParts::default();
    let mut info = SaInfo {
        id: SaId {
            dir: Dir::Unknown(0),
            spi: 0,
            proto: Proto::Unknown(0),
            daddr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        },
        mode: None,
        saddr: None,
        ifindex: 0,
        encr_alg: None,
        integ_alg: None,
        replay_window: 0,
        flags: SaFlags::default(),
        lifetime_soft: Lifetime::default(),
        lifetime_hard: Lifetime::default(),
        selectors: Vec::new(),
        owner: 0,
        counters: Counters::default(),
        seq: 0,
        add_time: 0,
    };

    for attr in parse_attrs(AttrSet::Sa, bytes)? {
        if !id.take(&attr)? {
            apply_sa_attr(&mut info, &attr)?;
        }
    }

    info.id = id.finish()?;
    Ok(info)
}

/// Stores one attribute of an SA reply; `pad` and unknown attributes are skipped.
fn apply_sa_attr(info: &mut SaInfo, attr: &RawAttr<'_>) -> Result<(), Error> {
    match attr.kind() {
        sa::MODE => info.mode = Some(attr.get_u8()?.into()),
        sa::SADDR => info.saddr = Some(attr.get_addr()?),
        sa::IFINDEX => info.ifindex = attr.get_u32()?,
        sa::ENCR_ALG => info.encr_alg = Some(attr.get_u16()?.into()),
        sa::INTEG_ALG => info.integ_alg = Some(attr.get_u16()?.into()),
        sa::REPLAY_WINDOW => info.replay_window = attr.get_u32()?,
        sa::FLAGS => info.flags = SaFlags(attr.get_u32()?),
        sa::LIFETIME_SOFT => info.lifetime_soft = decode_lifetime(attr)?,
        sa::LIFETIME_HARD => info.lifetime_hard = decode_lifetime(attr)?,
        sa::SELECTOR => info.selectors.push(decode_selector(attr)?),
        sa::OWNER => info.owner = attr.get_u64()?,
        sa::COUNTERS => info.counters = decode_counters(attr)?,
        sa::SEQ => info.seq = attr.get_u64()?,
        sa::ADD_TIME => info.add_time = attr.get_u64()?,
        _ => {}
    }
    Ok(())
}

fn decode_lifetime(nest: &RawAttr<'_>) -> Result<Lifetime, Error> {
    let mut limits = Lifetime::default();
    for attr in nest.nested()? {
        match attr.kind() {
            lifetime::BYTES => limits.bytes = attr.get_u64()?,
            lifetime::PACKETS => limits.packets = attr.get_u64()?,
            lifetime::SECONDS => limits.seconds = attr.get_u64()?,
            _ => {}
        }
    }
    Ok(limits)
}

fn decode_counters(nest: &RawAttr<'_>) -> Result<Counters, Error> {
    let mut c = Counters::default();
    for attr in nest.nested()? {
        let slot = match attr.kind() {
            counters::PACKETS => &mut c.packets,
            counters::BYTES => &mut c.bytes,
            counters::DROP_REPLAY => &mut c.drop_replay,
            counters::DROP_AUTH => &mut c.drop_auth,
            counters::DROP_PADDING => &mut c.drop_padding,
            counters::DROP_SELECTOR => &mut c.drop_selector,
            counters::DROP_MALFORMED => &mut c.drop_malformed,
            counters::DROP_SEQ_EXHAUSTED => &mut c.drop_seq_exhausted,
            _ => continue,
        };
        *slot = attr.get_u64()?;
    }
    Ok(c)
}

/// Selector parts as they turn up; an address counts only with its prefix length.
#[derive(Default)]
struct SelectorParts {
    src: (Option<IpAddr>, Option<u8>),
    dst: (Option<IpAddr>, Option<u8>),
    proto: u8,
    src_ports: (Option<u16>, Option<u16>),
    dst_ports: (Option<u16>, Option<u16>),
}

fn decode_selector(nest: &RawAttr<'_>) -> Result<Selector, Error> {
    let mut p = SelectorParts::default();
    for attr in nest.nested()? {
        match attr.kind() {
            selector::SRC_ADDR => p.src.0 = Some(attr.get_addr()?),
            selector::SRC_PREFIX => p.src.1 = Some(prefix_len(&attr)?),
            selector::DST_ADDR => p.dst.0 = Some(attr.get_addr()?),
            selector::DST_PREFIX => p.dst.1 = Some(prefix_len(&attr)?),
            selector::PROTO => p.proto = attr.get_u8()?,
            selector::SRC_PORT_MIN => p.src_ports.0 = Some(attr.get_u16()?),
            selector::SRC_PORT_MAX => p.src_ports.1 = Some(attr.get_u16()?),
            selector::DST_PORT_MIN => p.dst_ports.0 = Some(attr.get_u16()?),
            selector::DST_PORT_MAX => p.dst_ports.1 = Some(attr.get_u16()?),
            _ => {}
        }
    }
    Ok(Selector {
        src: prefix(p.src),
        dst: prefix(p.dst),
        proto: p.proto,
        src_ports: ports(p.src_ports),
        dst_ports: ports(p.dst_ports),
    })
}

/// A prefix length, checked against the address size it may apply to.
fn prefix_len(attr: &RawAttr<'_>) -> Result<u8, Error> {
    let len = attr.get_u8()?;
    if len > 128 {
        return Err(attr.malformed(format!("prefix length {len} exceeds 128")));
    }
    Ok(len)
}

/// An address with its prefix length; an address alone is a host (full-length prefix).
fn prefix((addr, len): (Option<IpAddr>, Option<u8>)) -> Option<Prefix> {
    let addr = addr?;
    let full = if addr.is_ipv4() { 32 } else { 128 };
    Some(Prefix {
        addr,
        len: len.unwrap_or(full),
    })
}

/// A port range; one end alone is taken as both (absent means any).
fn ports((min, max): (Option<u16>, Option<u16>)) -> Option<PortRange> {
    match (min, max) {
        (None, None) => None,
        (min, max) => Some(PortRange {
            min: min.unwrap_or(0),
            max: max.unwrap_or(u16::MAX),
        }),
    }
}

/// An event of the `events` group; `None` for a command that is not an event.
pub fn decode_event(command: u8, bytes: &[u8]) -> Result<Option<Event>, Error> {
    match command {
        cmd::SA_EXPIRE => decode_expire(bytes).map(Some),
        cmd::ACQUIRE => decode_acquire(bytes).map(Some),
        _ => Ok(None),
    }
}

fn decode_expire(bytes: &[u8]) -> Result<Event, Error> {
    let mut id = IdParts::default();
    let (mut owner, mut kind) = (0, None);
    for attr in parse_attrs(AttrSet::Sa, bytes)? {
        if id.take(&attr)? {
            continue;
        }
        match attr.kind() {
            sa::OWNER => owner = attr.get_u64()?,
            sa::EXPIRE_KIND => kind = Some(attr.get_u8()?.into()),
            _ => {}
        }
    }
    Ok(Event::Expire {
        id: id.finish()?,
        owner,
        kind: kind.ok_or(Error::Missing("expire-kind"))?,
    })
}

fn decode_acquire(bytes: &[u8]) -> Result<Event, Error> {
    let (mut ifindex, mut sel) = (None, None);
    for attr in parse_attrs(AttrSet::Sa, bytes)? {
        match attr.kind() {
            sa::IFINDEX => ifindex = Some(attr.get_u32()?),
            sa::SELECTOR => sel = Some(decode_selector(&attr)?),
            _ => {}
        }
    }
    Ok(Event::Acquire {
        ifindex: ifindex.ok_or(Error::Missing("ifindex"))?,
        selector: sel.ok_or(Error::Missing("selector"))?,
    })
}

/// The replies to one request, read datagram by datagram until the final ack, NLMSG_DONE or
/// error; messages of other sequence numbers (left over from an abandoned exchange) are skipped.
#[derive(Debug)]
pub struct Exchange<'r> {
    seq: u32,
    request: &'r [u8],
    interrupted: bool,
}

impl<'r> Exchange<'r> {
    /// Follows the replies to `request`, sent with sequence number `seq`.
    pub fn new(seq: u32, request: &'r [u8]) -> Self {
        Exchange {
            seq,
            request,
            interrupted: false,
        }
    }

    /// Whether a dump message carried NLM_F_DUMP_INTR (the table changed during the dump).
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    /// Reads one datagram, handing each data message to `on_msg`; returns whether the
    /// exchange is over.
    pub fn feed<I, F>(&mut self, datagram: &[u8], on_msg: &mut F) -> Result<bool, Error>
    where
        I: NetlinkDeserializable,
        I::Error: std::fmt::Display,
        F: FnMut(I) -> Result<(), Error>,
    {
        let mut rest = datagram;
        while !rest.is_empty() {
            let msg = next_message::<I>(&mut rest)?;
            if msg.header.sequence_number != self.seq {
                continue;
            }
            if self.handle(msg, on_msg)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn handle<I, F>(&mut self, msg: NetlinkMessage<I>, on_msg: &mut F) -> Result<bool, Error>
    where
        F: FnMut(I) -> Result<(), Error>,
    {
        let flags = msg.header.flags;
        self.interrupted |= flags & NLM_F_DUMP_INTR != 0;
        match msg.payload {
            NetlinkPayload::Error(e) => match e.code {
                None => Ok(true),
                Some(code) => {
                    let errno = code.get().saturating_neg();
                    let err = KernelError::from_error_body(errno, flags, &e.header, self.request);
                    Err(Error::Kernel(err))
                }
            },
            NetlinkPayload::Done(done) if done.code < 0 => {
                let errno = done.code.saturating_neg();
                let tlvs = &done.extended_ack;
                let err = KernelError::from_tlvs(errno, flags, tlvs, self.request);
                Err(Error::Kernel(err))
            }
            NetlinkPayload::Done(_) => Ok(true),
            NetlinkPayload::InnerMessage(inner) => on_msg(inner).map(|()| false),
            NetlinkPayload::Overrun(_) => Err(Error::Protocol("receive overrun".into())),
            _ => Ok(false),
        }
    }
}

/// Splits the first message off `rest` and parses it.
fn next_message<I>(rest: &mut &[u8]) -> Result<NetlinkMessage<I>, Error>
where
    I: NetlinkDeserializable,
    I::Error: std::fmt::Display,
{
    let bytes: &[u8] = rest;
    let buf = netlink_packet_core::NetlinkBuffer::new_checked(&bytes)
        .map_err(|e| Error::Protocol(format!("bad netlink message: {e}")))?;
    let len = buf.length() as usize;
    let msg = NetlinkMessage::<I>::parse(&buf)
        .map_err(|e| Error::Protocol(format!("bad netlink message: {e}")))?;
    let aligned = ((len + 3) & !3).min(rest.len());
    *rest = &rest[aligned..];
    Ok(msg)
}
