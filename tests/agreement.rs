//! rkt computes its table cells client-side (object → row → the pane's cell functions);
//! the simulated apiserver prints kubectl's server-side Tables independently. This test
//! makes sure the two never drift: for pods, deployments, statefulsets, daemonsets and
//! services in all namespaces, every cell of every column both show must be the same text.
//!
//! Time: the apiserver computes AGE and "N (5m ago)" at one instant during the Table
//! request. rkt's cells are rendered for every whole second between just before and just
//! after that request, and the test passes only if one of those instants agrees with the
//! Table in every cell of every row (durations only depend on whole seconds).
//!
//! Churn: the typed list and the Table are retried until both report the same list
//! resourceVersion. The simulator's resourceVersion is one counter for the whole store, so
//! equal versions mean nothing at all was written between the two reads: both are the
//! same snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "agreement/fixtures.rs"]
mod fixtures;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, ListParams, ObjectList, PostParams};
use kube::Client;
use rkt::model::convert::{pod_row, Interner};
use rkt::model::rollout::rows::WorkloadRow;
use rkt::model::services::service_row;
use rkt_sim::resources::PODS;
use rkt_sim::store::UpdateScope;
use rkt_sim::{Seed, SimConfig};
use serde_json::{json, Value};

use common::TestCluster;
use fixtures::*;

/// What `kubectl get` asks for.
const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// (namespace, name)
type Key = (String, String);

#[derive(Debug, Clone, Copy)]
enum Kind {
    Pods,
    Deployments,
    StatefulSets,
    DaemonSets,
    Services,
}

const KINDS: [Kind; 5] = [
    Kind::Pods,
    Kind::Deployments,
    Kind::StatefulSets,
    Kind::DaemonSets,
    Kind::Services,
];

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Pods => "/api/v1/pods",
            Kind::Deployments => "/apis/apps/v1/deployments",
            Kind::StatefulSets => "/apis/apps/v1/statefulsets",
            Kind::DaemonSets => "/apis/apps/v1/daemonsets",
            Kind::Services => "/api/v1/services",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Pods => "pods",
            Kind::Deployments => "deployments",
            Kind::StatefulSets => "statefulsets",
            Kind::DaemonSets => "daemonsets",
            Kind::Services => "services",
        }
    }
}

/// The server-side Table: upper-cased column names (as kubectl prints them) and each
/// row's cells as text.
struct ServerTable {
    rv: String,
    columns: Vec<String>,
    rows: BTreeMap<Key, Vec<String>>,
}

/// A cell as kubectl prints it: strings as they are, numbers in decimal.
fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<none>".to_string(),
        other => other.to_string(),
    }
}

async fn server_table(client: &Client, kind: Kind) -> ServerTable {
    let req = http::Request::get(kind.path())
        .header(http::header::ACCEPT, TABLE)
        .body(Vec::new())
        .unwrap();
    let table: Value = client.request(req).await.expect("Table request");
    assert_eq!(
        table["kind"],
        "Table",
        "{}: not a Table: {table}",
        kind.name()
    );
    let columns: Vec<String> = table["columnDefinitions"]
        .as_array()
        .expect("columnDefinitions")
        .iter()
        .map(|c| c["name"].as_str().expect("column name").to_uppercase())
        .collect();
    let rows = table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            // includeObject=Metadata (kubectl's default) carries each row's identity.
            let meta = &row["object"]["metadata"];
            let key = (
                meta["namespace"].as_str().unwrap_or_default().to_string(),
                meta["name"].as_str().expect("row object name").to_string(),
            );
            let cells: Vec<String> = row["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .map(cell_text)
                .collect();
            assert_eq!(cells.len(), columns.len(), "{key:?}: cells vs columns");
            (key, cells)
        })
        .collect();
    ServerTable {
        rv: table["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        columns,
        rows,
    }
}

/// rkt's rows of one kind, converted by the watch tasks' own conversions.
enum RktRows {
    Pods(Vec<rkt::model::rows::PodRow>),
    Workloads(Vec<WorkloadRow>),
    Services(Vec<rkt::model::services::ServiceRow>),
}

impl RktRows {
    /// Every row's titled cells as the pane draws them at `now`.
    fn cells(&self, now: Timestamp) -> BTreeMap<Key, Vec<(&'static str, String)>> {
        fn key(ns: &str, name: &str) -> Key {
            (ns.to_string(), name.to_string())
        }
        match self {
            RktRows::Pods(rows) => rows
                .iter()
                .map(|r| (key(&r.namespace, &r.name), rkt::ui::pods::cells(r, now)))
                .collect(),
            RktRows::Workloads(rows) => rows
                .iter()
                .map(|r| {
                    let cells = rkt::ui::workloads::cells(r, now);
                    (key(&r.namespace, &r.name), cells)
                })
                .collect(),
            RktRows::Services(rows) => rows
                .iter()
                .map(|r| (key(&r.namespace, &r.name), rkt::ui::services::cells(r, now)))
                .collect(),
        }
    }
}

fn rv_of<K: Clone>(list: &ObjectList<K>) -> String {
    list.metadata.resource_version.clone().unwrap_or_default()
}

/// Every object of type `K` through kube-rs, each converted by `row`, with the list's
/// resourceVersion.
async fn list_rows<K, R>(client: &Client, row: impl FnMut(&K) -> R) -> (String, Vec<R>)
where
    K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let list = Api::<K>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    (rv_of(&list), list.items.iter().map(row).collect())
}

/// The typed list through kube-rs, converted to rkt's rows.
async fn rkt_rows(client: &Client, kind: Kind) -> (String, RktRows) {
    let mut interner = Interner::default();
    match kind {
        Kind::Pods => {
            let (rv, rows) = list_rows(client, |p: &Pod| {
                pod_row(p, &mut interner).expect("pod row")
            })
            .await;
            (rv, RktRows::Pods(rows))
        }
        Kind::Deployments => {
            let (rv, rows) = list_rows(client, WorkloadRow::from_deployment).await;
            (rv, RktRows::Workloads(rows))
        }
        Kind::StatefulSets => {
            let (rv, rows) = list_rows(client, WorkloadRow::from_statefulset).await;
            (rv, RktRows::Workloads(rows))
        }
        Kind::DaemonSets => {
            let (rv, rows) = list_rows(client, WorkloadRow::from_daemonset).await;
            (rv, RktRows::Workloads(rows))
        }
        Kind::Services => {
            let (rv, rows) = list_rows(client, |s: &Service| {
                service_row(s, &mut interner).expect("service row")
            })
            .await;
            (rv, RktRows::Services(rows))
        }
    }
}

/// One kind read twice from the same snapshot, with the instants bracketing the Table.
struct Snapshot {
    rkt: RktRows,
    server: ServerTable,
    before: Timestamp,
    after: Timestamp,
}

/// Retries the typed list and the Table until both carry the same resourceVersion.
async fn snapshot(client: &Client, kind: Kind) -> Snapshot {
    const ATTEMPTS: usize = 200;
    for _ in 0..ATTEMPTS {
        let (rv, rkt) = rkt_rows(client, kind).await;
        let before = Timestamp::now();
        let server = server_table(client, kind).await;
        let after = Timestamp::now();
        if server.rv == rv {
            return Snapshot {
                rkt,
                server,
                before,
                after,
            };
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!(
        "{}: no two consecutive reads at the same resourceVersion in {ATTEMPTS} attempts",
        kind.name()
    );
}

/// The one column of rkt's all-namespaces views that is not in a Table: kubectl adds it
/// for `-A` from each row's object metadata, which is what rows are keyed by.
const NAMESPACE: &str = "NAMESPACE";

/// The differences between rkt's cells at `now` and the Table, one line each.
fn differences(kind: Kind, snap: &Snapshot, now: Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    let ours = snap.rkt.cells(now);
    let theirs = &snap.server.rows;
    let only = |a: &BTreeSet<&Key>, b: &BTreeSet<&Key>| -> Vec<String> {
        a.difference(b).map(|(ns, n)| format!("{ns}/{n}")).collect()
    };
    let our_keys: BTreeSet<&Key> = ours.keys().collect();
    let their_keys: BTreeSet<&Key> = theirs.keys().collect();
    for k in only(&our_keys, &their_keys) {
        out.push(format!("{} {k}: row only in rkt", kind.name()));
    }
    for k in only(&their_keys, &our_keys) {
        out.push(format!(
            "{} {k}: row only in the server's Table",
            kind.name()
        ));
    }
    for (key, cells) in &ours {
        let Some(server_cells) = theirs.get(key) else {
            continue;
        };
        for (title, ours) in cells {
            let theirs = match snap.server.columns.iter().position(|c| c == title) {
                Some(i) => &server_cells[i],
                None if *title == NAMESPACE => &key.0,
                None => continue,
            };
            if ours != theirs {
                out.push(format!(
                    "{} {}/{} {title}: rkt {ours:?}, server {theirs:?}",
                    kind.name(),
                    key.0,
                    key.1
                ));
            }
        }
    }
    out
}

/// The columns compared: all of rkt's. Fails on a column rkt shows that the Table lacks
/// (it could drift unseen).
fn common_columns(kind: Kind, snap: &Snapshot, now: Timestamp) -> Vec<&'static str> {
    let Some(cells) = snap.rkt.cells(now).into_values().next() else {
        return Vec::new();
    };
    let titles: Vec<&'static str> = cells.iter().map(|(t, _)| *t).collect();
    for t in &titles {
        assert!(
            *t == NAMESPACE || snap.server.columns.iter().any(|c| c == t),
            "{}: rkt's column {t} has no counterpart in the server's Table columns {:?}",
            kind.name(),
            snap.server.columns
        );
    }
    titles
}

/// Compares every kind; panics with every differing cell. Returns the compared columns
/// and row counts per kind, for the caller's own expectations.
async fn compare_all(client: &Client) -> BTreeMap<&'static str, (Vec<&'static str>, usize)> {
    let mut report = String::new();
    let mut compared = BTreeMap::new();
    for kind in KINDS {
        let snap = snapshot(client, kind).await;
        let seconds = snap.before.as_second()..=snap.after.as_second();
        let mut best: Option<(Timestamp, Vec<String>)> = None;
        for s in seconds {
            let now = Timestamp::from_second(s).unwrap();
            let diffs = differences(kind, &snap, now);
            if best.as_ref().is_none_or(|(_, b)| diffs.len() < b.len()) {
                best = Some((now, diffs));
            }
        }
        let (now, diffs) = best.expect("at least one instant");
        if !diffs.is_empty() {
            writeln!(
                report,
                "{} at resourceVersion {} (rkt rendered at {now}; the Table was printed \
                 between {} and {}):",
                kind.name(),
                snap.server.rv,
                snap.before,
                snap.after
            )
            .unwrap();
            for d in diffs {
                writeln!(report, "  {d}").unwrap();
            }
        }
        compared.insert(
            kind.name(),
            (common_columns(kind, &snap, now), snap.server.rows.len()),
        );
    }
    assert!(
        report.is_empty(),
        "rkt's cells disagree with the server-side Tables (what kubectl prints):\n{report}"
    );
    compared
}

fn assert_columns(
    compared: &BTreeMap<&'static str, (Vec<&'static str>, usize)>,
    kind: &str,
    want: &[&str],
) {
    let (columns, _) = &compared[kind];
    assert_eq!(columns, want, "{kind}: the columns compared");
}

#[test]
fn demo_rows_agree_with_server_side_tables() {
    let cluster = TestCluster::demo();
    let rt = runtime();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));
    rt.block_on(create_extras(&client));
    rt.block_on(settle(&client));
    crafted_pods(&cluster);
    let ks = pod_names(&cluster, "kube-system");
    let long_ago = [
        SignedDuration::from_secs(5 * 60 + 2),
        SignedDuration::from_hours(3) + SignedDuration::from_mins(5),
        SignedDuration::from_hours(50),
        SignedDuration::from_hours(400 * 24),
    ];
    let restarted: Vec<(&str, &str, SignedDuration)> = ks
        .iter()
        .zip(long_ago)
        .map(|(name, ago)| ("kube-system", name.as_str(), ago))
        .collect();
    assert_eq!(restarted.len(), long_ago.len(), "kube-system pods: {ks:?}");
    restarted_long_ago(&cluster, &restarted);

    let compared = rt.block_on(compare_all(&client));

    assert_columns(
        &compared,
        "pods",
        &[
            "NAMESPACE",
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
        ],
    );
    assert_columns(
        &compared,
        "deployments",
        &[
            "NAMESPACE",
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "IMAGES",
        ],
    );
    assert_columns(
        &compared,
        "statefulsets",
        &["NAMESPACE", "NAME", "READY", "AGE", "IMAGES"],
    );
    assert_columns(
        &compared,
        "daemonsets",
        &[
            "NAMESPACE",
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "IMAGES",
        ],
    );
    assert_columns(
        &compared,
        "services",
        &["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "AGE"],
    );
    for kind in KINDS {
        assert!(compared[kind.name()].1 > 0, "{}: no rows", kind.name());
    }

    // The demo never stops: liveness-http keeps failing its probe and being restarted.
    // Once the kubelet has restarted it twice, compare again (RESTARTS "2 (1s ago)",
    // CrashLoopBackOff or Running) in the middle of that.
    common::wait_for("liveness-http to restart twice", 60, || {
        let pod = cluster
            .sim
            .store
            .get(&PODS, "default", "liveness-http")
            .ok()?;
        let restarts = pod.value["status"]["containerStatuses"][0]["restartCount"].as_i64()?;
        (restarts >= 2).then_some(())
    });
    rt.block_on(compare_all(&client));
}

#[test]
fn scale_rows_agree_with_server_side_tables() {
    let cluster = TestCluster::start(SimConfig {
        seed: Seed::Scale {
            pods: 300,
            namespaces: 3,
        },
        ..SimConfig::test()
    });
    let rt = runtime();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));
    rt.block_on(settle(&client));
    let compared = rt.block_on(compare_all(&client));
    let (_, pods) = &compared["pods"];
    assert!(*pods >= 300, "pods compared: {pods}");
}

/// Under churn (readiness flips, restarts, deletions, replacements going Pending →
/// ContainerCreating → Running), without waiting for anything to settle: the snapshots
/// at one resourceVersion must still agree, whatever state each pod is in. The demo's
/// human-paced timing keeps pods Terminating, ContainerCreating or not yet Ready for a
/// second or two, so every comparison sees some of them.
#[test]
fn rows_agree_under_churn() {
    let cluster = TestCluster::start(SimConfig {
        seed: Seed::Scale {
            pods: 300,
            namespaces: 3,
        },
        churn: 20,
        timing: rkt_sim::Timing::demo(),
        ..SimConfig::test()
    });
    let rt = runtime();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));
    // Let deletions and replacements pile up into every state.
    std::thread::sleep(Duration::from_secs(2));
    for _ in 0..4 {
        rt.block_on(compare_all(&client));
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// kubectl's `duration.HumanDuration` is implemented twice, in rkt's formatting and in the
/// simulator's printers (which must stay independent): both must give kubectl's text for
/// seconds, minutes, hours, days and years, at every boundary.
#[test]
fn both_human_durations_print_kubectls_text() {
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    let cases: &[(i64, &str)] = &[
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (1, "1s"),
        (59, "59s"),
        (119, "119s"),
        (2 * MIN, "2m"),
        (5 * MIN + 2, "5m2s"),
        (9 * MIN + 59, "9m59s"),
        (10 * MIN, "10m"),
        (10 * MIN + 59, "10m"),
        (3 * HOUR - 1, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 5 * MIN + 59, "3h5m"),
        (8 * HOUR - 1, "7h59m"),
        (8 * HOUR, "8h"),
        (48 * HOUR - 1, "47h"),
        (2 * DAY, "2d"),
        (2 * DAY + 2 * HOUR, "2d2h"),
        (8 * DAY - 1, "7d23h"),
        (8 * DAY, "8d"),
        (400 * DAY, "400d"),
        (2 * 365 * DAY - 1, "729d"),
        (2 * 365 * DAY, "2y"),
        (740 * DAY, "2y10d"),
        (8 * 365 * DAY - 1, "7y364d"),
        (8 * 365 * DAY, "8y"),
        (20 * 365 * DAY, "20y"),
    ];
    let mut wrong = String::new();
    for &(secs, want) in cases {
        let rkt = rkt::model::format::human_duration(secs);
        let sim = rkt_sim::api::table::human_duration(secs);
        if rkt != want || sim != want {
            writeln!(wrong, "{secs}s: kubectl {want:?}, rkt {rkt:?}, sim {sim:?}").unwrap();
        }
    }
    assert!(wrong.is_empty(), "human durations differ:\n{wrong}");
}

/// The ages around those durations: rkt's `format::age` and the simulator's `Now::since`
/// must count whole seconds as Go's `int(d.Seconds())` (toward zero), also for fractional
/// instants (MicroTime) and timestamps slightly ahead of the clock.
#[test]
fn both_ages_count_seconds_like_kubectl() {
    let t: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
    let cases: &[(&str, &str)] = &[
        ("2026-01-01T12:00:00Z", "0s"),
        ("2026-01-01T12:00:00.999Z", "0s"),
        ("2026-01-01T12:01:59.999Z", "119s"),
        ("2026-01-01T12:02:00Z", "2m"),
        ("2026-01-01T12:05:02.5Z", "5m2s"),
        ("2026-01-01T15:05:00Z", "3h5m"),
        ("2026-01-03T14:00:00Z", "2d2h"),
        ("2027-02-05T12:00:00Z", "400d"),
        ("2026-01-01T11:59:59.5Z", "0s"),
        ("2026-01-01T11:59:58.5Z", "0s"),
        ("2026-01-01T11:59:57.5Z", "<invalid>"),
    ];
    let mut wrong = String::new();
    for &(now, want) in cases {
        let now: Timestamp = now.parse().unwrap();
        let rkt = rkt::model::format::age(Some(t), now);
        let sim = rkt_sim::api::table::Now(now).since(&json!(t.to_string()));
        if rkt != want || sim != want {
            writeln!(
                wrong,
                "at {now}: kubectl {want:?}, rkt {rkt:?}, sim {sim:?}"
            )
            .unwrap();
        }
    }
    // A MicroTime (an event's eventTime) 0.7 s before a whole second.
    let micro = json!("2026-01-01T12:00:00.300000Z");
    let sim = rkt_sim::api::table::Now("2026-01-01T12:00:01Z".parse().unwrap()).since(&micro);
    if sim != "0s" {
        writeln!(wrong, "MicroTime 0.7 s ago: kubectl \"0s\", sim {sim:?}").unwrap();
    }
    assert!(wrong.is_empty(), "ages differ:\n{wrong}");
}
