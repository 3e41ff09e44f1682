//! The kernel backend: rsec.ko's SA database over the `rsec` generic netlink family.

use std::ffi::CString;
use std::net::IpAddr;

use ikev2::config::Mode;
use ikev2::crypto::{EncrAlg, IntegAlg};
use rsec_netlink as nl;

use super::{selectors, BackendError, Dir, KernelBackend, SaCounters, SaKey, SaParams};

/// The rsec module over generic netlink.
#[derive(Debug)]
pub struct NetlinkBackend {
    client: nl::Client,
}

impl NetlinkBackend {
    /// Connects to the `rsec` family; fails if the module is not loaded.
    pub fn connect() -> Result<Self, BackendError> {
        Ok(Self {
            client: nl::Client::connect()?,
        })
    }
}

fn sa_id(key: &SaKey) -> nl::SaId {
    nl::SaId {
        dir: match key.dir {
            Dir::In => nl::Dir::In,
            Dir::Out => nl::Dir::Out,
        },
        spi: key.spi,
        proto: nl::Proto::Esp,
        daddr: key.daddr,
    }
}

fn encr_alg(encr: EncrAlg) -> nl::EncrAlg {
    match encr {
        EncrAlg::AesCbc128 | EncrAlg::AesCbc256 => nl::EncrAlg::AesCbc,
        EncrAlg::AesGcm16_128 | EncrAlg::AesGcm16_256 => nl::EncrAlg::AesGcm16,
        EncrAlg::ChaCha20Poly1305 => nl::EncrAlg::Chacha20Poly1305,
    }
}

fn integ_alg(integ: IntegAlg) -> nl::IntegAlg {
    match integ {
        IntegAlg::HmacSha2_256_128 => nl::IntegAlg::HmacSha2_256_128,
        IntegAlg::HmacSha2_384_192 => nl::IntegAlg::HmacSha2_384_192,
        IntegAlg::HmacSha2_512_256 => nl::IntegAlg::HmacSha2_512_256,
    }
}

/// The netlink form of an SA.
pub fn sa_config(params: &SaParams, owner: u64) -> nl::SaConfig {
    let hard = nl::Lifetime {
        bytes: params.hard_bytes.unwrap_or(0),
        packets: 0,
        seconds: params.hard_time.map_or(0, |t| t.as_secs()),
    };
    nl::SaConfig {
        id: sa_id(&params.key),
        mode: match params.mode {
            Mode::Tunnel => nl::Mode::Tunnel,
            Mode::Transport => nl::Mode::Transport,
        },
        saddr: params.saddr,
        ifindex: params.ifindex,
        encr_alg: encr_alg(params.encr),
        encr_key: nl::Key::new(params.encr_key.to_vec()),
        integ: params.integ.as_ref().map(|(alg, key)| nl::Integ {
            alg: integ_alg(*alg),
            key: nl::Key::new(key.to_vec()),
        }),
        replay_window: (params.key.dir == Dir::In).then_some(params.replay_window),
        flags: if params.esn {
            nl::SaFlags::ESN
        } else {
            nl::SaFlags::default()
        },
        lifetime_soft: nl::Lifetime::default(),
        lifetime_hard: hard,
        selectors: selectors(&params.src_ts, &params.dst_ts),
        owner,
    }
}

impl KernelBackend for NetlinkBackend {
    fn name(&self) -> &'static str {
        "netlink"
    }

    fn interface_index(&mut self, name: &str) -> Result<u32, BackendError> {
        let c_name = CString::new(name).map_err(|_| BackendError::NoInterface(name.to_owned()))?;
        // SAFETY: c_name is a valid NUL-terminated string for the duration of the call.
        let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
        if index == 0 {
            return Err(BackendError::NoInterface(name.to_owned()));
        }
        Ok(index)
    }

    fn alloc_spi(&mut self, daddr: IpAddr, owner: u64) -> Result<u32, BackendError> {
        let request = nl::SpiRequest {
            proto: nl::Proto::Esp,
            daddr,
            min: Some(0xc000_0000),
            max: Some(u32::MAX),
            owner,
        };
        Ok(self.client.alloc_spi(&request)?)
    }

    fn add_sa(&mut self, params: &SaParams, owner: u64) -> Result<(), BackendError> {
        Ok(self.client.add_sa(&sa_config(params, owner))?)
    }

    fn del_sa(&mut self, key: &SaKey) -> Result<(), BackendError> {
        Ok(self.client.del_sa(&sa_id(key))?)
    }

    fn flush_owner(&mut self, owner: u64) -> Result<usize, BackendError> {
        let filter = nl::SaFilter {
            ifindex: None,
            owner: Some(owner),
        };
        let count = self.client.dump_sas(&filter)?.len();
        self.client.flush(&filter)?;
        Ok(count)
    }

    fn sa_counters(&mut self, key: &SaKey) -> Result<SaCounters, BackendError> {
        let info = self.client.get_sa(&sa_id(key))?;
        Ok(SaCounters {
            bytes: info.counters.bytes,
            packets: info.counters.packets,
        })
    }
}
