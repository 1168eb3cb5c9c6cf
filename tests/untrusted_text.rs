#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every string from the cluster is untrusted: names, labels, annotations, event and
//! condition messages, images, change-causes, API errors and kubeconfig names may carry
//! escape sequences (OSC 52 writes the clipboard, `ESC [ 2 J` clears the screen), bidi
//! overrides and zero-width characters. Each place that draws them is rendered here through
//! `ui::render` on ratatui's TestBackend with such text: no cell may hold a raw control,
//! bidi or zero-width character, and the text shows in its visible, inert form.

mod common;

use common::tui_fixtures::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rkt::effect::WatchSlot;
use rkt::model::format::is_unsafe;
use rkt::model::objects::ObjectMsg;
use rkt::model::rows::Rows;
use rkt::msg::Msg;
use rkt::state::{update, AppState};
use serde_json::{json, Value};

/// OSC 52: set the clipboard (to "HACKED", base64).
const OSC52: &str = "\u{1b}]52;c;SEFDS0VE\u{7}";
const OSC52_SHOWN: &str = "\\u{1b}]52;c;SEFDS0VE\\u{7}";
const CLEAR: &str = "\u{1b}[2J";
const CLEAR_SHOWN: &str = "\\u{1b}[2J";
/// Right-to-left override and zero-width space.
const RLO: &str = "\u{202e}";
const RLO_SHOWN: &str = "\\u{202e}";
const ZWSP: &str = "\u{200b}";
const ZWSP_SHOWN: &str = "\\u{200b}";

/// The screen's text; panics if any cell holds an unsafe character.
fn inert_screen(st: &mut AppState) -> String {
    let buf = draw_screen(st, 200, 100);
    for (i, cell) in buf.content().iter().enumerate() {
        assert!(
            !cell.symbol().chars().any(is_unsafe),
            "cell {i} holds {:?}",
            cell.symbol()
        );
    }
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_shows(screen: &str, shown: &[&str]) {
    for s in shown {
        assert!(screen.contains(s), "{s:?} not on screen:\n{screen}");
    }
}

fn press(st: &mut AppState, code: KeyCode, mods: KeyModifiers) {
    update(st, Msg::Key(KeyEvent::new(code, mods)));
}

fn key(st: &mut AppState, c: char) {
    press(st, KeyCode::Char(c), KeyModifiers::NONE);
}

/// A pod as a hostile API server could send it: its name, waiting reason, labels,
/// annotations, image, condition message all carry escapes.
fn hostile_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("evil{ZWSP}pod"), "namespace": "kube-system", "uid": "u-evil",
            "creationTimestamp": "2026-01-01T11:00:00Z",
            "labels": {"app": format!("a{RLO}b")},
            "annotations": {"note": format!("x{OSC52}y"), "multi": format!("line one\nline{CLEAR}two\n")}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": format!("img{CLEAR}:1")}]},
        "status": {"phase": "Running", "podIP": "10.0.0.9",
            "conditions": [{"type": "Ready", "status": "False", "message": format!("cond{RLO}msg")}],
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "img",
                "imageID": "", "state": {"waiting": {"reason": format!("Crash{CLEAR}"),
                "message": format!("wait{OSC52}")}}}]}
    })
}

fn hostile_event() -> k8s_openapi::api::core::v1::Event {
    serde_json::from_value(json!({
        "metadata": {"name": "evil.1", "namespace": "kube-system"},
        "involvedObject": {"kind": "Pod", "name": "evil", "namespace": "kube-system"},
        "reason": format!("Bad{ZWSP}Reason"), "message": format!("event{OSC52}message"),
        "type": "Warning", "count": 2, "lastTimestamp": "2026-01-01T11:59:00Z"
    }))
    .unwrap()
}

/// The kube-system session with the hostile pod listed first and selected.
fn with_hostile_pod() -> AppState {
    let mut st = kube_system_state();
    let pod = serde_json::from_value(hostile_pod()).unwrap();
    let row = rkt::model::convert::pod_row(&pod, &mut Default::default()).unwrap();
    list(&mut st, WatchSlot::Main, Rows::Pods(vec![row]));
    st.refresh();
    st
}

/// Opens the text view `open` asks for and answers it with `text`.
fn text_view(st: &mut AppState, open: char, text: String) -> String {
    key(st, open);
    let title = st
        .overlays
        .get::<rkt::state::objects::TextView>()
        .expect("a text view")
        .title
        .clone();
    update(
        st,
        Msg::Object(ObjectMsg::Text {
            title,
            result: Ok(text),
        }),
    );
    inert_screen(st)
}

#[test]
fn pods_table_and_details_show_hostile_names_and_statuses_inert() {
    let mut st = with_hostile_pod();
    let screen = inert_screen(&mut st);
    assert_shows(&screen, &[&format!("evil{ZWSP_SHOWN}pod"), CLEAR_SHOWN]);
}

#[test]
fn server_table_rows_show_event_messages_inert() {
    let mut st = with_hostile_pod();
    let catalog = json!({"kind": "APIGroupDiscoveryList", "items": [{"metadata": {}, "versions": [
        {"version": "v1", "resources": [{"resource": "events", "singularResource": "event",
            "scope": "Namespaced", "responseKind": {"kind": "Event"}, "shortNames": ["ev"],
            "verbs": ["list", "watch"]}]}]}]});
    let mut c = rkt::model::discovery::Catalog::default();
    c.add_aggregated(&catalog).unwrap();
    update(&mut st, Msg::Discovery(Ok(c)));
    key(&mut st, ':');
    for c in "ev".chars() {
        key(&mut st, c);
    }
    press(&mut st, KeyCode::Enter, KeyModifiers::NONE);
    let doc: rkt::model::table::TableDoc = serde_json::from_value(json!({
        "columnDefinitions": [{"name": "Type"}, {"name": "Reason"}, {"name": "Object"}, {"name": "Message"}],
        "rows": [{"cells": ["Warning", format!("R{ZWSP}"), format!("pod/x{RLO}"), format!("m{CLEAR}")],
            "object": {"metadata": {"name": "e1", "namespace": "kube-system"}}}]}))
    .unwrap();
    let columns = rkt::model::table::TableColumns::from_docs(&doc.column_definitions);
    let rows = rkt::model::table::rows_of(&doc, &columns);
    let k = st.main_watch.key.unwrap();
    use rkt::msg::WatchEvent;
    for event in [
        WatchEvent::Columns(columns),
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Table(rows)),
        WatchEvent::Synced,
    ] {
        update(&mut st, kube(k, event));
    }
    let screen = inert_screen(&mut st);
    assert_shows(
        &screen,
        &[
            &format!("R{ZWSP_SHOWN}"),
            &format!("pod/x{RLO_SHOWN}"),
            CLEAR_SHOWN,
        ],
    );
}

#[test]
fn describe_shows_annotations_conditions_and_events_inert() {
    let mut st = with_hostile_pod();
    let describe = |obj: &Value| {
        rkt::model::describe::object(obj, &[hostile_event()], &Default::default(), now())
    };
    // kubectl prints a pod's conditions without messages; a node's come with theirs.
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
        "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "Down",
            "message": format!("cond{RLO}msg")}]}});
    let text = describe(&hostile_pod()) + &describe(&node);
    let screen = text_view(&mut st, 'd', text);
    assert_shows(
        &screen,
        &[
            OSC52_SHOWN,
            &format!("cond{RLO_SHOWN}msg"),
            &format!("event{OSC52_SHOWN}message"),
            &format!("Bad{ZWSP_SHOWN}Reason"),
        ],
    );
}

#[test]
fn yaml_shows_labels_and_block_scalars_inert() {
    let mut st = with_hostile_pod();
    let yaml = serde_yaml::to_string(&hostile_pod()).unwrap();
    let screen = text_view(&mut st, 'y', yaml);
    // serde_yaml quotes and escapes what YAML calls non-printable; bidi and zero-width
    // characters it writes as they are, and those are made visible on the way out.
    assert_shows(
        &screen,
        &[&format!("a{RLO_SHOWN}b"), &format!("evil{ZWSP_SHOWN}pod")],
    );
}

#[test]
fn containers_view_shows_images_and_waiting_messages_inert() {
    let mut st = with_hostile_pod();
    let pod = serde_json::from_value(hostile_pod()).unwrap();
    let text = rkt::model::containers::containers_text(&pod, &[hostile_event()], now());
    press(&mut st, KeyCode::Enter, KeyModifiers::NONE);
    let title = st
        .overlays
        .get::<rkt::state::objects::TextView>()
        .expect("the containers view")
        .title
        .clone();
    update(
        &mut st,
        Msg::Object(ObjectMsg::Text {
            title,
            result: Ok(text),
        }),
    );
    let screen = inert_screen(&mut st);
    assert_shows(
        &screen,
        &[
            &format!("img{CLEAR_SHOWN}:1"),
            &format!("wait{OSC52_SHOWN}"),
        ],
    );
}

#[test]
fn delete_dialog_names_the_object_inert() {
    let mut st = with_hostile_pod();
    press(&mut st, KeyCode::Char('d'), KeyModifiers::CONTROL);
    let screen = inert_screen(&mut st);
    assert!(screen.contains("Delete"), "{screen}");
    assert_shows(&screen, &[&format!("evil{ZWSP_SHOWN}pod")]);
}

#[test]
fn rollback_dialog_shows_change_cause_and_images_inert() {
    use rkt::model::rollout::plan::{PatchBody, PlannedPatch};
    use rkt::model::rollout::Workload;
    use rkt::state::rollouts::RolloutDialog;
    let mut st = kube_system_state();
    st.overlays.open(RolloutDialog::Rollback {
        plan: Box::new(PlannedPatch {
            kind: Workload::Deployment,
            namespace: "default".into(),
            name: format!("web{RLO}"),
            to_revision: 1,
            change_cause: Some(format!("cause{OSC52}")),
            images: vec![format!("nginx{CLEAR}")],
            diff: Vec::new(),
            resource_version: "7".into(),
            body: PatchBody::Json(json!([])),
        }),
        typed: None,
    });
    let screen = inert_screen(&mut st);
    assert_shows(
        &screen,
        &[
            &format!("web{RLO_SHOWN}"),
            &format!("cause{OSC52_SHOWN}"),
            &format!("nginx{CLEAR_SHOWN}"),
        ],
    );
}

#[test]
fn rollout_history_shows_change_causes_inert() {
    use rkt::model::rollout::history::ReplicaSetRow;
    use rkt::model::rollout::rows::WorkloadRow;
    let mut st = kube_system_state();
    key(&mut st, ':');
    for c in "deploy".chars() {
        key(&mut st, c);
    }
    press(&mut st, KeyCode::Enter, KeyModifiers::NONE);
    let d = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "kube-system", "uid": "uid-web"},
        "spec": {"replicas": 1, "selector": {}, "template": {}}
    }))
    .unwrap();
    list(
        &mut st,
        WatchSlot::Main,
        Rows::Workloads(vec![WorkloadRow {
            template_key: 3,
            ..WorkloadRow::from_deployment(&d)
        }]),
    );
    st.refresh();
    key(&mut st, 'h');
    let rs = ReplicaSetRow {
        namespace: "kube-system".into(),
        name: "web-1".into(),
        owner_uid: Some("uid-web".into()),
        revision: Some(1),
        change_cause: Some(format!("set{CLEAR}x")),
        images: vec![format!("img{ZWSP}")],
        created: Some(now()),
        replicas: 0,
        ready: 0,
        template_key: 1,
        former: Vec::new(),
    };
    list(&mut st, WatchSlot::History, Rows::ReplicaSets(vec![rs]));
    let screen = inert_screen(&mut st);
    assert_shows(
        &screen,
        &[&format!("set{CLEAR_SHOWN}x"), &format!("img{ZWSP_SHOWN}")],
    );
}

#[test]
fn header_shows_context_and_server_names_inert() {
    let mut st = kube_system_state();
    st.cluster.context = format!("prod{RLO}ctx");
    st.cluster.server = format!("https://x{OSC52}");
    let screen = inert_screen(&mut st);
    assert_shows(
        &screen,
        &[
            &format!("prod{RLO_SHOWN}ctx"),
            &format!("https://x{OSC52_SHOWN}"),
        ],
    );
    // A protected context is drawn on its own path.
    st.cluster.protected = true;
    let screen = inert_screen(&mut st);
    assert_shows(&screen, &[&format!("prod{RLO_SHOWN}ctx"), "PROTECTED"]);
}

#[test]
fn notices_show_api_errors_inert() {
    let mut st = kube_system_state();
    update(
        &mut st,
        Msg::Object(ObjectMsg::Deleted(Err(format!(
            "admission webhook denied: {CLEAR}{ZWSP}"
        )))),
    );
    let screen = inert_screen(&mut st);
    assert_shows(&screen, &[&format!("denied: {CLEAR_SHOWN}{ZWSP_SHOWN}")]);
}

#[test]
fn the_last_pass_catches_what_a_path_draws_raw() {
    // The prompt echoes what is typed as it is; the frame's last pass still keeps a
    // zero-width character and a bidi override off the terminal.
    let mut st = kube_system_state();
    key(&mut st, ':');
    for c in format!("x{RLO}{ZWSP}y").chars() {
        key(&mut st, c);
    }
    let _ = inert_screen(&mut st);
}
