//! Metrics as `update` drives them: asked only when the server serves them and only for
//! the view on screen, again every 15 s, one read at a time; answers kept by namespace and
//! name, dropped when the view or its scope changes; a failed read quiet.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use super::{Reading, EVERY};
use crate::effect::{Effect, Scope};
use crate::keymap::Keymap;
use crate::model::discovery::Catalog;
use crate::model::metrics::{
    MetricsAnswer, MetricsRequest, MetricsSample, MetricsScope, NodeUsage, Usage,
};
use crate::model::rows::RowKey;
use crate::msg::Msg;
use crate::state::{update, AppState, ClusterInfo};

fn catalog(metrics: bool) -> Catalog {
    let resource = |plural: &str, kind: &str, scope: &str, verbs: &[&str]| {
        json!({"resource": plural, "singularResource": "", "scope": scope,
               "responseKind": {"kind": kind}, "verbs": verbs})
    };
    let rw = ["list", "watch", "get"];
    let core = json!({"kind": "APIGroupDiscoveryList", "items": [{"metadata": {}, "versions": [
        {"version": "v1", "resources": [
            resource("pods", "Pod", "Namespaced", &rw),
            resource("nodes", "Node", "Cluster", &rw)]}]}]});
    let mut groups = vec![];
    if metrics {
        groups.push(json!({"metadata": {"name": "metrics.k8s.io"}, "versions": [
            {"version": "v1beta1", "resources": [
                resource("nodes", "NodeMetrics", "Cluster", &["get", "list"]),
                resource("pods", "PodMetrics", "Namespaced", &["get", "list"])]}]}));
    }
    let mut c = Catalog::default();
    c.add_aggregated(&core).unwrap();
    c.add_aggregated(&json!({"kind": "APIGroupDiscoveryList", "items": groups}))
        .unwrap();
    c
}

fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// The pods view of `default`, with discovery answered.
fn state(metrics: bool) -> (AppState, Vec<Effect>) {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        t0(),
    );
    let _ = st.start();
    let effects = update(&mut st, Msg::Discovery(Ok(catalog(metrics))));
    (st, effects)
}

fn reads(effects: &[Effect]) -> Vec<&MetricsRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Metrics(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn one_read(effects: &[Effect]) -> MetricsRequest {
    let reads = reads(effects);
    assert_eq!(reads.len(), 1, "{effects:?}");
    reads[0].clone()
}

fn tick(st: &mut AppState, after: SignedDuration) -> Vec<Effect> {
    let now = st.now.checked_add(after).unwrap();
    update(st, Msg::Tick(now))
}

fn pods(entries: &[(&str, &str, u64, u64)]) -> MetricsSample {
    MetricsSample::Pods(
        entries
            .iter()
            .map(|(ns, name, cpu, memory)| {
                let usage = Usage {
                    cpu: *cpu,
                    memory: *memory,
                };
                (RowKey::namespaced(ns, name), usage)
            })
            .collect(),
    )
}

fn answer(st: &mut AppState, read: &MetricsRequest, sample: Result<MetricsSample, String>) {
    update(
        st,
        Msg::Metrics(MetricsAnswer {
            gen: read.gen,
            sample,
        }),
    );
}

fn type_line(st: &mut AppState, line: &str) -> Vec<Effect> {
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut effects = update(st, key(KeyCode::Char(':')));
    for c in line.chars() {
        effects.extend(update(st, key(KeyCode::Char(c))));
    }
    effects.extend(update(st, key(KeyCode::Enter)));
    effects
}

#[test]
fn without_the_metrics_api_nothing_is_asked_and_no_columns_show() {
    let (mut st, effects) = state(false);
    assert!(reads(&effects).is_empty());
    for _ in 0..10 {
        assert!(reads(&tick(&mut st, EVERY)).is_empty());
    }
    assert!(!st.metrics.for_pods());
    assert!(reads(&type_line(&mut st, "nodes")).is_empty());
    assert!(!st.metrics.for_nodes());
}

#[test]
fn the_pods_view_reads_its_scope_at_once_then_every_fifteen_seconds() {
    let (mut st, effects) = state(true);
    let read = one_read(&effects);
    assert_eq!(&*read.kind.kind, "PodMetrics");
    assert_eq!(&*read.kind.version, "v1beta1");
    assert_eq!(
        read.scope,
        MetricsScope::Pods {
            namespace: Some("default".into()),
            labels: None
        }
    );
    assert!(st.metrics.for_pods());
    // One read at a time: nothing more while it is out.
    assert!(reads(&tick(&mut st, SignedDuration::from_secs(20))).is_empty());
    answer(
        &mut st,
        &read,
        Ok(pods(&[("default", "web-1", 12, 34 << 20)])),
    );
    let key = RowKey::namespaced("default", "web-1");
    assert_eq!(
        st.metrics.pod(&key),
        Reading::Value(Usage {
            cpu: 12,
            memory: 34 << 20
        })
    );
    assert_eq!(
        st.metrics.pod(&RowKey::namespaced("default", "other")),
        Reading::Missing
    );
    assert!(reads(&tick(&mut st, SignedDuration::from_secs(14))).is_empty());
    let again = one_read(&tick(&mut st, SignedDuration::from_secs(1)));
    assert_eq!(again.scope, read.scope);
    assert!(again.gen > read.gen);
    // Its answer replaces the values: a pod gone from it has none.
    answer(&mut st, &again, Ok(pods(&[("default", "web-2", 1, 1)])));
    assert_eq!(st.metrics.pod(&key), Reading::Missing);
    assert_eq!(st.metrics.pod_count(), 1);
}

#[test]
fn changing_namespace_drops_the_values_and_a_late_answer() {
    let (mut st, effects) = state(true);
    let first = one_read(&effects);
    answer(&mut st, &first, Ok(pods(&[("default", "web-1", 12, 34)])));
    let second = one_read(&tick(&mut st, EVERY));
    // `0`: all namespaces. The values of `default` go; the read of all starts at once.
    let effects = update(&mut st, Msg::Action(crate::action::Action::AllNamespaces));
    assert_eq!(st.metrics.pod_count(), 0);
    let all = one_read(&effects);
    assert_eq!(
        all.scope,
        MetricsScope::Pods {
            namespace: None,
            labels: None
        }
    );
    // The answer to the read of `default` that was still out is dropped.
    answer(&mut st, &second, Ok(pods(&[("default", "web-1", 99, 99)])));
    assert_eq!(st.metrics.pod_count(), 0);
    answer(&mut st, &all, Ok(pods(&[("kube-system", "etcd", 40, 64)])));
    assert_eq!(st.metrics.pod_count(), 1);
}

#[test]
fn leaving_the_pods_view_stops_reading_and_the_nodes_view_reads_nodes() {
    let (mut st, effects) = state(true);
    let read = one_read(&effects);
    answer(&mut st, &read, Ok(pods(&[("default", "web-1", 12, 34)])));
    let effects = type_line(&mut st, "svc");
    assert!(reads(&effects).is_empty());
    assert!(!st.metrics.for_pods());
    assert_eq!(st.metrics.pod_count(), 0);
    assert!(reads(&tick(&mut st, EVERY * 3)).is_empty());

    let nodes = one_read(&type_line(&mut st, "nodes"));
    assert_eq!(nodes.scope, MetricsScope::Nodes);
    assert_eq!(&*nodes.kind.kind, "NodeMetrics");
    assert!(st.metrics.for_nodes());
    let usage = NodeUsage {
        usage: Usage {
            cpu: 500,
            memory: 1 << 30,
        },
        allocatable: Some(Usage {
            cpu: 2000,
            memory: 8 << 30,
        }),
    };
    let sample = MetricsSample::Nodes(HashMap::from([(Arc::from("minikube"), usage)]));
    answer(&mut st, &nodes, Ok(sample));
    assert_eq!(st.metrics.node("minikube"), Reading::Value(usage));
    // Back to pods: the nodes' values go, the pods are read again.
    let pods_again = one_read(&type_line(&mut st, "pods"));
    assert!(matches!(pods_again.scope, MetricsScope::Pods { .. }));
    assert_eq!(st.metrics.node("minikube"), Reading::Missing);
}

#[test]
fn a_label_filter_narrows_the_read() {
    let (mut st, _) = state(true);
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    update(&mut st, key(KeyCode::Char('/')));
    for c in "-l app=web".chars() {
        update(&mut st, key(KeyCode::Char(c)));
    }
    let read = one_read(&update(&mut st, key(KeyCode::Enter)));
    assert_eq!(
        read.scope,
        MetricsScope::Pods {
            namespace: Some("default".into()),
            labels: Some("app=web".into())
        }
    );
}

#[test]
fn a_failed_read_is_quiet_and_the_next_one_may_succeed() {
    let (mut st, effects) = state(true);
    let read = one_read(&effects);
    answer(
        &mut st,
        &read,
        Err("metrics: the server is currently unable to handle the request (503)".into()),
    );
    let key = RowKey::namespaced("default", "web-1");
    assert_eq!(st.metrics.pod(&key), Reading::Failed);
    assert!(st.notice.is_none(), "no message for a failed read");
    assert!(st.metrics.for_pods(), "the columns stay, saying n/a");
    let again = one_read(&tick(&mut st, EVERY));
    answer(&mut st, &again, Ok(pods(&[("default", "web-1", 3, 4)])));
    assert!(matches!(st.metrics.pod(&key), Reading::Value(_)));
}

#[test]
fn a_read_that_never_answers_is_asked_again_after_a_minute() {
    let (mut st, effects) = state(true);
    one_read(&effects);
    assert!(reads(&tick(&mut st, SignedDuration::from_secs(59))).is_empty());
    one_read(&tick(&mut st, SignedDuration::from_secs(1)));
}

#[test]
fn metrics_discovered_later_start_the_reads_and_vanishing_ones_stop_them() {
    let (mut st, effects) = state(false);
    assert!(reads(&effects).is_empty());
    let effects = update(&mut st, Msg::Discovery(Ok(catalog(true))));
    one_read(&effects);
    update(&mut st, Msg::Discovery(Ok(catalog(false))));
    assert!(!st.metrics.for_pods());
    assert!(reads(&tick(&mut st, EVERY * 2)).is_empty());
}
