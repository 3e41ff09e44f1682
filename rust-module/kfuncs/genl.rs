// SPDX-License-Identifier: GPL-2.0

//! A safe layer over generic netlink: attribute policies, split operations and the family
//! (built as statics by `genl.rs`), the request a handler receives ([`Request`]), reply and
//! dump messages ([`Msg`], [`Dump`]) and attribute walking ([`Attr`]).
//!
//! Handlers are types implementing [`DoIt`] or [`DumpIt`]; the `extern "C"` trampolines here
//! turn the kernel's raw pointers into these wrappers and the handler's result into an errno.

use crate::bindings;
use crate::kfuncs::Net;
use core::cell::UnsafeCell;
use core::ffi::{c_int, CStr};
use core::marker::PhantomData;
use core::mem::size_of;
use kernel::error::code::ENOMEM;
use kernel::ffi::c_char;
use kernel::prelude::*;
use kernel::ThisModule;

/// `EMSGSIZE`: the message buffer is full (the `kernel` crate of 6.12 does not name it).
#[allow(non_snake_case)]
fn EMSGSIZE() -> Error {
    Error::from_errno(-90)
}

/// Length of the generic netlink header (`GENL_HDRLEN`).
const GENL_HDRLEN: c_int = 4;

/// `NLA_HDRLEN`.
const NLA_HDRLEN: usize = 4;

/// One attribute's validation rule (`struct nla_policy`).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct Policy(bindings::nla_policy);

// SAFETY: a policy is immutable once built; its only pointer is to another static policy.
unsafe impl Sync for Policy {}

impl Policy {
    /// A rule of `type_` with no further check.
    const fn of(type_: u32) -> Policy {
        Policy(bindings::nla_policy {
            type_: type_ as u8,
            validation_type: 0,
            len: 0,
            __bindgen_anon_1: bindings::nla_policy__bindgen_ty_1 { mask: 0 },
        })
    }

    /// Not accepted: strict validation rejects the attribute.
    pub(crate) const fn reject() -> Policy {
        Policy::of(bindings::NLA_UNSPEC)
    }

    /// Exactly 1 byte.
    pub(crate) const fn u8() -> Policy {
        Policy::of(bindings::NLA_U8)
    }

    /// Exactly 2 bytes.
    pub(crate) const fn u16() -> Policy {
        Policy::of(bindings::NLA_U16)
    }

    /// Exactly 4 bytes.
    pub(crate) const fn u32() -> Policy {
        Policy::of(bindings::NLA_U32)
    }

    /// Exactly 8 bytes.
    pub(crate) const fn u64() -> Policy {
        Policy::of(bindings::NLA_U64)
    }

    /// Bytes, `min` to `max` long.
    pub(crate) const fn binary(min: u16, max: u16) -> Policy {
        let mut p = Policy::of(bindings::NLA_BINARY);
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE as u8;
        p.0.__bindgen_anon_1 = bindings::nla_policy__bindgen_ty_1 {
            __bindgen_anon_1: bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 {
                min: min as i16,
                max: max as i16,
            },
        };
        p
    }

    /// A nest of attributes checked against `nested` (indexed by type, `0` unused).
    pub(crate) const fn nested(nested: &'static [Policy]) -> Policy {
        let mut p = Policy::of(bindings::NLA_NESTED);
        p.0.len = (nested.len() - 1) as u16;
        p.0.__bindgen_anon_1 = bindings::nla_policy__bindgen_ty_1 {
            nested_policy: nested.as_ptr().cast(),
        };
        p
    }

    /// `full` with every attribute not in `allowed` rejected: the policy of one command.
    pub(crate) const fn only<const N: usize>(full: [Policy; N], allowed: &[u16]) -> [Policy; N] {
        let mut out = [Policy::reject(); N];
        let mut i = 0;
        while i < allowed.len() {
            let ty = allowed[i] as usize;
            out[ty] = full[ty];
            i += 1;
        }
        out
    }
}

/// A `do` handler.
pub(crate) trait DoIt {
    /// Handles one request; an `Err` is returned to the sender as its errno (the handler sets
    /// the extended ack message itself).
    fn doit(req: &Request<'_>) -> Result;
}

/// A `dump` handler, keeping `State` between the parts of a dump.
pub(crate) trait DumpIt {
    /// The dump's position and filter; at most 48 bytes.
    type State: Copy;

    /// Checks the request once, before the first part; returns the initial state.
    fn start(req: &Request<'_>) -> Result<Self::State>;

    /// Fills one part. Returns `true` when the dump is complete.
    fn dump(dump: &mut Dump<'_>, state: &mut Self::State) -> Result<bool>;
}

/// One operation of the family (`struct genl_split_ops`).
#[repr(transparent)]
pub(crate) struct SplitOp(bindings::genl_split_ops);

// SAFETY: immutable once built; it points to static policies and functions only.
unsafe impl Sync for SplitOp {}

impl SplitOp {
    /// The `do` of `cmd`, checked with `policy`, needing CAP_NET_ADMIN in the user namespace
    /// owning the request's network namespace.
    pub(crate) const fn doit<H: DoIt>(cmd: u8, policy: &'static [Policy]) -> SplitOp {
        let mut op = SplitOp::empty(cmd, policy, bindings::GENL_CMD_CAP_DO);
        op.0.__bindgen_anon_1.__bindgen_anon_1.doit = Some(doit_trampoline::<H>);
        op
    }

    /// The `dump` of `cmd`, as for [`SplitOp::doit`].
    pub(crate) const fn dumpit<H: DumpIt>(cmd: u8, policy: &'static [Policy]) -> SplitOp {
        // Evaluated at compile time: the ops are statics.
        assert!(size_of::<H::State>() <= 48 && core::mem::align_of::<H::State>() <= 8);
        let mut op = SplitOp::empty(cmd, policy, bindings::GENL_CMD_CAP_DUMP);
        op.0.__bindgen_anon_1.__bindgen_anon_2.start = Some(start_trampoline::<H>);
        op.0.__bindgen_anon_1.__bindgen_anon_2.dumpit = Some(dumpit_trampoline::<H>);
        op
    }

    /// An operation without callbacks yet.
    const fn empty(cmd: u8, policy: &'static [Policy], cap: u32) -> SplitOp {
        SplitOp(bindings::genl_split_ops {
            __bindgen_anon_1: bindings::genl_split_ops__bindgen_ty_1 {
                __bindgen_anon_1: bindings::genl_split_ops__bindgen_ty_1__bindgen_ty_1 {
                    pre_doit: None,
                    doit: None,
                    post_doit: None,
                },
            },
            policy: policy.as_ptr().cast(),
            maxattr: (policy.len() - 1) as u32,
            cmd,
            internal_flags: 0,
            flags: (bindings::GENL_UNS_ADMIN_PERM | cap) as u8,
            // Zero: strict validation of everything (no GENL_DONT_VALIDATE_*).
            validate: 0,
        })
    }
}

/// A multicast group (`struct genl_multicast_group`).
#[repr(transparent)]
pub(crate) struct McGroup(bindings::genl_multicast_group);

// SAFETY: immutable once built.
unsafe impl Sync for McGroup {}

impl McGroup {
    /// A group called `name`, joinable by anyone.
    pub(crate) const fn new(name: &CStr) -> McGroup {
        McGroup(bindings::genl_multicast_group {
            name: c_name(name),
            flags: 0,
        })
    }
}

/// A name for a 16-byte `char` array (`GENL_NAMSIZ`), NUL-padded.
const fn c_name(name: &CStr) -> [c_char; 16] {
    let bytes = name.to_bytes();
    assert!(bytes.len() < 16);
    let mut out = [0 as c_char; 16];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i] as c_char;
        i += 1;
    }
    out
}

/// A generic netlink family, registered with [`Family::register`].
pub(crate) struct Family(UnsafeCell<bindings::genl_family>);

// SAFETY: the kernel writes the family (id, group offset) only inside
// `genl_register_family`, which `register` calls once before any other use.
unsafe impl Sync for Family {}

impl Family {
    /// A family called `name` with these operations (sorted by command, each `do` before its
    /// `dump`) and multicast groups, usable in every network namespace, with parallel ops
    /// (handlers do their own locking).
    pub(crate) const fn new(
        name: &CStr,
        version: u32,
        ops: &'static [SplitOp],
        mcgrps: &'static [McGroup],
    ) -> Family {
        // SAFETY: all-zero is a valid `genl_family`: null pointers, `None` callbacks, 0 counts.
        let mut f: bindings::genl_family = unsafe { core::mem::zeroed() };
        f.name = c_name(name);
        f.version = version;
        f.split_ops = ops.as_ptr().cast();
        f.n_split_ops = ops.len() as u8;
        f.mcgrps = mcgrps.as_ptr().cast();
        f.n_mcgrps = mcgrps.len() as u8;
        Family(UnsafeCell::new(f))
    }

    /// Registers the family as belonging to `module`.
    pub(crate) fn register(&'static self, module: &'static ThisModule) -> Result {
        let f = self.0.get();
        // SAFETY: the family is not registered yet, so nothing else reads or writes it.
        unsafe {
            (*f).module = module.as_ptr().cast();
            (*f).set_netnsok(1);
            (*f).set_parallel_ops(1);
        }
        // SAFETY: `f` is a valid, static family whose ops and groups are static.
        to_result(unsafe { bindings::genl_register_family(f) })
    }

    /// Multicasts a `cmd` message filled by `fill` to group `group` (index into the family's
    /// groups) in `net`, from any context (atomic allocation). Errors (no memory, no
    /// listener) are returned for the caller to ignore or count.
    pub(crate) fn multicast(
        &'static self,
        net: &Net,
        group: u32,
        cmd: u8,
        fill: impl FnOnce(&mut Msg<'_>) -> Result,
    ) -> Result {
        // SAFETY: plain allocation; returns null on failure.
        let skb = unsafe { bindings::rsec_helper_genlmsg_new_atomic(EVENT_SIZE) };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `skb` is fresh; the family is registered (events are sent only while the
        // module is loaded, after init registered it).
        let hdr = unsafe { bindings::rsec_helper_genlmsg_put_event(skb, self.0.get(), cmd) };
        let mut msg = Msg {
            skb,
            _life: PhantomData,
        };
        let filled = if hdr.is_null() {
            Err(EMSGSIZE())
        } else {
            fill(&mut msg)
        };
        if let Err(e) = filled {
            // SAFETY: `skb` is ours and not sent.
            unsafe { bindings::rsec_helper_nlmsg_free(skb) };
            return Err(e);
        }
        // SAFETY: `hdr` starts the message in `skb`; multicasting consumes `skb`; `net` is
        // alive (borrowed).
        to_result(unsafe {
            bindings::rsec_helper_genlmsg_end(skb, hdr);
            bindings::rsec_helper_genlmsg_multicast_netns(self.0.get(), net.as_ptr(), skb, group)
        })
    }

    /// Unregisters the family; returns once no handler runs any more.
    pub(crate) fn unregister(&'static self) {
        // SAFETY: `register` succeeded before (the caller's contract, kept by module exit).
        unsafe { bindings::genl_unregister_family(self.0.get()) };
    }
}

/// Converts a kernel return code.
fn to_result(rc: c_int) -> Result {
    if rc < 0 {
        Err(Error::from_errno(rc))
    } else {
        Ok(())
    }
}

/// A request to a handler: its attributes, namespace and extended ack.
pub(crate) struct Request<'a> {
    info: *const bindings::genl_info,
    _life: PhantomData<&'a bindings::genl_info>,
}

impl<'a> Request<'a> {
    /// # Safety
    ///
    /// `info` is a valid `genl_info` of a request being handled, for `'a`.
    unsafe fn from_raw(info: *const bindings::genl_info) -> Self {
        Request {
            info,
            _life: PhantomData,
        }
    }

    /// The request's top-level attributes (already validated against the op's policy).
    pub(crate) fn attrs(&self) -> AttrIter<'a> {
        // SAFETY: `nlhdr` is the request message (valid for `'a`); the attribute area is
        // `attrlen` bytes from `attrdata` inside it.
        let bytes = unsafe {
            let nlh = (*self.info).nlhdr;
            let data = bindings::rsec_helper_nlmsg_attrdata(nlh, GENL_HDRLEN);
            let len = bindings::rsec_helper_nlmsg_attrlen(nlh, GENL_HDRLEN);
            core::slice::from_raw_parts(data as *const u8, len.max(0) as usize)
        };
        AttrIter { rest: bytes }
    }

    /// The network namespace of the requesting socket.
    pub(crate) fn net(&self) -> &'a Net {
        // SAFETY: the namespace of a request outlives its handling (the socket holds it).
        unsafe { Net::from_raw(bindings::rsec_helper_genl_info_net(self.info)) }
    }

    /// Sets the extended ack message.
    pub(crate) fn set_msg(&self, msg: &'static CStr) {
        self.with_extack(|e| e._msg = msg.as_ptr().cast());
    }

    /// Marks `attr` as the one at fault.
    pub(crate) fn set_bad_attr(&self, attr: &Attr<'a>) {
        self.with_extack(|e| e.bad_attr = attr.whole.as_ptr().cast());
    }

    /// Reports attribute `ty` missing from `nest` (or from the top level).
    pub(crate) fn set_missing(&self, nest: Option<&Attr<'a>>, ty: u16) {
        let nest_ptr = nest.map_or(core::ptr::null(), |n| n.whole.as_ptr().cast());
        self.with_extack(|e| {
            e.miss_type = ty;
            e.miss_nest = nest_ptr;
        });
    }

    /// Runs `f` on the extended ack, if the request has one.
    fn with_extack(&self, f: impl FnOnce(&mut bindings::netlink_ext_ack)) {
        // SAFETY: `extack` is null or the request's ack, written only by this handler now.
        if let Some(e) = unsafe { (*self.info).extack.as_mut() } {
            f(e);
        }
    }

    /// Sends a reply built by `fill` to the requester.
    pub(crate) fn reply(&self, fill: impl FnOnce(&mut Msg<'_>) -> Result) -> Result {
        // SAFETY: plain allocation; returns null on failure.
        let skb = unsafe { bindings::rsec_helper_genlmsg_new(REPLY_SIZE) };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: `skb` is fresh and empty; `info` is valid (see `from_raw`).
        let hdr = unsafe { bindings::rsec_helper_genlmsg_iput(skb, self.info, 0) };
        let mut msg = Msg {
            skb,
            _life: PhantomData,
        };
        let filled = if hdr.is_null() {
            Err(EMSGSIZE())
        } else {
            fill(&mut msg)
        };
        if let Err(e) = filled {
            // SAFETY: `skb` is ours and not sent.
            unsafe { bindings::rsec_helper_nlmsg_free(skb) };
            return Err(e);
        }
        // SAFETY: `hdr` starts the message in `skb`; `genlmsg_reply` consumes `skb`.
        to_result(unsafe {
            bindings::rsec_helper_genlmsg_end(skb, hdr);
            bindings::rsec_helper_genlmsg_reply(skb, self.info.cast_mut())
        })
    }
}

/// Payload room of an event: a key and a selector.
const EVENT_SIZE: usize = 512;

/// Payload room of a `do` reply: an SA with every selector takes about 1.2 KiB.
const REPLY_SIZE: usize = 3072;

/// A message being built.
pub(crate) struct Msg<'a> {
    skb: *mut bindings::sk_buff,
    _life: PhantomData<&'a mut bindings::sk_buff>,
}

impl Msg<'_> {
    /// Appends attribute `ty` with payload `data`.
    pub(crate) fn put(&mut self, ty: u16, data: &[u8]) -> Result {
        // SAFETY: `skb` is a message under construction owned by this builder; `data` is
        // readable for its length.
        let rc = unsafe {
            bindings::nla_put(
                self.skb,
                ty as c_int,
                data.len() as c_int,
                data.as_ptr().cast(),
            )
        };
        to_result(rc).map_err(|_| EMSGSIZE())
    }

    /// Appends a u8 attribute.
    pub(crate) fn put_u8(&mut self, ty: u16, v: u8) -> Result {
        self.put(ty, &[v])
    }

    /// Appends a u16 attribute (host order).
    pub(crate) fn put_u16(&mut self, ty: u16, v: u16) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Appends a u32 attribute (host order).
    pub(crate) fn put_u32(&mut self, ty: u16, v: u32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// Appends a u64 attribute (host order), aligned with a `pad` attribute where needed.
    pub(crate) fn put_u64(&mut self, ty: u16, v: u64, pad: u16) -> Result {
        let bytes = v.to_ne_bytes();
        // SAFETY: as for `put`.
        let rc = unsafe {
            bindings::nla_put_64bit(
                self.skb,
                ty as c_int,
                8,
                bytes.as_ptr().cast(),
                pad as c_int,
            )
        };
        to_result(rc).map_err(|_| EMSGSIZE())
    }

    /// Appends a nest `ty` filled by `fill`; on failure nothing of it stays.
    pub(crate) fn nest(&mut self, ty: u16, fill: impl FnOnce(&mut Self) -> Result) -> Result {
        // SAFETY: as for `put`.
        let start = unsafe { bindings::rsec_helper_nla_nest_start(self.skb, ty as c_int) };
        if start.is_null() {
            return Err(EMSGSIZE());
        }
        match fill(self) {
            Ok(()) => {
                // SAFETY: `start` opened a nest in this message, closed once here.
                unsafe { bindings::rsec_helper_nla_nest_end(self.skb, start) };
                Ok(())
            }
            Err(e) => {
                // SAFETY: `start` opened a nest in this message; cancelling trims it off.
                unsafe { bindings::rsec_helper_nla_nest_cancel(self.skb, start) };
                Err(e)
            }
        }
    }
}

/// One part of a dump being filled.
pub(crate) struct Dump<'a> {
    skb: *mut bindings::sk_buff,
    info: *const bindings::genl_info,
    _life: PhantomData<&'a mut bindings::sk_buff>,
}

impl<'a> Dump<'a> {
    /// The namespace the dump runs in.
    pub(crate) fn net(&self) -> &'a Net {
        // SAFETY: the dumping socket holds its namespace for the dump's duration.
        unsafe { Net::from_raw(bindings::rsec_helper_genl_info_net(self.info)) }
    }

    /// Adds one message filled by `fill`. Returns `Ok(false)` when it did not fit (the part
    /// is full: call again in the next part), `Err(EMSGSIZE())` if it cannot fit even alone.
    pub(crate) fn entry(&mut self, fill: impl FnOnce(&mut Msg<'_>) -> Result) -> Result<bool> {
        // SAFETY: `skb` is this part's message buffer, `info` the dump's request.
        let empty = unsafe { bindings::rsec_helper_skb_len(self.skb) } == 0;
        // SAFETY: as above.
        let hdr = unsafe {
            bindings::rsec_helper_genlmsg_iput(self.skb, self.info, bindings::NLM_F_MULTI as c_int)
        };
        if hdr.is_null() {
            return if empty { Err(EMSGSIZE()) } else { Ok(false) };
        }
        let mut msg = Msg {
            skb: self.skb,
            _life: PhantomData,
        };
        match fill(&mut msg) {
            Ok(()) => {
                // SAFETY: `hdr` started this message in `skb`.
                unsafe { bindings::rsec_helper_genlmsg_end(self.skb, hdr) };
                Ok(true)
            }
            Err(e) => {
                // SAFETY: `hdr` started this message in `skb`; cancelling trims it off.
                unsafe { bindings::rsec_helper_genlmsg_cancel(self.skb, hdr) };
                if empty || e.to_errno() != EMSGSIZE().to_errno() {
                    Err(if empty { EMSGSIZE() } else { e })
                } else {
                    Ok(false)
                }
            }
        }
    }
}

/// `doit` callback: runs `H` on the request.
///
/// # Safety
///
/// Called by the genetlink core only, with the request's valid `info`.
unsafe extern "C" fn doit_trampoline<H: DoIt>(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    // SAFETY: the genetlink core passes the request's valid `info` for the call's duration.
    let req = unsafe { Request::from_raw(info) };
    match H::doit(&req) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// The dump state stored in `cb->ctx`.
///
/// # Safety
///
/// `cb` is a valid dump callback; `S` fits `ctx` (checked in [`SplitOp::dumpit`]).
unsafe fn dump_state<S>(cb: *mut bindings::netlink_callback) -> *mut S {
    // SAFETY: `ctx` is 48 bytes, 8-aligned (it shares a union with `long args[6]`).
    unsafe { core::ptr::addr_of_mut!((*cb).__bindgen_anon_1.ctx).cast::<S>() }
}

/// `start` callback: validates the request and stores `H`'s initial state.
///
/// # Safety
///
/// Called by the genetlink core only, with a valid dump callback whose `data` is the parsed
/// request.
unsafe extern "C" fn start_trampoline<H: DumpIt>(cb: *mut bindings::netlink_callback) -> c_int {
    // SAFETY: the core calls `start` with the dump's valid callback, whose `data` is the
    // parsed request (`genl_info_dump`).
    let req = unsafe { Request::from_raw(bindings::rsec_helper_genl_info_dump(cb)) };
    match H::start(&req) {
        Ok(state) => {
            // SAFETY: see `dump_state`; the state is plain `Copy` data.
            unsafe { dump_state::<H::State>(cb).write(state) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `dumpit` callback: fills one part; returns its length, 0 at the end, or an errno.
///
/// # Safety
///
/// Called by the genetlink core only, after `start` succeeded, with the part's buffer and the
/// dump's callback; parts of one dump never run concurrently.
unsafe extern "C" fn dumpit_trampoline<H: DumpIt>(
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
) -> c_int {
    // SAFETY: `start` wrote the state before the first part.
    let state = unsafe { dump_state::<H::State>(cb) };
    // SAFETY: as in `start_trampoline`; `skb` is this part's buffer.
    let info = unsafe { bindings::rsec_helper_genl_info_dump(cb) };
    let mut dump = Dump {
        skb,
        info,
        _life: PhantomData,
    };
    // SAFETY: the state is ours between parts, and parts of one dump never run concurrently.
    let result = H::dump(&mut dump, unsafe { &mut *state });
    match result {
        Ok(true) => 0,
        // SAFETY: `skb` is valid (above).
        Ok(false) => (unsafe { bindings::rsec_helper_skb_len(skb) }) as c_int,
        Err(e) => e.to_errno(),
    }
}

/// One attribute: type (flags masked off), payload, and the whole TLV for error reports.
#[derive(Clone, Copy)]
pub(crate) struct Attr<'a> {
    /// Type.
    pub(crate) ty: u16,
    /// Payload.
    pub(crate) payload: &'a [u8],
    /// Header and payload.
    whole: &'a [u8],
}

impl<'a> Attr<'a> {
    /// The payload as u8 (the policy guarantees the length).
    pub(crate) fn u8(&self) -> u8 {
        self.payload.first().copied().unwrap_or(0)
    }

    /// The payload as a host-order u16.
    pub(crate) fn u16(&self) -> u16 {
        self.payload
            .get(..2)
            .map_or(0, |b| u16::from_ne_bytes([b[0], b[1]]))
    }

    /// The payload as a host-order u32.
    pub(crate) fn u32(&self) -> u32 {
        self.payload
            .get(..4)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The payload as a host-order u64.
    pub(crate) fn u64(&self) -> u64 {
        let mut b = [0u8; 8];
        if let Some(p) = self.payload.get(..8) {
            b.copy_from_slice(p);
        }
        u64::from_ne_bytes(b)
    }

    /// The attributes nested in this one.
    pub(crate) fn nested(&self) -> AttrIter<'a> {
        AttrIter { rest: self.payload }
    }
}

/// Walks a run of attributes.
pub(crate) struct AttrIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        let hdr = self.rest.get(..NLA_HDRLEN)?;
        let len = u16::from_ne_bytes([hdr[0], hdr[1]]) as usize;
        let ty = u16::from_ne_bytes([hdr[2], hdr[3]]) & bindings::NLA_TYPE_MASK as u16;
        if len < NLA_HDRLEN || len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let attr = Attr {
            ty,
            payload: &self.rest[NLA_HDRLEN..len],
            whole: &self.rest[..len],
        };
        let next = (len + 3) & !3;
        self.rest = self.rest.get(next..).unwrap_or(&[]);
        Some(attr)
    }
}
