//! Micro-benchmarks of the hot paths at scale: object → row conversion, applying a burst of
//! watch events, one filter keystroke and drawing one 160×48 frame, at 10k and 100k rows.
//!
//! `cargo bench --bench core` (add `-- --quick` for a shorter run).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rkt::effect::Scope;
use rkt::keymap::Keymap;
use rkt::model::convert::{pod_row, Interner};
use rkt::model::rows::{Health, PodRow, Rows};
use rkt::msg::{KubeMsg, Msg, WatchEvent};
use rkt::state::pods::PodTable;
use rkt::state::{update, AppState, ClusterInfo};
use rkt::theme::Theme;

const SIZES: [usize; 2] = [10_000, 100_000];

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
                term.draw(|f| rkt::ui::render(&st, &theme, &keymap, f))
                    .unwrap();
            })
        });
    }
}

criterion_group!(
    benches,
    bench_convert,
    bench_update,
    bench_filter,
    bench_render
);
criterion_main!(benches);
