#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: a hostile pod (escape sequences, a bidi override and a zero-width space in
//! its annotations, image and env) and a hostile kubeconfig context name, shown by the real
//! binary in a pseudo-terminal against the simulated cluster. The bytes rkt writes to the
//! terminal carry no OSC 52 clipboard write, no injected clear screen and no raw bidi or
//! zero-width character; the screen shows them as visible escapes.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};

/// OSC 52 "set the clipboard to HACKED"; a clear screen followed by a marker.
const OSC52: &str = "\u{1b}]52;c;SEFDS0VE\u{7}";
const CLEAR: &str = "\u{1b}[2JHOSTILE";

fn create_hostile_pod(cluster: &TestCluster) {
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "hostile", "namespace": "default",
            "annotations": {"note": format!("osc{OSC52}end"), "clear": format!("x{CLEAR}"),
                "bidi": "admin\u{202e}nimda", "hidden": "zero\u{200b}width"}},
        "spec": {"containers": [{"name": "app", "image": format!("busybox{CLEAR}"),
            "env": [{"name": "MODE", "value": format!("env{OSC52}")}]}]}
    }))
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = common::kube_client(cluster.kubeconfig()).await;
        Api::<Pod>::namespaced(client, "default")
            .create(&PostParams::default(), &pod)
            .await
            .expect("the hostile pod is created");
    });
}

/// The cluster's kubeconfig with its context (and cluster and user) renamed to a name that
/// carries an OSC 52 sequence and a bidi override.
fn hostile_kubeconfig(cluster: &TestCluster, dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(cluster.kubeconfig()).unwrap();
    let hostile = r#""ctx\e]52;c;SEFDS0VE\a\u202Eend""#;
    let path = dir.join("hostile-kubeconfig");
    std::fs::write(&path, text.replace(rkt_sim::kubeconfig::CONTEXT, hostile)).unwrap();
    path
}

fn assert_inert_bytes(raw: &[u8]) {
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"\x1b]52"), "an OSC 52 sequence reached the terminal");
    assert!(
        !has(b"\x1b[2JHOSTILE"),
        "the injected clear screen reached the terminal"
    );
    assert!(
        !has("\u{202e}".as_bytes()),
        "a raw bidi override reached the terminal"
    );
    assert!(
        !has("\u{200b}".as_bytes()),
        "a raw zero-width space reached the terminal"
    );
}

#[test]
fn hostile_cluster_text_never_reaches_the_terminal_raw() {
    let cluster = TestCluster::empty();
    create_hostile_pod(&cluster);
    let dir = tempfile::tempdir().unwrap();
    let kc = hostile_kubeconfig(&cluster, dir.path());
    let mut app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kc), "-n", "default"],
        &[("NO_COLOR", "1")],
        200,
        60,
    );
    // The header names the context with its escapes visible.
    app.wait_for_text("ctx\\u{1b}]52;c;SEFDS0VE\\u{7}\\u{202e}end");
    app.wait_for_text("hostile");
    app.send("d");
    let screen = app.wait_for_text("describe pod default/hostile");
    let screen = if screen.contains("osc\\u{1b}]52") {
        screen
    } else {
        app.wait_for_text("osc\\u{1b}]52;c;SEFDS0VE\\u{7}end")
    };
    for shown in [
        "x\\u{1b}[2JHOSTILE",
        "admin\\u{202e}nimda",
        "zero\\u{200b}width",
        "busybox\\u{1b}[2JHOSTILE",
        "env\\u{1b}]52;c;SEFDS0VE\\u{7}",
    ] {
        assert!(screen.contains(shown), "{shown} not shown:\n{screen}");
    }
    app.send("\x1b");
    app.wait_for_no_text("describe pod");
    app.send("y");
    app.wait_for_text("annotations:");
    app.wait_output_settled();
    assert_inert_bytes(&app.raw_output());
}
