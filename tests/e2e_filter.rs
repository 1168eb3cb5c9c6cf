#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the `/` filter's language in the real binary, in a pseudo-terminal, against
//! the demo cluster: `!` hides what matches, a regular expression matches as one, and
//! `-l SELECTOR` asks the server (the pods view shows only what the server returned).

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

/// On `screen`: how many of the table's rows are hello-minikube's pods (the details pane
/// names the selected one too: `pod hello-minikube-…`), and whether another pod shows.
fn hello_and_other(screen: &str) -> (usize, bool) {
    let hello = screen
        .lines()
        .filter(|l| l.contains("hello-minikube-") && !l.contains("pod hello-minikube-"))
        .count();
    let other = screen.contains("liveness-http");
    (hello, other)
}

#[test]
fn bang_hides_matching_pods_and_dash_l_asks_the_server() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc], &[], 160, 45);
    app.wait_for_text("hello-minikube-");
    app.wait_for_text("liveness-http");

    // `!hello`: every pod but hello-minikube's.
    app.send("/!hello");
    let screen = app.wait_for_no_text("hello-minikube-");
    assert!(screen.contains("liveness-http"), "{screen}");
    assert!(screen.contains(" match"), "the count is shown: {screen}");
    app.send("\r");
    app.wait_for_text("</!hello>");
    // `esc` clears it: all pods again.
    app.send("\x1b");
    let screen = app.wait_for_text("hello-minikube-");
    assert!(!screen.contains("</!hello>"), "{screen}");

    // A regular expression: hello-minikube's pods and nothing else.
    // (While it is typed, partial expressions that do not compile match literally: wait
    // for the whole one.)
    app.send("/^hello.*-[a-z0-9]+$\r");
    let screen = app.wait_until("hello-minikube's pods by a regex", |s| {
        hello_and_other(s) == (2, false) && s.contains("</^hello.*-[a-z0-9]+$>")
    });
    assert_eq!(hello_and_other(&screen), (2, false), "{screen}");
    app.send("\x1b");
    app.wait_for_text("liveness-http");

    // `-l app=hello-minikube`: the server's answer, its two pods only.
    app.send("/-l app=hello-minikube\r");
    let screen = app.wait_until("only hello-minikube's pods", |s| {
        hello_and_other(s) == (2, false)
            && s.contains("Pods(default)[2/2] </-l app=hello-minikube>")
    });
    assert!(!screen.contains("web-0"), "{screen}");
    // `esc` drops the selector: the watch lists every pod again.
    app.send("\x1b");
    let screen = app.wait_until("every pod again", |s| {
        let (hello, other) = hello_and_other(s);
        hello == 2 && other
    });
    assert!(!screen.contains("app=hello-minikube"), "{screen}");

    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
