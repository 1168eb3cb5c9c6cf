//! `:ctx`: the pane, switching, what is remembered, and what must not survive a switch.

use std::sync::Arc;

use jiff::Timestamp;

use super::*;
use crate::effect::WatchSlot;
use crate::keymap::Keymap;
use crate::model::contexts::ContextMsg;
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::{update, ClusterInfo};

fn row(name: &str) -> ContextRow {
    ContextRow {
        name: name.into(),
        cluster: format!("{name}-cluster"),
        user: format!("{name}-user"),
        namespace: String::new(),
    }
}

fn state() -> AppState {
    let info = ClusterInfo {
        context: "one".into(),
        ..ClusterInfo::default()
    };
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        info,
        Scope::Namespace("default".into()),
        Timestamp::UNIX_EPOCH,
    );
    st.contexts = Contexts::new(
        vec![row("one"), row("two")],
        ContextMemory::default(),
        Some("/state/contexts.yaml".into()),
    );
    let _ = st.start();
    st
}

fn command(st: &mut AppState, line: &str) -> Vec<Effect> {
    let mut effects = update(st, Msg::Action(Action::Command));
    for c in line.chars() {
        let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c));
        effects.extend(update(st, Msg::Key(key)));
    }
    effects.extend(update(st, Msg::Action(Action::Submit)));
    effects
}

fn connected(gen: u64, name: &str) -> Msg {
    Msg::Context(ContextMsg::Connected {
        gen,
        info: ClusterInfo {
            context: name.into(),
            server: format!("https://{name}.example"),
            ..ClusterInfo::default()
        },
        namespace: "default".into(),
        version: Ok("v1.33.1".into()),
    })
}

fn switch_gen(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::SwitchContext { gen, .. } => Some(*gen),
            _ => None,
        })
        .expect("a switch")
}

#[test]
fn ctx_lists_the_contexts_and_enter_switches_to_the_selected_one() {
    let mut st = state();
    command(&mut st, "ctx");
    assert!(st.contexts.open);
    assert_eq!(st.key_ctx(), Ctx::Contexts);
    assert_eq!(st.contexts.selected, 0, "on the current context");
    update(&mut st, Msg::Action(Action::Down));
    let effects = update(&mut st, Msg::Action(Action::SwitchContext));
    assert!(
        matches!(
            &effects[..],
            [Effect::WriteState { .. }, Effect::SwitchContext { name, .. }] if name == "two"
        ),
        "{effects:?}"
    );
    // The old context's view and namespace are remembered.
    assert_eq!(
        st.contexts.memory.get("one"),
        Some(&Remembered {
            view: "pods".into(),
            namespace: "default".into()
        })
    );
}

#[test]
fn a_switch_restarts_every_watch_on_the_new_client_and_drops_the_old_rows() {
    let mut st = state();
    let old_main = st.main_watch.key.expect("main watch");
    let effects = command(&mut st, "ctx two");
    let gen = switch_gen(&effects);
    assert_eq!(
        st.cluster.context, "one",
        "nothing changes before the client is ready"
    );
    let effects = update(&mut st, connected(gen, "two"));
    assert_eq!(st.cluster.context, "two");
    assert_eq!(st.cluster.version.as_deref(), Some("v1.33.1"));
    let use_at = effects
        .iter()
        .position(|e| *e == Effect::UseContext(gen))
        .expect("use the new client");
    let watch_at = effects
        .iter()
        .position(|e| matches!(e, Effect::Watch { key, .. } if key.slot == WatchSlot::Main))
        .expect("a new main watch");
    assert!(
        use_at < watch_at,
        "the watch runs on the new client: {effects:?}"
    );
    assert!(effects.contains(&Effect::Discover));
    // A late message from the old cluster's watch is stale.
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key: old_main,
            event: WatchEvent::Error("old cluster".into()),
        }),
    );
    assert_eq!(st.main_watch.error, None);
}

#[test]
fn the_view_and_namespace_used_in_a_context_come_back_when_switching_to_it() {
    let mut st = state();
    st.contexts.memory.set(
        "two",
        Remembered {
            view: "deploy".into(),
            namespace: "kube-system".into(),
        },
    );
    let gen = switch_gen(&command(&mut st, "ctx two"));
    update(&mut st, connected(gen, "two"));
    assert_eq!(st.view, MainView::Deployments);
    assert_eq!(st.scope, Scope::Namespace("kube-system".into()));
    let gen = switch_gen(&command(&mut st, "ctx one"));
    update(&mut st, connected(gen, "one"));
    assert_eq!(st.view, MainView::Pods);
    assert_eq!(st.scope, Scope::Namespace("default".into()));
}

#[test]
fn an_answer_for_a_replaced_switch_is_ignored_and_a_failure_keeps_the_context() {
    let mut st = state();
    let first = switch_gen(&command(&mut st, "ctx two"));
    let second = switch_gen(&command(&mut st, "ctx one"));
    assert!(update(&mut st, connected(first, "two")).is_empty());
    assert_eq!(st.cluster.context, "one");
    update(
        &mut st,
        Msg::Context(ContextMsg::Failed {
            gen: second,
            name: "one".into(),
            error: "credential plugin failed: run aws sso login".into(),
        }),
    );
    assert_eq!(st.contexts.switching, None);
    let notice = st
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("run aws sso login"), "{notice}");
    command(&mut st, "ctx nope");
    let notice = st
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("\"nope\" not found"), "{notice}");
}

#[test]
fn a_dialog_opened_before_the_switch_closes_with_the_old_context() {
    let mut st = state();
    let gen = switch_gen(&command(&mut st, "ctx two"));
    // While the client is built, the user opens help (any overlay belongs to the view).
    update(&mut st, Msg::Action(Action::Help));
    assert!(!st.overlays.is_empty());
    update(&mut st, connected(gen, "two"));
    assert!(st.overlays.is_empty(), "nothing of context one stays open");
}

#[test]
fn ctx_completes_context_names() {
    let mut st = state();
    update(&mut st, Msg::Action(Action::Command));
    for c in "ctx t".chars() {
        let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c));
        update(&mut st, Msg::Key(key));
    }
    update(&mut st, Msg::Action(Action::Complete));
    assert_eq!(
        st.prompt.as_ref().map(|p| p.input.as_str()),
        Some("ctx two")
    );
}

#[test]
fn a_forward_of_the_old_context_keeps_its_context_and_is_not_restarted_on_the_new_one() {
    use crate::model::portforward::{
        ForwardSpec, ForwardStarted, ForwardState, ForwardStatus, PfMsg, TargetKind, TargetRef,
    };
    let mut st = state();
    let target = TargetRef::new(TargetKind::Pod, "default", "web-0");
    let spec = ForwardSpec::new(target.clone(), 8080, 80);
    let local: std::net::SocketAddr = ([127, 0, 0, 1], 8080).into();
    update(
        &mut st,
        Msg::Forward(PfMsg::Started {
            spec: spec.clone(),
            started: ForwardStarted { id: 1, local },
        }),
    );
    let status = |state: ForwardState| ForwardStatus {
        id: 1,
        target: target.clone(),
        local,
        remote_port: 80,
        pod: Some("web-0".into()),
        pod_port: Some(80),
        state,
        connections: 0,
        open_connections: 0,
        bytes_in: 0,
        bytes_out: 0,
        last_error: None,
    };
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(ForwardState::Active))),
    );
    let gen = switch_gen(&command(&mut st, "ctx two"));
    update(&mut st, connected(gen, "two"));
    assert_eq!(st.forwards.context_of(1), "one");
    // Ended on its own in context one: `enter` in context two does not start it here.
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(ForwardState::PodGone))),
    );
    command(&mut st, "pf");
    let effects = update(&mut st, Msg::Action(Action::StartForward));
    assert!(effects.is_empty(), "{effects:?}");
    let notice = st
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("ran in context one"), "{notice}");
    // Stopped: it does not become an inactive row of context two.
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(ForwardState::Stopped))),
    );
    assert_eq!(st.forwards.entry_count(), 0);
}

#[test]
fn a_rejected_credential_gets_a_new_client_every_while_and_the_rows_stay() {
    let mut st = state();
    let main = st.main_watch.key.expect("main watch");
    st.pods.upsert(crate::model::rows::PodRow::running("web-0"));
    let rejected = |st: &mut AppState| {
        update(
            st,
            Msg::Kube(KubeMsg {
                key: st.main_watch.key.expect("main watch"),
                event: WatchEvent::Error("credential rejected: Unauthorized".into()),
            }),
        )
    };
    assert_eq!(main, st.main_watch.key.unwrap());
    rejected(&mut st);
    let t0 = st.now;
    let effects = update(&mut st, Msg::Tick(t0 + jiff::SignedDuration::from_secs(1)));
    let gen = match &effects[..] {
        [Effect::SwitchContext { name, gen }] if name == "one" => *gen,
        other => panic!("{other:?}"),
    };
    // Once asked, not again until the answer, nor before RENEW_EVERY.
    assert!(update(&mut st, Msg::Tick(t0 + jiff::SignedDuration::from_secs(2))).is_empty());
    let effects = update(&mut st, connected(gen, "one"));
    assert_eq!(effects.first(), Some(&Effect::UseContext(gen)));
    assert!(effects.iter().any(
        |e| matches!(e, Effect::Watch { key, .. } if key.slot == WatchSlot::Main && *key != main)
    ));
    assert_eq!(
        st.counts_of(Pane::Main).1,
        1,
        "the rows stay until the relist"
    );
    rejected(&mut st);
    assert!(update(&mut st, Msg::Tick(t0 + jiff::SignedDuration::from_secs(10))).is_empty());
    let again = update(&mut st, Msg::Tick(t0 + jiff::SignedDuration::from_secs(32)));
    assert!(
        matches!(&again[..], [Effect::SwitchContext { .. }]),
        "{again:?}"
    );
}

#[test]
fn a_remembered_kind_opens_on_arrival_but_not_when_the_client_is_renewed() {
    let mut st = state();
    st.contexts.memory.set(
        "two",
        Remembered {
            view: "configmaps".into(),
            namespace: "default".into(),
        },
    );
    let gen = switch_gen(&command(&mut st, "ctx two"));
    update(&mut st, connected(gen, "two"));
    assert!(
        st.discovery.pending.as_deref() == Some("configmaps"),
        "asked once discovery answers"
    );
    st.discovery.pending = None;
    let info = st.cluster.clone();
    let effects = renewed(&mut st, gen + 1, info);
    assert!(st.discovery.pending.is_none(), "{effects:?}");
}
