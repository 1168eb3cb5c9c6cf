//! The DaemonSet controller: one pod per eligible node (pinned there by node affinity),
//! ControllerRevisions for history, a rolling update that replaces `maxUnavailable`
//! pods at a time.

use serde_json::{json, Value};

use super::events::Source;
use super::util::{controller_ref, is_deleting, map_matches, scaled_value, uid_of, Key};
use super::Controllers;
use crate::defaults::apply_defaults;
use crate::resources::{DAEMONSETS, NODES, PODS};
use crate::store::{DeleteOptions, UpdateScope};

pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";

impl Controllers {
    pub(super) fn sync_daemonset(&mut self, key: &Key) {
        let Ok(stored) = self.store.get(&DAEMONSETS, &key.0, &key.1) else {
            return;
        };
        let ds = stored.value.clone();
        if is_deleting(&ds) {
            return;
        }
        let pods: Vec<(String, String, bool, String)> = self
            .pods
            .owned_by(uid_of(&ds))
            .into_iter()
            .filter(|(_, p)| p.active())
            .map(|(k, p)| {
                let rev = p
                    .labels
                    .get(REVISION_HASH_LABEL)
                    .cloned()
                    .unwrap_or_default();
                (
                    k.1.clone(),
                    p.node.clone().unwrap_or_default(),
                    p.ready,
                    rev,
                )
            })
            .collect();
        let live: Vec<String> = pods.iter().map(|p| format!("{}-{}", key.1, p.3)).collect();
        let Some(rev) = self.sync_revisions(&ds, &live) else {
            return;
        };
        let node_selector = ds["spec"]["template"]["spec"]["nodeSelector"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let (nodes, _) = self.store.list(&NODES, None);
        let eligible: Vec<String> = nodes
            .iter()
            .filter(|n| map_matches(&node_selector, &n.value["metadata"]["labels"]))
            .map(|n| n.name().to_string())
            .collect();
        for node in &eligible {
            let on_node: Vec<&(String, String, bool, String)> =
                pods.iter().filter(|p| p.1 == *node).collect();
            if on_node.is_empty() {
                let pod = daemon_pod(&ds, node, &rev.hash);
                self.create_pod(&ds, pod, Source::DaemonSet);
            }
            for extra in on_node.iter().skip(1) {
                self.delete_daemon_pod(&ds, &extra.0);
            }
        }
        for p in pods.iter().filter(|p| !eligible.contains(&p.1)) {
            self.delete_daemon_pod(&ds, &p.0);
        }
        // Rolling update: replace old pods while few enough are unavailable.
        let desired = i64::try_from(eligible.len()).unwrap_or(0);
        let max_unavailable = scaled_value(
            &ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
            desired,
            true,
        )
        .max(1);
        let rolling = ds["spec"]["updateStrategy"]["type"] != "OnDelete";
        let mut unavailable = desired - pods.iter().filter(|p| p.2).count() as i64;
        if rolling {
            for p in pods.iter().filter(|p| p.3 != rev.hash) {
                if !p.2 || unavailable < max_unavailable {
                    if p.2 {
                        unavailable += 1;
                    }
                    self.delete_daemon_pod(&ds, &p.0);
                }
            }
        }
        let ready = pods.iter().filter(|p| p.2).count();
        let updated = pods.iter().filter(|p| p.3 == rev.hash).count();
        let scheduled = eligible
            .iter()
            .filter(|n| pods.iter().any(|p| p.1 == **n))
            .count();
        let mut status = json!({
            "currentNumberScheduled": scheduled,
            "desiredNumberScheduled": eligible.len(),
            "numberMisscheduled": 0,
            "numberReady": ready,
            "observedGeneration": ds["metadata"]["generation"],
        });
        for (k, v) in [
            ("numberAvailable", ready),
            ("updatedNumberScheduled", updated),
            ("numberUnavailable", eligible.len().saturating_sub(ready)),
        ] {
            if v > 0 {
                status[k] = json!(v);
            }
        }
        if ds["status"] != status {
            let _ = self
                .store
                .mutate(&DAEMONSETS, &key.0, &key.1, UpdateScope::All, |o| {
                    o["status"] = status;
                    Ok(())
                });
        }
    }

    fn delete_daemon_pod(&mut self, ds: &Value, name: &str) {
        let ns = ds["metadata"]["namespace"].as_str().unwrap_or("");
        if let Ok(pod) = self
            .store
            .delete(&PODS, ns, name, &DeleteOptions::default())
        {
            self.wrote_pod(&pod);
            self.normal(
                ds,
                Source::DaemonSet,
                "SuccessfulDelete",
                format!("Deleted pod: {name}"),
            );
        }
    }
}

/// A DaemonSet pod for `node`: the template, the revision labels, pinned to the node.
fn daemon_pod(ds: &Value, node: &str, hash: &str) -> Value {
    let template = &ds["spec"]["template"];
    let mut labels = template["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[REVISION_HASH_LABEL] = json!(hash);
    labels["pod-template-generation"] = json!(ds["metadata"]["generation"]
        .as_i64()
        .unwrap_or(1)
        .to_string());
    let mut pod = json!({
        "metadata": {
            "generateName": format!("{}-", ds["metadata"]["name"].as_str().unwrap_or("")),
            "namespace": ds["metadata"]["namespace"],
            "labels": labels,
            "ownerReferences": [controller_ref(ds)],
        },
        "spec": template["spec"],
    });
    if let Some(a) = template["metadata"]["annotations"].as_object() {
        pod["metadata"]["annotations"] = json!(a);
    }
    pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = json!({
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]
    });
    let tolerations = [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure",
        "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
    ];
    let mut tol: Vec<Value> = pod["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for key in tolerations {
        let effect = if key.ends_with("ready") || key.ends_with("unreachable") {
            "NoExecute"
        } else {
            "NoSchedule"
        };
        tol.push(json!({"key": key, "operator": "Exists", "effect": effect}));
    }
    pod["spec"]["tolerations"] = json!(tol);
    apply_defaults(&PODS, &mut pod);
    pod
}
