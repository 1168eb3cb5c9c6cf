//! Asking before a change: a refusal is a notice and no dialog; an allowance, or a server
//! without access reviews, opens the dialog; answers are kept and marked in the hints.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crate::action::Action;
use crate::effect::{Effect, Scope};
use crate::keymap::Keymap;
use crate::model::access::{AccessAnswer, AccessQuery};
use crate::model::rows::{PodRow, Rows};
use crate::msg::{KubeMsg, Level, Msg, WatchEvent};
use crate::state::objects::DeleteConfirm;
use crate::state::{update, AppState, ClusterInfo};

use super::denied;

/// The pods view in `default` listing `web-0`, access checks on or off.
fn pods_view(checks: bool) -> AppState {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        jiff::Timestamp::UNIX_EPOCH,
    );
    if checks {
        st.access.enable();
    }
    st.start();
    let main = st.main_watch.key.unwrap();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Pods(vec![PodRow::running("web-0")])),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key: main, event }));
    }
    st.refresh();
    st
}

fn delete_pods() -> AccessQuery {
    AccessQuery {
        verb: "delete",
        group: String::new(),
        resource: "pods".into(),
        subresource: "",
        namespace: Some("default".into()),
    }
}

fn reviews(effects: &[Effect]) -> Vec<AccessQuery> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ReviewAccess(q) => Some(q.clone()),
            _ => None,
        })
        .collect()
}

fn answer(st: &mut AppState, query: AccessQuery, answer: AccessAnswer) -> Vec<Effect> {
    update(st, Msg::Access { query, answer })
}

#[test]
fn the_questions_of_the_pane_in_front_are_asked_ahead_once() {
    let mut st = pods_view(true);
    let tick = || Msg::Tick(jiff::Timestamp::UNIX_EPOCH);
    let asked = reviews(&update(&mut st, tick()));
    assert!(asked.contains(&delete_pods()), "{asked:?}");
    assert!(asked.iter().any(|q| q.subresource == "exec"), "{asked:?}");
    assert!(reviews(&update(&mut st, tick())).is_empty());
    // Asked already: the key waits for that answer rather than asking again.
    let effects = update(&mut st, Msg::Action(Action::Delete));
    assert!(reviews(&effects).is_empty(), "{effects:?}");
    assert!(
        !st.overlays.is_open::<DeleteConfirm>(),
        "waits for the answer"
    );
    answer(&mut st, delete_pods(), AccessAnswer::Allowed);
    assert!(st.overlays.is_open::<DeleteConfirm>());
}

#[test]
fn a_refused_delete_is_a_notice_and_opens_no_dialog() {
    let mut st = pods_view(true);
    update(&mut st, Msg::Action(Action::Delete));
    answer(&mut st, delete_pods(), AccessAnswer::Denied(String::new()));
    assert!(!st.overlays.is_open::<DeleteConfirm>());
    let notice = st.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Error);
    assert_eq!(
        notice.text,
        "not permitted: you may not delete pods in default"
    );
    assert!(denied(&st, Action::Delete));
    assert!(!denied(&st, Action::Yaml));

    // Known now: the next press is refused at once, without asking again.
    st.notice = None;
    let effects = update(&mut st, Msg::Action(Action::Delete));
    assert!(reviews(&effects).is_empty() && !st.overlays.is_open::<DeleteConfirm>());
    assert!(st.notice.unwrap().text.starts_with("not permitted"));
}

#[test]
fn an_allowed_delete_opens_the_dialog_once_the_answer_comes() {
    let mut st = pods_view(true);
    update(&mut st, Msg::Action(Action::Delete));
    assert!(!st.overlays.is_open::<DeleteConfirm>());
    let effects = answer(&mut st, delete_pods(), AccessAnswer::Allowed);
    assert!(st.overlays.is_open::<DeleteConfirm>());
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Object(crate::model::objects::ObjectEffect::Identify(_))
        )),
        "{effects:?}"
    );
    assert!(!denied(&st, Action::Delete));
}

#[test]
fn a_server_without_access_reviews_is_not_asked_again() {
    let mut st = pods_view(true);
    update(&mut st, Msg::Action(Action::Delete));
    answer(&mut st, delete_pods(), AccessAnswer::Unsupported);
    assert!(
        st.overlays.is_open::<DeleteConfirm>(),
        "404: as if nothing was asked"
    );
    update(&mut st, Msg::Action(Action::Cancel));
    let effects = update(&mut st, Msg::Action(Action::Shell));
    assert!(reviews(&effects).is_empty(), "{effects:?}");
}

#[test]
fn an_unanswered_question_lets_the_action_go_ahead() {
    let mut st = pods_view(true);
    update(&mut st, Msg::Action(Action::Delete));
    answer(
        &mut st,
        delete_pods(),
        AccessAnswer::Unknown("cannot reach the API server".into()),
    );
    assert!(st.overlays.is_open::<DeleteConfirm>());
}

#[test]
fn without_checks_the_dialog_opens_at_once() {
    let mut st = pods_view(false);
    let effects = update(&mut st, Msg::Action(Action::Delete));
    assert!(reviews(&effects).is_empty());
    assert!(st.overlays.is_open::<DeleteConfirm>());
}

#[test]
fn a_shell_starts_on_its_key_unless_known_to_be_refused() {
    let mut st = pods_view(true);
    update(&mut st, Msg::Tick(jiff::Timestamp::UNIX_EPOCH));
    let exec = AccessQuery {
        verb: "create",
        group: String::new(),
        resource: "pods".into(),
        subresource: "exec",
        namespace: Some("default".into()),
    };
    let starts = |effects: &[Effect]| {
        effects
            .iter()
            .any(|e| matches!(e.clone().unaudited(), Effect::Exec(_)))
    };
    // Asked, not answered yet: the terminal is handed over at once.
    assert!(starts(&update(&mut st, Msg::Action(Action::Shell))));
    answer(&mut st, exec, AccessAnswer::Denied(String::new()));
    let effects = update(&mut st, Msg::Action(Action::Shell));
    assert!(!starts(&effects), "{effects:?}");
    assert_eq!(
        st.notice.unwrap().text,
        "not permitted: you may not create pods/exec in default"
    );
}
