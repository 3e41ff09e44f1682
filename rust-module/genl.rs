// SPDX-License-Identifier: GPL-2.0

//! The `rsec` generic netlink family (Documentation/netlink/rsec.yaml): its policies,
//! operations and handlers. Handlers parse the attributes into the plain request structs of
//! `sa.rs`, validate them whole, act on the namespace's [`Sadb`], and report any rejection
//! with an errno and an extended ack message naming the attribute at fault.
//!
//! Every operation needs CAP_NET_ADMIN in the user namespace owning the caller's network
//! namespace (`GENL_UNS_ADMIN_PERM`) and is validated strictly: each command accepts exactly
//! the attributes the spec lists for its request, with exact types and lengths.

use crate::abi::{self, cmd, lifetime as lt, sa as at, selector as sel};
use crate::kfuncs::boottime_seconds;
use crate::kfuncs::genl::{
    Attr, AttrIter, DoIt, Dump, DumpIt, Family, McGroup, Msg, Policy, Request, SplitOp,
};
use crate::netns;
use crate::sa::{
    self, errno, BadAttr, Filter, Lifetime, LifetimeRequest, SaError, SaIdRequest, SaNewRequest,
    Selector, SelectorRequest, SpiAllocRequest,
};
use crate::sadb::{Counters, Sa, Sadb};
use core::sync::atomic::Ordering;
use kernel::prelude::*;

/// The `lifetime` nest.
static LIFETIME_POLICY: [Policy; lt::MAX as usize + 1] = {
    let mut p = [Policy::reject(); lt::MAX as usize + 1];
    p[lt::BYTES as usize] = Policy::u64();
    p[lt::PACKETS as usize] = Policy::u64();
    p[lt::SECONDS as usize] = Policy::u64();
    p
};

/// The `selector` nest.
static SELECTOR_POLICY: [Policy; sel::MAX as usize + 1] = {
    let mut p = [Policy::reject(); sel::MAX as usize + 1];
    p[sel::SRC_ADDR as usize] = Policy::binary(4, 16);
    p[sel::SRC_PREFIX as usize] = Policy::u8();
    p[sel::DST_ADDR as usize] = Policy::binary(4, 16);
    p[sel::DST_PREFIX as usize] = Policy::u8();
    p[sel::PROTO as usize] = Policy::u8();
    p[sel::SRC_PORT_MIN as usize] = Policy::u16();
    p[sel::SRC_PORT_MAX as usize] = Policy::u16();
    p[sel::DST_PORT_MIN as usize] = Policy::u16();
    p[sel::DST_PORT_MAX as usize] = Policy::u16();
    p
};

/// Number of entries of an `sa` policy.
const SA_N: usize = at::MAX as usize + 1;

/// Every input attribute of the `sa` set; output-only ones (counters, seq, add-time,
/// expire-kind, pad) are rejected. Value ranges are checked by `sa.rs`, with clearer messages.
const SA_POLICY: [Policy; SA_N] = {
    let mut p = [Policy::reject(); SA_N];
    p[at::SPI as usize] = Policy::u32();
    p[at::PROTO as usize] = Policy::u8();
    p[at::DIR as usize] = Policy::u8();
    p[at::MODE as usize] = Policy::u8();
    p[at::SADDR as usize] = Policy::binary(4, 16);
    p[at::DADDR as usize] = Policy::binary(4, 16);
    p[at::IFINDEX as usize] = Policy::u32();
    p[at::ENCR_ALG as usize] = Policy::u16();
    p[at::ENCR_KEY as usize] = Policy::binary(16, sa::ENCR_KEY_MAX as u16);
    p[at::INTEG_ALG as usize] = Policy::u16();
    p[at::INTEG_KEY as usize] = Policy::binary(32, sa::INTEG_KEY_MAX as u16);
    p[at::REPLAY_WINDOW as usize] = Policy::u32();
    p[at::FLAGS as usize] = Policy::u32();
    p[at::LIFETIME_SOFT as usize] = Policy::nested(&LIFETIME_POLICY);
    p[at::LIFETIME_HARD as usize] = Policy::nested(&LIFETIME_POLICY);
    p[at::SELECTOR as usize] = Policy::nested(&SELECTOR_POLICY);
    p[at::OWNER as usize] = Policy::u64();
    p[at::SPI_MIN as usize] = Policy::u32();
    p[at::SPI_MAX as usize] = Policy::u32();
    p
};

/// SPI_ALLOC accepts these.
static SPI_ALLOC_POLICY: [Policy; SA_N] = Policy::only(
    SA_POLICY,
    &[at::PROTO, at::DADDR, at::SPI_MIN, at::SPI_MAX, at::OWNER],
);

/// SA_NEW accepts these.
static SA_NEW_POLICY: [Policy; SA_N] = Policy::only(
    SA_POLICY,
    &[
        at::SPI,
        at::PROTO,
        at::DIR,
        at::MODE,
        at::SADDR,
        at::DADDR,
        at::IFINDEX,
        at::ENCR_ALG,
        at::ENCR_KEY,
        at::INTEG_ALG,
        at::INTEG_KEY,
        at::REPLAY_WINDOW,
        at::FLAGS,
        at::LIFETIME_SOFT,
        at::LIFETIME_HARD,
        at::SELECTOR,
        at::OWNER,
    ],
);

/// SA_DEL and SA_GET (do) accept these.
static SA_ID_POLICY: [Policy; SA_N] =
    Policy::only(SA_POLICY, &[at::DIR, at::SPI, at::PROTO, at::DADDR]);

/// SA_GET (dump) and SA_FLUSH accept these.
static FILTER_POLICY: [Policy; SA_N] = Policy::only(SA_POLICY, &[at::IFINDEX, at::OWNER]);

/// The operations, sorted by command, each `do` before its `dump`.
static OPS: [SplitOp; 6] = [
    SplitOp::doit::<SpiAllocOp>(cmd::SPI_ALLOC, &SPI_ALLOC_POLICY),
    SplitOp::doit::<SaNewOp>(cmd::SA_NEW, &SA_NEW_POLICY),
    SplitOp::doit::<SaDelOp>(cmd::SA_DEL, &SA_ID_POLICY),
    SplitOp::doit::<SaGetOp>(cmd::SA_GET, &SA_ID_POLICY),
    SplitOp::dumpit::<SaDumpOp>(cmd::SA_GET, &FILTER_POLICY),
    SplitOp::doit::<SaFlushOp>(cmd::SA_FLUSH, &FILTER_POLICY),
];

/// The multicast groups: `events` (SA_EXPIRE, ACQUIRE; nothing is sent yet).
static MCGRPS: [McGroup; 1] = [McGroup::new(abi::MCGRP_EVENTS)];

/// The family.
pub(crate) static FAMILY: Family =
    Family::new(abi::FAMILY_NAME, abi::FAMILY_VERSION, &OPS, &MCGRPS);

/// The namespace's database, or an error if the namespace has none (cannot happen once the
/// module is loaded: every namespace gets one).
fn sadb<'a>(req: &Request<'a>) -> Result<&'a Sadb> {
    netns::sadb(req.net()).ok_or(ENODEV)
}

/// Reports `err` in the extended ack of `req` and returns its errno.
fn reject(req: &Request<'_>, err: SaError) -> Error {
    req.set_msg(err.msg);
    let nth_selector = |n: usize| req.attrs().filter(|a| a.ty == at::SELECTOR).nth(n);
    match err.bad {
        BadAttr::None => {}
        BadAttr::Attr(ty) => {
            if let Some(a) = req.attrs().find(|a| a.ty == ty) {
                req.set_bad_attr(&a);
            }
        }
        BadAttr::Missing(ty) => req.set_missing(None, ty),
        BadAttr::Selector(n) => {
            if let Some(a) = nth_selector(n) {
                req.set_bad_attr(&a);
            }
        }
        BadAttr::SelectorMissing(n, ty) => req.set_missing(nth_selector(n).as_ref(), ty),
    }
    Error::from_errno(-err.errno)
}

/// SPI_ALLOC.
struct SpiAllocOp;

impl DoIt for SpiAllocOp {
    fn doit(req: &Request<'_>) -> Result {
        let mut r = SpiAllocRequest::default();
        for a in req.attrs() {
            match a.ty {
                at::PROTO => r.proto = Some(a.u8()),
                at::DADDR => r.daddr = Some(a.payload),
                at::SPI_MIN => r.spi_min = Some(a.u32()),
                at::SPI_MAX => r.spi_max = Some(a.u32()),
                at::OWNER => r.owner = Some(a.u64()),
                _ => {}
            }
        }
        let alloc = sa::validate_spi_alloc(&r).map_err(|e| reject(req, e))?;
        let spi = sadb(req)?.alloc_spi(&alloc).map_err(|e| reject(req, e))?;
        req.reply(|m| m.put_u32(at::SPI, spi))
    }
}

/// SA_NEW.
struct SaNewOp;

impl DoIt for SaNewOp {
    fn doit(req: &Request<'_>) -> Result {
        let r = parse_new(req.attrs());
        let (params, keys) = sa::validate_new(&r).map_err(|e| reject(req, e))?;
        if !req.net().has_device(params.ifindex) {
            let err = SaError::new(
                errno::ENODEV,
                c"no device with this ifindex in the namespace",
                BadAttr::Attr(at::IFINDEX),
            );
            return Err(reject(req, err));
        }
        sadb(req)?.add(&params, keys).map_err(|e| reject(req, e))
    }
}

/// Reads an SA_NEW request.
fn parse_new(attrs: AttrIter<'_>) -> SaNewRequest<'_> {
    let mut r = SaNewRequest::default();
    for a in attrs {
        match a.ty {
            at::SPI => r.spi = Some(a.u32()),
            at::PROTO => r.proto = Some(a.u8()),
            at::DIR => r.dir = Some(a.u8()),
            at::MODE => r.mode = Some(a.u8()),
            at::SADDR => r.saddr = Some(a.payload),
            at::DADDR => r.daddr = Some(a.payload),
            at::IFINDEX => r.ifindex = Some(a.u32()),
            at::ENCR_ALG => r.encr_alg = Some(a.u16()),
            at::ENCR_KEY => r.encr_key = Some(a.payload),
            at::INTEG_ALG => r.integ_alg = Some(a.u16()),
            at::INTEG_KEY => r.integ_key = Some(a.payload),
            at::REPLAY_WINDOW => r.replay_window = Some(a.u32()),
            at::FLAGS => r.flags = Some(a.u32()),
            at::LIFETIME_SOFT => r.soft = parse_lifetime(&a),
            at::LIFETIME_HARD => r.hard = parse_lifetime(&a),
            at::SELECTOR => r.add_selector(parse_selector(&a)),
            at::OWNER => r.owner = Some(a.u64()),
            _ => {}
        }
    }
    r
}

/// Reads a `lifetime` nest.
fn parse_lifetime(nest: &Attr<'_>) -> LifetimeRequest {
    let mut l = LifetimeRequest::default();
    for a in nest.nested() {
        match a.ty {
            lt::BYTES => l.bytes = Some(a.u64()),
            lt::PACKETS => l.packets = Some(a.u64()),
            lt::SECONDS => l.seconds = Some(a.u64()),
            _ => {}
        }
    }
    l
}

/// Reads a `selector` nest.
fn parse_selector<'a>(nest: &Attr<'a>) -> SelectorRequest<'a> {
    let mut s = SelectorRequest::default();
    for a in nest.nested() {
        match a.ty {
            sel::SRC_ADDR => s.src_addr = Some(a.payload),
            sel::SRC_PREFIX => s.src_prefix = Some(a.u8()),
            sel::DST_ADDR => s.dst_addr = Some(a.payload),
            sel::DST_PREFIX => s.dst_prefix = Some(a.u8()),
            sel::PROTO => s.proto = Some(a.u8()),
            sel::SRC_PORT_MIN => s.src_port_min = Some(a.u16()),
            sel::SRC_PORT_MAX => s.src_port_max = Some(a.u16()),
            sel::DST_PORT_MIN => s.dst_port_min = Some(a.u16()),
            sel::DST_PORT_MAX => s.dst_port_max = Some(a.u16()),
            _ => {}
        }
    }
    s
}

/// Reads the attributes naming an SA.
fn parse_id(attrs: AttrIter<'_>) -> SaIdRequest<'_> {
    let mut r = SaIdRequest::default();
    for a in attrs {
        match a.ty {
            at::DIR => r.dir = Some(a.u8()),
            at::SPI => r.spi = Some(a.u32()),
            at::PROTO => r.proto = Some(a.u8()),
            at::DADDR => r.daddr = Some(a.payload),
            _ => {}
        }
    }
    r
}

/// Reads and checks a dump or flush filter.
fn parse_filter(req: &Request<'_>) -> Result<Filter> {
    let (mut ifindex, mut owner) = (None, None);
    for a in req.attrs() {
        match a.ty {
            at::IFINDEX => ifindex = Some(a.u32()),
            at::OWNER => owner = Some(a.u64()),
            _ => {}
        }
    }
    Filter::new(ifindex, owner).map_err(|e| reject(req, e))
}

/// SA_DEL.
struct SaDelOp;

impl DoIt for SaDelOp {
    fn doit(req: &Request<'_>) -> Result {
        let key = sa::validate_id(&parse_id(req.attrs())).map_err(|e| reject(req, e))?;
        sadb(req)?.remove(&key).map_err(|e| reject(req, e))
    }
}

/// SA_GET of one SA.
struct SaGetOp;

impl DoIt for SaGetOp {
    fn doit(req: &Request<'_>) -> Result {
        let key = sa::validate_id(&parse_id(req.attrs())).map_err(|e| reject(req, e))?;
        let Some(found) = sadb(req)?.lookup(&key) else {
            return Err(reject(
                req,
                SaError::new(errno::ENOENT, c"no such SA", BadAttr::None),
            ));
        };
        req.reply(|m| put_sa(m, &found))
    }
}

/// Where a dump is and what it selects.
#[derive(Clone, Copy)]
struct DumpState {
    /// The id of the next SA to send.
    next: u64,
    filter: Filter,
}

/// SA_GET dump.
struct SaDumpOp;

impl DumpIt for SaDumpOp {
    type State = DumpState;

    fn start(req: &Request<'_>) -> Result<DumpState> {
        Ok(DumpState {
            next: 0,
            filter: parse_filter(req)?,
        })
    }

    fn dump(dump: &mut Dump<'_>, state: &mut DumpState) -> Result<bool> {
        let db = netns::sadb(dump.net()).ok_or(ENODEV)?;
        let mut failed = None;
        let resume = db.walk(state.next, &state.filter, |sa| {
            match dump.entry(|m| put_sa(m, sa)) {
                Ok(fitted) => fitted,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        match resume {
            Some(next) => {
                state.next = next;
                Ok(false)
            }
            None => Ok(true),
        }
    }
}

/// SA_FLUSH.
struct SaFlushOp;

impl DoIt for SaFlushOp {
    fn doit(req: &Request<'_>) -> Result {
        let filter = parse_filter(req)?;
        sadb(req)?.flush(&filter);
        Ok(())
    }
}

/// Writes an SA as the spec's sa-get reply: everything but the keys.
fn put_sa(m: &mut Msg<'_>, sa: &Sa) -> Result {
    let p = &sa.params;
    m.put_u32(at::SPI, p.key.spi)?;
    m.put_u8(at::PROTO, p.key.proto)?;
    m.put_u8(at::DIR, p.key.dir)?;
    m.put_u8(at::MODE, p.mode)?;
    m.put(at::SADDR, p.saddr.as_bytes())?;
    m.put(at::DADDR, p.key.daddr.as_bytes())?;
    m.put_u32(at::IFINDEX, p.ifindex)?;
    m.put_u16(at::ENCR_ALG, p.encr_alg)?;
    if p.integ_alg != 0 {
        m.put_u16(at::INTEG_ALG, p.integ_alg)?;
    }
    m.put_u32(at::REPLAY_WINDOW, p.replay_window)?;
    m.put_u32(at::FLAGS, p.flags)?;
    m.nest(at::LIFETIME_SOFT, |m| put_lifetime(m, &p.soft))?;
    m.nest(at::LIFETIME_HARD, |m| put_lifetime(m, &p.hard))?;
    for s in p.selectors.iter() {
        m.nest(at::SELECTOR, |m| put_selector(m, s))?;
    }
    m.put_u64(at::OWNER, p.owner, at::PAD)?;
    m.nest(at::COUNTERS, |m| put_counters(m, &sa.counters))?;
    m.put_u64(at::SEQ, sa.seq.load(Ordering::Relaxed), at::PAD)?;
    m.put_u64(
        at::ADD_TIME,
        boottime_seconds().saturating_sub(sa.created),
        at::PAD,
    )
}

/// Writes a `lifetime` nest's contents.
fn put_lifetime(m: &mut Msg<'_>, l: &Lifetime) -> Result {
    m.put_u64(lt::BYTES, l.bytes, lt::PAD)?;
    m.put_u64(lt::PACKETS, l.packets, lt::PAD)?;
    m.put_u64(lt::SECONDS, l.seconds, lt::PAD)
}

/// Writes a `selector` nest's contents.
fn put_selector(m: &mut Msg<'_>, s: &Selector) -> Result {
    m.put(sel::SRC_ADDR, s.src.as_bytes())?;
    m.put_u8(sel::SRC_PREFIX, s.src_prefix)?;
    m.put(sel::DST_ADDR, s.dst.as_bytes())?;
    m.put_u8(sel::DST_PREFIX, s.dst_prefix)?;
    m.put_u8(sel::PROTO, s.proto)?;
    m.put_u16(sel::SRC_PORT_MIN, s.src_ports.0)?;
    m.put_u16(sel::SRC_PORT_MAX, s.src_ports.1)?;
    m.put_u16(sel::DST_PORT_MIN, s.dst_ports.0)?;
    m.put_u16(sel::DST_PORT_MAX, s.dst_ports.1)
}

/// Writes a `counters` nest's contents.
fn put_counters(m: &mut Msg<'_>, c: &Counters) -> Result {
    use abi::counters as ct;
    let all = [
        (ct::PACKETS, &c.packets),
        (ct::BYTES, &c.bytes),
        (ct::DROP_REPLAY, &c.drop_replay),
        (ct::DROP_AUTH, &c.drop_auth),
        (ct::DROP_PADDING, &c.drop_padding),
        (ct::DROP_SELECTOR, &c.drop_selector),
        (ct::DROP_MALFORMED, &c.drop_malformed),
        (ct::DROP_SEQ_EXHAUSTED, &c.drop_seq_exhausted),
    ];
    for (ty, v) in all {
        m.put_u64(ty, v.load(Ordering::Relaxed), ct::PAD)?;
    }
    Ok(())
}
