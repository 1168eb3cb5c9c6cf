//! Whole-process benchmark (run through `benches/scale.sh`): starts `rkt sim --seed scale`,
//! runs the real release `rkt` binary in a 160×48 pseudo-terminal (portable-pty, screen
//! decoded with vt100) and prints the figures of the performance budget. It measures the
//! interactive path only: what a person would see on the terminal, and /proc for the rest.
//!
//! With `--configmaps N` (default 10 000; 0 skips it) the sim also holds N ConfigMaps in
//! team-00, and after the pod figures the benchmark types `:cm` + Enter on the pods view:
//! time from Enter to the first ConfigMap rows and to the whole count in the generic
//! view's title, and the RSS it grew by per row.
//!
//! `cargo bench --bench scale -- [--pods N] [--namespaces M] [--all] [--churn R] [--secs S]
//! [--configmaps N]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

#[path = "../tests/common/procfs.rs"]
mod procfs;

const COLS: u16 = 160;
const ROWS: u16 = 48;

struct Opts {
    pods: usize,
    namespaces: usize,
    all: bool,
    churn: u32,
    churn_secs: u64,
    /// ConfigMaps in team-00 for the generic-view phase (0: no such phase).
    configmaps: usize,
    bin: PathBuf,
}

fn opts() -> Opts {
    let mut o = Opts {
        pods: 10_000,
        namespaces: 1,
        all: false,
        churn: 5000,
        churn_secs: 10,
        configmaps: 10_000,
        bin: PathBuf::from(
            std::env::var("RKT_BIN").unwrap_or_else(|_| "target/release/rkt".into()),
        ),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let next = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--pods" => o.pods = next().parse().expect("--pods N"),
            "--namespaces" => o.namespaces = next().parse().expect("--namespaces M"),
            "--churn" => o.churn = next().parse().expect("--churn R"),
            "--secs" => o.churn_secs = next().parse().expect("--secs S"),
            "--configmaps" => o.configmaps = next().parse().expect("--configmaps N"),
            "--all" => {
                o.all = true;
                i += 1;
                continue;
            }
            _ => {
                i += 1; // cargo passes --bench; ignore what we do not know
                continue;
            }
        }
        i += 2;
    }
    o
}

/// `rkt sim` as a child process; killed on drop.
struct Sim {
    child: Child,
    kubeconfig: PathBuf,
    url: String,
    _dir: tempfile::TempDir,
}

impl Sim {
    fn start(o: &Opts, churn: u32, configmaps: usize) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let started = Instant::now();
        let mut child = Command::new(&o.bin)
            .args(["sim", "--seed", "scale", "--pods", &o.pods.to_string()])
            .args(["--namespaces", &o.namespaces.to_string()])
            .args(["--churn", &churn.to_string()])
            .args(["--configmaps", &configmaps.to_string()])
            .arg("--write-kubeconfig")
            .arg(&kubeconfig)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rkt sim");
        let mut out = child.stdout.take().unwrap();
        let mut text = String::new();
        let mut buf = [0u8; 1024];
        while !text.contains("kubeconfig:") {
            let n = out.read(&mut buf).unwrap();
            assert!(n > 0, "rkt sim exited: {text}");
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        let url = text
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("sim url")
            .to_string();
        // Keep draining stdout so the sim never blocks on a full pipe.
        std::thread::spawn(move || while matches!(out.read(&mut buf), Ok(n) if n > 0) {});
        if churn == 0 {
            // The controllers' first pass over a fresh seed takes a moment at 100k pods:
            // measure rkt against a settled cluster, not the sim's start-up.
            wait_until_idle(child.id());
        }
        println!(
            "  sim: {} pods in {} namespaces, {configmaps} configmaps in team-00, seeded and serving in {:.1} s (churn {churn}/s)",
            o.pods,
            o.namespaces,
            started.elapsed().as_secs_f64()
        );
        Sim {
            child,
            kubeconfig,
            url,
            _dir: dir,
        }
    }

    /// Objects of a core kind (`pods`, `configmaps`) the cluster really has (one tiny list
    /// page: remainingItemCount + 1).
    fn count(&self, plural: &str, namespace: Option<&str>) -> usize {
        let path = match namespace {
            Some(ns) => format!("/api/v1/namespaces/{ns}/{plural}?limit=1"),
            None => format!("/api/v1/{plural}?limit=1"),
        };
        let body = http_get(&self.url, &path);
        let v: serde_json::Value = serde_json::from_str(&body).expect("list json");
        let items = v["items"].as_array().map_or(0, Vec::len);
        items + v["metadata"]["remainingItemCount"].as_u64().unwrap_or(0) as usize
    }
}

/// Counts the pod watch events the sim sends, on a watch of its own over the same scope
/// as rkt's: the event rate rkt is receiving.
struct EventCounter {
    lines: Arc<AtomicU64>,
}

impl EventCounter {
    fn start(sim: &Sim, namespace: Option<&str>) -> EventCounter {
        let base = match namespace {
            Some(ns) => format!("/api/v1/namespaces/{ns}/pods"),
            None => "/api/v1/pods".to_string(),
        };
        let list: serde_json::Value =
            serde_json::from_str(&http_get(&sim.url, &format!("{base}?limit=1"))).unwrap();
        let rv = list["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_string();
        let addr = sim.url.trim_start_matches("http://").to_string();
        let lines = Arc::new(AtomicU64::new(0));
        let counted = lines.clone();
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        // HTTP/1.0: the body is not chunked, so every newline ends one event.
        write!(
            s,
            "GET {base}?watch=1&resourceVersion={rv} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
        )
        .unwrap();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count();
                counted.fetch_add(newlines as u64, Ordering::Relaxed);
            }
        });
        EventCounter { lines }
    }

    fn count(&self) -> u64 {
        self.lines.load(Ordering::Relaxed)
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(url: &str, path: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let text = String::from_utf8_lossy(&resp).to_string();
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // Chunked or not: the JSON object is between the first '{' and the last '}'.
    match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) => body[a..=b].to_string(),
        _ => panic!("bad list answer: {text}"),
    }
}

/// The real rkt in a pty, its screen decoded by vt100 on a reader thread that also
/// timestamps every write (for frame gaps).
struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<Screen>>,
    started: Instant,
    _home: tempfile::TempDir,
}

struct Screen {
    parser: vt100::Parser,
    /// When each chunk of output arrived.
    writes: Vec<Instant>,
}

impl Tui {
    fn spawn(bin: &Path, args: &[String]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.cwd(home.path());
        cmd.env_remove("KUBECONFIG");
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join(".config"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("RKT_FRAME_STATS", home.path().join("frames.txt"));
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            writes: Vec::new(),
        }));
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        std::mem::forget(pair.master); // keep the pty open for the life of the benchmark
        let shared = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = shared.lock().unwrap();
                s.writes.push(Instant::now());
                s.parser.process(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            screen,
            started,
            _home: home,
        }
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("rkt pid")
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    /// Polls the screen every millisecond until `check` gives a value.
    fn wait<T>(&self, what: &str, secs: u64, check: impl Fn(&str) -> Option<T>) -> (T, Instant) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let text = self.contents();
            if let Some(v) = check(&text) {
                return (v, Instant::now());
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends `key` and returns how long until `expect` is on screen.
    fn key_latency(&mut self, key: &str, expect: &str) -> Duration {
        let sent = Instant::now();
        self.send(key);
        let (_, at) = self.wait(expect, 30, |s| s.contains(expect).then_some(()));
        at - sent
    }

    /// Quits rkt and prints the frame statistics it wrote on exit (`RKT_FRAME_STATS`).
    fn quit(mut self) {
        self.send("\x1b");
        std::thread::sleep(Duration::from_millis(200));
        self.send("q");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let text =
            std::fs::read_to_string(self._home.path().join("frames.txt")).unwrap_or_default();
        let stat = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.trim().parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        println!(
            "  frames drawn: {}, longest wait for a frame (change → drawn) {:.1} ms, draw time mean {:.2} ms, max {:.2} ms",
            stat("frames"),
            stat("max_latency_ms"),
            stat("mean_draw_ms"),
            stat("max_draw_ms")
        );
    }
}

/// The line with the pods pane title (the hint line also mentions `</>`).
fn pods_title(screen: &str) -> &str {
    screen.lines().find(|l| l.contains("Pods(")).unwrap_or("")
}

/// The row count in the pods pane title, `Pods(scope)[N]` or `[shown/N]`.
fn pod_count(screen: &str) -> Option<usize> {
    title_count(screen, "Pods(")
}

/// The row count in the title of the pane whose title starts with `name` (`Pods(`,
/// `configmaps(`): `name scope)[N]` or `[shown/N]`; `None` while it says `[…]` (loading).
fn title_count(screen: &str, name: &str) -> Option<usize> {
    let at = screen.find(name)?;
    let rest = &screen[at..];
    let open = rest.find(")[")? + 2;
    let close = rest[open..].find(']')? + open;
    let inner = &rest[open..close];
    let total = inner.rsplit('/').next()?;
    total.parse().ok()
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let after = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

/// Waits (up to 30 s) until a process uses less than a tenth of a core.
fn wait_until_idle(pid: u32) {
    let hz = clock_ticks_per_sec() as f64;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let before = cpu_ticks(pid);
        std::thread::sleep(Duration::from_millis(300));
        if (cpu_ticks(pid) - before) as f64 / hz < 0.03 {
            return;
        }
    }
}

fn clock_ticks_per_sec() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Filter keystrokes at full size: each typed character until the title shows it.
fn filter_latencies(tui: &mut Tui) -> Vec<Duration> {
    let mut lat = Vec::new();
    tui.key_latency("/", "/");
    let mut typed = String::new();
    for c in ["w", "e", "b"] {
        typed.push_str(c);
        lat.push(tui.key_latency(c, &format!("</{typed}>")));
    }
    // Clear the filter again: backspaces widen it back to every row.
    for _ in 0..3 {
        tui.send("\x7f");
    }
    tui.send("\x1b");
    lat
}

/// Moves the selection with j/k and waits for the status of the frame: the title shows
/// the filter prompt, so use the filter trick: '/' + char + Esc round trips.
fn key_round_trips(tui: &mut Tui, n: usize, gap: Duration) -> Vec<Duration> {
    let mut lat = Vec::new();
    for i in 0..n {
        let c = ["x", "y", "z"][i % 3];
        tui.send("/");
        lat.push(tui.key_latency(c, &format!("</{c}>")));
        tui.send("\x7f\x1b");
        tui.wait("filter cleared", 30, |s| {
            (!pods_title(s).contains("</")).then_some(())
        });
        std::thread::sleep(gap);
    }
    lat
}

fn max(v: &[Duration]) -> Duration {
    v.iter().copied().max().unwrap_or_default()
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s.get(s.len() / 2).copied().unwrap_or_default()
}

/// rkt's arguments for the benchmark's view: the sim's kubeconfig, all namespaces or team-00.
fn view_args(o: &Opts, sim: &Sim) -> Vec<String> {
    let mut args = vec![
        "--kubeconfig".to_string(),
        sim.kubeconfig.display().to_string(),
    ];
    if o.all {
        args.push("-A".into());
    } else {
        args.extend(["-n".into(), "team-00".into()]);
    }
    args
}

fn run_listing(o: &Opts) {
    let scope = if o.all {
        "all namespaces".to_string()
    } else {
        "namespace team-00".to_string()
    };
    println!(
        "== {} pods, {} namespaces, view: {scope}",
        o.pods, o.namespaces
    );
    let sim = Sim::start(o, 0, o.configmaps);
    let expected = sim.count("pods", (!o.all).then_some("team-00"));
    let mut tui = Tui::spawn(&o.bin, &view_args(o, &sim));
    let pid = tui.pid();
    let (_, first_frame) = tui.wait("first frame", 30, |s| s.contains("Pods(").then_some(()));
    let rss_before = procfs::status_kb(pid, "VmRSS:");
    let (_, first_rows) = tui.wait("first rows", 60, |s| pod_count(s).filter(|&n| n > 0));
    // While the list streams in, the UI must answer keys: measure a few round trips.
    let mut loading_keys = Vec::new();
    if o.all {
        loading_keys = key_round_trips(&mut tui, 5, Duration::from_millis(100));
    }
    let (_, all_rows) = tui.wait("all rows", 120, |s| pod_count(s).filter(|&n| n >= expected));
    let t0 = tui.started;
    // Let the allocator settle, then measure memory.
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = procfs::status_kb(pid, "VmRSS:");
    let filter = filter_latencies(&mut tui);
    let peak = procfs::status_kb(pid, "VmHWM:");
    println!(
        "  first frame after start:          {}",
        ms(first_frame - t0)
    );
    println!(
        "  first rows visible after start:   {}",
        ms(first_rows - t0)
    );
    println!(
        "  all {expected} rows listed after start: {}",
        ms(all_rows - t0)
    );
    if !loading_keys.is_empty() {
        println!(
            "  key → screen while listing (5 keys): median {}, max {}",
            ms(median(&loading_keys)),
            ms(max(&loading_keys))
        );
    }
    println!(
        "  filter keystroke → screen: {} (max {})",
        filter.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", "),
        ms(max(&filter))
    );
    println!(
        "  RSS before data {:.1} MB, after all rows {:.1} MB, peak (VmHWM) {:.1} MB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    println!(
        "  retained memory per pod row: {:.0} bytes (RSS delta / rows)",
        (rss_after.saturating_sub(rss_before) * 1024) as f64 / expected.max(1) as f64
    );
    if o.configmaps > 0 {
        run_generic_switch(o, &sim, &mut tui);
    }
    tui.quit();
}

/// With the pods view listed: `:cm` + Enter, timed from the Enter keystroke to the first
/// ConfigMap rows on screen and to the full count in the generic view's title
/// (`configmaps(team-00)[N]`), with rkt's RSS before the switch and after all rows.
fn run_generic_switch(o: &Opts, sim: &Sim, tui: &mut Tui) {
    let expected = sim.count("configmaps", (!o.all).then_some("team-00"));
    println!("  -- generic view: `:cm` ({expected} configmaps) from the pods view");
    // The filter of the pod figures is being cleared: start from the plain pods view (the
    // pause also keeps the Esc that closed the filter from reading as Alt+`:`).
    tui.wait("pod filter cleared", 30, |s| {
        let title = pods_title(s);
        (!title.is_empty() && !title.contains("</")).then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    let pid = tui.pid();
    let rss_before = procfs::status_kb(pid, "VmRSS:");
    tui.send(":cm");
    tui.wait("command prompt", 30, |s| s.contains(":cm█").then_some(()));
    let enter = Instant::now();
    tui.send("\r");
    let (_, title) = tui.wait("configmaps title", 30, |s| {
        s.contains("configmaps(").then_some(())
    });
    let (first, first_rows) = tui.wait("first configmap rows", 30, |s| {
        title_count(s, "configmaps(").filter(|&n| n > 0 && s.contains("-config-"))
    });
    let (_, all_rows) = tui.wait("all configmap rows", 120, |s| {
        title_count(s, "configmaps(").filter(|&n| n >= expected)
    });
    std::thread::sleep(Duration::from_millis(500));
    let rss_after = procfs::status_kb(pid, "VmRSS:");
    println!(
        "  Enter → configmaps title on screen: {}",
        ms(title - enter)
    );
    println!(
        "  Enter → first configmap rows:     {} ({first} in the title then; budget 150 ms)",
        ms(first_rows - enter)
    );
    println!(
        "  Enter → all {expected} configmaps listed: {} (budget 1.5 s)",
        ms(all_rows - enter)
    );
    println!(
        "  RSS before `:cm` {:.1} MB, after all configmap rows {:.1} MB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    println!(
        "  bytes per generic row (RSS): {:.0} (RSS delta / rows; the pod rows stay held)",
        (rss_after.saturating_sub(rss_before) * 1024) as f64 / expected.max(1) as f64
    );
}

fn run_churn(o: &Opts) {
    println!(
        "== churn: {} pods, {} namespaces, {} changes/s, view: {}",
        o.pods,
        o.namespaces,
        o.churn,
        if o.all { "all namespaces" } else { "team-00" }
    );
    let sim = Sim::start(o, o.churn, 0);
    let mut tui = Tui::spawn(&o.bin, &view_args(o, &sim));
    let pid = tui.pid();
    let expected = o.pods * 9 / 10;
    tui.wait("rows", 120, |s| pod_count(s).filter(|&n| n >= expected));
    std::thread::sleep(Duration::from_secs(1));
    let counter = EventCounter::start(&sim, (!o.all).then_some("team-00"));
    std::thread::sleep(Duration::from_secs(1));
    let sim_pid = sim.child.id();
    let hz = clock_ticks_per_sec() as f64;
    let (cpu0, sim0, ev0, t0) = (
        cpu_ticks(pid),
        cpu_ticks(sim_pid),
        counter.count(),
        Instant::now(),
    );
    let writes_from = tui.screen.lock().unwrap().writes.len();
    let keys = key_round_trips(&mut tui, 10, Duration::from_millis(o.churn_secs * 100));
    let elapsed = t0.elapsed().as_secs_f64();
    let (cpu1, sim1, ev1) = (cpu_ticks(pid), cpu_ticks(sim_pid), counter.count());
    let writes: Vec<Instant> = tui.screen.lock().unwrap().writes[writes_from..].to_vec();
    let gaps: Vec<Duration> = writes.windows(2).map(|w| w[1] - w[0]).collect();
    let rate = (ev1 - ev0) as f64 / elapsed;
    let cores = (cpu1 - cpu0) as f64 / hz / elapsed;
    println!("  pod watch events received: {rate:.0}/s over {elapsed:.1} s");
    println!(
        "  rkt CPU under churn: {cores:.2} cores ({:.2} cores per 5000 events/s; the sim itself: {:.2} cores)",
        cores * 5000.0 / rate.max(1.0),
        (sim1 - sim0) as f64 / hz / elapsed
    );
    println!(
        "  terminal writes: {} ({:.1}/s), longest pause in output {} (a screen that does not change is not redrawn)",
        writes.len(),
        writes.len() as f64 / elapsed,
        ms(max(&gaps))
    );
    println!(
        "  key → screen under churn (10 keys): median {}, max {}",
        ms(median(&keys)),
        ms(max(&keys))
    );
    println!(
        "  peak RSS (VmHWM): {:.1} MB",
        procfs::status_kb(pid, "VmHWM:") as f64 / 1024.0
    );
    tui.quit();
}

fn main() {
    let mut o = opts();
    assert!(
        o.bin.exists(),
        "{} not found: build it with `cargo build --release`",
        o.bin.display()
    );
    // The TUI child runs in a temporary working directory (its own HOME), so a relative
    // path such as the default `target/release/rkt` would not resolve there.
    o.bin = std::fs::canonicalize(&o.bin).expect("absolute path of the rkt binary");
    println!(
        "rkt whole-process benchmark ({}), terminal {COLS}x{ROWS}",
        o.bin.display()
    );
    run_listing(&o);
    if o.churn > 0 {
        run_churn(&o);
    }
}
