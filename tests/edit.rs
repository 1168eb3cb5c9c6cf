#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `e` edits the selected object as `kubectl edit` does: the real binary in a
//! pseudo-terminal against the demo cluster, with a scripted `$EDITOR` (a shell script that
//! counts its runs, keeps a copy of what it was given, and edits by run number), checked
//! with kubectl.

mod common;

use std::path::{Path, PathBuf};

use common::pty::{path_arg, PtyApp};
use common::{kubectl_path, TestCluster};

const CM: &str = "aaa-game";

/// A scripted editor in its own directory: `runs` counts its runs, `seen.N` is the file as
/// run N got it. `body` is shell for a `case "$n" in … esac` on the run number; `$1` is
/// the file, `$DIR` the directory.
struct Editor {
    dir: tempfile::TempDir,
}

impl Editor {
    fn new(body: &str) -> Editor {
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "#!/bin/sh\nset -e\nDIR='{dir}'\nn=$(cat \"$DIR/runs\" 2>/dev/null || echo 0)\n\
             n=$((n+1))\necho $n > \"$DIR/runs\"\ncp \"$1\" \"$DIR/seen.$n\"\n\
             stat -c %a \"$1\" > \"$DIR/mode.$n\"\n\
             case \"$n\" in\n{body}\nesac\n",
            dir = dir.path().display()
        );
        let path = dir.path().join("editor.sh");
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Editor { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("editor.sh")
    }

    fn runs(&self) -> u32 {
        std::fs::read_to_string(self.dir.path().join("runs"))
            .map(|s| s.trim().parse().unwrap())
            .unwrap_or(0)
    }

    /// The file's permission bits as run `run` found them (`600`).
    fn mode(&self, run: u32) -> String {
        let mode = std::fs::read_to_string(self.dir.path().join(format!("mode.{run}")));
        mode.unwrap().trim().to_string()
    }

    fn seen(&self, run: u32) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("seen.{run}"))).unwrap()
    }
}

/// The demo cluster with a ConfigMap `aaa-game` (`level: "1"`); `None` without kubectl.
fn cluster() -> Option<TestCluster> {
    kubectl_path()?;
    let cluster = TestCluster::demo();
    let out = cluster
        .kubectl(&[
            "create",
            "configmap",
            CM,
            "-n",
            "default",
            "--from-literal=level=1",
        ])
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    Some(cluster)
}

fn level(cluster: &TestCluster) -> String {
    let out = cluster
        .kubectl(&[
            "get",
            "configmap",
            CM,
            "-n",
            "default",
            "-o",
            "jsonpath={.data.level}",
        ])
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// rkt on the ConfigMap, selected, with `editor` as `$EDITOR` (and no `$KUBE_EDITOR`).
fn start(cluster: &TestCluster, editor: &Path, extra: &[&str]) -> PtyApp {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut args = vec!["--kubeconfig", &kc, "-n", "default"];
    args.extend_from_slice(extra);
    let kubectl = kubectl_path().unwrap();
    let envs = [
        ("EDITOR", path_arg(editor)),
        ("KUBE_EDITOR", ""),
        ("EDIT_KUBECONFIG", kc.as_str()),
        ("KUBECTL", path_arg(&kubectl)),
    ];
    let mut app = PtyApp::spawn(&args, &envs, 160, 45);
    app.wait_for_text("ns 4");
    app.send(":cm\r");
    app.wait_for_text(CM);
    app.send(&format!("/{CM}\r"));
    app.wait_until("only the ConfigMap listed", |s| {
        s.contains(CM) && !s.contains("kube-root-ca")
    });
    app
}

/// Replaces the level in the file `$1` (the editor's file) with `N`.
fn set_level(n: u32) -> String {
    format!("sed -i 's/^  level: .*/  level: \"{n}\"/' \"$1\"")
}

#[test]
fn a_saved_change_is_applied_and_an_unchanged_or_empty_file_cancels() {
    let Some(cluster) = cluster() else { return };
    let editor = Editor::new(&format!("1) {} ;;\n3) : > \"$1\" ;;\n*) ;;", set_level(2)));
    let mut app = start(&cluster, &editor.path(), &[]);
    app.send("e");
    app.wait_for_text("configmap/aaa-game edited");
    // The TUI is back: the table is drawn again.
    let screen = app.wait_for_text("configmaps(default)");
    assert!(screen.contains(CM), "{screen}");
    assert!(app.alternate_screen());
    assert_eq!(level(&cluster), "2");
    // What the editor got: kubectl's header, no managedFields, no status.
    let first = editor.seen(1);
    assert!(
        first.starts_with("# Please edit the object below."),
        "{first}"
    );
    assert!(!first.contains("managedFields"), "{first}");
    assert!(first.contains("resourceVersion:"), "{first}");
    // Only the user may read it: a Secret's data may be in it.
    assert_eq!(editor.mode(1), "600");
    // Opened again and saved as it was: nothing is sent.
    app.send("e");
    app.wait_for_text("edit cancelled, no changes made");
    assert_eq!(editor.runs(), 2);
    assert_eq!(level(&cluster), "2");
    // Saved empty: cancelled too.
    app.send("e");
    app.wait_for_text("edit cancelled, saved file was empty");
    assert_eq!(editor.runs(), 3);
    assert_eq!(level(&cluster), "2");
    // Each edit has its audit line, with how it ended.
    let log = std::fs::read_to_string(app.state_dir().join("audit.log")).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{log}");
    for line in &lines {
        assert_eq!(line["verb"], "edit");
        assert_eq!(line["object"]["kind"], "ConfigMap");
        assert_eq!(line["object"]["name"], CM);
    }
    assert_eq!(lines[0]["result"], "ok");
    assert!(lines[1]["result"]
        .as_str()
        .unwrap()
        .contains("no changes made"));
    assert!(lines[2]["result"].as_str().unwrap().contains("was empty"));
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn invalid_yaml_reopens_the_editor_with_the_error_on_top() {
    let Some(cluster) = cluster() else { return };
    // Run 1 breaks the YAML; run 2 (given the broken text and the error) writes the first
    // file back with a new level.
    let editor = Editor::new(&format!(
        "1) echo 'data: [unclosed' >> \"$1\" ;;\n2) cp \"$DIR/seen.1\" \"$1\"; {} ;;",
        set_level(3)
    ));
    let mut app = start(&cluster, &editor.path(), &[]);
    app.send("e");
    app.wait_for_text("configmap/aaa-game edited");
    assert_eq!(editor.runs(), 2);
    let second = editor.seen(2);
    assert!(
        second.contains("# The edited file had a syntax error"),
        "{second}"
    );
    assert!(
        second.contains("data: [unclosed"),
        "the user's text: {second}"
    );
    assert_eq!(level(&cluster), "3");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_conflict_reopens_on_the_fresh_object_with_a_note() {
    let Some(cluster) = cluster() else { return };
    // Run 1 changes the object behind rkt's back (kubectl), then edits: the update is a
    // conflict. Run 2 gets the object as it is now and edits again.
    let touch = format!(
        "\"$KUBECTL\" --kubeconfig \"$EDIT_KUBECONFIG\" annotate configmap {CM} -n default \
         touched=yes >/dev/null"
    );
    let editor = Editor::new(&format!(
        "1) {touch}; {} ;;\n2) {} ;;",
        set_level(4),
        set_level(5)
    ));
    let mut app = start(&cluster, &editor.path(), &[]);
    app.send("e");
    app.wait_for_text("configmap/aaa-game edited");
    assert_eq!(editor.runs(), 2);
    let second = editor.seen(2);
    assert!(second.contains("(conflict)"), "{second}");
    assert!(second.contains("touched:"), "the fresh object: {second}");
    assert!(
        second.contains("level: '1'"),
        "not the failed edit: {second}"
    );
    assert_eq!(level(&cluster), "5");
    let out = cluster
        .kubectl(&[
            "get",
            "configmap",
            CM,
            "-n",
            "default",
            "-o",
            "jsonpath={.metadata.annotations.touched}",
        ])
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "yes");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn readonly_refuses_before_the_editor_opens() {
    let Some(cluster) = cluster() else { return };
    let editor = Editor::new("*) ;;");
    let mut app = start(&cluster, &editor.path(), &["--readonly"]);
    app.send("e");
    app.wait_for_text("read-only mode (--readonly): edit refused");
    assert_eq!(editor.runs(), 0);
    assert_eq!(level(&cluster), "1");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_missing_editor_is_a_message_and_the_screen_comes_back() {
    let Some(cluster) = cluster() else { return };
    let mut app = start(&cluster, Path::new("/nonexistent/editor"), &[]);
    app.send("e");
    app.wait_for_text("not found");
    let screen = app.wait_for_text("configmaps(default)");
    assert!(screen.contains(CM), "{screen}");
    assert!(app.alternate_screen());
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_rejected_update_reopens_on_the_users_text_with_the_servers_message() {
    let Some(cluster) = cluster() else { return };
    // Run 1 waits while the test makes the server refuse ConfigMaps, then edits; run 2
    // gets the user's text back under the error and saves it as it is: the edit ends.
    let editor = Editor::new(&format!(
        "1) touch \"$DIR/waiting\"; while [ ! -f \"$DIR/go\" ]; do sleep 0.05; done; {} ;;\n*) ;;",
        set_level(6)
    ));
    let mut app = start(&cluster, &editor.path(), &[]);
    app.send("e");
    let deadline = std::time::Instant::now() + common::pty::timeout();
    while !editor.dir.path().join("waiting").exists() {
        assert!(std::time::Instant::now() < deadline, "the editor never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    cluster.sim.faults.refuse_resource("configmaps", 403);
    std::fs::write(editor.dir.path().join("go"), "").unwrap();
    app.wait_for_text("edit cancelled, no valid changes were saved");
    cluster.sim.faults.reset();
    assert_eq!(editor.runs(), 2);
    let second = editor.seen(2);
    let header_end = second.find("apiVersion").unwrap();
    assert!(
        second[..header_end].to_lowercase().contains("forbidden"),
        "the server's message on top: {second}"
    );
    assert!(second.contains("level: \"6\""), "the user's text: {second}");
    assert_eq!(level(&cluster), "1");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
