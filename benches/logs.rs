//! Follows a simulated pod that logs as fast as the simulation can and prints lines/s,
//! batch sizes and peak memory. Not a test: it asserts nothing, it measures.
//!
//! `cargo bench --bench logs` — knobs (environment):
//! - `RKT_BENCH_SECONDS` (default 10): how long to follow;
//! - `RKT_BENCH_LOG_INTERVAL` (default `1us`): the pod's `sim.rkt.dev/log-interval`;
//! - `RKT_BENCH_CAP` (default 100000): the logs pane's ring buffer cap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use rkt::cluster::logs::{self, LogRequest};
use rkt::state::logs::{ContainerChoice, LogEvent, LogScope, LogStreamKey, LogTarget, LogsState};
use rkt_sim::{Seed, SimConfig};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident and peak resident memory of this process, in KiB (Linux).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let seconds: u64 = env("RKT_BENCH_SECONDS", 10);
    let interval: String = env("RKT_BENCH_LOG_INTERVAL", "1us".to_string());
    let cap: usize = env("RKT_BENCH_CAP", 100_000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let sim = rkt_sim::start(SimConfig {
            seed: Seed::Empty,
            ..SimConfig::test()
        })
        .await
        .expect("simulated cluster starts");
        let kc = Kubeconfig::read_from(&sim.kubeconfig).unwrap();
        let cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .unwrap();
        let client = kube::Client::try_from(cfg).unwrap();
        let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "firehose", "annotations": {"sim.rkt.dev/log-interval": interval}},
            "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/echoserver:1.10"}]}
        }))
        .unwrap();
        pods.create(&PostParams::default(), &pod).await.unwrap();
        let ready_by = Instant::now() + Duration::from_secs(60);
        loop {
            let phase = pods.get("firehose").await.ok().and_then(|p| p.status?.phase);
            if phase.as_deref() == Some("Running") {
                break;
            }
            assert!(Instant::now() < ready_by, "pod never ran");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        let target = LogTarget {
            namespace: "default".into(),
            scope: LogScope::Pod("firehose".into()),
            container: ContainerChoice::Default,
            previous: false,
        };
        let key = LogStreamKey::default();
        let mut pane = LogsState::new(target.clone(), key, cap);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (rss_before, _) = memory_kib();
        let task = logs::spawn(client, LogRequest::follow(target, Some(100)), key, move |m| {
            tx.send(m).is_ok()
        });

        // The app loop's part: drain every pending message, then "draw" once.
        let start = Instant::now();
        let end = start + Duration::from_secs(seconds);
        let (mut lines, mut batches, mut wakeups) = (0u64, 0u64, 0u64);
        let mut rss_mid = 0;
        while Instant::now() < end {
            let Ok(Some(first)) = tokio::time::timeout(end - Instant::now(), rx.recv()).await
            else {
                break;
            };
            wakeups += 1;
            let mut next = Some(first);
            while let Some(m) = next {
                if let LogEvent::Lines(l) = &m.event {
                    lines += l.len() as u64;
                    batches += 1;
                }
                pane.apply(m);
                next = rx.try_recv().ok();
            }
            if rss_mid == 0 && start.elapsed() > Duration::from_secs(seconds) / 2 {
                rss_mid = memory_kib().0;
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        task.abort();
        let (rss, peak) = memory_kib();
        println!("logs benchmark: follow one pod logging every {interval} for {elapsed:.1}s");
        println!("  lines received     {lines}");
        println!("  lines/s            {:.0}", lines as f64 / elapsed);
        println!(
            "  batches            {batches} (avg {:.0} lines), {wakeups} loop wake-ups (= redraws)",
            lines as f64 / batches.max(1) as f64
        );
        println!("  pane buffer        {} lines (cap {cap})", pane.buffer.len());
        println!(
            "  memory             rss {} MiB before, {} MiB at half time, {} MiB at end, peak {} MiB",
            rss_before / 1024,
            rss_mid / 1024,
            rss / 1024,
            peak / 1024
        );
        drop(sim);
    });
}
