//! Micro-benchmarks of the hot paths at scale: object → row conversion, applying a burst of
//! watch events, one filter keystroke and drawing one 160×48 frame, at 10k and 100k rows;
//! and the generic view's rows: a server Table of 10 000 ConfigMaps parsed and converted,
//! and the heap each row keeps beyond its cell text (counted by this binary's allocator).
//!
//! `cargo bench --bench core` (add `-- --quick` for a shorter run).
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The counting global allocator below is the only unsafe code: it forwards to `System`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rkt::effect::Scope;
use rkt::keymap::Keymap;
use rkt::model::convert::{pod_row, Interner};
use rkt::model::metrics::{MetricsAnswer, MetricsSample, Usage};
use rkt::model::rows::{Health, PodRow, Rows};
use rkt::model::table::{rows_of, Cell, TableColumns, TableDoc, TableRowData};
use rkt::msg::{KubeMsg, Msg, WatchEvent};
use rkt::state::pods::PodTable;
use rkt::state::resources::ResourceView;
use rkt::state::view_table::ViewTable;
use rkt::state::{update, AppState, ClusterInfo};
use rkt::theme::Theme;

const SIZES: [usize; 2] = [10_000, 100_000];

/// Live heap bytes of the whole process, kept by [`Counting`].
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting the bytes in use (one relaxed atomic add per call: a few
/// ns on the timed paths, the same for every bench).
struct Counting;

// SAFETY: every call is forwarded unchanged to `System`; only a counter is updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are passed on as they are.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator (that is, from `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live_bytes() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// ConfigMaps in the generic-view benchmarks (the scale seed's `--configmaps` default).
const GENERIC_ROWS: usize = 10_000;
/// Rows per list page, as rkt asks for them.
const PAGE: usize = 500;

/// What the API server answers to `GET .../configmaps` with
/// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and `includeObject=Metadata`: the
/// columns Name, Data, Age and each row's PartialObjectMetadata (as the sim's scale seed
/// makes them, two data keys each).
fn configmap_table_json(n: usize) -> Vec<u8> {
    const APPS: [&str; 8] = [
        "api", "web", "worker", "cache", "auth", "search", "billing", "cart",
    ];
    let rows: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let app = APPS[i % APPS.len()];
            let name = format!("{app}-config-{:05}", i + 1);
            serde_json::json!({
                "cells": [name, 2, "5d"],
                "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": {"name": name, "namespace": "team-00",
                        "uid": format!("0b4a5c1e-7d2f-4e8a-9c3b-{:012x}", i),
                        "resourceVersion": (100_000 + i).to_string(),
                        "creationTimestamp": "2026-01-01T10:00:00Z",
                        "labels": {"app": app, "app.kubernetes.io/part-of": "team-00"}}}
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": "123456"},
        "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "priority": 0,
             "description": "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"},
            {"name": "Data", "type": "integer", "format": "", "priority": 0, "description": ""},
            {"name": "Age", "type": "string", "format": "", "priority": 0,
             "description": "CreationTimestamp is a timestamp representing the server time when this object was created."}],
        "rows": rows,
    }))
    .unwrap()
}

/// The Table document parsed and converted, as rkt's lister does for each page.
fn parse_rows(json: &[u8]) -> (TableColumns, Vec<TableRowData>) {
    let doc: TableDoc = serde_json::from_slice(json).unwrap();
    let columns = TableColumns::from_docs(&doc.column_definitions);
    let rows = rows_of(&doc, &columns);
    (columns, rows)
}

/// A generic view holding `rows`, fed as the lister feeds it (columns, then pages of 500),
/// refreshed as before a frame.
fn generic_view(columns: TableColumns, mut rows: Vec<TableRowData>) -> ResourceView {
    let mut view = ResourceView::default();
    view.set_viewport(45);
    view.apply(WatchEvent::Columns(columns));
    view.apply(WatchEvent::Reset);
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(PAGE));
        view.apply(WatchEvent::Upsert(Rows::Table(rows)));
        rows = rest;
    }
    view.apply(WatchEvent::Synced);
    view.refresh();
    view
}

/// Bytes of cell text a row holds (what the budget excludes).
fn cell_text_bytes(row: &TableRowData) -> usize {
    row.cells
        .iter()
        .map(|c| match c {
            Cell::Text(s) => s.len(),
            _ => 0,
        })
        .sum()
}

/// Heap a generic row keeps, measured: live bytes with 10 000 ConfigMap rows held in a
/// refreshed generic view, less those before the document was parsed; split into the rows
/// themselves (an exactly sized vector of them) and the table's bookkeeping (slots, key
/// index, sort order, filtered view). Printed, not asserted (budget: 1 KB a row beyond its
/// cell text).
fn report_generic_row_memory(json: &[u8]) {
    let before = live_bytes();
    let (columns, mut rows) = parse_rows(json);
    rows.shrink_to_fit();
    let rows_only = live_bytes() - before;
    let n = rows.len();
    let text: usize = rows.iter().map(cell_text_bytes).sum();
    let names: usize = rows.iter().map(|r| r.name.len()).sum();
    let view = generic_view(columns, rows);
    let held = live_bytes() - before;
    assert_eq!(view.counts().1, n);
    let per = |bytes: isize| bytes as f64 / n as f64;
    let text_per_row = text as f64 / n as f64;
    println!(
        "generic row: {:.0} B/row beyond cell text (budget 1024); {:.0} B/row held in all, \
         of which {text_per_row:.1} B cell text ({n} ConfigMap rows, columns Name/Data/Age)",
        per(held) - text_per_row,
        per(held),
    );
    println!(
        "  of that: the row {:.0} B (TableRowData {} B + {} cells × {} B + name and namespace \
         Arc<str>, name {:.1} B), the table's slots/index/order {:.0} B",
        per(rows_only),
        std::mem::size_of::<TableRowData>(),
        view.columns.len(),
        std::mem::size_of::<Cell>(),
        names as f64 / n as f64,
        per(held - rows_only),
    );
    drop(view);
}

/// A server Table of 10 000 ConfigMaps: JSON → rows (parse, columns, conversion), and
/// those rows into the generic view (pages of 500, then one refresh).
fn bench_generic(c: &mut Criterion) {
    let json = configmap_table_json(GENERIC_ROWS);
    report_generic_row_memory(&json);
    // One-off per-row figures (best of 5), printed next to criterion's own.
    let best = |f: &dyn Fn() -> Duration| (0..10).map(|_| f()).min().unwrap_or_default();
    let parse = best(&|| {
        let t = Instant::now();
        black_box(parse_rows(&json));
        t.elapsed()
    });
    let serde_only = best(&|| {
        let t = Instant::now();
        black_box(serde_json::from_slice::<TableDoc>(&json).unwrap());
        t.elapsed()
    });
    let apply = best(&|| {
        let (columns, rows) = parse_rows(&json);
        let t = Instant::now();
        let view = generic_view(columns, rows);
        let elapsed = t.elapsed();
        drop(black_box(view));
        elapsed
    });
    let per_row = |d: Duration| d.as_secs_f64() * 1e9 / GENERIC_ROWS as f64;
    println!(
        "generic row: Table JSON → row {:.0} ns/row ({:.2} ms for {GENERIC_ROWS}, {} KB of JSON; \
         serde into TableDoc alone {:.0} ns/row); into the view + refresh {:.0} ns/row ({:.2} ms)",
        per_row(parse),
        parse.as_secs_f64() * 1e3,
        json.len() / 1024,
        per_row(serde_only),
        per_row(apply),
        apply.as_secs_f64() * 1e3,
    );

    let mut group = c.benchmark_group("generic");
    group.throughput(Throughput::Elements(GENERIC_ROWS as u64));
    group.bench_function("Table JSON → rows, 10k configmaps", |b| {
        b.iter(|| black_box(parse_rows(&json)))
    });
    let (columns, rows) = parse_rows(&json);
    group.bench_function("rows → generic view + refresh, 10k configmaps", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (columns, rows) = (columns.clone(), rows.clone());
                let t = Instant::now();
                let view = generic_view(columns, rows);
                total += t.elapsed();
                drop(black_box(view));
            }
            total
        })
    });
    group.finish();
}

/// A pod as the scale seed makes it: Deployment-owned, running, one or two containers.
fn pod(i: usize) -> Pod {
    let name = format!("api-{}-5d8f7c9b6-{:05x}", i / 25, i);
    serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": format!("team-{:02}", i % 50),
            "uid": "0b4a5c1e-7d2f-4e8a-9c3b-1f2e3d4c5b6a", "resourceVersion": "123456",
            "creationTimestamp": "2026-01-01T10:00:00Z",
            "labels": {"app": "api-1", "pod-template-hash": "5d8f7c9b6"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "api-1-5d8f7c9b6", "uid": "1c2d", "controller": true}]},
        "spec": {"nodeName": format!("minikube-m{:02}", i / 110 % 900 + 2),
            "containers": [
                {"name": "api", "image": "ghcr.io/acme/api:2.14.1", "ports": [{"containerPort": 8080}]},
                {"name": "log-shipper", "image": "fluent/fluent-bit:3.1"}]},
        "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", i / 254 % 254, i % 254 + 1),
            "hostIP": "192.168.49.3", "startTime": "2026-01-01T10:00:01Z",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "api", "image": "ghcr.io/acme/api:2.14.1", "imageID": "", "ready": true,
                 "restartCount": i32::from(i.is_multiple_of(37)), "state": {"running": {"startedAt": "2026-01-01T10:00:02Z"}}},
                {"name": "log-shipper", "image": "fluent/fluent-bit:3.1", "imageID": "", "ready": true,
                 "restartCount": 0, "state": {"running": {"startedAt": "2026-01-01T10:00:02Z"}}}]}
    }))
    .unwrap()
}

fn rows(n: usize) -> Vec<PodRow> {
    let mut interner = Interner::default();
    (0..n)
        .map(|i| pod_row(&pod(i), &mut interner).unwrap())
        .collect()
}

fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

/// An app state in all-namespaces view holding `n` listed pods, refreshed.
fn state_with(n: usize) -> AppState {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "bench".into(),
            server: "http://127.0.0.1:1".into(),
            version: Some("v1.33.0".into()),
            ..ClusterInfo::default()
        },
        Scope::All,
        now(),
    );
    st.size = (160, 48);
    let _ = st.start();
    let key = st.main_watch.key.unwrap();
    let kube = |event| Msg::Kube(KubeMsg { key, event });
    update(&mut st, kube(WatchEvent::Reset));
    for chunk in rows(n).chunks(2048) {
        update(
            &mut st,
            kube(WatchEvent::Upsert(Rows::Pods(chunk.to_vec()))),
        );
    }
    update(&mut st, kube(WatchEvent::Synced));
    st.refresh();
    st
}

fn bench_convert(c: &mut Criterion) {
    let pods: Vec<Pod> = (0..1000).map(pod).collect();
    c.bench_function("convert/pod_row (per pod)", |b| {
        let mut interner = Interner::default();
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % pods.len();
            black_box(pod_row(&pods[i], &mut interner))
        })
    });
}

/// Times `work` on `st` with a fresh copy of `base` as the pods table each iteration
/// (the copy is not timed).
fn timed_on_copy(
    c: &mut Criterion,
    name: &str,
    st: &mut AppState,
    base: &PodTable,
    prepare: impl Fn(&mut AppState),
    work: impl Fn(&mut AppState),
) {
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                st.pods = base.clone();
                prepare(st);
                let t = Instant::now();
                work(st);
                total += t.elapsed();
            }
            total
        })
    });
}

/// A burst of 10 000 status changes arriving while `n` rows are held, then the one refresh
/// the next frame does.
fn bench_update(c: &mut Criterion) {
    for n in SIZES {
        let mut st = state_with(n);
        let base = st.pods.clone();
        let key = st.main_watch.key.unwrap();
        let burst: Vec<PodRow> = rows(10_000)
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r.status = if i % 2 == 0 {
                    "CrashLoopBackOff".into()
                } else {
                    "Running".into()
                };
                r.health = Health::Error;
                r.restarts += 1;
                r
            })
            .collect();
        let msgs: Vec<Msg> = burst
            .chunks(2048)
            .map(|c| {
                Msg::Kube(KubeMsg {
                    key,
                    event: WatchEvent::Upsert(Rows::Pods(c.to_vec())),
                })
            })
            .collect();
        timed_on_copy(
            c,
            &format!("update/burst of 10k events at {n} rows"),
            &mut st,
            &base,
            |_| {},
            |st| {
                for m in msgs.iter().cloned() {
                    update(st, m);
                }
                st.refresh();
            },
        );
    }
}

fn bench_filter(c: &mut Criterion) {
    for n in SIZES {
        let mut st = state_with(n);
        let base = st.pods.clone();
        timed_on_copy(
            c,
            &format!("filter/first keystroke at {n} rows"),
            &mut st,
            &base,
            |_| {},
            |st| {
                st.pods.set_filter("a");
                st.refresh();
            },
        );
        // One more character typed: "api-1" → "api-12" (narrows the current view).
        timed_on_copy(
            c,
            &format!("filter/next keystroke at {n} rows"),
            &mut st,
            &base,
            |st| {
                st.pods.set_filter("api-1");
                st.refresh();
            },
            |st| {
                st.pods.set_filter("api-12");
                st.refresh();
            },
        );
    }
}

fn bench_render(c: &mut Criterion) {
    let theme = Theme::default_theme();
    for n in SIZES {
        let st = state_with(n);
        let keymap = st.keymap.clone();
        let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
        c.bench_function(&format!("render/frame 160x48 at {n} rows"), |b| {
            b.iter(|| {
                term.draw(|f| {
                    rkt::ui::render(&st, &theme, &keymap, f);
                })
                .unwrap();
            })
        });
        // The same with every pod's metrics known: the columns format the visible rows only.
        let st = with_metrics(state_with(n));
        c.bench_function(
            &format!("render/frame 160x48 at {n} rows with metrics"),
            |b| {
                b.iter(|| {
                    term.draw(|f| {
                        rkt::ui::render(&st, &theme, &keymap, f);
                    })
                    .unwrap();
                })
            },
        );
    }
}

/// `st` after discovery named metrics.k8s.io and the read of its pods answered for every pod.
fn with_metrics(mut st: AppState) -> AppState {
    let res = |plural: &str, kind: &str, scope: &str| {
        serde_json::json!({"resource": plural, "scope": scope, "responseKind": {"kind": kind},
                           "verbs": ["get", "list"]})
    };
    let mut catalog = rkt::model::discovery::Catalog::default();
    catalog
        .add_aggregated(&serde_json::json!({"kind": "APIGroupDiscoveryList", "items": [
            {"metadata": {"name": "metrics.k8s.io"}, "versions": [{"version": "v1beta1", "resources": [
                res("nodes", "NodeMetrics", "Cluster"), res("pods", "PodMetrics", "Namespaced")]}]}]}))
        .unwrap();
    let effects = update(&mut st, Msg::Discovery(Ok(catalog)));
    let gen = effects
        .iter()
        .find_map(|e| match e {
            rkt::effect::Effect::Metrics(r) => Some(r.gen),
            _ => None,
        })
        .unwrap();
    let usage = st
        .pods
        .rows()
        .map(|r| {
            (
                r.key(),
                Usage {
                    cpu: 12,
                    memory: 34 << 20,
                },
            )
        })
        .collect();
    update(
        &mut st,
        Msg::Metrics(MetricsAnswer {
            gen,
            sample: Ok(MetricsSample::Pods(usage)),
        }),
    );
    assert_eq!(st.metrics.pod_count(), st.pods.len());
    st.refresh();
    st
}

criterion_group!(
    benches,
    bench_generic,
    bench_convert,
    bench_update,
    bench_filter,
    bench_render
);
criterion_main!(benches);
