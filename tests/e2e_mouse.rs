#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the mouse in the real binary, in a pseudo-terminal, against the demo
//! cluster. Clicks arrive as the SGR mouse reports terminals send (`ESC [ < b ; x ; y M`,
//! 1-based cells); `mouse: false` in the config leaves them to the terminal.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

/// A left click (press and release) at a 0-based cell.
fn click(x: usize, y: usize) -> String {
    format!("\x1b[<0;{};{}M\x1b[<0;{};{}m", x + 1, y + 1, x + 1, y + 1)
}

/// One wheel notch down at a 0-based cell.
fn wheel_down(x: usize, y: usize) -> String {
    format!("\x1b[<65;{};{}M", x + 1, y + 1)
}

/// Where `text` is on `screen`: (column, line), 0-based, in characters.
fn find(screen: &str, text: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .find_map(|(y, line)| {
            let at = line.find(text)?;
            Some((line[..at].chars().count(), y))
        })
        .unwrap_or_else(|| panic!("{text} not on screen:\n{screen}"))
}

/// The pod the details region describes (`pod NAME  namespace …`): the selected one.
fn selected_pod(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains("│pod "))?;
    let after = &line[line.find("│pod ")? + "│pod ".len()..];
    Some(after.split_whitespace().next()?.to_string())
}

#[test]
fn a_click_selects_a_row_and_a_header_click_sorts_by_that_column() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc], &[], 160, 45);
    let screen = app.wait_for_text("web-with-sidecar");
    assert_ne!(selected_pod(&screen).as_deref(), Some("web-with-sidecar"));

    // A click on a row selects that pod (the details region follows the selection).
    let (x, y) = find(&screen, "web-with-sidecar");
    app.send(&click(x + 2, y));
    app.wait_until("web-with-sidecar selected", |s| {
        selected_pod(s).as_deref() == Some("web-with-sidecar")
    });

    // A click on the STATUS header sorts by status: the arrow moves there, and the pod in
    // ImagePullBackOff comes before the running ones (as the `S` key sorts).
    let (x, y) = find(&screen, "STATUS");
    app.send(&click(x + 1, y));
    let screen = app.wait_for_text("STATUS↑");
    assert!(!screen.contains("NAME↑"), "{screen}");
    let first_row = screen.lines().nth(y + 1).unwrap();
    assert!(!first_row.contains("Running"), "{screen}");
    // A second click on it turns the order round.
    app.send(&click(x + 1, y));
    app.wait_for_text("STATUS↓");

    // The wheel moves the selection down the table.
    let before = selected_pod(&app.screen());
    app.send(&wheel_down(x, y + 2));
    app.wait_until("the wheel moved the selection", |s| {
        selected_pod(s) != before
    });
    let output = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(
        output.contains("\x1b[?1000h"),
        "mouse reporting is on by default"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    let output = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(
        output.contains("\x1b[?1000l"),
        "and off again when rkt ends"
    );
}

#[test]
fn a_double_click_on_a_namespace_switches_to_it_and_mouse_false_turns_it_off() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc], &[], 160, 45);
    let screen = app.wait_for_text("kube-system");
    let (x, y) = find(&screen, "kube-system");
    app.send(&format!("{}{}", click(x, y), click(x, y)));
    app.wait_for_text("Pods(kube-system)");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // With the mouse off, rkt does not ask for mouse reports and a click does nothing.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "mouse: false\n").unwrap();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc, "--config", path_arg(&config)],
        &[],
        160,
        45,
    );
    let screen = app.wait_for_text("kube-system");
    let (x, y) = find(&screen, "kube-system");
    app.send(&format!("{}{}", click(x, y), click(x, y)));
    app.send(":pods\r");
    let screen = app.wait_for_text("Pods(default)");
    assert!(!screen.contains("Pods(kube-system)"), "{screen}");
    let output = String::from_utf8_lossy(&app.raw_output()).into_owned();
    assert!(
        !output.contains("\x1b[?1000h"),
        "mouse reporting was turned on"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
