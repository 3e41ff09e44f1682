// SPDX-License-Identifier: GPL-2.0

//! The numbers of the `rsec` generic netlink family, version 1: commands, attributes and enum
//! values, exactly as `Documentation/netlink/rsec.yaml` numbers them (attributes positionally
//! from the `unspec` at 0, commands from 1 in list order).
//!
//! This file is the ABI: a number here never changes once released. It is pure (no kernel
//! API), so the host tests in `rust-module/host/` check it too.

/// The family's name, as `CTRL_CMD_GETFAMILY` looks it up.
pub const FAMILY_NAME: &core::ffi::CStr = c"rsec";

/// The family's version.
pub const FAMILY_VERSION: u32 = 1;

/// The multicast group of expire and acquire events.
pub const MCGRP_EVENTS: &core::ffi::CStr = c"events";

/// Largest anti-replay window, in packets.
pub const REPLAY_WINDOW_MAX: u32 = 65536;

/// Commands.
pub mod cmd {
    /// Reserve a random inbound SPI.
    pub const SPI_ALLOC: u8 = 1;
    /// Create an SA.
    pub const SA_NEW: u8 = 2;
    /// Delete an SA or an SPI reservation.
    pub const SA_DEL: u8 = 3;
    /// Read one SA, or dump them.
    pub const SA_GET: u8 = 4;
    /// Delete all SAs (of a device or owner).
    pub const SA_FLUSH: u8 = 5;
    /// Event: an SA expired.
    pub const SA_EXPIRE: u8 = 6;
    /// Event: no outbound SA for a packet.
    pub const ACQUIRE: u8 = 7;
}

/// The `sa` attribute set.
pub mod sa {
    /// Padding for 64-bit attributes.
    pub const PAD: u16 = 1;
    /// SPI, u32 in host order.
    pub const SPI: u16 = 2;
    /// Security protocol, u8 (an IP protocol number).
    pub const PROTO: u16 = 3;
    /// Direction, u8 (`dir` enum).
    pub const DIR: u16 = 4;
    /// Mode, u8 (`mode` enum).
    pub const MODE: u16 = 5;
    /// Outer source address, 4 or 16 bytes.
    pub const SADDR: u16 = 6;
    /// Outer destination address, 4 or 16 bytes.
    pub const DADDR: u16 = 7;
    /// Device, u32.
    pub const IFINDEX: u16 = 8;
    /// Encryption algorithm, u16 (`encr-alg` enum).
    pub const ENCR_ALG: u16 = 9;
    /// Encryption key (plus salt), binary.
    pub const ENCR_KEY: u16 = 10;
    /// Integrity algorithm, u16 (`integ-alg` enum).
    pub const INTEG_ALG: u16 = 11;
    /// Integrity key, binary.
    pub const INTEG_KEY: u16 = 12;
    /// Anti-replay window, u32.
    pub const REPLAY_WINDOW: u16 = 13;
    /// Flags, u32 (`sa-flags`).
    pub const FLAGS: u16 = 14;
    /// Soft lifetime, nest of `lifetime`.
    pub const LIFETIME_SOFT: u16 = 15;
    /// Hard lifetime, nest of `lifetime`.
    pub const LIFETIME_HARD: u16 = 16;
    /// Traffic selector, nest of `selector`, repeated.
    pub const SELECTOR: u16 = 17;
    /// Owner cookie, u64.
    pub const OWNER: u16 = 18;
    /// Counters, nest of `counters` (output only).
    pub const COUNTERS: u16 = 19;
    /// Lowest SPI of an allocation, u32.
    pub const SPI_MIN: u16 = 20;
    /// Highest SPI of an allocation, u32.
    pub const SPI_MAX: u16 = 21;
    /// Sequence number, u64 (output only).
    pub const SEQ: u16 = 22;
    /// Age in seconds, u64 (output only).
    pub const ADD_TIME: u16 = 23;
    /// Kind of expiry, u8 (events only).
    pub const EXPIRE_KIND: u16 = 24;
    /// The highest attribute number.
    pub const MAX: u16 = 24;
}

/// The `lifetime` attribute set.
pub mod lifetime {
    /// Padding for 64-bit attributes.
    pub const PAD: u16 = 1;
    /// Byte limit, u64.
    pub const BYTES: u16 = 2;
    /// Packet limit, u64.
    pub const PACKETS: u16 = 3;
    /// Time limit in seconds, u64.
    pub const SECONDS: u16 = 4;
    /// The highest attribute number.
    pub const MAX: u16 = 4;
}

/// The `selector` attribute set.
pub mod selector {
    /// Source address, 4 or 16 bytes.
    pub const SRC_ADDR: u16 = 1;
    /// Source prefix length, u8.
    pub const SRC_PREFIX: u16 = 2;
    /// Destination address, 4 or 16 bytes.
    pub const DST_ADDR: u16 = 3;
    /// Destination prefix length, u8.
    pub const DST_PREFIX: u16 = 4;
    /// IP protocol, u8; 0 for any.
    pub const PROTO: u16 = 5;
    /// Lowest source port, u16.
    pub const SRC_PORT_MIN: u16 = 6;
    /// Highest source port, u16.
    pub const SRC_PORT_MAX: u16 = 7;
    /// Lowest destination port, u16.
    pub const DST_PORT_MIN: u16 = 8;
    /// Highest destination port, u16.
    pub const DST_PORT_MAX: u16 = 9;
    /// The highest attribute number.
    pub const MAX: u16 = 9;
}

/// The `counters` attribute set.
pub mod counters {
    /// Padding for 64-bit attributes.
    pub const PAD: u16 = 1;
    /// Packets processed.
    pub const PACKETS: u16 = 2;
    /// Bytes processed.
    pub const BYTES: u16 = 3;
    /// Dropped: replayed or outside the window.
    pub const DROP_REPLAY: u16 = 4;
    /// Dropped: ICV check failed.
    pub const DROP_AUTH: u16 = 5;
    /// Dropped: bad padding.
    pub const DROP_PADDING: u16 = 6;
    /// Dropped: outside the traffic selectors.
    pub const DROP_SELECTOR: u16 = 7;
    /// Dropped: malformed.
    pub const DROP_MALFORMED: u16 = 8;
    /// Refused: sequence numbers exhausted.
    pub const DROP_SEQ_EXHAUSTED: u16 = 9;
    /// The highest attribute number.
    pub const MAX: u16 = 9;
}

/// `dir` enum.
pub mod dir {
    /// Inbound.
    pub const IN: u8 = 1;
    /// Outbound.
    pub const OUT: u8 = 2;
}

/// `mode` enum.
pub mod mode {
    /// Tunnel mode.
    pub const TUNNEL: u8 = 1;
    /// Transport mode (not supported yet).
    pub const TRANSPORT: u8 = 2;
}

/// `proto` enum.
pub mod proto {
    /// ESP.
    pub const ESP: u8 = 50;
    /// AH (not supported yet).
    pub const AH: u8 = 51;
}

/// `encr-alg` enum (IKEv2 transform type 1).
pub mod encr {
    /// AES-CBC.
    pub const AES_CBC: u16 = 12;
    /// AES-GCM with a 16-byte ICV.
    pub const AES_GCM_16: u16 = 20;
    /// ChaCha20-Poly1305.
    pub const CHACHA20_POLY1305: u16 = 28;
}

/// `integ-alg` enum (IKEv2 transform type 3).
pub mod integ {
    /// HMAC-SHA-256-128.
    pub const HMAC_SHA2_256_128: u16 = 12;
    /// HMAC-SHA-384-192.
    pub const HMAC_SHA2_384_192: u16 = 13;
    /// HMAC-SHA-512-256.
    pub const HMAC_SHA2_512_256: u16 = 14;
}

/// `sa-flags` flags.
pub mod flags {
    /// Extended sequence numbers.
    pub const ESN: u32 = 1 << 0;
    /// Every defined flag.
    pub const ALL: u32 = ESN;
}
