//! The daemon: sockets, the control socket, and one task that owns all IKE SA state and
//! handles events one at a time (datagrams, timers, control requests, shutdown).

mod actor;
mod net;
mod registry;
mod setup;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rsec_control::{Request, Response};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::info;

use crate::backend::{BackendError, KernelBackend};
use crate::config::{Config, ConfigError, Location};
use crate::control::ControlServer;

pub use setup::ike_config;

/// A backend shared by the event loop and the SPI allocator inside the protocol library.
pub type SharedBackend = Arc<Mutex<Box<dyn KernelBackend>>>;

/// Locks the shared backend, even if a panic poisoned it.
fn lock(backend: &SharedBackend) -> std::sync::MutexGuard<'_, Box<dyn KernelBackend>> {
    backend.lock().unwrap_or_else(|e| e.into_inner())
}

/// Why the daemon could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The configuration file is bad.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The configuration is fine but does not fit this host (e.g. a missing device).
    #[error("{location}: {message}")]
    Host {
        /// The part of the configuration at fault.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The kernel backend failed.
    #[error("kernel backend: {0}")]
    Backend(#[from] BackendError),
    /// A socket could not be set up.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What the event loop reacts to.
#[derive(Debug)]
pub enum Event {
    /// A UDP datagram arrived on the socket bound to `bound`.
    Datagram {
        /// Its payload.
        bytes: Vec<u8>,
        /// The receiving socket's address.
        bound: SocketAddr,
        /// The sender.
        remote: SocketAddr,
    },
    /// A control request; the answer goes to `reply`.
    Control {
        /// The request.
        request: Request,
        /// Where the response goes.
        reply: oneshot::Sender<Response>,
    },
    /// Delete everything, tell the peers, and stop.
    Shutdown,
}

/// A running daemon.
#[derive(Debug)]
pub struct Daemon {
    events: mpsc::Sender<Event>,
    task: JoinHandle<()>,
    control: ControlServer,
    udp: Vec<SocketAddr>,
}

impl Daemon {
    /// Checks the configuration against the host, flushes what an earlier run left in the
    /// kernel, binds the sockets and starts the event loop (which initiates the
    /// connections with `start_action = "start"`).
    pub async fn start(
        config: Config,
        backend: Box<dyn KernelBackend>,
    ) -> Result<Self, DaemonError> {
        let backend: SharedBackend = Arc::new(Mutex::new(backend));
        setup::check_interfaces(&config, &backend)?;
        setup::flush_stale(&config, &backend)?;

        let (events, receiver) = mpsc::channel(1024);
        let sockets =
            net::Sockets::bind(&config.daemon.listen, config.daemon.port, events.clone())?;
        let udp = sockets.local_addrs();
        let control = ControlServer::bind(&config.daemon.control_socket, events.clone())?;
        info!(udp = ?udp, control = %config.daemon.control_socket.display(), backend = lock(&backend).name(), "rsecd started");

        let actor = actor::Actor::new(config, backend, sockets);
        let task = tokio::spawn(actor.run(receiver));
        Ok(Self {
            events,
            task,
            control,
            udp,
        })
    }

    /// The bound UDP addresses.
    pub fn udp_addrs(&self) -> &[SocketAddr] {
        &self.udp
    }

    /// The control socket's path.
    pub fn control_path(&self) -> PathBuf {
        self.control.path().to_owned()
    }

    /// A sender of events, e.g. for a signal handler.
    pub fn events(&self) -> mpsc::Sender<Event> {
        self.events.clone()
    }

    /// Deletes all SAs (telling the peers) and waits for the event loop to end.
    pub async fn shutdown(self) {
        let _ = self.events.send(Event::Shutdown).await;
        self.wait().await;
    }

    /// Waits for the event loop to end (after a shutdown event).
    pub async fn wait(self) {
        let _ = self.task.await;
        drop(self.control);
    }
}
