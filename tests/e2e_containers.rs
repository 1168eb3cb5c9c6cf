#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the pods table marks a pod whose probe fails, and `enter` opens its
//! containers with the failing liveness probe and the kubelet's last failure message.
//! The real binary in a pseudo-terminal, against the demo cluster, without colour.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

#[test]
fn liveness_http_shows_its_failing_probe() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "-n", "default"],
        &[("NO_COLOR", "1")],
        160,
        45,
    );
    app.wait_for_text("ns 4");
    // The cue, readable without colour, once the kubelet has killed it once.
    let screen = app.wait_until("liveness-http marked", |s| {
        s.lines()
            .any(|l| l.contains("liveness-http") && l.contains("✗ liveness"))
    });
    assert!(screen.contains("PROBES"), "{screen}");
    app.send("/liveness-http\r");
    app.wait_until("only liveness-http listed", |s| {
        !s.contains("hello-minikube")
    });
    // The view is the pod at the moment it is fetched: right after a restart the probe
    // has not failed again yet, so look again until it has.
    let mut screen = String::new();
    for _ in 0..20 {
        app.send("\r");
        screen = app.wait_until("the containers view", |s| {
            s.contains("containers of pod default/liveness-http") && s.contains("Probes:")
        });
        if screen.contains("✗ FAILING  liveness") {
            break;
        }
        app.send("\x1b");
        app.wait_for_no_text("containers of pod");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    assert!(
        screen.contains("✗ FAILING  liveness  http-get :8080/healthz"),
        "{screen}"
    );
    assert!(
        screen.contains("delay=3s timeout=1s period=3s #success=1 #failure=3"),
        "{screen}"
    );
    assert!(
        screen.contains("Liveness probe failed: HTTP probe failed with statuscode: 500"),
        "{screen}"
    );
    assert!(
        screen.contains("Image:            registry.k8s.io/liveness"),
        "{screen}"
    );
    assert!(
        screen.contains("Last termination: Error, exit code 137"),
        "{screen}"
    );
    // `l`: that pod's logs; `esc` back to the pods.
    app.send("l");
    app.wait_for_text("Logs default/liveness-http");
    app.send("\x1b");
    app.wait_for_text("PROBES");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
