//! Compact rows: what the watch tasks send and the state keeps instead of full objects.
//! Repeated strings (namespaces, nodes, statuses) are shared `Arc<str>`s from an interner,
//! so a pod row costs a few dozen bytes plus its name.

use std::net::IpAddr;
use std::sync::Arc;

use jiff::Timestamp;

/// Identity of a row: namespace (for namespaced kinds) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    pub namespace: Option<Arc<str>>,
    pub name: Arc<str>,
}

impl RowKey {
    pub fn cluster(name: &str) -> RowKey {
        RowKey {
            namespace: None,
            name: name.into(),
        }
    }

    /// The key of a namespaced row, sharing its strings.
    pub fn of(namespace: &Arc<str>, name: &Arc<str>) -> RowKey {
        RowKey {
            namespace: Some(namespace.clone()),
            name: name.clone(),
        }
    }

    pub fn namespaced(namespace: &str, name: &str) -> RowKey {
        RowKey {
            namespace: Some(namespace.into()),
            name: name.into(),
        }
    }
}

/// How healthy a row looks; picks its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Health {
    Ok,
    /// Running but not everything ready.
    Warn,
    Pending,
    Error,
    Completed,
    Terminating,
}

/// A probe of the pod that is failing, as its container statuses tell: readiness (running
/// but not ready) before liveness (restarted after a kill, exit code 137).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeCue {
    Liveness,
    Readiness,
}

impl ProbeCue {
    /// The pods table's PROBES cell: a glyph and a word, readable without colour.
    pub fn label(self) -> &'static str {
        match self {
            ProbeCue::Liveness => "✗ liveness",
            ProbeCue::Readiness => "✗ readiness",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PodRow {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    pub ready: u16,
    pub total: u16,
    /// kubectl's STATUS column (Running, CrashLoopBackOff, Init:0/1, Terminating …).
    pub status: Arc<str>,
    pub health: Health,
    pub restarts: u32,
    /// When a container last terminated (for kubectl's "3 (5m ago)").
    pub last_restart: Option<Timestamp>,
    pub created: Option<Timestamp>,
    pub ip: Option<IpAddr>,
    pub node: Option<Arc<str>>,
    pub probe: Option<ProbeCue>,
    /// Its containers' requests and limits, summed (for % of requests and limits when the
    /// server has metrics).
    pub resources: crate::model::metrics::PodResources,
}

impl PodRow {
    pub fn key(&self) -> RowKey {
        RowKey::of(&self.namespace, &self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceRow {
    pub name: Arc<str>,
    /// Active or Terminating.
    pub phase: Arc<str>,
    pub created: Option<Timestamp>,
}

impl NamespaceRow {
    pub fn key(&self) -> RowKey {
        RowKey {
            namespace: None,
            name: self.name.clone(),
        }
    }
}

/// A batch of rows of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Namespaces(Vec<NamespaceRow>),
    Pods(Vec<PodRow>),
    /// Deployments, StatefulSets or DaemonSets.
    Workloads(Vec<crate::model::rollout::rows::WorkloadRow>),
    ReplicaSets(Vec<crate::model::rollout::history::ReplicaSetRow>),
    Revisions(Vec<crate::model::rollout::rows::RevisionDataRow>),
    Services(Vec<crate::model::services::ServiceRow>),
    /// Helm release records, one per revision.
    HelmReleases(Vec<crate::model::helm::rows::ReleaseRecord>),
    /// Rows of a server-side table (any kind).
    Table(Vec<crate::model::table::TableRowData>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Namespaces(v) => v.len(),
            Rows::Pods(v) => v.len(),
            Rows::Workloads(v) => v.len(),
            Rows::ReplicaSets(v) => v.len(),
            Rows::Revisions(v) => v.len(),
            Rows::Services(v) => v.len(),
            Rows::HelmReleases(v) => v.len(),
            Rows::Table(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
impl PodRow {
    /// A running, ready pod with one container in `default`: the base of state tests' rows.
    pub fn running(name: &str) -> PodRow {
        PodRow {
            namespace: "default".into(),
            name: name.into(),
            ready: 1,
            total: 1,
            status: "Running".into(),
            health: Health::Ok,
            restarts: 0,
            last_restart: None,
            created: None,
            ip: None,
            node: None,
            probe: None,
            resources: Default::default(),
        }
    }
}
