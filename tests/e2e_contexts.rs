#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `:ctx` against two simulated clusters whose contexts sit side by side in one kubeconfig
//! (each sim adds its own, as minikube and kind do): the other cluster's pods, and back, with
//! a port-forward of the first still answering; the view and namespace per context are
//! remembered, in memory and in `$XDG_STATE_HOME/rkt/contexts.yaml`.

mod common;

use common::pty::{path_arg, PtyApp};
use common::{get_page, wait_for, TestCluster};
use rkt_sim::{Seed, SimConfig};

fn sim(kubeconfig: &std::path::Path, name: &str, seed: Seed) -> TestCluster {
    TestCluster::start(SimConfig {
        seed,
        kubeconfig_path: Some(kubeconfig.to_path_buf()),
        context_name: name.to_string(),
        ..SimConfig::test()
    })
}

/// The header line (the first row of the screen).
fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

#[test]
fn ctx_switches_between_two_clusters_and_a_forward_of_the_first_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    let _alpha = sim(&kubeconfig, "alpha", Seed::Demo);
    let _beta = sim(
        &kubeconfig,
        "beta",
        Seed::Scale {
            pods: 4,
            namespaces: 1,
        },
    );
    let parsed = kube::config::Kubeconfig::read_from(&kubeconfig).unwrap();
    let names: Vec<&str> = parsed.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta"]);
    if let Some(out) = common::kubectl_path().and_then(|kubectl| {
        std::process::Command::new(kubectl)
            .args([
                "--kubeconfig",
                path_arg(&kubeconfig),
                "config",
                "get-contexts",
            ])
            .output()
            .ok()
    }) {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("alpha") && text.contains("* ") && text.contains("beta"),
            "{text}"
        );
    }

    let state_home = dir.path().join("state");
    let state_env = state_home.display().to_string();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kubeconfig), "--context", "alpha"],
        &[("XDG_STATE_HOME", &state_env)],
        160,
        40,
    );
    let screen = app.wait_until("alpha's pods and its server version", |s| {
        s.contains("hello-minikube-")
            && header(s).contains("ctx alpha")
            && header(s).contains(" v1.")
    });
    assert!(!screen.contains("api-1-"), "{screen}");

    // A forward to alpha's hello-minikube pod.
    app.send("/hello-minikube\r");
    app.wait_until("the filtered pod", |s| {
        s.contains("Pods(default)") && s.contains("hello-minikube-")
    });
    app.send("F");
    app.wait_for_text("Port-forward pod/hello-minikube-");
    let port = app.start_forward_on_any_port("8080/TCP");
    let page = wait_for("a page through alpha's forward", 30, || get_page(port));
    assert!(page.contains("hello-minikube-"), "{page}");

    // :ctx lists both contexts, the current one marked; enter on beta switches.
    app.send(":ctx\r");
    app.wait_until("the contexts pane", |s| {
        s.contains("Contexts[2]") && s.contains("* alpha") && s.contains("beta")
    });
    app.send("j\r");
    // alpha's rows are gone (beta has no pods in default).
    app.wait_until("beta's header and empty default namespace", |s| {
        header(s).contains("ctx beta")
            && s.contains("no pods in default")
            && !s.contains("hello-minikube-")
    });
    // beta's pods live in team-00: :ns there shows them.
    app.send(":ns team-00\r");
    app.wait_until("beta's pods", |s| {
        s.contains("Pods(team-00)") && s.contains("api-1-") && header(s).contains(" v1.")
    });
    // alpha's forward still answers, and :pf lists it with its context.
    let page = wait_for("a page through alpha's forward from beta", 30, || {
        get_page(port)
    });
    assert!(page.contains("hello-minikube-"), "{page}");
    app.send(":pf\r");
    app.wait_until("the forward with its context", |s| {
        s.lines().any(|l| {
            l.contains("pod/hello-minikube-") && l.contains("alpha") && l.contains("Active")
        })
    });

    // Back to alpha by name (with completion): its pods, the namespace used there.
    app.send(":ctx al\t\r");
    app.wait_until("alpha again", |s| {
        header(s).contains("ctx alpha")
            && s.contains("Pods(default)")
            && s.contains("hello-minikube-")
    });
    // And beta once more: the namespace used there comes back.
    app.send(":ctx beta\r");
    app.wait_until("beta in team-00 again", |s| {
        header(s).contains("ctx beta") && s.contains("Pods(team-00)") && s.contains("api-1-")
    });
    let page = wait_for("the forward, after two more switches", 30, || {
        get_page(port)
    });
    assert!(page.contains("hello-minikube-"), "{page}");
    app.send("q");
    app.wait_exit();
    let saved = std::fs::read_to_string(state_home.join("rkt/contexts.yaml")).unwrap();
    let memory = rkt::model::contexts::ContextMemory::parse(&saved).unwrap();
    assert_eq!(
        memory.get("beta").map(|r| r.namespace.as_str()),
        Some("team-00")
    );
    assert_eq!(
        memory.get("alpha").map(|r| r.namespace.as_str()),
        Some("default")
    );

    // The next run in beta starts where the last one left it.
    let mut app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kubeconfig), "--context", "beta"],
        &[("XDG_STATE_HOME", &state_env)],
        160,
        40,
    );
    app.wait_until("beta's remembered namespace", |s| {
        s.contains("Pods(team-00)") && s.contains("api-1-")
    });
}

#[test]
fn a_context_that_cannot_be_reached_says_why_and_the_user_switches_back() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    let _alpha = sim(&kubeconfig, "alpha", Seed::Demo);
    // A context whose server refuses connections (a port nothing listens on).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    rkt_sim::kubeconfig::write_named(&kubeconfig, &url, "gone").unwrap();

    let mut app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kubeconfig), "--context", "alpha"],
        &[],
        160,
        40,
    );
    app.wait_for_text("hello-minikube-");
    app.send(":ctx gone\r");
    app.wait_until("why gone cannot be reached", |s| {
        header(s).contains("ctx gone") && s.contains("connection refused")
    });
    app.send(":ctx alpha\r");
    app.wait_until("alpha again", |s| {
        header(s).contains("ctx alpha")
            && s.contains("hello-minikube-")
            && !s.contains("connection refused")
    });
}

#[test]
fn contexts_of_every_file_in_kubeconfig_are_listed_and_switched_to() {
    let dir = tempfile::tempdir().unwrap();
    let (left, right) = (dir.path().join("left"), dir.path().join("right"));
    let _left = sim(&left, "left", Seed::Demo);
    let _right = sim(
        &right,
        "right",
        Seed::Scale {
            pods: 2,
            namespaces: 1,
        },
    );
    let list = std::env::join_paths([&left, &right]).unwrap();
    let list = list.to_str().unwrap();
    let mut app = PtyApp::spawn(&[], &[("KUBECONFIG", list)], 160, 40);
    app.wait_until("the first file's current context", |s| {
        header(s).contains("ctx left") && s.contains("hello-minikube-")
    });
    app.send(":ctx\r");
    app.wait_until("both files' contexts", |s| {
        s.contains("Contexts[2]") && s.contains("* left") && s.contains("right")
    });
    app.send(":ctx right\r");
    app.wait_until("the switch", |s| header(s).contains("ctx right"));
    app.send(":ns team-00\r");
    app.wait_until("the second file's cluster", |s| {
        header(s).contains("ctx right") && s.contains("Pods(team-00)") && s.contains("api-1-")
    });
}
