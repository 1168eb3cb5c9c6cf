#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: the hint line (the screen's second line) in the real binary, in a
//! pseudo-terminal. At 160 and at 80 columns it starts with the focused pane's own first
//! actions, fits on its line, and ends by pointing at `?` for the rest.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

fn hint_line(screen: &str) -> String {
    screen
        .lines()
        .nth(1)
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[test]
fn the_hint_line_leads_with_the_focused_panes_actions_at_160_and_80_columns() {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    for (cols, rows) in [(160u16, 45u16), (80, 24)] {
        let mut app = PtyApp::spawn(&["--kubeconfig", &kc], &[], cols, rows);
        let screen = app.wait_for_text("hello-minikube-");
        let hints = hint_line(&screen);
        assert!(hints.chars().count() <= usize::from(cols), "{hints}");
        // The pods pane has the focus: its first actions come first.
        assert!(
            hints.trim_start().starts_with("<l> logs"),
            "{cols}: {hints}"
        );
        assert!(hints.contains("<shift-f> forward"), "{cols}: {hints}");
        assert!(hints.ends_with("<?> more"), "{cols}: {hints}");
        if cols == 160 {
            for key in ["<ctrl-d> delete", "<y> yaml", "<d> describe"] {
                assert!(hints.contains(key), "{key} at 160: {hints}");
            }
        }
        // The namespaces pane's own action leads once it has the focus.
        app.send("\t");
        let screen = app.wait_until("namespaces focused", |s| {
            hint_line(s).trim_start().starts_with("<enter>")
        });
        assert!(
            !hint_line(&screen).contains("<l> logs"),
            "{}",
            hint_line(&screen)
        );
        app.send("q");
        assert_eq!(app.wait_exit(), 0);
    }
}
