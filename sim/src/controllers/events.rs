//! core/v1 Events as the components record them: one object per (object, reason,
//! message), counted up on repeats, the oldest removed beyond a bound, and a per-step
//! budget so a storm of pod changes cannot flood the store.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

use super::util::{now, random_hex, str_at};
use crate::resources::EVENTS;
use crate::store::{Store, UpdateScope};

/// Events kept in the store; older ones are removed.
const MAX_EVENTS: usize = 1000;
/// Event writes allowed per controller step.
const BUDGET_PER_STEP: usize = 300;

/// Who reports an event (`source.component`, and the node for the kubelet).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Kubelet(&'a str),
    Scheduler,
    ReplicaSet,
    Deployment,
    StatefulSet,
    DaemonSet,
    NodeController,
    KubeProxy,
}

impl Source<'_> {
    fn component(&self) -> &'static str {
        match self {
            Source::Kubelet(_) => "kubelet",
            Source::Scheduler => "default-scheduler",
            Source::NodeController => "node-controller",
            Source::KubeProxy => "kube-proxy",
            Source::ReplicaSet => "replicaset-controller",
            Source::Deployment => "deployment-controller",
            Source::StatefulSet => "statefulset-controller",
            Source::DaemonSet => "daemonset-controller",
        }
    }
}

type DedupKey = (String, String, String, String);

pub struct Recorder {
    /// (uid, fieldPath, reason, message) → (namespace, event name)
    recent: HashMap<DedupKey, (String, String)>,
    order: VecDeque<(DedupKey, String, String)>,
    budget: usize,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            recent: HashMap::new(),
            order: VecDeque::new(),
            budget: BUDGET_PER_STEP,
        }
    }
}

/// One event to record.
pub struct Ev<'a> {
    pub object: &'a Value,
    pub field_path: Option<String>,
    pub warning: bool,
    pub reason: &'a str,
    pub message: String,
    pub source: Source<'a>,
}

impl Recorder {
    pub fn new_step(&mut self) {
        self.budget = BUDGET_PER_STEP;
    }

    pub fn record(&mut self, store: &Store, ev: Ev<'_>) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let obj = ev.object;
        let uid = str_at(obj, &["metadata", "uid"]).to_string();
        let field_path = ev.field_path.clone().unwrap_or_default();
        let key: DedupKey = (
            uid.clone(),
            field_path.clone(),
            ev.reason.to_string(),
            ev.message.clone(),
        );
        let now = now();
        if let Some((ns, name)) = self.recent.get(&key) {
            let bumped = store.mutate(&EVENTS, ns, name, UpdateScope::All, |e| {
                let count = e["count"].as_i64().unwrap_or(1);
                e["count"] = json!(count + 1);
                e["lastTimestamp"] = json!(now);
                Ok(())
            });
            if bumped.is_ok() {
                return;
            }
        }
        let ns = match str_at(obj, &["metadata", "namespace"]) {
            "" => "default".to_string(),
            ns => ns.to_string(),
        };
        let name = format!("{}.{}", str_at(obj, &["metadata", "name"]), random_hex(16));
        let host = match ev.source {
            Source::Kubelet(node) => Some(node),
            _ => None,
        };
        let mut involved = json!({
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": obj["metadata"]["name"],
            "uid": uid,
            "resourceVersion": obj["metadata"]["resourceVersion"],
        });
        if !obj["metadata"]["namespace"].is_null() {
            involved["namespace"] = obj["metadata"]["namespace"].clone();
        }
        if let Some(fp) = &ev.field_path {
            involved["fieldPath"] = json!(fp);
        }
        let mut source = json!({"component": ev.source.component()});
        if let Some(h) = host {
            source["host"] = json!(h);
        }
        let event = json!({
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": involved,
            "reason": ev.reason,
            "message": ev.message,
            "type": if ev.warning { "Warning" } else { "Normal" },
            "source": source,
            "count": 1,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "eventTime": null,
            "reportingComponent": ev.source.component(),
            "reportingInstance": host.unwrap_or(""),
        });
        if store.create(&EVENTS, &ns, event).is_err() {
            return;
        }
        self.recent.insert(key.clone(), (ns.clone(), name.clone()));
        self.order.push_back((key, ns, name));
        while self.order.len() > MAX_EVENTS {
            if let Some((k, ns, name)) = self.order.pop_front() {
                self.recent.remove(&k);
                store.remove(&EVENTS, &ns, &name);
            }
        }
    }
}
