//! Client of the `rsec` generic netlink family: the SA database of the rsec kernel module.
//!
//! The contract is `Documentation/netlink/rsec.yaml`; [`spec`] holds its numbers. [`Client`]
//! speaks to the kernel; [`codec`] builds requests and reads replies without a socket.
//!
//! ```no_run
//! use rsec_netlink::{Client, SaFilter};
//!
//! let mut client = Client::connect()?;
//! for sa in client.dump_sas(&SaFilter::default())? {
//!     println!("{:?} spi {:#x}", sa.id.dir, sa.id.spi);
//! }
//! # Ok::<(), rsec_netlink::Error>(())
//! ```

mod attr;
mod client;
pub mod codec;
mod error;
pub mod spec;
mod types;

pub use attr::{Attr, RawAttr};
pub use client::Client;
pub use error::{Error, KernelError};
pub use types::{
    Counters, Dir, EncrAlg, Event, ExpireKind, Integ, IntegAlg, Key, Lifetime, Mode, PortRange,
    Prefix, Proto, SaConfig, SaFilter, SaFlags, SaId, SaInfo, Selector, SpiRequest,
};
