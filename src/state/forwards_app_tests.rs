#![allow(clippy::unwrap_used)]
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::keymap::Keymap;
use crate::model::portforward::{
    DialogPort, ForwardId, ForwardSpec, ForwardStarted, PortOption, TargetPort,
};
use crate::model::rows::PodRow;
use crate::msg::{Level, Msg};
use crate::state::{update, ClusterInfo};

fn state() -> AppState {
    let now = "2026-01-01T12:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        now,
    );
    st.pods.upsert(PodRow::running("hello-1"));
    st.refresh();
    st
}

fn key(st: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    update(st, Msg::Key(KeyEvent::new(code, mods)))
}

fn typed(st: &mut AppState, text: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(key(st, KeyCode::Char(c), KeyModifiers::NONE));
    }
    out
}

fn command(st: &mut AppState, text: &str) -> Vec<Effect> {
    typed(st, ":");
    typed(st, text);
    key(st, KeyCode::Enter, KeyModifiers::NONE)
}

fn ports() -> Vec<DialogPort> {
    vec![DialogPort {
        option: PortOption {
            remote_port: 8080,
            name: None,
            protocol: "TCP".into(),
            target: Some(TargetPort::Number(8080)),
            pod_port: Some(8080),
        },
        suggested_local: 8080,
    }]
}

fn status(id: ForwardId, state: ForwardState) -> ForwardStatus {
    ForwardStatus {
        id,
        target: TargetRef::new(TargetKind::Service, "default", "hello-minikube"),
        local: ([127, 0, 0, 1], 8080).into(),
        remote_port: 8080,
        pod: Some("hello-1".into()),
        pod_port: Some(8080),
        state,
        connections: 1,
        open_connections: 0,
        bytes_in: 10,
        bytes_out: 5,
        last_error: None,
    }
}

#[test]
fn shift_f_on_a_pod_opens_the_dialog_and_enter_starts_the_forward() {
    let mut st = state();
    st.readonly = true; // port-forward changes nothing in the cluster: still allowed
    let pod = TargetRef::new(TargetKind::Pod, "default", "hello-1");
    let fx = key(&mut st, KeyCode::Char('F'), KeyModifiers::SHIFT);
    assert_eq!(fx, vec![Effect::Forward(PfEffect::LoadPorts(pod.clone()))]);
    assert_eq!(st.key_ctx(), Ctx::PortForward);
    // Enter while loading explains instead of starting.
    assert!(key(&mut st, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    assert!(st.overlays.get::<PfDialog>().unwrap().error.is_some());

    update(
        &mut st,
        Msg::Forward(PfMsg::Ports {
            target: pod.clone(),
            result: Ok(ports()),
        }),
    );
    // q is text in the dialog, not quit.
    typed(&mut st, "q");
    assert!(!st.quit);
    let fx = key(&mut st, KeyCode::Enter, KeyModifiers::NONE);
    let spec = ForwardSpec::new(pod.clone(), 8080, 8080);
    assert_eq!(fx, vec![Effect::Forward(PfEffect::Start(spec.clone()))]);

    update(
        &mut st,
        Msg::Forward(PfMsg::StartFailed {
            target: pod.clone(),
            error: "local port 127.0.0.1:8080 is already in use".into(),
        }),
    );
    let d = st
        .overlays
        .get::<PfDialog>()
        .expect("the dialog stays open on an error");
    assert_eq!(
        d.error.as_deref(),
        Some("local port 127.0.0.1:8080 is already in use")
    );

    let started = ForwardStarted {
        id: 1,
        local: ([127, 0, 0, 1], 8080).into(),
    };
    update(&mut st, Msg::Forward(PfMsg::Started { spec, started }));
    assert!(!st.overlays.is_open::<PfDialog>());
    let notice = st.notice.as_ref().unwrap();
    assert!(
        notice.text.contains("127.0.0.1:8080 → pod/hello-1:8080"),
        "{}",
        notice.text
    );
}

#[test]
fn esc_cancels_the_dialog() {
    let mut st = state();
    key(&mut st, KeyCode::Char('F'), KeyModifiers::SHIFT);
    key(&mut st, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!st.overlays.is_open::<PfDialog>());
    assert_eq!(st.key_ctx(), Ctx::Pods);
}

#[test]
fn pf_command_opens_the_dialog_for_a_named_target() {
    let mut st = state();
    let fx = command(&mut st, "pf svc/hello-minikube");
    let svc = TargetRef::new(TargetKind::Service, "default", "hello-minikube");
    assert_eq!(fx, vec![Effect::Forward(PfEffect::LoadPorts(svc))]);

    let mut st = state();
    assert!(command(&mut st, "pf job/x").is_empty());
    assert_eq!(st.notice.as_ref().unwrap().level, Level::Error);

    let mut st = state();
    st.scope = Scope::All;
    assert!(command(&mut st, "pf deploy/web").is_empty());
    assert!(st.notice.as_ref().unwrap().text.contains(":ns"));
}

#[test]
fn the_forwards_pane_lists_copies_and_stops_with_confirmation() {
    let mut st = state();
    command(&mut st, "pf");
    assert!(st.forwards_open);
    assert_eq!(st.key_ctx(), Ctx::Forwards);
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(2, ForwardState::Starting))),
    );
    assert_eq!(st.forwards.len(), 2);

    let fx = typed(&mut st, "c");
    assert_eq!(fx, vec![Effect::Copy("http://127.0.0.1:8080".into())]);

    // ctrl-d asks; n cancels; ctrl-d then y stops.
    assert!(key(&mut st, KeyCode::Char('d'), KeyModifiers::CONTROL).is_empty());
    assert_eq!(
        st.overlays.get::<crate::state::overlay::StopForward>(),
        Some(&crate::state::overlay::StopForward(1))
    );
    assert!(st.notice.as_ref().unwrap().text.contains("(y stops it"));
    assert!(typed(&mut st, "n").is_empty());
    assert!(!st.overlays.is_open::<crate::state::overlay::StopForward>());
    key(&mut st, KeyCode::Down, KeyModifiers::NONE);
    key(&mut st, KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(
        typed(&mut st, "y"),
        vec![Effect::Forward(PfEffect::Stop(2))]
    );
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(2, ForwardState::Stopped))),
    );
    assert_eq!(st.forwards.len(), 1);

    // Esc closes the pane; :pods also leaves it.
    key(&mut st, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!st.forwards_open);
    command(&mut st, "pf");
    command(&mut st, "pods");
    assert!(!st.forwards_open);
}

#[test]
fn a_forward_ending_on_its_own_is_announced_and_dismissable() {
    let mut st = state();
    command(&mut st, "pf");
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::PodGone))),
    );
    let n = st.notice.as_ref().unwrap();
    assert_eq!(n.level, Level::Warning);
    assert!(n.text.contains("pod hello-1 is gone"), "{}", n.text);
    // Nothing to stop: ctrl-d removes the row without asking.
    assert!(key(&mut st, KeyCode::Char('d'), KeyModifiers::CONTROL).is_empty());
    assert!(st.forwards.is_empty());
    assert!(!st.overlays.is_open::<crate::state::overlay::StopForward>());
}

#[test]
fn the_services_view_lists_services_and_shift_f_forwards_to_one() {
    use crate::effect::{ResourceKind, WatchTarget};
    use crate::model::rows::Rows;
    use crate::model::services::ServiceRow;
    use crate::msg::{KubeMsg, WatchEvent};

    let mut st = state();
    let fx = command(&mut st, "svc");
    let key = fx
        .iter()
        .find_map(|e| match e {
            Effect::Watch { key, target } => {
                assert_eq!(
                    *target,
                    WatchTarget {
                        kind: ResourceKind::Services,
                        scope: Scope::Namespace("default".into()),
                        selector: Default::default(),
                    }
                );
                Some(*key)
            }
            _ => None,
        })
        .expect(":svc starts a services watch");
    let row = ServiceRow {
        namespace: "default".into(),
        name: "hello-minikube".into(),
        type_: "NodePort".into(),
        cluster_ip: "10.96.0.10".into(),
        ports: "8080:31234/TCP".into(),
        created: None,
    };
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Services(vec![row])),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key, event }));
    }
    st.refresh();
    assert_eq!(st.key_ctx(), Ctx::Services);
    assert_eq!(st.counts_of(crate::state::Pane::Main), (1, 1));
    let fx = key_press(&mut st, 'F');
    let svc = TargetRef::new(TargetKind::Service, "default", "hello-minikube");
    assert_eq!(fx, vec![Effect::Forward(PfEffect::LoadPorts(svc))]);
}

fn key_press(st: &mut AppState, c: char) -> Vec<Effect> {
    key(st, KeyCode::Char(c), KeyModifiers::SHIFT)
}

/// A session whose context has `saved` port-forwards kept in `forwards.yaml`.
fn state_with_saved(text: Option<&str>) -> AppState {
    let mut st = state();
    st.cluster.context = "minikube".into();
    let path = std::path::PathBuf::from("/state/rkt/forwards.yaml");
    st.saved_forwards =
        crate::state::forwards_saved::SavedStore::load(Some(path), text.map(|t| Ok(t.to_string())));
    crate::state::forwards_saved::restore(&mut st);
    st
}

fn saved_file(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::SaveForwards { path, contents } => {
            assert_eq!(path, std::path::Path::new("/state/rkt/forwards.yaml"));
            Some(contents.clone())
        }
        _ => None,
    })
}

const SAVED: &str = "contexts:\n  minikube:\n  - target: service/hello-minikube\n    namespace: default\n    local: 127.0.0.1:8080\n    remote: 8080\n  other:\n  - target: pod/x\n    namespace: d\n    local: 127.0.0.1:9\n    remote: 9\n";

#[test]
fn s_saves_the_selected_forward_for_this_context_and_again_forgets_it() {
    let mut st = state_with_saved(None);
    command(&mut st, "pf");
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    let file = saved_file(&typed(&mut st, "s")).expect("the file is written");
    assert!(file.contains("minikube:"), "{file}");
    assert!(file.contains("target: service/hello-minikube"), "{file}");
    assert!(st.notice.as_ref().unwrap().text.contains("saved"));
    let file = saved_file(&typed(&mut st, "s")).expect("written again");
    assert!(!file.contains("hello-minikube"), "forgotten: {file}");
}

#[test]
fn saved_forwards_are_inactive_rows_that_enter_starts_again() {
    let mut st = state_with_saved(Some(SAVED));
    command(&mut st, "pf");
    // Only this context's saved forward is listed, as an inactive row.
    assert_eq!((st.forwards.len(), st.forwards.entry_count()), (0, 1));
    let spec = status(1, ForwardState::Active).spec();
    assert_eq!(
        key(&mut st, KeyCode::Enter, KeyModifiers::NONE),
        vec![Effect::Forward(PfEffect::Start(spec.clone()))]
    );
    // Once it runs it is a live row, not also an inactive one.
    update(
        &mut st,
        Msg::Forward(PfMsg::Started {
            spec: spec.clone(),
            started: ForwardStarted {
                id: 1,
                local: ([127, 0, 0, 1], 8080).into(),
            },
        }),
    );
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    assert_eq!((st.forwards.len(), st.forwards.entry_count()), (1, 1));
    // Stopped by the user, it is inactive again, still saved; ctrl-d removes the row and
    // forgets it, the other context's entry kept.
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Stopped))),
    );
    assert_eq!((st.forwards.len(), st.forwards.entry_count()), (0, 1));
    let file = saved_file(&key(&mut st, KeyCode::Char('d'), KeyModifiers::CONTROL))
        .expect("forgotten in the file");
    assert!(!file.contains("hello-minikube"), "{file}");
    assert!(file.contains("pod/x"), "{file}");
    assert_eq!(st.forwards.entry_count(), 0);
}

#[test]
fn a_broken_saved_file_is_said_and_never_written_over() {
    let mut st = state_with_saved(Some("contexts: ["));
    let notice = st.notice.clone().expect("said at start");
    assert!(
        notice.text.contains("/state/rkt/forwards.yaml"),
        "{}",
        notice.text
    );
    command(&mut st, "pf");
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    assert!(saved_file(&typed(&mut st, "s")).is_none());
    assert_eq!(st.notice.as_ref().unwrap().level, Level::Error);
}

#[test]
fn o_opens_a_running_forwards_url_only() {
    let mut st = state_with_saved(Some(SAVED));
    command(&mut st, "pf");
    assert!(
        typed(&mut st, "o").is_empty(),
        "an inactive one has nothing to open"
    );
    assert!(st.notice.as_ref().unwrap().text.contains("not running"));
    update(
        &mut st,
        Msg::Forward(PfMsg::Status(status(1, ForwardState::Active))),
    );
    key(&mut st, KeyCode::Home, KeyModifiers::NONE);
    assert_eq!(
        typed(&mut st, "o"),
        vec![Effect::OpenUrl("http://127.0.0.1:8080".into())]
    );
}
