// SPDX-License-Identifier: GPL-2.0

//! Security associations as plain data, and the validation of requests into them.
//!
//! Netlink parsing (in `genl.rs`) fills the `*Request` structs with what the message carried;
//! the functions here check the whole request and either return the validated configuration
//! or an [`SaError`] naming the errno, a message for a person and the attribute at fault. Only
//! then does anything get allocated, so a rejected request leaves nothing behind.
//!
//! This file is pure: no kernel API and no `unsafe`, so `rust-module/host/` tests it on the
//! build machine.

use crate::abi;
use core::ffi::CStr;

/// Errno values (positive; the netlink layer negates them).
pub mod errno {
    /// No such SA.
    pub const ENOENT: i32 = 2;
    /// Too many selectors.
    pub const E2BIG: i32 = 7;
    /// Out of memory.
    pub const ENOMEM: i32 = 12;
    /// The SA, or a reservation of its SPI, exists.
    pub const EEXIST: i32 = 17;
    /// No such device.
    pub const ENODEV: i32 = 19;
    /// Malformed or inconsistent request.
    pub const EINVAL: i32 = 22;
    /// No free SPI in the range.
    pub const ENOSPC: i32 = 28;
    /// A number outside its documented range.
    pub const ERANGE: i32 = 34;
    /// Defined by the ABI but not implemented yet.
    pub const EOPNOTSUPP: i32 = 95;
}

/// At most this many traffic selectors per SA.
pub const MAX_SELECTORS: usize = 8;

/// Longest encryption key attribute: a 32-byte key and a 4-byte salt.
pub const ENCR_KEY_MAX: usize = 36;

/// Longest integrity key: HMAC-SHA-512.
pub const INTEG_KEY_MAX: usize = 64;

/// Length of the salt that follows an AEAD key.
pub const SALT_LEN: usize = 4;

/// SPIs below this are reserved (RFC 4303).
pub const SPI_RESERVED_MAX: u32 = 255;

/// Which attribute a rejection is about, for the extended ack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadAttr {
    /// None in particular.
    None,
    /// The top-level `sa` attribute of this type is wrong.
    Attr(u16),
    /// The top-level `sa` attribute of this type is missing.
    Missing(u16),
    /// The n-th `selector` nest (0-based) is wrong.
    Selector(usize),
    /// The n-th `selector` nest lacks the `selector` attribute of this type.
    SelectorMissing(usize, u16),
}

/// A rejected request: the errno, a message for a person, and the attribute at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaError {
    /// Positive errno.
    pub errno: i32,
    /// Why, for the extended ack.
    pub msg: &'static CStr,
    /// Where.
    pub bad: BadAttr,
}

impl SaError {
    /// A rejection with this errno, message and attribute.
    pub const fn new(errno: i32, msg: &'static CStr, bad: BadAttr) -> Self {
        SaError { errno, msg, bad }
    }

    /// A missing top-level attribute.
    const fn missing(ty: u16, msg: &'static CStr) -> Self {
        SaError::new(errno::EINVAL, msg, BadAttr::Missing(ty))
    }

    /// A wrong top-level attribute.
    const fn bad(errno: i32, ty: u16, msg: &'static CStr) -> Self {
        SaError::new(errno, msg, BadAttr::Attr(ty))
    }
}

/// An IPv4 or IPv6 address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addr {
    len: u8,
    bytes: [u8; 16],
}

/// Address family of an [`Addr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// 4 bytes.
    V4,
    /// 16 bytes.
    V6,
}

impl Addr {
    /// The address in `bytes`, if it is 4 or 16 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<Addr> {
        if bytes.len() != 4 && bytes.len() != 16 {
            return None;
        }
        let mut a = Addr {
            len: bytes.len() as u8,
            bytes: [0; 16],
        };
        a.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(a)
    }

    /// The address bytes, network order.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// IPv4 or IPv6.
    pub fn family(&self) -> Family {
        if self.len == 4 {
            Family::V4
        } else {
            Family::V6
        }
    }

    /// Length in bits.
    pub fn bits(&self) -> u8 {
        self.len * 8
    }

    /// The address with every bit after the first `prefix` cleared.
    pub fn masked(&self, prefix: u8) -> Addr {
        let mut a = *self;
        for (i, b) in a.bytes[..a.len as usize].iter_mut().enumerate() {
            let first_bit = (i * 8) as u32;
            let keep = (prefix as u32).saturating_sub(first_bit).min(8);
            *b &= if keep == 0 { 0 } else { 0xffu8 << (8 - keep) };
        }
        a
    }
}

/// What names an SA: direction, SPI, protocol and outer destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaKey {
    /// `abi::dir::IN` or `OUT`.
    pub dir: u8,
    /// SPI, host order.
    pub spi: u32,
    /// `abi::proto::ESP` or `AH`.
    pub proto: u8,
    /// Outer destination.
    pub daddr: Addr,
}

impl SaKey {
    /// A hash of the key under `seed` (a per-namespace random number, against flooding).
    pub fn hash(&self, seed: u32) -> u32 {
        let mut h = seed ^ 0x7273_6563;
        h = mix(h, self.spi);
        h = mix(h, ((self.dir as u32) << 8) | self.proto as u32);
        for word in self.daddr.bytes.chunks_exact(4) {
            h = mix(h, u32::from_ne_bytes([word[0], word[1], word[2], word[3]]));
        }
        finish(h)
    }
}

/// One round of the key hash.
fn mix(h: u32, w: u32) -> u32 {
    (h ^ w.wrapping_mul(0xcc9e_2d51).rotate_left(15))
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

/// Final avalanche of the key hash.
fn finish(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Soft or hard limits; 0 is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lifetime {
    /// Bytes.
    pub bytes: u64,
    /// Packets.
    pub packets: u64,
    /// Seconds.
    pub seconds: u64,
}

/// A validated traffic selector; addresses are masked to their prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Source network.
    pub src: Addr,
    /// Source prefix length.
    pub src_prefix: u8,
    /// Destination network.
    pub dst: Addr,
    /// Destination prefix length.
    pub dst_prefix: u8,
    /// IP protocol, 0 for any.
    pub proto: u8,
    /// Source ports, inclusive.
    pub src_ports: (u16, u16),
    /// Destination ports, inclusive.
    pub dst_ports: (u16, u16),
}

/// The selectors of an SA: at most [`MAX_SELECTORS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selectors {
    items: [Option<Selector>; MAX_SELECTORS],
    len: usize,
}

impl Default for Selectors {
    fn default() -> Self {
        Self::new()
    }
}

impl Selectors {
    /// No selectors.
    pub const fn new() -> Self {
        Selectors {
            items: [None; MAX_SELECTORS],
            len: 0,
        }
    }

    /// The selectors in request order.
    pub fn iter(&self) -> impl Iterator<Item = &Selector> {
        self.items[..self.len].iter().flatten()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one; `false` when full.
    fn push(&mut self, s: Selector) -> bool {
        if self.len == MAX_SELECTORS {
            return false;
        }
        self.items[self.len] = Some(s);
        self.len += 1;
        true
    }
}

/// Everything about an SA except its keys, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaParams {
    /// What names the SA.
    pub key: SaKey,
    /// `abi::mode::TUNNEL`.
    pub mode: u8,
    /// Outer source, of the family of `key.daddr`.
    pub saddr: Addr,
    /// The device.
    pub ifindex: u32,
    /// `abi::encr::*`.
    pub encr_alg: u16,
    /// `abi::integ::*`, or 0 for none (AEAD).
    pub integ_alg: u16,
    /// Anti-replay window in packets; 0 is off.
    pub replay_window: u32,
    /// `abi::flags::*`.
    pub flags: u32,
    /// Soft limits.
    pub soft: Lifetime,
    /// Hard limits.
    pub hard: Lifetime,
    /// Traffic selectors; none means any traffic.
    pub selectors: Selectors,
    /// Owner cookie.
    pub owner: u64,
}

/// The key bytes of a validated request, still borrowed from the request.
#[derive(Clone, Copy)]
pub struct KeyRefs<'a> {
    /// Encryption key (plus salt).
    pub encr: &'a [u8],
    /// Integrity key, empty for AEAD.
    pub integ: &'a [u8],
}

impl core::fmt::Debug for KeyRefs<'_> {
    /// Lengths only: key bytes are never formatted.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "KeyRefs {{ encr: {} bytes, integ: {} bytes }}",
            self.encr.len(),
            self.integ.len()
        )
    }
}

/// The secret keys of an SA. They are overwritten with zeros when dropped, so the owner keeps
/// this in its own heap allocation (never moved by value once filled) and fills it in place.
pub struct KeyMaterial {
    encr: [u8; ENCR_KEY_MAX],
    encr_len: usize,
    integ: [u8; INTEG_KEY_MAX],
    integ_len: usize,
}

impl KeyMaterial {
    /// Empty keys.
    pub const fn new() -> Self {
        KeyMaterial {
            encr: [0; ENCR_KEY_MAX],
            encr_len: 0,
            integ: [0; INTEG_KEY_MAX],
            integ_len: 0,
        }
    }

    /// Copies validated keys in (lengths are checked by validation, so they fit).
    pub fn fill(&mut self, keys: KeyRefs<'_>) {
        self.encr_len = keys.encr.len().min(ENCR_KEY_MAX);
        self.encr[..self.encr_len].copy_from_slice(&keys.encr[..self.encr_len]);
        self.integ_len = keys.integ.len().min(INTEG_KEY_MAX);
        self.integ[..self.integ_len].copy_from_slice(&keys.integ[..self.integ_len]);
    }

    /// Encryption key (plus salt).
    pub fn encr(&self) -> &[u8] {
        &self.encr[..self.encr_len]
    }

    /// Integrity key.
    pub fn integ(&self) -> &[u8] {
        &self.integ[..self.integ_len]
    }

    /// Whether every byte of both key buffers is zero (so nothing secret is left).
    pub fn is_wiped(&self) -> bool {
        self.encr.iter().chain(self.integ.iter()).all(|&b| b == 0)
    }

    /// Overwrites every key byte with zero, in a way the compiler cannot drop as a dead store.
    pub fn wipe(&mut self) {
        self.encr.fill(0);
        self.integ.fill(0);
        self.encr_len = 0;
        self.integ_len = 0;
        // `black_box` makes the compiler assume the zeroed bytes are read, so the stores above
        // stay even though the memory is freed right after.
        core::hint::black_box(&mut self.encr);
        core::hint::black_box(&mut self.integ);
    }
}

impl Default for KeyMaterial {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for KeyMaterial {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// Lifetime limits as carried by a request; absent fields are `None`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LifetimeRequest {
    /// Bytes.
    pub bytes: Option<u64>,
    /// Packets.
    pub packets: Option<u64>,
    /// Seconds.
    pub seconds: Option<u64>,
}

/// A selector as carried by a request.
#[derive(Clone, Copy, Debug, Default)]
pub struct SelectorRequest<'a> {
    /// Source address bytes.
    pub src_addr: Option<&'a [u8]>,
    /// Source prefix length.
    pub src_prefix: Option<u8>,
    /// Destination address bytes.
    pub dst_addr: Option<&'a [u8]>,
    /// Destination prefix length.
    pub dst_prefix: Option<u8>,
    /// IP protocol.
    pub proto: Option<u8>,
    /// Port bounds.
    pub src_port_min: Option<u16>,
    /// Port bounds.
    pub src_port_max: Option<u16>,
    /// Port bounds.
    pub dst_port_min: Option<u16>,
    /// Port bounds.
    pub dst_port_max: Option<u16>,
}

/// An `SA_NEW` request as carried by the message: every attribute optional until validated.
#[derive(Clone, Copy, Debug, Default)]
pub struct SaNewRequest<'a> {
    /// SPI.
    pub spi: Option<u32>,
    /// Security protocol.
    pub proto: Option<u8>,
    /// Direction.
    pub dir: Option<u8>,
    /// Mode.
    pub mode: Option<u8>,
    /// Outer source.
    pub saddr: Option<&'a [u8]>,
    /// Outer destination.
    pub daddr: Option<&'a [u8]>,
    /// Device.
    pub ifindex: Option<u32>,
    /// Encryption algorithm.
    pub encr_alg: Option<u16>,
    /// Encryption key (plus salt).
    pub encr_key: Option<&'a [u8]>,
    /// Integrity algorithm.
    pub integ_alg: Option<u16>,
    /// Integrity key.
    pub integ_key: Option<&'a [u8]>,
    /// Anti-replay window.
    pub replay_window: Option<u32>,
    /// Flags.
    pub flags: Option<u32>,
    /// Soft lifetime.
    pub soft: LifetimeRequest,
    /// Hard lifetime.
    pub hard: LifetimeRequest,
    /// The first [`MAX_SELECTORS`] selectors.
    pub selectors: [Option<SelectorRequest<'a>>; MAX_SELECTORS],
    /// How many selectors the message carried (may exceed [`MAX_SELECTORS`]).
    pub n_selectors: usize,
    /// Owner cookie.
    pub owner: Option<u64>,
}

impl<'a> SaNewRequest<'a> {
    /// Records one more selector (kept if there is room; always counted).
    pub fn add_selector(&mut self, s: SelectorRequest<'a>) {
        if let Some(slot) = self.selectors.get_mut(self.n_selectors) {
            *slot = Some(s);
        }
        self.n_selectors += 1;
    }
}

/// The attributes that name one SA (`SA_DEL`, `SA_GET`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SaIdRequest<'a> {
    /// Direction.
    pub dir: Option<u8>,
    /// SPI.
    pub spi: Option<u32>,
    /// Security protocol.
    pub proto: Option<u8>,
    /// Outer destination.
    pub daddr: Option<&'a [u8]>,
}

/// An `SPI_ALLOC` request.
#[derive(Clone, Copy, Debug, Default)]
pub struct SpiAllocRequest<'a> {
    /// Security protocol.
    pub proto: Option<u8>,
    /// Outer destination.
    pub daddr: Option<&'a [u8]>,
    /// Lowest acceptable SPI.
    pub spi_min: Option<u32>,
    /// Highest acceptable SPI.
    pub spi_max: Option<u32>,
    /// Owner cookie.
    pub owner: Option<u64>,
}

/// A validated `SPI_ALLOC` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpiAlloc {
    /// Security protocol.
    pub proto: u8,
    /// Outer destination.
    pub daddr: Addr,
    /// Lowest acceptable SPI.
    pub min: u32,
    /// Highest acceptable SPI.
    pub max: u32,
    /// Owner cookie.
    pub owner: u64,
}

/// The filter of a dump or flush: each present field must match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only SAs of this device.
    pub ifindex: Option<u32>,
    /// Only SAs (and reservations) of this owner.
    pub owner: Option<u64>,
}

impl Filter {
    /// Validates a filter request (`ifindex` 0 names no device).
    pub fn new(ifindex: Option<u32>, owner: Option<u64>) -> Result<Filter, SaError> {
        if ifindex == Some(0) {
            return Err(SaError::bad(
                errno::ERANGE,
                abi::sa::IFINDEX,
                c"ifindex 0 names no device",
            ));
        }
        Ok(Filter { ifindex, owner })
    }

    /// Whether an SA of this device and owner passes.
    pub fn matches(&self, ifindex: u32, owner: u64) -> bool {
        allows(self.ifindex, ifindex) && allows(self.owner, owner)
    }

    /// Whether an SPI reservation of this owner passes: reservations have no device, so a
    /// device filter never matches them.
    pub fn matches_reservation(&self, owner: u64) -> bool {
        self.ifindex.is_none() && allows(self.owner, owner)
    }
}

/// Whether a filter field `want` (absent: anything) lets `have` through.
fn allows<T: PartialEq>(want: Option<T>, have: T) -> bool {
    match want {
        Some(w) => w == have,
        None => true,
    }
}

/// Checks an `SA_NEW` request; on success, the parameters and the borrowed keys.
pub fn validate_new<'a>(req: &SaNewRequest<'a>) -> Result<(SaParams, KeyRefs<'a>), SaError> {
    let key = validate_key(req.dir, req.spi, req.proto, req.daddr)?;
    check_proto_supported(key.proto)?;
    let mode = validate_mode(req.mode)?;
    let saddr = validate_saddr(req.saddr, &key.daddr)?;
    let ifindex = validate_ifindex(req.ifindex)?;
    let (encr_alg, integ_alg, keys) = validate_algs(req)?;
    let replay_window = validate_replay_window(req.replay_window, key.dir)?;
    let flags = validate_flags(req.flags)?;
    let (soft, hard) = validate_lifetimes(&req.soft, &req.hard)?;
    let selectors = validate_selectors(req)?;
    let params = SaParams {
        key,
        mode,
        saddr,
        ifindex,
        encr_alg,
        integ_alg,
        replay_window,
        flags,
        soft,
        hard,
        selectors,
        owner: req.owner.unwrap_or(0),
    };
    Ok((params, keys))
}

/// Checks the attributes that name an SA (`SA_DEL`, `SA_GET`).
pub fn validate_id(req: &SaIdRequest<'_>) -> Result<SaKey, SaError> {
    validate_key(req.dir, req.spi, req.proto, req.daddr)
}

/// Checks an `SPI_ALLOC` request. Absent bounds default to the whole unreserved range.
pub fn validate_spi_alloc(req: &SpiAllocRequest<'_>) -> Result<SpiAlloc, SaError> {
    let proto = validate_proto(req.proto)?;
    check_proto_supported(proto)?;
    let daddr = validate_daddr(req.daddr)?;
    let min = req.spi_min.unwrap_or(SPI_RESERVED_MAX + 1);
    let max = req.spi_max.unwrap_or(u32::MAX);
    if min <= SPI_RESERVED_MAX {
        return Err(SaError::bad(
            errno::ERANGE,
            abi::sa::SPI_MIN,
            c"SPIs 0 to 255 are reserved",
        ));
    }
    if max <= SPI_RESERVED_MAX {
        return Err(SaError::bad(
            errno::ERANGE,
            abi::sa::SPI_MAX,
            c"SPIs 0 to 255 are reserved",
        ));
    }
    if min > max {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::SPI_MIN,
            c"spi-min is above spi-max",
        ));
    }
    Ok(SpiAlloc {
        proto,
        daddr,
        min,
        max,
        owner: req.owner.unwrap_or(0),
    })
}

/// Random tries before [`choose_spi`] falls back to a scan.
pub const SPI_RANDOM_TRIES: u32 = 16;

/// Picks an SPI in `[min, max]` for which `taken` is false: random tries first (`rng` gives
/// uniformly random u32s), then a scan upwards from a random point, wrapping once around the
/// range. The scan stops at the first free SPI, so it looks at no more SPIs than are taken.
pub fn choose_spi(
    min: u32,
    max: u32,
    rng: &mut dyn FnMut() -> u32,
    taken: &mut dyn FnMut(u32) -> bool,
) -> Result<u32, SaError> {
    let span = max as u64 - min as u64 + 1;
    let pick = |r: u32| (min as u64 + (r as u64 % span)) as u32;
    for _ in 0..SPI_RANDOM_TRIES {
        let spi = pick(rng());
        if !taken(spi) {
            return Ok(spi);
        }
    }
    let start = pick(rng()) as u64 - min as u64;
    for i in 0..span {
        let spi = (min as u64 + (start + i) % span) as u32;
        if !taken(spi) {
            return Ok(spi);
        }
    }
    Err(SaError::new(
        errno::ENOSPC,
        c"no free SPI left in spi-min..spi-max",
        BadAttr::None,
    ))
}

/// Direction, SPI, protocol and destination, all present and valid.
fn validate_key(
    dir: Option<u8>,
    spi: Option<u32>,
    proto: Option<u8>,
    daddr: Option<&[u8]>,
) -> Result<SaKey, SaError> {
    let dir = dir.ok_or(SaError::missing(abi::sa::DIR, c"missing attribute: dir"))?;
    if dir != abi::dir::IN && dir != abi::dir::OUT {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::DIR,
            c"dir must be in (1) or out (2)",
        ));
    }
    let spi = spi.ok_or(SaError::missing(abi::sa::SPI, c"missing attribute: spi"))?;
    if spi <= SPI_RESERVED_MAX {
        return Err(SaError::bad(
            errno::ERANGE,
            abi::sa::SPI,
            c"SPIs 0 to 255 are reserved",
        ));
    }
    let proto = validate_proto(proto)?;
    let daddr = validate_daddr(daddr)?;
    Ok(SaKey {
        dir,
        spi,
        proto,
        daddr,
    })
}

/// Protocol present and ESP or AH.
fn validate_proto(proto: Option<u8>) -> Result<u8, SaError> {
    let proto = proto.ok_or(SaError::missing(
        abi::sa::PROTO,
        c"missing attribute: proto",
    ))?;
    if proto != abi::proto::ESP && proto != abi::proto::AH {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::PROTO,
            c"proto must be ESP (50) or AH (51)",
        ));
    }
    Ok(proto)
}

/// ESP only, for now.
fn check_proto_supported(proto: u8) -> Result<(), SaError> {
    if proto == abi::proto::AH {
        return Err(SaError::bad(
            errno::EOPNOTSUPP,
            abi::sa::PROTO,
            c"AH is not supported yet",
        ));
    }
    Ok(())
}

/// Destination present and 4 or 16 bytes.
fn validate_daddr(daddr: Option<&[u8]>) -> Result<Addr, SaError> {
    let daddr = daddr.ok_or(SaError::missing(
        abi::sa::DADDR,
        c"missing attribute: daddr",
    ))?;
    Addr::from_slice(daddr).ok_or(SaError::bad(
        errno::EINVAL,
        abi::sa::DADDR,
        c"daddr must be 4 (IPv4) or 16 (IPv6) bytes",
    ))
}

/// Source present, 4 or 16 bytes, and of the destination's family.
fn validate_saddr(saddr: Option<&[u8]>, daddr: &Addr) -> Result<Addr, SaError> {
    let saddr = saddr.ok_or(SaError::missing(
        abi::sa::SADDR,
        c"missing attribute: saddr",
    ))?;
    let saddr = Addr::from_slice(saddr).ok_or(SaError::bad(
        errno::EINVAL,
        abi::sa::SADDR,
        c"saddr must be 4 (IPv4) or 16 (IPv6) bytes",
    ))?;
    if saddr.family() != daddr.family() {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::SADDR,
            c"saddr and daddr are of different address families",
        ));
    }
    Ok(saddr)
}

/// Tunnel mode only, for now.
fn validate_mode(mode: Option<u8>) -> Result<u8, SaError> {
    match mode {
        None => Err(SaError::missing(abi::sa::MODE, c"missing attribute: mode")),
        Some(abi::mode::TUNNEL) => Ok(abi::mode::TUNNEL),
        Some(abi::mode::TRANSPORT) => Err(SaError::bad(
            errno::EOPNOTSUPP,
            abi::sa::MODE,
            c"transport mode is not supported yet",
        )),
        Some(_) => Err(SaError::bad(
            errno::EINVAL,
            abi::sa::MODE,
            c"mode must be tunnel (1) or transport (2)",
        )),
    }
}

/// Device index present and not 0 (whether it exists is checked by the caller).
fn validate_ifindex(ifindex: Option<u32>) -> Result<u32, SaError> {
    match ifindex {
        None => Err(SaError::missing(
            abi::sa::IFINDEX,
            c"missing attribute: ifindex",
        )),
        Some(0) => Err(SaError::bad(
            errno::ERANGE,
            abi::sa::IFINDEX,
            c"ifindex 0 names no device",
        )),
        Some(i) => Ok(i),
    }
}

/// The algorithms and their keys: returns (encr-alg, integ-alg or 0, keys).
fn validate_algs<'a>(req: &SaNewRequest<'a>) -> Result<(u16, u16, KeyRefs<'a>), SaError> {
    let alg = req.encr_alg.ok_or(SaError::missing(
        abi::sa::ENCR_ALG,
        c"missing attribute: encr-alg",
    ))?;
    let key = req.encr_key.ok_or(SaError::missing(
        abi::sa::ENCR_KEY,
        c"missing attribute: encr-key",
    ))?;
    let aead = match alg {
        abi::encr::AES_CBC => false,
        abi::encr::AES_GCM_16 | abi::encr::CHACHA20_POLY1305 => true,
        _ => {
            return Err(SaError::bad(
                errno::EINVAL,
                abi::sa::ENCR_ALG,
                c"unknown encryption algorithm",
            ))
        }
    };
    check_encr_key_len(alg, key.len())?;
    if aead {
        if req.integ_alg.is_some() {
            return Err(SaError::bad(
                errno::EINVAL,
                abi::sa::INTEG_ALG,
                c"AEAD algorithms take no integrity algorithm",
            ));
        }
        if req.integ_key.is_some() {
            return Err(SaError::bad(
                errno::EINVAL,
                abi::sa::INTEG_KEY,
                c"AEAD algorithms take no integrity key",
            ));
        }
        return Ok((
            alg,
            0,
            KeyRefs {
                encr: key,
                integ: &[],
            },
        ));
    }
    let integ = req.integ_alg.ok_or(SaError::missing(
        abi::sa::INTEG_ALG,
        c"AES-CBC needs an integrity algorithm (integ-alg)",
    ))?;
    let integ_key = req.integ_key.ok_or(SaError::missing(
        abi::sa::INTEG_KEY,
        c"missing attribute: integ-key",
    ))?;
    check_integ_key_len(integ, integ_key.len())?;
    Ok((
        alg,
        integ,
        KeyRefs {
            encr: key,
            integ: integ_key,
        },
    ))
}

/// The encryption key length fits the (known) algorithm.
fn check_encr_key_len(alg: u16, len: usize) -> Result<(), SaError> {
    let (ok, msg) = match alg {
        abi::encr::AES_CBC => (
            len == 16 || len == 32,
            c"AES-CBC needs a 16- or 32-byte key",
        ),
        abi::encr::AES_GCM_16 => (
            len == 16 + SALT_LEN || len == 32 + SALT_LEN,
            c"AES-GCM-16 needs a 16- or 32-byte key plus a 4-byte salt (20 or 36 bytes)",
        ),
        _ => (
            len == 32 + SALT_LEN,
            c"ChaCha20-Poly1305 needs a 32-byte key plus a 4-byte salt (36 bytes)",
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(SaError::bad(errno::EINVAL, abi::sa::ENCR_KEY, msg))
    }
}

/// The integrity algorithm is known and its key has its length.
fn check_integ_key_len(alg: u16, len: usize) -> Result<(), SaError> {
    let (want, msg) = match alg {
        abi::integ::HMAC_SHA2_256_128 => (32, c"HMAC-SHA-256-128 needs a 32-byte key"),
        abi::integ::HMAC_SHA2_384_192 => (48, c"HMAC-SHA-384-192 needs a 48-byte key"),
        abi::integ::HMAC_SHA2_512_256 => (64, c"HMAC-SHA-512-256 needs a 64-byte key"),
        _ => {
            return Err(SaError::bad(
                errno::EINVAL,
                abi::sa::INTEG_ALG,
                c"unknown integrity algorithm",
            ))
        }
    };
    if len == want {
        Ok(())
    } else {
        Err(SaError::bad(errno::EINVAL, abi::sa::INTEG_KEY, msg))
    }
}

/// Window at most [`abi::REPLAY_WINDOW_MAX`], and only inbound. Absent means 0 (off).
fn validate_replay_window(window: Option<u32>, dir: u8) -> Result<u32, SaError> {
    let window = window.unwrap_or(0);
    if window > abi::REPLAY_WINDOW_MAX {
        return Err(SaError::bad(
            errno::ERANGE,
            abi::sa::REPLAY_WINDOW,
            c"replay window too large: at most 65536 packets",
        ));
    }
    if window != 0 && dir != abi::dir::IN {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::REPLAY_WINDOW,
            c"a replay window applies to inbound SAs only",
        ));
    }
    Ok(window)
}

/// Only defined flag bits.
fn validate_flags(flags: Option<u32>) -> Result<u32, SaError> {
    let flags = flags.unwrap_or(0);
    if flags & !abi::flags::ALL != 0 {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::FLAGS,
            c"unknown SA flag bits",
        ));
    }
    Ok(flags)
}

/// Soft limits may not exceed hard ones (where both are set).
fn validate_lifetimes(
    soft: &LifetimeRequest,
    hard: &LifetimeRequest,
) -> Result<(Lifetime, Lifetime), SaError> {
    let lt = |r: &LifetimeRequest| Lifetime {
        bytes: r.bytes.unwrap_or(0),
        packets: r.packets.unwrap_or(0),
        seconds: r.seconds.unwrap_or(0),
    };
    let (s, h) = (lt(soft), lt(hard));
    let above = |s: u64, h: u64| s != 0 && h != 0 && s > h;
    if above(s.bytes, h.bytes) || above(s.packets, h.packets) || above(s.seconds, h.seconds) {
        return Err(SaError::bad(
            errno::EINVAL,
            abi::sa::LIFETIME_SOFT,
            c"a soft lifetime limit exceeds its hard limit",
        ));
    }
    Ok((s, h))
}

/// Every selector valid, at most [`MAX_SELECTORS`].
fn validate_selectors(req: &SaNewRequest<'_>) -> Result<Selectors, SaError> {
    if req.n_selectors > MAX_SELECTORS {
        return Err(SaError::new(
            errno::E2BIG,
            c"too many selectors: at most 8 per SA",
            BadAttr::Selector(MAX_SELECTORS),
        ));
    }
    let mut out = Selectors::new();
    for (i, s) in req.selectors.iter().take(req.n_selectors).enumerate() {
        let s = s.as_ref().ok_or(SaError::new(
            errno::EINVAL,
            c"selector lost",
            BadAttr::Selector(i),
        ))?;
        out.push(validate_selector(i, s)?);
    }
    Ok(out)
}

/// One selector: both addresses of one family, prefixes within them, sane port ranges.
pub fn validate_selector(i: usize, s: &SelectorRequest<'_>) -> Result<Selector, SaError> {
    let bad = |errno, msg| SaError::new(errno, msg, BadAttr::Selector(i));
    let missing = |ty, msg| SaError::new(errno::EINVAL, msg, BadAttr::SelectorMissing(i, ty));
    let src = s.src_addr.ok_or(missing(
        abi::selector::SRC_ADDR,
        c"selector without src-addr",
    ))?;
    let dst = s.dst_addr.ok_or(missing(
        abi::selector::DST_ADDR,
        c"selector without dst-addr",
    ))?;
    let src = Addr::from_slice(src).ok_or(bad(
        errno::EINVAL,
        c"selector src-addr must be 4 or 16 bytes",
    ))?;
    let dst = Addr::from_slice(dst).ok_or(bad(
        errno::EINVAL,
        c"selector dst-addr must be 4 or 16 bytes",
    ))?;
    if src.family() != dst.family() {
        return Err(bad(
            errno::EINVAL,
            c"selector src-addr and dst-addr are of different address families",
        ));
    }
    let src_prefix = s.src_prefix.unwrap_or(src.bits());
    let dst_prefix = s.dst_prefix.unwrap_or(dst.bits());
    if src_prefix > src.bits() || dst_prefix > dst.bits() {
        return Err(bad(
            errno::ERANGE,
            c"selector prefix longer than its address",
        ));
    }
    let proto = s.proto.unwrap_or(0);
    let src_ports = (
        s.src_port_min.unwrap_or(0),
        s.src_port_max.unwrap_or(u16::MAX),
    );
    let dst_ports = (
        s.dst_port_min.unwrap_or(0),
        s.dst_port_max.unwrap_or(u16::MAX),
    );
    if src_ports.0 > src_ports.1 || dst_ports.0 > dst_ports.1 {
        return Err(bad(
            errno::EINVAL,
            c"selector port range with min above max",
        ));
    }
    let has_ports = [
        s.src_port_min,
        s.src_port_max,
        s.dst_port_min,
        s.dst_port_max,
    ]
    .iter()
    .any(Option::is_some);
    if has_ports && !has_ports_proto(proto) {
        return Err(bad(
            errno::EINVAL,
            c"selector port ranges need proto TCP, UDP, SCTP or UDP-Lite",
        ));
    }
    Ok(Selector {
        src: src.masked(src_prefix),
        src_prefix,
        dst: dst.masked(dst_prefix),
        dst_prefix,
        proto,
        src_ports,
        dst_ports,
    })
}

/// IP protocols with ports: TCP, UDP, SCTP, UDP-Lite.
fn has_ports_proto(proto: u8) -> bool {
    matches!(proto, 6 | 17 | 132 | 136)
}
