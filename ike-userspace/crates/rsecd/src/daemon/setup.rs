//! Start-up checks and the glue between the configuration, the backend and the protocol
//! library: IKE configurations, the SPI allocator.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ikev2::auth::Psk;
use ikev2::config::{ChildConfig, ChildLifetime, IkeConfig};
use ikev2::time::RetransmitPolicy;
use ikev2::SpiAllocator;
use rand::Rng;
use tracing::{info, warn};

use super::{lock, DaemonError, SharedBackend};
use crate::config::{Config, Connection};

/// Every child's device must exist before anything is set up.
pub fn check_interfaces(config: &Config, backend: &SharedBackend) -> Result<(), DaemonError> {
    let mut backend = lock(backend);
    for conn in &config.connections {
        for child in &conn.children {
            if let Err(e) = backend.interface_index(&child.interface) {
                return Err(DaemonError::Host {
                    location: child.location.clone(),
                    message: format!("connection {} child {}: {e}", conn.name, child.name),
                });
            }
        }
    }
    Ok(())
}

/// Removes the SAs an earlier run with the same owner cookie left in the kernel.
pub fn flush_stale(config: &Config, backend: &SharedBackend) -> Result<(), DaemonError> {
    let owner = config.daemon.owner_cookie();
    let removed = lock(backend).flush_owner(owner)?;
    if removed > 0 {
        warn!(
            owner = format_args!("{owner:#x}"),
            removed, "removed stale SAs of an earlier run"
        );
    } else {
        info!(owner = format_args!("{owner:#x}"), "no stale SAs");
    }
    Ok(())
}

/// `base` minus a random part of `jitter`.
pub fn jittered(base: Duration, jitter: Duration) -> Duration {
    if jitter.is_zero() {
        return base;
    }
    let cut = rand::thread_rng().gen_range(Duration::ZERO..=jitter);
    base.saturating_sub(cut)
}

/// The protocol library's configuration of a connection (its first child), with fresh
/// jitter on the IKE rekey time.
pub fn ike_config(conn: &Connection, retransmit: RetransmitPolicy) -> IkeConfig {
    let child = &conn.children[0];
    IkeConfig {
        name: conn.name.clone(),
        local_id: conn.local_id.clone(),
        remote_id: conn.remote_id.clone(),
        credentials: Arc::new(Psk::new(&conn.psk.0)),
        proposals: conn.proposals.clone(),
        child: ChildConfig {
            proposals: child.esp_proposals.clone(),
            local_ts: child.local_ts.clone(),
            remote_ts: child.remote_ts.clone(),
            mode: child.mode,
            lifetime: ChildLifetime {
                soft_time: child.rekey_time,
                hard_time: child.life_time,
                soft_bytes: (child.rekey_bytes > 0).then_some(child.rekey_bytes),
                hard_bytes: (child.life_bytes > 0).then_some(child.life_bytes),
            },
        },
        ike_rekey_after: conn.rekey_time.map(|t| jittered(t, conn.rand_time)),
        retransmit,
    }
}

/// Inbound SPIs from the kernel backend, reserved under the owner cookie for the local
/// address of the exchange being handled (set by the event loop before each call).
pub struct KernelSpis {
    pub backend: SharedBackend,
    pub owner: u64,
    pub local: Arc<Mutex<Option<IpAddr>>>,
}

impl SpiAllocator for KernelSpis {
    fn allocate(&mut self) -> Option<u32> {
        let local = self
            .local
            .lock()
            .map(|l| *l)
            .unwrap_or_default()
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        match lock(&self.backend).alloc_spi(local, self.owner) {
            Ok(spi) => Some(spi),
            Err(e) => {
                tracing::error!(error = %e, "SPI allocation failed");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_bounds() {
        let base = Duration::from_secs(100);
        let jitter = Duration::from_secs(10);

        let samples: Vec<Duration> = (0..200).map(|_| jittered(base, jitter)).collect();

        assert!(samples.iter().all(|d| *d <= base && *d >= base - jitter));
        assert!(
            samples.iter().any(|d| *d != samples[0]),
            "jitter should vary"
        );
        assert_eq!(jittered(base, Duration::ZERO), base);
    }
}
