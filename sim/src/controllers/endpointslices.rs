//! The EndpointSlice controller: for every Service with a selector (and not of type
//! ExternalName), discovery.k8s.io/v1 EndpointSlices listing the matching pods, as
//! `endpointslice-controller.k8s.io` keeps them. Usually that is one slice, named
//! `<service>-<5 random characters>`; pods whose named target ports resolve differently
//! go to a slice per port set, and a slice holds at most 100 endpoints. A Service that
//! selects no pod has one placeholder slice with neither endpoints nor ports.
//!
//! Unlike Endpoints, a slice lists pods that are not ready (`ready: false`) and pods
//! that are terminating (`terminating: true`, `serving` as their readiness).

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::index::PodInfo;
use super::util::{now, Key};
use super::Controllers;
use crate::resources::{ENDPOINT_SLICES, SERVICES};
use crate::store::{Stored, UpdateScope};

/// The label naming a slice's Service.
pub const SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label naming the controller that manages a slice, and this controller's value.
pub const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
pub const CONTROLLER: &str = "endpointslice-controller.k8s.io";
/// The kube-controller-manager's default `--max-endpoints-per-slice`.
const MAX_ENDPOINTS: usize = 100;
const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// What one slice should hold.
struct Desired {
    ports: Value,
    endpoints: Value,
}

impl Controllers {
    pub(super) fn sync_endpoint_slices(&mut self, key: &Key) {
        let Ok(svc) = self.store.get(&SERVICES, &key.0, &key.1) else {
            return;
        };
        let svc = &svc.value;
        if svc["spec"]["type"] == "ExternalName" {
            return;
        }
        let Some(selector) = svc["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            // Slices of a Service without a selector are written by someone else.
            return;
        };
        let desired = self.desired_slices(svc, selector);
        let labels = slice_labels(svc);
        let owner = json!([{
            "apiVersion": "v1", "kind": "Service", "name": key.1,
            "uid": svc["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true,
        }]);
        let mut existing = self.managed_slices(&key.0, &key.1);
        let mut pending = Vec::new();
        // Slices that already hold what one should are left alone.
        for d in desired {
            let same = existing.iter().position(|s| {
                let v = &s.value;
                v["ports"] == d.ports
                    && v["endpoints"] == d.endpoints
                    && v["addressType"] == "IPv4"
                    && v["metadata"]["labels"] == labels
                    && v["metadata"]["ownerReferences"] == owner
            });
            match same {
                Some(i) => {
                    existing.swap_remove(i);
                }
                None => pending.push(d),
            }
        }
        for d in pending {
            // Rewrite a slice of the same ports if there is one, else any left over.
            let reuse = existing
                .iter()
                .position(|s| s.value["ports"] == d.ports)
                .or_else(|| (!existing.is_empty()).then_some(0));
            let slice = reuse.map(|i| existing.swap_remove(i));
            let fill = |s: &mut Value| {
                s["addressType"] = json!("IPv4");
                s["endpoints"] = d.endpoints.clone();
                s["ports"] = d.ports.clone();
                s["metadata"]["labels"] = labels.clone();
                s["metadata"]["ownerReferences"] = owner.clone();
                s["metadata"]["annotations"][TRIGGER_TIME] = json!(now());
            };
            match slice {
                Some(slice) => {
                    let _ = self.store.mutate(
                        &ENDPOINT_SLICES,
                        &key.0,
                        slice.name(),
                        UpdateScope::All,
                        |s| {
                            fill(s);
                            Ok(())
                        },
                    );
                }
                None => {
                    let mut s = json!({"metadata": {"generateName": generate_name(&key.1)}});
                    fill(&mut s);
                    // A generated name may be taken: try another, as the apiserver's
                    // clients do.
                    for _ in 0..3 {
                        if self
                            .store
                            .create(&ENDPOINT_SLICES, &key.0, s.clone())
                            .is_ok()
                        {
                            break;
                        }
                    }
                }
            }
        }
        for extra in existing {
            self.store.remove(&ENDPOINT_SLICES, &key.0, extra.name());
        }
    }

    /// Removes the slices this controller keeps for a Service that is gone (the garbage
    /// collector does the same through their ownerReference when the Service is deleted
    /// through the API).
    pub(super) fn remove_endpoint_slices(&mut self, ns: &str, service: &str) {
        for slice in self.managed_slices(ns, service) {
            self.store.remove(&ENDPOINT_SLICES, ns, slice.name());
        }
    }

    /// The slices of `service` that this controller manages.
    fn managed_slices(&self, ns: &str, service: &str) -> Vec<Arc<Stored>> {
        let (all, _) = self.store.list(&ENDPOINT_SLICES, Some(ns));
        all.into_iter()
            .filter(|s| {
                let labels = &s.value["metadata"]["labels"];
                labels[SERVICE_NAME] == service && labels[MANAGED_BY] == CONTROLLER
            })
            .collect()
    }

    /// The slices the pods selected by `svc` make: endpoints grouped by the ports they
    /// resolve to, at most [`MAX_ENDPOINTS`] a slice; a placeholder when there are none.
    fn desired_slices(&self, svc: &Value, selector: &Map<String, Value>) -> Vec<Desired> {
        let ns = svc["metadata"]["namespace"].as_str().unwrap_or("");
        let name = svc["metadata"]["name"].as_str().unwrap_or("");
        let publish_not_ready = svc["spec"]["publishNotReadyAddresses"] == true;
        let mut pods: Vec<(&Key, &PodInfo)> = self
            .pods
            .in_namespace(ns)
            .filter(|(_, p)| {
                p.ip.is_some()
                    && p.phase != "Succeeded"
                    && p.phase != "Failed"
                    && p.labels_match(selector)
            })
            .collect();
        pods.sort_by(|a, b| a.1.ip.cmp(&b.1.ip).then_with(|| a.0.cmp(b.0)));
        let service_ports: Vec<&Value> = svc["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
        for (k, p) in pods {
            let ports = json!(service_ports
                .iter()
                .filter_map(|sp| endpoint_port(sp, p))
                .collect::<Vec<Value>>());
            let serving = p.ready;
            let mut endpoint = json!({
                "addresses": [p.ip],
                "conditions": {
                    "ready": publish_not_ready || (serving && !p.terminating),
                    "serving": serving,
                    "terminating": p.terminating,
                },
                "targetRef": {"kind": "Pod", "namespace": k.0, "name": k.1, "uid": p.uid},
            });
            if let Some((hostname, _)) = p.hostname.as_ref().filter(|(_, sub)| sub == name) {
                endpoint["hostname"] = json!(hostname);
            }
            if let Some(node) = &p.node {
                endpoint["nodeName"] = json!(node);
            }
            match groups.iter_mut().find(|g| g.0 == ports) {
                Some(g) => g.1.push(endpoint),
                None => groups.push((ports, vec![endpoint])),
            }
        }
        let mut desired: Vec<Desired> = groups
            .iter()
            .flat_map(|(ports, endpoints)| {
                endpoints.chunks(MAX_ENDPOINTS).map(|chunk| Desired {
                    ports: ports.clone(),
                    endpoints: json!(chunk),
                })
            })
            .collect();
        if desired.is_empty() {
            desired.push(Desired {
                ports: Value::Null,
                endpoints: Value::Null,
            });
        }
        desired
    }
}

/// A Service port resolved against a pod (`FindPort`): a named target port is looked up
/// among the pod's container ports of the same protocol; a pod without it has no such
/// port. The name is always written, "" for an unnamed port, as the controller does.
fn endpoint_port(sp: &Value, pod: &PodInfo) -> Option<Value> {
    let protocol = sp["protocol"].as_str().unwrap_or("TCP");
    let port = match &sp["targetPort"] {
        Value::String(name) => {
            pod.ports
                .iter()
                .find(|(n, _, proto)| n == name && proto == protocol)?
                .1
        }
        v => v.as_i64().or_else(|| sp["port"].as_i64())?,
    };
    let mut ep = json!({
        "name": sp["name"].as_str().unwrap_or(""),
        "port": port,
        "protocol": protocol,
    });
    if let Some(app) = sp["appProtocol"].as_str() {
        ep["appProtocol"] = json!(app);
    }
    Some(ep)
}

/// The Service's labels, without the two the controller owns, plus those two and
/// `service.kubernetes.io/headless` for a headless Service.
fn slice_labels(svc: &Value) -> Value {
    let mut labels: Map<String, Value> = svc["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.remove("service.kubernetes.io/headless");
    if svc["spec"]["clusterIP"] == "None" {
        labels.insert("service.kubernetes.io/headless".into(), json!(""));
    }
    labels.insert(SERVICE_NAME.into(), svc["metadata"]["name"].clone());
    labels.insert(MANAGED_BY.into(), json!(CONTROLLER));
    Value::Object(labels)
}

/// `<service>-`, cut to the 58 characters the apiserver keeps of a `generateName`, so
/// the name with its 5 random characters stays a valid label.
fn generate_name(service: &str) -> String {
    format!("{service}-").chars().take(58).collect()
}
