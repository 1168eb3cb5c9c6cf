#![allow(clippy::unwrap_used, clippy::expect_used)]
//! rkt as a user who may only read pods in `default` (`rkt sim --auth`, context
//! rkt-sim-restricted): it starts in the kubeconfig's namespace, shows its pods, says
//! "forbidden" in the namespaces pane and in `:deploy` while the rest keeps working, still
//! takes a typed namespace, and offers no delete. The admin context deletes as ever.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

fn start(cluster: &TestCluster, context: &str) -> PtyApp {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    PtyApp::spawn(&["--kubeconfig", &kc, "--context", context], &[], 160, 45)
}

#[test]
fn a_restricted_user_sees_its_pods_and_what_it_may_not_do() {
    let cluster = TestCluster::with_auth();
    let mut app = start(&cluster, "rkt-sim-restricted");
    let screen = app.wait_until(
        "pods of default, the namespaces refusal, delete marked",
        |s| {
            s.contains("hello-minikube")
                && s.contains("cannot list namespaces:")
                && s.contains("at the cluster scope")
                && s.contains("<ctrl-d> delete✗")
        },
    );
    assert!(screen.contains("Pods(default)"), "{screen}");
    // The pane is narrow: its words wrap.
    assert!(screen.contains("forbidden: namespaces is"), "{screen}");
    assert!(
        screen.contains("● default"),
        "the namespace in use: {screen}"
    );
    assert!(screen.contains(":ns NAME"), "how to name another: {screen}");
    assert!(
        !screen.contains("reconnecting"),
        "a refusal is not a lost connection: {screen}"
    );

    // ctrl-d: refused before any dialog.
    app.send("\x04");
    let screen = app.wait_for_text("not permitted: you may not delete pods in default");
    assert!(!screen.contains(" Delete "), "no dialog: {screen}");

    // A forbidden view says so, with the API's words; the pods view still works after.
    app.send(":deploy\r");
    let screen =
        app.wait_for_text("cannot list deployments: forbidden: deployments.apps is forbidden");
    assert!(
        screen.contains(r#"User "restricted" cannot list resource "deployments""#),
        "{screen}"
    );
    assert!(!screen.contains("reconnecting"), "{screen}");
    app.send(":pods\r");
    app.wait_until("the pods again", |s| {
        s.contains("Pods(default)") && s.contains("hello-minikube")
    });

    // A typed namespace is taken although the list is not there (enter in the pane asks
    // for one); its pods are refused.
    app.send("\t\r");
    app.wait_until("the prompt asks for a namespace", |s| {
        s.contains("<enter> run") && s.lines().any(|l| l.trim().starts_with(":ns"))
    });
    app.send("kube-system\r");
    let screen = app.wait_for_text("cannot list pods: forbidden: pods is forbidden");
    assert!(screen.contains("Pods(kube-system)"), "{screen}");
    assert!(
        screen.contains(r#"in API group "" in the namespace"#),
        "{screen}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn the_admin_context_lists_everything_and_may_delete() {
    let cluster = TestCluster::with_auth();
    let mut app = start(&cluster, "rkt-sim");
    app.wait_until(
        "namespaces and pods over TLS with the client certificate",
        |s| s.contains("kube-system") && s.contains("hello-minikube"),
    );
    app.send("\x04");
    let screen = app.wait_for_text(" Delete ");
    assert!(!screen.contains("not permitted"), "{screen}");
    app.send("\x1b");
    app.wait_for_no_text(" Delete ");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
