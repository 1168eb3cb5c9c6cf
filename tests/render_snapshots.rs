#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rendering: whole-screen snapshots on ratatui's TestBackend (fixed "now" so ages are
//! stable), style checks, and the themes.

mod common;

use common::tui_fixtures::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use rkt::effect::WatchSlot;
use rkt::model::rows::Rows;
use rkt::msg::{Msg, WatchEvent};
use rkt::state::{update, AppState};
use rkt::theme::Theme;

fn draw(st: &mut AppState, theme: &Theme, w: u16, h: u16) -> Buffer {
    st.size = (w, h);
    st.refresh();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keymap = st.keymap.clone();
    term.draw(|f| {
        rkt::ui::render(st, theme, &keymap, f);
    })
    .unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(st: &mut AppState, c: char) {
    update(
        st,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

/// Finds the first cell of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return (x as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{t}");
}

#[test]
fn main_screen_80x24() {
    let mut st = kube_system_state();
    let buf = draw(&mut st, &Theme::default_theme(), 80, 24);
    insta::assert_snapshot!("main_80x24", text(&buf));
}

#[test]
fn main_screen_160x48_all_namespaces_with_health_states() {
    let (mut st, _) = started(None);
    list(
        &mut st,
        WatchSlot::Namespaces,
        Rows::Namespaces(namespace_rows()),
    );
    let mut all = pods(KUBE_SYSTEM);
    all.extend(pods(DEFAULT));
    list(&mut st, WatchSlot::Main, Rows::Pods(all));
    update(&mut st, Msg::ServerVersion(Ok("v1.33.0".into())));
    let buf = draw(&mut st, &Theme::default_theme(), 160, 48);
    insta::assert_snapshot!("main_160x48_all_namespaces", text(&buf));
}

/// The pods table with short names and one very long one, at a size.
fn pods_with_long_and_short_names(cols: u16, rows: u16) -> String {
    let (mut st, _) = started(Some("default"));
    let mut list_ = pods(DEFAULT);
    let long = P {
        ns: "default",
        name: "payments-reconciliation-worker-with-a-very-long-name-7d9f8b6c5d-q2x4z",
        ready: (1, 1),
        status: "Running",
        health: rkt::model::rows::Health::Ok,
        restarts: 0,
        age_secs: 600,
        ip: "10.244.0.42",
    };
    list_.push(long.row());
    list(&mut st, WatchSlot::Main, Rows::Pods(list_));
    update(&mut st, Msg::ServerVersion(Ok("v1.33.0".into())));
    text(&draw(&mut st, &Theme::default_theme(), cols, rows))
}

#[test]
fn pods_table_fits_its_data_at_three_sizes() {
    for (cols, rows) in [(80u16, 24u16), (120, 40), (200, 50)] {
        let t = pods_with_long_and_short_names(cols, rows);
        // Every column shown at 120 and wider; the long name is cut with an ellipsis only
        // where the pane cannot hold it.
        if cols >= 120 {
            for header in ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"] {
                assert!(t.contains(header), "{cols}x{rows}: {header}\n{t}");
            }
        }
        let whole =
            t.contains("payments-reconciliation-worker-with-a-very-long-name-7d9f8b6c5d-q2x4z");
        assert_eq!(whole, cols >= 200, "{cols}x{rows}:\n{t}");
        insta::assert_snapshot!(format!("pods_long_and_short_names_{cols}x{rows}"), t);
    }
}

#[test]
fn help_at_80x24_shows_every_key_whole_with_its_heading() {
    let mut st = kube_system_state();
    key(&mut st, '?');
    let mut seen = String::new();
    // Page by page to the end (one screen of 20 lines moves 10 at a time).
    for _ in 0..40 {
        seen.push_str(&text(&draw(&mut st, &Theme::default_theme(), 80, 24)));
        key(&mut st, 'j');
        key(&mut st, 'j');
        key(&mut st, 'j');
        key(&mut st, 'j');
        key(&mut st, 'j');
        key(&mut st, 'j');
    }
    let keymap = rkt::keymap::Keymap::default();
    let whole = |label: &str, desc: &str| {
        seen.lines().any(|l| {
            let l = l.trim_matches(|c: char| c == '│' || c.is_whitespace());
            l.strip_prefix(label)
                .is_some_and(|rest| rest.trim() == desc)
        })
    };
    for b in keymap.bindings() {
        assert!(
            whole(&b.keys_label(), b.desc),
            "{} {} not shown whole",
            b.keys_label(),
            b.desc
        );
    }
    // A heading is never the last line of a column: its keys follow it.
    let logs_heading = seen.find("│Logs ").expect("Logs heading");
    assert!(seen[logs_heading..].contains("autoscroll"));
}

#[test]
fn help_filter_finds_a_key_by_what_it_does_and_esc_brings_every_key_back() {
    let mut st = kube_system_state();
    key(&mut st, '?');
    key(&mut st, '/');
    for c in "delete".chars() {
        key(&mut st, c);
    }
    let screen = text(&draw(&mut st, &Theme::default_theme(), 80, 24));
    assert!(screen.contains("Help </delete>"), "{screen}");
    assert!(screen.contains("ctrl-d"), "{screen}");
    assert!(screen.contains("keys and commands match"), "{screen}");
    // Sections without a match are left out, headings of the ones with one stay.
    assert!(!screen.contains("autoscroll"), "{screen}");
    assert!(screen.contains("Pods"), "{screen}");
    // enter keeps the filter; esc clears it, and again closes help.
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let screen = text(&draw(&mut st, &Theme::default_theme(), 80, 24));
    assert!(screen.contains("Help </delete>"), "{screen}");
    let esc = || Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    update(&mut st, esc());
    let screen = text(&draw(&mut st, &Theme::default_theme(), 80, 24));
    assert!(!screen.contains("</delete>"), "{screen}");
    assert!(screen.contains("Help"), "{screen}");
    update(&mut st, esc());
    let screen = text(&draw(&mut st, &Theme::default_theme(), 80, 24));
    assert!(!screen.contains("finds a key"), "help closed: {screen}");

    // A filter nothing answers says so.
    key(&mut st, '?');
    key(&mut st, '/');
    for c in "zzqx".chars() {
        key(&mut st, c);
    }
    let screen = text(&draw(&mut st, &Theme::default_theme(), 80, 24));
    assert!(
        screen.contains("no key or command does \"zzqx\""),
        "{screen}"
    );
}

#[test]
fn help_screen() {
    let mut st = kube_system_state();
    key(&mut st, '?');
    let buf = draw(&mut st, &Theme::default_theme(), 100, 40);
    insta::assert_snapshot!("help_100x40", text(&buf));
}

#[test]
fn first_frame_before_any_answer_says_loading() {
    let (mut st, _) = started(Some("kube-system"));
    let buf = draw(&mut st, &Theme::default_theme(), 80, 24);
    let t = text(&buf);
    assert!(t.contains("connecting"), "{t}");
    assert!(t.contains("loading pods"), "{t}");
    insta::assert_snapshot!("first_frame_80x24", t);
}

#[test]
fn filter_prompt_shows_the_match_count() {
    let mut st = kube_system_state();
    key(&mut st, '/');
    for c in "kube-s".chars() {
        key(&mut st, c);
    }
    let buf = draw(&mut st, &Theme::default_theme(), 80, 24);
    let t = text(&buf);
    assert!(t.contains("/kube-s█   1 of 7 match"), "{t}");
    assert!(t.contains("Pods(kube-system)[1/7] </kube-s>"), "{t}");
    assert!(!t.contains("etcd-minikube"), "{t}");
}

#[test]
fn watch_error_is_visible() {
    let (mut st, _) = started(Some("secret"));
    let k = st.main_watch.key.unwrap();
    update(
        &mut st,
        kube(k, WatchEvent::Error("Forbidden: pods is forbidden".into())),
    );
    let t = text(&draw(&mut st, &Theme::default_theme(), 100, 24));
    assert!(t.contains("reconnecting: Forbidden"), "{t}");
    assert!(t.contains("cannot list pods: Forbidden"), "{t}");
}

#[test]
fn rows_are_coloured_by_health() {
    let theme = Theme::default_theme();
    let (mut st, _) = started(Some("default"));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    let buf = draw(&mut st, &theme, 160, 30);
    let fg = |needle: &str| {
        let (x, y) = find(&buf, needle);
        buf[(x, y)].fg
    };
    assert_eq!(Some(fg("crashy")), theme.error.fg);
    assert_eq!(
        Some(fg("hello-minikube-5c898d8489-9mzq2")),
        theme.pending.fg
    );
    assert_eq!(Some(fg("hello-minikube-5c898d8489-4xk8s")), theme.ok.fg);
    assert_eq!(Some(fg("old-web")), theme.terminating.fg);
    // The selected (first) row uses the selection style.
    let (x, y) = find(&buf, "batch-job");
    assert_eq!(Some(buf[(x, y)].bg), theme.selected.bg);
}

#[test]
fn a_protected_context_is_marked_in_the_header_in_its_own_style() {
    for theme in [
        Theme::default_theme(),
        Theme::load("light", None).unwrap(),
        Theme::load("high-contrast", None).unwrap(),
    ] {
        let (mut st, _) = started(Some("default"));
        let plain = draw(&mut st, &theme, 160, 30);
        assert!(!text(&plain).contains("PROTECTED"));
        st.cluster.protected = true;
        let buf = draw(&mut st, &theme, 160, 30);
        let header = text(&buf).lines().next().unwrap().to_string();
        assert!(
            header.contains("minikube") && header.contains("⚠ PROTECTED"),
            "{header}"
        );
        let (x, y) = find(&buf, "minikube");
        assert_eq!(Some(buf[(x, y)].bg), theme.protected.bg, "{}", theme.name);
        assert_ne!(
            theme.protected.bg, theme.base.bg,
            "{} stands out",
            theme.name
        );
    }
}

#[test]
fn every_theme_file_parses_and_differs_from_plain() {
    let mut count = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/themes")).unwrap() {
        let path = entry.unwrap().path();
        let yaml = std::fs::read_to_string(&path).unwrap();
        let theme =
            Theme::from_yaml("x", &yaml).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        assert_ne!(theme.error.fg, None, "{}", path.display());
        count += 1;
    }
    assert!(count >= 3);
    for (name, _) in rkt::theme::BUILTIN {
        assert_eq!(Theme::load(name, None).unwrap().name, *name);
    }
}

#[test]
fn partial_theme_resolves_onto_the_default() {
    let default = Theme::default_theme();
    let t = Theme::from_yaml("mine", "styles:\n  error: { fg: blue }\n").unwrap();
    assert_eq!(t.name, "mine");
    assert_eq!(t.error.fg, Some(Color::Blue));
    // Attributes not given are kept from the default (bold here), other styles untouched.
    assert!(t.error.add_modifier.contains(Modifier::BOLD));
    assert_eq!(t.ok, default.ok);
}

#[test]
fn broken_themes_are_clear_errors() {
    let e = Theme::from_yaml("x", "styles:\n  eror: { fg: red }\n").unwrap_err();
    assert!(format!("{e:#}").contains("eror"), "{e:#}");
    let e = Theme::from_yaml("x", "styles:\n  error: { fg: rouge }\n").unwrap_err();
    assert!(format!("{e:#}").contains("rouge"), "{e:#}");
    let e = Theme::load("no-such-theme", None).unwrap_err();
    assert!(
        format!("{e:#}").contains("built-in themes are default, light, high-contrast"),
        "{e:#}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "styles: [").unwrap();
    let e = Theme::load(path.to_str().unwrap(), None).unwrap_err();
    assert!(format!("{e:#}").contains("bad.yaml"), "{e:#}");
}

#[test]
fn user_theme_dir_is_searched_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.yaml"),
        "styles:\n  ok: { fg: magenta }\n",
    )
    .unwrap();
    let t = Theme::load("mine", Some(dir.path())).unwrap();
    assert_eq!(t.ok.fg, Some(Color::Magenta));
}

#[test]
fn no_color_keeps_selection_visible() {
    let plain = Theme::load("high-contrast", None).unwrap().without_colors();
    assert_eq!(plain.error.fg, None);
    assert_eq!(plain.base.bg, None);
    assert!(plain.selected.add_modifier.contains(Modifier::REVERSED));
    let mut st = kube_system_state();
    let buf = draw(&mut st, &plain, 80, 24);
    let all_plain = buf
        .content
        .iter()
        .all(|c| c.fg == Color::Reset && c.bg == Color::Reset);
    assert!(all_plain, "NO_COLOR output has colours");
    // Health is still told apart, by text style: each state its own.
    let health = [
        plain.ok,
        plain.error,
        plain.warn,
        plain.pending,
        plain.completed,
        plain.terminating,
    ];
    for (i, a) in health.iter().enumerate() {
        for b in &health[i + 1..] {
            assert_ne!(a.add_modifier, b.add_modifier, "{health:?}");
        }
    }
}

#[test]
fn no_color_marks_each_pod_health_in_the_table() {
    let plain = Theme::default_theme().without_colors();
    let (mut st, _) = started(Some("default"));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    let buf = draw(&mut st, &plain, 160, 30);
    // The style of the STATUS cell of the row showing `name`.
    let status_style = |name: &str, status: &str| {
        let y = (0..buf.area.height)
            .find(|&y| {
                let line: String = (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect();
                line.contains(name)
            })
            .unwrap_or_else(|| panic!("no row {name}"));
        let line: Vec<String> = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        let text = line.concat();
        let byte = text.find(status).expect("status shown");
        // One cell per character (borders are multi-byte).
        let x = text[..byte].chars().count() as u16;
        buf[(x, y)].modifier
    };
    let crash = status_style("crashy-", "CrashLoopBackOff");
    let creating = status_style("9mzq2", "ContainerCreating");
    let done = status_style("batch-job", "Completed");
    assert!(crash.contains(Modifier::BOLD), "{crash:?}");
    assert!(creating.contains(Modifier::UNDERLINED), "{creating:?}");
    assert!(done.contains(Modifier::DIM), "{done:?}");
}

/// The deployments view of `default` with `web` listed and its history pane open, showing
/// revisions whose change-causes and images are longer than the pane is wide.
fn history_state() -> AppState {
    use rkt::model::rollout::history::ReplicaSetRow;
    use rkt::model::rollout::rows::WorkloadRow;
    let (mut st, _) = started(Some("default"));
    for c in ":deploy".chars() {
        key(&mut st, c);
    }
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let d: k8s_openapi::api::apps::v1::Deployment = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "hello-minikube", "namespace": "default", "uid": "uid-web",
                     "creationTimestamp": "2026-01-01T11:00:00Z"},
        "spec": {"replicas": 1, "selector": {}, "template": {}}
    }))
    .unwrap();
    let web = WorkloadRow {
        template_key: 3,
        ..WorkloadRow::from_deployment(&d)
    };
    list(&mut st, WatchSlot::Main, Rows::Workloads(vec![web]));
    st.refresh();
    key(&mut st, 'h');
    let rs = |revision: i64, cause: &str, image: &str| ReplicaSetRow {
        namespace: "default".into(),
        name: format!("hello-minikube-{revision}"),
        owner_uid: Some("uid-web".into()),
        revision: Some(revision),
        change_cause: Some(cause.into()),
        images: vec![image.into()],
        created: Some(now()),
        replicas: 0,
        ready: 0,
        template_key: revision as u64,
        former: Vec::new(),
    };
    list(
        &mut st,
        WatchSlot::History,
        Rows::ReplicaSets(vec![
            rs(
                1,
                "kubectl create deployment hello-minikube --image=sebcontents/cozserver:1.0",
                "sebcontents/cozserver:1.0",
            ),
            rs(
                3,
                "kubectl set image deployment/hello-minikube cozserver=sebcontents/cozserver:3.0",
                "sebcontents/cozserver:3.0",
            ),
        ]),
    );
    st
}

#[test]
fn cut_history_cells_end_in_an_ellipsis() {
    let mut st = history_state();
    let t = text(&draw(&mut st, &Theme::default_theme(), 100, 30));
    // The change-cause is too long for the pane: it gives way (the short columns stay
    // whole) and the cut shows.
    assert!(
        t.contains("* 3        kubectl set image deployme… sebcontents/cozserver:3.0 0s"),
        "{t}"
    );
    assert!(
        t.contains("  1        kubectl create deployment … sebcontents/cozserver:1.0 0s"),
        "{t}"
    );
    insta::assert_snapshot!("history_cut_100x30", t);
}

#[test]
fn cut_port_forward_cells_end_in_an_ellipsis() {
    use rkt::cluster::portforward::{ForwardState, ForwardStatus, TargetKind, TargetRef};
    let mut st = kube_system_state();
    st.forwards.apply(ForwardStatus {
        id: 1,
        target: TargetRef::new(TargetKind::Service, "default", "hello-minikube"),
        local: ([127, 0, 0, 1], 38080).into(),
        remote_port: 8080,
        pod: Some("hello-minikube-5c898d8489-4xk8s".into()),
        pod_port: Some(8080),
        state: ForwardState::Active,
        connections: 2,
        open_connections: 0,
        bytes_in: 10_240,
        bytes_out: 512,
        last_error: None,
    });
    st.forwards_open = true;
    let wide = text(&draw(&mut st, &Theme::default_theme(), 160, 20));
    assert!(wide.contains("2 (0 open)"), "{wide}");
    let t = text(&draw(&mut st, &Theme::default_theme(), 100, 20));
    assert!(!t.contains("2 (0 open "), "never cut without a sign:\n{t}");
    assert!(t.contains('…'), "{t}");
    insta::assert_snapshot!("forwards_cut_100x20", t);
}

#[test]
fn rebinding_the_confirm_key_changes_what_the_delete_dialog_says_and_does() {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let overrides = BTreeMap::from([("confirm".to_string(), "x".to_string())]);
    let (keymap, problems) = rkt::keymap::Keymap::with_overrides(&overrides);
    assert!(problems.is_empty(), "{problems:?}");
    let mut st = kube_system_state();
    st.keymap = Arc::new(keymap);
    st.refresh();
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    let screen = text(&draw(&mut st, &Theme::default_theme(), 100, 30));
    assert!(screen.contains("x delete"), "{screen}");
    assert!(!screen.contains("y delete"), "{screen}");
    // `y` is no longer yes: it cancels.
    key(&mut st, 'y');
    assert!(st.modal().is_none(), "any other key cancels");
}
