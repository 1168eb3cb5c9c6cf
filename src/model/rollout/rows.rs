//! Compact rows for the workload views and their live history: what watch tasks send
//! instead of Deployments, StatefulSets, DaemonSets and ControllerRevisions.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, Deployment, StatefulSet};
use serde_json::Value;

use super::history::{revision_patch, revision_template, template_key, RevisionRow};
use super::status::{daemonset_status, deployment_status, statefulset_status};
use super::{change_cause, prune_empty, template_images, Workload};

/// A Deployment, StatefulSet or DaemonSet reduced to its table columns and what the
/// history pane needs to find its revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRow {
    pub kind: Workload,
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    pub uid: Arc<str>,
    /// Desired pods (DaemonSet: desired number scheduled).
    pub desired: i32,
    /// Pods that exist (DaemonSet: current number scheduled).
    pub current: i32,
    pub ready: i32,
    pub up_to_date: i32,
    pub available: i32,
    pub created: Option<Timestamp>,
    /// Container images, comma separated.
    pub images: Arc<str>,
    pub paused: bool,
    /// kubectl's rollout status line.
    pub status: Arc<str>,
    /// Neither done nor failed.
    pub progressing: bool,
    pub failed: bool,
    /// Deployment: [`template_key`] of its template; StatefulSet/DaemonSet: [`value_key`]
    /// of the revision patch of its template (compares with [`RevisionDataRow::data_key`]).
    pub template_key: u64,
}

impl WorkloadRow {
    pub fn from_deployment(d: &Deployment) -> WorkloadRow {
        let spec = d.spec.clone().unwrap_or_default();
        let status = d.status.clone().unwrap_or_default();
        let rollout = deployment_status(d);
        WorkloadRow {
            kind: Workload::Deployment,
            desired: spec.replicas.unwrap_or(1),
            current: status.replicas.unwrap_or(0),
            ready: status.ready_replicas.unwrap_or(0),
            up_to_date: status.updated_replicas.unwrap_or(0),
            available: status.available_replicas.unwrap_or(0),
            images: template_images(&spec.template).join(",").into(),
            paused: spec.paused.unwrap_or(false),
            status: rollout.line().into(),
            progressing: rollout.in_progress(),
            failed: rollout.failed,
            template_key: template_key(&spec.template),
            ..base(Workload::Deployment, &d.metadata)
        }
    }

    pub fn from_statefulset(s: &StatefulSet) -> WorkloadRow {
        let spec = s.spec.clone().unwrap_or_default();
        let status = s.status.clone().unwrap_or_default();
        let rollout = statefulset_status(s);
        WorkloadRow {
            desired: spec.replicas.unwrap_or(1),
            current: status.replicas,
            ready: status.ready_replicas.unwrap_or(0),
            up_to_date: status.updated_replicas.unwrap_or(0),
            available: status.available_replicas.unwrap_or(0),
            images: template_images(&spec.template).join(",").into(),
            status: rollout.line().into(),
            progressing: rollout.in_progress(),
            failed: rollout.failed,
            template_key: value_key(&revision_patch(&spec.template)),
            ..base(Workload::StatefulSet, &s.metadata)
        }
    }

    pub fn from_daemonset(d: &DaemonSet) -> WorkloadRow {
        let spec = d.spec.clone().unwrap_or_default();
        let status = d.status.clone().unwrap_or_default();
        let rollout = daemonset_status(d);
        WorkloadRow {
            desired: status.desired_number_scheduled,
            current: status.current_number_scheduled,
            ready: status.number_ready,
            up_to_date: status.updated_number_scheduled.unwrap_or(0),
            available: status.number_available.unwrap_or(0),
            images: template_images(&spec.template).join(",").into(),
            status: rollout.line().into(),
            progressing: rollout.in_progress(),
            failed: rollout.failed,
            template_key: value_key(&revision_patch(&spec.template)),
            ..base(Workload::DaemonSet, &d.metadata)
        }
    }
}

fn base(
    kind: Workload,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> WorkloadRow {
    WorkloadRow {
        kind,
        namespace: meta.namespace.as_deref().unwrap_or_default().into(),
        name: meta.name.as_deref().unwrap_or_default().into(),
        uid: meta.uid.as_deref().unwrap_or_default().into(),
        desired: 0,
        current: 0,
        ready: 0,
        up_to_date: 0,
        available: 0,
        created: meta.creation_timestamp.as_ref().map(|t| t.0),
        images: "".into(),
        paused: false,
        status: "".into(),
        progressing: false,
        failed: false,
        template_key: 0,
    }
}

/// A ControllerRevision reduced to its history row and a fingerprint of its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionDataRow {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    pub owner_uid: Option<Arc<str>>,
    pub revision: i64,
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    pub created: Option<Timestamp>,
    pub data_key: u64,
}

impl RevisionDataRow {
    pub fn from_controller_revision(cr: &ControllerRevision) -> RevisionDataRow {
        let meta = &cr.metadata;
        RevisionDataRow {
            namespace: meta.namespace.as_deref().unwrap_or_default().into(),
            name: meta.name.as_deref().unwrap_or_default().into(),
            owner_uid: meta.owner_references.as_ref().and_then(|refs| {
                refs.iter()
                    .find(|r| r.controller == Some(true))
                    .map(|r| r.uid.as_str().into())
            }),
            revision: cr.revision,
            change_cause: change_cause(meta),
            images: revision_template(cr)
                .as_ref()
                .map(template_images)
                .unwrap_or_default(),
            created: meta.creation_timestamp.as_ref().map(|t| t.0),
            data_key: cr.data.as_ref().map(|d| value_key(&d.0)).unwrap_or(0),
        }
    }
}

/// The history of a StatefulSet or DaemonSet from ControllerRevision rows, newest first.
pub fn history_from_revision_rows(
    owner: &WorkloadRow,
    rows: &[RevisionDataRow],
) -> Vec<RevisionRow> {
    let mut owned: Vec<&RevisionDataRow> = rows
        .iter()
        .filter(|r| r.owner_uid.as_deref() == Some(&*owner.uid))
        .collect();
    owned.sort_by_key(|r| r.revision);
    let current = owned
        .iter()
        .rev()
        .find(|r| r.data_key == owner.template_key)
        .map(|r| r.revision);
    let by_revision: BTreeMap<i64, RevisionRow> = owned
        .into_iter()
        .map(|r| {
            let row = RevisionRow {
                revision: r.revision,
                change_cause: r.change_cause.clone(),
                images: r.images.clone(),
                created: r.created,
                current: current == Some(r.revision),
                pods: None,
                source: r.name.to_string(),
                former: Vec::new(),
            };
            (r.revision, row)
        })
        .collect();
    by_revision.into_values().rev().collect()
}

/// A fingerprint of a JSON value with empties dropped and keys in sorted order, so the same
/// content parsed from the server or serialized from a typed object has the same key.
pub fn value_key(value: &Value) -> u64 {
    let mut pruned = value.clone();
    prune_empty(&mut pruned);
    let mut canonical = String::new();
    write_canonical(&pruned, &mut canonical);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut hasher);
    hasher.finish()
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Conversions with the signatures the watch tasks take (`cluster::watch::spawn`).
pub mod convert {
    use k8s_openapi::api::apps::v1::{
        ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
    };
    use kube::Resource;

    use super::{RevisionDataRow, WorkloadRow};
    use crate::model::convert::Interner;
    use crate::model::rollout::history::ReplicaSetRow;
    use crate::model::rows::RowKey;

    pub fn deployment_row(d: &Deployment, _: &mut Interner) -> Option<WorkloadRow> {
        Some(WorkloadRow::from_deployment(d))
    }

    pub fn statefulset_row(s: &StatefulSet, _: &mut Interner) -> Option<WorkloadRow> {
        Some(WorkloadRow::from_statefulset(s))
    }

    pub fn daemonset_row(d: &DaemonSet, _: &mut Interner) -> Option<WorkloadRow> {
        Some(WorkloadRow::from_daemonset(d))
    }

    pub fn replica_set_row(rs: &ReplicaSet, _: &mut Interner) -> Option<ReplicaSetRow> {
        Some(ReplicaSetRow::from_replica_set(rs))
    }

    pub fn revision_row(cr: &ControllerRevision, _: &mut Interner) -> Option<RevisionDataRow> {
        Some(RevisionDataRow::from_controller_revision(cr))
    }

    /// The row key of any namespaced object.
    pub fn object_key<K: Resource>(obj: &K) -> Option<RowKey> {
        let meta = obj.meta();
        Some(RowKey::namespaced(
            meta.namespace.as_deref().unwrap_or_default(),
            meta.name.as_deref()?,
        ))
    }
}
