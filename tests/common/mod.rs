//! Helpers shared by the integration tests: a simulated cluster per test, kubectl.
#![allow(dead_code)]

pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rkt::sim::{SimConfig, SimHandle};

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
            .block_on(rkt::sim::start(cfg))
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

    pub fn kubeconfig(&self) -> &Path {
        &self.sim.kubeconfig
    }

    /// Runs kubectl against this cluster; `None` when kubectl is not installed (and not on CI).
    pub fn kubectl(&self, args: &[&str]) -> Option<Output> {
        let bin = kubectl_path()?;
        Some(
            Command::new(bin)
                .args(args)
                .env("KUBECONFIG", self.kubeconfig())
                .env_remove("KUBERNETES_SERVICE_HOST")
                .output()
                .expect("kubectl runs"),
        )
    }

    /// Runs kubectl and returns stdout, failing the test on a non-zero exit.
    pub fn kubectl_ok(&self, args: &[&str]) -> Option<String> {
        let out = self.kubectl(args)?;
        assert!(
            out.status.success(),
            "kubectl {} failed: {}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

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
