//! Two in-process endpoints wired back to back, with a fake clock.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ikev2::auth::Psk;
use ikev2::codec::{Message, NotifyType, PayloadBody};
use ikev2::config::{
    ChildConfig, ChildLifetime, Esn, EspProposal, Identity, IkeConfig, IkeProposal, Mode,
};
use ikev2::crypto::{DhGroup, EncrAlg, Error as CryptoError, IntegAlg, PrfAlg, Rng};
use ikev2::ts::TsRange;
use ikev2::{Action, ChildSa, Endpoint, IkeSaId, RetransmitPolicy, SpiAllocator, Timestamp};

/// A deterministic, non-cryptographic RNG (xorshift64*).
pub struct TestRng(pub u64);

impl Rng for TestRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        for byte in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
        Ok(())
    }
}

/// Inbound SPIs from a counter.
pub struct CounterSpis(pub u32);

impl SpiAllocator for CounterSpis {
    fn allocate(&mut self) -> Option<u32> {
        self.0 += 1;
        Some(self.0)
    }
}

pub const PSK: &[u8] = b"exchange test pre-shared key";

pub fn addr_a() -> SocketAddr {
    "192.0.2.1:500".parse().unwrap()
}

pub fn addr_b() -> SocketAddr {
    "198.51.100.2:500".parse().unwrap()
}

pub fn ike_proposal(
    encr: EncrAlg,
    integ: Option<IntegAlg>,
    prf: PrfAlg,
    dh: DhGroup,
) -> IkeProposal {
    IkeProposal {
        encr: vec![encr],
        integ: integ.into_iter().collect(),
        prf: vec![prf],
        dh: vec![dh],
    }
}

pub fn esp_proposal(
    encr: EncrAlg,
    integ: Option<IntegAlg>,
    pfs: Option<DhGroup>,
    esn: Esn,
) -> EspProposal {
    EspProposal {
        encr: vec![encr],
        integ: integ.into_iter().collect(),
        dh: pfs.into_iter().collect(),
        esn: vec![esn],
    }
}

pub fn subnet(text: &str) -> TsRange {
    let (addr, prefix) = text.split_once('/').unwrap();
    TsRange::subnet(addr.parse().unwrap(), prefix.parse().unwrap())
}

/// A's view: 10.1.0.0/16 local, 10.2.0.0/16 remote; B's is the mirror.
pub fn config(side: char, ike: IkeProposal, esp: EspProposal) -> IkeConfig {
    let (local_id, remote_id, local_ts, remote_ts) = match side {
        'a' => (
            Identity::Rfc822("alice@rsec.test".into()),
            Identity::Fqdn("bob.rsec.test".into()),
            subnet("10.1.0.0/16"),
            subnet("10.2.0.0/16"),
        ),
        _ => (
            Identity::Fqdn("bob.rsec.test".into()),
            Identity::Rfc822("alice@rsec.test".into()),
            subnet("10.2.0.0/16"),
            subnet("10.1.0.0/16"),
        ),
    };
    IkeConfig {
        name: format!("test-{side}"),
        local_id,
        remote_id: Some(remote_id),
        credentials: Arc::new(Psk::new(PSK)),
        proposals: vec![ike],
        child: ChildConfig {
            proposals: vec![esp],
            local_ts: vec![local_ts],
            remote_ts: vec![remote_ts],
            mode: Mode::Tunnel,
            lifetime: ChildLifetime {
                soft_time: Some(Duration::from_secs(3000)),
                hard_time: Some(Duration::from_secs(3600)),
                ..ChildLifetime::default()
            },
        },
        ike_rekey_after: None,
        retransmit: RetransmitPolicy::default(),
    }
}

/// One side: its endpoint and every non-Send action it produced.
pub struct Side {
    pub ep: Endpoint,
    pub addr: SocketAddr,
    pub events: Vec<Action>,
    /// Every datagram this side sent, in order.
    pub sent: Vec<Vec<u8>>,
    /// When each of `sent` was sent.
    pub sent_at: Vec<Timestamp>,
}

/// Two endpoints and the datagrams in flight between them.
pub struct Net {
    pub a: Side,
    pub b: Side,
    pub now: Timestamp,
    /// (to_b, bytes) not yet delivered.
    pub wire: Vec<(bool, Vec<u8>)>,
    /// Drop instead of delivering.
    pub blackhole: bool,
}

impl Net {
    /// A initiates with `config_a`; B responds with `config_b`.
    pub fn new(config_b: IkeConfig) -> Self {
        let mut b = Endpoint::new(Box::new(TestRng(0xb0b)), Box::new(CounterSpis(0xb000_0000)));
        b.add_responder_config(Arc::new(config_b));
        let a = Endpoint::new(
            Box::new(TestRng(0xa11ce)),
            Box::new(CounterSpis(0xa000_0000)),
        );
        Self {
            a: Side {
                ep: a,
                addr: addr_a(),
                events: vec![],
                sent: vec![],
                sent_at: vec![],
            },
            b: Side {
                ep: b,
                addr: addr_b(),
                events: vec![],
                sent: vec![],
                sent_at: vec![],
            },
            now: Timestamp::from_millis(1_000),
            wire: vec![],
            blackhole: false,
        }
    }

    pub fn initiate(&mut self, config_a: IkeConfig) -> IkeSaId {
        let (id, actions) = self
            .a
            .ep
            .initiate(self.now, Arc::new(config_a), addr_a(), addr_b())
            .unwrap();
        self.take(true, actions);
        id
    }

    /// Records the actions of side A (`from_a`) or B.
    pub fn take(&mut self, from_a: bool, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Send {
                    local,
                    remote,
                    bytes,
                } => {
                    let side = if from_a { &mut self.a } else { &mut self.b };
                    assert_eq!(local, side.addr);
                    side.sent.push(bytes.clone());
                    side.sent_at.push(self.now);
                    if !self.blackhole {
                        assert_ne!(remote, local);
                        self.wire.push((from_a, bytes));
                    }
                }
                other => {
                    let side = if from_a { &mut self.a } else { &mut self.b };
                    side.events.push(other);
                }
            }
        }
    }

    /// Delivers datagrams until none are left.
    pub fn pump(&mut self) {
        let mut rounds = 0;
        while !self.wire.is_empty() {
            rounds += 1;
            assert!(rounds < 1000, "endpoints keep talking");
            let (to_b, bytes) = self.wire.remove(0);
            let now = self.now;
            let actions = if to_b {
                self.b.ep.handle_datagram(now, &bytes, addr_b(), addr_a())
            } else {
                self.a.ep.handle_datagram(now, &bytes, addr_a(), addr_b())
            };
            self.take(!to_b, actions);
        }
    }

    /// Runs a command on A (`on_a`) or B and pumps.
    pub fn command(
        &mut self,
        on_a: bool,
        f: impl FnOnce(&mut Endpoint, Timestamp) -> Result<Vec<Action>, ikev2::Error>,
    ) {
        let now = self.now;
        let side = if on_a { &mut self.a } else { &mut self.b };
        let actions = f(&mut side.ep, now).unwrap();
        self.take(on_a, actions);
        self.pump();
    }

    /// Advances the clock to the next timeout of either side and handles it.
    pub fn tick(&mut self) -> bool {
        let next = [self.a.ep.next_timeout(), self.b.ep.next_timeout()]
            .into_iter()
            .flatten()
            .min();
        let Some(next) = next else { return false };
        self.now = self.now.max(next);
        let now = self.now;
        let a = self.a.ep.handle_timeout(now);
        self.take(true, a);
        let b = self.b.ep.handle_timeout(now);
        self.take(false, b);
        true
    }
}

impl Side {
    pub fn installed(&self) -> Vec<&ChildSa> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Action::InstallChild(c) => Some(c.as_ref()),
                _ => None,
            })
            .collect()
    }

    pub fn deleted_children(&self) -> Vec<(u32, u32)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Action::DeleteChild {
                    spi_in, spi_out, ..
                } => Some((*spi_in, *spi_out)),
                _ => None,
            })
            .collect()
    }

    pub fn established(&self) -> Vec<IkeSaId> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Action::IkeSaEstablished { ike_sa, .. } => Some(*ike_sa),
                _ => None,
            })
            .collect()
    }

    pub fn deleted(&self) -> Vec<(IkeSaId, ikev2::DeleteReason)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Action::IkeSaDeleted { ike_sa, reason } => Some((*ike_sa, reason.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn child_failures(&self) -> Vec<ikev2::Error> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Action::ChildSaFailed { error, .. } => Some(error.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The notify types in an unencrypted message (IKE_SA_INIT).
pub fn plain_notifies(bytes: &[u8]) -> Vec<NotifyType> {
    Message::decode(bytes)
        .unwrap()
        .payloads
        .iter()
        .filter_map(|p| match &p.body {
            PayloadBody::Notify(n) => Some(n.notify_type),
            _ => None,
        })
        .collect()
}

/// Both directions of a Child SA pair carry the same keys and SPIs.
pub fn assert_mirrored(a: &ChildSa, b: &ChildSa) {
    assert_eq!(a.spi_in, b.spi_out);
    assert_eq!(a.spi_out, b.spi_in);
    assert_eq!(
        (a.encr, a.integ, a.esn, a.mode),
        (b.encr, b.integ, b.esn, b.mode)
    );
    assert_eq!(a.keys_in.encr.as_bytes(), b.keys_out.encr.as_bytes());
    assert_eq!(a.keys_in.integ.as_bytes(), b.keys_out.integ.as_bytes());
    assert_eq!(a.keys_out.encr.as_bytes(), b.keys_in.encr.as_bytes());
    assert_eq!(a.keys_out.integ.as_bytes(), b.keys_in.integ.as_bytes());
    assert_ne!(a.keys_in.encr.as_bytes(), a.keys_out.encr.as_bytes());
    assert_eq!(a.keys_in.encr.len(), a.encr.keymat_len());
    assert_eq!(a.keys_in.integ.len(), a.integ.map_or(0, IntegAlg::key_len));
    assert_eq!(a.ts_local, b.ts_remote);
    assert_eq!(a.ts_remote, b.ts_local);
}
