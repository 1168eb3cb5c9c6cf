//! Rollout history rows, as `kubectl rollout history` lists them (plus images, age and pods):
//! a Deployment's from its ReplicaSets, a StatefulSet's or DaemonSet's from ControllerRevisions.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ControllerRevision, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

use super::{
    change_cause, comparable_template, controlled_by, former_revisions, revision_of,
    template_images,
};

/// One revision of a workload, newest first in a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub revision: i64,
    /// `None` prints as `<none>`, like kubectl.
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    pub created: Option<Timestamp>,
    /// The revision the workload's template is at now.
    pub current: bool,
    /// The ReplicaSet's pods (current, ready); `None` for ControllerRevisions.
    pub pods: Option<(i32, i32)>,
    /// The ReplicaSet or ControllerRevision holding this revision.
    pub source: String,
    /// Numbers this ReplicaSet had before rollbacks reused it (`revision-history`).
    pub former: Vec<i64>,
}

impl RevisionRow {
    pub fn change_cause_text(&self) -> &str {
        self.change_cause.as_deref().unwrap_or("<none>")
    }
}

/// A ReplicaSet reduced to what the history pane needs; watch tasks keep these, not objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaSetRow {
    pub namespace: String,
    pub name: String,
    /// uid of the controller owner (the Deployment), if any.
    pub owner_uid: Option<String>,
    /// `None` when the revision annotation is unparsable (kubectl skips those).
    pub revision: Option<i64>,
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    pub created: Option<Timestamp>,
    pub replicas: i32,
    pub ready: i32,
    /// [`template_key`] of the template, to find the one matching the Deployment.
    pub template_key: u64,
    pub former: Vec<i64>,
}

impl ReplicaSetRow {
    pub fn from_replica_set(rs: &ReplicaSet) -> ReplicaSetRow {
        let meta = &rs.metadata;
        let template = rs.spec.as_ref().and_then(|s| s.template.as_ref());
        let status = rs.status.as_ref();
        ReplicaSetRow {
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
            owner_uid: meta.owner_references.as_ref().and_then(|refs| {
                refs.iter()
                    .find(|r| r.controller == Some(true))
                    .map(|r| r.uid.clone())
            }),
            revision: revision_of(meta),
            change_cause: change_cause(meta),
            images: template.map(template_images).unwrap_or_default(),
            created: meta.creation_timestamp.as_ref().map(|t| t.0),
            replicas: status.map(|s| s.replicas).unwrap_or(0),
            ready: status.and_then(|s| s.ready_replicas).unwrap_or(0),
            template_key: template.map(template_key).unwrap_or(0),
            former: former_revisions(meta),
        }
    }
}

/// A fingerprint of a pod template ignoring `pod-template-hash`: equal templates (in
/// kubectl's `equalIgnoreHash` sense) have equal keys.
pub fn template_key(template: &PodTemplateSpec) -> u64 {
    super::rows::value_key(&comparable_template(template))
}

/// The history of the Deployment with `deployment_uid` and template fingerprint
/// `current_key`, from ReplicaSet rows (others' rows are ignored), newest first.
///
/// Like kubectl, a revision number held by two ReplicaSets shows once, and the "current"
/// revision is the oldest ReplicaSet whose template matches the Deployment's.
pub fn history_from_rows(
    deployment_uid: &str,
    current_key: u64,
    rows: &[ReplicaSetRow],
) -> Vec<RevisionRow> {
    let mut owned: Vec<&ReplicaSetRow> = rows
        .iter()
        .filter(|r| r.owner_uid.as_deref() == Some(deployment_uid))
        .collect();
    owned.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
    let current_name = owned
        .iter()
        .find(|r| r.template_key == current_key)
        .map(|r| r.name.clone());
    let mut by_revision: BTreeMap<i64, RevisionRow> = BTreeMap::new();
    for rs in owned {
        let Some(revision) = rs.revision else {
            continue;
        };
        by_revision.insert(
            revision,
            RevisionRow {
                revision,
                change_cause: rs.change_cause.clone(),
                images: rs.images.clone(),
                created: rs.created,
                current: current_name.as_deref() == Some(rs.name.as_str()),
                pods: Some((rs.replicas, rs.ready)),
                source: rs.name.clone(),
                former: rs.former.clone(),
            },
        );
    }
    by_revision.into_values().rev().collect()
}

/// The history of a Deployment from its ReplicaSets (those it does not control are ignored).
pub fn deployment_history(
    deployment: &Deployment,
    replica_sets: &[ReplicaSet],
) -> Vec<RevisionRow> {
    let uid = deployment.metadata.uid.clone().unwrap_or_default();
    let key = deployment
        .spec
        .as_ref()
        .map(|s| template_key(&s.template))
        .unwrap_or(0);
    let rows: Vec<ReplicaSetRow> = replica_sets
        .iter()
        .map(ReplicaSetRow::from_replica_set)
        .collect();
    history_from_rows(&uid, key, &rows)
}

/// The pod template stored in a ControllerRevision's data (`spec.template`, `$patch` removed).
pub fn revision_template(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut template = revision.data.as_ref()?.0.pointer("/spec/template")?.clone();
    if let Some(map) = template.as_object_mut() {
        map.remove("$patch");
    }
    serde_json::from_value(template).ok()
}

/// The patch kubectl compares with a ControllerRevision's data to decide whether a
/// StatefulSet or DaemonSet is already at that revision, and which restores it:
/// `{"spec":{"template":{…,"$patch":"replace"}}}`.
pub fn revision_patch(template: &PodTemplateSpec) -> Value {
    let mut template = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Some(map) = template.as_object_mut() {
        map.insert("$patch".into(), Value::String("replace".into()));
    }
    serde_json::json!({ "spec": { "template": template } })
}

/// Whether a ControllerRevision holds exactly the template patch `current_patch`
/// (kubectl compares bytes; comparing the parsed JSON, empties dropped, is the same test
/// without depending on field order).
pub fn revision_matches(revision: &ControllerRevision, current_patch: &Value) -> bool {
    let Some(data) = revision.data.as_ref() else {
        return false;
    };
    let mut stored = data.0.clone();
    let mut current = current_patch.clone();
    super::prune_empty(&mut stored);
    super::prune_empty(&mut current);
    stored == current
}

/// The ControllerRevisions controlled by the object with `owner_uid`, sorted by revision.
pub fn owned_revisions<'a>(
    owner_uid: &str,
    revisions: &'a [ControllerRevision],
) -> Vec<&'a ControllerRevision> {
    let mut owned: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| controlled_by(&r.metadata, owner_uid))
        .collect();
    owned.sort_by_key(|r| r.revision);
    owned
}

/// The history of a StatefulSet or DaemonSet (uid `owner_uid`, current template
/// `template`) from its ControllerRevisions, newest first.
pub fn revision_history(
    owner_uid: &str,
    template: &PodTemplateSpec,
    revisions: &[ControllerRevision],
) -> Vec<RevisionRow> {
    let current_patch = revision_patch(template);
    let owned = owned_revisions(owner_uid, revisions);
    // The newest matching revision is the current one (older duplicates can linger).
    let current = owned
        .iter()
        .rev()
        .find(|r| revision_matches(r, &current_patch))
        .map(|r| r.revision);
    let mut by_revision: BTreeMap<i64, RevisionRow> = BTreeMap::new();
    for cr in owned {
        let template = revision_template(cr);
        by_revision.insert(
            cr.revision,
            RevisionRow {
                revision: cr.revision,
                change_cause: change_cause(&cr.metadata),
                images: template.as_ref().map(template_images).unwrap_or_default(),
                created: cr.metadata.creation_timestamp.as_ref().map(|t| t.0),
                current: current == Some(cr.revision),
                pods: None,
                source: cr.metadata.name.clone().unwrap_or_default(),
                former: Vec::new(),
            },
        );
    }
    by_revision.into_values().rev().collect()
}
