//! Decisions and patches, as data: what `kubectl rollout undo|restart|pause|resume` and
//! `kubectl scale` would send, made conditional where a concurrent change must not be lost.
//!
//! A rollback is planned from what the user saw (a [`DeploymentView`] or [`RevisionedView`]
//! fetched when the confirmation opened) and carries that view's resourceVersion as a
//! precondition: a JSON-patch `test` op for Deployments, `metadata.resourceVersion` in the
//! body of the strategic-merge patch for StatefulSets and DaemonSets (the apiserver refuses
//! such a patch with 409 Conflict when the object has moved on).

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ControllerRevision, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{json, Value};

use super::diff::{template_diff, TemplateChange};
use super::history::{owned_revisions, revision_matches, revision_patch, revision_template};
use super::{
    annotations_of, change_cause, controlled_by, revision_of, template_images,
    templates_equal_ignoring_hash, Outcome, Workload, POD_TEMPLATE_HASH_LABEL,
    RESTARTED_AT_ANNOTATION,
};

/// Deployment annotations a rollback keeps from the Deployment instead of copying them
/// from the ReplicaSet (kubectl's `annotationsToSkip`).
pub const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deprecated.deployment.rollback.to",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
];

/// A Deployment and the ReplicaSets it controls, as fetched when the user looked.
#[derive(Debug, Clone)]
pub struct DeploymentView {
    pub deployment: Deployment,
    pub replica_sets: Vec<ReplicaSet>,
}

/// A StatefulSet or DaemonSet and its ControllerRevisions, as fetched when the user looked.
#[derive(Debug, Clone)]
pub struct RevisionedView {
    pub kind: Workload,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub template: PodTemplateSpec,
    pub revisions: Vec<ControllerRevision>,
}

/// A patch body and its content type.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchBody {
    Json(Value),
    Strategic(Value),
    Merge(Value),
}

impl PatchBody {
    /// Makes the server refuse the patch unless the object still has `uid`: a JSON patch
    /// tests the field first; a merge or strategic patch carries it, which the API server
    /// treats as a precondition (409 "Precondition failed: UID in precondition").
    pub fn require_uid(&mut self, uid: &str) {
        match self {
            PatchBody::Json(Value::Array(ops)) => {
                ops.insert(
                    0,
                    json!({"op": "test", "path": "/metadata/uid", "value": uid}),
                );
            }
            PatchBody::Json(_) => {}
            PatchBody::Strategic(body) | PatchBody::Merge(body) => {
                if let Some(map) = body.as_object_mut() {
                    let meta = map.entry("metadata").or_insert_with(|| json!({}));
                    if let Some(meta) = meta.as_object_mut() {
                        meta.insert("uid".into(), json!(uid));
                    }
                }
            }
        }
    }
}

/// A rollback ready to confirm: what it restores, what changes, and the patch to send.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPatch {
    pub kind: Workload,
    pub namespace: String,
    pub name: String,
    pub to_revision: i64,
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    /// Current template → the revision's template.
    pub diff: Vec<TemplateChange>,
    /// The resourceVersion the plan was made from (the patch's precondition).
    pub resource_version: String,
    pub body: PatchBody,
}

/// What `rollout undo --to-revision=N` decides before sending anything.
#[derive(Debug, Clone, PartialEq)]
pub enum RollbackPlan {
    Patch(Box<PlannedPatch>),
    /// The template already matches: kubectl's "skipped rollback (…)".
    Skip(String),
    /// kubectl refuses: unknown revision, no history, paused.
    Refuse(String),
}

fn not_found(revision: i64) -> RollbackPlan {
    RollbackPlan::Refuse(format!(
        "unable to find specified revision {revision} in history"
    ))
}

fn skipped(revision: i64) -> RollbackPlan {
    RollbackPlan::Skip(format!(
        "skipped rollback (current template already matches revision {revision})"
    ))
}

/// `kubectl rollout undo deployment/NAME --to-revision=N` (0 = the previous revision).
pub fn plan_deployment_rollback(view: &DeploymentView, to_revision: i64) -> RollbackPlan {
    if to_revision < 0 {
        return not_found(to_revision);
    }
    let deployment = &view.deployment;
    let meta = &deployment.metadata;
    let name = meta.name.clone().unwrap_or_default();
    let uid = meta.uid.clone().unwrap_or_default();
    let owned: Vec<&ReplicaSet> = view
        .replica_sets
        .iter()
        .filter(|rs| controlled_by(&rs.metadata, &uid))
        .collect();
    let Some((revision, rs)) = find_replica_set(&owned, to_revision) else {
        return if to_revision == 0 {
            RollbackPlan::Refuse(format!("no rollout history found for deployment {name:?}"))
        } else {
            not_found(to_revision)
        };
    };
    let spec = deployment.spec.clone().unwrap_or_default();
    if spec.paused.unwrap_or(false) {
        return RollbackPlan::Refuse(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
                .into(),
        );
    }
    let mut template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    if templates_equal_ignoring_hash(&template, &spec.template) {
        return skipped(revision);
    }
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
    }
    let annotations = rollback_annotations(&annotations_of(meta), &annotations_of(&rs.metadata));
    let resource_version = meta.resource_version.clone().unwrap_or_default();
    let body = PatchBody::Json(json!([
        { "op": "test", "path": "/metadata/resourceVersion", "value": resource_version },
        { "op": "replace", "path": "/spec/template", "value": template },
        { "op": "replace", "path": "/metadata/annotations", "value": annotations },
    ]));
    RollbackPlan::Patch(Box::new(PlannedPatch {
        kind: Workload::Deployment,
        namespace: meta.namespace.clone().unwrap_or_default(),
        name,
        to_revision: revision,
        change_cause: change_cause(&rs.metadata),
        images: template_images(&template),
        diff: template_diff(&spec.template, &template),
        resource_version,
        body,
    }))
}

/// kubectl's `deploymentRevision`: revision N, or for 0 the second-highest revision.
fn find_replica_set<'a>(
    owned: &[&'a ReplicaSet],
    to_revision: i64,
) -> Option<(i64, &'a ReplicaSet)> {
    let numbered = owned
        .iter()
        .filter_map(|rs| revision_of(&rs.metadata).map(|v| (v, *rs)));
    if to_revision > 0 {
        return numbered.into_iter().find(|(v, _)| *v == to_revision);
    }
    let mut latest: Option<(i64, &ReplicaSet)> = None;
    let mut previous: Option<(i64, &ReplicaSet)> = None;
    for (v, rs) in numbered {
        if latest.is_none_or(|(l, _)| l < v) {
            previous = latest;
            latest = Some((v, rs));
        } else if previous.is_none_or(|(p, _)| p < v) {
            previous = Some((v, rs));
        }
    }
    previous
}

/// The Deployment's own values of the skip-list annotations, plus every other annotation
/// of the ReplicaSet (its change-cause among them).
pub fn rollback_annotations(
    deployment: &BTreeMap<String, String>,
    replica_set: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = deployment
        .iter()
        .filter(|(k, _)| ANNOTATIONS_TO_SKIP.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.extend(
        replica_set
            .iter()
            .filter(|(k, _)| !ANNOTATIONS_TO_SKIP.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    out
}

/// `kubectl rollout undo statefulset|daemonset/NAME --to-revision=N`.
pub fn plan_revision_rollback(view: &RevisionedView, to_revision: i64) -> RollbackPlan {
    if to_revision < 0 {
        return not_found(to_revision);
    }
    let owned = owned_revisions(&view.uid, &view.revisions);
    if to_revision == 0 && owned.len() <= 1 {
        return RollbackPlan::Refuse("no last revision to roll back to".into());
    }
    let target = if to_revision == 0 {
        owned.get(owned.len().saturating_sub(2)).copied()
    } else {
        owned.iter().copied().find(|r| r.revision == to_revision)
    };
    let Some(target) = target else {
        return not_found(to_revision);
    };
    if revision_matches(target, &revision_patch(&view.template)) {
        return skipped(target.revision);
    }
    let Some(mut body) = target
        .data
        .as_ref()
        .map(|d| d.0.clone())
        .filter(Value::is_object)
    else {
        return RollbackPlan::Refuse(format!(
            "revision {} has no data to restore",
            target.revision
        ));
    };
    if let Some(map) = body.as_object_mut() {
        map.insert(
            "metadata".into(),
            json!({ "resourceVersion": view.resource_version }),
        );
    }
    let template = revision_template(target).unwrap_or_default();
    RollbackPlan::Patch(Box::new(PlannedPatch {
        kind: view.kind,
        namespace: view.namespace.clone(),
        name: view.name.clone(),
        to_revision: target.revision,
        change_cause: change_cause(&target.metadata),
        images: template_images(&template),
        diff: template_diff(&view.template, &template),
        resource_version: view.resource_version.clone(),
        body: PatchBody::Strategic(body),
    }))
}

/// The other rollout actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Restart {
        at: Timestamp,
    },
    /// `seen` is the replica count the user saw: the patch only applies if it is unchanged.
    Scale {
        replicas: i32,
        seen: Option<i32>,
    },
    Pause,
    Resume,
}

/// A restart, scale, pause or resume ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePlan {
    pub kind: Workload,
    pub namespace: String,
    pub name: String,
    pub body: PatchBody,
    /// kubectl's success message, e.g. `deployment.apps/web restarted`.
    pub done: String,
}

/// What kubectl would send for `change` on a workload that is `paused` or not, or the
/// outcome kubectl gives without sending anything.
pub fn plan_change(
    kind: Workload,
    namespace: &str,
    name: &str,
    paused: bool,
    change: &Change,
) -> Result<ChangePlan, Outcome> {
    let is_deployment = kind == Workload::Deployment;
    let (body, verb) = match change {
        Change::Restart { at } => {
            if is_deployment && paused {
                return Err(Outcome::Refused(
                    "can't restart paused deployment (run rollout resume first)".into(),
                ));
            }
            let stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
            let body = json!({"spec": {"template": {"metadata": {"annotations": {
                RESTARTED_AT_ANNOTATION: stamp
            }}}}});
            (PatchBody::Strategic(body), "restarted")
        }
        Change::Scale { replicas, seen } => {
            if kind == Workload::DaemonSet {
                return Err(Outcome::Refused(format!(
                    "{} {name:?} cannot be scaled: a daemon set runs one pod per node",
                    kind.plural()
                )));
            }
            if *replicas < 0 {
                return Err(Outcome::Refused(
                    "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
                        .into(),
                ));
            }
            let mut ops = Vec::new();
            if let Some(seen) = seen {
                ops.push(json!({"op": "test", "path": "/spec/replicas", "value": seen}));
            }
            ops.push(json!({"op": "replace", "path": "/spec/replicas", "value": replicas}));
            (PatchBody::Json(Value::Array(ops)), "scaled")
        }
        Change::Pause | Change::Resume => {
            if !is_deployment {
                return Err(Outcome::Refused(format!(
                    "{} {name:?} pausing is not supported",
                    kind.plural()
                )));
            }
            let pause = *change == Change::Pause;
            if pause && paused {
                return Err(Outcome::Skipped(format!(
                    "{} {name:?} is already paused",
                    kind.plural()
                )));
            }
            if !pause && !paused {
                return Err(Outcome::Skipped(format!(
                    "{} {name:?} is not paused",
                    kind.plural()
                )));
            }
            let body = PatchBody::Strategic(json!({"spec": {"paused": pause}}));
            (body, if pause { "paused" } else { "resumed" })
        }
    };
    Ok(ChangePlan {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        body,
        done: format!("{}/{name} {verb}", kind.singular()),
    })
}
