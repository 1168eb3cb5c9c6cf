//! Port-forwarding with kube-rs (no kubectl child): a local listener per forward and
//! one pod port-forward stream per accepted connection.
//!
//! For a Service, Deployment or StatefulSet the serving pod is chosen per connection
//! the way kubectl chooses it ([`choose`]), from a live watch of the matching pods, so a
//! forward keeps working when its pod is replaced. A forward to a bare pod reports
//! [`ForwardState::PodGone`] when the pod is deleted and stops listening.
//!
//! The [`ForwardManager`] is owned by the runtime; it reports [`ForwardStatus`] snapshots
//! (plain data) through a callback, never touching application state.

pub mod choose;
mod counted;
mod forward;
mod manager;
mod pods;
pub mod target;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub use choose::{choose_pod, most_active_first, PodCandidate};
pub use manager::{
    port_is_free, suggest_local_port, ForwardManager, ForwardOptions, ForwardStarted, StatusSink,
};
pub use target::{resolve_target, PortOption, TargetInfo, TargetKind, TargetPort, TargetRef};

/// Identifies one forward for the lifetime of a [`ForwardManager`].
pub type ForwardId = u64;

/// What the user asked for: `kubectl port-forward TARGET [ADDRESS:]LOCAL:REMOTE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardSpec {
    pub target: TargetRef,
    /// The Service port for a Service; a container port otherwise.
    pub remote_port: u16,
    pub address: IpAddr,
    /// 0 lets the system pick a free port.
    pub local_port: u16,
}

impl ForwardSpec {
    /// A forward on 127.0.0.1.
    pub fn new(target: TargetRef, local_port: u16, remote_port: u16) -> Self {
        ForwardSpec {
            target,
            remote_port,
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            local_port,
        }
    }
}

/// Where a forward is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    /// Listening; looking up the target and its pods.
    Starting,
    /// Listening, and the last connection (if any) was served.
    Active,
    /// Listening, but the last connection failed with this message.
    Error(String),
    /// The bare pod of the forward was deleted; the listener is closed.
    PodGone,
    /// The forward could not be set up (target missing, forbidden …); the listener is closed.
    Failed(String),
    /// Stopped by the user or at exit; the listener is closed.
    Stopped,
}

impl ForwardState {
    /// The listener is closed for good.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            ForwardState::PodGone | ForwardState::Failed(_) | ForwardState::Stopped
        )
    }

    /// A short word for a table cell.
    pub fn label(&self) -> &'static str {
        match self {
            ForwardState::Starting => "Starting",
            ForwardState::Active => "Active",
            ForwardState::Error(_) => "Error",
            ForwardState::PodGone => "PodGone",
            ForwardState::Failed(_) => "Failed",
            ForwardState::Stopped => "Stopped",
        }
    }
}

/// A snapshot of one forward, sent whenever something about it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardStatus {
    pub id: ForwardId,
    pub target: TargetRef,
    pub local: SocketAddr,
    pub remote_port: u16,
    /// The pod a new connection goes to now (or went to last, for a bare pod).
    pub pod: Option<String>,
    /// The port in that pod (differs from `remote_port` for Services with a targetPort).
    pub pod_port: Option<u16>,
    pub state: ForwardState,
    /// Connections accepted so far, and how many are open now.
    pub connections: u64,
    pub open_connections: u64,
    /// Bytes from the pod to local clients, and from local clients to the pod.
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// The most recent connection error, kept after later successes for the user to read.
    pub last_error: Option<String>,
}

impl ForwardStatus {
    /// What `c` copies: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match self.local {
            SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
            SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
        }
    }
}

/// Why a forward or one of its connections failed, worded for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForwardError {
    #[error("local port {0} is already in use")]
    PortInUse(SocketAddr),
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} has no pod selector, so there is no pod to forward to")]
    NoSelector(String),
    #[error("{target} does not have a service port {port}")]
    NoSuchServicePort { target: String, port: u16 },
    #[error("pod {pod} does not have a named port '{name}'")]
    NoNamedPort { pod: String, name: String },
    #[error("UDP port {0} cannot be forwarded (port-forward is TCP only)")]
    Udp(u16),
    #[error("pod {0} is gone")]
    PodGone(String),
    #[error("no running pod for {0}")]
    NoRunningPod(String),
    #[error("pod {pod} is not running (phase {phase})")]
    PodNotRunning { pod: String, phase: String },
    #[error("pod {pod} port {port}: {message}")]
    PortNotExposed {
        pod: String,
        port: u16,
        message: String,
    },
    #[error("{0}")]
    Api(String),
}
