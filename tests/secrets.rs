#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Credentials stay secret: a bearer token or a client key from the kubeconfig never reaches
//! the screen, an error, the audit log or a file rkt writes, even when the server rejects it.

mod common;

use std::path::{Path, PathBuf};

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

const TOKEN: &str = "rkt-test-token-4711-do-not-show";
/// What a PEM key's body would carry; it must not be echoed back in an error.
const KEY_BODY: &str = "U0VDUkVULUtFWS1NQVRFUklBTC0xMjM0";

/// The sim's kubeconfig with its user given `user` (YAML for the `user:` map).
fn kubeconfig_with_user(cluster: &TestCluster, dir: &Path, user: &str) -> PathBuf {
    let text = std::fs::read_to_string(cluster.kubeconfig()).unwrap();
    assert!(
        text.contains("  user: {}"),
        "the sim's kubeconfig changed shape:\n{text}"
    );
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        text.replace("  user: {}", &format!("  user:\n{user}")),
    )
    .unwrap();
    path
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            out.push((path, text));
        }
    }
    out
}

fn assert_nowhere(app: &PtyApp, home: &Path, secret: &str) {
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(!raw.contains(secret), "on the terminal:\n{}", app.screen());
    for (path, text) in files_under(home) {
        if path.file_name().is_some_and(|n| n == "kubeconfig") {
            continue; // the user's own file
        }
        assert!(!text.contains(secret), "in {}:\n{text}", path.display());
    }
}

#[test]
fn a_rejected_token_is_reported_without_the_token() {
    let cluster = TestCluster::demo();
    let home = tempfile::tempdir().unwrap();
    let kc = kubeconfig_with_user(&cluster, home.path(), &format!("    token: {TOKEN}"));
    let state_home = home.path().join("state");
    let mut app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kc)],
        &[("XDG_STATE_HOME", path_arg(&state_home))],
        160,
        45,
    );
    app.wait_for_text("hello-minikube-");

    // The server starts rejecting the credential: rkt says so, without the token.
    cluster.sim.faults.refuse_all(401);
    app.send(":deploy\r");
    app.wait_until("the rejection on screen", |s| {
        s.to_lowercase().contains("unauthorized")
    });
    cluster.sim.faults.stop_refusing();
    app.wait_for_text("Deployments(default)");

    // A change is audited (the audit log is written), still without the token.
    app.send(":pods\r");
    app.wait_for_text("Pods(default)");
    app.send("gg\x04");
    app.wait_for_text("uid ");
    app.send("y");
    app.wait_for_text(" deleted");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    assert!(
        state_home.join("rkt/audit.log").exists(),
        "the delete was audited"
    );
    assert_nowhere(&app, home.path(), TOKEN);
}

#[test]
fn a_broken_client_key_is_reported_without_its_contents() {
    use base64::Engine as _;
    let cluster = TestCluster::demo();
    let home = tempfile::tempdir().unwrap();
    let pem = |kind: &str| {
        base64::engine::general_purpose::STANDARD.encode(format!(
            "-----BEGIN {kind}-----\n{KEY_BODY}\n-----END {kind}-----\n"
        ))
    };
    let user = format!(
        "    client-certificate-data: {}\n    client-key-data: {}",
        pem("CERTIFICATE"),
        pem("PRIVATE KEY")
    );
    let kc = kubeconfig_with_user(&cluster, home.path(), &user);
    let mut app = PtyApp::spawn(&["--kubeconfig", path_arg(&kc)], &[], 160, 45);
    let code = app.wait_exit();
    app.wait_output_settled();
    let screen = app.screen();
    assert_ne!(code, 0, "a key that cannot be read stops rkt:\n{screen}");
    assert!(
        screen.contains("rkt:") && !screen.trim().is_empty(),
        "a message says why:\n{screen}"
    );
    assert_nowhere(&app, home.path(), KEY_BODY);
}
