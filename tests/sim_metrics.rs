#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulated cluster's metrics API (`metrics.k8s.io/v1beta1`, as metrics-server serves
//! it), judged by kubectl: `kubectl top pods`, `kubectl top pod --containers` and
//! `kubectl top nodes` work, the values are plausible and move; a cluster started without
//! metrics gives kubectl's usual "Metrics API not available".

mod common;

use std::time::{Duration, Instant};

use common::{wait_for, TestCluster};
use serde_json::Value;

/// The rows of a `kubectl top` table, split into columns (header left out).
fn rows(out: &str) -> Vec<Vec<&str>> {
    out.lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// `12m` → 12, `34Mi` → 34.
fn number(cell: &str, unit: &str) -> u64 {
    cell.strip_suffix(unit)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{cell:?} is not a number of {unit}"))
}

/// Waits until the demo's pods run (kubectl top lists only pods that have metrics).
fn top_pods_when_running(c: &TestCluster, args: &[&str], pods: &[&str]) -> Option<String> {
    common::kubectl_path()?;
    Some(wait_for("kubectl top to list the demo's pods", 30, || {
        let out = c.kubectl_ok(args)?;
        pods.iter().all(|p| out.contains(p)).then_some(out)
    }))
}

#[test]
fn kubectl_top_pods_lists_every_running_pod_with_plausible_usage() {
    let c = TestCluster::demo();
    let Some(out) = top_pods_when_running(
        &c,
        &["top", "pods", "-A"],
        &[
            "coredns-",
            "etcd-minikube",
            "hello-minikube-",
            "web-with-sidecar",
        ],
    ) else {
        return;
    };
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"],
        "{out}"
    );
    let rows = rows(&out);
    assert!(rows.len() >= 15, "{out}");
    for row in &rows {
        let (cpu, mem) = (number(row[2], "m"), number(row[3], "Mi"));
        assert!(
            cpu < 2000,
            "no pod uses more than the node's 2 CPUs: {row:?}"
        );
        assert!((1..2048).contains(&mem), "{row:?}");
    }
    // Of web-frontend's four pods, the one that cannot pull its image runs nothing and
    // has no metrics.
    let frontends = rows.iter().filter(|r| r[1].starts_with("web-frontend-"));
    assert_eq!(frontends.count(), 3, "{out}");
    // coredns requests 100m and 70Mi with a 170Mi limit: it stays under the limit.
    let coredns = rows.iter().find(|r| r[1].starts_with("coredns-")).unwrap();
    assert!(number(coredns[3], "Mi") < 170, "{coredns:?}");

    // A label selector narrows the pods, as metrics-server applies it.
    let hello = c
        .kubectl_ok(&["top", "pods", "-n", "default", "-l", "app=hello-minikube"])
        .unwrap();
    let hello = self::rows(&hello);
    assert_eq!(hello.len(), 2, "{hello:?}");
    assert!(hello.iter().all(|r| r[0].starts_with("hello-minikube-")));
}

#[test]
fn kubectl_top_pod_shows_each_container() {
    let c = TestCluster::demo();
    let Some(out) = top_pods_when_running(
        &c,
        &[
            "top",
            "pod",
            "web-with-sidecar",
            "-n",
            "default",
            "--containers",
        ],
        &["log-shipper", "web"],
    ) else {
        return;
    };
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"],
        "{out}"
    );
    let rows = rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(names, ["log-shipper", "web"], "{out}");
    assert!(rows.iter().all(|r| r[0] == "web-with-sidecar"));
    // A pod that is not there: the API's NotFound, in metrics-server's words.
    let err = c
        .kubectl_err(&["top", "pod", "nosuch", "-n", "default"], "")
        .unwrap();
    assert!(
        err.contains(r#"podmetrics.metrics.k8s.io "default/nosuch" not found"#),
        "{err}"
    );
}

#[test]
fn kubectl_top_nodes_shows_usage_and_share_of_allocatable() {
    let c = TestCluster::demo();
    let Some(out) = c.kubectl_ok(&["top", "nodes"]) else {
        return;
    };
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
        "{out}"
    );
    let rows = rows(&out);
    assert_eq!(rows.len(), 1, "{out}");
    let node = &rows[0];
    assert_eq!(node[0], "minikube");
    // The system's share plus every pod's: more than any one pod, less than the machine.
    let cpu = number(node[1], "m");
    assert!((100..2000).contains(&cpu), "{node:?}");
    let cpu_pct = number(node[2], "%");
    assert_eq!(
        cpu_pct,
        cpu * 100 / 2000,
        "of the node's 2 allocatable CPUs"
    );
    let mem = number(node[3], "Mi");
    assert!((500..7939).contains(&mem), "{node:?}");
    assert!(number(node[4], "%") < 100, "{node:?}");
}

#[test]
fn metrics_are_listed_in_discovery_read_only_and_move_between_scrapes() {
    let c = TestCluster::demo();
    let Some(resources) = c.kubectl_ok(&["api-resources", "--api-group=metrics.k8s.io"]) else {
        return;
    };
    assert!(resources.contains("PodMetrics"), "{resources}");
    assert!(resources.contains("NodeMetrics"), "{resources}");
    let groups = c.kubectl_ok(&["api-versions"]).unwrap();
    assert!(groups.contains("metrics.k8s.io/v1beta1"), "{groups}");

    let path = "/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods/etcd-minikube";
    let read = || -> Value {
        serde_json::from_str(&c.kubectl_ok(&["get", "--raw", path]).unwrap()).unwrap()
    };
    let first = read();
    assert_eq!(first["kind"], "PodMetrics");
    assert_eq!(
        first["window"], "1s",
        "the test timing scrapes every second"
    );
    assert!(first["containers"][0]["usage"]["cpu"]
        .as_str()
        .unwrap()
        .ends_with('n'));
    // Each scrape has its own time and its own values.
    let started = Instant::now();
    let next = wait_for("a newer scrape", 10, || {
        let m = read();
        (m["timestamp"] != first["timestamp"]).then_some(m)
    });
    assert!(started.elapsed() < Duration::from_secs(10));
    let cpu = |m: &Value| m["containers"][0]["usage"]["cpu"].clone();
    let later = wait_for("usage to move", 10, || {
        let m = read();
        (cpu(&m) != cpu(&first) || cpu(&next) != cpu(&first)).then_some(m)
    });
    assert_eq!(later["metadata"]["namespace"], "kube-system");

    // Like metrics-server, the API cannot be watched (kubectl's watch asks with ?watch).
    let watch = c
        .kubectl_err(
            &["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods?watch=1"],
            "",
        )
        .unwrap();
    assert!(
        watch.contains("MethodNotAllowed") || watch.contains("405"),
        "{watch}"
    );
    assert!(c.sim.metrics_requests() >= 3);
}

#[test]
fn without_metrics_kubectl_top_says_the_api_is_not_available() {
    let c = TestCluster::demo_without_metrics();
    for args in [&["top", "pods", "-A"][..], &["top", "nodes"]] {
        let Some(err) = c.kubectl_err(args, "") else {
            return;
        };
        assert!(err.contains("Metrics API not available"), "{err}");
    }
    let groups = c.kubectl_ok(&["api-versions"]).unwrap();
    assert!(!groups.contains("metrics.k8s.io"), "{groups}");
    let err = c
        .kubectl_err(&["get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods"], "")
        .unwrap();
    assert!(err.contains("NotFound") || err.contains("404"), "{err}");
    // Only that last request went there: discovery alone told kubectl top to stop.
    assert_eq!(c.sim.metrics_requests(), 1);
}
