//! Helpers shared by the integration tests: a simulated cluster per test, kubectl.
#![allow(dead_code)]

pub mod http;
pub mod procfs;
pub mod pty;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rkt_sim::{SimConfig, SimHandle};

/// A kube-rs client for the cluster a kubeconfig file names, built the way rkt builds one.
pub async fn kube_client(kubeconfig: &Path) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).expect("kubeconfig reads");
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("kubeconfig is usable");
    kube::Client::try_from(config).expect("client builds")
}

/// A simulated cluster running on its own background runtime, for synchronous tests
/// (kubectl, the rkt binary). Dropped at the end of the test.
pub struct TestCluster {
    pub sim: SimHandle,
    _runtime: tokio::runtime::Runtime,
}

impl TestCluster {
    pub fn start(cfg: SimConfig) -> TestCluster {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = runtime
            .block_on(rkt_sim::start(cfg))
            .expect("simulated cluster starts");
        TestCluster {
            sim,
            _runtime: runtime,
        }
    }

    /// The demo seed with fast timing.
    pub fn demo() -> TestCluster {
        Self::start(SimConfig::test())
    }

    /// The demo seed on a cluster without metrics-server: no `metrics.k8s.io`.
    pub fn demo_without_metrics() -> TestCluster {
        Self::start(SimConfig {
            metrics: false,
            ..SimConfig::test()
        })
    }

    /// Only the node and the standard namespaces, fast timing.
    pub fn empty() -> TestCluster {
        Self::start(SimConfig {
            seed: rkt_sim::Seed::Empty,
            ..SimConfig::test()
        })
    }

    /// The demo seed, fast timing, HTTPS with credentials (`rkt sim --auth`): context
    /// `rkt-sim` is the admin, `rkt-sim-restricted` may only read pods in `default`.
    pub fn with_auth() -> TestCluster {
        Self::start(SimConfig {
            auth: true,
            ..SimConfig::test()
        })
    }

    pub fn kubeconfig(&self) -> &Path {
        &self.sim.kubeconfig
    }

    /// A kubectl command for this cluster (not yet started); `None` without kubectl.
    pub fn kubectl_command(&self, args: &[&str]) -> Option<Command> {
        let bin = kubectl_path()?;
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("KUBECONFIG", self.kubeconfig())
            .env_remove("KUBERNETES_SERVICE_HOST");
        Some(cmd)
    }

    /// Runs kubectl against this cluster; `None` when kubectl is not installed (and not on CI).
    /// A kubectl that has not finished after [`KUBECTL_DEADLINE`] seconds fails the test.
    pub fn kubectl(&self, args: &[&str]) -> Option<Output> {
        self.kubectl_stdin(args, "")
    }

    /// Runs kubectl with `input` on its stdin (for `-f -`).
    pub fn kubectl_stdin(&self, args: &[&str], input: &str) -> Option<Output> {
        let mut cmd = self.kubectl_command(args)?;
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("kubectl starts");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input.as_bytes()).expect("write stdin");
        drop(stdin);
        // Output is read while kubectl runs: a large one would otherwise fill the pipe and
        // block kubectl until the deadline.
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let deadline = Instant::now() + Duration::from_secs(KUBECTL_DEADLINE);
        let status = loop {
            if let Some(status) = child.try_wait().expect("kubectl wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!(
                    "kubectl {} did not finish within {KUBECTL_DEADLINE}s",
                    args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Some(Output {
            status,
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        })
    }

    /// Runs kubectl and returns stdout, failing the test on a non-zero exit.
    pub fn kubectl_ok(&self, args: &[&str]) -> Option<String> {
        self.kubectl_stdin_ok(args, "")
    }

    /// [`TestCluster::kubectl_stdin`], failing the test on a non-zero exit.
    pub fn kubectl_stdin_ok(&self, args: &[&str], input: &str) -> Option<String> {
        let out = self.kubectl_stdin(args, input)?;
        assert!(
            out.status.success(),
            "kubectl {} failed: {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub fn kubectl_err(&self, args: &[&str], input: &str) -> Option<String> {
        let out = self.kubectl_stdin(args, input)?;
        assert!(
            !out.status.success(),
            "kubectl {} should have failed but printed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        Some(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Seconds a single kubectl invocation may take before the test fails.
pub const KUBECTL_DEADLINE: u64 = 60;

/// kubectl's path. Missing kubectl skips the calling test loudly, except under CI=true,
/// where it is a failure.
pub fn kubectl_path() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("kubectl"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("kubectl is required under CI=true but was not found on PATH");
        }
        eprintln!("SKIPPED: kubectl not found on PATH; this test needs it");
    }
    found
}

/// Polls `check` until it returns `Some`, or fails the test after `secs` seconds.
pub fn wait_for<T>(what: &str, secs: u64, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check() {
            return v;
        }
        if std::time::Instant::now() > deadline {
            panic!("timed out after {secs}s waiting for {what}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Rows and states for the pure state and render tests.
pub mod tui_fixtures;

/// A blocking HTTP GET of `/` on a local port; `None` when the connection fails or the
/// page is not a 200.
pub fn get_page(port: u16) -> Option<String> {
    get_page_at(std::net::Ipv4Addr::LOCALHOST.into(), port)
}

/// [`get_page`] on another local address (`::1`).
pub fn get_page_at(ip: std::net::IpAddr, port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect((ip, port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.starts_with("HTTP/1.1 200").then_some(out)
}

/// The local port of `forwarding 127.0.0.1:PORT → …` on rkt's status line.
pub fn forwarded_port(screen: &str) -> Option<u16> {
    let rest = screen.split("forwarding 127.0.0.1:").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A demo cluster with a kube-rs client and a runtime to drive rkt's cluster code from a
/// plain test, and kubectl to judge what it did.
pub struct ApiHarness {
    pub cluster: TestCluster,
    pub rt: tokio::runtime::Runtime,
    pub client: kube::Client,
}

impl ApiHarness {
    /// `None` when kubectl is missing (the test is skipped, loudly).
    pub fn start() -> Option<ApiHarness> {
        kubectl_path()?;
        let cluster = TestCluster::demo();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let path = cluster.kubeconfig().to_path_buf();
        let client = rt.block_on(async move { kube_client(&path).await });
        Some(ApiHarness {
            cluster,
            rt,
            client,
        })
    }

    pub fn kubectl(&self, args: &[&str]) -> String {
        self.cluster.kubectl_ok(args).expect("kubectl present")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.kubectl(args)).expect("kubectl prints JSON")
    }
}
