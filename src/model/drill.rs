//! Where `enter` on an object leads, as people expect from k9s: a Deployment to its
//! ReplicaSets, a ReplicaSet (StatefulSet, DaemonSet, Job, Service) to the pods it selects,
//! a Node to its pods, a CronJob to its Jobs, a Namespace to its pods, a
//! PersistentVolumeClaim to the pod that mounts it, an Ingress to its backend Services. Computed from the object itself: its label selector, or a field
//! selector the server understands.

use serde_json::Value;

use crate::model::objects::Selector;

/// What to show after `enter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drill {
    pub to: DrillTo,
    /// The namespace to show; `None`: every namespace.
    pub namespace: Option<String>,
    pub selector: Selector,
    /// Narrows further by name where the server cannot (a CronJob's Jobs are named after it).
    pub name_prefix: Option<String>,
    /// What the rows are, for the title: `deployment web`.
    pub label: String,
}

/// The view a drill-down opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillTo {
    /// The typed pods view (logs, port-forward, …).
    Pods,
    /// The view of `plural` in `group`.
    Kind { group: String, plural: String },
}

fn str_at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a str> {
    obj.pointer(pointer).and_then(Value::as_str)
}

/// The pods (names, sorted) that mount the PersistentVolumeClaim `claim`, among `pods`.
pub fn claim_users(claim: &str, pods: &[Value]) -> Vec<String> {
    let mounts = |pod: &&Value| {
        pod.pointer("/spec/volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|v| str_at(v, "/persistentVolumeClaim/claimName") == Some(claim))
    };
    let mut users: Vec<String> = pods
        .iter()
        .filter(mounts)
        .filter_map(|p| str_at(p, "/metadata/name").map(str::to_owned))
        .collect();
    users.sort();
    users
}

/// Where `enter` on `obj` (its full JSON) leads; `pods` are its namespace's pods, needed
/// only for a PersistentVolumeClaim (the pods that mount it: the server cannot select
/// them, so the one that does is named, and several are listed in the message).
pub fn drill(obj: &Value, pods: &[Value]) -> Result<Drill, String> {
    let kind = str_at(obj, "/kind").unwrap_or_default();
    let name = str_at(obj, "/metadata/name")
        .unwrap_or_default()
        .to_string();
    let namespace = str_at(obj, "/metadata/namespace").map(str::to_owned);
    let label = format!("{} {name}", kind.to_ascii_lowercase());
    let at = |to: DrillTo, namespace: Option<String>, selector: Selector| Drill {
        to,
        namespace,
        selector,
        name_prefix: None,
        label: label.clone(),
    };
    let kind_of = |group: &str, plural: &str| DrillTo::Kind {
        group: group.to_string(),
        plural: plural.to_string(),
    };
    match kind {
        "Deployment" => Ok(at(
            kind_of("apps", "replicasets"),
            namespace,
            labels(label_selector(obj.pointer("/spec/selector"))?),
        )),
        "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            let selector = match kind {
                "ReplicationController" => map_selector(obj.pointer("/spec/selector")),
                _ => label_selector(obj.pointer("/spec/selector"))?,
            };
            Ok(at(DrillTo::Pods, namespace, labels(selector)))
        }
        "Service" => {
            let selector = map_selector(obj.pointer("/spec/selector"));
            if selector.is_empty() {
                return Err(format!(
                    "service {name} has no selector: its endpoints are managed by hand"
                ));
            }
            Ok(at(DrillTo::Pods, namespace, labels(selector)))
        }
        "Node" => Ok(at(
            DrillTo::Pods,
            None,
            Selector {
                labels: None,
                fields: Some(format!("spec.nodeName={name}")),
            },
        )),
        "Namespace" => Ok(at(DrillTo::Pods, Some(name.clone()), Selector::default())),
        "PersistentVolumeClaim" => match claim_users(&name, pods).as_slice() {
            [] => Err(format!("no pod mounts persistentvolumeclaim {name}")),
            [only] => Ok(at(
                DrillTo::Pods,
                namespace,
                Selector {
                    labels: None,
                    fields: Some(format!("metadata.name={only}")),
                },
            )),
            several => Err(format!(
                "persistentvolumeclaim {name} is mounted by {} pods: {}",
                several.len(),
                several.join(", ")
            )),
        },
        "CronJob" => Ok(Drill {
            name_prefix: Some(format!("{name}-")),
            ..at(kind_of("batch", "jobs"), namespace, Selector::default())
        }),
        "Ingress" => {
            let services = backend_services(obj);
            let fields = match services.as_slice() {
                [only] => Some(format!("metadata.name={only}")),
                _ => None,
            };
            Ok(at(
                kind_of("", "services"),
                namespace,
                Selector {
                    labels: None,
                    fields,
                },
            ))
        }
        other => Err(format!("nothing to open inside a {other}")),
    }
}

fn labels(selector: String) -> Selector {
    Selector {
        labels: Some(selector),
        fields: None,
    }
}

/// `a=b,c=d` from a plain map selector (Service, ReplicationController).
fn map_selector(selector: Option<&Value>) -> String {
    selector
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// A `metav1.LabelSelector` in the query syntax: `app=web,tier in (a,b),!legacy`.
pub fn label_selector(selector: Option<&Value>) -> Result<String, String> {
    let Some(selector) = selector else {
        return Err("the object has no selector".to_string());
    };
    let mut parts = Vec::new();
    if !map_selector(selector.get("matchLabels")).is_empty() {
        parts.push(map_selector(selector.get("matchLabels")));
    }
    for expr in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = str_at(expr, "/key").unwrap_or_default();
        let values: Vec<&str> = expr
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match str_at(expr, "/operator").unwrap_or_default() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => return Err(format!("unknown selector operator {other:?}")),
        });
    }
    if parts.is_empty() {
        return Err("the selector is empty: it would select every pod".to_string());
    }
    Ok(parts.join(","))
}

/// The Services an Ingress sends traffic to, each once, in order.
fn backend_services(obj: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |backend: Option<&Value>| {
        if let Some(name) = backend.and_then(|b| str_at(b, "/service/name")) {
            if !out.iter().any(|s| s == name) {
                out.push(name.to_string());
            }
        }
    };
    add(obj.pointer("/spec/defaultBackend"));
    for rule in obj
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for path in rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(path.get("backend"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn drill_one(obj: &Value) -> Result<Drill, String> {
        drill(obj, &[])
    }

    #[test]
    fn a_claim_leads_to_the_pod_that_mounts_it() {
        let pvc = json!({"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "db"}});
        let pod = |name: &str, claim: &str| {
            json!({"metadata": {"name": name},
            "spec": {"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": claim}}]}})
        };
        let one = drill(&pvc, &[pod("pg-0", "data"), pod("other", "logs")]).unwrap();
        assert_eq!(one.selector.fields.as_deref(), Some("metadata.name=pg-0"));
        assert_eq!(one.namespace.as_deref(), Some("db"));
        let two = drill(&pvc, &[pod("b", "data"), pod("a", "data")]).unwrap_err();
        assert!(two.contains("2 pods: a, b"), "{two}");
        assert!(drill(&pvc, &[]).unwrap_err().contains("no pod mounts"));
    }

    #[test]
    fn workloads_lead_to_what_they_select() {
        let deploy = json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}}});
        let d = drill_one(&deploy).unwrap();
        assert_eq!(
            d.to,
            DrillTo::Kind {
                group: "apps".into(),
                plural: "replicasets".into()
            }
        );
        assert_eq!(d.selector.labels.as_deref(), Some("app=web,tier in (a,b)"));
        assert_eq!(d.namespace.as_deref(), Some("default"));
        assert_eq!(d.label, "deployment web");
        let svc = json!({"kind": "Service", "metadata": {"name": "s", "namespace": "n"},
            "spec": {"selector": {"app": "hello"}}});
        assert_eq!(
            drill_one(&svc).unwrap().selector.labels.as_deref(),
            Some("app=hello")
        );
        let bare = json!({"kind": "Service", "metadata": {"name": "s"}, "spec": {}});
        assert!(drill_one(&bare).unwrap_err().contains("no selector"));
    }

    #[test]
    fn nodes_cronjobs_and_ingresses_have_their_own_ways_in() {
        let node = drill_one(&json!({"kind": "Node", "metadata": {"name": "m1"}})).unwrap();
        assert_eq!(node.selector.fields.as_deref(), Some("spec.nodeName=m1"));
        assert_eq!(node.namespace, None);
        let cj =
            drill_one(&json!({"kind": "CronJob", "metadata": {"name": "hello", "namespace": "d"}}))
                .unwrap();
        assert_eq!(cj.name_prefix.as_deref(), Some("hello-"));
        let ing = json!({"kind": "Ingress", "metadata": {"name": "i", "namespace": "d"}, "spec": {"rules": [
            {"http": {"paths": [{"backend": {"service": {"name": "api"}}}, {"backend": {"service": {"name": "api"}}}]}}]}});
        assert_eq!(
            drill_one(&ing).unwrap().selector.fields.as_deref(),
            Some("metadata.name=api")
        );
        assert!(drill_one(&json!({"kind": "ConfigMap", "metadata": {"name": "c"}})).is_err());
    }
}
