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
mod listen;
mod manager;
mod pods;
pub mod target;

use std::net::SocketAddr;

pub use crate::model::portforward::{
    ForwardId, ForwardSpec, ForwardStarted, ForwardState, ForwardStatus, PodSelector, PortOption,
    TargetKind, TargetPort, TargetRef,
};
pub use choose::{choose_pod, most_active_first, PodCandidate};
pub use listen::{port_is_free, suggest_local_port};
pub use manager::{ForwardManager, ForwardOptions, StatusSink};
pub use target::{resolve_target, TargetInfo};

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
