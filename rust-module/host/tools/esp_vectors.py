#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Known-answer ESP packets for rsec.ko's selftest, computed independently of the kernel.

Builds each ESP packet (RFC 4303) from first principles with the `cryptography` package:
AES-GCM (RFC 4106), ChaCha20-Poly1305 (RFC 7634), AES-CBC + HMAC-SHA-2 (RFC 3602, RFC 4868),
with and without extended sequence numbers (RFC 4304). The explicit IV of the AEADs is the
64-bit sequence number, big-endian, which is what rsec puts on the wire; CBC takes a fixed IV.

Prints Rust source; `rust-module/esp_vectors.rs` is its output:

    python3 rust-module/host/tools/esp_vectors.py | rustfmt --edition 2021 > rust-module/esp_vectors.rs
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

SPI = 0x0A0B0C0D
SEQ_ESN = 0x0000000700000009  # high 7, low 9: ESN
SEQ_32 = 0x0000000000000009
CBC_IV = bytes(range(0xA0, 0xB0))

# An IPv4/UDP packet of 45 bytes: header 20, UDP 8, 17 bytes of data.
INNER = bytes.fromhex(
    "4500002d1c4640004011b3e1c0000201c6336402"
    "d431113500194e2e"
) + b"rsec selftest 42!"
assert len(INNER) == 45


def key(n, start):
    return bytes((start + i) & 0xFF for i in range(n))


# name, encr id, encr key (incl. salt), integ id, integ key
ALGS = [
    ("aes-gcm-16-128", 20, key(20, 0x10), 0, b""),
    ("aes-gcm-16-256", 20, key(36, 0x20), 0, b""),
    ("chacha20-poly1305", 28, key(36, 0x40), 0, b""),
    ("aes-128-cbc-hmac-sha2-256-128", 12, key(16, 0x60), 12, key(32, 0x80)),
    ("aes-256-cbc-hmac-sha2-384-192", 12, key(32, 0x70), 13, key(48, 0x90)),
    ("aes-256-cbc-hmac-sha2-512-256", 12, key(32, 0x75), 14, key(64, 0xB0)),
]


def trailer(inner_len, align, next_header, pad_bytes=None, pad_len_byte=None):
    pad = (align - (inner_len + 2) % align) % align
    if pad_bytes is None:
        pad_bytes = bytes(range(1, pad + 1))
    if pad_len_byte is None:
        pad_len_byte = len(pad_bytes)
    return pad_bytes + bytes([pad_len_byte, next_header])


def esp(encr, ekey, integ, ikey, seq, esn, inner, next_header=4, pad_bytes=None, pad_len_byte=None):
    hdr = struct.pack(">II", SPI, seq & 0xFFFFFFFF)
    aad = struct.pack(">III", SPI, seq >> 32, seq & 0xFFFFFFFF) if esn else hdr
    if encr in (20, 28):
        iv = struct.pack(">Q", seq)
        plain = inner + trailer(len(inner), 4, next_header, pad_bytes, pad_len_byte)
        nonce = ekey[-4:] + iv
        aead = AESGCM(ekey[:-4]) if encr == 20 else ChaCha20Poly1305(ekey[:-4])
        return hdr + iv + aead.encrypt(nonce, plain, aad)

    plain = inner + trailer(len(inner), 16, next_header, pad_bytes, pad_len_byte)
    enc = Cipher(algorithms.AES(ekey), modes.CBC(CBC_IV)).encryptor()
    ct = enc.update(plain) + enc.finalize()
    digest, icv_len = {12: (hashlib.sha256, 16), 13: (hashlib.sha384, 24), 14: (hashlib.sha512, 32)}[integ]
    signed = hdr + CBC_IV + ct + (struct.pack(">I", seq >> 32) if esn else b"")
    icv = hmac.new(ikey, signed, digest).digest()[:icv_len]
    return hdr + CBC_IV + ct + icv


def rust_bytes(b, indent):
    pad = " " * indent
    lines = []
    for i in range(0, len(b), 16):
        lines.append(pad + " ".join(f"0x{x:02x}," for x in b[i:i + 16]))
    return "\n".join(lines)


def vector(name, encr, ekey, integ, ikey, esn, expect, inner=INNER, **kw):
    seq = SEQ_ESN if esn else SEQ_32
    packet = esp(encr, ekey, integ, ikey, seq, esn, inner, **kw)
    return f"""    EspVector {{
        name: "{name}",
        encr: {encr},
        encr_key: &[
{rust_bytes(ekey, 12)}
        ],
        integ: {integ},
        integ_key: &[{"" if not ikey else chr(10) + rust_bytes(ikey, 12) + chr(10) + "        "}],
        esn: {str(esn).lower()},
        seq: 0x{seq:016x},
        expect: {expect},
        esp: &[
{rust_bytes(packet, 12)}
        ],
    }},"""


def main():
    out = []
    for name, encr, ekey, integ, ikey in ALGS:
        for esn in (False, True):
            label = f"{name}{'-esn' if esn else ''}"
            out.append(vector(label, encr, ekey, integ, ikey, esn, "Expect::Inner(4)"))

    # Valid ICVs over bad trailers: the receiver must name the drop after decryption.
    gcm = ALGS[0]
    cbc = ALGS[3]
    out.append(vector("gcm-bad-pad-byte", *gcm[1:], False, "Expect::Drop(DropReason::BadPadding)",
                      pad_bytes=b"\x01\x02\x07\x04\x05"))
    long_bad = bytes(range(1, 9)) + b"\x42" + bytes(range(10, 18))
    out.append(vector("cbc-bad-pad-byte", *cbc[1:], True, "Expect::Drop(DropReason::BadPadding)",
                      pad_bytes=long_bad))
    out.append(vector("cbc-long-padding", *cbc[1:], False, "Expect::DecryptOnly(4)",
                      pad_bytes=bytes(range(1, 18))))
    out.append(vector("gcm-pad-len-too-long", *gcm[1:], True, "Expect::Drop(DropReason::BadPadLength)",
                      inner=b"", pad_bytes=b"\x01\x02", pad_len_byte=3))
    out.append(vector("chacha-dummy-packet", *ALGS[2][1:], True, "Expect::Drop(DropReason::DummyPacket)",
                      next_header=59))

    print(f"""// SPDX-License-Identifier: GPL-2.0

//! Known-answer ESP packets for the selftest, generated by
//! `rust-module/host/tools/esp_vectors.py` (Python `cryptography`, independent of the
//! kernel): do not edit by hand.
//!
//! Every packet has SPI 0x{SPI:08x}; the AEADs' IV is the 64-bit sequence number, CBC's
//! is [`CBC_IV`]. Packets expecting `Inner(4)` carry [`INNER`] and must be produced by
//! encryption bit for bit; the others must decrypt as expected (`Drop`: a valid ICV over a
//! bad trailer).

use crate::esp::DropReason;

/// The SPI of every vector.
pub(crate) const SPI: u32 = 0x{SPI:08x};

/// The CBC IV of every CBC vector.
pub(crate) const CBC_IV: [u8; 16] = [{", ".join(f"0x{x:02x}" for x in CBC_IV)}];

/// The inner IPv4 packet of the valid vectors.
pub(crate) const INNER: &[u8] = &[
{rust_bytes(INNER, 4)}
];

/// What decrypting a vector must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {{
    /// [`INNER`] with this Next Header; encrypting [`INNER`] gives the packet.
    Inner(u8),
    /// [`INNER`] with this Next Header, but with more padding than rsec sends.
    DecryptOnly(u8),
    /// This drop after a valid ICV.
    Drop(DropReason),
}}

/// One ESP packet and the SA that made it.
pub(crate) struct EspVector {{
    pub(crate) name: &'static str,
    pub(crate) encr: u16,
    pub(crate) encr_key: &'static [u8],
    pub(crate) integ: u16,
    pub(crate) integ_key: &'static [u8],
    pub(crate) esn: bool,
    pub(crate) seq: u64,
    pub(crate) expect: Expect,
    pub(crate) esp: &'static [u8],
}}

/// The vectors.
pub(crate) const VECTORS: &[EspVector] = &[
{chr(10).join(out)}
];""")


if __name__ == "__main__":
    main()
