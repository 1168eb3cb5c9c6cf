#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `enter` on a pod opens its containers view (fetched on demand); `l` there shows the
//! pod's logs, `esc` goes back to the pods.

mod common;

use common::tui_fixtures::*;
use crossterm::event::KeyEvent;
use rkt::effect::Effect;
use rkt::keymap::parse_keys;
use rkt::model::objects::{ObjectEffect, ObjectMsg};
use rkt::msg::Msg;
use rkt::state::objects::TextView;
use rkt::state::{update, AppState};

fn press(st: &mut AppState, spec: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for seq in parse_keys(spec).unwrap() {
        for chord in seq {
            effects.extend(update(st, Msg::Key(KeyEvent::new(chord.code, chord.mods))));
        }
    }
    effects
}

#[test]
fn enter_on_a_pod_opens_its_containers_then_logs_or_back() {
    let mut st = kube_system_state();
    st.refresh();
    let first = st.pods.visible_row(0).unwrap().name.to_string();
    let effects = press(&mut st, "g g, enter");
    let obj = match effects.as_slice() {
        [Effect::Object(ObjectEffect::Containers(obj))] => obj.clone(),
        other => panic!("expected the containers fetch, got {other:?}"),
    };
    assert_eq!(obj.name, first);
    assert_eq!(obj.namespace.as_deref(), Some("kube-system"));
    let view = st.overlays.get::<TextView>().expect("the containers view");
    let title = view.title.clone();
    assert_eq!(title, format!("containers of pod kube-system/{first}"));
    assert!(view.loading);

    // The answer fills the view; a stale answer for another title would be dropped.
    let text =
        "Pod kube-system/x · 1 container(s)\n\n    ✗ FAILING  liveness  http-get :8080/healthz";
    update(
        &mut st,
        Msg::Object(ObjectMsg::Text {
            title: title.clone(),
            result: Ok(text.into()),
        }),
    );
    let view = st.overlays.get::<TextView>().unwrap();
    assert!(!view.loading);
    assert_eq!(view.lines.len(), 3);

    press(&mut st, "esc");
    assert!(st.overlays.get::<TextView>().is_none(), "esc goes back");
    assert!(st.logs.is_none());

    // `l` in the containers view: the pod's logs (one container: straight to them).
    press(&mut st, "enter");
    let effects = press(&mut st, "l");
    assert!(st.overlays.get::<TextView>().is_none());
    assert!(!effects.is_empty());
    let logs = st.logs.as_ref().expect("the logs view");
    assert_eq!(logs.target.namespace, "kube-system");
}

#[test]
fn l_in_a_describe_view_is_not_logs() {
    let mut st = kube_system_state();
    st.refresh();
    press(&mut st, "g g, d");
    assert!(st.overlays.get::<TextView>().is_some());
    press(&mut st, "l");
    assert!(st.logs.is_none());
    assert!(st.overlays.get::<TextView>().is_some());
}
