//! The event loop: the one task that owns the protocol library's [`Endpoint`], the SA
//! registry and the kernel backend, and handles datagrams, timers and control requests in
//! turn.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ikev2::codec::{Header, HeaderFlags};
use ikev2::config::{Identity, IkeConfig};
use ikev2::crypto::SystemRng;
use ikev2::{Action, ChildSa, DeleteReason, Endpoint, IkeSaId, Timestamp};
use rsec_control::{ConnectionInfo, Request, Response, SaList, StatusInfo};
use tokio::sync::mpsc;
use tokio::time::sleep_until;
use tracing::{debug, error, info, warn};

use super::net::Sockets;
use super::registry::{init_response_info, ChildEntry, IkeEntry, IkeState, InitInfo};
use super::setup::{ike_config, jittered, KernelSpis};
use super::{lock, Event, SharedBackend};
use crate::backend::{Dir, SaKey, SaParams};
use crate::config::{Config, Connection, DpdAction};
use crate::proposal;

/// Anti-replay window of inbound SAs, in packets.
const REPLAY_WINDOW: u32 = 1024;

/// How long shutdown waits for the peers to confirm the deletes.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Where the actions of one library call came from.
#[derive(Clone, Copy, Debug, Default)]
struct Origin {
    local: Option<SocketAddr>,
    remote: Option<SocketAddr>,
}

/// The event loop's state.
pub struct Actor {
    config: Config,
    backend: SharedBackend,
    sockets: Sockets,
    endpoint: Endpoint,
    /// Local address of the exchange being handled, for the SPI allocator.
    spi_local: Arc<Mutex<Option<IpAddr>>>,
    /// Responder configurations handed to the endpoint, by connection.
    responder_configs: HashMap<String, Arc<IkeConfig>>,
    epoch: Instant,
    sas: BTreeMap<u64, IkeEntry>,
    /// IKE_SA_INIT answers we sent as responder, by our SPI, until the SA is established.
    pending_init: HashMap<u64, InitInfo>,
    shutting_down: bool,
    /// Connections to initiate again once the current event is handled.
    restarts: Vec<String>,
}

impl Actor {
    /// An event loop for `config`, with the endpoint accepting every connection as
    /// responder.
    pub fn new(config: Config, backend: SharedBackend, sockets: Sockets) -> Self {
        let spi_local = Arc::new(Mutex::new(None));
        let spis = KernelSpis {
            backend: backend.clone(),
            owner: config.daemon.owner_cookie(),
            local: spi_local.clone(),
        };
        let mut actor = Self {
            endpoint: Endpoint::new(Box::new(SystemRng), Box::new(spis)),
            config,
            backend,
            sockets,
            spi_local,
            responder_configs: HashMap::new(),
            epoch: Instant::now(),
            sas: BTreeMap::new(),
            pending_init: HashMap::new(),
            shutting_down: false,
            restarts: Vec::new(),
        };
        let connections = actor.config.connections.clone();
        for conn in &connections {
            actor.add_responder(conn);
        }
        actor
    }

    fn add_responder(&mut self, conn: &Connection) {
        let config = Arc::new(ike_config(conn, self.config.daemon.retransmit));
        self.endpoint.add_responder_config(config.clone());
        self.responder_configs.insert(conn.name.clone(), config);
    }

    /// Handles events until shutdown.
    pub async fn run(mut self, mut events: mpsc::Receiver<Event>) {
        self.start_connections().await;
        loop {
            let deadline = self
                .next_deadline()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                event = events.recv() => match event {
                    Some(Event::Shutdown) | None => break,
                    Some(event) => self.on_event(event).await,
                },
                () = sleep_until(deadline.into()) => self.on_timer().await,
            }
            self.run_restarts().await;
        }
        self.shutdown(&mut events).await;
    }

    async fn run_restarts(&mut self) {
        for name in std::mem::take(&mut self.restarts) {
            if let Err(e) = self.initiate(&name).await {
                warn!(conn = %name, error = %e, "restart failed");
            }
        }
    }

    async fn on_event(&mut self, event: Event) {
        match event {
            Event::Datagram {
                bytes,
                bound,
                remote,
            } => self.on_datagram(&bytes, bound, remote).await,
            Event::Control { request, reply } => {
                let response = self.on_control(request).await;
                let _ = reply.send(response);
            }
            Event::Shutdown => {}
        }
    }

    fn now(&self) -> Timestamp {
        let millis = self.epoch.elapsed().as_millis();
        Timestamp::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }

    fn instant(&self, t: Timestamp) -> Instant {
        self.epoch + Duration::from_millis(t.as_millis())
    }

    fn set_spi_local(&self, local: Option<IpAddr>) {
        if let Ok(mut slot) = self.spi_local.lock() {
            *slot = local;
        }
    }

    async fn start_connections(&mut self) {
        let names: Vec<String> = self
            .config
            .connections
            .iter()
            .filter(|c| c.children.iter().any(|ch| ch.start))
            .map(|c| c.name.clone())
            .collect();
        for name in names {
            if let Err(e) = self.initiate(&name).await {
                warn!(conn = %name, error = %e, "cannot start connection");
            }
        }
    }

    async fn on_datagram(&mut self, bytes: &[u8], bound: SocketAddr, remote: SocketAddr) {
        let local = self.sockets.local_for(bound, remote);
        if let Ok(header) = Header::peek(bytes) {
            let ours = if header.flags.contains(HeaderFlags::INITIATOR) {
                header.spi_r
            } else {
                header.spi_i
            };
            debug!(peer = %remote, ike_sa = %IkeSaId(ours), msg_id = header.message_id, exchange = header.exchange_type.0, len = bytes.len(), "received");
            if let Some(entry) = self.sas.get_mut(&ours) {
                entry.last_seen = Instant::now();
            }
        }
        if let Some(info) = init_response_info(bytes) {
            if let Some(entry) = self.sas.get_mut(&info.spi_i) {
                entry.peer_spi = Some(info.spi_r);
                entry.algorithms = info.algorithms;
            }
        }

        self.set_spi_local(Some(local.ip()));
        let now = self.now();
        let actions = self.endpoint.handle_datagram(now, bytes, local, remote);
        let origin = Origin {
            local: Some(local),
            remote: Some(remote),
        };
        self.apply(actions, origin).await;
    }

    /// The earliest time something is due.
    fn next_deadline(&self) -> Option<Instant> {
        let library = self.endpoint.next_timeout().map(|t| self.instant(t));
        let ours = self.sas.values().flat_map(|e| {
            let dpd = self.dpd_due(e);
            let children = e.children.iter().filter_map(|c| c.rekey_at);
            [e.expire_at, dpd].into_iter().flatten().chain(children)
        });
        library.into_iter().chain(ours).min()
    }

    fn dpd_due(&self, entry: &IkeEntry) -> Option<Instant> {
        let conn = self.config.connection(&entry.connection)?;
        let delay = conn.dpd_delay?;
        (entry.state == IkeState::Established).then(|| entry.last_seen + delay)
    }

    async fn on_timer(&mut self) {
        let now = self.now();
        self.set_spi_local(None);
        let actions = self.endpoint.handle_timeout(now);
        self.apply(actions, Origin::default()).await;

        let wall = Instant::now();
        let mut commands = Vec::new();
        for entry in self.sas.values_mut() {
            if entry.expire_at.is_some_and(|t| t <= wall) && entry.state == IkeState::Established {
                warn!(ike_sa = %entry.id, peer = %entry.remote, "IKE SA not rekeyed in time, deleting");
                entry.expire_at = None;
                commands.push(Command::DeleteIke(entry.id));
            }
            for child in &mut entry.children {
                if child.rekey_at.is_some_and(|t| t <= wall) {
                    child.rekey_at = None;
                    commands.push(Command::RekeyChild(entry.local.ip(), child.spi_in));
                }
            }
        }
        let dpd: Vec<IkeSaId> = self
            .sas
            .values()
            .filter(|e| self.dpd_due(e).is_some_and(|t| t <= wall))
            .map(|e| e.id)
            .collect();
        for id in dpd {
            if let Some(entry) = self.sas.get_mut(&id.0) {
                entry.last_seen = wall;
            }
            commands.push(Command::Liveness(id));
        }

        for command in commands {
            self.run_command(command).await;
        }
    }

    async fn run_command(&mut self, command: Command) {
        let now = self.now();
        let result = match command {
            Command::DeleteIke(id) => self.endpoint.delete_ike(now, id),
            Command::Liveness(id) => {
                debug!(ike_sa = %id, "liveness check");
                self.endpoint.liveness_check(now, id)
            }
            Command::RekeyChild(local, spi) => {
                info!(spi = format_args!("{spi:08x}"), "rekeying Child SA");
                self.set_spi_local(Some(local));
                self.endpoint.rekey_child(now, spi)
            }
        };
        match result {
            Ok(actions) => self.apply(actions, Origin::default()).await,
            Err(e) => debug!(?command, error = %e, "command not carried out"),
        }
    }

    /// Carries out the library's actions in order.
    async fn apply(&mut self, actions: Vec<Action>, origin: Origin) {
        for action in &actions {
            if let Action::IkeSaEstablished {
                ike_sa, peer_id, ..
            } = action
            {
                self.register_established(*ike_sa, peer_id, origin);
            }
        }

        for action in actions {
            match action {
                Action::Send {
                    local,
                    remote,
                    bytes,
                } => self.send(local, remote, &bytes).await,
                Action::InstallChild(child) => self.install_child(&child),
                Action::DeleteChild {
                    ike_sa,
                    spi_in,
                    spi_out,
                } => self.delete_child(ike_sa, spi_in, spi_out),
                Action::ChildSaFailed { ike_sa, error } => {
                    warn!(ike_sa = %ike_sa, error = %error, "Child SA failed");
                }
                Action::IkeSaEstablished {
                    ike_sa,
                    peer_id,
                    nat,
                } => {
                    info!(ike_sa = %ike_sa, peer_id = ?peer_id, ?nat, "IKE SA established");
                }
                Action::IkeSaRekeyed { old, new } => self.ike_rekeyed(old, new),
                Action::IkeSaDeleted { ike_sa, reason } => self.ike_deleted(ike_sa, reason),
                Action::LivenessConfirmed { ike_sa } => {
                    if let Some(entry) = self.sas.get_mut(&ike_sa.0) {
                        entry.last_seen = Instant::now();
                    }
                }
            }
        }
    }

    async fn send(&mut self, local: SocketAddr, remote: SocketAddr, bytes: &[u8]) {
        if let Some(info) = init_response_info(bytes) {
            self.pending_init.insert(info.spi_r, info);
        }
        if let Ok(header) = Header::peek(bytes) {
            debug!(peer = %remote, msg_id = header.message_id, exchange = header.exchange_type.0, len = bytes.len(), "sending");
        }
        self.sockets.send(local, remote, bytes).await;
    }

    /// Makes sure an established IKE SA has an entry: a responder's gets one now, from the
    /// connection that fits the peer's address and identity.
    fn register_established(&mut self, id: IkeSaId, peer_id: &Identity, origin: Origin) {
        if let Some(entry) = self.sas.get_mut(&id.0) {
            entry.state = IkeState::Established;
            entry.peer_id = Some(peer_id.clone());
            entry.established = Some(Instant::now());
            self.schedule_ike_rekey(id.0);
            return;
        }

        let (Some(local), Some(remote)) = (origin.local, origin.remote) else {
            warn!(ike_sa = %id, "established IKE SA of unknown origin");
            return;
        };
        let Some(conn) = self.responder_connection(peer_id, remote).cloned() else {
            warn!(ike_sa = %id, peer = %remote, ?peer_id, "no connection fits the peer");
            return;
        };
        let init = self.pending_init.remove(&id.0);
        let entry = IkeEntry {
            id,
            connection: conn.name.clone(),
            initiator: false,
            local,
            remote,
            state: IkeState::Established,
            local_id: conn.local_id.clone(),
            peer_id: Some(peer_id.clone()),
            peer_spi: init.as_ref().map(|i| i.spi_i),
            algorithms: init.and_then(|i| i.algorithms),
            established: Some(Instant::now()),
            rekey_after: self
                .responder_configs
                .get(&conn.name)
                .and_then(|c| c.ike_rekey_after),
            rekey_at: None,
            expire_at: None,
            last_seen: Instant::now(),
            children: Vec::new(),
        };
        self.sas.insert(id.0, entry);
        self.schedule_ike_rekey(id.0);
    }

    /// Sets the rekey and expiry times of a freshly established IKE SA, as the library
    /// will rekey it (`ike_rekey_after` of the configuration it used).
    fn schedule_ike_rekey(&mut self, id: u64) {
        let Some(entry) = self.sas.get_mut(&id) else {
            return;
        };
        let Some(conn) = self.config.connection(&entry.connection) else {
            return;
        };
        entry.rekey_at = entry.rekey_after.map(|d| Instant::now() + d);
        entry.expire_at = entry.rekey_at.map(|t| t + conn.over_time);
    }

    fn responder_connection(&self, peer_id: &Identity, remote: SocketAddr) -> Option<&Connection> {
        self.config.connections.iter().find(|c| {
            let addr_ok = c.remote_addrs.is_empty() || c.remote_addrs.contains(&remote.ip());
            let id_ok = c.remote_id.as_ref().map(|id| id == peer_id).unwrap_or(true);
            addr_ok && id_ok
        })
    }

    fn install_child(&mut self, child: &ChildSa) {
        let Some(entry) = self.sas.get(&child.ike_sa.0) else {
            error!(ike_sa = %child.ike_sa, spi = format_args!("{:08x}", child.spi_in), "Child SA of an unknown IKE SA not installed");
            return;
        };
        let Some(conn) = self.config.connection(&entry.connection) else {
            return;
        };
        let child_cfg = &conn.children[0];
        let (local, remote) = (entry.local.ip(), entry.remote.ip());

        let owner = self.config.daemon.owner_cookie();
        let mut backend = lock(&self.backend);
        let ifindex = match backend.interface_index(&child_cfg.interface) {
            Ok(i) => i,
            Err(e) => {
                error!(ike_sa = %child.ike_sa, error = %e, "Child SA not installed");
                return;
            }
        };
        let [inbound, outbound] = sa_params(child, local, remote, ifindex);
        if let Err(e) = backend.add_sa(&inbound, owner) {
            error!(ike_sa = %child.ike_sa, spi = format_args!("{:08x}", child.spi_in), error = %e, "inbound SA not installed");
            return;
        }
        if let Err(e) = backend.add_sa(&outbound, owner) {
            error!(ike_sa = %child.ike_sa, spi = format_args!("{:08x}", child.spi_out), error = %e, "outbound SA not installed");
            let _ = backend.del_sa(&inbound.key);
            return;
        }
        drop(backend);

        info!(ike_sa = %child.ike_sa, spi = format_args!("{:08x}/{:08x}", child.spi_in, child.spi_out), child = %child_cfg.name, rekeys = ?child.rekeys, "Child SA installed");
        let rekey_at = child_cfg
            .rekey_time
            .map(|t| Instant::now() + jittered(t, child_cfg.rand_time));
        let entry_child = ChildEntry {
            name: child_cfg.name.clone(),
            interface: child_cfg.interface.clone(),
            spi_in: child.spi_in,
            spi_out: child.spi_out,
            algorithms: proposal::esp_name(child.encr, child.integ, child.esn),
            local_ts: child.ts_local.clone(),
            remote_ts: child.ts_remote.clone(),
            installed: Instant::now(),
            rekey_at,
            rekeyed: false,
            key_in: inbound.key,
            key_out: outbound.key,
        };
        if let Some(entry) = self.sas.get_mut(&child.ike_sa.0) {
            if let Some(old) = child.rekeys {
                for c in entry.children.iter_mut().filter(|c| c.spi_in == old) {
                    c.rekeyed = true;
                    c.rekey_at = None;
                }
            }
            entry.children.push(entry_child);
        }
    }

    fn delete_child(&mut self, ike_sa: IkeSaId, spi_in: u32, spi_out: u32) {
        let removed = self.sas.values_mut().find_map(|e| {
            let pos = e.children.iter().position(|c| c.spi_in == spi_in)?;
            Some(e.children.remove(pos))
        });
        let Some(child) = removed else {
            debug!(ike_sa = %ike_sa, spi = format_args!("{spi_in:08x}"), "delete of an unknown Child SA");
            return;
        };

        self.remove_kernel_sas(&child);
        info!(ike_sa = %ike_sa, spi = format_args!("{spi_in:08x}/{spi_out:08x}"), "Child SA deleted");
    }

    fn remove_kernel_sas(&self, child: &ChildEntry) {
        let mut backend = lock(&self.backend);
        for dir in [Dir::In, Dir::Out] {
            if let Err(e) = backend.del_sa(&child.key(dir)) {
                warn!(spi = format_args!("{:08x}", child.key(dir).spi), error = %e, "removing SA failed");
            }
        }
    }

    fn ike_rekeyed(&mut self, old: IkeSaId, new: IkeSaId) {
        let Some(mut entry) = self.sas.remove(&old.0) else {
            return;
        };
        info!(ike_sa = %old, new = %new, peer = %entry.remote, "IKE SA rekeyed");
        entry.id = new;
        entry.peer_spi = None;
        entry.state = IkeState::Established;
        entry.established = Some(Instant::now());
        self.sas.insert(new.0, entry);
        self.schedule_ike_rekey(new.0);
    }

    fn ike_deleted(&mut self, id: IkeSaId, reason: DeleteReason) {
        self.pending_init.remove(&id.0);
        let Some(entry) = self.sas.remove(&id.0) else {
            // A responder's IKE SA has no entry until it is established: a peer that
            // fails authentication ends here, and the operator needs to see why.
            match &reason {
                DeleteReason::Failed(e) => {
                    let notify = e.notify_type().map(|t| format!("{t:?}"));
                    warn!(ike_sa = %id, error = %e, notify = notify.as_deref().unwrap_or("-"), "IKE SA failed before it was established");
                }
                _ => debug!(ike_sa = %id, ?reason, "IKE SA without entry ended"),
            }
            return;
        };
        for child in &entry.children {
            self.remove_kernel_sas(child);
        }

        match &reason {
            DeleteReason::Failed(e) => {
                warn!(ike_sa = %id, peer = %entry.remote, conn = %entry.connection, error = %e, "IKE SA failed")
            }
            _ => {
                info!(ike_sa = %id, peer = %entry.remote, conn = %entry.connection, ?reason, "IKE SA deleted")
            }
        }
        let dead_peer = matches!(reason, DeleteReason::Failed(ikev2::Error::Timeout));
        let was_up = entry.established.is_some();
        if dead_peer && was_up && !self.shutting_down && self.restarts_on_dpd(&entry.connection) {
            info!(conn = %entry.connection, "peer dead, initiating again");
            self.restarts.push(entry.connection.clone());
        }
    }

    fn restarts_on_dpd(&self, name: &str) -> bool {
        self.config.connection(name).is_some_and(|c| {
            c.children
                .iter()
                .any(|ch| ch.dpd_action == DpdAction::Restart)
        })
    }

    /// Starts an IKE SA for the connection `name`.
    async fn initiate(&mut self, name: &str) -> Result<String, String> {
        let conn = self
            .config
            .connection(name)
            .ok_or_else(|| format!("no connection named {name:?}"))?
            .clone();
        if let Some(entry) = self.sas.values().find(|e| e.connection == name) {
            return Ok(format!(
                "connection {name} already has IKE SA {} ({:?})",
                entry.id, entry.state
            ));
        }
        let remote_ip = *conn
            .remote_addrs
            .first()
            .ok_or_else(|| format!("connection {name} has no remote address to initiate to"))?;
        let remote = SocketAddr::new(remote_ip, conn.remote_port);
        let local_ip = match conn.local_addrs.first() {
            Some(ip) => *ip,
            None => {
                let unspecified: IpAddr = if remote_ip.is_ipv4() {
                    [0u8; 4].into()
                } else {
                    [0u16; 8].into()
                };
                self.sockets
                    .local_for(SocketAddr::new(unspecified, conn.local_port), remote)
                    .ip()
            }
        };
        let local = SocketAddr::new(local_ip, conn.local_port);

        self.set_spi_local(Some(local_ip));
        let config = Arc::new(ike_config(&conn, self.config.daemon.retransmit));
        let rekey_after = config.ike_rekey_after;
        let (id, actions) = self
            .endpoint
            .initiate(self.now(), config, local, remote)
            .map_err(|e| format!("cannot initiate {name}: {e}"))?;
        info!(ike_sa = %id, peer = %remote, conn = %name, "initiating");
        self.sas.insert(
            id.0,
            new_initiator_entry(id, &conn, local, remote, rekey_after),
        );
        self.apply(actions, Origin::default()).await;
        Ok(format!("initiating {name}: IKE SA {id} to {remote}"))
    }

    /// Deletes every IKE SA of the connection `name`.
    async fn terminate(&mut self, name: &str) -> Result<String, String> {
        if self.config.connection(name).is_none() {
            return Err(format!("no connection named {name:?}"));
        }
        let ids: Vec<IkeSaId> = self
            .sas
            .values()
            .filter(|e| e.connection == name)
            .map(|e| e.id)
            .collect();
        if ids.is_empty() {
            return Err(format!("connection {name} has no IKE SA"));
        }

        for id in &ids {
            self.delete_ike(*id).await;
        }
        Ok(format!("terminating {name}: {} IKE SA(s)", ids.len()))
    }

    /// Deletes one IKE SA, telling the peer if it is established; a half-open one is
    /// just forgotten.
    async fn delete_ike(&mut self, id: IkeSaId) {
        let now = self.now();
        match self.endpoint.delete_ike(now, id) {
            Ok(actions) => {
                if let Some(entry) = self.sas.get_mut(&id.0) {
                    entry.state = IkeState::Deleting;
                }
                self.apply(actions, Origin::default()).await;
            }
            Err(e) => {
                debug!(ike_sa = %id, error = %e, "IKE SA not deletable, forgetting it");
                if let Some(entry) = self.sas.remove(&id.0) {
                    for child in &entry.children {
                        self.remove_kernel_sas(child);
                    }
                }
            }
        }
    }

    async fn on_control(&mut self, request: Request) -> Response {
        let result = match request {
            Request::Status => return Response::Status(self.status()),
            Request::ListSas => return Response::Sas(self.list_sas()),
            Request::Initiate { connection } => self.initiate(&connection).await,
            Request::Terminate { connection } => self.terminate(&connection).await,
            Request::Reload => self.reload().await,
        };
        match result {
            Ok(message) => Response::Ok { message },
            Err(message) => Response::Error { message },
        }
    }

    fn status(&self) -> StatusInfo {
        let connections = self
            .config
            .connections
            .iter()
            .map(|c| ConnectionInfo {
                name: c.name.clone(),
                local_addrs: c.local_addrs.iter().map(ToString::to_string).collect(),
                remote_addrs: c.remote_addrs.iter().map(ToString::to_string).collect(),
                start_action: if c.children.iter().any(|ch| ch.start) {
                    "start"
                } else {
                    "none"
                }
                .to_owned(),
                children: c.children.iter().map(|ch| ch.name.clone()).collect(),
                ike_sas: self.sas.values().filter(|e| e.connection == c.name).count(),
            })
            .collect();
        StatusInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            pid: std::process::id(),
            uptime_secs: self.epoch.elapsed().as_secs(),
            config_file: self.config.file.display().to_string(),
            backend: lock(&self.backend).name().to_owned(),
            listening: self
                .sockets
                .local_addrs()
                .iter()
                .map(ToString::to_string)
                .collect(),
            owner_cookie: self.config.daemon.owner_cookie(),
            connections,
        }
    }

    fn list_sas(&self) -> SaList {
        let now = Instant::now();
        let mut backend = lock(&self.backend);
        let mut counters = |key: &SaKey| backend.sa_counters(key).unwrap_or_default();
        SaList {
            ike_sas: self
                .sas
                .values()
                .map(|e| e.info(now, &mut counters))
                .collect(),
        }
    }

    /// Reads the configuration file again. A bad file changes nothing; connections that
    /// disappeared are terminated.
    async fn reload(&mut self) -> Result<String, String> {
        let new = Config::load(&self.config.file).map_err(|e| format!("reload refused: {e}"))?;
        super::setup::check_interfaces(&new, &self.backend)
            .map_err(|e| format!("reload refused: {e}"))?;
        if new.daemon.port != self.config.daemon.port
            || new.daemon.listen != self.config.daemon.listen
        {
            warn!("listen addresses and port change only at restart");
        }

        let removed: Vec<String> = self
            .config
            .connections
            .iter()
            .filter(|c| new.connection(&c.name).is_none())
            .map(|c| c.name.clone())
            .collect();
        let added: Vec<Connection> = new
            .connections
            .iter()
            .filter(|c| self.config.connection(&c.name).is_none())
            .cloned()
            .collect();
        let old_file = std::mem::replace(&mut self.config, new);
        drop(old_file);

        for name in &removed {
            let ids: Vec<IkeSaId> = self
                .sas
                .values()
                .filter(|e| &e.connection == name)
                .map(|e| e.id)
                .collect();
            for id in ids {
                self.delete_ike(id).await;
            }
        }
        for conn in &added {
            self.add_responder(conn);
        }
        info!(
            added = added.len(),
            removed = removed.len(),
            "configuration reloaded"
        );
        Ok(format!(
            "reloaded: {} connection(s), {} added, {} removed",
            self.config.connections.len(),
            added.len(),
            removed.len()
        ))
    }

    /// Deletes every IKE SA (telling the peers), waits a little for their answers, then
    /// removes whatever is left in the kernel.
    async fn shutdown(&mut self, events: &mut mpsc::Receiver<Event>) {
        self.shutting_down = true;
        info!(ike_sas = self.sas.len(), "shutting down");
        let ids: Vec<IkeSaId> = self.sas.values().map(|e| e.id).collect();
        for id in ids {
            self.delete_ike(id).await;
        }

        let until = Instant::now() + SHUTDOWN_GRACE;
        while !self.sas.is_empty() && Instant::now() < until {
            let deadline = self.next_deadline().map_or(until, |d| d.min(until));
            tokio::select! {
                Some(event) = events.recv() => match event {
                    Event::Control { reply, .. } => {
                        let _ = reply.send(Response::Error { message: "shutting down".to_owned() });
                    }
                    event => self.on_event(event).await,
                },
                () = sleep_until(deadline.into()) => self.on_timer().await,
            }
        }

        let owner = self.config.daemon.owner_cookie();
        match lock(&self.backend).flush_owner(owner) {
            Ok(n) => info!(removed = n, "kernel SAs flushed, bye"),
            Err(e) => error!(error = %e, "flushing kernel SAs failed"),
        }
    }
}

/// Commands the timers give the library.
#[derive(Clone, Copy, Debug)]
enum Command {
    DeleteIke(IkeSaId),
    Liveness(IkeSaId),
    RekeyChild(IpAddr, u32),
}

fn new_initiator_entry(
    id: IkeSaId,
    conn: &Connection,
    local: SocketAddr,
    remote: SocketAddr,
    rekey_after: Option<Duration>,
) -> IkeEntry {
    IkeEntry {
        rekey_after,
        id,
        connection: conn.name.clone(),
        initiator: true,
        local,
        remote,
        state: IkeState::Connecting,
        local_id: conn.local_id.clone(),
        peer_id: None,
        peer_spi: None,
        algorithms: None,
        established: None,
        rekey_at: None,
        expire_at: None,
        last_seen: Instant::now(),
        children: Vec::new(),
    }
}

/// The inbound and outbound SAs of a Child SA between `local` and `remote`.
fn sa_params(child: &ChildSa, local: IpAddr, remote: IpAddr, ifindex: u32) -> [SaParams; 2] {
    let one = |dir: Dir| {
        let (spi, keys, saddr, daddr, src, dst) = match dir {
            Dir::In => (
                child.spi_in,
                &child.keys_in,
                remote,
                local,
                &child.ts_remote,
                &child.ts_local,
            ),
            Dir::Out => (
                child.spi_out,
                &child.keys_out,
                local,
                remote,
                &child.ts_local,
                &child.ts_remote,
            ),
        };
        SaParams {
            key: SaKey { dir, spi, daddr },
            saddr,
            ifindex,
            mode: child.mode,
            encr: child.encr,
            encr_key: zeroize::Zeroizing::new(keys.encr.as_bytes().to_vec()),
            integ: child
                .integ
                .map(|alg| (alg, zeroize::Zeroizing::new(keys.integ.as_bytes().to_vec()))),
            esn: child.esn,
            replay_window: REPLAY_WINDOW,
            src_ts: src.clone(),
            dst_ts: dst.clone(),
            hard_time: child.lifetime.hard_time,
            hard_bytes: child.lifetime.hard_bytes,
        }
    };
    [one(Dir::In), one(Dir::Out)]
}
