// SPDX-License-Identifier: GPL-2.0

//! ESP packet format (RFC 4303) and the per-algorithm parameters of rsec's transforms.
//!
//! Plain safe Rust with no kernel dependency: the module builds it, and so does the host crate
//! in `rust-module/host/`, whose tests cover every function here. `crypto.rs` does the kernel
//! side (skbs, scatterlists, the crypto API) with the numbers and bytes computed here.
//!
//! An ESP packet, as this module lays it out (RFC 4303 section 2):
//!
//! ```text
//! | SPI (4) | Seq low (4) | IV (8 or 16) | payload | pad | pad len | next hdr | ICV |
//! '--------- header ------------------'  '------ encrypted ------------------'
//! ```
//!
//! The AAD the AEAD templates authenticate is SPI | seq low, or SPI | seq high | seq low with
//! extended sequence numbers (RFC 4304; RFC 4106 section 5, RFC 7634 section 2.1). With
//! CBC+HMAC under ESN the high 32 bits follow the payload for the ICV only (RFC 4303 section
//! 2.2.1); the kernel's `authencesn` template moves them there from the same SPI | high | low
//! layout, so one AAD layout serves every algorithm.

/// Length of the ESP header: SPI and the low 32 bits of the sequence number.
pub(crate) const ESP_HDR_LEN: usize = 8;

/// Pad Length and Next Header, the fixed part of the ESP trailer.
pub(crate) const ESP_TRAILER_LEN: usize = 2;

/// The longest AAD: SPI, sequence number high and low halves.
pub(crate) const MAX_AAD_LEN: usize = 12;

/// The longest IV of any algorithm here (AES-CBC).
pub(crate) const MAX_IV_LEN: usize = 16;

/// The most trailer bytes a receiver has to look at: 255 pad bytes, Pad Length, Next Header.
pub(crate) const MAX_TRAILER_LEN: usize = 255 + ESP_TRAILER_LEN;

/// Next Header of an IPv4 inner packet (tunnel mode, IP-in-IP).
pub(crate) const NEXT_HEADER_IPV4: u8 = 4;

/// Next Header of an IPv6 inner packet (tunnel mode).
pub(crate) const NEXT_HEADER_IPV6: u8 = 41;

/// Next Header of a dummy packet, which the receiver drops (RFC 4303 section 2.6).
pub(crate) const NEXT_HEADER_NONE: u8 = 59;

/// Why an ESP packet is dropped, or could not be built. Each is a distinct counter and log
/// name for the packet path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DropReason {
    /// Shorter than header, IV, one encrypted block and ICV.
    Truncated,
    /// The encrypted part is not a whole number of cipher blocks (or 4-byte words).
    BadAlignment,
    /// The ICV did not verify (the crypto layer's -EBADMSG).
    IcvMismatch,
    /// Pad Length says more padding than there is payload.
    BadPadLength,
    /// A pad byte is not the one RFC 4303 section 2.4 prescribes (1, 2, 3, ...).
    BadPadding,
    /// Next Header 59: a dummy packet (RFC 4303 section 2.6), dropped silently.
    DummyPacket,
    /// Next Header is neither IPv4 (4) nor IPv6 (41) on a tunnel-mode SA.
    BadNextHeader,
    /// Outer header CE with an inner Not-ECT packet (RFC 6040 section 4.2).
    EcnCeOnNotEct,
    /// The packet would not fit in 16 bits of length.
    TooLong,
    /// No memory for the skb copy or the crypto request.
    NoMemory,
    /// Any other error of the kernel's skb or crypto functions (a negative errno).
    Kernel(i32),
}

impl DropReason {
    /// A short stable name, for counters and rate-limited logs.
    pub(crate) fn name(self) -> &'static str {
        match self {
            DropReason::Truncated => "truncated",
            DropReason::BadAlignment => "bad-alignment",
            DropReason::IcvMismatch => "icv-mismatch",
            DropReason::BadPadLength => "bad-pad-length",
            DropReason::BadPadding => "bad-padding",
            DropReason::DummyPacket => "dummy-packet",
            DropReason::BadNextHeader => "bad-next-header",
            DropReason::EcnCeOnNotEct => "ecn-ce-on-not-ect",
            DropReason::TooLong => "too-long",
            DropReason::NoMemory => "no-memory",
            DropReason::Kernel(_) => "kernel-error",
        }
    }
}

/// Encryption transforms, by IKEv2 transform type 1 id (IANA), as in `rsec.yaml`'s encr-alg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EncrAlg {
    /// AES-CBC (RFC 3602), with an HMAC integrity algorithm.
    AesCbc = 12,
    /// AES-GCM with a 16-byte ICV (RFC 4106).
    AesGcm16 = 20,
    /// ChaCha20-Poly1305 (RFC 7634).
    Chacha20Poly1305 = 28,
}

impl EncrAlg {
    /// The algorithm of an IANA id, if rsec implements it.
    pub(crate) fn from_id(id: u16) -> Option<Self> {
        match id {
            12 => Some(EncrAlg::AesCbc),
            20 => Some(EncrAlg::AesGcm16),
            28 => Some(EncrAlg::Chacha20Poly1305),
            _ => None,
        }
    }
}

/// Integrity transforms, by IKEv2 transform type 3 id (IANA), as in `rsec.yaml`'s integ-alg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntegAlg {
    /// HMAC-SHA-256 truncated to 128 bits (RFC 4868).
    HmacSha256_128 = 12,
    /// HMAC-SHA-384 truncated to 192 bits (RFC 4868).
    HmacSha384_192 = 13,
    /// HMAC-SHA-512 truncated to 256 bits (RFC 4868).
    HmacSha512_256 = 14,
}

impl IntegAlg {
    /// The algorithm of an IANA id, if rsec implements it.
    pub(crate) fn from_id(id: u16) -> Option<Self> {
        match id {
            12 => Some(IntegAlg::HmacSha256_128),
            13 => Some(IntegAlg::HmacSha384_192),
            14 => Some(IntegAlg::HmacSha512_256),
            _ => None,
        }
    }

    /// Key length: the hash output length (RFC 4868 section 2.1.1).
    fn key_len(self) -> usize {
        match self {
            IntegAlg::HmacSha256_128 => 32,
            IntegAlg::HmacSha384_192 => 48,
            IntegAlg::HmacSha512_256 => 64,
        }
    }

    /// ICV length: half the hash output (RFC 4868 section 2.3).
    fn icv_len(self) -> usize {
        self.key_len() / 2
    }

    /// The kernel's name of the hash, inside `hmac(...)`.
    fn hash_name(self) -> &'static str {
        match self {
            IntegAlg::HmacSha256_128 => "sha256",
            IntegAlg::HmacSha384_192 => "sha384",
            IntegAlg::HmacSha512_256 => "sha512",
        }
    }
}

/// Why a combination of algorithms and keys is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AlgError {
    /// Unknown or unimplemented encryption id.
    UnknownEncr,
    /// Unknown or unimplemented integrity id.
    UnknownInteg,
    /// AES-CBC without an integrity algorithm (confidentiality only is not offered).
    MissingInteg,
    /// An integrity algorithm with an AEAD, which has its own ICV.
    IntegWithAead,
    /// The encryption key (with salt, for AEADs) has a length the algorithm does not take.
    EncrKeyLen,
    /// The integrity key's length is not the hash length.
    IntegKeyLen,
}

/// Everything about one algorithm combination that the data path needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AlgParams {
    /// The encryption algorithm.
    pub(crate) encr: EncrAlg,
    /// The integrity algorithm: `Some` exactly for AES-CBC.
    pub(crate) integ: Option<IntegAlg>,
    /// Cipher key length, without the salt.
    pub(crate) enc_key_len: usize,
    /// Salt length at the end of the encryption key: 4 for the AEADs (RFC 4106 section 8.1,
    /// RFC 7634 section 2), 0 for CBC.
    pub(crate) salt_len: usize,
    /// Integrity key length, 0 for AEADs.
    pub(crate) auth_key_len: usize,
    /// Explicit IV carried in every packet.
    pub(crate) iv_len: usize,
    /// ICV length.
    pub(crate) icv_len: usize,
    /// Cipher block size: 16 for CBC, 1 for the stream-like AEADs.
    pub(crate) block_size: usize,
}

impl AlgParams {
    /// Validates the ids and key lengths of an SA and returns its parameters.
    ///
    /// `integ_id` 0 means no integrity algorithm; `encr_key_len` counts the salt of AEADs.
    pub(crate) fn new(
        encr_id: u16,
        encr_key_len: usize,
        integ_id: u16,
        integ_key_len: usize,
    ) -> Result<Self, AlgError> {
        let encr = EncrAlg::from_id(encr_id).ok_or(AlgError::UnknownEncr)?;
        let integ = match integ_id {
            0 => None,
            id => Some(IntegAlg::from_id(id).ok_or(AlgError::UnknownInteg)?),
        };

        let params = match (encr, integ) {
            (EncrAlg::AesCbc, None) => return Err(AlgError::MissingInteg),
            (EncrAlg::AesCbc, Some(integ)) => Self::cbc(encr_key_len, integ, integ_key_len)?,
            (_, Some(_)) => return Err(AlgError::IntegWithAead),
            (EncrAlg::AesGcm16, None) => Self::aead(encr, encr_key_len, &[16, 32])?,
            (EncrAlg::Chacha20Poly1305, None) => Self::aead(encr, encr_key_len, &[32])?,
        };
        Ok(params)
    }

    /// AES-CBC with HMAC: RFC 3602 and RFC 4868.
    fn cbc(enc_key_len: usize, integ: IntegAlg, integ_key_len: usize) -> Result<Self, AlgError> {
        if enc_key_len != 16 && enc_key_len != 32 {
            return Err(AlgError::EncrKeyLen);
        }
        if integ_key_len != integ.key_len() {
            return Err(AlgError::IntegKeyLen);
        }

        Ok(Self {
            encr: EncrAlg::AesCbc,
            integ: Some(integ),
            enc_key_len,
            salt_len: 0,
            auth_key_len: integ_key_len,
            iv_len: 16,
            icv_len: integ.icv_len(),
            block_size: 16,
        })
    }

    /// An AEAD whose key ends with a 4-byte salt and whose IV is 8 bytes.
    fn aead(encr: EncrAlg, key_len: usize, key_lens: &[usize]) -> Result<Self, AlgError> {
        let salt_len = 4;
        let enc_key_len = key_len.checked_sub(salt_len).ok_or(AlgError::EncrKeyLen)?;
        if !key_lens.contains(&enc_key_len) {
            return Err(AlgError::EncrKeyLen);
        }

        Ok(Self {
            encr,
            integ: None,
            enc_key_len,
            salt_len,
            auth_key_len: 0,
            iv_len: 8,
            icv_len: 16,
            block_size: 1,
        })
    }

    /// Whether the algorithm is an AEAD (no separate integrity algorithm).
    pub(crate) fn is_aead(&self) -> bool {
        self.integ.is_none()
    }

    /// The alignment of the encrypted part: the block size, at least 4 (RFC 4303 section 2.4).
    pub(crate) fn align(&self) -> usize {
        self.block_size.max(4)
    }

    /// Header and IV: the bytes in front of the payload.
    pub(crate) fn hdr_len(&self) -> usize {
        ESP_HDR_LEN + self.iv_len
    }

    /// The AAD length: 8, or 12 with ESN.
    pub(crate) fn aad_len(&self, esn: bool) -> usize {
        if esn {
            MAX_AAD_LEN
        } else {
            ESP_HDR_LEN
        }
    }

    /// Writes the kernel crypto API name of the transform into `out`, NUL-terminated, and
    /// returns its length without the NUL; `None` if `out` is too small.
    ///
    /// The names are those Linux XFRM instantiates without its IV generator, so the packets are
    /// the same: `rfc4106(gcm(aes))`, `rfc7539esp(chacha20,poly1305)`,
    /// `authenc(hmac(sha256),cbc(aes))`, and `authencesn(...)` under ESN. `cryptd` wraps the
    /// name in `cryptd(...)`, which forces asynchronous completion (for the selftest).
    pub(crate) fn write_template_name(
        &self,
        esn: bool,
        cryptd: bool,
        out: &mut [u8],
    ) -> Option<usize> {
        let mut w = NameWriter { out, len: 0 };
        if cryptd {
            w.put("cryptd(")?;
        }

        match self.integ {
            None if self.encr == EncrAlg::AesGcm16 => w.put("rfc4106(gcm(aes))")?,
            None => w.put("rfc7539esp(chacha20,poly1305)")?,
            Some(integ) => {
                w.put(if esn {
                    "authencesn(hmac("
                } else {
                    "authenc(hmac("
                })?;
                w.put(integ.hash_name())?;
                w.put("),cbc(aes))")?;
            }
        }

        if cryptd {
            w.put(")")?;
        }
        w.put("\0")?;
        Some(w.len - 1)
    }
}

/// Appends strings to a byte buffer, failing when full.
struct NameWriter<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl NameWriter<'_> {
    fn put(&mut self, s: &str) -> Option<()> {
        let end = self.len.checked_add(s.len())?;
        self.out
            .get_mut(self.len..end)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Some(())
    }
}

/// The key blob of the kernel's `authenc`/`authencesn` templates: an rtattr of type
/// CRYPTO_AUTHENC_KEYA_PARAM (1) and length 8 (host-endian u16s) holding the encryption key
/// length as a big-endian u32, then the authentication key, then the encryption key.
///
/// Writes it into `out` and returns its length, `None` if `out` is too small.
pub(crate) fn write_authenc_key(enc_key: &[u8], auth_key: &[u8], out: &mut [u8]) -> Option<usize> {
    const RTA_LEN: u16 = 8;
    const KEYA_PARAM: u16 = 1;

    let total = 8 + auth_key.len() + enc_key.len();
    let out = out.get_mut(..total)?;
    out[0..2].copy_from_slice(&RTA_LEN.to_ne_bytes());
    out[2..4].copy_from_slice(&KEYA_PARAM.to_ne_bytes());
    out[4..8].copy_from_slice(&u32::try_from(enc_key.len()).ok()?.to_be_bytes());
    out[8..8 + auth_key.len()].copy_from_slice(auth_key);
    out[8 + auth_key.len()..].copy_from_slice(enc_key);
    Some(total)
}

/// Writes the ESP header: SPI and the low 32 bits of `seq` (RFC 4303 sections 2.1, 2.2).
pub(crate) fn write_esp_header(out: &mut [u8; ESP_HDR_LEN], spi: u32, seq: u64) {
    out[0..4].copy_from_slice(&spi.to_be_bytes());
    out[4..8].copy_from_slice(&(seq as u32).to_be_bytes());
}

/// SPI and the low 32 bits of the sequence number of an ESP header.
pub(crate) fn parse_esp_header(hdr: &[u8; ESP_HDR_LEN]) -> (u32, u32) {
    let spi = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
    let seq = u32::from_be_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
    (spi, seq)
}

/// Writes the AAD into `out` and returns its length: SPI | seq low (8 bytes), or with ESN
/// SPI | seq high | seq low (12 bytes), per RFC 4106 section 5 and RFC 7634 section 2.1 (and
/// the input layout of `authencesn`).
pub(crate) fn write_aad(out: &mut [u8; MAX_AAD_LEN], spi: u32, seq: u64, esn: bool) -> usize {
    out[0..4].copy_from_slice(&spi.to_be_bytes());
    if esn {
        out[4..8].copy_from_slice(&((seq >> 32) as u32).to_be_bytes());
        out[8..12].copy_from_slice(&(seq as u32).to_be_bytes());
        MAX_AAD_LEN
    } else {
        out[4..8].copy_from_slice(&(seq as u32).to_be_bytes());
        ESP_HDR_LEN
    }
}

/// The explicit IV of GCM and ChaCha20-Poly1305 for sequence number `seq`: the 64-bit number,
/// big-endian. A sequence number is never reused under one key (RFC 4303 section 3.3.3), so
/// neither is the IV, as RFC 4106 section 3.1 and RFC 7634 section 2 require.
pub(crate) fn aead_iv(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// Padding bytes for an inner packet of `inner_len` bytes: the fewest that make payload, pad
/// and the 2-byte trailer a multiple of [`AlgParams::align`] (RFC 4303 section 2.4).
pub(crate) fn pad_len(params: &AlgParams, inner_len: usize) -> usize {
    let align = params.align();
    (align - (inner_len + ESP_TRAILER_LEN) % align) % align
}

/// Writes the trailer into `out`, which must be `pad_len + 2` bytes: pad bytes 1, 2, 3, ...
/// (RFC 4303 section 2.4), Pad Length, Next Header. `None` if `out` has more than 257 bytes.
pub(crate) fn write_trailer(out: &mut [u8], next_header: u8) -> Option<()> {
    let pad = out.len().checked_sub(ESP_TRAILER_LEN)?;
    let pad_u8 = u8::try_from(pad).ok()?;
    for (i, b) in out[..pad].iter_mut().enumerate() {
        *b = (i + 1) as u8;
    }
    out[pad] = pad_u8;
    out[pad + 1] = next_header;
    Some(())
}

/// The lengths of an outbound ESP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutboundLayout {
    /// Header and IV, before the payload.
    pub(crate) hdr_len: usize,
    /// The inner packet.
    pub(crate) inner_len: usize,
    /// Padding, Pad Length and Next Header.
    pub(crate) trailer_len: usize,
    /// The ICV at the end.
    pub(crate) icv_len: usize,
}

impl OutboundLayout {
    /// The layout for an inner packet of `inner_len` bytes.
    pub(crate) fn new(params: &AlgParams, inner_len: usize) -> Self {
        Self {
            hdr_len: params.hdr_len(),
            inner_len,
            trailer_len: pad_len(params, inner_len) + ESP_TRAILER_LEN,
            icv_len: params.icv_len,
        }
    }

    /// The bytes that are encrypted: inner packet and trailer.
    pub(crate) fn encrypted_len(&self) -> usize {
        self.inner_len + self.trailer_len
    }

    /// The whole ESP packet.
    pub(crate) fn total_len(&self) -> usize {
        self.hdr_len + self.encrypted_len() + self.icv_len
    }
}

/// The ESP bytes added to an inner packet of `inner_len` bytes (header, IV, trailer, ICV);
/// without an outer IP header.
pub(crate) fn esp_overhead(params: &AlgParams, inner_len: usize) -> usize {
    let layout = OutboundLayout::new(params, inner_len);
    layout.total_len() - inner_len
}

/// The most ESP can add to any packet: the headroom and tailroom to reserve.
pub(crate) fn esp_overhead_max(params: &AlgParams) -> usize {
    params.hdr_len() + params.align() - 1 + ESP_TRAILER_LEN + params.icv_len
}

/// The outer IP family of a tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// IPv4, a 20-byte header without options.
    V4,
    /// IPv6, a 40-byte header without extension headers.
    V6,
}

impl Family {
    /// The outer header length.
    pub(crate) fn header_len(self) -> usize {
        match self {
            Family::V4 => 20,
            Family::V6 => 40,
        }
    }
}

/// The largest inner packet that, in ESP under an outer `family` header, fits in `mtu` bytes;
/// `None` when not even an empty one does.
pub(crate) fn max_inner_len(mtu: usize, family: Family, params: &AlgParams) -> Option<usize> {
    let fixed = family.header_len() + params.hdr_len() + params.icv_len;
    let room = mtu.checked_sub(fixed)?;
    let align = params.align();
    let encrypted = room - room % align;
    encrypted.checked_sub(ESP_TRAILER_LEN)
}

/// Checks the length of an inbound ESP packet (header to ICV) before decryption and returns
/// the length of the encrypted part (payload, padding, trailer).
pub(crate) fn check_inbound_len(params: &AlgParams, esp_len: usize) -> Result<usize, DropReason> {
    let encrypted = esp_len
        .checked_sub(params.hdr_len() + params.icv_len)
        .ok_or(DropReason::Truncated)?;
    if encrypted < ESP_TRAILER_LEN {
        return Err(DropReason::Truncated);
    }
    if encrypted % params.block_size != 0 || encrypted % 4 != 0 {
        return Err(DropReason::BadAlignment);
    }
    Ok(encrypted)
}

/// What a valid decrypted trailer says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Trailer {
    /// The inner packet's length: the decrypted bytes less padding and trailer.
    pub(crate) inner_len: usize,
    /// The Next Header field.
    pub(crate) next_header: u8,
}

/// Validates the end of a decrypted payload (RFC 4303 section 2.4, 2.6).
///
/// `tail` is the last `min(decrypted_len, 257)` bytes of the `decrypted_len` decrypted bytes
/// (payload, padding, trailer): enough for any Pad Length. Pad bytes must be 1, 2, 3, ...;
/// Next Header 59 marks a dummy packet to drop.
pub(crate) fn check_trailer(tail: &[u8], decrypted_len: usize) -> Result<Trailer, DropReason> {
    let n = tail.len();
    if n < ESP_TRAILER_LEN || n > decrypted_len {
        return Err(DropReason::Truncated);
    }
    let pad = usize::from(tail[n - 2]);
    let next_header = tail[n - 1];
    if pad + ESP_TRAILER_LEN > n {
        return Err(DropReason::BadPadLength);
    }

    let pad_bytes = &tail[n - ESP_TRAILER_LEN - pad..n - ESP_TRAILER_LEN];
    if pad_bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| usize::from(b) != i + 1)
    {
        return Err(DropReason::BadPadding);
    }
    if next_header == NEXT_HEADER_NONE {
        return Err(DropReason::DummyPacket);
    }

    Ok(Trailer {
        inner_len: decrypted_len - pad - ESP_TRAILER_LEN,
        next_header,
    })
}

/// The inner family of a tunnel-mode packet from its Next Header.
pub(crate) fn tunnel_inner_family(next_header: u8) -> Result<Family, DropReason> {
    match next_header {
        NEXT_HEADER_IPV4 => Ok(Family::V4),
        NEXT_HEADER_IPV6 => Ok(Family::V6),
        _ => Err(DropReason::BadNextHeader),
    }
}

/// The ECN field: the low two bits of the IPv4 TOS or IPv6 Traffic Class (RFC 3168).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ecn {
    /// 0b00: not ECN-capable.
    NotEct = 0,
    /// 0b01: ECN-capable transport (1).
    Ect1 = 1,
    /// 0b10: ECN-capable transport (0).
    Ect0 = 2,
    /// 0b11: congestion experienced.
    Ce = 3,
}

impl Ecn {
    /// The ECN field of a TOS / Traffic Class byte.
    pub(crate) fn of_tos(tos: u8) -> Self {
        match tos & 3 {
            0 => Ecn::NotEct,
            1 => Ecn::Ect1,
            2 => Ecn::Ect0,
            _ => Ecn::Ce,
        }
    }
}

/// The outer TOS / Traffic Class of a tunnel packet: DSCP and ECN copied from the inner one,
/// the normal mode of RFC 6040 section 4.1 (DSCP copied per RFC 2983's uniform model at
/// ingress).
pub(crate) fn encap_tos(inner_tos: u8) -> u8 {
    inner_tos
}

/// The result of combining ECN at decapsulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DecapTos {
    /// The inner TOS / Traffic Class to forward with: the inner DSCP, the combined ECN.
    pub(crate) tos: u8,
    /// A combination RFC 6040 marks "(!!!)": currently unused, worth a rate-limited log.
    pub(crate) unusual: bool,
}

/// Combines outer and inner ECN at decapsulation: the table of RFC 6040 section 4.2. The
/// inner DSCP is kept (the outer one is the tunnel's business). Outer CE on an inner Not-ECT
/// packet must be dropped: the congestion signal could not be passed on.
pub(crate) fn decap_tos(outer_tos: u8, inner_tos: u8) -> Result<DecapTos, DropReason> {
    let inner = Ecn::of_tos(inner_tos);
    let outer = Ecn::of_tos(outer_tos);

    let (ecn, unusual) = match (inner, outer) {
        (Ecn::NotEct, Ecn::Ce) => return Err(DropReason::EcnCeOnNotEct),
        (Ecn::NotEct, Ecn::NotEct) => (Ecn::NotEct, false),
        (Ecn::NotEct, _) => (Ecn::NotEct, true),
        (_, Ecn::NotEct) => (inner, false),
        (Ecn::Ect0, outer) => (outer, false),
        (Ecn::Ect1, Ecn::Ce) => (Ecn::Ce, false),
        (Ecn::Ect1, _) => (Ecn::Ect1, false),
        (Ecn::Ce, Ecn::Ect1) => (Ecn::Ce, true),
        (Ecn::Ce, _) => (Ecn::Ce, false),
    };

    Ok(DecapTos {
        tos: (inner_tos & !3) | ecn as u8,
        unusual,
    })
}
