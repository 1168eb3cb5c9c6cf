#![allow(clippy::unwrap_used, clippy::expect_used)]
//! rkt against Kubernetes 1.28 through 1.33: the simulated cluster answers as each release
//! (its `/version`, aggregated discovery `v2` only from 1.30, exec `v5.channel.k8s.io` only
//! from 1.30). rkt detects what the server has: the header shows the version, a kind only
//! discovery knows opens, and a shell starts on whichever exec protocol the server speaks.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;
use rkt_sim::version::ServerVersion;
use rkt_sim::SimConfig;

fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn explore(minor: u32) {
    let version = ServerVersion { minor };
    let cluster = TestCluster::start(SimConfig {
        version,
        ..SimConfig::test()
    });
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "default"], &[], 160, 45);
    let git = version.git_version();
    app.wait_until("the server version in the header, and pods", |s| {
        header(s).contains(&format!("● connected {git}")) && s.contains("hello-minikube-")
    });
    // A kind only discovery knows (aggregated v2 or v2beta1, whichever is served).
    app.send(":cm\r");
    app.wait_until("ConfigMaps through discovery", |s| {
        s.contains("kube-root-ca.crt")
    });
    // A shell: kube-rs offers v5 then v4; the server picks what it speaks.
    app.send(":pods\r");
    app.wait_until("the pods again", |s| {
        s.contains("Pods(default)") && s.contains("hello-minikube-")
    });
    app.send("/hello-minikube\r");
    app.wait_until("the filtered pods", |s| s.contains("Pods(default)[2/"));
    app.send("s");
    app.wait_until("the shell's prompt", |s| {
        s.lines().any(|l| l.starts_with("root@hello-minikube-"))
    });
    app.send("exit\r");
    app.wait_until("rkt again", |s| {
        s.contains("Pods(default)") && header(s).contains(&git)
    });
}

#[test]
fn kubernetes_1_28_without_aggregated_discovery_v2_or_exec_v5() {
    explore(28);
}

#[test]
fn kubernetes_1_30() {
    explore(30);
}

#[test]
fn kubernetes_1_33() {
    explore(33);
}
