#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The metrics columns as drawn (TestBackend, fixed "now"): CPU and MEM with the % of
//! requests and limits where the pane is wide, nothing taken from the table at 80×24, the
//! percentages leaving together rather than cutting a name, `n/a` after a failed read.

mod common;

use common::tui_fixtures::*;
use rkt::effect::{Effect, WatchSlot};
use rkt::model::discovery::Catalog;
use rkt::model::metrics::{MetricsAnswer, MetricsSample, PodResources, Usage};
use rkt::model::rows::{PodRow, RowKey, Rows};
use rkt::msg::Msg;
use rkt::state::{update, AppState};
use serde_json::json;

fn screen(st: &mut AppState, w: u16, h: u16) -> String {
    let buf = draw_screen(st, w, h);
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

fn catalog() -> Catalog {
    let res = |plural: &str, kind: &str, scope: &str| {
        json!({"resource": plural, "scope": scope, "responseKind": {"kind": kind},
               "verbs": ["get", "list"]})
    };
    let mut c = Catalog::default();
    c.add_aggregated(&json!({"kind": "APIGroupDiscoveryList", "items": [
        {"metadata": {"name": "metrics.k8s.io"}, "versions": [{"version": "v1beta1", "resources": [
            res("nodes", "NodeMetrics", "Cluster"), res("pods", "PodMetrics", "Namespaced")]}]}]}))
        .unwrap();
    c
}

/// coredns with kubectl's requests and limits (100m and 70Mi, a 170Mi memory limit).
fn with_coredns_resources(mut rows: Vec<PodRow>) -> Vec<PodRow> {
    rows[0].resources = PodResources {
        cpu_request: 100,
        cpu_limit: 0,
        memory_request_kib: 70 * 1024,
        memory_limit_kib: 170 * 1024,
    };
    rows
}

/// The kube-system session with the metrics API discovered and `answer` given to its read.
fn state_with(rows: Vec<PodRow>, answer: Result<MetricsSample, String>) -> AppState {
    let mut st = kube_system_state();
    list(&mut st, WatchSlot::Main, Rows::Pods(rows));
    let effects = update(&mut st, Msg::Discovery(Ok(catalog())));
    let gen = effects
        .iter()
        .find_map(|e| match e {
            Effect::Metrics(r) => Some(r.gen),
            _ => None,
        })
        .expect("the pods view reads metrics");
    update(
        &mut st,
        Msg::Metrics(MetricsAnswer {
            gen,
            sample: answer,
        }),
    );
    st
}

fn usage(entries: &[(&str, u64, u64)]) -> MetricsSample {
    MetricsSample::Pods(
        entries
            .iter()
            .map(|(name, cpu, mib)| {
                let u = Usage {
                    cpu: *cpu,
                    memory: mib << 20,
                };
                (RowKey::namespaced("kube-system", name), u)
            })
            .collect(),
    )
}

fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}"))
}

/// The words of a line in the main pane (right of the namespaces pane).
fn words(line: &str) -> Vec<&str> {
    let line = line.split_once("││").map_or(line, |(_, main)| main);
    line.split(|c: char| c == '│' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect()
}

#[test]
fn wide_panes_show_usage_and_the_share_of_requests_and_limits() {
    let rows = with_coredns_resources(pods(KUBE_SYSTEM));
    let mut st = state_with(
        rows,
        Ok(usage(&[
            ("coredns-668d6bf9bc-x7k2p", 15, 31),
            ("etcd-minikube", 61, 58),
        ])),
    );
    let screen = screen(&mut st, 160, 48);
    let header = words(line_with(&screen, "NAME↑"));
    assert_eq!(
        header,
        [
            "NAME↑", "READY", "STATUS", "RESTARTS", "CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R",
            "%MEM/L", "AGE", "PROBES", "IP", "NODE"
        ],
        "{screen}"
    );
    let coredns = words(line_with(&screen, "coredns-"));
    assert_eq!(
        coredns[4..10],
        ["15m", "31Mi", "15", "n/a", "44", "18"],
        "{screen}"
    );
    // No request or limit: nothing to compare with.
    let etcd = words(line_with(&screen, "etcd-minikube"));
    assert_eq!(etcd[4..10], ["61m", "58Mi", "n/a", "n/a", "n/a", "n/a"]);
    // A pod the answer says nothing of (not running) has blank metrics cells.
    let proxy = words(line_with(&screen, "kube-proxy-"));
    assert_eq!(proxy[4], "3d", "AGE follows RESTARTS directly: {screen}");
    // The details region puts the selected pod's usage against its requests and limits.
    assert!(
        screen.contains(
            "cpu 15m (15% of 100m request, no limit)  memory 31Mi (44% of 70Mi request, 18% of 170Mi limit)"
        ),
        "{screen}"
    );
}

#[test]
fn at_80x24_the_metrics_take_nothing_from_the_table() {
    let mut plain = kube_system_state();
    let without = screen(&mut plain, 80, 24);
    let mut st = state_with(
        pods(KUBE_SYSTEM),
        Ok(usage(&[("coredns-668d6bf9bc-x7k2p", 15, 31)])),
    );
    assert!(st.metrics.for_pods());
    assert_eq!(screen(&mut st, 80, 24), without);
}

#[test]
fn the_percentages_leave_together_before_a_name_is_cut() {
    let mut rows = pods(KUBE_SYSTEM);
    rows[0].name = "coredns-with-a-name-long-enough-to-need-the-room-668d6bf9bc-x7k2p".into();
    let name = rows[0].name.to_string();
    let mut st = state_with(rows, Ok(usage(&[(&name, 15, 31)])));
    let screen = screen(&mut st, 160, 48);
    let header = words(line_with(&screen, "NAME↑"));
    assert!(
        header.contains(&"CPU") && header.contains(&"MEM"),
        "{screen}"
    );
    assert!(
        !header.iter().any(|h| h.starts_with('%')),
        "all four percentages go, not one: {screen}"
    );
    assert!(screen.contains(&name), "the name is whole: {screen}");
}

#[test]
fn a_failed_read_shows_n_a_quietly() {
    let mut st = state_with(
        pods(KUBE_SYSTEM),
        Err("metrics: the server is currently unable to handle the request".into()),
    );
    let screen = screen(&mut st, 160, 48);
    let etcd = words(line_with(&screen, "etcd-minikube"));
    assert_eq!(etcd[4..6], ["n/a", "n/a"], "{screen}");
    assert!(!screen.contains("unable"), "no message: {screen}");
}
