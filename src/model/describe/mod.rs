//! `kubectl describe`-like text, built from fetched objects. Pure: tested on fixtures.
//!
//! [`object`] dispatches on the object's kind to a describer that follows kubectl's own
//! (`k8s.io/kubectl/pkg/describe`) field order, labels and alignment; any other kind, CRDs
//! included, gets kubectl's generic field listing. What a description needs beyond the object
//! and its events (a Deployment's ReplicaSets, a Node's pods, a Service's endpoints) comes in
//! [`Related`], which `cluster::related` fetches.

mod containers;
mod core_kinds;
mod events;
mod generic;
mod network;
mod node;
mod pod;
mod secret;
mod text;
mod volumes;
mod workloads;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_kinds;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use events::event_time;
pub use secret::{mask_secret, reveal_secret};

/// What describing an object needs that is not in the object: plain objects as the API
/// returns them (JSON), fetched by `cluster::related`. Each describer picks what it needs and
/// filters it again (by owner, by Service), so a superset does no harm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Related {
    /// A Node's pods (all namespaces); a workload's or Job's pods; the pods of a
    /// PersistentVolumeClaim's namespace.
    pub pods: Vec<Value>,
    /// A Deployment's ReplicaSets.
    pub replica_sets: Vec<Value>,
    /// A Service's EndpointSlices; an Ingress's namespace's.
    pub endpoint_slices: Vec<Value>,
    /// An Ingress's namespace's Services.
    pub services: Vec<Value>,
}

/// The description of any object, kubectl-like; ages relative to `now`.
pub fn object(obj: &Value, events: &[Event], related: &Related, now: Timestamp) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(group, _)| group);
    let described = match (group, kind) {
        ("", "Secret") => return secret::describe(obj),
        ("", "ConfigMap") => return core_kinds::config_map(obj, events, now),
        ("", "Pod") => typed(obj).map(|p| pod::describe(&p, events, now)),
        ("", "Service") => typed(obj).map(|s| network::service(&s, events, related, now)),
        ("", "Node") => typed(obj).map(|n| node::describe(&n, events, related, now)),
        ("", "Namespace") => typed(obj).map(|n| core_kinds::namespace(&n)),
        ("", "PersistentVolumeClaim") => {
            typed(obj).map(|p| core_kinds::pvc(&p, events, related, now))
        }
        ("apps", "Deployment") => {
            typed(obj).map(|d| workloads::deployment(&d, events, related, now))
        }
        ("apps", "ReplicaSet") => {
            typed(obj).map(|r| workloads::replica_set(&r, events, related, now))
        }
        ("apps", "StatefulSet") => {
            typed(obj).map(|s| workloads::stateful_set(&s, events, related, now))
        }
        ("apps", "DaemonSet") => {
            typed(obj).map(|d| workloads::daemon_set(&d, events, related, now))
        }
        ("batch", "Job") => typed(obj).map(|j| workloads::job(&j, events, now)),
        ("batch", "CronJob") => typed(obj).map(|c| workloads::cron_job(&c, events, now)),
        ("networking.k8s.io", "Ingress") => {
            typed(obj).map(|i| network::ingress(obj, &i, events, related, now))
        }
        _ => None,
    };
    described.unwrap_or_else(|| generic::describe(obj, events, now))
}

/// A Pod's description (kubectl's `describePod`).
pub fn pod_at(pod: &Pod, events: &[Event], now: Timestamp) -> String {
    pod::describe(pod, events, now)
}

/// The object's metadata (empty when it has none that parses).
fn meta_of(obj: &Value) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
    obj.get("metadata")
        .and_then(|m| serde_json::from_value(m.clone()).ok())
        .unwrap_or_default()
}

/// The object as `T`, if it is one.
fn typed<T: DeserializeOwned>(obj: &Value) -> Option<T> {
    serde_json::from_value(obj.clone()).ok()
}

/// Whether `obj`'s controlling owner has this uid.
fn controlled_by(obj: &Value, uid: &str) -> bool {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|o| {
            o.get("controller").and_then(Value::as_bool) == Some(true)
                && o.get("uid").and_then(Value::as_str) == Some(uid)
        })
}
