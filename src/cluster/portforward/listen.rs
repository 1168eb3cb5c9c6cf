//! Where a forward listens. The default address, 127.0.0.1, listens on ::1 too when the
//! machine has IPv6, as kubectl's `--address localhost` does: a browser that resolves
//! `localhost` to ::1 first still reaches the forward. Any other address is only that one.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use tokio::net::{TcpListener, TcpStream};

use super::ForwardError;

/// A forward's listening sockets; dropping it closes them all.
pub(crate) struct Listeners {
    primary: TcpListener,
    /// [::1] beside 127.0.0.1, when that could be bound on the same port.
    loopback_v6: Option<TcpListener>,
}

impl Listeners {
    /// Binds `address:port` (0 lets the system choose); a port in use fails here.
    pub fn bind(address: IpAddr, port: u16) -> Result<Listeners, ForwardError> {
        let primary = bind_one(SocketAddr::new(address, port))?;
        let chosen = primary
            .local_addr()
            .map_err(|e| ForwardError::Bind {
                addr: SocketAddr::new(address, port),
                message: e.to_string(),
            })?
            .port();
        // Best effort, as kubectl: no IPv6, or ::1 taken on that port, leaves 127.0.0.1 alone.
        let loopback_v6 = (address == IpAddr::V4(Ipv4Addr::LOCALHOST))
            .then(|| bind_one(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), chosen)).ok())
            .flatten();
        Ok(Listeners {
            primary,
            loopback_v6,
        })
    }

    /// The address shown and copied: the one the user chose, with the bound port.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.primary.local_addr()
    }

    /// The next connection on any of the sockets.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        match &self.loopback_v6 {
            None => self.primary.accept().await,
            Some(v6) => tokio::select! {
                accepted = self.primary.accept() => accepted,
                accepted = v6.accept() => accepted,
            },
        }
    }
}

fn bind_one(addr: SocketAddr) -> Result<TcpListener, ForwardError> {
    let bind_error = |e: io::Error| {
        if e.kind() == io::ErrorKind::AddrInUse {
            ForwardError::PortInUse(addr)
        } else {
            ForwardError::Bind {
                addr,
                message: e.to_string(),
            }
        }
    };
    let std_listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
    std_listener.set_nonblocking(true).map_err(bind_error)?;
    TcpListener::from_std(std_listener).map_err(bind_error)
}

/// Whether a local port can be listened on now (the dialog's default local port).
pub fn port_is_free(address: IpAddr, port: u16) -> bool {
    std::net::TcpListener::bind(SocketAddr::new(address, port)).is_ok()
}

/// The local port to suggest for a remote port: the same number when it is free, else
/// one the system hands out now (0 if even that fails: "any free port").
pub fn suggest_local_port(address: IpAddr, remote_port: u16) -> u16 {
    if port_is_free(address, remote_port) {
        return remote_port;
    }
    std::net::TcpListener::bind(SocketAddr::new(address, 0))
        .and_then(|l| l.local_addr())
        .map_or(0, |a| a.port())
}
