#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the course by keys — create a Deployment with the form, expose it as a
//! NodePort Service on 8080, port-forward to it and fetch a page, set a new image, roll back,
//! delete — in the real binary in a pseudo-terminal, on an empty namespace, checked with
//! kubectl after each step.

mod common;

use common::pty::{path_arg, PtyApp};
use common::{get_page, wait_for, TestCluster};

const DOWN: &str = "\x1b[B";
const CTRL_U: &str = "\x15";

#[test]
fn the_course_by_keys_create_expose_forward_set_image_roll_back_delete() {
    let cluster = TestCluster::empty();
    let Some(_) = common::kubectl_path() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    let kubectl = |args: &[&str]| cluster.kubectl_ok(args).expect("kubectl");
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "default"], &[], 160, 45);
    app.wait_for_text("ns 4");
    app.send(":deploy\r");
    app.wait_for_text("Deployments(default)");

    // Create: the form, its command line, then enter runs it.
    app.send("n");
    app.wait_for_text("Create Deployment in default");
    app.send("hello-minikube\tkicbase/echo-server:1.0\t\t8080\r");
    app.wait_for_text(
        ":create deployment hello-minikube --image=kicbase/echo-server:1.0 --port=8080",
    );
    app.send("\r");
    app.wait_for_text("deployment.apps/hello-minikube created");
    let image = kubectl(&[
        "get",
        "deploy",
        "hello-minikube",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}",
    ]);
    assert_eq!(image, "echo-server kicbase/echo-server:1.0 8080");
    app.wait_until("the new row", |s| {
        s.lines()
            .any(|l| l.contains("hello-minikube") && l.contains("kicbase"))
    });

    // Expose: the port comes from the container; down picks NodePort.
    app.send("X");
    app.wait_for_text("Expose deployment.apps default/hello-minikube");
    app.wait_until("the port read from the deployment", |s| {
        s.lines()
            .any(|l| l.contains(" port ") && l.contains("8080"))
    });
    app.send(DOWN);
    app.send("\r");
    let screen = app.wait_for_text("service/hello-minikube exposed (NodePort ");
    let shown: String = screen
        .split("(NodePort ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let svc = kubectl(&[
        "get",
        "svc",
        "hello-minikube",
        "-o",
        "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].nodePort} {.spec.selector.app}",
    ]);
    assert_eq!(svc, format!("NodePort 8080 8080 {shown} hello-minikube"));

    // Port-forward to the deployment (any free local port) and fetch a page through it.
    app.send("F");
    app.wait_for_text("Port-forward deployment/hello-minikube");
    let port = app.start_forward_on_any_port("8080/TCP");
    let page = wait_for("a page through the forward", 30, || get_page(port));
    assert!(page.contains("hello-minikube-"), "{page}");

    // Set image: prefilled with the current one; the history pane shows revision 2.
    app.send("i");
    app.wait_for_text("Set image of deployment.apps default/hello-minikube");
    app.wait_for_text("kicbase/echo-server:1.0█");
    app.send(CTRL_U);
    app.send("kicbase/echo-server:1.1\r");
    app.wait_for_text("image updated: echo-server=kicbase/echo-server:1.1");
    app.wait_for_text("History deployment.apps/hello-minikube");
    assert_eq!(
        kubectl(&[
            "get",
            "deploy",
            "hello-minikube",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}"
        ]),
        "kicbase/echo-server:1.1"
    );
    wait_for("revision 2 in kubectl rollout history", 30, || {
        let out = kubectl(&["rollout", "history", "deployment/hello-minikube"]);
        out.lines()
            .any(|l| l.trim_start().starts_with('2'))
            .then_some(())
    });

    // Roll back to revision 1 from the history pane: the dialog names it, y confirms.
    app.wait_for_text("History deployment.apps/hello-minikube[2]");
    app.send("G");
    app.send("u");
    app.wait_for_text("to revision 1?");
    app.send("y");
    app.wait_for_text("deployment.apps/hello-minikube rolled back");
    let image_now = || {
        kubectl(&[
            "get",
            "deploy",
            "hello-minikube",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ])
    };
    assert_eq!(image_now(), "kicbase/echo-server:1.0");

    // Delete it: the question names the object; y deletes exactly that one.
    app.send("h");
    app.wait_for_no_text("History deployment.apps/hello-minikube");
    app.send("\x04");
    app.wait_for_text("hello-minikube");
    let screen = app.wait_until("the delete question", |s| s.contains("Delete"));
    assert!(screen.contains("hello-minikube"), "{screen}");
    app.send("y");
    wait_for("the deployment gone", 30, || {
        cluster
            .kubectl(&["get", "deploy", "hello-minikube"])
            .filter(|out| !out.status.success())
            .map(|_| ())
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn readonly_refuses_create_by_key_and_by_command() {
    let cluster = TestCluster::empty();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "-n", "default", "--readonly"],
        &[],
        160,
        45,
    );
    app.wait_for_text("ns 4");
    app.send(":deploy\r");
    app.wait_for_text("Deployments(default)");
    app.send("n");
    app.wait_for_text("read-only mode (--readonly): create refused");
    app.send(":create ns nope\r");
    app.wait_for_text("read-only mode (--readonly): create refused");
    if let Some(out) = cluster.kubectl(&["get", "ns", "nope"]) {
        assert!(!out.status.success(), "the namespace must not exist");
    }
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
