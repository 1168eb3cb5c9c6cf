//! The StatefulSet controller: ordinal pods `<name>-0…N-1` created one at a time in
//! order (OrderedReady) or all at once (Parallel), removed from the highest ordinal,
//! ControllerRevisions for history, and a rolling update in reverse ordinal order that
//! honours `partition`.

use serde_json::{json, Value};

use super::daemonset::REVISION_HASH_LABEL;
use super::events::Source;
use super::util::{is_deleting, spec_replicas, str_at, uid_of, Key};
use super::Controllers;
use crate::defaults::apply_defaults;
use crate::resources::{PODS, STATEFULSETS};
use crate::store::{DeleteOptions, UpdateScope};

/// One pod of the set, as the controller needs it.
struct Member {
    ordinal: i64,
    name: String,
    ready: bool,
    terminating: bool,
    revision: String,
}

impl Controllers {
    pub(super) fn sync_statefulset(&mut self, key: &Key) {
        let Ok(stored) = self.store.get(&STATEFULSETS, &key.0, &key.1) else {
            return;
        };
        let sts = stored.value.clone();
        if is_deleting(&sts) {
            return;
        }
        let prefix = format!("{}-", key.1);
        let mut members: Vec<Member> = self
            .pods
            .owned_by(uid_of(&sts))
            .into_iter()
            .filter_map(|(k, p)| {
                let ordinal = k.1.strip_prefix(&prefix)?.parse().ok()?;
                Some(Member {
                    ordinal,
                    name: k.1.clone(),
                    ready: p.ready,
                    terminating: p.terminating,
                    revision: p
                        .labels
                        .get(REVISION_HASH_LABEL)
                        .cloned()
                        .unwrap_or_default(),
                })
            })
            .collect();
        members.sort_by_key(|m| m.ordinal);
        let live: Vec<String> = members.iter().map(|m| m.revision.clone()).collect();
        let Some(update) = self.sync_revisions(&sts, &live) else {
            return;
        };
        let replicas = spec_replicas(&sts);
        let parallel = sts["spec"]["podManagementPolicy"] == "Parallel";
        let mut blocked = false;
        for ordinal in 0..replicas {
            match members.iter().find(|m| m.ordinal == ordinal) {
                None => {
                    let pod = stateful_pod(&sts, ordinal, &update.name);
                    self.create_pod(&sts, pod, Source::StatefulSet);
                    if !parallel {
                        blocked = true;
                        break;
                    }
                }
                Some(m) if !m.ready || m.terminating => {
                    if !parallel {
                        blocked = true;
                        break;
                    }
                }
                Some(_) => {}
            }
        }
        let all_ready = members
            .iter()
            .filter(|m| m.ordinal < replicas)
            .all(|m| m.ready && !m.terminating);
        // Scale down from the highest ordinal, one at a time once the rest is healthy.
        let condemned: Vec<&Member> = members
            .iter()
            .rev()
            .filter(|m| m.ordinal >= replicas && !m.terminating)
            .collect();
        let terminating = members.iter().any(|m| m.terminating);
        if let Some(m) = condemned.first() {
            if parallel || (!blocked && all_ready && !terminating) {
                self.delete_stateful_pod(&sts, &m.name);
            }
        } else if !blocked && all_ready && !terminating {
            // Rolling update: the highest ordinal not yet at the update revision.
            let partition = sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
                .as_i64()
                .unwrap_or(0);
            let rolling = sts["spec"]["updateStrategy"]["type"] != "OnDelete";
            let outdated = members.iter().rev().find(|m| {
                m.ordinal < replicas && m.ordinal >= partition && m.revision != update.name
            });
            if let (true, Some(m)) = (rolling, outdated) {
                self.delete_stateful_pod(&sts, &m.name);
            }
        }
        self.update_statefulset_status(key, &sts, &members, &update.name);
    }

    fn delete_stateful_pod(&mut self, sts: &Value, name: &str) {
        let ns = str_at(sts, &["metadata", "namespace"]);
        if let Ok(pod) = self
            .store
            .delete(&PODS, ns, name, &DeleteOptions::default())
        {
            self.wrote_pod(&pod);
            let msg = format!(
                "delete Pod {name} in StatefulSet {} successful",
                str_at(sts, &["metadata", "name"])
            );
            self.normal(sts, Source::StatefulSet, "SuccessfulDelete", msg);
        }
    }

    fn update_statefulset_status(
        &mut self,
        key: &Key,
        sts: &Value,
        members: &[Member],
        update: &str,
    ) {
        let active: Vec<&Member> = members.iter().filter(|m| !m.terminating).collect();
        let ready = active.iter().filter(|m| m.ready).count();
        let mut current_revision = sts["status"]["currentRevision"]
            .as_str()
            .unwrap_or(update)
            .to_string();
        let updated = active.iter().filter(|m| m.revision == update).count();
        let mut current = active
            .iter()
            .filter(|m| m.revision == current_revision)
            .count();
        let replicas = usize::try_from(spec_replicas(sts)).unwrap_or(0);
        if updated == replicas && ready == replicas && active.len() == replicas {
            current_revision = update.to_string();
            current = updated;
        }
        let mut status = json!({
            "replicas": active.len(),
            "observedGeneration": sts["metadata"]["generation"],
            "currentRevision": current_revision,
            "updateRevision": update,
            "collisionCount": sts["status"]["collisionCount"].as_i64().unwrap_or(0),
            "availableReplicas": ready,
        });
        for (k, v) in [
            ("readyReplicas", ready),
            ("currentReplicas", current),
            ("updatedReplicas", updated),
        ] {
            if v > 0 {
                status[k] = json!(v);
            }
        }
        if sts["status"] != status {
            let _ = self
                .store
                .mutate(&STATEFULSETS, &key.0, &key.1, UpdateScope::All, |o| {
                    o["status"] = status;
                    Ok(())
                });
        }
    }
}

/// The pod for one ordinal, at the update revision.
fn stateful_pod(sts: &Value, ordinal: i64, revision: &str) -> Value {
    let name = format!("{}-{ordinal}", str_at(sts, &["metadata", "name"]));
    let template = &sts["spec"]["template"];
    let mut labels = template["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[REVISION_HASH_LABEL] = json!(revision);
    labels["statefulset.kubernetes.io/pod-name"] = json!(name);
    labels["apps.kubernetes.io/pod-index"] = json!(ordinal.to_string());
    let mut pod = json!({
        "metadata": {
            "name": name,
            "namespace": sts["metadata"]["namespace"],
            "labels": labels,
            "ownerReferences": [super::util::controller_ref(sts)],
        },
        "spec": template["spec"],
    });
    if let Some(a) = template["metadata"]["annotations"].as_object() {
        pod["metadata"]["annotations"] = json!(a);
    }
    pod["spec"]["hostname"] = json!(name);
    if let Some(svc) = sts["spec"]["serviceName"].as_str() {
        pod["spec"]["subdomain"] = json!(svc);
    }
    apply_defaults(&PODS, &mut pod);
    pod
}
