//! Port-forward throughput against an in-process simulated cluster (prints numbers; not a test).
//!
//! `cargo bench --bench portforward` — connections/s (sequential and 8 concurrent clients)
//! and bytes/s through one forward to `service/hello-minikube:8080`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use rkt::cluster::portforward::{ForwardManager, ForwardSpec, TargetKind, TargetRef};
use rkt::sim::SimConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SEQUENTIAL: usize = 300;
const CLIENTS: usize = 8;
const PER_CLIENT: usize = 100;

async fn get(addr: SocketAddr, path: &str) -> anyhow::Result<usize> {
    let mut s = TcpStream::connect(addr).await?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    anyhow::ensure!(
        buf.starts_with(b"HTTP/1.1 200"),
        "bad response: {}",
        String::from_utf8_lossy(&buf)
    );
    Ok(buf.len())
}

fn rate(n: f64, d: Duration) -> f64 {
    n / d.as_secs_f64().max(1e-9)
}

fn human_bytes(per_sec: f64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if per_sec >= MIB {
        format!("{:.1} MiB/s", per_sec / MIB)
    } else {
        format!("{:.1} KiB/s", per_sec / 1024.0)
    }
}

async fn bench() -> anyhow::Result<()> {
    let sim = rkt::sim::start(SimConfig::test()).await?;
    let kc = Kubeconfig::read_from(&sim.kubeconfig)?;
    let client =
        Client::try_from(Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await?)?;
    let (mut pf, _statuses) = ForwardManager::with_channel(client);
    let target = TargetRef::new(TargetKind::Service, "default", "hello-minikube");
    let started = pf.start(ForwardSpec::new(target, 0, 8080))?;
    let addr = started.local;

    // Warm up: the first connection waits for the pod list and a ready pod.
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(addr, "/").await.is_err() {
        anyhow::ensure!(Instant::now() < deadline, "forward never served a request");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..SEQUENTIAL {
        bytes += get(addr, "/").await?;
    }
    let d = t.elapsed();
    println!(
        "sequential: {SEQUENTIAL} connections in {:.2?}: {:.0} conn/s, {:.2} ms/conn, {}",
        d,
        rate(SEQUENTIAL as f64, d),
        d.as_secs_f64() * 1000.0 / SEQUENTIAL as f64,
        human_bytes(rate(bytes as f64, d)),
    );

    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        tasks.push(tokio::spawn(async move {
            let mut bytes = 0;
            for _ in 0..PER_CLIENT {
                bytes += get(addr, "/").await?;
            }
            anyhow::Ok(bytes)
        }));
    }
    let mut bytes = 0;
    for task in tasks {
        bytes += task.await??;
    }
    let d = t.elapsed();
    let n = CLIENTS * PER_CLIENT;
    println!(
        "concurrent: {CLIENTS} clients x {PER_CLIENT} connections in {:.2?}: {:.0} conn/s, {}",
        d,
        rate(n as f64, d),
        human_bytes(rate(bytes as f64, d)),
    );

    pf.stop_all().await;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // `cargo test --benches` runs bench binaries with no arguments; `cargo bench` passes --bench.
    if !std::env::args().any(|a| a == "--bench") {
        println!("portforward bench: run with `cargo bench --bench portforward`");
        return Ok(());
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(bench())
}
