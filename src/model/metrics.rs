//! Metrics from `metrics.k8s.io` (metrics-server): whether the server serves them, the usage
//! of pods and nodes as rkt keeps it (keyed apart from the rows, which stay compact), the
//! summed requests and limits a pod row carries for percentages, and kubectl top's way of
//! printing them (`12m`, `34Mi`).

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde_json::Value;

use crate::model::discovery::Catalog;
use crate::model::objects::ObjectKind;
use crate::model::quantity;
use crate::model::rows::RowKey;

/// The API group of metrics-server.
pub const GROUP: &str = "metrics.k8s.io";

/// The metrics kinds the server serves, as discovery found them; `None` where it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsApi {
    pub pods: Option<ObjectKind>,
    pub nodes: Option<ObjectKind>,
}

impl MetricsApi {
    pub fn from_catalog(catalog: &Catalog) -> MetricsApi {
        let find = |plural: &str| {
            catalog
                .kinds()
                .iter()
                .find(|k| &*k.object.group == GROUP && &*k.object.plural == plural && k.verbs.list)
                .map(|k| k.object.clone())
        };
        MetricsApi {
            pods: find("pods"),
            nodes: find("nodes"),
        }
    }
}

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu: u64,
    pub memory: u64,
}

/// A node's usage and what it can give to pods (`status.allocatable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeUsage {
    pub usage: Usage,
    pub allocatable: Option<Usage>,
}

/// What metrics are read for: the pods of a namespace (or all) that a label selector picks,
/// or the nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsScope {
    Pods {
        namespace: Option<Arc<str>>,
        labels: Option<String>,
    },
    Nodes,
}

/// One read of metrics: the metrics kind to list (PodMetrics or NodeMetrics, at the version
/// discovery prefers) for `scope`. `gen` tells its answer from those of older reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsRequest {
    pub gen: u64,
    pub kind: ObjectKind,
    pub scope: MetricsScope,
}

/// What a read found.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricsSample {
    Pods(HashMap<RowKey, Usage>),
    Nodes(HashMap<Arc<str>, NodeUsage>),
}

/// The answer to a [`MetricsRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsAnswer {
    pub gen: u64,
    pub sample: Result<MetricsSample, String>,
}

/// A pod's containers' requests and limits, summed, for the percentages: millicores and
/// KiB (saturating), 0 where not set. A limit counts only when every container has one
/// (one container without a limit leaves the pod unlimited). 16 bytes in each pod row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PodResources {
    pub cpu_request: u32,
    pub cpu_limit: u32,
    pub memory_request_kib: u32,
    pub memory_limit_kib: u32,
}

impl PodResources {
    /// The containers that run beside each other: the app containers and the sidecars
    /// (init containers that keep running).
    pub fn of_spec(spec: &PodSpec) -> PodResources {
        let sidecars = spec
            .init_containers
            .iter()
            .flatten()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"));
        Self::of_containers(spec.containers.iter().chain(sidecars))
    }

    fn of_containers<'a>(containers: impl Iterator<Item = &'a Container>) -> PodResources {
        let mut sums = [0u64; 4];
        let mut limited = [true; 2];
        let mut any = false;
        for c in containers {
            any = true;
            let resources = c.resources.as_ref();
            let get = |requests: bool, name: &str| {
                let map = if requests {
                    resources.and_then(|r| r.requests.as_ref())
                } else {
                    resources.and_then(|r| r.limits.as_ref())
                };
                map.and_then(|m| m.get(name)).and_then(parse)
            };
            let cpu = |requests| get(requests, "cpu").map(quantity::Milli::milli);
            let kib = |requests| get(requests, "memory").map(|q| q.units().div_ceil(1024));
            sums[0] += cpu(true).unwrap_or(0);
            sums[2] += kib(true).unwrap_or(0);
            for (i, limit) in [(0, cpu(false)), (1, kib(false))] {
                match limit {
                    Some(l) => sums[1 + 2 * i] += l,
                    None => limited[i] = false,
                }
            }
        }
        let small = |v: u64| v.min(u64::from(u32::MAX)) as u32;
        PodResources {
            cpu_request: small(sums[0]),
            cpu_limit: if any && limited[0] { small(sums[1]) } else { 0 },
            memory_request_kib: small(sums[2]),
            memory_limit_kib: if any && limited[1] { small(sums[3]) } else { 0 },
        }
    }
}

fn parse(q: &Quantity) -> Option<quantity::Milli> {
    quantity::parse(&q.0)
}

/// `{"cpu": "12345678n", "memory": "34000Ki"}` as millicores and bytes.
fn usage_of(usage: &Value) -> Usage {
    let get = |name: &str| usage.get(name).and_then(Value::as_str);
    usage_from(get("cpu"), get("memory"))
}

/// Usage from its `cpu` and `memory` quantities (an unreadable one counts as 0).
pub fn usage_from(cpu: Option<&str>, memory: Option<&str>) -> Usage {
    Usage {
        cpu: cpu
            .and_then(quantity::parse)
            .map_or(0, quantity::Milli::milli),
        memory: memory
            .and_then(quantity::parse)
            .map_or(0, quantity::Milli::units),
    }
}

/// A PodMetrics object's usage (the body besides its metadata): its containers summed.
pub fn pod_usage(data: &Value) -> Usage {
    data.get("containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| usage_of(&c["usage"]))
        .fold(Usage::default(), |a, b| Usage {
            cpu: a.cpu.saturating_add(b.cpu),
            memory: a.memory.saturating_add(b.memory),
        })
}

/// A NodeMetrics object's usage (the body besides its metadata).
pub fn node_usage(data: &Value) -> Usage {
    usage_of(&data["usage"])
}

/// A node's `status.allocatable`, if it says both CPU and memory.
pub fn allocatable(allocatable: &std::collections::BTreeMap<String, Quantity>) -> Option<Usage> {
    Some(Usage {
        cpu: parse(allocatable.get("cpu")?)?.milli(),
        memory: parse(allocatable.get("memory")?)?.units(),
    })
}

/// CPU as kubectl top prints it: millicores, `250m`.
pub fn cpu_text(milli: u64) -> String {
    format!("{milli}m")
}

/// Memory as kubectl top prints it: whole MiB, `34Mi`.
pub fn memory_text(bytes: u64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

/// `used` as a whole percentage of `of` (truncated, as kubectl top); `None` when there is
/// nothing to compare with (no request, no limit).
pub fn percent(used: u64, of: u64) -> Option<u64> {
    (of > 0).then(|| (u128::from(used) * 100 / u128::from(of)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn container(resources: Value) -> Container {
        serde_json::from_value(json!({"name": "c", "resources": resources})).unwrap()
    }

    #[test]
    fn usage_parses_metrics_server_units_and_prints_like_kubectl_top() {
        let data = json!({"containers": [
            {"name": "a", "usage": {"cpu": "18707777n", "memory": "42220Ki"}},
            {"name": "b", "usage": {"cpu": "2m", "memory": "1Mi"}},
        ]});
        let u = pod_usage(&data);
        assert_eq!(u.cpu, 21);
        assert_eq!(u.memory, 42220 * 1024 + 1024 * 1024);
        assert_eq!(
            (cpu_text(u.cpu), memory_text(u.memory)),
            ("21m".into(), "42Mi".into())
        );
        let node = node_usage(&json!({"usage": {"cpu": "504330488n", "memory": "1856244Ki"}}));
        assert_eq!(
            (cpu_text(node.cpu), memory_text(node.memory)),
            ("504m".into(), "1812Mi".into())
        );
        assert_eq!(pod_usage(&json!({})), Usage::default());
        assert_eq!(usage_of(&json!({"cpu": "lots"})), Usage::default());
    }

    #[test]
    fn percentages_truncate_and_need_something_to_compare_with() {
        assert_eq!(percent(19, 100), Some(19));
        assert_eq!(percent(199, 200), Some(99));
        assert_eq!(percent(300, 200), Some(150));
        assert_eq!(percent(5, 0), None);
    }

    #[test]
    fn pod_resources_sum_requests_and_count_limits_only_when_all_have_one() {
        let both = container(json!({"requests": {"cpu": "100m", "memory": "70Mi"},
                                    "limits": {"cpu": "1", "memory": "170Mi"}}));
        let requests_only = container(json!({"requests": {"cpu": "250m", "memory": "1Gi"}}));
        let none = container(json!({}));
        let r = PodResources::of_containers([&both, &requests_only].into_iter());
        assert_eq!(r.cpu_request, 350);
        assert_eq!(r.memory_request_kib, 70 * 1024 + 1024 * 1024);
        assert_eq!(
            (r.cpu_limit, r.memory_limit_kib),
            (0, 0),
            "one has no limit"
        );
        let r = PodResources::of_containers([&both, &both].into_iter());
        assert_eq!((r.cpu_limit, r.memory_limit_kib), (2000, 340 * 1024));
        assert_eq!(
            PodResources::of_containers([&none].into_iter()),
            PodResources::default()
        );
        assert_eq!(
            PodResources::of_containers(std::iter::empty()),
            PodResources::default()
        );
        // A sidecar (an init container that keeps running) counts; a plain init container
        // does not.
        let spec: PodSpec = serde_json::from_value(json!({
            "containers": [{"name": "app", "resources": {"requests": {"cpu": "100m"}}}],
            "initContainers": [
                {"name": "init", "resources": {"requests": {"cpu": "1"}}},
                {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "50m"}}},
            ]
        }))
        .unwrap();
        assert_eq!(PodResources::of_spec(&spec).cpu_request, 150);
    }

    #[test]
    fn the_metrics_api_is_found_in_discovery_or_not() {
        let mut catalog = Catalog::default();
        catalog.add_legacy(&json!({"groupVersion": "v1", "resources": [
            {"name": "pods", "namespaced": true, "kind": "Pod", "verbs": ["list"]}]}));
        assert_eq!(MetricsApi::from_catalog(&catalog), MetricsApi::default());
        catalog.add_legacy(
            &json!({"groupVersion": "metrics.k8s.io/v1beta1", "resources": [
            {"name": "nodes", "namespaced": false, "kind": "NodeMetrics", "verbs": ["get", "list"]},
            {"name": "pods", "namespaced": true, "kind": "PodMetrics", "verbs": ["get", "list"]}]}),
        );
        let api = MetricsApi::from_catalog(&catalog);
        assert_eq!(
            api.pods.map(|k| k.kind.to_string()),
            Some("PodMetrics".into())
        );
        assert_eq!(
            api.nodes.map(|k| k.version.to_string()),
            Some("v1beta1".into())
        );
    }
}
