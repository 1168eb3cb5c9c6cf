//! ControllerRevisions for StatefulSets and DaemonSets: one per distinct pod template,
//! named `<owner>-<hash>`, labelled with the template's labels and
//! `controller.kubernetes.io/hash`, holding the template as the patch kubectl's
//! `rollout undo` applies (`{"spec":{"template":{…,"$patch":"replace"}}}`). A template
//! that returns to an earlier revision reuses it, renumbered as the newest.

use serde_json::{json, Value};

use super::util::{compute_hash, controller_ref, controller_uid, str_at, uid_of};
use super::Controllers;
use crate::resources::CONTROLLER_REVISIONS;
use crate::store::{DeleteOptions, UpdateScope};

pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// The revision the owner's current template corresponds to.
pub struct UpdateRevision {
    pub name: String,
    pub hash: String,
}

/// The patch a ControllerRevision stores for the owner's current template.
pub fn template_patch(owner: &Value) -> Value {
    let mut template = super::util::without_nulls(&owner["spec"]["template"]);
    // Go writes a zero `metadata.creationTimestamp` as null, and `kubectl rollout undo`
    // compares its own (Go-encoded) patch with this data byte for byte.
    template["metadata"]["creationTimestamp"] = Value::Null;
    template["$patch"] = json!("replace");
    json!({"spec": {"template": template}})
}

impl Controllers {
    /// Finds or creates the revision of `owner`'s template, and prunes unused old ones
    /// beyond `revisionHistoryLimit` (`live` names revisions still used by pods).
    pub(super) fn sync_revisions(
        &mut self,
        owner: &Value,
        live: &[String],
    ) -> Option<UpdateRevision> {
        let ns = str_at(owner, &["metadata", "namespace"]).to_string();
        let kind = str_at(owner, &["kind"]).to_string();
        let (all, _) = self.store.list(&CONTROLLER_REVISIONS, Some(&ns));
        let mut revisions: Vec<Value> = all
            .iter()
            .filter(|cr| controller_uid(&cr.value, &kind) == Some(uid_of(owner)))
            .map(|cr| cr.value.clone())
            .collect();
        revisions.sort_by_key(|cr| cr["revision"].as_i64().unwrap_or(0));
        let data = template_patch(owner);
        let max = revisions
            .last()
            .and_then(|cr| cr["revision"].as_i64())
            .unwrap_or(0);
        let equal = revisions.iter().rposition(|cr| {
            super::util::without_nulls(&cr["data"]) == super::util::without_nulls(&data)
        });
        let update = match equal {
            Some(i) => {
                let cr = &revisions[i];
                let name = str_at(cr, &["metadata", "name"]).to_string();
                let hash = str_at(cr, &["metadata", "labels", HASH_LABEL]).to_string();
                if i + 1 != revisions.len() {
                    let number = max + 1;
                    let _ = self.store.mutate(
                        &CONTROLLER_REVISIONS,
                        &ns,
                        &name,
                        UpdateScope::All,
                        |o| {
                            o["revision"] = json!(number);
                            Ok(())
                        },
                    );
                }
                UpdateRevision { name, hash }
            }
            None => {
                let collisions = owner["status"]["collisionCount"].as_i64();
                let hash = compute_hash(&data, collisions);
                let name = format!("{}-{hash}", str_at(owner, &["metadata", "name"]));
                let mut labels = owner["spec"]["template"]["metadata"]["labels"].clone();
                if !labels.is_object() {
                    labels = json!({});
                }
                labels[HASH_LABEL] = json!(hash);
                let mut cr = json!({
                    "metadata": {"name": name, "namespace": ns, "labels": labels,
                        "ownerReferences": [controller_ref(owner)]},
                    "data": data,
                    "revision": max + 1,
                });
                if let Some(a) = owner["metadata"]["annotations"].as_object() {
                    cr["metadata"]["annotations"] = json!(a);
                }
                self.store.create(&CONTROLLER_REVISIONS, &ns, cr).ok()?;
                UpdateRevision { name, hash }
            }
        };
        let limit = owner["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10);
        let unused: Vec<String> = revisions
            .iter()
            .map(|cr| str_at(cr, &["metadata", "name"]).to_string())
            .filter(|n| *n != update.name && !live.contains(n))
            .collect();
        let excess = unused
            .len()
            .saturating_sub(usize::try_from(limit).unwrap_or(0));
        for name in unused.into_iter().take(excess) {
            let _ = self
                .store
                .delete(&CONTROLLER_REVISIONS, &ns, &name, &DeleteOptions::default());
        }
        Some(update)
    }
}
