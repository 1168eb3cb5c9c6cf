//! Port-forward throughput against an in-process simulated cluster (prints numbers; not a test).
//!
//! `cargo bench --bench portforward` — connections/s (sequential and 8 concurrent clients),
//! requests/s on one kept-alive connection, and bytes/s uploaded through one forward to
//! `service/hello-minikube:8080` (the pod's responder reads and drops request bodies).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use rkt::cluster::portforward::{ForwardManager, ForwardSpec, TargetKind, TargetRef};
use rkt_sim::SimConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SEQUENTIAL: usize = 300;
const CLIENTS: usize = 8;
const PER_CLIENT: usize = 100;
const KEEPALIVE_REQUESTS: usize = 2000;
/// The responder drops bodies up to 1 MiB.
const UPLOAD_BODY: usize = 1024 * 1024;
const UPLOADS: usize = 64;

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

/// Reads one HTTP response (headers and a Content-Length body); returns its size.
async fn read_response(r: &mut tokio::io::BufReader<TcpStream>) -> anyhow::Result<usize> {
    use tokio::io::AsyncBufReadExt;
    let mut total = 0;
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        let n = r.read_line(&mut line).await?;
        anyhow::ensure!(n > 0, "connection closed mid-response");
        total += n;
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse()?;
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).await?;
    Ok(total + length)
}

/// `count` requests with `body` bytes each on one kept-alive connection.
async fn keepalive(addr: SocketAddr, count: usize, body: usize) -> anyhow::Result<usize> {
    let mut r = tokio::io::BufReader::new(TcpStream::connect(addr).await?);
    let payload = vec![b'x'; body];
    let method = if body == 0 { "GET" } else { "POST" };
    let head = format!("{method} / HTTP/1.1\r\nHost: bench\r\nContent-Length: {body}\r\n\r\n");
    let mut received = 0;
    for _ in 0..count {
        r.get_mut().write_all(head.as_bytes()).await?;
        r.get_mut().write_all(&payload).await?;
        received += read_response(&mut r).await?;
    }
    Ok(received)
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
    let sim = rkt_sim::start(SimConfig::test()).await?;
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

    let t = Instant::now();
    keepalive(addr, KEEPALIVE_REQUESTS, 0).await?;
    let d = t.elapsed();
    println!(
        "keep-alive: {KEEPALIVE_REQUESTS} requests on one connection in {:.2?}: {:.0} req/s",
        d,
        rate(KEEPALIVE_REQUESTS as f64, d),
    );

    let t = Instant::now();
    keepalive(addr, UPLOADS, UPLOAD_BODY).await?;
    let d = t.elapsed();
    let sent = (UPLOADS * UPLOAD_BODY) as f64;
    println!(
        "upload: {UPLOADS} x {} KiB through one connection in {:.2?}: {}",
        UPLOAD_BODY / 1024,
        d,
        human_bytes(rate(sent, d)),
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
