//! CPU and memory from `metrics.k8s.io`, for what is on screen only: the pods of the pods
//! view's scope, or the nodes of the nodes view. Read when that view opens or its scope
//! changes, then every [`EVERY`] (metrics-server's resolution), one read at a time; kept
//! apart from the rows, keyed by namespace and name. A server without the metrics API gets
//! no columns and no requests; a failed read is quiet (the columns say `n/a`).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::effect::{Effect, Scope};
use crate::model::discovery::Catalog;
use crate::model::metrics::{
    MetricsAnswer, MetricsApi, MetricsRequest, MetricsSample, MetricsScope, NodeUsage, Usage,
};
use crate::model::rows::RowKey;
use crate::state::{AppState, MainView};

/// How often metrics are read again while their view is shown.
pub const EVERY: SignedDuration = SignedDuration::from_secs(15);

/// What the state knows about metrics.
#[derive(Debug, Clone, Default)]
pub struct MetricsState {
    /// The metrics kinds the server serves (from discovery).
    api: MetricsApi,
    /// What is on screen and wants metrics (`None`: nothing does, or no metrics API).
    scope: Option<MetricsScope>,
    /// The generation of the latest read; answers of older ones are dropped.
    gen: u64,
    /// When the latest read was asked, while its answer is awaited.
    in_flight: Option<Timestamp>,
    /// When the latest answer for `scope` arrived.
    answered: Option<Timestamp>,
    /// The latest answer's pods (for a pods scope).
    pods: HashMap<RowKey, Usage>,
    /// The latest answer's nodes (for the nodes scope).
    nodes: HashMap<Arc<str>, NodeUsage>,
    /// The latest read failed (an unavailable metrics server): no values, quietly.
    failed: bool,
}

/// What the metrics say about one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading<T> {
    /// A value of the latest read.
    Value(T),
    /// The read worked but says nothing about this row (a pod not running), or no answer yet.
    Missing,
    /// The latest read failed.
    Failed,
}

/// A read answered within this is still going; past it another may be asked (an answer
/// should come long before: the runtime gives up on a read after a few seconds).
const GIVE_UP: SignedDuration = SignedDuration::from_secs(60);

impl MetricsState {
    /// Takes what discovery found; the next [`follow`] starts or stops reading.
    pub fn on_discovery(&mut self, catalog: &Catalog) {
        self.api = MetricsApi::from_catalog(catalog);
    }

    /// Whether the pods view shows metrics columns now.
    pub fn for_pods(&self) -> bool {
        matches!(self.scope, Some(MetricsScope::Pods { .. }))
    }

    /// Whether the nodes view shows metrics columns now.
    pub fn for_nodes(&self) -> bool {
        matches!(self.scope, Some(MetricsScope::Nodes))
    }

    pub fn pod(&self, key: &RowKey) -> Reading<Usage> {
        self.reading(self.pods.get(key).copied())
    }

    pub fn node(&self, name: &str) -> Reading<NodeUsage> {
        self.reading(self.nodes.get(name).copied())
    }

    fn reading<T>(&self, value: Option<T>) -> Reading<T> {
        match value {
            _ if self.failed => Reading::Failed,
            Some(v) => Reading::Value(v),
            None => Reading::Missing,
        }
    }

    /// Pods with a value now (for tests and the memory budget).
    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }

    /// Takes an answer: the values of the scope shown replace the last ones; an answer for
    /// a scope no longer shown is dropped. Returns whether anything changed.
    pub fn on_answer(&mut self, answer: MetricsAnswer, now: Timestamp) -> bool {
        if answer.gen != self.gen || self.scope.is_none() {
            return false;
        }
        self.in_flight = None;
        self.answered = Some(now);
        match answer.sample {
            Ok(MetricsSample::Pods(pods)) => {
                self.pods = pods;
                self.failed = false;
            }
            Ok(MetricsSample::Nodes(nodes)) => {
                self.nodes = nodes;
                self.failed = false;
            }
            Err(_) => {
                self.pods.clear();
                self.nodes.clear();
                self.failed = true;
            }
        }
        true
    }

    /// Follows what is on screen: a new scope drops the old values and reads at once; the
    /// same scope is read again every [`EVERY`].
    fn follow(&mut self, wanted: Option<MetricsScope>, now: Timestamp) -> Vec<Effect> {
        if wanted != self.scope {
            *self = MetricsState {
                api: std::mem::take(&mut self.api),
                scope: wanted,
                gen: self.gen + 1,
                ..MetricsState::default()
            };
        }
        let Some(scope) = &self.scope else {
            return Vec::new();
        };
        let busy = self
            .in_flight
            .is_some_and(|asked| now.duration_since(asked) < GIVE_UP);
        let due = self
            .answered
            .is_none_or(|at| now.duration_since(at) >= EVERY);
        let kind = match scope {
            MetricsScope::Pods { .. } => self.api.pods.clone(),
            MetricsScope::Nodes => self.api.nodes.clone(),
        };
        let Some(kind) = kind.filter(|_| !busy && due) else {
            return Vec::new();
        };
        self.gen += 1;
        self.in_flight = Some(now);
        vec![Effect::Metrics(MetricsRequest {
            gen: self.gen,
            kind,
            scope: scope.clone(),
        })]
    }
}

/// After every message: the metrics that the view on screen wants, read when due.
pub fn follow(st: &mut AppState) -> Vec<Effect> {
    let wanted = wanted(st);
    let now = st.now;
    st.metrics.follow(wanted, now)
}

/// What the screen shows that has metrics, if the server serves them: the pods of the pods
/// view (its namespace and the label part of its selector), or the nodes.
fn wanted(st: &AppState) -> Option<MetricsScope> {
    if st.forwards_open || st.logs.is_some() {
        return None;
    }
    match st.view {
        MainView::Pods if st.metrics.api.pods.is_some() => Some(MetricsScope::Pods {
            namespace: match &st.scope {
                Scope::All => None,
                Scope::Namespace(ns) => Some(ns.clone()),
            },
            labels: st
                .trail
                .selector()
                .and(&st.main_filter_selector)
                .labels
                .filter(|l| !l.is_empty()),
        }),
        MainView::Resources if st.metrics.api.nodes.is_some() => {
            let nodes = st
                .resources
                .api
                .as_ref()
                .is_some_and(|a| a.object.is("", "Node"));
            nodes.then_some(MetricsScope::Nodes)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
