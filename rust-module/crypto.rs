// SPDX-License-Identifier: GPL-2.0

//! ESP transforms through the kernel crypto API: encrypt and decrypt skbs in place.
//!
//! # API for the packet path
//!
//! ```ignore
//! // Process context (SA add): one transform per SA direction.
//! let xf: Arc<EspTransform> = EspTransform::new(&TransformConfig { .. }, Impl::Default)?;
//! xf.params()                          // esp::AlgParams: overhead, MTU (esp::max_inner_len)
//!
//! // Any context, softirq included:
//! match xf.encrypt_skb(skb, spi, seq, esp::NEXT_HEADER_IPV4, done, cookie) {
//!     Completion::Done(skb, Ok(_)) => { /* skb->data at the ESP header: push outer IP */ }
//!     Completion::Done(skb, Err(reason)) => { /* count reason, drop skb */ }
//!     Completion::Pending => { /* later: done(skb, result, cookie), from the crypto layer */ }
//! }
//! match xf.decrypt_skb(skb, seq, done, cookie) { .. } // Ok(Outcome { next_header }):
//!                                                      // skb->data at the inner packet
//! ```
//!
//! - `encrypt_skb` takes an skb whose data is the inner packet (a GSO skb must be segmented
//!   first; a pending CHECKSUM_PARTIAL is resolved here) and leaves ESP header, IV, encrypted
//!   payload and trailer, and ICV, with the data pointer at the ESP header.
//! - `decrypt_skb` takes an skb whose data starts at the ESP header and `seq`, the full
//!   sequence number the replay window inferred (its high 32 bits feed the ESN AAD; the low
//!   32 bits come from the packet). On success the skb's data is the inner packet (trailer
//!   trimmed, header and IV pulled, `ip_summed` CHECKSUM_NONE); the caller then accepts `seq`
//!   into the replay window. On error the skb's content is unspecified: drop it.
//! - Synchronous completion returns [`Completion::Done`]; asynchronous completion (AES-NI's
//!   SIMD wrappers defer to cryptd when the FPU is unusable, and any driver may) returns
//!   [`Completion::Pending`] and later calls `done(skb, result, cookie)` exactly once, in the
//!   crypto layer's context (softirq or a kworker with BHs off). `cookie` is the caller's, for
//!   its own context; the caller keeps whatever it refers to alive until `done` runs.
//! - Requests carry no backlog flag, as Linux ESP: a full queue fails with
//!   `DropReason::Kernel(-ENOSPC)` rather than queueing without bound.
//! - An in-flight request holds a reference to its transform. Drop the last reference in
//!   process context (it frees the crypto tfm); an SA's owner should hold one until after
//!   its removal from the packet path.
//!
//! # Layout given to the templates
//!
//! All templates are the IV-less ones Linux XFRM wraps in seqiv/echainiv: `rfc4106(gcm(aes))`,
//! `rfc7539esp(chacha20,poly1305)`, `authenc(...)` and `authencesn(...)`. Each request has a
//! scatterlist whose first entry is a buffer of the request: the AAD (SPI | seq low, or SPI |
//! seq high | seq low with ESN) then the IV; the other entries map the skb from the end of
//! the IV to the end of the ICV. `assoclen` counts AAD and IV: the AEADs skip the IV there
//! and take it from `req->iv`, `authenc` authenticates it as ESP requires (RFC 4303 section
//! 2.8) and `authencesn` moves seq high behind the payload (RFC 4303 section 2.2.1). The
//! AEADs' IV is the 64-bit sequence number; CBC's is random per packet (RFC 3602 section 2.4).

use core::ffi::{c_int, c_void};
use core::mem::size_of;
use core::ptr::NonNull;

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::bindings;
use crate::esp::{self, AlgParams, DropReason, OutboundLayout, MAX_AAD_LEN, MAX_IV_LEN};
use crate::skb::SkBuff;

/// What the caller gives to make a transform: an SA's algorithms and keys (as the genetlink
/// attributes carry them: AEAD keys end with their 4-byte salt; `integ_id` 0 for none).
pub(crate) struct TransformConfig<'a> {
    /// IANA encryption transform id (esp::EncrAlg).
    pub(crate) encr_id: u16,
    /// Encryption key, with the salt for AEADs.
    pub(crate) encr_key: &'a [u8],
    /// IANA integrity transform id (esp::IntegAlg), 0 for AEADs.
    pub(crate) integ_id: u16,
    /// Integrity key, empty for AEADs.
    pub(crate) integ_key: &'a [u8],
    /// Extended sequence numbers (RFC 4304).
    pub(crate) esn: bool,
}

/// Which implementation of a template to ask the crypto API for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Impl {
    /// The highest-priority one, synchronous or not: what the packet path uses.
    Default,
    /// Only synchronous ones (mask CRYPTO_ALG_ASYNC): never returns `Pending`.
    Sync,
    /// The template wrapped in `cryptd(...)`: always completes asynchronously (selftest).
    Cryptd,
}

/// A successful transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The Next Header of the packet (given to encryption, read by decryption).
    pub(crate) next_header: u8,
}

/// The result of a transform, with the skb.
pub(crate) type EspResult = core::result::Result<Outcome, DropReason>;

/// Called once when an asynchronous transform completes.
pub(crate) type DoneFn = fn(skb: SkBuff, result: EspResult, cookie: usize);

/// What `encrypt_skb` and `decrypt_skb` return.
pub(crate) enum Completion {
    /// Finished now; `done` is not called.
    Done(SkBuff, EspResult),
    /// Submitted to an asynchronous implementation, which calls `done` later.
    Pending,
}

/// One SA direction's AEAD transform (a `struct crypto_aead` with its key set).
pub(crate) struct EspTransform {
    /// The allocated tfm; keyed, with the ICV length set.
    tfm: NonNull<bindings::crypto_aead>,
    /// The algorithms' parameters.
    params: AlgParams,
    /// Extended sequence numbers.
    esn: bool,
    /// `crypto_aead_reqsize(tfm)`.
    reqsize: usize,
}

// SAFETY: after `new` the tfm is only used to submit requests, which the crypto API allows from
// any context and concurrently; its key is not changed again.
unsafe impl Send for EspTransform {}

// SAFETY: as for `Send`: `&EspTransform` only submits requests.
unsafe impl Sync for EspTransform {}

/// `CRYPTO_MAX_ALG_NAME`: the longest algorithm name, with its NUL.
const CRYPTO_MAX_ALG_NAME: usize = 128;

/// The largest authenc key blob: rtattr and enckeylen (8), HMAC-SHA-512 key, AES-256 key.
const AUTHENC_KEY_MAX: usize = 8 + 64 + 32;

impl EspTransform {
    /// Allocates and keys a transform. Process context only (may sleep, may instantiate
    /// templates). Fails with EINVAL for ids or key lengths `esp::AlgParams` refuses, or with
    /// the crypto API's error.
    pub(crate) fn new(cfg: &TransformConfig<'_>, imp: Impl) -> Result<Arc<Self>> {
        let params = AlgParams::new(
            cfg.encr_id,
            cfg.encr_key.len(),
            cfg.integ_id,
            cfg.integ_key.len(),
        )
        .map_err(|_| EINVAL)?;

        let xf = Self::alloc(params, cfg.esn, imp)?;

        xf.set_key(cfg)?;

        xf.set_icv_len()?;

        Ok(Arc::new(xf, GFP_KERNEL)?)
    }

    /// Allocates the tfm of the template for `params`.
    fn alloc(params: AlgParams, esn: bool, imp: Impl) -> Result<Self> {
        let mut name = [0u8; CRYPTO_MAX_ALG_NAME];
        params
            .write_template_name(esn, false, &mut name)
            .ok_or(EINVAL)?;
        let mask = match imp {
            Impl::Default => 0,
            Impl::Sync | Impl::Cryptd => bindings::CRYPTO_ALG_ASYNC,
        };

        // SAFETY: `name` is NUL-terminated (write_template_name succeeded).
        let tfm = unsafe { bindings::crypto_alloc_aead(name.as_ptr().cast(), 0, mask) };
        let xf = Self::from_tfm(tfm, params, esn)?;
        if imp != Impl::Cryptd {
            return Ok(xf);
        }

        // cryptd by cra_name collides with existing instances (-EEXIST): wrap the driver name
        // of the synchronous implementation instead.
        let driver = xf.driver_name().as_bytes();
        let wrapped = [b"cryptd(".as_slice(), driver, b")\0"];
        let mut len = 0;
        for part in wrapped {
            name.get_mut(len..len + part.len())
                .ok_or(EINVAL)?
                .copy_from_slice(part);
            len += part.len();
        }
        drop(xf);

        // SAFETY: `name` is NUL-terminated (its last part ends with NUL).
        let tfm = unsafe { bindings::crypto_alloc_aead(name.as_ptr().cast(), 0, 0) };
        Self::from_tfm(tfm, params, esn)
    }

    /// Wraps a `crypto_alloc_aead` result, checking its IV length.
    fn from_tfm(tfm: *mut bindings::crypto_aead, params: AlgParams, esn: bool) -> Result<Self> {
        let tfm = err_ptr(tfm)?;

        // SAFETY: `tfm` is a valid tfm.
        let reqsize = unsafe { bindings::rsec_helper_crypto_aead_reqsize(tfm.as_ptr()) };
        let xf = Self {
            tfm,
            params,
            esn,
            reqsize: reqsize as usize,
        };

        // SAFETY: `tfm` is a valid tfm.
        let ivsize = unsafe { bindings::rsec_helper_crypto_aead_ivsize(tfm.as_ptr()) };
        if ivsize as usize != params.iv_len {
            return Err(EINVAL);
        }
        Ok(xf)
    }

    /// Sets the key: AEADs take key and salt as given, authenc the blob of
    /// [`esp::write_authenc_key`], wiped after use.
    fn set_key(&self, cfg: &TransformConfig<'_>) -> Result {
        if self.params.is_aead() {
            return self.set_raw_key(cfg.encr_key);
        }

        let mut blob = [0u8; AUTHENC_KEY_MAX];
        let ret = match esp::write_authenc_key(cfg.encr_key, cfg.integ_key, &mut blob) {
            Some(len) => self.set_raw_key(&blob[..len]),
            None => Err(EINVAL),
        };

        // SAFETY: `blob` is a local array of `AUTHENC_KEY_MAX` writable bytes.
        unsafe { bindings::rsec_helper_memzero_explicit(blob.as_mut_ptr().cast(), blob.len()) };
        ret
    }

    /// `crypto_aead_setkey`.
    fn set_raw_key(&self, key: &[u8]) -> Result {
        // SAFETY: the tfm is valid; `key` is readable for `key.len()` bytes, which the crypto
        // API copies (into the key schedule) before returning.
        let ret = unsafe {
            bindings::crypto_aead_setkey(self.tfm.as_ptr(), key.as_ptr(), key.len() as u32)
        };
        errno(ret)
    }

    /// `crypto_aead_setauthsize` to the algorithm's ICV length, checked back.
    fn set_icv_len(&self) -> Result {
        let icv = self.params.icv_len as u32;

        // SAFETY: the tfm is valid.
        errno(unsafe { bindings::crypto_aead_setauthsize(self.tfm.as_ptr(), icv) })?;

        // SAFETY: the tfm is valid.
        if unsafe { bindings::rsec_helper_crypto_aead_authsize(self.tfm.as_ptr()) } != icv {
            return Err(EINVAL);
        }
        Ok(())
    }

    /// The algorithms' parameters: lengths, overhead (`esp::esp_overhead`), MTU arithmetic.
    pub(crate) fn params(&self) -> &AlgParams {
        &self.params
    }

    /// Whether the SA uses extended sequence numbers.
    pub(crate) fn esn(&self) -> bool {
        self.esn
    }

    /// The crypto driver the API chose, e.g. `rfc4106-gcm-aesni` (for logs at SA setup).
    pub(crate) fn driver_name(&self) -> &CStr {
        // SAFETY: the driver name is a NUL-terminated string of the algorithm, which lives at
        // least as long as the tfm that `&self` keeps.
        unsafe {
            CStr::from_char_ptr(bindings::rsec_helper_crypto_aead_driver_name(
                self.tfm.as_ptr(),
            ))
        }
    }

    /// Encrypts the inner packet in `skb` into an ESP packet with `spi` and sequence number
    /// `seq` (RFC 4303 section 3.3). See the module documentation for the contract.
    pub(crate) fn encrypt_skb(
        self: &Arc<Self>,
        skb: SkBuff,
        spi: u32,
        seq: u64,
        next_header: u8,
        done: DoneFn,
        cookie: usize,
    ) -> Completion {
        self.encrypt_with(skb, spi, seq, next_header, None, done, cookie)
    }

    /// [`Self::encrypt_skb`] with a given CBC IV instead of a random one: for known-answer
    /// tests only (a predictable CBC IV is insecure).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn encrypt_skb_fixed_iv(
        self: &Arc<Self>,
        skb: SkBuff,
        spi: u32,
        seq: u64,
        next_header: u8,
        cbc_iv: &[u8; MAX_IV_LEN],
        done: DoneFn,
        cookie: usize,
    ) -> Completion {
        self.encrypt_with(skb, spi, seq, next_header, Some(cbc_iv), done, cookie)
    }

    #[allow(clippy::too_many_arguments)]
    fn encrypt_with(
        self: &Arc<Self>,
        skb: SkBuff,
        spi: u32,
        seq: u64,
        next_header: u8,
        cbc_iv: Option<&[u8; MAX_IV_LEN]>,
        done: DoneFn,
        cookie: usize,
    ) -> Completion {
        let layout = OutboundLayout::new(&self.params, skb.len());
        let mut iv = [0u8; MAX_IV_LEN];
        self.outbound_iv(seq, cbc_iv, &mut iv);

        let nfrags = match self.prepare_outbound(&skb, &layout, next_header) {
            Ok(n) => n,
            Err(reason) => return Completion::Done(skb, Err(reason)),
        };

        self.push_header(&skb, &layout, spi, seq, &iv);

        let req = match Request::new(self, skb, done, cookie, nfrags + 1) {
            Ok(req) => req,
            Err((skb, reason)) => return Completion::Done(skb, Err(reason)),
        };

        let io = RequestIo {
            spi,
            seq,
            iv,
            skb_offset: layout.hdr_len,
            skb_len: layout.encrypted_len() + layout.icv_len,
            cryptlen: layout.encrypted_len(),
        };
        // SAFETY: `req` is a new request that nothing else uses yet.
        unsafe { Request::submit(req, &io, Dir::Encrypt { next_header }) }
    }

    /// The IV of an outbound packet: the sequence number for AEADs (RFC 4106 section 3,
    /// RFC 7634 section 2), fresh random bytes (or the test's) for CBC.
    fn outbound_iv(&self, seq: u64, cbc_iv: Option<&[u8; MAX_IV_LEN]>, iv: &mut [u8; MAX_IV_LEN]) {
        if self.params.is_aead() {
            iv[..8].copy_from_slice(&esp::aead_iv(seq));
            return;
        }

        match cbc_iv {
            Some(fixed) => iv.copy_from_slice(fixed),
            // SAFETY: `iv` is writable for its 16 bytes.
            None => unsafe { bindings::get_random_bytes(iv.as_mut_ptr().cast(), iv.len()) },
        }
    }

    /// Makes `skb` writable with room for the ESP header in front and the trailer and ICV
    /// behind, and writes the trailer (RFC 4303 section 2.4). Returns the number of
    /// scatterlist entries the data needs.
    fn prepare_outbound(
        &self,
        skb: &SkBuff,
        layout: &OutboundLayout,
        next_header: u8,
    ) -> core::result::Result<usize, DropReason> {
        let raw = skb.as_ptr();
        if layout.total_len() > u16::MAX as usize {
            return Err(DropReason::TooLong);
        }
        // SAFETY: `raw` is the valid skb that `skb` owns.
        if unsafe { bindings::rsec_helper_skb_is_gso(raw) } {
            return Err(DropReason::Kernel(-(bindings::EINVAL as i32)));
        }

        // SAFETY: `raw` is valid.
        if unsafe { bindings::rsec_helper_skb_csum_partial(raw) } {
            // SAFETY: `raw` is valid and ours; this computes the pending checksum in place.
            let ret = unsafe { bindings::skb_checksum_help(raw) };
            kernel_result(ret)?;
        }

        // SAFETY: `raw` is valid.
        let headroom = unsafe { bindings::rsec_helper_skb_headroom(raw) } as usize;
        if headroom < layout.hdr_len {
            let extra = (layout.hdr_len - headroom).next_multiple_of(16);
            // SAFETY: `raw` is valid and owned by us (not shared); expanding the head keeps
            // its data.
            let ret = unsafe { bindings::pskb_expand_head(raw, extra as i32, 0, GFP_ATOMIC_RAW) };
            kernel_result(ret)?;
        }

        let tail_len = layout.trailer_len + layout.icv_len;
        let mut trailer: *mut bindings::sk_buff = core::ptr::null_mut();
        // SAFETY: `raw` is valid and ours; skb_cow_data makes its data private and writable
        // and sets `trailer` to the skb (itself or one of its frag_list) to extend.
        let nfrags = unsafe { bindings::skb_cow_data(raw, tail_len as i32, &mut trailer) };
        kernel_result(nfrags)?;

        // SAFETY: skb_cow_data succeeded, so `trailer` has `tail_len` bytes of tailroom;
        // pskb_put extends it and `raw`'s length and returns the start of the new bytes.
        let tail = unsafe { bindings::pskb_put(raw, trailer, tail_len as i32) } as *mut u8;

        // SAFETY: `tail` points at `tail_len >= trailer_len` writable bytes (above).
        let trailer_bytes = unsafe { core::slice::from_raw_parts_mut(tail, layout.trailer_len) };
        esp::write_trailer(trailer_bytes, next_header).ok_or(DropReason::TooLong)?;

        Ok(nfrags as usize)
    }

    /// Pushes the ESP header and IV in front of the payload (RFC 4303 section 2).
    fn push_header(
        &self,
        skb: &SkBuff,
        layout: &OutboundLayout,
        spi: u32,
        seq: u64,
        iv: &[u8; MAX_IV_LEN],
    ) {
        let mut hdr = [0u8; esp::ESP_HDR_LEN];
        esp::write_esp_header(&mut hdr, spi, seq);

        // SAFETY: `prepare_outbound` made the head private with `hdr_len` bytes of headroom,
        // so skb_push returns `hdr_len` writable bytes at the new data start.
        unsafe {
            let data = bindings::skb_push(skb.as_ptr(), layout.hdr_len as u32) as *mut u8;
            core::ptr::copy_nonoverlapping(hdr.as_ptr(), data, hdr.len());
            core::ptr::copy_nonoverlapping(iv.as_ptr(), data.add(hdr.len()), self.params.iv_len);
        }
    }

    /// Decrypts the ESP packet in `skb` (data at the ESP header) with the high 32 bits of
    /// `seq` for ESN, verifies the ICV, checks and strips the trailer (RFC 4303 section 3.4).
    /// See the module documentation for the contract.
    pub(crate) fn decrypt_skb(
        self: &Arc<Self>,
        skb: SkBuff,
        seq: u64,
        done: DoneFn,
        cookie: usize,
    ) -> Completion {
        let (spi, seq, iv, encrypted, nfrags) = match self.prepare_inbound(&skb, seq) {
            Ok(prep) => prep,
            Err(reason) => return Completion::Done(skb, Err(reason)),
        };

        let req = match Request::new(self, skb, done, cookie, nfrags + 1) {
            Ok(req) => req,
            Err((skb, reason)) => return Completion::Done(skb, Err(reason)),
        };

        let io = RequestIo {
            spi,
            seq,
            iv,
            skb_offset: self.params.hdr_len(),
            skb_len: encrypted + self.params.icv_len,
            cryptlen: encrypted + self.params.icv_len,
        };
        // SAFETY: `req` is a new request that nothing else uses yet.
        unsafe { Request::submit(req, &io, Dir::Decrypt { encrypted }) }
    }

    /// Checks the length, reads SPI, sequence number and IV, and makes the data writable.
    /// Returns (SPI, full sequence number, IV, encrypted length, scatterlist entries).
    fn prepare_inbound(
        &self,
        skb: &SkBuff,
        seq: u64,
    ) -> core::result::Result<(u32, u64, [u8; MAX_IV_LEN], usize, usize), DropReason> {
        let raw = skb.as_ptr();
        let encrypted = esp::check_inbound_len(&self.params, skb.len())?;
        let hdr_len = self.params.hdr_len();

        // SAFETY: `raw` is the valid skb that `skb` owns.
        if !unsafe { bindings::rsec_helper_pskb_may_pull(raw, hdr_len as u32) } {
            return Err(DropReason::Truncated);
        }

        let mut trailer: *mut bindings::sk_buff = core::ptr::null_mut();
        // SAFETY: `raw` is valid and ours; skb_cow_data makes its data private and writable.
        let nfrags = unsafe { bindings::skb_cow_data(raw, 0, &mut trailer) };
        kernel_result(nfrags)?;

        let head = skb.linear_data();
        let Some(hdr) = head.get(..hdr_len) else {
            return Err(DropReason::Truncated);
        };
        let mut esp_hdr = [0u8; esp::ESP_HDR_LEN];
        esp_hdr.copy_from_slice(&hdr[..esp::ESP_HDR_LEN]);
        let (spi, seq_lo) = esp::parse_esp_header(&esp_hdr);
        let mut iv = [0u8; MAX_IV_LEN];
        iv[..self.params.iv_len].copy_from_slice(&hdr[esp::ESP_HDR_LEN..]);

        let seq = (seq & !0xffff_ffff) | u64::from(seq_lo);
        Ok((spi, seq, iv, encrypted, nfrags as usize))
    }

    /// After a successful decryption: validates the trailer, trims it and the ICV, pulls
    /// header and IV (RFC 4303 section 3.4.4.1).
    fn finish_inbound(&self, skb: &SkBuff, encrypted: usize) -> EspResult {
        let hdr_len = self.params.hdr_len();
        let mut tail = [0u8; esp::MAX_TRAILER_LEN];
        let n = encrypted.min(tail.len());
        skb.copy_out(hdr_len + encrypted - n, &mut tail[..n])
            .map_err(|e| DropReason::Kernel(e.to_errno()))?;

        let trailer = esp::check_trailer(&tail[..n], encrypted)?;

        let raw = skb.as_ptr();
        // SAFETY: `raw` is valid and ours; the new length is shorter than the current one.
        kernel_result(unsafe {
            bindings::rsec_helper_pskb_trim(raw, (hdr_len + trailer.inner_len) as u32)
        })?;

        // SAFETY: `raw` is valid; `hdr_len` bytes are in the linear part (prepare_inbound
        // pulled them) and stay there.
        unsafe {
            bindings::skb_pull(raw, hdr_len as u32);
            bindings::rsec_helper_skb_csum_none(raw);
        }

        Ok(Outcome {
            next_header: trailer.next_header,
        })
    }
}

impl Drop for EspTransform {
    fn drop(&mut self) {
        // SAFETY: the tfm is valid and no request uses it any more: every request holds an
        // `Arc` of the transform. crypto_free_aead wipes the key schedule (kfree_sensitive).
        unsafe { bindings::rsec_helper_crypto_free_aead(self.tfm.as_ptr()) };
    }
}

/// `GFP_ATOMIC` as the raw flags the bindings take.
const GFP_ATOMIC_RAW: bindings::gfp_t = bindings::GFP_ATOMIC;

/// A `struct crypto_aead *` that may be an ERR_PTR.
fn err_ptr(ptr: *mut bindings::crypto_aead) -> Result<NonNull<bindings::crypto_aead>> {
    let value = ptr as isize;
    if value < 0 && value >= -(bindings::MAX_ERRNO as isize) {
        return Err(Error::from_errno(value as c_int));
    }
    NonNull::new(ptr).ok_or(ENOMEM)
}

/// A kernel return value: negative errno or success.
fn errno(ret: c_int) -> Result {
    if ret < 0 {
        return Err(Error::from_errno(ret));
    }
    Ok(())
}

/// A kernel return value on the packet path: negative errno as a drop reason.
fn kernel_result(ret: c_int) -> core::result::Result<(), DropReason> {
    match ret {
        r if r >= 0 => Ok(()),
        r if r == -(bindings::ENOMEM as c_int) => Err(DropReason::NoMemory),
        r => Err(DropReason::Kernel(r)),
    }
}

/// The direction of a request, with what its completion needs.
#[derive(Clone, Copy)]
enum Dir {
    /// Encryption: the Next Header it wrote.
    Encrypt { next_header: u8 },
    /// Decryption: the encrypted length, for the trailer check.
    Decrypt { encrypted: usize },
}

/// What a request encrypts or decrypts.
struct RequestIo {
    spi: u32,
    /// The full sequence number (AAD).
    seq: u64,
    /// The IV: the first `iv_len` bytes.
    iv: [u8; MAX_IV_LEN],
    /// Where the scatterlist's skb part starts: after header and IV.
    skb_offset: usize,
    /// Its length: to the end of the ICV.
    skb_len: usize,
    /// The request's cryptlen: the encrypted part, plus the ICV for decryption.
    cryptlen: usize,
}

/// The state of one crypto request, at the start of one allocation that also holds the
/// `struct aead_request` (with the tfm's request context) and the scatterlist.
#[repr(C)]
struct Request {
    /// The transform, kept alive while the request is in flight.
    xf: Arc<EspTransform>,
    /// The packet, owned by the request until completion.
    skb: NonNull<bindings::sk_buff>,
    done: DoneFn,
    cookie: usize,
    dir: Dir,
    /// The first scatterlist entry: AAD then IV.
    assoc: [u8; MAX_AAD_LEN + MAX_IV_LEN],
    /// `req->iv`: the crypto layer may overwrite it (CBC's output IV).
    iv: [u8; MAX_IV_LEN],
    aead: NonNull<bindings::aead_request>,
    sg: NonNull<bindings::scatterlist>,
    nsg: usize,
}

/// Alignment of the `aead_request` in the allocation, at least the crypto API's minimum.
const REQ_ALIGN: usize = 64;

impl Request {
    /// Allocates a request for `nsg` scatterlist entries (GFP_ATOMIC: any context) and moves
    /// `skb` into it. On failure returns the skb back.
    fn new(
        xf: &Arc<EspTransform>,
        skb: SkBuff,
        done: DoneFn,
        cookie: usize,
        nsg: usize,
    ) -> core::result::Result<NonNull<Request>, (SkBuff, DropReason)> {
        let aead_off = size_of::<Request>().next_multiple_of(REQ_ALIGN);
        let sg_off = (aead_off + size_of::<bindings::aead_request>() + xf.reqsize)
            .next_multiple_of(core::mem::align_of::<bindings::scatterlist>());
        let total = sg_off + nsg * size_of::<bindings::scatterlist>();

        // SAFETY: kmalloc has no preconditions; GFP_ATOMIC is valid in any context.
        let base = unsafe { bindings::rsec_helper_kmalloc(total, GFP_ATOMIC_RAW) } as *mut u8;
        let Some(base) = NonNull::new(base) else {
            return Err((skb, DropReason::NoMemory));
        };

        // SAFETY: the allocation is `total` bytes, kmalloc-aligned (at least 8, enough for
        // `Request`), and `aead_off`, `sg_off` are within it with room for what follows.
        unsafe {
            let aead = NonNull::new_unchecked(base.as_ptr().add(aead_off).cast());
            let sg = NonNull::new_unchecked(base.as_ptr().add(sg_off).cast());
            let req = base.cast::<Request>();
            req.as_ptr().write(Request {
                xf: xf.clone(),
                skb: skb.into_raw(),
                done,
                cookie,
                dir: Dir::Encrypt { next_header: 0 },
                assoc: [0; MAX_AAD_LEN + MAX_IV_LEN],
                iv: [0; MAX_IV_LEN],
                aead,
                sg,
                nsg,
            });
            Ok(req)
        }
    }

    /// Builds the scatterlist and the `aead_request`, submits it, and completes it now if the
    /// crypto layer did.
    ///
    /// # Safety
    ///
    /// `req` comes from [`Request::new`] and is not submitted yet. After this call it must not
    /// be used: it is freed, now or at asynchronous completion.
    unsafe fn submit(req: NonNull<Request>, io: &RequestIo, dir: Dir) -> Completion {
        // SAFETY: by the caller's guarantee `req` is ours alone until submitted.
        let r = unsafe { &mut *req.as_ptr() };
        r.dir = dir;

        // SAFETY: `r` is a fresh request with room for `nsg` entries (new's caller counted the
        // skb's `nfrags` plus one).
        let assoclen = match unsafe { r.build_sg(io) } {
            Ok(len) => len,
            Err(reason) => {
                // SAFETY: not submitted: the request is still ours.
                let (skb, _done) = unsafe { Request::free(req) };
                return Completion::Done(skb, Err(reason));
            }
        };

        // SAFETY: `r.aead` has room for the request and the tfm's reqsize; the scatterlist
        // and `r.iv` live in the same allocation until the request is freed, and the
        // callback's data is that allocation.
        let ret = unsafe {
            let aead = r.aead.as_ptr();
            bindings::rsec_helper_aead_request_set_tfm(aead, r.xf.tfm.as_ptr());
            bindings::rsec_helper_aead_request_set_callback(
                aead,
                0,
                Some(request_done),
                req.as_ptr().cast(),
            );
            bindings::rsec_helper_aead_request_set_crypt(
                aead,
                r.sg.as_ptr(),
                r.sg.as_ptr(),
                io.cryptlen as u32,
                r.iv.as_mut_ptr(),
            );
            bindings::rsec_helper_aead_request_set_ad(aead, assoclen as u32);
            match dir {
                Dir::Encrypt { .. } => bindings::crypto_aead_encrypt(aead),
                Dir::Decrypt { .. } => bindings::crypto_aead_decrypt(aead),
            }
        };

        // -EBUSY means queued in the backlog: we set no backlog flag, but a queued request
        // must never be freed here, so both are "pending".
        if ret == -(bindings::EINPROGRESS as c_int) || ret == -(bindings::EBUSY as c_int) {
            return Completion::Pending;
        }

        // SAFETY: the crypto layer finished with the request synchronously.
        let (skb, result, _done, _cookie) = unsafe { Request::complete(req, ret) };
        Completion::Done(skb, result)
    }

    /// Fills `assoc` and `iv` and maps `assoc` and the skb's part into the scatterlist;
    /// returns the assoclen.
    ///
    /// # Safety
    ///
    /// `self` comes from [`Request::new`] with `nsg` at least the skb's `skb_cow_data` count
    /// plus one, and owns its skb.
    unsafe fn build_sg(&mut self, io: &RequestIo) -> core::result::Result<usize, DropReason> {
        let params = *self.xf.params();
        let mut aad = [0u8; MAX_AAD_LEN];
        let aad_len = esp::write_aad(&mut aad, io.spi, io.seq, self.xf.esn);
        let assoclen = aad_len + params.iv_len;
        self.assoc[..aad_len].copy_from_slice(&aad[..aad_len]);
        self.assoc[aad_len..assoclen].copy_from_slice(&io.iv[..params.iv_len]);
        self.iv = io.iv;

        let sg = self.sg.as_ptr();
        // SAFETY: `sg` has `nsg` entries (new); `assoc` lives in the request's kmalloc'd
        // allocation (not the stack), as sg_set_buf needs.
        let mapped = unsafe {
            bindings::sg_init_table(sg, self.nsg as u32);
            bindings::rsec_helper_sg_set_buf(sg, self.assoc.as_ptr().cast(), assoclen as u32);
            bindings::skb_to_sgvec(
                self.skb.as_ptr(),
                sg.add(1),
                io.skb_offset as i32,
                io.skb_len as i32,
            )
        };
        kernel_result(mapped)?;
        Ok(assoclen)
    }

    /// Finishes a request the crypto layer completed with `err` and frees it; returns the skb,
    /// the result, and the caller's callback and cookie.
    ///
    /// # Safety
    ///
    /// The crypto layer is done with `req` (synchronous return or final callback); nothing
    /// uses it afterwards.
    unsafe fn complete(req: NonNull<Request>, err: c_int) -> (SkBuff, EspResult, DoneFn, usize) {
        // SAFETY: by the caller's guarantee the request is ours again.
        let (dir, xf, cookie) = unsafe {
            let r = &*req.as_ptr();
            (r.dir, r.xf.clone(), r.cookie)
        };

        // SAFETY: as above; the skb moves out of the request, which is freed.
        let (skb, done) = unsafe { Request::free(req) };

        let result = match (err, dir) {
            (e, Dir::Decrypt { .. }) if e == -(bindings::EBADMSG as c_int) => {
                Err(DropReason::IcvMismatch)
            }
            (e, _) if e < 0 => kernel_result(e).map(|()| Outcome { next_header: 0 }),
            (_, Dir::Encrypt { next_header }) => Ok(Outcome { next_header }),
            (_, Dir::Decrypt { encrypted }) => xf.finish_inbound(&skb, encrypted),
        };
        (skb, result, done, cookie)
    }

    /// Frees the request (dropping its transform reference) and returns its skb and callback.
    ///
    /// # Safety
    ///
    /// `req` comes from [`Request::new`] and nothing (crypto layer included) uses it any more.
    unsafe fn free(req: NonNull<Request>) -> (SkBuff, DoneFn) {
        // SAFETY: by the caller's guarantee we own the request: read its fields out, drop it
        // in place, and free the allocation, wiping it (it held IVs and the tfm's request
        // context, which may hold key-derived state, as aead_request_free does).
        unsafe {
            let r = req.as_ptr();
            let skb = SkBuff::from_raw((*r).skb);
            let done = (*r).done;
            core::ptr::drop_in_place(r);
            bindings::kfree_sensitive(r.cast::<c_void>());
            (skb, done)
        }
    }
}

/// The crypto layer's completion callback (`crypto_completion_t`) of every request.
///
/// # Safety
///
/// Called by the crypto layer only, with the `data` given at submission: a [`Request`].
unsafe extern "C" fn request_done(data: *mut c_void, err: c_int) {
    // A backlogged request moving to the queue: the real completion follows.
    if err == -(bindings::EINPROGRESS as c_int) {
        return;
    }
    let Some(req) = NonNull::new(data.cast::<Request>()) else {
        return;
    };

    // SAFETY: this is the final completion of `req`: the crypto layer no longer uses it.
    let (skb, result, done, cookie) = unsafe { Request::complete(req, err) };
    done(skb, result, cookie);
}
