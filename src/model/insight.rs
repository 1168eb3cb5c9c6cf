//! What the details region of a generic view shows about the selected object where a row
//! of kubectl's columns is not enough: an Ingress's routes (`ingress_routes`), a Node's
//! readiness, pressure, pods against capacity and taints.

use serde_json::Value;

use crate::model::ingress_routes::Route;

/// Facts about the selected object, fetched on selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insight {
    Routes(Vec<Route>),
    Node(NodeSummary),
}

/// Which kinds have an insight: (group, kind).
pub const KINDS: [(&str, &str); 2] = [("networking.k8s.io", "Ingress"), ("", "Node")];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeSummary {
    /// The Ready condition's status (`True`, `False`, `Unknown`) and, when not ready, why.
    pub ready: String,
    /// Pressure and other conditions that are not in their healthy state (`MemoryPressure`).
    pub troubles: Vec<String>,
    /// Pods on the node that are not finished, against `status.capacity.pods`.
    pub pods: usize,
    pub pod_capacity: Option<u64>,
    /// `key=value:Effect`, as kubectl prints them.
    pub taints: Vec<String>,
    pub unschedulable: bool,
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn array<'a>(v: &'a Value, pointer: &str) -> impl Iterator<Item = &'a Value> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// A Node's summary; `pods` are those bound to it (any phase: finished ones are skipped).
pub fn node_summary(node: &Value, pods: &[Value]) -> NodeSummary {
    let mut summary = NodeSummary {
        ready: "Unknown".to_string(),
        ..NodeSummary::default()
    };
    for c in array(node, "/status/conditions") {
        let (kind, status) = (str_at(c, "/type"), str_at(c, "/status"));
        if kind == "Ready" {
            summary.ready = match str_at(c, "/reason") {
                reason if status != "True" && !reason.is_empty() => format!("{status} ({reason})"),
                _ => status.to_string(),
            };
        } else if status != "False" {
            summary.troubles.push(format!("{kind}={status}"));
        }
    }
    summary.pods = pods
        .iter()
        .filter(|p| !matches!(str_at(p, "/status/phase"), "Succeeded" | "Failed"))
        .count();
    summary.pod_capacity = node.pointer("/status/capacity/pods").and_then(|v| match v {
        Value::String(s) => s.parse().ok(),
        other => other.as_u64(),
    });
    summary.taints = array(node, "/spec/taints")
        .map(|t| {
            let value = str_at(t, "/value");
            let key = str_at(t, "/key");
            let pair = if value.is_empty() {
                key.to_string()
            } else {
                format!("{key}={value}")
            };
            format!("{pair}:{}", str_at(t, "/effect"))
        })
        .collect();
    summary.unschedulable =
        node.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true);
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_node_summary_has_readiness_pressure_pods_and_taints() {
        let node = json!({"spec": {"taints": [
                {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                {"key": "dedicated", "value": "db", "effect": "NoExecute"}]},
            "status": {"capacity": {"pods": "110"}, "conditions": [
                {"type": "MemoryPressure", "status": "True"},
                {"type": "DiskPressure", "status": "False"},
                {"type": "Ready", "status": "False", "reason": "KubeletNotReady"}]}});
        let pods = [
            json!({"status": {"phase": "Running"}}),
            json!({"status": {"phase": "Succeeded"}}),
        ];
        let s = node_summary(&node, &pods);
        assert_eq!(s.ready, "False (KubeletNotReady)");
        assert_eq!(s.troubles, ["MemoryPressure=True"]);
        assert_eq!((s.pods, s.pod_capacity), (1, Some(110)));
        assert_eq!(
            s.taints,
            [
                "node-role.kubernetes.io/control-plane:NoSchedule",
                "dedicated=db:NoExecute"
            ]
        );
        assert!(!s.unschedulable);
    }
}
