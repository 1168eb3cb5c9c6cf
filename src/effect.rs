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
    /// Port-forward work for the runtime's forward manager.
    Forward(crate::model::portforward::PfEffect),
    /// Rollout history, rollback, restart, scale, pause/resume (answers `Msg::Rollout`).
    Rollout(Box<crate::model::rollout::effects::RolloutEffect>),
    /// Delete, YAML, describe (answers `Msg::Object`).
    Object(crate::model::objects::ObjectEffect),
    /// Read pod or node metrics from `metrics.k8s.io` once (answers `Msg::Metrics`).
    Metrics(crate::model::metrics::MetricsRequest),
}
