#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The audit log, end to end: the real binary in a pseudo-terminal against the demo cluster
//! changes things, and `$XDG_STATE_HOME/rkt/audit.log` has one JSON line per change.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;
use serde_json::Value;

fn audit_lines(state: &Path) -> Vec<Value> {
    let path = state.join("rkt/audit.log");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn each_change_appends_one_json_line() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let state = tempfile::tempdir().unwrap();
    let state_home = path_arg(state.path()).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc],
        &[("XDG_STATE_HOME", &state_home)],
        160,
        45,
    );
    app.wait_for_text("hello-minikube-");

    // Delete the first pod: ctrl-d, wait for the confirmation to know the object, y.
    app.send("gg\x04");
    app.wait_for_text("uid ");
    app.send("y");
    let screen = app.wait_for_text(" deleted");
    let notice = screen
        .lines()
        .find(|l| l.contains(" deleted"))
        .unwrap()
        .to_string();

    // Restart a deployment: r, then y to the question.
    app.send(":deploy\r");
    // The rows, not only the title: `r` acts on the selected one.
    app.wait_until("the deployments listed", |s| {
        s.contains("Deployments(default)") && s.contains("hello-minikube ")
    });
    app.send("ggr");
    app.wait_for_text("Restart");
    app.send("y");
    app.wait_for_text("restarted");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let lines = audit_lines(state.path());
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        assert_eq!(line["context"], "rkt-sim", "{line}");
        assert_eq!(line["user"], "rkt-sim", "{line}");
        assert!(
            line["server"].as_str().unwrap().starts_with("http"),
            "{line}"
        );
        assert_eq!(line["result"], "ok", "{line}");
        assert!(line["time"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok());
    }
    let delete = &lines[0];
    assert_eq!(delete["verb"], "delete");
    assert_eq!(delete["object"]["apiVersion"], "v1");
    assert_eq!(delete["object"]["kind"], "Pod");
    assert_eq!(delete["object"]["namespace"], "default");
    let pod = delete["object"]["name"].as_str().unwrap();
    assert!(
        notice.contains(&format!("default/{pod} deleted")),
        "{notice}"
    );
    assert!(delete["resourceVersion"].as_str().is_some(), "{delete}");

    let restart = &lines[1];
    assert_eq!(restart["verb"], "restart");
    assert_eq!(restart["object"]["apiVersion"], "apps/v1");
    assert_eq!(restart["object"]["kind"], "Deployment");
    assert_eq!(restart["object"]["namespace"], "default");

    let log = state.path().join("rkt/audit.log");
    let mode = std::fs::metadata(&log).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "only the user may read the log");
}

#[test]
fn readonly_changes_nothing_and_logs_nothing() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let state = tempfile::tempdir().unwrap();
    let state_home = path_arg(state.path()).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "--readonly"],
        &[("XDG_STATE_HOME", &state_home)],
        160,
        45,
    );
    app.wait_for_text("hello-minikube-");
    app.send("gg\x04");
    app.wait_for_text("delete refused");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    assert!(audit_lines(state.path()).is_empty());
}

#[test]
fn a_protected_context_wants_the_name_typed_and_says_so_in_the_header() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let state = tempfile::tempdir().unwrap();
    let state_home = path_arg(state.path()).to_owned();
    let config = state.path().join("config.yaml");
    std::fs::write(&config, "protected_contexts: [prod, \"rkt-*\"]\n").unwrap();
    let config = path_arg(&config).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "--config", &config],
        &[("XDG_STATE_HOME", &state_home)],
        160,
        45,
    );
    let screen = app.wait_for_text("hello-minikube-");
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("rkt-sim") && header.contains("PROTECTED"),
        "{header}"
    );

    app.send("gg\x04");
    app.wait_for_text("uid ");
    let screen = app.wait_for_text("protected context");
    let ask = screen.lines().find(|l| l.contains(" to delete")).unwrap();
    let pod = ask
        .split(" type ")
        .nth(1)
        .and_then(|rest| rest.split(" to delete").next())
        .unwrap()
        .trim()
        .to_string();
    assert!(
        !pod.is_empty() && !pod.contains(char::is_whitespace),
        "{ask}"
    );

    // y is no longer enough, and a wrong name deletes nothing.
    app.send("y\r");
    app.wait_for_text("that is not");
    app.send("\x15"); // ctrl-u clears what was typed
    app.send(&format!("{}x\r", pod));
    app.wait_output_settled();
    assert!(audit_lines(state.path()).is_empty(), "nothing was deleted");
    assert!(!app.screen().contains(" deleted"), "{}", app.screen());

    app.send("\x15");
    app.send(&format!("{pod}\r"));
    app.wait_for_text(&format!("default/{pod} deleted"));
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let lines = audit_lines(state.path());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0]["verb"], "delete");
    assert_eq!(lines[0]["object"]["name"], pod.as_str());
    assert_eq!(lines[0]["result"], "ok");
}
