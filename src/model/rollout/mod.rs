//! Rollout history, status and rollback for Deployments, StatefulSets and DaemonSets, with
//! kubectl's semantics (`kubectl rollout history|status|undo|restart|pause|resume`, `scale`).
//!
//! The pure parts (history rows, template diff, status text, rollback decision and patches)
//! work on k8s-openapi objects and are tested without a cluster; `cluster::rollout::api` does the I/O.
//! One improvement over kubectl: every rollback patch is conditional on the object not having
//! changed since the user looked at it, so a concurrent change is reported, never overwritten.

pub mod diff;
pub mod effects;
pub mod history;
pub mod plan;
pub mod rows;
pub mod status;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;

pub use diff::{template_diff, TemplateChange};
pub use history::{deployment_history, revision_history, RevisionRow};
pub use plan::{PatchBody, PlannedPatch, RollbackPlan};
pub use status::{deployment_status, RolloutStatus};

/// The ReplicaSet annotation holding a Deployment revision number.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// Former revision numbers of a ReplicaSet that was reused by a rollback (comma separated).
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
/// The label the Deployment controller adds to each ReplicaSet's template.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

/// The kinds that have a rollout history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl Workload {
    /// kubectl's `resource.group` in messages such as `deployment.apps/web rolled back`.
    pub fn singular(self) -> &'static str {
        match self {
            Workload::Deployment => "deployment.apps",
            Workload::StatefulSet => "statefulset.apps",
            Workload::DaemonSet => "daemonset.apps",
        }
    }

    /// kubectl's plural form, used in errors such as `deployments.apps "web" is not paused`.
    pub fn plural(self) -> &'static str {
        match self {
            Workload::Deployment => "deployments.apps",
            Workload::StatefulSet => "statefulsets.apps",
            Workload::DaemonSet => "daemonsets.apps",
        }
    }
}

/// What happened when rkt tried to change a workload, with a kubectl-like message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The template of revision `to` was restored.
    RolledBack { to: i64, message: String },
    /// A restart, scale, pause or resume was applied.
    Done(String),
    /// Nothing to do (the template already matches, already paused …).
    Skipped(String),
    /// kubectl would refuse too (paused Deployment, unknown revision …).
    Refused(String),
    /// The object changed since the user looked; nothing was written.
    Conflict(String),
    /// The cluster answered with an error.
    Error(String),
}

impl Outcome {
    pub fn message(&self) -> &str {
        match self {
            Outcome::RolledBack { message, .. }
            | Outcome::Done(message)
            | Outcome::Skipped(message)
            | Outcome::Refused(message)
            | Outcome::Conflict(message)
            | Outcome::Error(message) => message,
        }
    }

    /// True when the cluster was changed.
    pub fn changed(&self) -> bool {
        matches!(self, Outcome::RolledBack { .. } | Outcome::Done(_))
    }
}

/// The revision number of a ReplicaSet, as kubectl reads it: a missing annotation is 0,
/// an unparsable one is `None` (kubectl skips such ReplicaSets).
pub fn revision_of(meta: &ObjectMeta) -> Option<i64> {
    match annotation(meta, REVISION_ANNOTATION) {
        None => Some(0),
        Some(v) => v.trim().parse().ok(),
    }
}

pub fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

/// The change-cause annotation, `None` when missing or empty (kubectl prints `<none>`).
pub fn change_cause(meta: &ObjectMeta) -> Option<String> {
    annotation(meta, CHANGE_CAUSE_ANNOTATION)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

/// Whether `meta` has a controller owner reference to the object with `owner_uid`
/// (kubectl's `metav1.IsControlledBy`).
pub fn controlled_by(meta: &ObjectMeta, owner_uid: &str) -> bool {
    meta.owner_references.as_ref().is_some_and(|refs| {
        refs.iter()
            .any(|r| r.controller == Some(true) && r.uid == owner_uid)
    })
}

/// A label selector in the query-string syntax (`app=web,tier in (a,b)`), for list calls.
pub fn selector_query(selector: &LabelSelector) -> String {
    let mut parts = Vec::new();
    if let Some(labels) = &selector.match_labels {
        parts.extend(labels.iter().map(|(k, v)| format!("{k}={v}")));
    }
    for expr in selector.match_expressions.iter().flatten() {
        let values = expr.values.clone().unwrap_or_default().join(",");
        match expr.operator.as_str() {
            "In" => parts.push(format!("{} in ({values})", expr.key)),
            "NotIn" => parts.push(format!("{} notin ({values})", expr.key)),
            "Exists" => parts.push(expr.key.clone()),
            "DoesNotExist" => parts.push(format!("!{}", expr.key)),
            _ => {}
        }
    }
    parts.join(",")
}

/// The container images of a pod template, in container order.
pub fn template_images(template: &PodTemplateSpec) -> Vec<String> {
    template
        .spec
        .as_ref()
        .map(|spec| {
            spec.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// A pod template as JSON in the form used for comparisons: `pod-template-hash` removed, and
/// nulls, empty maps and empty lists dropped (Go's semantic equality treats empty as unset).
pub fn comparable_template(template: &PodTemplateSpec) -> Value {
    let mut value = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Some(labels) = value
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
    }
    prune_empty(&mut value);
    value
}

/// kubectl's `equalIgnoreHash`: two templates are equal apart from `pod-template-hash`.
pub fn templates_equal_ignoring_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    comparable_template(a) == comparable_template(b)
}

/// Removes nulls, empty objects and empty arrays, recursively.
pub fn prune_empty(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                prune_empty(v);
            }
            map.retain(|_, v| !is_empty(v));
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                prune_empty(v);
            }
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Parses `deployment.kubernetes.io/revision-history` ("1,3") into numbers.
pub fn former_revisions(meta: &ObjectMeta) -> Vec<i64> {
    annotation(meta, REVISION_HISTORY_ANNOTATION)
        .map(|h| h.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// Annotations as an owned map (empty when unset).
pub fn annotations_of(meta: &ObjectMeta) -> BTreeMap<String, String> {
    meta.annotations.clone().unwrap_or_default()
}
