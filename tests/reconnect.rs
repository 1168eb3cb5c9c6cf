#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The API server goes away and another one comes back at the same address, with other
//! contents (a cluster recreated): rkt's pod table must become the new server's list, and
//! the header must say connected, with the version, soon after, as kubectl sees it.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::pty::{path_arg, PtyApp};

/// How soon after the new server has its pods rkt must show exactly them.
const CONVERGE: Duration = Duration::from_secs(5);
/// How long the address has no server: long enough for rkt to have retried a few times.
const OUTAGE: Duration = Duration::from_secs(4);

/// `rkt sim` as a separate process (the server a person would stop and start again).
struct SimProcess {
    child: Child,
}

impl SimProcess {
    /// Starts `rkt sim` on `port` with `seed`, writing `kubeconfig`; returns once it serves.
    fn start(port: u16, kubeconfig: &Path, seed: &str) -> SimProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rkt"))
            .args(["sim", "--port", &port.to_string(), "--write-kubeconfig"])
            .arg(kubeconfig)
            .args(["--timing", "fast", "--seed", seed])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rkt sim starts");
        let stdout = child.stdout.take().expect("sim stdout");
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("serving the Kubernetes API") => break,
                Some(Ok(_)) => {}
                _ => panic!("rkt sim (seed {seed}) on port {port} ended before serving"),
            }
        }
        // Keep reading so the sim never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        SimProcess { child }
    }

    /// Kills the server at once, as a crash or a stopped VM would.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now (both servers use it in turn).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Runs kubectl against `kubeconfig`, failing the test on error.
fn kubectl(bin: &Path, kubeconfig: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("KUBERNETES_SERVICE_HOST")
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every pod's name, as `kubectl get pods -A` lists them.
fn pod_names(bin: &Path, kubeconfig: &Path) -> BTreeSet<String> {
    kubectl(bin, kubeconfig, &["get", "pods", "-A", "-o", "name"])
        .lines()
        .filter_map(|l| l.strip_prefix("pod/"))
        .map(str::to_string)
        .collect()
}

/// What is wrong with the screen, if it does not show exactly `expected` (and none of
/// `gone`) with the header saying connected to a server of `version`.
fn mismatch(
    screen: &str,
    expected: &BTreeSet<String>,
    gone: &BTreeSet<String>,
    version: &str,
) -> Option<String> {
    let header = screen.lines().next().unwrap_or("");
    if !header.contains(&format!("connected {version}")) || header.contains("reconnecting") {
        return Some(format!("header {header:?} is not \"connected {version}\""));
    }
    if !header.contains(&format!("pods {} ", expected.len())) {
        return Some(format!(
            "header {header:?} does not count {} pods",
            expected.len()
        ));
    }
    if let Some(missing) = expected.iter().find(|n| !screen.contains(n.as_str())) {
        return Some(format!("pod {missing} is missing"));
    }
    if let Some(stale) = gone.iter().find(|n| screen.contains(n.as_str())) {
        return Some(format!(
            "pod {stale} is gone from the server but still shown"
        ));
    }
    None
}

fn server_version(bin: &Path, kubeconfig: &Path) -> String {
    let out = kubectl(bin, kubeconfig, &["get", "--raw", "/version"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("/version is JSON");
    v["gitVersion"].as_str().expect("gitVersion").to_string()
}

#[test]
fn after_the_server_is_recreated_the_table_is_its_list_and_the_header_connected() {
    let Some(kubectl_bin) = common::kubectl_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kc: PathBuf = dir.path().join("kubeconfig");
    let port = free_port();

    let first = SimProcess::start(port, &kc, "demo");
    let version = server_version(&kubectl_bin, &kc);
    let old = pod_names(&kubectl_bin, &kc);
    assert!(old.iter().any(|n| n == "etcd-minikube"), "{old:?}");

    let mut app = PtyApp::spawn(&["--kubeconfig", path_arg(&kc), "-A"], &[], 200, 60);
    app.wait_until("the demo pods, connected", |s| {
        mismatch(s, &old, &BTreeSet::new(), &version).is_none()
    });

    // The server goes away: rkt says so.
    first.kill();
    app.wait_for_text("reconnecting");
    std::thread::sleep(OUTAGE);

    // Another cluster comes up at the same address, with other pods.
    let _second = SimProcess::start(port, &kc, "empty");
    kubectl(
        &kubectl_bin,
        &kc,
        &[
            "create",
            "deployment",
            "fresh",
            "--image=nginx",
            "--replicas=3",
        ],
    );
    let new = common::wait_for("the new cluster's 3 pods", 30, || {
        let names = pod_names(&kubectl_bin, &kc);
        (names.len() == 3).then_some(names)
    });
    let gone: BTreeSet<String> = old.difference(&new).cloned().collect();

    let deadline = Instant::now() + CONVERGE;
    loop {
        let screen = app.screen();
        let Some(problem) = mismatch(&screen, &new, &gone, &version) else {
            break;
        };
        assert!(
            Instant::now() < deadline,
            "{CONVERGE:?} after the new server had its pods: {problem}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        pod_names(&kubectl_bin, &kc),
        new,
        "the cluster did not change meanwhile"
    );

    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
