//! `e` (edit) and `s` (shell) through `update`: the effects asked for, --readonly refusals,
//! the container picker, and how the sessions' ends show.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::effect::{Effect, Scope};
use crate::keymap::Keymap;
use crate::model::edit::EditOutcome;
use crate::model::exec::{ExecEnd, ExecTarget};
use crate::model::objects::{ObjectKind, ObjectRef};
use crate::model::rows::{PodRow, Rows};
use crate::msg::{KubeMsg, Level, Msg, WatchEvent};
use crate::state::logs::{ContainerChoice, ContainerPicker, LogScope, LogTarget};
use crate::state::{update, AppState, Awaiting, ClusterInfo};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn pod(name: &str, containers: u16) -> PodRow {
    PodRow {
        ready: containers,
        total: containers,
        ..PodRow::running(name)
    }
}

/// The pods view in `default` with `rows` listed.
fn pods_view(rows: Vec<PodRow>, readonly: bool) -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        now,
    );
    st.readonly = readonly;
    st.start();
    let main = st.main_watch.key.unwrap();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Pods(rows)),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key: main, event }));
    }
    st.refresh();
    st
}

/// The changes sent, each of which passed the gate (and comes wrapped for the audit log).
fn audited(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .map(|e| {
            assert!(matches!(e, Effect::Audited(_)), "{e:?}");
            e.unaudited()
        })
        .collect()
}

fn web() -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::pod(),
        namespace: Some("default".into()),
        name: "web-0".into(),
    }
}

#[test]
fn e_asks_to_edit_the_selected_object() {
    let mut st = pods_view(vec![pod("web-0", 1)], false);
    let effects = audited(update(&mut st, key(KeyCode::Char('e'))));
    assert_eq!(effects, vec![Effect::Edit(web())]);
}

#[test]
fn e_on_the_namespaces_pane_edits_the_namespace_and_s_there_is_no_shell() {
    let mut st = pods_view(vec![pod("web-0", 1)], false);
    let ns = st.ns_watch.key.unwrap();
    let row = crate::model::rows::NamespaceRow {
        name: "dev".into(),
        phase: "Active".into(),
        created: None,
    };
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Namespaces(vec![row])),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key: ns, event }));
    }
    st.refresh();
    update(&mut st, key(KeyCode::Tab));
    assert_eq!(st.focus, crate::state::Pane::Namespaces);
    let effects = audited(update(&mut st, key(KeyCode::Char('e'))));
    assert_eq!(
        effects,
        vec![Effect::Edit(ObjectRef {
            kind: ObjectKind::namespace(),
            namespace: None,
            name: "dev".into(),
        })]
    );
    assert_eq!(update(&mut st, key(KeyCode::Char('s'))), vec![]);
}

#[test]
fn readonly_refuses_edit_and_shell_before_anything_starts() {
    let mut st = pods_view(vec![pod("web-0", 1)], true);
    for c in ['e', 's'] {
        st.notice = None;
        let effects = update(&mut st, key(KeyCode::Char(c)));
        assert_eq!(effects, vec![], "{c}");
        let notice = st.notice.clone().unwrap();
        assert_eq!(notice.level, Level::Error);
        assert!(notice.text.contains("--readonly"), "{}", notice.text);
    }
}

#[test]
fn s_opens_a_shell_in_a_one_container_pod_at_once() {
    let mut st = pods_view(vec![pod("web-0", 1)], false);
    let effects = audited(update(&mut st, key(KeyCode::Char('s'))));
    assert_eq!(
        effects,
        vec![Effect::Exec(ExecTarget {
            namespace: "default".into(),
            pod: "web-0".into(),
            container: None,
        })]
    );
}

#[test]
fn s_on_a_pod_with_several_containers_picks_one_first() {
    let mut st = pods_view(vec![pod("web-0", 2)], false);
    let effects = update(&mut st, key(KeyCode::Char('s')));
    let target = LogTarget {
        namespace: "default".into(),
        scope: LogScope::Pod("web-0".into()),
        container: ContainerChoice::Default,
        previous: false,
    };
    assert_eq!(effects, vec![Effect::FetchContainers(target.clone())]);
    assert_eq!(st.awaiting, Some(Awaiting::ShellContainers(target.clone())));
    update(
        &mut st,
        Msg::LogContainers {
            target,
            containers: Ok(vec!["app".into(), "sidecar".into()]),
        },
    );
    let picker = st.overlays.get::<ContainerPicker>().unwrap();
    assert_eq!(picker.entries().collect::<Vec<_>>(), ["app", "sidecar"]);
    update(&mut st, key(KeyCode::Char('j')));
    let effects = audited(update(&mut st, key(KeyCode::Enter)));
    assert_eq!(
        effects,
        vec![Effect::Exec(ExecTarget {
            namespace: "default".into(),
            pod: "web-0".into(),
            container: Some("sidecar".into()),
        })]
    );
    assert!(st.overlays.get::<ContainerPicker>().is_none());
    // The logs picker still offers every container.
    update(&mut st, key(KeyCode::Char('l')));
    assert!(matches!(st.awaiting, Some(Awaiting::Containers(_))));
}

#[test]
fn the_sessions_ends_show_as_notices() {
    let mut st = pods_view(vec![pod("web-0", 1)], false);
    let target = ExecTarget {
        namespace: "default".into(),
        pod: "web-0".into(),
        container: None,
    };
    let cases = [
        (
            Msg::Edited {
                obj: web(),
                outcome: EditOutcome::Cancelled("edit cancelled, no changes made".into()),
            },
            Level::Info,
            "edit cancelled, no changes made",
        ),
        (
            Msg::Edited {
                obj: web(),
                outcome: EditOutcome::Failed("editor \"nope\" not found".into()),
            },
            Level::Error,
            "not found",
        ),
        (
            Msg::ExecEnded {
                target: target.clone(),
                end: ExecEnd::Exited(0),
            },
            Level::Info,
            "exit code 0",
        ),
        (
            Msg::ExecEnded {
                target: target.clone(),
                end: ExecEnd::Exited(3),
            },
            Level::Warning,
            "exit code 3",
        ),
        (
            Msg::ExecEnded {
                target,
                end: ExecEnd::Failed("container not running".into()),
            },
            Level::Error,
            "container not running",
        ),
    ];
    for (msg, level, text) in cases {
        update(&mut st, msg);
        let notice = st.notice.clone().unwrap();
        assert_eq!(notice.level, level, "{}", notice.text);
        assert!(notice.text.contains(text), "{}", notice.text);
    }
}
