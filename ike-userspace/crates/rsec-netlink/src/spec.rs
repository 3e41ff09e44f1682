//! Numbers of the `rsec` generic netlink family, as laid down by
//! `Documentation/netlink/rsec.yaml` (the test `tests/spec.rs` checks every one against it).
//!
//! In each attribute set the attributes are numbered from the listed `unspec` (0) upward in list
//! order; commands are numbered from 1 in list order.

/// Name of the generic netlink family.
pub const FAMILY_NAME: &str = "rsec";

/// Version of the family this crate speaks, sent in every genetlink header.
pub const FAMILY_VERSION: u8 = 1;

/// Name of the multicast group carrying expire and acquire events.
pub const EVENTS_GROUP: &str = "events";

/// Largest anti-replay window the kernel accepts, in packets.
pub const REPLAY_WINDOW_MAX: u32 = 65536;

/// Command numbers (`genlmsghdr.cmd`).
pub mod cmd {
    /// Reserve an inbound SPI.
    pub const SPI_ALLOC: u8 = 1;
    /// Create an SA.
    pub const SA_NEW: u8 = 2;
    /// Delete an SA or SPI reservation.
    pub const SA_DEL: u8 = 3;
    /// Read one SA, or dump them.
    pub const SA_GET: u8 = 4;
    /// Delete all SAs, or those of one device or owner.
    pub const SA_FLUSH: u8 = 5;
    /// Event: an SA reached a lifetime limit.
    pub const SA_EXPIRE: u8 = 6;
    /// Event: an rsec device had no outbound SA for a packet.
    pub const ACQUIRE: u8 = 7;
}

/// Attributes of the `sa` set.
pub mod sa {
    #![allow(missing_docs)]
    pub const PAD: u16 = 1;
    pub const SPI: u16 = 2;
    pub const PROTO: u16 = 3;
    pub const DIR: u16 = 4;
    pub const MODE: u16 = 5;
    pub const SADDR: u16 = 6;
    pub const DADDR: u16 = 7;
    pub const IFINDEX: u16 = 8;
    pub const ENCR_ALG: u16 = 9;
    pub const ENCR_KEY: u16 = 10;
    pub const INTEG_ALG: u16 = 11;
    pub const INTEG_KEY: u16 = 12;
    pub const REPLAY_WINDOW: u16 = 13;
    pub const FLAGS: u16 = 14;
    pub const LIFETIME_SOFT: u16 = 15;
    pub const LIFETIME_HARD: u16 = 16;
    pub const SELECTOR: u16 = 17;
    pub const OWNER: u16 = 18;
    pub const COUNTERS: u16 = 19;
    pub const SPI_MIN: u16 = 20;
    pub const SPI_MAX: u16 = 21;
    pub const SEQ: u16 = 22;
    pub const ADD_TIME: u16 = 23;
    pub const EXPIRE_KIND: u16 = 24;
}

/// Attributes of the `lifetime` set.
pub mod lifetime {
    #![allow(missing_docs)]
    pub const PAD: u16 = 1;
    pub const BYTES: u16 = 2;
    pub const PACKETS: u16 = 3;
    pub const SECONDS: u16 = 4;
}

/// Attributes of the `selector` set.
pub mod selector {
    #![allow(missing_docs)]
    pub const SRC_ADDR: u16 = 1;
    pub const SRC_PREFIX: u16 = 2;
    pub const DST_ADDR: u16 = 3;
    pub const DST_PREFIX: u16 = 4;
    pub const PROTO: u16 = 5;
    pub const SRC_PORT_MIN: u16 = 6;
    pub const SRC_PORT_MAX: u16 = 7;
    pub const DST_PORT_MIN: u16 = 8;
    pub const DST_PORT_MAX: u16 = 9;
}

/// Attributes of the `counters` set.
pub mod counters {
    #![allow(missing_docs)]
    pub const PAD: u16 = 1;
    pub const PACKETS: u16 = 2;
    pub const BYTES: u16 = 3;
    pub const DROP_REPLAY: u16 = 4;
    pub const DROP_AUTH: u16 = 5;
    pub const DROP_PADDING: u16 = 6;
    pub const DROP_SELECTOR: u16 = 7;
    pub const DROP_MALFORMED: u16 = 8;
    pub const DROP_SEQ_EXHAUSTED: u16 = 9;
}

/// An attribute set of the family, for naming attributes in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrSet {
    /// The top-level `sa` set.
    Sa,
    /// The `lifetime` set (nested in lifetime-soft and lifetime-hard).
    Lifetime,
    /// The `selector` set (nested in selector).
    Selector,
    /// The `counters` set (nested in counters).
    Counters,
}

/// Names of the commands, as in the spec, with their numbers.
pub const COMMANDS: &[(&str, u8)] = &[
    ("spi-alloc", cmd::SPI_ALLOC),
    ("sa-new", cmd::SA_NEW),
    ("sa-del", cmd::SA_DEL),
    ("sa-get", cmd::SA_GET),
    ("sa-flush", cmd::SA_FLUSH),
    ("sa-expire", cmd::SA_EXPIRE),
    ("acquire", cmd::ACQUIRE),
];

const SA_ATTRS: &[(&str, u16)] = &[
    ("pad", sa::PAD),
    ("spi", sa::SPI),
    ("proto", sa::PROTO),
    ("dir", sa::DIR),
    ("mode", sa::MODE),
    ("saddr", sa::SADDR),
    ("daddr", sa::DADDR),
    ("ifindex", sa::IFINDEX),
    ("encr-alg", sa::ENCR_ALG),
    ("encr-key", sa::ENCR_KEY),
    ("integ-alg", sa::INTEG_ALG),
    ("integ-key", sa::INTEG_KEY),
    ("replay-window", sa::REPLAY_WINDOW),
    ("flags", sa::FLAGS),
    ("lifetime-soft", sa::LIFETIME_SOFT),
    ("lifetime-hard", sa::LIFETIME_HARD),
    ("selector", sa::SELECTOR),
    ("owner", sa::OWNER),
    ("counters", sa::COUNTERS),
    ("spi-min", sa::SPI_MIN),
    ("spi-max", sa::SPI_MAX),
    ("seq", sa::SEQ),
    ("add-time", sa::ADD_TIME),
    ("expire-kind", sa::EXPIRE_KIND),
];

const LIFETIME_ATTRS: &[(&str, u16)] = &[
    ("pad", lifetime::PAD),
    ("bytes", lifetime::BYTES),
    ("packets", lifetime::PACKETS),
    ("seconds", lifetime::SECONDS),
];

const SELECTOR_ATTRS: &[(&str, u16)] = &[
    ("src-addr", selector::SRC_ADDR),
    ("src-prefix", selector::SRC_PREFIX),
    ("dst-addr", selector::DST_ADDR),
    ("dst-prefix", selector::DST_PREFIX),
    ("proto", selector::PROTO),
    ("src-port-min", selector::SRC_PORT_MIN),
    ("src-port-max", selector::SRC_PORT_MAX),
    ("dst-port-min", selector::DST_PORT_MIN),
    ("dst-port-max", selector::DST_PORT_MAX),
];

const COUNTERS_ATTRS: &[(&str, u16)] = &[
    ("pad", counters::PAD),
    ("packets", counters::PACKETS),
    ("bytes", counters::BYTES),
    ("drop-replay", counters::DROP_REPLAY),
    ("drop-auth", counters::DROP_AUTH),
    ("drop-padding", counters::DROP_PADDING),
    ("drop-selector", counters::DROP_SELECTOR),
    ("drop-malformed", counters::DROP_MALFORMED),
    ("drop-seq-exhausted", counters::DROP_SEQ_EXHAUSTED),
];

impl AttrSet {
    /// The set's name in the spec.
    pub fn name(self) -> &'static str {
        match self {
            AttrSet::Sa => "sa",
            AttrSet::Lifetime => "lifetime",
            AttrSet::Selector => "selector",
            AttrSet::Counters => "counters",
        }
    }

    /// Every attribute of the set this crate knows, as (spec name, number).
    pub fn attributes(self) -> &'static [(&'static str, u16)] {
        match self {
            AttrSet::Sa => SA_ATTRS,
            AttrSet::Lifetime => LIFETIME_ATTRS,
            AttrSet::Selector => SELECTOR_ATTRS,
            AttrSet::Counters => COUNTERS_ATTRS,
        }
    }

    /// The spec name of attribute `kind`, if it is one of this set's.
    pub fn attr_name(self, kind: u16) -> Option<&'static str> {
        let found = self.attributes().iter().find(|(_, n)| *n == kind);
        found.map(|(name, _)| *name)
    }

    /// The set nested inside attribute `kind` of this set, if that attribute is a nest.
    pub fn nested(self, kind: u16) -> Option<AttrSet> {
        match (self, kind) {
            (AttrSet::Sa, sa::LIFETIME_SOFT | sa::LIFETIME_HARD) => Some(AttrSet::Lifetime),
            (AttrSet::Sa, sa::SELECTOR) => Some(AttrSet::Selector),
            (AttrSet::Sa, sa::COUNTERS) => Some(AttrSet::Counters),
            _ => None,
        }
    }
}
