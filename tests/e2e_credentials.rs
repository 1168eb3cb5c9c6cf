#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Credentials as kubectl handles them, through the real binary: an exec credential plugin
//! (a script that prints an ExecCredential with a short expiry and counts its calls) is run
//! again before its token runs out, its error text shows when it starts failing, and rkt
//! recovers by itself once it works again; a 401 from the server shows as a rejected
//! credential and heals the same way. The token never reaches the screen.

mod common;

use std::path::{Path, PathBuf};

use common::pty::{path_arg, PtyApp};
use common::{wait_for, TestCluster};

/// What the token looks like: never to be seen on screen.
const SECRET: &str = "s3cr3t";

/// A plugin in `dir`: counts its calls in `dir/count`; with `dir/fail` present it fails
/// with a message on stderr (and a token on stdout, which must never be shown); otherwise prints a token valid 62 s (kube-rs refreshes a
/// token that has less than 60 s left, so after 2 s every request runs it again).
fn plugin(dir: &Path, api_version: &str) -> PathBuf {
    let script = dir.join("plugin.sh");
    let text = format!(
        r#"#!/bin/sh
dir="{dir}"
n=$(cat "$dir/count" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/count"
if [ -e "$dir/fail" ]; then
  # What kube-rs's own error text would print: stdout too, token and all.
  echo "stale t-$n-{SECRET}"
  echo "token expired: run aws sso login" >&2
  exit 1
fi
exp=$(date -u -d "+62 seconds" +%Y-%m-%dT%H:%M:%SZ)
printf '{{"kind":"ExecCredential","apiVersion":"{api_version}","status":{{"token":"t-%s-{SECRET}","expirationTimestamp":"%s"}}}}\n' "$n" "$exp"
"#,
        dir = dir.display()
    );
    std::fs::write(&script, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// A kubeconfig for the sim at `url` whose user gets its token from `plugin`.
fn kubeconfig(dir: &Path, url: &str, plugin: &Path, api_version: &str) -> PathBuf {
    let path = dir.join("config");
    let text = format!(
        "apiVersion: v1
kind: Config
current-context: sso
clusters:
- name: sim
  cluster:
    server: {url}
contexts:
- name: sso
  context:
    cluster: sim
    user: sso-user
    namespace: default
users:
- name: sso-user
  user:
    exec:
      apiVersion: {api_version}
      command: {plugin}
      interactiveMode: Never
",
        plugin = plugin.display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn calls(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join("count"))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0)
}

fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default()
}

fn start(api_version: &str) -> (TestCluster, tempfile::TempDir, PtyApp) {
    let cluster = TestCluster::demo();
    let dir = tempfile::tempdir().unwrap();
    let script = plugin(dir.path(), api_version);
    let config = kubeconfig(dir.path(), &cluster.sim.url, &script, api_version);
    let app = PtyApp::spawn(&["--kubeconfig", path_arg(&config)], &[], 160, 40);
    (cluster, dir, app)
}

#[test]
fn an_exec_plugin_is_refreshed_before_expiry_its_error_shows_and_rkt_recovers() {
    let (cluster, dir, mut app) = start("client.authentication.k8s.io/v1beta1");
    app.wait_until("pods, authenticated by the plugin", |s| {
        s.contains("hello-minikube-") && header(s).contains("connected")
    });
    // Watches end now and then (the sim ends them on request): each new request asks for
    // a token, and one with less than a minute left is replaced by running the plugin.
    let before = calls(dir.path());
    assert!(before >= 1);
    wait_for("the plugin run again before its token expired", 60, || {
        cluster.sim.faults.drop_watches();
        std::thread::sleep(std::time::Duration::from_millis(300));
        (calls(dir.path()) > before).then_some(())
    });

    // The plugin starts failing: its own message shows, in the header and the view.
    // (The token in hand may be good for two more seconds: watches end until one asks.)
    std::fs::write(dir.path().join("fail"), "").unwrap();
    wait_for("a request that needs a new token", 60, || {
        cluster.sim.faults.drop_watches();
        std::thread::sleep(std::time::Duration::from_millis(300));
        header(&app.screen())
            .contains("token expired")
            .then_some(())
    });
    app.wait_until("the plugin's error in the header and on the view", |s| {
        header(s).contains("credential plugin failed: token expired: run aws sso login")
            && s.matches("token expired: run aws sso login").count() >= 2
    });

    // It works again: the watches' retries pick up a fresh token, nothing to press.
    std::fs::remove_file(dir.path().join("fail")).unwrap();
    app.wait_until("recovered", |s| {
        header(s).contains("● connected")
            && !s.contains("token expired")
            && s.contains("hello-minikube-")
    });
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(!raw.contains(SECRET), "a token reached the terminal");
}

#[test]
fn a_v1_exec_plugin_authenticates_and_a_401_shows_as_a_rejected_credential_until_it_heals() {
    let (cluster, dir, mut app) = start("client.authentication.k8s.io/v1");
    app.wait_until("pods, authenticated by the v1 plugin", |s| {
        s.contains("hello-minikube-") && header(s).contains("connected")
    });
    assert!(calls(dir.path()) >= 1);
    cluster.sim.faults.refuse_all(401);
    cluster.sim.faults.drop_watches();
    app.wait_until("the rejected credential in the header", |s| {
        header(s).contains("credential rejected")
    });
    cluster.sim.faults.stop_refusing();
    app.wait_until("recovered by itself", |s| {
        header(s).contains("● connected") && !s.contains("credential rejected")
    });
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(!raw.contains(SECRET), "a token reached the terminal");
}

#[test]
fn a_plugin_that_fails_at_start_stops_rkt_with_its_message_and_no_token() {
    let cluster = TestCluster::demo();
    let dir = tempfile::tempdir().unwrap();
    let api = "client.authentication.k8s.io/v1beta1";
    let script = plugin(dir.path(), api);
    let config = kubeconfig(dir.path(), &cluster.sim.url, &script, api);
    std::fs::write(dir.path().join("fail"), "").unwrap();
    let mut app = PtyApp::spawn(&["--kubeconfig", path_arg(&config)], &[], 160, 40);
    app.wait_for_text("credential plugin failed: token expired: run aws sso login");
    assert_ne!(app.wait_exit(), 0);
    let raw = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(!raw.contains(SECRET), "{raw}");
}
