//! The `/` filter: substring, regular expression, `!`, and `-l`/`-f` selectors the server
//! applies (the main watch restarts with them; `esc` restarts it without).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::effect::{Effect, ResourceKind, Scope, Selector, WatchSlot};
use crate::keymap::Keymap;
use crate::model::rows::{PodRow, Rows};
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::drill::Narrow;
use crate::state::{update, AppState, ClusterInfo, Pane};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(st: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(st, key(KeyCode::Char(c))));
    }
    effects
}

/// `/TEXT` then `enter`: the effects of the whole line.
fn filter_line(st: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = type_text(st, "/");
    effects.extend(type_text(st, text));
    effects.extend(update(st, key(KeyCode::Enter)));
    effects
}

fn pod(name: &str, status: &str) -> PodRow {
    PodRow {
        status: status.into(),
        ..PodRow::running(name)
    }
}

fn list(st: &mut AppState, names: &[&str]) {
    let key = st.main_watch.key.unwrap();
    let rows = names.iter().map(|n| pod(n, "Running")).collect();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Pods(rows)),
        WatchEvent::Synced,
    ] {
        update(st, Msg::Kube(KubeMsg { key, event }));
    }
    st.refresh();
}

fn shown(st: &mut AppState) -> Vec<String> {
    st.refresh();
    (0..st.pods.visible_len())
        .map(|i| st.pods.visible_row(i).unwrap().name.to_string())
        .collect()
}

const PODS: &[&str] = &["api-0", "api-1", "web-0", "web-1", "web-x0", "web[1]"];

fn pods_state() -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        now,
    );
    st.start();
    list(&mut st, PODS);
    st
}

/// The selector of the pods watch an effect starts (`None`: no watch started).
fn watch_selector(effects: &[Effect]) -> Option<Selector> {
    effects.iter().find_map(|e| match e {
        Effect::Watch { key, target }
            if key.slot == WatchSlot::Main && target.kind == ResourceKind::Pods =>
        {
            Some(target.selector.clone())
        }
        _ => None,
    })
}

#[test]
fn a_regex_filter_matches_as_a_regex() {
    let mut st = pods_state();
    let effects = filter_line(&mut st, "web.*0");
    assert_eq!(shown(&mut st), vec!["web-0", "web-x0"]);
    assert!(watch_selector(&effects).is_none(), "{effects:?}");
    // Anchors and classes, case-insensitively.
    update(&mut st, key(KeyCode::Esc));
    filter_line(&mut st, "^API-\\d$");
    assert_eq!(shown(&mut st), vec!["api-0", "api-1"]);
    assert_eq!(st.counts_of(Pane::Main), (2, PODS.len()));
}

#[test]
fn a_bang_shows_the_rows_that_do_not_match() {
    let mut st = pods_state();
    filter_line(&mut st, "!web");
    assert_eq!(shown(&mut st), vec!["api-0", "api-1"]);
    // Narrowing the pattern widens the inverted view (no stale incremental narrowing).
    update(&mut st, key(KeyCode::Esc));
    type_text(&mut st, "/!web-");
    assert_eq!(shown(&mut st), vec!["api-0", "api-1", "web[1]"]);
    type_text(&mut st, "1");
    assert_eq!(
        shown(&mut st),
        vec!["api-0", "api-1", "web-0", "web-x0", "web[1]"]
    );
    // New rows are judged by the same filter as they arrive.
    let key = st.main_watch.key.unwrap();
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key,
            event: WatchEvent::Upsert(Rows::Pods(vec![pod("web-10", "Running")])),
        }),
    );
    assert!(!shown(&mut st).contains(&"web-10".to_string()));
}

#[test]
fn an_invalid_regex_matches_literally() {
    let mut st = pods_state();
    filter_line(&mut st, "web[");
    assert_eq!(shown(&mut st), vec!["web[1]"]);
    assert_eq!(st.pods.filter(), "web[");
}

#[test]
fn typing_a_plain_filter_after_a_regex_recomputes_the_view() {
    let mut st = pods_state();
    type_text(&mut st, "/web|api");
    assert_eq!(shown(&mut st).len(), PODS.len());
    type_text(&mut st, "-1");
    assert_eq!(
        shown(&mut st),
        vec!["api-1", "web-0", "web-1", "web-x0", "web[1]"]
    );
    for _ in 0.."web|api-1".len() - "web".len() {
        update(&mut st, key(KeyCode::Backspace));
    }
    assert_eq!(shown(&mut st), vec!["web-0", "web-1", "web-x0", "web[1]"]);
}

#[test]
fn dash_l_restarts_the_watch_with_the_label_selector_and_esc_removes_it() {
    let mut st = pods_state();
    // As typed nothing is asked of the server: partial selectors would be refused.
    let typed = type_text(&mut st, "/-l app=web");
    assert!(watch_selector(&typed).is_none(), "{typed:?}");
    let old = st.main_watch.key.unwrap();
    let effects = update(&mut st, key(KeyCode::Enter));
    assert!(effects.contains(&Effect::Unwatch(old)), "{effects:?}");
    assert_eq!(
        watch_selector(&effects),
        Some(Selector {
            labels: Some("app=web".into()),
            fields: None,
        })
    );
    // The filter text stays (the title shows it); the rows are the server's.
    assert_eq!(st.pods.filter(), "-l app=web");
    list(&mut st, &["web-0", "web-1"]);
    assert_eq!(shown(&mut st), vec!["web-0", "web-1"]);
    assert_eq!(st.counts_of(Pane::Main), (2, 2));
    // `esc` clears the filter and restarts the watch without the selector.
    let effects = update(&mut st, key(KeyCode::Esc));
    assert_eq!(watch_selector(&effects), Some(Selector::default()));
    assert_eq!(st.pods.filter(), "");
    // A plain `esc` then has nothing more to restart.
    let effects = update(&mut st, key(KeyCode::Esc));
    assert!(watch_selector(&effects).is_none());
}

#[test]
fn dash_f_is_a_field_selector_combined_with_a_drill_down() {
    let mut st = pods_state();
    st.trail.narrow = Some(Narrow {
        selector: Selector {
            labels: Some("app=web".into()),
            fields: None,
        },
        label: "service web".into(),
    });
    let effects = filter_line(&mut st, "-f status.phase=Running");
    assert_eq!(
        watch_selector(&effects),
        Some(Selector {
            labels: Some("app=web".into()),
            fields: Some("status.phase=Running".into()),
        })
    );
    // Cancelling a new filter prompt also drops the server's selector.
    type_text(&mut st, "/");
    let effects = update(&mut st, key(KeyCode::Esc));
    assert_eq!(
        watch_selector(&effects),
        Some(Selector {
            labels: Some("app=web".into()),
            fields: None,
        })
    );
}

#[test]
fn the_same_selector_kept_again_does_not_restart_the_watch() {
    let mut st = pods_state();
    filter_line(&mut st, "-l app=web");
    let effects = filter_line(&mut st, "");
    // `/` opens with the current text: typing nothing and `enter` keeps it as it is.
    assert!(watch_selector(&effects).is_none(), "{effects:?}");
    assert_eq!(st.pods.filter(), "-l app=web");
}
