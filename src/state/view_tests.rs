//! Everything opened in a view closes with it; confirmations act only on what they named.
#![allow(clippy::unwrap_used)]

use crate::state::rollouts::RolloutDialog;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::effect::{Effect, Scope, WatchSlot};
use crate::keymap::Keymap;
use crate::model::rollout::effects::{RolloutEffect, RolloutMsg};
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rows::Rows;
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::{update, AppState, ClusterInfo};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_line(st: &mut AppState, line: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in line.chars() {
        effects.extend(update(st, key(KeyCode::Char(c))));
    }
    effects.extend(update(st, key(KeyCode::Enter)));
    effects
}

fn daemonset(name: &str, namespace: &str) -> WorkloadRow {
    let d: k8s_openapi::api::apps::v1::DaemonSet = serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "namespace": namespace, "uid": format!("uid-{name}")},
        "spec": {"selector": {}, "template": {}}
    }))
    .unwrap();
    WorkloadRow::from_daemonset(&d)
}

fn list(st: &mut AppState, slot: WatchSlot, rows: Rows) {
    let key = match slot {
        WatchSlot::Main => st.main_watch.key,
        WatchSlot::History => st.rollout.watch.key,
        _ => None,
    }
    .unwrap();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(rows),
        WatchEvent::Synced,
    ] {
        update(st, Msg::Kube(KubeMsg { key, event }));
    }
    st.refresh();
}

/// `:ds kube-system` with kube-proxy listed, its history open (`h`).
fn kube_proxy_history() -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "minikube".into(),
            ..ClusterInfo::default()
        },
        Scope::Namespace("default".into()),
        now,
    );
    st.start();
    type_line(&mut st, ":ds kube-system");
    list(
        &mut st,
        WatchSlot::Main,
        Rows::Workloads(vec![daemonset("kube-proxy", "kube-system")]),
    );
    update(&mut st, key(KeyCode::Char('h')));
    assert!(st.rollout.history.is_some());
    st
}

#[test]
fn switching_views_closes_the_history_pane_and_stops_its_watches() {
    let mut st = kube_proxy_history();
    let watches = [
        st.rollout.watch.key.unwrap(),
        st.rollout.owner_watch.key.unwrap(),
    ];
    let effects = type_line(&mut st, ":po default");
    assert!(
        st.rollout.history.is_none(),
        "the history pane left with its view"
    );
    for w in watches {
        assert!(effects.contains(&Effect::Unwatch(w)), "{w:?} stopped");
    }
    // `tab tab j u` in the pods view now opens nothing for kube-proxy.
    for k in [
        KeyCode::Tab,
        KeyCode::Tab,
        KeyCode::Char('j'),
        KeyCode::Char('u'),
    ] {
        let effects = update(&mut st, key(k));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Rollout(_))),
            "{k:?}: {effects:?}"
        );
    }
    assert!(!st.overlays.is_open::<RolloutDialog>());
}

#[test]
fn switching_namespace_or_opening_forwards_closes_dialogs_too() {
    // Same kind of view, another namespace: kube-proxy's history does not belong there.
    let mut st = kube_proxy_history();
    type_line(&mut st, ":ns default");
    assert!(st.rollout.history.is_none());
    assert_eq!(st.scope, Scope::Namespace("default".into()));

    let mut st = kube_proxy_history();
    type_line(&mut st, ":pf");
    assert!(st.forwards_open);
    assert!(st.rollout.history.is_none(), ":pf shows no rollout pane");
}

#[test]
fn a_late_answer_does_not_open_a_pane_in_the_view_the_user_moved_to() {
    let mut st = kube_proxy_history();
    type_line(&mut st, ":po kube-system");
    list(
        &mut st,
        WatchSlot::Main,
        Rows::Pods(vec![crate::model::rows::PodRow {
            namespace: "kube-system".into(),
            name: "kube-proxy-abcde".into(),
            ready: 1,
            total: 1,
            status: "Running".into(),
            health: crate::model::rows::Health::Ok,
            restarts: 0,
            last_restart: None,
            created: None,
            ip: None,
            node: None,
            probe: None,
            resources: Default::default(),
        }]),
    );
    // `h` on a pod asks for its owner; the user leaves before the answer comes.
    let effects = update(&mut st, key(KeyCode::Char('h')));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Rollout(r) if matches!(**r, RolloutEffect::PodOwner { .. }))));
    type_line(&mut st, ":svc");
    let answer = RolloutMsg::Owner {
        pod: "kube-proxy-abcde".into(),
        owner: Ok(daemonset("kube-proxy", "kube-system")),
    };
    let effects = update(&mut st, Msg::Rollout(Box::new(answer)));
    assert!(effects.is_empty() && st.rollout.history.is_none());
}

#[test]
fn confirmations_carry_the_uid_of_the_object_they_named() {
    let mut st = kube_proxy_history();
    update(&mut st, key(KeyCode::Tab));
    update(&mut st, key(KeyCode::Char('r')));
    let effects: Vec<Effect> = update(&mut st, key(KeyCode::Char('y')))
        .into_iter()
        .map(Effect::unaudited)
        .collect();
    let [Effect::Rollout(effect)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    match &**effect {
        RolloutEffect::Change { target, uid, .. } => {
            assert_eq!(target.name, "kube-proxy");
            assert_eq!(uid, "uid-kube-proxy");
        }
        other => panic!("{other:?}"),
    }
}
