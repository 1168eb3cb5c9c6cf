//! Port-forward words shared by the layers: what to forward to, what the user asked for,
//! what the forward manager reports, and the effects and answers between `update` and the
//! runtime's forward manager.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Identifies one forward for the lifetime of the forward manager (`cluster::portforward`).
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
    /// `http://127.0.0.1:PORT`: where the forward listens.
    pub fn url(&self) -> String {
        url_of(SocketAddr::new(self.address, self.local_port))
    }

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
    /// What starting this forward again asks for: the same target, address and ports.
    pub fn spec(&self) -> ForwardSpec {
        ForwardSpec {
            target: self.target.clone(),
            remote_port: self.remote_port,
            address: self.local.ip(),
            local_port: self.local.port(),
        }
    }

    /// What `c` copies: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        url_of(self.local)
    }
}

fn url_of(local: SocketAddr) -> String {
    match local {
        SocketAddr::V4(a) => format!("http://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}", a.ip(), a.port()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Pod,
    Service,
    Deployment,
    StatefulSet,
}

impl TargetKind {
    /// The lower-case name kubectl uses in `TYPE/NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Pod => "pod",
            TargetKind::Service => "service",
            TargetKind::Deployment => "deployment",
            TargetKind::StatefulSet => "statefulset",
        }
    }

    /// Parses kubectl's names and short names (`po`, `svc`, `deploy`, `sts`, plurals).
    pub fn parse(s: &str) -> Option<TargetKind> {
        match s.to_ascii_lowercase().as_str() {
            "pod" | "pods" | "po" => Some(TargetKind::Pod),
            "service" | "services" | "svc" => Some(TargetKind::Service),
            "deployment" | "deployments" | "deploy" => Some(TargetKind::Deployment),
            "statefulset" | "statefulsets" | "sts" => Some(TargetKind::StatefulSet),
            _ => None,
        }
    }
}

/// `kind/name` in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetRef {
    pub kind: TargetKind,
    pub namespace: String,
    pub name: String,
}

impl TargetRef {
    pub fn new(kind: TargetKind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        TargetRef {
            kind,
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for TargetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.name)
    }
}

/// Which pods a forward may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodSelector {
    /// Exactly this pod; when it is gone, so is the forward.
    Name(String),
    /// Any pod matching this label selector (`a=b,c in (d)`), chosen per connection.
    Labels(String),
}

/// A Service's `targetPort`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    Number(u16),
    /// A container port name, looked up in the pod that serves the connection.
    Name(String),
}

/// One port the user can choose in the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortOption {
    /// The port named in the forward: the Service port for a Service, else a container port.
    pub remote_port: u16,
    pub name: Option<String>,
    pub protocol: String,
    /// For a Service: where the port goes in the pod (None for other kinds).
    pub target: Option<TargetPort>,
    /// The pod port it resolves to right now, when known.
    pub pod_port: Option<u16>,
}

impl PortOption {
    /// `8080/TCP`, `80→8080/TCP (http)`, `80→http(8080)/TCP`.
    pub fn label(&self) -> String {
        let target = match (&self.target, self.pod_port) {
            (Some(TargetPort::Number(n)), _) if *n != self.remote_port => format!("→{n}"),
            (Some(TargetPort::Name(n)), Some(p)) => format!("→{n}({p})"),
            (Some(TargetPort::Name(n)), None) => format!("→{n}"),
            _ => String::new(),
        };
        let name = self
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        format!("{}{target}/{}{name}", self.remote_port, self.protocol)
    }
}

/// A forward that is listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardStarted {
    pub id: ForwardId,
    /// The bound address (with the real port when 0 was asked for).
    pub local: SocketAddr,
}

/// A port offered by the target, with the local port to suggest for it
/// (the same number when that is free, else one the system picked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogPort {
    pub option: PortOption,
    pub suggested_local: u16,
}

/// What `update` asks the runtime's forward manager to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PfEffect {
    /// Look up the target's ports and suggest free local ports (answers `PfMsg::Ports`).
    LoadPorts(TargetRef),
    /// Bind and start (answers `PfMsg::Started` or `PfMsg::StartFailed`).
    Start(ForwardSpec),
    Stop(ForwardId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PfMsg {
    Ports {
        target: TargetRef,
        result: Result<Vec<DialogPort>, String>,
    },
    Started {
        spec: ForwardSpec,
        started: ForwardStarted,
    },
    StartFailed {
        target: TargetRef,
        error: String,
    },
    Status(ForwardStatus),
}
