//! The Endpoints controller: for every Service with a selector, an Endpoints object of
//! the same name listing the matching pods' IPs (ready ones in `addresses`, the others
//! in `notReadyAddresses`) with the service's ports, named target ports resolved
//! against the pods' container ports.

use serde_json::{json, Value};

use super::index::PodInfo;
use super::util::{now, Key};
use super::Controllers;
use crate::resources::{ENDPOINTS, SERVICES};
use crate::store::UpdateScope;

impl Controllers {
    pub(super) fn sync_endpoints(&mut self, key: &Key) {
        let Ok(svc) = self.store.get(&SERVICES, &key.0, &key.1) else {
            return;
        };
        let svc = &svc.value;
        let Some(selector) = svc["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        let mut pods: Vec<(&Key, &PodInfo)> = self
            .pods
            .in_namespace(&key.0)
            .filter(|(_, p)| !p.terminating && p.ip.is_some() && p.labels_match(selector))
            .collect();
        pods.sort_by(|a, b| a.1.ip.cmp(&b.1.ip));
        let ports: Vec<&Value> = svc["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        // Pods grouped by the ports they resolve to (as the real controller does with
        // subsets; with unnamed target ports that is one subset).
        let mut subsets: Vec<(Vec<Value>, Vec<Value>, Vec<Value>)> = Vec::new();
        for (k, p) in pods {
            let resolved: Vec<Value> = ports
                .iter()
                .filter_map(|sp| {
                    let port = match &sp["targetPort"] {
                        Value::String(name) => p.ports.iter().find(|cp| &cp.0 == name)?.1,
                        v => v.as_i64().or_else(|| sp["port"].as_i64())?,
                    };
                    let mut ep =
                        json!({"port": port, "protocol": sp["protocol"].as_str().unwrap_or("TCP")});
                    if let Some(name) = sp["name"].as_str() {
                        ep["name"] = json!(name);
                    }
                    Some(ep)
                })
                .collect();
            let mut address = json!({
                "ip": p.ip,
                "targetRef": {"kind": "Pod", "namespace": k.0, "name": k.1, "uid": p.uid},
            });
            if let Some(node) = &p.node {
                address["nodeName"] = json!(node);
            }
            let idx = match subsets.iter().position(|s| s.2 == resolved) {
                Some(i) => i,
                None => {
                    subsets.push((Vec::new(), Vec::new(), resolved));
                    subsets.len() - 1
                }
            };
            if p.ready {
                subsets[idx].0.push(address);
            } else {
                subsets[idx].1.push(address);
            }
        }
        let subsets: Vec<Value> = subsets
            .into_iter()
            .map(|(ready, not_ready, ports)| {
                let mut s = json!({"ports": ports});
                if !ready.is_empty() {
                    s["addresses"] = json!(ready);
                }
                if !not_ready.is_empty() {
                    s["notReadyAddresses"] = json!(not_ready);
                }
                s
            })
            .collect();
        let labels = svc["metadata"]["labels"].clone();
        match self.store.get(&ENDPOINTS, &key.0, &key.1) {
            Ok(existing) => {
                let current = existing.value.get("subsets").cloned().unwrap_or(json!([]));
                if current == json!(subsets) {
                    return;
                }
                let _ = self
                    .store
                    .mutate(&ENDPOINTS, &key.0, &key.1, UpdateScope::All, |ep| {
                        if subsets.is_empty() {
                            if let Some(m) = ep.as_object_mut() {
                                m.remove("subsets");
                            }
                        } else {
                            ep["subsets"] = json!(subsets);
                        }
                        ep["metadata"]["annotations"] =
                            json!({"endpoints.kubernetes.io/last-change-trigger-time": now()});
                        Ok(())
                    });
            }
            Err(_) => {
                let mut ep = json!({
                    "metadata": {"name": key.1, "namespace": key.0,
                        "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": now()}},
                });
                if labels.is_object() {
                    ep["metadata"]["labels"] = labels;
                }
                if !subsets.is_empty() {
                    ep["subsets"] = json!(subsets);
                }
                let _ = self.store.create(&ENDPOINTS, &key.0, ep);
            }
        }
    }
}
