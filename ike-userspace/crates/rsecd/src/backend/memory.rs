//! An SA database in memory: for unit tests, and for running the daemon where rsec.ko is not
//! loaded (interop tests). Clones share one database, so a test can look at what the daemon
//! installed.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use rand::Rng;

use super::{BackendError, KernelBackend, SaCounters, SaKey, SaParams};

/// One SA as the memory backend holds it.
#[derive(Clone, Debug)]
pub struct MemorySa {
    /// Everything it was created with.
    pub params: SaParams,
    /// Its owner cookie.
    pub owner: u64,
    /// Traffic, as a test sets it.
    pub counters: SaCounters,
}

#[derive(Debug, Default)]
struct State {
    interfaces: Vec<String>,
    sas: BTreeMap<SaKey, MemorySa>,
    reserved: BTreeSet<(u32, IpAddr, u64)>,
}

/// The in-memory backend.
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    state: Arc<Mutex<State>>,
}

impl MemoryBackend {
    /// A backend whose devices are `interfaces` (index = position + 1).
    pub fn with_interfaces(interfaces: &[&str]) -> Self {
        let backend = Self::default();
        backend.lock().interfaces = interfaces.iter().map(|s| (*s).to_owned()).collect();
        backend
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every SA, in key order.
    pub fn sas(&self) -> Vec<MemorySa> {
        self.lock().sas.values().cloned().collect()
    }

    /// Sets the counters of an SA, as traffic would.
    pub fn set_counters(&self, key: &SaKey, counters: SaCounters) -> Result<(), BackendError> {
        let mut state = self.lock();
        let sa = state
            .sas
            .get_mut(key)
            .ok_or(BackendError::NotFound { spi: key.spi })?;
        sa.counters = counters;
        Ok(())
    }

    /// Adds an SA as a crashed daemon would have left it.
    pub fn insert(&self, params: SaParams, owner: u64) {
        let sa = MemorySa {
            params,
            owner,
            counters: SaCounters::default(),
        };
        self.lock().sas.insert(sa.params.key, sa);
    }
}

impl KernelBackend for MemoryBackend {
    fn name(&self) -> &'static str {
        "memory"
    }

    /// With no devices configured, every name exists (index 1).
    fn interface_index(&mut self, name: &str) -> Result<u32, BackendError> {
        let state = self.lock();
        if state.interfaces.is_empty() {
            return Ok(1);
        }

        let position = state.interfaces.iter().position(|i| i == name);
        position
            .and_then(|p| u32::try_from(p + 1).ok())
            .ok_or_else(|| BackendError::NoInterface(name.to_owned()))
    }

    fn alloc_spi(&mut self, daddr: IpAddr, owner: u64) -> Result<u32, BackendError> {
        let mut state = self.lock();
        let mut rng = rand::thread_rng();
        loop {
            let spi = rng.gen_range(0xc000_0000..=u32::MAX);
            let used = state.sas.keys().any(|k| k.spi == spi && k.daddr == daddr)
                || state
                    .reserved
                    .iter()
                    .any(|(s, d, _)| *s == spi && *d == daddr);
            if !used {
                state.reserved.insert((spi, daddr, owner));
                return Ok(spi);
            }
        }
    }

    fn add_sa(&mut self, params: &SaParams, owner: u64) -> Result<(), BackendError> {
        let mut state = self.lock();
        if state.sas.contains_key(&params.key) {
            return Err(BackendError::Exists {
                spi: params.key.spi,
            });
        }

        state
            .reserved
            .retain(|(s, d, _)| !(*s == params.key.spi && *d == params.key.daddr));
        let sa = MemorySa {
            params: params.clone(),
            owner,
            counters: SaCounters::default(),
        };
        state.sas.insert(params.key, sa);
        Ok(())
    }

    fn del_sa(&mut self, key: &SaKey) -> Result<(), BackendError> {
        let removed = self.lock().sas.remove(key);
        removed
            .map(|_| ())
            .ok_or(BackendError::NotFound { spi: key.spi })
    }

    fn flush_owner(&mut self, owner: u64) -> Result<usize, BackendError> {
        let mut state = self.lock();
        let before = state.sas.len();
        state.sas.retain(|_, sa| sa.owner != owner);
        state.reserved.retain(|(_, _, o)| *o != owner);
        Ok(before - state.sas.len())
    }

    fn sa_counters(&mut self, key: &SaKey) -> Result<SaCounters, BackendError> {
        let state = self.lock();
        let sa = state
            .sas
            .get(key)
            .ok_or(BackendError::NotFound { spi: key.spi })?;
        Ok(sa.counters)
    }
}
