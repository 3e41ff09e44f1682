//! The IKE UDP sockets: one per listen address, each with a task that forwards datagrams
//! to the daemon's event loop.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::Arc;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{debug, warn};

use super::Event;

/// Largest IKE message we read (RFC 7296 section 2 asks for at least 3000 octets).
const MAX_DATAGRAM: usize = 65_535;

/// The bound sockets.
#[derive(Debug)]
pub struct Sockets {
    sockets: Vec<Arc<UdpSocket>>,
    readers: Vec<JoinHandle<()>>,
    /// Source address the kernel would pick towards a peer, for wildcard sockets.
    routes: HashMap<IpAddr, IpAddr>,
}

impl Drop for Sockets {
    fn drop(&mut self) {
        for reader in &self.readers {
            reader.abort();
        }
    }
}

/// Binds one UDP socket; IPv6 sockets are v6-only so that `0.0.0.0` and `::` can coexist.
fn bind(addr: SocketAddr) -> io::Result<UdpSocket> {
    let domain = if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let socket = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}

impl Sockets {
    /// Binds `addrs` on `port` and starts forwarding what they receive to `events`.
    pub fn bind(addrs: &[IpAddr], port: u16, events: mpsc::Sender<Event>) -> io::Result<Self> {
        let mut sockets = Vec::new();
        let mut readers = Vec::new();
        for addr in addrs {
            let socket = Arc::new(bind(SocketAddr::new(*addr, port)).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot bind UDP {addr} port {port}: {e}"))
            })?);
            readers.push(tokio::spawn(read_loop(socket.clone(), events.clone())));
            sockets.push(socket);
        }

        Ok(Self {
            sockets,
            readers,
            routes: HashMap::new(),
        })
    }

    /// The addresses the sockets are bound to.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .collect()
    }

    /// The socket to send from `local`: bound to that address, or a wildcard one of its
    /// family.
    fn socket_for(&self, local: SocketAddr) -> Option<&Arc<UdpSocket>> {
        let bound = |s: &&Arc<UdpSocket>| s.local_addr().ok();
        self.sockets
            .iter()
            .find(|s| bound(s).is_some_and(|a| a.ip() == local.ip()))
            .or_else(|| {
                self.sockets.iter().find(|s| {
                    bound(s)
                        .is_some_and(|a| a.ip().is_unspecified() && a.is_ipv4() == local.is_ipv4())
                })
            })
    }

    /// Sends one IKE message.
    pub async fn send(&self, local: SocketAddr, remote: SocketAddr, bytes: &[u8]) {
        let Some(socket) = self.socket_for(local) else {
            warn!(%local, peer = %remote, "no socket to send from");
            return;
        };
        if let Err(e) = socket.send_to(bytes, remote).await {
            warn!(peer = %remote, error = %e, "sending IKE message failed");
        }
    }

    /// The concrete local address for a datagram that arrived on a socket bound to
    /// `bound`: the bound address itself, or for a wildcard socket the source address the
    /// kernel picks towards the peer.
    pub fn local_for(&mut self, bound: SocketAddr, remote: SocketAddr) -> SocketAddr {
        if !bound.ip().is_unspecified() {
            return bound;
        }

        let ip = *self
            .routes
            .entry(remote.ip())
            .or_insert_with(|| route_source(bound, remote));
        SocketAddr::new(ip, bound.port())
    }
}

/// The source address of a route to `remote`, found by connecting a throwaway socket.
fn route_source(bound: SocketAddr, remote: SocketAddr) -> IpAddr {
    let any = SocketAddr::new(bound.ip(), 0);
    StdUdpSocket::bind(any)
        .and_then(|s| s.connect(remote).and_then(|()| s.local_addr()))
        .map_or(bound.ip(), |a| a.ip())
}

async fn read_loop(socket: Arc<UdpSocket>, events: mpsc::Sender<Event>) {
    let Ok(bound) = socket.local_addr() else {
        return;
    };
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((len, remote)) => {
                let bytes = buf[..len].to_vec();
                let event = Event::Datagram {
                    bytes,
                    bound,
                    remote,
                };
                if events.send(event).await.is_err() {
                    return;
                }
            }
            Err(e) => debug!(%bound, error = %e, "receive failed"),
        }
    }
}
