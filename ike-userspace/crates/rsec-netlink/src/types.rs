//! Typed values of the `rsec` family: enums with open unknown values, SA descriptions, keys.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use zeroize::Zeroizing;

/// Defines an enum of the spec whose unknown values round-trip through `Unknown`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident: $repr:ty {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal, $text:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this crate does not know, kept as it was.
            Unknown($repr),
        }

        impl From<$repr> for $name {
            fn from(value: $repr) -> Self {
                match value {
                    $($value => $name::$variant,)+
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> $repr {
                match value {
                    $($name::$variant => $value,)+
                    $name::Unknown(other) => other,
                }
            }
        }

        impl $name {
            /// Every named value, as (spec name, number).
            pub const NAMED: &'static [(&'static str, $repr)] = &[$(($text, $value)),+];

            /// The spec's name of this value, or `None` for an unknown one.
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($text),)+
                    $name::Unknown(_) => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "unknown({})", <$repr>::from(*self)),
                }
            }
        }

        impl FromStr for $name {
            type Err = String;

            /// Parses the spec's name of a value, or a number.
            fn from_str(text: &str) -> Result<Self, String> {
                if let Some((_, value)) = Self::NAMED.iter().find(|(name, _)| *name == text) {
                    return Ok(Self::from(*value));
                }
                let names: Vec<&str> = Self::NAMED.iter().map(|(name, _)| *name).collect();
                text.parse::<$repr>().map(Self::from).map_err(|_| {
                    format!("unknown {} {text:?} (expected {})", $crate::types::kebab(stringify!($name)), names.join(", "))
                })
            }
        }
    };
}

/// `CamelCase` type name to the words of an error message.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

open_enum! {
    /// Direction of an SA, seen from this host.
    Dir: u8 {
        /// Inbound.
        In = 1, "in";
        /// Outbound.
        Out = 2, "out";
    }
}

open_enum! {
    /// Encapsulation mode of an SA.
    Mode: u8 {
        /// Tunnel mode.
        Tunnel = 1, "tunnel";
        /// Transport mode.
        Transport = 2, "transport";
    }
}

open_enum! {
    /// Security protocol of an SA, as an IP protocol number.
    Proto: u8 {
        /// Encapsulating Security Payload.
        Esp = 50, "esp";
        /// Authentication Header.
        Ah = 51, "ah";
    }
}

open_enum! {
    /// Encryption transform, numbered as IKEv2 transform type 1.
    EncrAlg: u16 {
        /// AES-CBC (RFC 3602); needs an integrity algorithm.
        AesCbc = 12, "aes-cbc";
        /// AES-GCM with a 16-byte ICV (RFC 4106); key plus 4-byte salt.
        AesGcm16 = 20, "aes-gcm-16";
        /// ChaCha20-Poly1305 (RFC 7634); 32-byte key plus 4-byte salt.
        Chacha20Poly1305 = 28, "chacha20-poly1305";
    }
}

open_enum! {
    /// Integrity transform, numbered as IKEv2 transform type 3.
    IntegAlg: u16 {
        /// HMAC-SHA-256-128 (RFC 4868).
        HmacSha2_256_128 = 12, "hmac-sha2-256-128";
        /// HMAC-SHA-384-192 (RFC 4868).
        HmacSha2_384_192 = 13, "hmac-sha2-384-192";
        /// HMAC-SHA-512-256 (RFC 4868).
        HmacSha2_512_256 = 14, "hmac-sha2-512-256";
    }
}

open_enum! {
    /// Which limit an expire event reports.
    ExpireKind: u8 {
        /// The soft lifetime was reached.
        Soft = 1, "soft";
        /// The hard lifetime was reached; the SA is gone.
        Hard = 2, "hard";
        /// The outbound sequence numbers ran out.
        SeqExhausted = 3, "seq-exhausted";
    }
}

/// Flags of an SA (the spec's `sa-flags`); unknown bits are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SaFlags(pub u32);

impl SaFlags {
    /// 64-bit extended sequence numbers (RFC 4304).
    pub const ESN: SaFlags = SaFlags(1);

    /// Every named flag, as (spec name, bit).
    pub const NAMED: &'static [(&'static str, u32)] = &[("esn", 1)];

    /// Whether extended sequence numbers are on.
    pub fn esn(self) -> bool {
        self.0 & Self::ESN.0 != 0
    }
}

/// Key material, wiped from memory when dropped and never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Key(Zeroizing<Vec<u8>>);

impl Key {
    /// Takes ownership of the key bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Key(Zeroizing::new(bytes))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the key is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key(<{} bytes>)", self.0.len())
    }
}

/// The four values that name an SA: direction, SPI, protocol and outer destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SaId {
    /// Direction.
    pub dir: Dir,
    /// Security Parameter Index, host order.
    pub spi: u32,
    /// Security protocol.
    pub proto: Proto,
    /// Outer destination address.
    pub daddr: IpAddr,
}

/// Limits of an SA; zero is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lifetime {
    /// Bytes protected.
    pub bytes: u64,
    /// Packets protected.
    pub packets: u64,
    /// Seconds since creation.
    pub seconds: u64,
}

impl Lifetime {
    /// Whether no limit is set.
    pub fn is_unlimited(&self) -> bool {
        self.bytes == 0 && self.packets == 0 && self.seconds == 0
    }
}

/// An address prefix of a traffic selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix {
    /// The address.
    pub addr: IpAddr,
    /// Prefix length in bits.
    pub len: u8,
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// An inclusive port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    /// Lowest port.
    pub min: u16,
    /// Highest port.
    pub max: u16,
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            return write!(f, "{}", self.min);
        }
        write!(f, "{}-{}", self.min, self.max)
    }
}

/// A traffic selector; a missing part matches anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// Inner source prefix.
    pub src: Option<Prefix>,
    /// Inner destination prefix.
    pub dst: Option<Prefix>,
    /// Inner IP protocol, 0 for any.
    pub proto: u8,
    /// Inner source ports.
    pub src_ports: Option<PortRange>,
    /// Inner destination ports.
    pub dst_ports: Option<PortRange>,
}

/// An integrity transform with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integ {
    /// The algorithm.
    pub alg: IntegAlg,
    /// The key.
    pub key: Key,
}

/// Everything `sa-new` takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaConfig {
    /// Direction, SPI, protocol and outer destination.
    pub id: SaId,
    /// Encapsulation mode.
    pub mode: Mode,
    /// Outer source address.
    pub saddr: IpAddr,
    /// Index of the rsec device the SA belongs to.
    pub ifindex: u32,
    /// Encryption algorithm.
    pub encr_alg: EncrAlg,
    /// Encryption key (with the salt appended for AEADs).
    pub encr_key: Key,
    /// Integrity algorithm and key, if any.
    pub integ: Option<Integ>,
    /// Anti-replay window; `None` leaves it to the kernel.
    pub replay_window: Option<u32>,
    /// SA flags.
    pub flags: SaFlags,
    /// Soft limits.
    pub lifetime_soft: Lifetime,
    /// Hard limits.
    pub lifetime_hard: Lifetime,
    /// Traffic selectors.
    pub selectors: Vec<Selector>,
    /// Owner cookie, 0 for none.
    pub owner: u64,
}

/// Per-SA statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Packets processed.
    pub packets: u64,
    /// Bytes processed.
    pub bytes: u64,
    /// Dropped as replays.
    pub drop_replay: u64,
    /// Dropped for a failed ICV check.
    pub drop_auth: u64,
    /// Dropped for bad padding.
    pub drop_padding: u64,
    /// Dropped for falling outside the traffic selectors.
    pub drop_selector: u64,
    /// Dropped as malformed.
    pub drop_malformed: u64,
    /// Outbound packets refused as the sequence number would wrap.
    pub drop_seq_exhausted: u64,
}

/// What `sa-get` returns about an SA (never its keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaInfo {
    /// Direction, SPI, protocol and outer destination.
    pub id: SaId,
    /// Encapsulation mode, if reported.
    pub mode: Option<Mode>,
    /// Outer source address, if reported.
    pub saddr: Option<IpAddr>,
    /// Index of the SA's rsec device (0 if not reported).
    pub ifindex: u32,
    /// Encryption algorithm, if reported.
    pub encr_alg: Option<EncrAlg>,
    /// Integrity algorithm, if any.
    pub integ_alg: Option<IntegAlg>,
    /// Anti-replay window (0 if off or not reported).
    pub replay_window: u32,
    /// SA flags.
    pub flags: SaFlags,
    /// Soft limits.
    pub lifetime_soft: Lifetime,
    /// Hard limits.
    pub lifetime_hard: Lifetime,
    /// Traffic selectors.
    pub selectors: Vec<Selector>,
    /// Owner cookie.
    pub owner: u64,
    /// Statistics.
    pub counters: Counters,
    /// Last sequence number sent (outbound) or highest accepted (inbound).
    pub seq: u64,
    /// Seconds since the SA was created.
    pub add_time: u64,
}

/// Restricts a dump or flush to one device and/or one owner; the default takes all SAs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaFilter {
    /// Only SAs of this device.
    pub ifindex: Option<u32>,
    /// Only SAs of this owner cookie.
    pub owner: Option<u64>,
}

/// What `spi-alloc` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpiRequest {
    /// Security protocol of the future SA.
    pub proto: Proto,
    /// Its outer destination address (this host's).
    pub daddr: IpAddr,
    /// Lowest acceptable SPI; `None` leaves it to the kernel.
    pub min: Option<u32>,
    /// Highest acceptable SPI; `None` leaves it to the kernel.
    pub max: Option<u32>,
    /// Owner cookie of the reservation, 0 for none.
    pub owner: u64,
}

/// An event of the `events` multicast group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An SA reached a limit.
    Expire {
        /// The SA.
        id: SaId,
        /// Its owner cookie.
        owner: u64,
        /// Which limit.
        kind: ExpireKind,
    },
    /// A device had a packet to send and no outbound SA for it.
    Acquire {
        /// The device.
        ifindex: u32,
        /// Describes the packet.
        selector: Selector,
    },
}
