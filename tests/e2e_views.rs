#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: panes and dialogs belong to the view that opened them, and a confirmation
//! names exactly what it acts on. The real binary in a pseudo-terminal, against the demo.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

#[test]
fn a_history_pane_does_not_follow_the_user_to_another_view() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc], &[], 160, 45);
    app.wait_for_text("hello-minikube-");

    app.send(":ds kube-system\r");
    app.wait_for_text("kube-proxy");
    let screen = app.wait_for_text("daemonsets 1");
    assert!(
        !screen.contains("pods "),
        "the header counts the view shown: {screen}"
    );
    app.send("h");
    app.wait_for_text("History daemonset.apps/kube-proxy");

    app.send(":po default\r");
    app.wait_for_text("Pods(default)");
    let screen = app.wait_for_no_text("History daemonset.apps/kube-proxy");
    assert!(!screen.contains("kube-proxy"), "{screen}");

    // What once rolled kube-proxy back from the pods view now does nothing of the kind.
    app.send("\t\tju");
    app.wait_output_settled();
    let screen = app.screen();
    assert!(!screen.contains("Roll back"), "{screen}");
    assert!(!screen.contains("kube-proxy"), "{screen}");

    // A delete confirmation names context, namespace, kind and name; another key cancels.
    app.send("gg\x04");
    let screen = app.wait_for_text("uid ");
    for part in [
        "context",
        "rkt-sim",
        "namespace",
        "default",
        "kind",
        "pod",
        "name",
    ] {
        assert!(screen.contains(part), "{part}: {screen}");
    }
    app.send("n");
    app.wait_for_text("delete cancelled");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
