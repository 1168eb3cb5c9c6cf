//! The Deployment controller, as kube-controller-manager's on every observable point:
//! ReplicaSets named `<deployment>-<pod-template-hash>`, revision numbering with reuse
//! and `revision-history`, annotations copied with the controller's skip list, rolling
//! and recreate rollouts, paused deployments, proportional scaling, history cleanup.
//! The arithmetic and the status/conditions are in `rollout.rs`.

use serde_json::{json, Map, Value};

use super::events::Source;
use super::util::{
    compute_hash, controller_ref, controller_uid, is_deleting, spec_replicas, str_at,
    template_without_hash, uid_of, Key, POD_TEMPLATE_HASH,
};
use super::Controllers;
use crate::defaults::apply_defaults;
use crate::resources::{DEPLOYMENTS, REPLICASETS};
use crate::store::{DeleteOptions, UpdateScope};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// Longest `revision-history` annotation the controller keeps.
const MAX_REV_HISTORY_CHARS: usize = 2000;

/// Deployment annotations that are never copied onto its ReplicaSets.
pub fn skip_copy(annotation: &str) -> bool {
    matches!(
        annotation,
        "kubectl.kubernetes.io/last-applied-configuration"
            | REVISION
            | REVISION_HISTORY
            | DESIRED_REPLICAS
            | MAX_REPLICAS
            | "deprecated.deployment.rollback.to"
    )
}

/// One sync of one Deployment: the object as read, the status being built, and its
/// ReplicaSets (kept current as the sync writes them), oldest first.
pub(super) struct DSync {
    pub d: Value,
    pub status: Value,
    pub revision: Option<String>,
    pub rss: Vec<Value>,
}

impl DSync {
    pub fn replicas(&self) -> i64 {
        spec_replicas(&self.d)
    }
}

/// `deployment.kubernetes.io/revision` of a ReplicaSet (0 when absent).
pub fn revision_of(rs: &Value) -> i64 {
    rs["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

impl Controllers {
    pub(super) fn sync_deployment(&mut self, key: &Key) {
        let Ok(stored) = self.store.get(&DEPLOYMENTS, &key.0, &key.1) else {
            self.progressing.remove(key);
            return;
        };
        let d = stored.value.clone();
        if is_deleting(&d) {
            return;
        }
        let uid = uid_of(&d).to_string();
        let (all, _) = self.store.list(&REPLICASETS, Some(&key.0));
        let mut rss: Vec<Value> = all
            .iter()
            .filter(|rs| controller_uid(&rs.value, "Deployment") == Some(uid.as_str()))
            .map(|rs| rs.value.clone())
            .collect();
        rss.sort_by(|a, b| {
            str_at(a, &["metadata", "creationTimestamp"])
                .cmp(str_at(b, &["metadata", "creationTimestamp"]))
                .then(str_at(a, &["metadata", "name"]).cmp(str_at(b, &["metadata", "name"])))
        });
        let mut s = DSync {
            status: if d["status"].is_object() {
                d["status"].clone()
            } else {
                json!({})
            },
            d,
            revision: None,
            rss,
        };
        self.check_paused_condition(&mut s);
        let paused = s.d["spec"]["paused"].as_bool().unwrap_or(false);
        if paused || self.is_scaling_event(&mut s) {
            let new = self.new_replicaset(&mut s, false);
            self.scale_deployment(&mut s, new);
            if paused {
                self.cleanup_deployment(&mut s, new);
            }
            s.status = self.calculate_status(&s, new);
        } else if s.d["spec"]["strategy"]["type"] == "Recreate" {
            self.rollout_recreate(&mut s);
        } else {
            self.rollout_rolling(&mut s);
        }
        self.finish_deployment(key, s);
    }

    /// Writes the deployment's revision annotation and status if they changed.
    fn finish_deployment(&mut self, key: &Key, s: DSync) {
        let cond = s.status["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == "Progressing"))
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("");
        let watching = !s.d["spec"]["progressDeadlineSeconds"].is_null()
            && !matches!(
                cond,
                "NewReplicaSetAvailable" | "ProgressDeadlineExceeded" | "DeploymentPaused" | ""
            );
        if watching {
            self.progressing.insert(key.clone());
        } else {
            self.progressing.remove(key);
        }
        let revision_same = s
            .revision
            .as_deref()
            .is_none_or(|r| s.d["metadata"]["annotations"][REVISION].as_str() == Some(r));
        if revision_same && s.status == s.d["status"] {
            return;
        }
        let _ = self
            .store
            .mutate(&DEPLOYMENTS, &key.0, &key.1, UpdateScope::All, |obj| {
                if let Some(rev) = &s.revision {
                    if !obj["metadata"]["annotations"].is_object() {
                        obj["metadata"]["annotations"] = json!({});
                    }
                    obj["metadata"]["annotations"][REVISION] = json!(rev);
                }
                obj["status"] = s.status.clone();
                Ok(())
            });
    }

    /// The ReplicaSet whose template matches the deployment's (syncing its annotations
    /// and renumbering it when it is an old one being reused), or a new one when
    /// `create`. Returns its index in `s.rss`.
    pub(super) fn new_replicaset(&mut self, s: &mut DSync, create: bool) -> Option<usize> {
        let template = template_without_hash(&s.d["spec"]["template"]);
        let found = s
            .rss
            .iter()
            .position(|rs| template_without_hash(&rs["spec"]["template"]) == template);
        let max_old = s
            .rss
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != found)
            .map(|(_, rs)| revision_of(rs))
            .max()
            .unwrap_or(0);
        let new_revision = max_old + 1;
        let ns = str_at(&s.d, &["metadata", "namespace"]).to_string();
        if let Some(i) = found {
            let mut rs = s.rss[i].clone();
            let changed = set_new_rs_annotations(&s.d, &mut rs, new_revision, true);
            let min_ready = s.d["spec"]["minReadySeconds"].clone();
            let min_ready_changed = rs["spec"]["minReadySeconds"] != min_ready;
            if changed || min_ready_changed {
                let name = str_at(&rs, &["metadata", "name"]).to_string();
                let annotations = rs["metadata"]["annotations"].clone();
                let updated =
                    self.store
                        .mutate(&REPLICASETS, &ns, &name, UpdateScope::All, |obj| {
                            obj["metadata"]["annotations"] = annotations;
                            if min_ready.is_null() {
                                if let Some(spec) = obj["spec"].as_object_mut() {
                                    spec.remove("minReadySeconds");
                                }
                            } else {
                                obj["spec"]["minReadySeconds"] = min_ready;
                            }
                            Ok(())
                        });
                if let Ok(u) = updated {
                    rs = u.value.clone();
                }
            }
            s.revision = rs["metadata"]["annotations"][REVISION]
                .as_str()
                .map(str::to_string);
            if has_progress_deadline(&s.d) && condition(&s.status, "Progressing").is_none() {
                let msg = format!(
                    "Found new replica set \"{}\"",
                    str_at(&rs, &["metadata", "name"])
                );
                set_condition(
                    &mut s.status,
                    "Progressing",
                    "True",
                    "FoundNewReplicaSet",
                    &msg,
                );
            }
            s.rss[i] = rs;
            return Some(i);
        }
        if !create {
            return None;
        }
        let collisions = s.d["status"]["collisionCount"].as_i64();
        let hash = compute_hash(&s.d["spec"]["template"], collisions);
        let mut rs_template = s.d["spec"]["template"].clone();
        if !rs_template["metadata"]["labels"].is_object() {
            rs_template["metadata"]["labels"] = json!({});
        }
        rs_template["metadata"]["labels"][POD_TEMPLATE_HASH] = json!(hash);
        let mut selector = s.d["spec"]["selector"].clone();
        if !selector["matchLabels"].is_object() {
            selector["matchLabels"] = json!({});
        }
        selector["matchLabels"][POD_TEMPLATE_HASH] = json!(hash);
        let name = format!("{}-{hash}", str_at(&s.d, &["metadata", "name"]));
        let mut rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": ns,
                "labels": rs_template["metadata"]["labels"],
                "ownerReferences": [controller_ref(&s.d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": rs_template},
        });
        if let Some(m) = s.d["spec"]["minReadySeconds"].as_i64() {
            rs["spec"]["minReadySeconds"] = json!(m);
        }
        let mut all = s.rss.clone();
        all.push(rs.clone());
        let replicas = self.new_rs_new_replicas(s, &all, &rs);
        rs["spec"]["replicas"] = json!(replicas);
        set_new_rs_annotations(&s.d, &mut rs, new_revision, false);
        apply_defaults(&REPLICASETS, &mut rs);
        match self.store.create(&REPLICASETS, &ns, rs) {
            Ok(created) => {
                if replicas > 0 {
                    let msg = format!("Scaled up replica set {name} from 0 to {replicas}");
                    self.normal(&s.d.clone(), Source::Deployment, "ScalingReplicaSet", msg);
                }
                s.revision = Some(new_revision.to_string());
                if has_progress_deadline(&s.d) {
                    let msg = format!("Created new replica set \"{name}\"");
                    set_condition(
                        &mut s.status,
                        "Progressing",
                        "True",
                        "NewReplicaSetCreated",
                        &msg,
                    );
                }
                s.rss.push(created.value.clone());
                Some(s.rss.len() - 1)
            }
            Err(e) if e.reason == "AlreadyExists" => {
                // A ReplicaSet of that name with another template: a hash collision.
                let count = collisions.unwrap_or(0) + 1;
                s.status["collisionCount"] = json!(count);
                None
            }
            Err(_) => None,
        }
    }

    /// Scales one ReplicaSet (and its desired/max annotations), recording the event.
    /// True when its size changed.
    pub(super) fn scale_rs(&mut self, s: &mut DSync, i: usize, count: i64) -> bool {
        let rs = &s.rss[i];
        let old = spec_replicas(rs);
        let desired = s.replicas();
        let max = desired + super::rollout::max_surge_of(&s.d);
        let size_changed = old != count;
        let mut probe = rs.clone();
        let annotations_changed = set_replicas_annotations(&mut probe, desired, max);
        if !size_changed && !annotations_changed {
            return false;
        }
        let (ns, name) = (
            str_at(rs, &["metadata", "namespace"]).to_string(),
            str_at(rs, &["metadata", "name"]).to_string(),
        );
        let result = self
            .store
            .mutate(&REPLICASETS, &ns, &name, UpdateScope::All, |obj| {
                obj["spec"]["replicas"] = json!(count);
                set_replicas_annotations(obj, desired, max);
                Ok(())
            });
        let Ok(updated) = result else {
            return false;
        };
        s.rss[i] = updated.value.clone();
        if size_changed {
            let dir = if count > old { "up" } else { "down" };
            let msg = format!("Scaled {dir} replica set {name} from {old} to {count}");
            self.normal(&s.d.clone(), Source::Deployment, "ScalingReplicaSet", msg);
        }
        size_changed
    }

    /// Deletes the oldest unused ReplicaSets beyond `revisionHistoryLimit`.
    pub(super) fn cleanup_deployment(&mut self, s: &mut DSync, new: Option<usize>) {
        let Some(limit) = s.d["spec"]["revisionHistoryLimit"].as_i64() else {
            return;
        };
        let mut old: Vec<&Value> = s
            .rss
            .iter()
            .enumerate()
            .filter(|(i, rs)| Some(*i) != new && !is_deleting(rs))
            .map(|(_, rs)| rs)
            .collect();
        let diff = i64::try_from(old.len()).unwrap_or(0) - limit;
        if diff <= 0 {
            return;
        }
        old.sort_by_key(|rs| revision_of(rs));
        let victims: Vec<(String, String)> = old
            .into_iter()
            .take(usize::try_from(diff).unwrap_or(0))
            .filter(|rs| {
                rs["status"]["replicas"].as_i64().unwrap_or(0) == 0
                    && spec_replicas(rs) == 0
                    && rs["metadata"]["generation"].as_i64()
                        <= rs["status"]["observedGeneration"].as_i64()
            })
            .map(|rs| {
                (
                    str_at(rs, &["metadata", "namespace"]).to_string(),
                    str_at(rs, &["metadata", "name"]).to_string(),
                )
            })
            .collect();
        for (ns, name) in victims {
            let _ = self
                .store
                .delete(&REPLICASETS, &ns, &name, &DeleteOptions::default());
            s.rss.retain(|rs| str_at(rs, &["metadata", "name"]) != name);
        }
    }
}

/// Copies the deployment's annotations (minus the skip list), sets the revision (keeping
/// the former number in `revision-history` when an old ReplicaSet is reused) and, for a
/// ReplicaSet about to be created, the replicas annotations. True when anything changed.
pub fn set_new_rs_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    if !rs["metadata"]["annotations"].is_object() {
        rs["metadata"]["annotations"] = json!({});
    }
    let mut changed = false;
    let d_annotations = d["metadata"]["annotations"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let Some(ann) = rs["metadata"]["annotations"].as_object_mut() else {
        return false;
    };
    for (k, v) in d_annotations {
        if skip_copy(&k) || ann.get(&k) == Some(&v) {
            continue;
        }
        ann.insert(k, v);
        changed = true;
    }
    let old = ann
        .get(REVISION)
        .and_then(Value::as_str)
        .map(str::to_string);
    let old_number = match old.as_deref().map(str::parse::<i64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return false,
    };
    if old_number < new_revision {
        ann.insert(REVISION.into(), json!(new_revision.to_string()));
        changed = true;
        if let Some(old) = old {
            append_revision_history(ann, &old);
        }
    }
    if !exists {
        let desired = spec_replicas(d);
        let surge = super::rollout::max_surge_of(d);
        changed |= set_replicas_annotations(rs, desired, desired + surge);
    }
    changed
}

fn append_revision_history(ann: &mut Map<String, Value>, old: &str) {
    let history = ann
        .get(REVISION_HISTORY)
        .and_then(Value::as_str)
        .unwrap_or("");
    if history.is_empty() {
        ann.insert(REVISION_HISTORY.into(), json!(old));
        return;
    }
    let mut parts: Vec<&str> = history.split(',').collect();
    let mut total = history.len() + old.len() + 1;
    let mut start = 0;
    while total > MAX_REV_HISTORY_CHARS && start < parts.len() {
        total -= parts[start].len() + 1;
        start += 1;
    }
    if total <= MAX_REV_HISTORY_CHARS {
        parts = parts.split_off(start);
        parts.push(old);
        ann.insert(REVISION_HISTORY.into(), json!(parts.join(",")));
    }
}

/// Sets desired-replicas and max-replicas; true when they changed.
pub fn set_replicas_annotations(rs: &mut Value, desired: i64, max: i64) -> bool {
    if !rs["metadata"]["annotations"].is_object() {
        rs["metadata"]["annotations"] = json!({});
    }
    let ann = &mut rs["metadata"]["annotations"];
    let mut changed = false;
    for (k, v) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
        let v = json!(v.to_string());
        if ann[k] != v {
            ann[k] = v;
            changed = true;
        }
    }
    changed
}

pub fn has_progress_deadline(d: &Value) -> bool {
    d["spec"]["progressDeadlineSeconds"]
        .as_i64()
        .is_some_and(|s| s != i64::from(i32::MAX))
}

pub fn condition<'a>(status: &'a Value, ty: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
}

/// `SetDeploymentCondition`: nothing when status and reason are unchanged; keeps the
/// transition time when only the reason changed; the updated condition goes last.
pub fn set_condition(status: &mut Value, ty: &str, cond_status: &str, reason: &str, message: &str) {
    let now = super::util::now();
    let current = condition(status, ty).cloned();
    if let Some(c) = &current {
        if c["status"] == cond_status && c["reason"] == reason {
            return;
        }
    }
    let transition = match &current {
        Some(c) if c["status"] == cond_status => c["lastTransitionTime"].clone(),
        _ => json!(now),
    };
    let mut conds: Vec<Value> = status["conditions"].as_array().cloned().unwrap_or_default();
    conds.retain(|c| c["type"] != ty);
    conds.push(json!({
        "type": ty, "status": cond_status, "lastUpdateTime": now,
        "lastTransitionTime": transition, "reason": reason, "message": message,
    }));
    status["conditions"] = json!(conds);
}

pub fn remove_condition(status: &mut Value, ty: &str) {
    if let Some(conds) = status.get_mut("conditions").and_then(Value::as_array_mut) {
        conds.retain(|c| c["type"] != ty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_rs_annotations_copy_and_renumber_like_the_controller() {
        let d = json!({"metadata": {"annotations": {
            "kubernetes.io/change-cause": "kubectl set image x",
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            REVISION: "7", "team": "web"}},
            "spec": {"replicas": 4, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}});
        let mut fresh = json!({"metadata": {}});
        assert!(set_new_rs_annotations(&d, &mut fresh, 3, false));
        let a = &fresh["metadata"]["annotations"];
        assert_eq!(a[REVISION], "3");
        assert_eq!(a["kubernetes.io/change-cause"], "kubectl set image x");
        assert_eq!(a["team"], "web");
        assert!(a
            .get("kubectl.kubernetes.io/last-applied-configuration")
            .is_none());
        assert_eq!(
            (a[DESIRED_REPLICAS].as_str(), a[MAX_REPLICAS].as_str()),
            (Some("4"), Some("5"))
        );
        assert!(a.get(REVISION_HISTORY).is_none());

        // An old ReplicaSet reused: renumbered, its former numbers kept.
        let mut reused = json!({"metadata": {"annotations": {REVISION: "1"}}});
        assert!(set_new_rs_annotations(&d, &mut reused, 4, true));
        assert_eq!(reused["metadata"]["annotations"][REVISION], "4");
        assert_eq!(reused["metadata"]["annotations"][REVISION_HISTORY], "1");
        set_new_rs_annotations(&d, &mut reused, 6, true);
        assert_eq!(reused["metadata"]["annotations"][REVISION_HISTORY], "1,4");
        // Already the newest: nothing changes.
        assert!(!set_new_rs_annotations(&d, &mut reused, 6, true));
        assert!(!set_new_rs_annotations(&d, &mut reused, 5, true));
    }

    #[test]
    fn revision_history_is_bounded() {
        let mut ann = serde_json::Map::new();
        let long: Vec<String> = (1..=600).map(|i| i.to_string()).collect();
        ann.insert(REVISION_HISTORY.into(), json!(long.join(",")));
        append_revision_history(&mut ann, "601");
        let h = ann[REVISION_HISTORY].as_str().unwrap_or("");
        assert!(h.len() <= MAX_REV_HISTORY_CHARS);
        assert!(h.ends_with(",600,601") && !h.starts_with("1,"));
    }
}
