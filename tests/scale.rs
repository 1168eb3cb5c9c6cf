//! At scale and under churn, rkt's watch-driven pod table must equal the simulated
//! cluster's own list: no lost, duplicated or stale rows, also across dropped watches and
//! expired resourceVersions (relists).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use rkt::cluster::watch;
use rkt::effect::{ResourceKind, Scope, WatchTarget};
use rkt::keymap::Keymap;
use rkt::model::convert::{pod_row, Interner};
use rkt::msg::Msg;
use rkt::state::{update, AppState, ClusterInfo};
use rkt_sim::resources::PODS;
use rkt_sim::{Seed, SimConfig, SimHandle};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio::time::Instant;

const DEADLINE: Duration = Duration::from_secs(120);

/// What must agree between the cluster and the table, per pod.
type Summary = BTreeMap<(String, String), (String, u16, u16, u32)>;

async fn start(pods: usize, namespaces: usize, churn: u32) -> (SimHandle, Client) {
    let sim = rkt_sim::start(SimConfig {
        seed: Seed::Scale { pods, namespaces },
        churn,
        ..SimConfig::test()
    })
    .await
    .expect("sim starts");
    let client = common::kube_client(&sim.kubeconfig).await;
    (sim, client)
}

/// A started app state for `scope` and rkt's own pod watch feeding it (abort the task
/// to stop it); the messages are applied by `drain`.
fn watched(client: Client, scope: Scope) -> (AppState, UnboundedReceiver<Msg>, JoinHandle<()>) {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "rkt-sim".into(),
            server: "http://127.0.0.1".into(),
            version: None,
            ..ClusterInfo::default()
        },
        scope.clone(),
        Timestamp::now(),
    );
    let _ = st.start();
    let key = st.main_watch.key.unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let target = WatchTarget {
        kind: ResourceKind::Pods,
        scope,
        selector: Default::default(),
    };
    let task = watch::spawn(client, key, target, tx);
    (st, rx, task)
}

/// The cluster's own view, through the same conversion rkt uses.
fn store_summary(sim: &SimHandle, ns: Option<&str>) -> Summary {
    let (items, _) = sim.store.list(&PODS, ns);
    let mut interner = Interner::default();
    items
        .iter()
        .map(|o| {
            let pod: Pod = serde_json::from_value(o.value.clone()).unwrap();
            let r = pod_row(&pod, &mut interner).unwrap();
            (
                (r.namespace.to_string(), r.name.to_string()),
                (r.status.to_string(), r.ready, r.total, r.restarts),
            )
        })
        .collect()
}

fn table_summary(st: &AppState) -> Summary {
    st.pods
        .rows()
        .map(|r| {
            (
                (r.namespace.to_string(), r.name.to_string()),
                (r.status.to_string(), r.ready, r.total, r.restarts),
            )
        })
        .collect()
}

/// Applies every queued watch message to the state, as the event loop does.
fn drain(st: &mut AppState, rx: &mut UnboundedReceiver<Msg>) -> usize {
    let mut n = 0;
    while let Ok(msg) = rx.try_recv() {
        let _ = update(st, msg);
        n += 1;
    }
    st.refresh();
    n
}

/// Runs the app side for `secs` seconds (applying messages as they come).
async fn run_for(st: &mut AppState, rx: &mut UnboundedReceiver<Msg>, dur: Duration) -> usize {
    let until = Instant::now() + dur;
    let mut n = 0;
    while Instant::now() < until {
        n += drain(st, rx);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    n
}

/// Waits until the table equals the cluster's list (the cluster being quiet by then);
/// fails with the differences otherwise.
async fn assert_converges(
    sim: &SimHandle,
    st: &mut AppState,
    rx: &mut UnboundedReceiver<Msg>,
    ns: Option<&str>,
) -> Summary {
    let deadline = Instant::now() + DEADLINE;
    loop {
        drain(st, rx);
        let want = store_summary(sim, ns);
        let got = table_summary(st);
        // The table holds one row per key by construction; the count guards duplicates
        // across its slots and index.
        assert_eq!(st.pods.len(), st.pods.rows().count(), "duplicated rows");
        if want == got && st.pods.visible_len() == want.len() {
            return want;
        }
        if Instant::now() > deadline {
            let lost: Vec<_> = want
                .keys()
                .filter(|k| !got.contains_key(*k))
                .take(5)
                .collect();
            let stale: Vec<_> = got
                .keys()
                .filter(|k| !want.contains_key(*k))
                .take(5)
                .collect();
            let differ: Vec<_> = want
                .iter()
                .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
                .take(5)
                .collect();
            panic!(
                "table != cluster: {} rows vs {}; lost {lost:?}; stale {stale:?}; differ {differ:?}",
                got.len(),
                want.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_state_equals_cluster_after_heavy_churn() {
    let (mut sim, client) = start(3000, 6, 1500).await;
    let initial: BTreeSet<_> = store_summary(&sim, None).into_keys().collect();
    let rv_before = sim.store.resource_version();
    let (mut st, mut rx, task) = watched(client, Scope::All);
    let applied = run_for(&mut st, &mut rx, Duration::from_secs(4)).await;
    sim.stop_churn();
    let settled = assert_converges(&sim, &mut st, &mut rx, None).await;
    // The churn really happened: many versions, pods replaced (deleted and created).
    assert!(applied > 0);
    assert!(
        sim.store.resource_version() > rv_before + 1000,
        "too little churn: {} → {}",
        rv_before,
        sim.store.resource_version()
    );
    let now: BTreeSet<_> = settled.keys().cloned().collect();
    assert!(
        now.difference(&initial).count() > 50,
        "no pods were replaced"
    );
    assert!(settled.values().any(|(_, _, _, restarts)| *restarts > 5));
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_watch_recovers_from_dropped_watches_and_expired_versions_under_churn() {
    let (mut sim, client) = start(2000, 2, 1000).await;
    let (mut st, mut rx, task) = watched(client, Scope::Namespace("team-01".into()));
    run_for(&mut st, &mut rx, Duration::from_secs(1)).await;
    // Break the watch twice: once resumable, once with every version expired (410 → relist).
    sim.faults.drop_watches();
    run_for(&mut st, &mut rx, Duration::from_millis(800)).await;
    sim.expire_resource_versions();
    sim.faults.drop_watches();
    run_for(&mut st, &mut rx, Duration::from_secs(1)).await;
    sim.stop_churn();
    let settled = assert_converges(&sim, &mut st, &mut rx, Some("team-01")).await;
    assert!(settled.len() >= 900, "{} pods in team-01", settled.len());
    assert!(settled.keys().all(|(ns, _)| ns == "team-01"));
    task.abort();
}
