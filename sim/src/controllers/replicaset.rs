//! The ReplicaSet controller: keeps `spec.replicas` pods, named `<rs>-<5 random chars>`,
//! and reports replicas/ready/available counts.

use serde_json::{json, Value};

use super::events::{Ev, Source};
use super::util::{controller_ref, is_deleting, spec_replicas, uid_of, Key};
use super::Controllers;
use crate::defaults::apply_defaults;
use crate::resources::{PODS, REPLICASETS};
use crate::store::{DeleteOptions, UpdateScope};

/// Most pods created or deleted per sync (the real controller's burst is 500).
const BURST: usize = 500;

impl Controllers {
    pub(super) fn sync_replicaset(&mut self, key: &Key) {
        let Ok(stored) = self.store.get(&REPLICASETS, &key.0, &key.1) else {
            return;
        };
        let rs = stored.value.clone();
        if is_deleting(&rs) {
            return;
        }
        let desired = usize::try_from(spec_replicas(&rs)).unwrap_or(0);
        let active = self.active_pods(uid_of(&rs));
        if active.len() < desired {
            let n = (desired - active.len()).min(BURST);
            for _ in 0..n {
                if !self.create_pod_for(&rs, Source::ReplicaSet) {
                    break;
                }
            }
            if desired - active.len() > BURST {
                self.dirty.replicasets.insert(key.clone());
            }
        } else if active.len() > desired {
            let mut victims = active.clone();
            // Not ready before ready, then newest first (the real controller's ranking,
            // simplified).
            victims.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
            for (name, _, _) in victims
                .into_iter()
                .take((active.len() - desired).min(BURST))
            {
                if let Ok(pod) = self
                    .store
                    .delete(&PODS, &key.0, &name, &DeleteOptions::default())
                {
                    self.wrote_pod(&pod);
                    self.normal(
                        &rs,
                        Source::ReplicaSet,
                        "SuccessfulDelete",
                        format!("Deleted pod: {name}"),
                    );
                }
            }
        }
        self.update_replicaset_status(key, &rs);
    }

    /// (name, ready, created) of the active pods a controller owns.
    pub(super) fn active_pods(&self, owner_uid: &str) -> Vec<(String, bool, String)> {
        self.pods
            .owned_by(owner_uid)
            .into_iter()
            .filter(|(_, p)| p.active())
            .map(|(k, p)| (k.1.clone(), p.ready, p.created.clone()))
            .collect()
    }

    /// Creates one pod from `owner`'s template; false when the store refused.
    pub(super) fn create_pod_for(&mut self, owner: &Value, source: Source<'_>) -> bool {
        let ns = owner["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let template = &owner["spec"]["template"];
        let mut pod = json!({
            "metadata": {
                "generateName": format!("{}-", owner["metadata"]["name"].as_str().unwrap_or("")),
                "namespace": ns,
                "labels": template["metadata"]["labels"],
                "ownerReferences": [controller_ref(owner)],
            },
            "spec": template["spec"],
        });
        if let Some(a) = template["metadata"]["annotations"].as_object() {
            pod["metadata"]["annotations"] = json!(a);
        }
        apply_defaults(&PODS, &mut pod);
        self.create_pod(owner, pod, source)
    }

    /// Creates a pod built by a controller, recording SuccessfulCreate or FailedCreate.
    pub(super) fn create_pod(&mut self, owner: &Value, pod: Value, source: Source<'_>) -> bool {
        let ns = owner["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        match self.store.create(&PODS, &ns, pod) {
            Ok(created) => {
                self.wrote_pod(&created);
                let message = match source {
                    Source::StatefulSet => format!(
                        "create Pod {} in StatefulSet {} successful",
                        created.name(),
                        owner["metadata"]["name"].as_str().unwrap_or("")
                    ),
                    _ => format!("Created pod: {}", created.name()),
                };
                self.normal(owner, source, "SuccessfulCreate", message);
                true
            }
            Err(e) => {
                self.event(Ev {
                    object: owner,
                    field_path: None,
                    warning: true,
                    reason: "FailedCreate",
                    message: format!("Error creating: {}", e.message),
                    source,
                });
                false
            }
        }
    }

    fn update_replicaset_status(&mut self, key: &Key, rs: &Value) {
        let pods = self.pods.owned_by(uid_of(rs));
        let active: Vec<_> = pods.iter().filter(|(_, p)| p.active()).collect();
        let ready = active.iter().filter(|(_, p)| p.ready).count();
        let mut status = json!({
            "replicas": active.len(),
            "observedGeneration": rs["metadata"]["generation"],
        });
        for (field, n) in [
            ("fullyLabeledReplicas", active.len()),
            ("readyReplicas", ready),
            ("availableReplicas", ready),
        ] {
            if n > 0 {
                status[field] = json!(n);
            }
        }
        if rs["status"] == status {
            return;
        }
        let _ = self
            .store
            .mutate(&REPLICASETS, &key.0, &key.1, UpdateScope::All, |obj| {
                obj["status"] = status;
                Ok(())
            });
    }
}
