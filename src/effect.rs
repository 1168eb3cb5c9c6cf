//! Effects: what `update` asks the runtime (`app.rs`) to do. Data only, so every state
//! transition is testable without a cluster.

use std::sync::Arc;

/// A place that holds at most one live watch. Starting a watch in a slot replaces the one
/// running there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WatchSlot {
    Namespaces,
    /// The main resource view (pods today; deployments … later).
    Main,
    /// The rollout history pane: the owner's ReplicaSets or ControllerRevisions.
    History,
    /// The rollout history pane's owner kind in its namespace (status, current template).
    HistoryOwner,
}

/// A watch's identity: its slot and the generation it was started with. Messages from an
/// older generation of the slot are stale and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WatchKey {
    pub slot: WatchSlot,
    pub gen: u64,
}

/// Which namespaces a namespaced watch covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Namespace(Arc<str>),
}

impl Scope {
    pub fn label(&self) -> &str {
        match self {
            Scope::All => "all",
            Scope::Namespace(ns) => ns,
        }
    }
}

/// The kinds rkt watches. Adding a view = a variant here, a row type and a conversion in
/// `cluster/`, a table in `state/`, columns in `ui/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Namespaces,
    Pods,
    Deployments,
    StatefulSets,
    DaemonSets,
    ReplicaSets,
    ControllerRevisions,
    Services,
    /// Helm release records (Secrets labelled `owner=helm`), as release rows.
    HelmReleases,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WatchTarget {
    pub kind: ResourceKind,
    pub scope: Scope,
    /// Narrows the rows (a drill-down: the pods a Service selects).
    pub selector: Selector,
}

/// A server-side table watch: any kind discovery lists, with kubectl's columns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableTarget {
    pub kind: crate::model::objects::ObjectKind,
    /// Ignored for cluster-scoped kinds.
    pub scope: Scope,
    pub selector: Selector,
    /// Discovery says the kind can be watched; otherwise it is re-listed every few seconds.
    pub watchable: bool,
}

pub use crate::model::objects::Selector;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Start (or replace) the watch in `key.slot`.
    Watch { key: WatchKey, target: WatchTarget },
    /// Start (or replace) a server-side table watch in `key.slot`.
    WatchTable { key: WatchKey, target: TableTarget },
    /// Read the server's discovery documents (answers `Msg::Discovery`).
    Discover,
    /// Stop the watch `key` if it is still the one in its slot.
    Unwatch(WatchKey),
    /// Ask the server for its version (answers `Msg::ServerVersion`).
    FetchServerVersion,
    /// Ask the server whether the user may (a SelfSubjectAccessReview; answers
    /// `Msg::Access`). Changes nothing.
    ReviewAccess(crate::model::access::AccessQuery),
    /// Put text on the clipboard (arboard, or OSC 52 without a display); answers a notice.
    Copy(String),
    /// Start (or replace) the log stream; its messages arrive as `Msg::Logs`.
    StreamLogs {
        key: crate::model::logs::LogStreamKey,
        request: crate::model::logs::LogRequest,
    },
    /// Stop the log stream `key` if it is still the running one.
    StopLogs(crate::model::logs::LogStreamKey),
    /// Look up a pod's containers for the picker (answers `Msg::LogContainers`).
    FetchContainers(crate::model::logs::LogTarget),
    /// Write a file (saved logs); answers a notice naming the path.
    WriteFile {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Write rkt's saved port-forwards (creating its state directory; only the user may
    /// read the file); answers a notice.
    SaveForwards {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Give the terminal back and stop the process (`ctrl-z`); `fg` resumes and redraws.
    Suspend,
    /// Build a client for the kubeconfig context `name` (re-reading the kubeconfig files) and
    /// ask its server for its version; answers `Msg::Context` with `gen`.
    SwitchContext { name: String, gen: u64 },
    /// Carry out from now on every request with the client the switch `gen` built (the
    /// watches that follow in the same batch already use it). Running port-forwards keep
    /// the client they started with.
    UseContext(u64),
    /// Write one of rkt's state files (only the user may read it); a failure is a notice.
    WriteState {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Open a URL with the desktop's opener (`xdg-open`, `open`); a failure is a notice.
    OpenUrl(String),
    /// Port-forward work for the runtime's forward manager.
    Forward(crate::model::portforward::PfEffect),
    /// Rollout history, rollback, restart, scale, pause/resume (answers `Msg::Rollout`).
    Rollout(Box<crate::model::rollout::effects::RolloutEffect>),
    /// Delete, YAML, describe (answers `Msg::Object`).
    Object(crate::model::objects::ObjectEffect),
    /// Read pod or node metrics from `metrics.k8s.io` once (answers `Msg::Metrics`).
    Metrics(crate::model::metrics::MetricsRequest),
    /// Create, expose, set image, apply: every variant changes the cluster (answers
    /// `Msg::Change`).
    Change(Box<crate::model::change::ChangeEffect>),
    /// Reads that prepare a change (answers `Msg::Change`).
    Prepare(crate::model::change::PrepareEffect),
    /// `kubectl edit` of the object in the user's editor: a foreground session that owns the
    /// terminal, run by the event loop (answers `Msg::Edited`). Changes the cluster.
    Edit(crate::model::objects::ObjectRef),
    /// A shell in a container, the terminal handed over: a foreground session run by the
    /// event loop (answers `Msg::ExecEnded`). Can change the container.
    Exec(crate::model::exec::ExecTarget),
    /// Helm releases: texts, rollback, uninstall (answers `Msg::Helm`).
    Helm(Box<crate::model::helm::effects::HelmEffect>),
    /// A change that passed the gate (`state::gate`): the runtime carries out `effect` and,
    /// once its answer is known, appends one audit line per record. Only the gate makes
    /// these; the runtime refuses a change that comes without one.
    Audited(Box<Audited>),
}

/// A change and what the audit log will say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audited {
    /// One per object the change touches (an apply of several documents has several).
    pub records: Vec<crate::model::audit::AuditRecord>,
    pub effect: Effect,
}

impl Effect {
    /// The effect itself, without the audit wrapper the gate puts on changes.
    pub fn unaudited(self) -> Effect {
        match self {
            Effect::Audited(a) => a.effect.unaudited(),
            other => other,
        }
    }
}
