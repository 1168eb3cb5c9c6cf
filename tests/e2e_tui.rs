#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the real rkt binary in a pseudo-terminal against a simulated cluster,
//! reached only through a kubeconfig.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, ListParams};
use kube::{Api, Client};

/// Runs `f` with a kube client for `cluster` on a private runtime.
fn with_client<T>(cluster: &TestCluster, f: impl AsyncFnOnce(Client) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async { f(common::kube_client(cluster.kubeconfig()).await).await })
}

fn hello_pods(cluster: &TestCluster) -> Vec<String> {
    with_client(cluster, async |client| {
        let pods: Api<Pod> = Api::namespaced(client, "default");
        let list = pods
            .list(&ListParams::default().labels("app=hello-minikube"))
            .await
            .unwrap();
        list.items
            .into_iter()
            .filter_map(|p| p.metadata.name)
            .collect()
    })
}

#[test]
fn browse_switch_filter_help_live_delete_and_quit() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "kube-system"], &[], 160, 45);

    // kube-system as a person sees it.
    for name in ["coredns-", "etcd-minikube", "kube-apiserver-minikube"] {
        app.wait_for_text(name);
    }
    app.wait_for_text("connected");
    assert!(app.alternate_screen());
    assert!(!app.cooked_mode(), "raw mode while running");

    // `/` narrows incrementally; Esc clears.
    app.send("/etcd");
    let screen = app.wait_for_text("1 of ");
    assert!(!screen.contains("kube-apiserver-minikube"), "{screen}");
    assert!(screen.contains("etcd-minikube"), "{screen}");
    app.send("\x1b");
    app.wait_for_text("kube-apiserver-minikube");

    // `?` shows help from the key table; Esc closes it.
    app.send("?");
    app.wait_for_text("Help —");
    app.wait_for_text("sort by restarts");
    app.send("\x1b");
    app.wait_for_no_text("Help —");

    // `:ns default` switches the pods pane.
    app.send(":ns default\r");
    app.wait_for_text("Pods(default)");
    app.wait_for_text("hello-minikube-");
    app.wait_for_no_text("etcd-minikube");

    // A pod deleted through the API vanishes from the table.
    let names = hello_pods(&cluster);
    let victim = names.first().expect("a hello-minikube pod").clone();
    app.wait_for_text(&victim);
    with_client(&cluster, async |client| {
        let pods: Api<Pod> = Api::namespaced(client, "default");
        pods.delete(&victim, &DeleteParams::default())
            .await
            .unwrap();
    });
    app.wait_for_no_text(&victim);

    // `q` quits with status 0 and gives the terminal back.
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    app.wait_output_settled();
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    let entered = raw
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    let left = raw.rfind("\x1b[?1049l").expect("left the alternate screen");
    assert!(
        left > entered,
        "the alternate screen was left after it was entered"
    );
    let shown = raw.rfind("\x1b[?25h").expect("cursor shown again");
    assert!(shown > entered);
    assert!(!app.alternate_screen(), "back on the main screen");
    assert!(app.cooked_mode(), "terminal back in cooked mode");
}

#[test]
fn all_namespaces_and_namespace_pane_enter() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-A"], &[], 160, 45);
    app.wait_for_text("Pods(all)");
    app.wait_for_text("NAMESPACE");
    app.wait_for_text("etcd-minikube");
    app.wait_for_text("hello-minikube-");
    // Focus the namespaces pane, go to the top (default), Enter switches.
    app.wait_for_text("kube-public");
    app.send("\tgg\r");
    app.wait_for_text("Pods(default)");
    app.wait_for_no_text("etcd-minikube");
    app.send(":q\r");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn sigterm_restores_the_terminal() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "kube-system"], &[], 100, 30);
    app.wait_for_text("etcd-minikube");
    let pid = app.pid().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    app.wait_exit();
    app.wait_output_settled();
    assert!(!app.alternate_screen(), "back on the main screen");
    assert!(app.cooked_mode(), "terminal back in cooked mode");
}

#[test]
fn missing_kubeconfig_is_a_clear_message_and_leaves_the_terminal_alone() {
    let mut app = PtyApp::spawn(&[], &[], 120, 30);
    let code = app.wait_exit();
    assert_ne!(code, 0);
    app.wait_output_settled();
    let screen = app.screen();
    assert!(screen.contains("no kubeconfig found"), "{screen}");
    assert!(screen.contains(".kube/config"), "{screen}");
    assert!(screen.contains("rkt --demo"), "{screen}");
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(
        !raw.contains("\x1b[?1049h"),
        "the alternate screen was never entered"
    );
    assert!(app.cooked_mode());
}

#[test]
fn broken_theme_and_bad_config_are_reported() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("broken.yaml");
    std::fs::write(&theme, "styles:\n  error: { fg: not-a-colour }\n").unwrap();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "--theme", path_arg(&theme)],
        &[],
        120,
        30,
    );
    assert_eq!(app.wait_exit(), 2);
    app.wait_output_settled();
    let screen = app.screen();
    assert!(
        screen.contains("broken.yaml:2:16") && screen.contains("not-a-colour"),
        "{screen}"
    );

    // A bad config stops rkt before the TUI (tests/config_errors.rs has the details).
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "keys:\n  teleport: t\n  quit: v\n").unwrap();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "--config", path_arg(&config)],
        &[],
        120,
        30,
    );
    assert_eq!(app.wait_exit(), 2);
    app.wait_output_settled();
    let screen = app.screen();
    assert!(screen.contains("unknown action `teleport`"), "{screen}");

    // A good one rebinds keys.
    std::fs::write(&config, "keys:\n  quit: v\n").unwrap();
    let mut app = PtyApp::spawn(
        &[
            "--kubeconfig",
            &kc,
            "-n",
            "kube-system",
            "--config",
            path_arg(&config),
        ],
        &[],
        160,
        30,
    );
    app.wait_for_text("etcd-minikube");
    app.send("q"); // rebound: q no longer quits
    app.send("v");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn copy_without_a_display_uses_osc52() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "kube-system"], &[], 160, 30);
    app.wait_for_text("coredns-");
    app.send("gg");
    app.send("c");
    app.wait_for_text("via OSC 52");
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(raw.contains("\x1b]52;c;"), "OSC 52 sequence emitted");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn without_a_terminal_rkt_says_it_needs_one_before_anything_else() {
    // stdin from /dev/null, stdout and stderr to pipes: no terminal anywhere (as with
    // `setsid rkt --demo </dev/null >out`). The kubeconfig does not exist: the terminal
    // check comes first.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rkt"))
        .args(["--kubeconfig", "/nonexistent/kubeconfig", "--demo"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rkt needs a terminal"), "{stderr}");
    assert!(
        stderr.contains("stdin and stdout are not a terminal"),
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing drawn");
}
