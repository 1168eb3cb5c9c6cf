//! Fetches what describing an object needs beyond the object and its events
//! ([`Related`]): a Deployment's ReplicaSets, a workload's or Job's pods, a Node's pods, a
//! Service's EndpointSlices, an Ingress's Services and EndpointSlices, the pods that may
//! mount a PersistentVolumeClaim. A failed list just leaves its field empty: a description
//! with less in it beats none.

use std::fmt::Debug;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::NamespaceResourceScope;
use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::model::describe::Related;
use crate::model::ingress_routes::SERVICE_NAME_LABEL;
use crate::model::rollout::selector_query;

/// What [`crate::model::describe::object`] needs for `obj`, by its kind.
pub async fn related(client: &Client, obj: &Value) -> Related {
    let text = |pointer: &str| obj.pointer(pointer).and_then(Value::as_str).unwrap_or("");
    let (kind, name, ns) = (
        text("/kind"),
        text("/metadata/name"),
        text("/metadata/namespace"),
    );
    let by_labels = |labels: String| ListParams::default().labels(&labels);
    let selected = || by_labels(spec_selector(obj).unwrap_or_default());
    match kind {
        "Deployment" => Related {
            replica_sets: list::<ReplicaSet>(client, Some(ns), selected()).await,
            ..Related::default()
        },
        "ReplicaSet" | "StatefulSet" | "DaemonSet" => Related {
            pods: list::<Pod>(client, Some(ns), selected()).await,
            ..Related::default()
        },
        "Job" => {
            let labels = spec_selector(obj).unwrap_or_else(|| format!("job-name={name}"));
            Related {
                pods: list::<Pod>(client, Some(ns), by_labels(labels)).await,
                ..Related::default()
            }
        }
        "Service" => Related {
            endpoint_slices: slices(client, ns, Some(name)).await,
            ..Related::default()
        },
        "Ingress" => {
            let (services, endpoint_slices) = futures::join!(
                list::<Service>(client, Some(ns), ListParams::default()),
                slices(client, ns, None)
            );
            Related {
                services,
                endpoint_slices,
                ..Related::default()
            }
        }
        "Node" => {
            let on_node = ListParams::default().fields(&format!("spec.nodeName={name}"));
            Related {
                pods: list::<Pod>(client, None, on_node).await,
                ..Related::default()
            }
        }
        "PersistentVolumeClaim" => Related {
            pods: list::<Pod>(client, Some(ns), ListParams::default()).await,
            ..Related::default()
        },
        _ => Related::default(),
    }
}

/// The object's `spec.selector` as a label query, if it has a non-empty one.
fn spec_selector(obj: &Value) -> Option<String> {
    let selector: LabelSelector =
        serde_json::from_value(obj.pointer("/spec/selector")?.clone()).ok()?;
    Some(selector_query(&selector)).filter(|q| !q.is_empty())
}

/// The EndpointSlices of a namespace, or of one Service in it.
async fn slices(client: &Client, ns: &str, service: Option<&str>) -> Vec<Value> {
    let params = match service {
        Some(name) => ListParams::default().labels(&format!("{SERVICE_NAME_LABEL}={name}")),
        None => ListParams::default(),
    };
    list::<EndpointSlice>(client, Some(ns), params).await
}

/// The objects of kind `K` in `ns` (all namespaces for `None`) as JSON; none on error.
async fn list<K>(client: &Client, ns: Option<&str>, params: ListParams) -> Vec<Value>
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + Debug
        + DeserializeOwned
        + Serialize,
{
    let api: Api<K> = match ns.filter(|ns| !ns.is_empty()) {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    match api.list(&params).await {
        Ok(list) => list
            .items
            .iter()
            .filter_map(|item| serde_json::to_value(item).ok())
            .collect(),
        Err(_) => Vec::new(),
    }
}
