//! Where Child SAs go: the kernel (rsec.ko over generic netlink, [`NetlinkBackend`]) or,
//! for tests, the daemon's memory ([`MemoryBackend`]).
//!
//! A Child SA is two SAs, one per direction; the daemon adds and deletes them one by one.
//! Every SA and SPI reservation carries the daemon's owner cookie, so that whatever a
//! crashed daemon left behind can be flushed at the next start.

mod memory;
mod netlink;
mod selector;

use std::net::IpAddr;
use std::time::Duration;

use ikev2::config::Mode;
use ikev2::crypto::{EncrAlg, IntegAlg};
use ikev2::ts::TsRange;
use zeroize::Zeroizing;

pub use memory::{MemoryBackend, MemorySa};
pub use netlink::NetlinkBackend;
pub use selector::{prefixes, selectors};

/// Direction of one SA, seen from this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dir {
    /// Packets from the peer.
    In,
    /// Packets to the peer.
    Out,
}

/// Names one SA: direction, SPI and outer destination address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SaKey {
    /// Direction.
    pub dir: Dir,
    /// SPI.
    pub spi: u32,
    /// Outer destination address: ours inbound, the peer's outbound.
    pub daddr: IpAddr,
}

/// Everything the kernel needs for one ESP SA.
#[derive(Clone, Debug)]
pub struct SaParams {
    /// Which SA.
    pub key: SaKey,
    /// Outer source address.
    pub saddr: IpAddr,
    /// Index of the rsec device.
    pub ifindex: u32,
    /// Tunnel or transport.
    pub mode: Mode,
    /// Cipher.
    pub encr: EncrAlg,
    /// Cipher key (with the salt for AEAD).
    pub encr_key: Zeroizing<Vec<u8>>,
    /// Integrity algorithm and key, for non-AEAD ciphers.
    pub integ: Option<(IntegAlg, Zeroizing<Vec<u8>>)>,
    /// 64-bit sequence numbers.
    pub esn: bool,
    /// Anti-replay window (inbound).
    pub replay_window: u32,
    /// Inner source addresses allowed (ours outbound, the peer's inbound).
    pub src_ts: Vec<TsRange>,
    /// Inner destination addresses allowed.
    pub dst_ts: Vec<TsRange>,
    /// Delete after this long (kernel-enforced safety net).
    pub hard_time: Option<Duration>,
    /// Delete after this many bytes.
    pub hard_bytes: Option<u64>,
}

/// Traffic through one SA.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaCounters {
    /// Bytes.
    pub bytes: u64,
    /// Packets.
    pub packets: u64,
}

/// What a backend can fail with.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The rsec device does not exist.
    #[error("no such interface {0:?}")]
    NoInterface(String),
    /// The SA does not exist.
    #[error("no such SA (spi {spi:#010x})")]
    NotFound {
        /// Its SPI.
        spi: u32,
    },
    /// An SA with this key exists already.
    #[error("SA spi {spi:#010x} exists already")]
    Exists {
        /// Its SPI.
        spi: u32,
    },
    /// The netlink client failed.
    #[error("kernel: {0}")]
    Netlink(#[from] rsec_netlink::Error),
}

/// The SA database the daemon loads Child SAs into.
pub trait KernelBackend: Send {
    /// `netlink` or `memory`, for status output.
    fn name(&self) -> &'static str;

    /// The index of the rsec device `name`.
    fn interface_index(&mut self, name: &str) -> Result<u32, BackendError>;

    /// Reserves a fresh inbound SPI for packets to `daddr`.
    fn alloc_spi(&mut self, daddr: IpAddr, owner: u64) -> Result<u32, BackendError>;

    /// Creates one SA.
    fn add_sa(&mut self, params: &SaParams, owner: u64) -> Result<(), BackendError>;

    /// Deletes one SA.
    fn del_sa(&mut self, key: &SaKey) -> Result<(), BackendError>;

    /// Deletes every SA and SPI reservation of `owner`; returns how many SAs were removed.
    fn flush_owner(&mut self, owner: u64) -> Result<usize, BackendError>;

    /// Traffic through one SA.
    fn sa_counters(&mut self, key: &SaKey) -> Result<SaCounters, BackendError>;
}
