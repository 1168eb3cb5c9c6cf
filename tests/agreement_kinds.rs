//! The generic view (any kind by name, kubectl's own columns) must print what `kubectl get`
//! prints. For every kind below, against the demo cluster, in all namespaces and in wide
//! mode, rkt's real path — discovery, resolving the typed name, the server-table
//! list+watch task, a `ResourceView` fed its events until `Synced`, the pane's cells with
//! `all_namespaces` — is compared with `kubectl get NAME [-A] [-o wide]`'s plain text:
//! the same header line, the same rows, every cell the same text (an empty cell empty, as
//! kubectl prints a cell the server sends empty or null).
//!
//! Time:
//! - AGE: rkt computes it from each object's creation time; the apiserver at the instant
//!   it answers kubectl. rkt's cells are rendered for every whole second from just before
//!   kubectl started to just after it ended, and one of those instants must give kubectl's
//!   AGE in every row (as `tests/agreement.rs` does): AGE is compared exactly.
//! - LAST SCHEDULE, DURATION, LAST SEEN, FIRST SEEN: the server's own text, computed from
//!   its clock when it answers. rkt shows the text of its list, kubectl of its later
//!   request: equal, or both kubectl durations that can be the same clock a few seconds
//!   apart (see `compare::durations_agree`; a jump, a wrong unit or `<none>` against a
//!   duration fails).
//!
//! Churn: the demo keeps changing some kinds (events, as its pods restart and fail). Each
//! comparison lists the kind before rkt's read and after kubectl's; only when every
//! object's resourceVersion is unchanged (both reads saw the same objects) are the two
//! compared, else the pair of reads is taken again. A difference is therefore never
//! retried away.
//!
//! Pods, deployments, statefulsets, daemonsets and services open typed views, not this
//! one; `tests/agreement.rs` compares those. `namespaces` is the namespaces pane behind
//! `:ns`, but the generic view serves it the same way as the rest and is compared too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "agreement_kinds/compare.rs"]
mod compare;
#[path = "agreement_kinds/printed.rs"]
mod printed;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use kube::Client;
use rkt::effect::{Scope, Selector, WatchKey, WatchSlot};
use rkt::model::discovery::{ApiKind, Catalog};
use rkt::model::objects::ObjectKind;
use rkt::msg::{KubeMsg, Msg, WatchEvent};
use rkt::state::resources::ResourceView;
use rkt::state::view_table::ViewTable;
use serde_json::Value;

use common::TestCluster;
use compare::{row_differences, Side};
use printed::Printed;

/// A kind as a user types it after `:` (and to kubectl), and what it must resolve to.
struct Case {
    name: &'static str,
    group: &'static str,
    plural: &'static str,
}

const fn case(name: &'static str, group: &'static str, plural: &'static str) -> Case {
    Case {
        name,
        group,
        plural,
    }
}

/// Every kind compared; the demo seeds at least one object of each.
const CASES: &[Case] = &[
    case("cm", "", "configmaps"),
    case("secrets", "", "secrets"),
    case("sa", "", "serviceaccounts"),
    case("no", "", "nodes"),
    case("namespaces", "", "namespaces"),
    case("ep", "", "endpoints"),
    case("pvc", "", "persistentvolumeclaims"),
    case("pv", "", "persistentvolumes"),
    case("events", "", "events"),
    case("events.events.k8s.io", "events.k8s.io", "events"),
    case("rs", "apps", "replicasets"),
    case("controllerrevisions", "apps", "controllerrevisions"),
    case("jobs", "batch", "jobs"),
    case("cj", "batch", "cronjobs"),
    case("endpointslices", "discovery.k8s.io", "endpointslices"),
    case("ing", "networking.k8s.io", "ingresses"),
    case("ingressclasses", "networking.k8s.io", "ingressclasses"),
    case("roles", "rbac.authorization.k8s.io", "roles"),
    case("rolebindings", "rbac.authorization.k8s.io", "rolebindings"),
    case("clusterroles", "rbac.authorization.k8s.io", "clusterroles"),
    case(
        "clusterrolebindings",
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
    ),
    case("sc", "storage.k8s.io", "storageclasses"),
    // The demo's CRD: its objects with their additionalPrinterColumns, and the CRD itself.
    case("crontabs", "stable.example.com", "crontabs"),
    case("crd", "apiextensions.k8s.io", "customresourcedefinitions"),
];

/// Pairs of reads taken before giving up on a kind that never holds still.
const ATTEMPTS: usize = 60;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The collection's path, as the table task builds it.
fn list_path(kind: &ObjectKind) -> String {
    if kind.group.is_empty() {
        format!("/api/{}/{}", kind.version, kind.plural)
    } else {
        format!("/apis/{}/{}/{}", kind.group, kind.version, kind.plural)
    }
}

/// Every object of the kind as (namespace, name, resourceVersion): equal before and after
/// a pair of reads means nothing of this kind changed in between.
async fn fingerprint(client: &Client, kind: &ObjectKind) -> Vec<(String, String, String)> {
    let req = http::Request::get(list_path(kind))
        .body(Vec::new())
        .unwrap();
    let list: Value = client.request(req).await.expect("plain list");
    let mut out: Vec<(String, String, String)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| {
            let m = &o["metadata"];
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("namespace"), s("name"), s("resourceVersion"))
        })
        .collect();
    out.sort();
    out
}

/// Waits (at most a few seconds) until the kind has not changed for a moment: the demo's
/// events come in bursts, and a pair of reads right after one is the likeliest to see
/// the same objects.
async fn wait_still(client: &Client, kind: &ObjectKind) {
    const STILL: Duration = Duration::from_millis(300);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut last = fingerprint(client, kind).await;
    let mut since = tokio::time::Instant::now();
    while since.elapsed() < STILL && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let now = fingerprint(client, kind).await;
        if now != last {
            last = now;
            since = tokio::time::Instant::now();
        }
    }
}

/// rkt's generic view of `api` in all namespaces, fed by the real table task until its
/// first list is complete.
async fn rkt_view(client: &Client, api: Arc<ApiKind>, wide: bool) -> ResourceView {
    let mut view = ResourceView::default();
    view.show(api);
    view.wide = wide;
    let target = view
        .target(&Scope::All, Selector::default())
        .expect("a kind is shown");
    let key = WatchKey {
        slot: WatchSlot::Main,
        gen: 1,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = rkt::cluster::tables::spawn(client.clone(), key, target, tx);
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("the table task answers within 30s")
            .expect("the table task keeps its channel open");
        let Msg::Kube(KubeMsg { key: k, event }) = msg else {
            continue;
        };
        assert_eq!(k, key);
        match event {
            WatchEvent::Error(e) => panic!("the table task failed: {e}"),
            WatchEvent::Synced => {
                view.apply(WatchEvent::Synced);
                break;
            }
            other => view.apply(other),
        }
    }
    task.abort();
    view.refresh();
    view
}

/// rkt's view and kubectl's output of one kind, read while the kind held still.
struct Reads {
    view: ResourceView,
    printed: Printed,
    /// Just before rkt's list was requested.
    rkt_before: Timestamp,
    /// Around kubectl's run.
    kubectl_before: Timestamp,
    kubectl_after: Timestamp,
    attempts: usize,
}

fn kubectl_args(case: &Case, api: &ApiKind, wide: bool) -> Vec<&'static str> {
    let mut args = vec!["get", case.name];
    if api.object.namespaced {
        args.push("-A");
    }
    if wide {
        args.extend(["-o", "wide"]);
    }
    args
}

/// Runs kubectl and returns its stdout, failing the test on an error exit.
fn kubectl(cluster: &TestCluster, args: &[&str]) -> String {
    cluster.kubectl_ok(args).expect("kubectl is installed")
}

fn read_both(
    cluster: &TestCluster,
    rt: &tokio::runtime::Runtime,
    client: &Client,
    case: &Case,
    api: &Arc<ApiKind>,
    wide: bool,
) -> Reads {
    let args = kubectl_args(case, api, wide);
    for attempt in 1..=ATTEMPTS {
        let before = rt.block_on(fingerprint(client, &api.object));
        let rkt_before = Timestamp::now();
        let view = rt.block_on(rkt_view(client, api.clone(), wide));
        let kubectl_before = Timestamp::now();
        let out = kubectl(cluster, &args);
        let kubectl_after = Timestamp::now();
        let after = rt.block_on(fingerprint(client, &api.object));
        if before != after {
            rt.block_on(wait_still(client, &api.object));
            continue;
        }
        let printed = printed::parse(&out)
            .unwrap_or_else(|e| panic!("kubectl {}: {e}:\n{out}", args.join(" ")));
        return Reads {
            view,
            printed,
            rkt_before,
            kubectl_before,
            kubectl_after,
            attempts: attempt,
        };
    }
    panic!(
        "kubectl {}: the kind changed during each of {ATTEMPTS} pairs of reads",
        args.join(" ")
    );
}

/// rkt's headers and rows as the pane draws them at `now`.
fn rkt_table(view: &ResourceView, now: Timestamp) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers = Vec::new();
    let rows = view
        .table
        .rows()
        .map(|row| {
            let cells = rkt::ui::resources::cells(view, row, true, now);
            headers = cells.iter().map(|(h, _)| h.clone()).collect();
            cells.into_iter().map(|(_, t)| t).collect()
        })
        .collect();
    (headers, rows)
}

/// What one comparison found.
struct Outcome {
    headers: Vec<String>,
    rows: usize,
    differences: Vec<String>,
    attempts: usize,
}

/// Compares the two reads: headers in order, then rows at the best instant of kubectl's
/// run (fewest differences).
fn compare(reads: &Reads) -> Outcome {
    let theirs = Side {
        headers: &reads.printed.headers,
        rows: &reads.printed.rows,
    };
    let elapsed = reads
        .kubectl_after
        .duration_since(reads.rkt_before)
        .as_secs()
        + 1;
    let mut best: Option<(Vec<String>, Vec<String>)> = None;
    for s in reads.kubectl_before.as_second()..=reads.kubectl_after.as_second() {
        let now = Timestamp::from_second(s).unwrap();
        let (headers, rows) = rkt_table(&reads.view, now);
        let mut diffs = Vec::new();
        if headers != reads.printed.headers && !rows.is_empty() {
            diffs.push(format!(
                "headers: rkt {headers:?}, kubectl {:?}",
                reads.printed.headers
            ));
        } else {
            let ours = Side {
                headers: &headers,
                rows: &rows,
            };
            diffs = row_differences(&ours, &theirs, elapsed);
        }
        if best.as_ref().is_none_or(|(_, b)| diffs.len() < b.len()) {
            best = Some((headers, diffs));
        }
    }
    let (headers, differences) = best.expect("kubectl ran for at least an instant");
    Outcome {
        headers,
        rows: reads.view.table.len(),
        differences,
        attempts: reads.attempts,
    }
}

/// The demo's kinds resolved as `:` resolves them.
fn resolve_all(catalog: &Catalog) -> Vec<(&'static Case, Arc<ApiKind>)> {
    CASES
        .iter()
        .map(|c| {
            let api = catalog
                .resolve(c.name)
                .unwrap_or_else(|| panic!("discovery has no {:?}", c.name));
            assert_eq!(
                (&*api.object.group, &*api.object.plural),
                (c.group, c.plural),
                "{:?} resolves to the wrong resource",
                c.name
            );
            (c, api)
        })
        .collect()
}

#[test]
fn generic_views_print_what_kubectl_get_prints() {
    if common::kubectl_path().is_none() {
        return;
    }
    let cluster = TestCluster::demo();
    let rt = runtime();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));
    let catalog = rt
        .block_on(rkt::cluster::discovery::discover(&client))
        .expect("discovery");
    let kinds = resolve_all(&catalog);

    let mut report = String::new();
    let mut summary = String::new();
    let mut compared: BTreeMap<String, usize> = BTreeMap::new();
    for wide in [false, true] {
        for (case, api) in &kinds {
            let reads = read_both(&cluster, &rt, &client, case, api, wide);
            let outcome = compare(&reads);
            let args = kubectl_args(case, api, wide).join(" ");
            writeln!(
                summary,
                "kubectl {args}: {} rows, {} (reads taken {}x)",
                outcome.rows,
                outcome.headers.join(" | "),
                outcome.attempts
            )
            .unwrap();
            if !outcome.differences.is_empty() {
                writeln!(report, "kubectl {args}:").unwrap();
                for d in &outcome.differences {
                    writeln!(report, "  {d}").unwrap();
                }
            }
            // Every kind compared is one the demo seeds: an empty table would compare
            // nothing.
            assert!(outcome.rows > 0, "kubectl {args}: no rows to compare");
            assert!(
                !outcome.headers.is_empty(),
                "kubectl {args}: no columns to compare"
            );
            if !wide {
                compared.insert(api.qualified_name(), outcome.rows);
            }
        }
    }
    eprintln!("compared:\n{summary}");
    assert!(
        report.is_empty(),
        "rkt's generic views differ from kubectl get:\n{report}"
    );
    assert!(
        compared.len() >= 14,
        "only {} kinds compared: {compared:?}",
        compared.len()
    );
    assert!(
        compared.contains_key("crontabs.stable.example.com"),
        "the CRD's own resource was not compared: {compared:?}"
    );
    assert_eq!(
        compared["crontabs.stable.example.com"], 3,
        "the demo's CronTabs"
    );
}

/// A custom resource whose printer columns find nothing (a missing field, an empty
/// string): the server sends `null` and `""`, and rkt must print what kubectl prints.
#[test]
fn crd_cells_without_a_value_print_as_kubectl_prints_them() {
    if common::kubectl_path().is_none() {
        return;
    }
    let cluster = TestCluster::demo();
    cluster
        .kubectl_stdin_ok(
            &["apply", "-f", "-"],
            "apiVersion: stable.example.com/v1\nkind: CronTab\n\
             metadata: {name: bare, namespace: kube-public}\nspec: {cronSpec: \"\"}\n",
        )
        .expect("kubectl is installed");
    let rt = runtime();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));
    let catalog = rt
        .block_on(rkt::cluster::discovery::discover(&client))
        .expect("discovery");
    let (case, api) = resolve_all(&catalog)
        .into_iter()
        .find(|(c, _)| c.plural == "crontabs")
        .expect("the crontabs case");
    let mut report = String::new();
    for wide in [false, true] {
        let reads = read_both(&cluster, &rt, &client, case, &api, wide);
        let bare = reads
            .printed
            .rows
            .iter()
            .find(|r| r.get(1).map(String::as_str) == Some("bare"))
            .expect("kubectl shows the bare CronTab");
        // Nothing found by SPEC, REPLICAS (and IMAGE): kubectl prints empty cells.
        assert_eq!(bare.get(2).map(String::as_str), Some(""), "{bare:?}");
        let outcome = compare(&reads);
        assert_eq!(outcome.rows, 4);
        for d in &outcome.differences {
            writeln!(report, "wide={wide}: {d}").unwrap();
        }
    }
    assert!(
        report.is_empty(),
        "rkt's crontabs view differs from kubectl get:\n{report}"
    );
}
