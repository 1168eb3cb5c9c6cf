//! What metrics-server would report for the simulated cluster (`metrics.k8s.io/v1beta1`):
//! usage for every running container, derived from its requests and limits where it has
//! them, moving from one scrape window to the next. The values are deterministic noise (a
//! hash of the container and the window), so two requests in one window agree, as two reads
//! of metrics-server's last scrape do. Served by `api::metrics`; off with
//! `SimConfig::metrics = false` (`rkt sim --no-metrics`), as on a cluster without
//! metrics-server, where discovery does not list the group at all.

use std::f64::consts::TAU;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};

use crate::resources::{ResourceType, NODES, PODS};

/// The metrics API group and version.
pub const GROUP: &str = "metrics.k8s.io";
pub const VERSION: &str = "v1beta1";

pub static POD_METRICS: ResourceType = ResourceType {
    group: GROUP,
    version: VERSION,
    plural: "pods",
    singular: "",
    kind: "PodMetrics",
    namespaced: true,
    short_names: &[],
    verbs: &["get", "list"],
    subresources: &[],
    categories: &[],
    custom: false,
    printer_columns: &[],
};

pub static NODE_METRICS: ResourceType = ResourceType {
    group: GROUP,
    version: VERSION,
    plural: "nodes",
    singular: "",
    kind: "NodeMetrics",
    namespaced: false,
    short_names: &[],
    verbs: &["get", "list"],
    subresources: &[],
    categories: &[],
    custom: false,
    printer_columns: &[],
};

static TYPES: [&ResourceType; 2] = [&NODE_METRICS, &POD_METRICS];

/// Whether `res` is one of the metrics types (served by `api::metrics`, not the store).
pub fn is_metrics(res: &ResourceType) -> bool {
    std::ptr::eq(res, &POD_METRICS) || std::ptr::eq(res, &NODE_METRICS)
}

/// The type whose objects a metrics type reports on (pods, nodes).
pub fn measured(res: &ResourceType) -> &'static ResourceType {
    if std::ptr::eq(res, &NODE_METRICS) {
        &NODES
    } else {
        &PODS
    }
}

/// The metrics server of a simulated cluster: on or off, how often it "scrapes", and how
/// many requests reached its API group (served or not), for tests that check a client
/// asks only when the API is there.
#[derive(Debug)]
pub struct Metrics {
    enabled: bool,
    resolution: Duration,
    requests: AtomicU64,
}

impl Metrics {
    pub fn new(enabled: bool, resolution: Duration) -> Metrics {
        Metrics {
            enabled,
            resolution: resolution.max(Duration::from_millis(100)),
            requests: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The metrics types served (none when off).
    pub fn types(&self) -> &'static [&'static ResourceType] {
        if self.enabled {
            &TYPES
        } else {
            &[]
        }
    }

    /// The served metrics type at `group`/`version`/`plural`, if any.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
        self.types()
            .iter()
            .copied()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    }

    /// Requests whose path is under `/apis/metrics.k8s.io`, whether served or not.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Counts `path` if it is under the metrics group.
    pub fn count(&self, path: &str) {
        let under = path
            .strip_prefix("/apis/")
            .and_then(|rest| rest.strip_prefix(GROUP))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if under {
            self.requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The scrape the values at `now` come from: its index and its time.
    pub fn window(&self, now: jiff::Timestamp) -> Window {
        let ms = self.resolution.as_millis().max(1) as i64;
        let index = now.as_millisecond().div_euclid(ms);
        Window {
            index: index as u64,
            at: jiff::Timestamp::from_millisecond(index * ms).unwrap_or(now),
            length: self.resolution,
        }
    }
}

impl Default for Metrics {
    /// On, scraping every 15 s as metrics-server does by default.
    fn default() -> Self {
        Metrics::new(true, Duration::from_secs(15))
    }
}

/// One scrape: which one (for the noise), when, and the window it averaged over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub index: u64,
    pub at: jiff::Timestamp,
    pub length: Duration,
}

impl Window {
    /// `timestamp` and `window` as metrics-server writes them.
    fn stamp(&self, obj: &mut Value) {
        obj["timestamp"] = json!(self.at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        obj["window"] = json!(go_duration(self.length));
    }
}

/// `15s`, `1.5s`, `500ms`: how Go prints a `time.Duration`.
fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{}s", ms as f64 / 1000.0)
    }
}

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub cpu_milli: f64,
    pub memory: f64,
}

impl Usage {
    /// As metrics-server writes it: CPU in nanocores, memory in KiB.
    fn to_json(self) -> Value {
        json!({
            "cpu": format!("{}n", (self.cpu_milli * 1_000_000.0).round() as u64),
            "memory": format!("{}Ki", (self.memory / 1024.0).round() as u64),
        })
    }

    fn add(self, other: Usage) -> Usage {
        Usage {
            cpu_milli: self.cpu_milli + other.cpu_milli,
            memory: self.memory + other.memory,
        }
    }
}

/// The usage of each running container of a pod, or `None` when it has none running
/// (metrics-server reports nothing for pending or finished pods).
fn container_usages<'a>(pod: &'a Value, window: &Window) -> Option<Vec<(&'a Value, Usage)>> {
    if pod["status"]["phase"] != "Running" || !pod["metadata"]["deletionTimestamp"].is_null() {
        return None;
    }
    let (ns, name) = (
        str_of(&pod["metadata"]["namespace"]),
        str_of(&pod["metadata"]["name"]),
    );
    let statuses = pod["status"]["containerStatuses"].as_array()?;
    let usages: Vec<(&Value, Usage)> = items(&pod["spec"]["containers"])
        .filter(|c| {
            statuses
                .iter()
                .any(|s| s["name"] == c["name"] && !s["state"]["running"].is_null())
        })
        .map(|c| {
            let id = format!("{ns}/{name}/{}", str_of(&c["name"]));
            (&c["name"], container_usage(&id, c, window.index))
        })
        .collect();
    (!usages.is_empty()).then_some(usages)
}

/// The PodMetrics of a pod, or `None` when it has no running container.
pub fn pod_metrics(pod: &Value, window: &Window) -> Option<Value> {
    let containers: Vec<Value> = container_usages(pod, window)?
        .into_iter()
        .map(|(name, usage)| json!({"name": name, "usage": usage.to_json()}))
        .collect();
    let mut obj = json!({
        "kind": "PodMetrics",
        "apiVersion": format!("{GROUP}/{VERSION}"),
        "metadata": metadata(pod, window),
        "containers": containers,
    });
    window.stamp(&mut obj);
    Some(obj)
}

/// The NodeMetrics of a node running `pods` (every pod; those on other nodes are skipped):
/// what its pods use plus the system's own share.
pub fn node_metrics(node: &Value, pods: &[&Value], window: &Window) -> Value {
    let name = str_of(&node["metadata"]["name"]);
    let on_node = pods
        .iter()
        .filter(|p| p["spec"]["nodeName"].as_str() == Some(name))
        .filter_map(|p| container_usages(p, window))
        .flatten()
        .map(|(_, usage)| usage)
        .fold(Usage::default(), Usage::add);
    // The kubelet, the container runtime and the OS: about 150m and 700Mi, breathing.
    let h = hash(name);
    let system = Usage {
        cpu_milli: 150.0 * wave(h, window.index, 0.2),
        memory: 700.0 * MI * wave(h ^ 1, window.index, 0.03),
    };
    let mut obj = json!({
        "kind": "NodeMetrics",
        "apiVersion": format!("{GROUP}/{VERSION}"),
        "metadata": metadata(node, window),
        "usage": on_node.add(system).to_json(),
    });
    window.stamp(&mut obj);
    obj
}

/// A metrics object's metadata: the measured object's name, namespace and labels,
/// created at the scrape (metrics objects are not stored).
fn metadata(of: &Value, window: &Window) -> Value {
    let mut meta = json!({
        "name": of["metadata"]["name"],
        "creationTimestamp": window.at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    if let Some(ns) = of["metadata"]["namespace"].as_str() {
        meta["namespace"] = json!(ns);
    }
    if of["metadata"]["labels"].is_object() {
        meta["labels"] = of["metadata"]["labels"].clone();
    }
    meta
}

const MI: f64 = 1024.0 * 1024.0;

/// What one container uses in scrape window `index`: a share of its request (or limit)
/// that differs between containers and moves between windows; CPU more than memory.
/// Never above its limit.
fn container_usage(id: &str, container: &Value, index: u64) -> Usage {
    let h = hash(id);
    let resources = &container["resources"];
    let quantity = |kind: &str, what: &str| {
        parse_quantity(str_of(&resources[kind][what])).filter(|q| *q > 0.0)
    };
    let (cpu_request, cpu_limit) = (quantity("requests", "cpu"), quantity("limits", "cpu"));
    let (mem_request, mem_limit) = (quantity("requests", "memory"), quantity("limits", "memory"));
    let share = |salt: u64, low: f64, span: f64| low + span * unit(h ^ salt);
    let cpu_base = match (cpu_request, cpu_limit) {
        (Some(r), _) => r * 1000.0 * share(1, 0.1, 0.5),
        (None, Some(l)) => l * 1000.0 * share(1, 0.05, 0.3),
        // 1m to about 25m, most containers near the bottom.
        (None, None) => 1.0 + 24.0 * unit(h ^ 1).powi(2),
    };
    let mem_base = match (mem_request, mem_limit) {
        (Some(r), _) => r * share(2, 0.4, 0.5),
        (None, Some(l)) => l * share(2, 0.25, 0.4),
        // 6Mi to about 130Mi.
        (None, None) => (6.0 + 124.0 * unit(h ^ 2).powi(2)) * MI,
    };
    let mut cpu = (cpu_base * wave(h ^ 3, index, 0.35)).max(0.1);
    let mut memory = mem_base * wave(h ^ 4, index, 0.04);
    if let Some(limit) = cpu_limit {
        cpu = cpu.min(limit * 1000.0 * 0.97);
    }
    if let Some(limit) = mem_limit {
        memory = memory.min(limit * 0.95);
    }
    Usage {
        cpu_milli: cpu,
        memory,
    }
}

/// A factor around 1 for window `index`: a slow swing of `depth` with a phase of its own,
/// plus a little jitter.
fn wave(h: u64, index: u64, depth: f64) -> f64 {
    let phase = unit(h ^ 5) * TAU;
    let swing = (index as f64 * TAU / 12.0 + phase).sin();
    let jitter = unit(h ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15)) - 0.5;
    (1.0 + depth * swing + depth * 0.4 * jitter).max(0.05)
}

/// FNV-1a: stable across runs and Rust versions (the noise is reproducible).
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A number in [0, 1) from `h` (splitmix64's finaliser).
fn unit(h: u64) -> f64 {
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A resource quantity (`100m`, `2`, `70Mi`, `1G`, `123456n`) in its base unit.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let scale = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => MI,
        "Gi" => MI * 1024.0,
        "Ti" => MI * MI,
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse().ok()?),
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * scale)
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(resources: Value) -> Value {
        json!({
            "metadata": {"name": "web-1", "namespace": "prod", "labels": {"app": "web"}},
            "spec": {"nodeName": "minikube", "containers": [
                {"name": "web", "resources": resources}, {"name": "idle"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "web", "state": {"running": {}}},
                {"name": "idle", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
        })
    }

    fn usage(m: &Value, i: usize) -> (f64, f64) {
        let u = &m["containers"][i]["usage"];
        (
            parse_quantity(str_of(&u["cpu"])).unwrap() * 1000.0,
            parse_quantity(str_of(&u["memory"])).unwrap(),
        )
    }

    #[test]
    fn quantities_parse_in_base_units() {
        assert_eq!(parse_quantity("100m"), Some(0.1));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("70Mi"), Some(70.0 * MI));
        assert_eq!(parse_quantity("1G"), Some(1e9));
        assert_eq!(parse_quantity("1500000n"), Some(0.0015));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("lots"), None);
    }

    #[test]
    fn running_containers_use_a_share_of_their_requests_within_limits() {
        let m = Metrics::default();
        let resources = json!({"requests": {"cpu": "100m", "memory": "64Mi"},
                               "limits": {"cpu": "200m", "memory": "80Mi"}});
        let p = pod(resources);
        for second in (0..600).step_by(15) {
            let w = m.window(jiff::Timestamp::from_second(1_700_000_000 + second).unwrap());
            let metrics = pod_metrics(&p, &w).unwrap();
            assert_eq!(
                metrics["containers"].as_array().unwrap().len(),
                1,
                "only running"
            );
            assert_eq!(metrics["metadata"]["labels"]["app"], "web");
            assert_eq!(metrics["window"], "15s");
            let (cpu, mem) = usage(&metrics, 0);
            assert!(cpu > 1.0 && cpu <= 194.0, "{cpu}m");
            assert!(mem > 16.0 * MI && mem <= 76.0 * MI, "{mem}");
        }
    }

    #[test]
    fn values_hold_within_a_window_and_change_between_windows() {
        let m = Metrics::default();
        let p = pod(json!({}));
        let at = |s| m.window(jiff::Timestamp::from_second(s).unwrap());
        let first = pod_metrics(&p, &at(1_700_000_010)).unwrap();
        assert_eq!(pod_metrics(&p, &at(1_700_000_014)).unwrap(), first);
        let distinct: std::collections::HashSet<u64> = (0..8)
            .map(|i| usage(&pod_metrics(&p, &at(1_700_000_010 + i * 15)).unwrap(), 0).0 as u64)
            .collect();
        assert!(distinct.len() > 3, "{distinct:?}");
        assert_eq!(first["timestamp"], "2023-11-14T22:13:30Z");
    }

    #[test]
    fn pending_pods_have_no_metrics_and_nodes_add_up_their_pods() {
        let w = Metrics::default().window(jiff::Timestamp::from_second(1_700_000_000).unwrap());
        let mut pending = pod(json!({}));
        pending["status"]["phase"] = json!("Pending");
        assert!(pod_metrics(&pending, &w).is_none());
        let node =
            json!({"metadata": {"name": "minikube", "labels": {"kubernetes.io/os": "linux"}}});
        let running = pod(json!({}));
        let idle = node_metrics(&node, &[], &w);
        let busy = node_metrics(&node, &[&running, &pending], &w);
        let cpu = |m: &Value| parse_quantity(str_of(&m["usage"]["cpu"])).unwrap();
        let (pod_cpu, _) = usage(&pod_metrics(&running, &w).unwrap(), 0);
        assert!((cpu(&busy) - cpu(&idle) - pod_cpu / 1000.0).abs() < 1e-6);
        assert_eq!(busy["metadata"]["labels"]["kubernetes.io/os"], "linux");
        assert!(busy["metadata"].get("namespace").is_none());
    }

    #[test]
    fn requests_are_counted_under_the_group_only() {
        let m = Metrics::new(false, Duration::from_secs(1));
        m.count("/apis/metrics.k8s.io/v1beta1/pods");
        m.count("/apis/metrics.k8s.io");
        m.count("/apis/metrics.k8s.iox/v1");
        m.count("/api/v1/pods");
        assert_eq!(m.requests(), 2);
        assert!(m.types().is_empty());
        assert!(Metrics::default().find(GROUP, VERSION, "pods").is_some());
    }
}
