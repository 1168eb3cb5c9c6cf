#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `s` opens a shell in the selected pod with the terminal handed over: the real binary in
//! a pseudo-terminal against the demo cluster (whose containers run a small built-in
//! shell), over kube-rs's exec WebSocket.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

fn start(cluster: &TestCluster, extra: &[&str]) -> PtyApp {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut args = vec!["--kubeconfig", &kc, "-n", "default"];
    args.extend_from_slice(extra);
    let mut app = PtyApp::spawn(&args, &[], 160, 45);
    app.wait_for_text("ns 4");
    // The first row (sorted by name) is a hello-minikube pod.
    app.wait_for_text("hello-minikube-");
    app
}

/// The pod name in the shell's prompt (`root@NAME:/# `).
fn prompt_host(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.starts_with("root@"))?;
    let host = line.strip_prefix("root@")?.split(':').next()?;
    Some(host.to_string())
}

#[test]
fn a_shell_in_the_pod_answers_follows_resizes_and_exit_returns_to_rkt() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, &[]);
    app.send("s");
    let screen = app.wait_until("the shell's prompt", |s| prompt_host(s).is_some());
    let pod = prompt_host(&screen).unwrap();
    assert!(pod.starts_with("hello-minikube-"), "{screen}");
    assert!(!app.alternate_screen(), "the shell is on the normal screen");
    app.send("hostname\r");
    // The answer on a line of its own (the prompt holds the name too).
    app.wait_until("hostname's answer", |s| s.lines().any(|l| l.trim() == pod));
    // The size at the start, then after a resize of the terminal.
    app.send("stty size\r");
    app.wait_until("the first size", |s| {
        s.lines().any(|l| l.trim() == "45 160")
    });
    app.resize(100, 30);
    // The new size travels on its own channel and may arrive after the next keystrokes:
    // ask again until the shell has it.
    let deadline = std::time::Instant::now() + common::pty::timeout();
    loop {
        app.send("stty size\r");
        std::thread::sleep(std::time::Duration::from_millis(300));
        if app.screen().lines().any(|l| l.trim() == "30 100") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new size never reached the shell: {}",
            app.screen()
        );
    }
    app.send("exit\r");
    let screen = app.wait_for_text("ended (exit code 0)");
    assert!(app.alternate_screen(), "rkt is back: {screen}");
    assert!(screen.contains("Pods(default)"), "{screen}");
    assert!(
        screen.contains(&pod),
        "the pods table is drawn again: {screen}"
    );
    assert!(
        screen.contains(&format!("shell in default/{pod}")),
        "{screen}"
    );
    // The keyboard is rkt's again: a second shell, ended with a status.
    app.send("s");
    app.wait_until("the prompt again", |s| {
        prompt_host(s).is_some() && !s.contains("Pods(default)")
    });
    app.send("exit 3\r");
    app.wait_for_text("ended (exit code 3)");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn readonly_refuses_a_shell() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, &["--readonly"]);
    app.send("s");
    app.wait_for_text("read-only mode (--readonly): shell (exec) refused");
    assert!(app.alternate_screen());
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_shell_in_a_container_that_is_not_running_is_a_message_in_rkt() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, &[]);
    // The demo's pod whose image cannot be pulled: its container never started.
    app.send("/-f status.phase=Pending\r");
    app.wait_until("only the pending pod", |s| {
        s.contains("ImagePullBackOff") && !s.contains("hello-minikube-")
    });
    app.send("s");
    let screen = app.wait_for_text("shell in default/web-frontend-");
    assert!(app.alternate_screen(), "{screen}");
    assert!(screen.contains("Pods(default)"), "{screen}");
    assert!(!screen.contains("root@"), "no shell was started: {screen}");
    // The keyboard still works.
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
