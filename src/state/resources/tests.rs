//! The generic view as `update` drives it: names to views, discovery asked again for an
//! unknown name, completion over kinds, drill-down and the way back, table sorting.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use crate::effect::{Effect, ResourceKind, Scope};
use crate::keymap::Keymap;
use crate::model::discovery::Catalog;
use crate::model::drill::{Drill, DrillTo};
use crate::model::objects::{ObjectMsg, Selector};
use crate::model::rows::Rows;
use crate::model::table::{rows_of, TableColumns, TableDoc};
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::{prompt, update, AppState, Awaiting, ClusterInfo, MainView};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_line(st: &mut AppState, line: &str) -> Vec<Effect> {
    let mut effects = update(st, key(KeyCode::Char(':')));
    for c in line.chars() {
        effects.extend(update(st, key(KeyCode::Char(c))));
    }
    effects.extend(update(st, key(KeyCode::Enter)));
    effects
}

fn resource(
    plural: &str,
    singular: &str,
    kind: &str,
    short: &[&str],
    scope: &str,
) -> serde_json::Value {
    json!({"resource": plural, "singularResource": singular, "scope": scope,
        "responseKind": {"kind": kind}, "shortNames": short, "verbs": ["list", "watch", "get", "delete"]})
}

fn catalog(with_widgets: bool) -> Catalog {
    let mut groups = vec![
        json!({"metadata": {"name": "apps"}, "versions": [{"version": "v1", "resources": [
            resource("deployments", "deployment", "Deployment", &["deploy"], "Namespaced"),
            resource("replicasets", "replicaset", "ReplicaSet", &["rs"], "Namespaced")]}]}),
        json!({"metadata": {"name": "networking.k8s.io"}, "versions": [{"version": "v1", "resources": [
            resource("ingresses", "ingress", "Ingress", &["ing"], "Namespaced")]}]}),
    ];
    if with_widgets {
        groups.push(json!({"metadata": {"name": "example.com"}, "versions": [{"version": "v1", "resources": [
            resource("widgets", "widget", "Widget", &["wdg"], "Namespaced")]}]}));
    }
    let core = json!({"kind": "APIGroupDiscoveryList", "items": [{"metadata": {}, "versions": [{"version": "v1", "resources": [
        resource("pods", "pod", "Pod", &["po"], "Namespaced"),
        resource("nodes", "node", "Node", &["no"], "Cluster"),
        resource("events", "event", "Event", &["ev"], "Namespaced")]}]}]});
    let mut c = Catalog::default();
    c.add_aggregated(&core).unwrap();
    c.add_aggregated(&json!({"kind": "APIGroupDiscoveryList", "items": groups}))
        .unwrap();
    c
}

fn state() -> AppState {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        "2026-01-01T00:00:00Z".parse().unwrap(),
    );
    let _ = st.start();
    update(&mut st, Msg::Discovery(Ok(catalog(false))));
    st
}

fn table_watch(effects: &[Effect]) -> Option<&crate::effect::TableTarget> {
    effects.iter().find_map(|e| match e {
        Effect::WatchTable { target, .. } => Some(target),
        _ => None,
    })
}

#[test]
fn names_open_typed_or_generic_views() {
    let mut st = state();
    let effects = type_line(&mut st, "ing");
    assert_eq!(st.view, MainView::Resources);
    let target = table_watch(&effects).unwrap();
    assert_eq!(&*target.kind.plural, "ingresses");
    assert_eq!(target.scope, Scope::Namespace("default".into()));

    // A typed view's resource by its group-qualified name opens the typed view.
    type_line(&mut st, "deployments.apps");
    assert_eq!(st.view, MainView::Deployments);

    // A cluster-scoped kind, in all namespaces by argument.
    let effects = type_line(&mut st, "no all");
    assert_eq!(table_watch(&effects).unwrap().kind.plural.as_ref(), "nodes");
    assert_eq!(st.scope, Scope::All);
}

#[test]
fn an_unknown_name_asks_discovery_again_and_runs_when_it_answers() {
    let mut st = state();
    st.now = "2026-01-01T00:01:00Z".parse().unwrap();
    let effects = type_line(&mut st, "wdg");
    assert!(effects.contains(&Effect::Discover), "{effects:?}");
    assert_eq!(st.view, MainView::Pods);
    // The CRD was created meanwhile: the command runs with the answer.
    let effects = update(&mut st, Msg::Discovery(Ok(catalog(true))));
    assert_eq!(st.view, MainView::Resources);
    assert_eq!(
        table_watch(&effects).unwrap().kind.plural.as_ref(),
        "widgets"
    );
    // Still unknown after a fresh answer: an error, and no loop.
    type_line(&mut st, "gizmo");
    let effects = update(&mut st, Msg::Discovery(Ok(catalog(true))));
    assert!(effects.is_empty());
    let notice = st.notice.as_ref().unwrap();
    assert!(
        notice
            .text
            .contains("unknown command or resource \"gizmo\""),
        "{notice:?}"
    );
}

#[test]
fn completion_offers_every_kind_and_then_namespaces() {
    let kinds = catalog(true).names();
    let (input, candidates) = prompt::complete("wd", std::iter::empty(), &kinds);
    assert_eq!((input.as_str(), candidates.len()), ("wdg ", 0));
    let (_, candidates) = prompt::complete("in", std::iter::empty(), &kinds);
    assert!(
        candidates.contains(&"ingresses.networking.k8s.io".to_string()),
        "{candidates:?}"
    );
    let (input, _) = prompt::complete("ing ku", ["kube-system"].into_iter(), &kinds);
    assert_eq!(input, "ing kube-system");
}

fn upsert_table(st: &mut AppState, doc: serde_json::Value) {
    let doc: TableDoc = serde_json::from_value(doc).unwrap();
    let columns = TableColumns::from_docs(&doc.column_definitions);
    let key = st.main_watch.key.unwrap();
    for event in [
        WatchEvent::Columns(columns.clone()),
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Table(rows_of(&doc, &columns))),
        WatchEvent::Synced,
    ] {
        update(st, Msg::Kube(KubeMsg { key, event }));
    }
    st.refresh();
}

const REPLICASETS: &str = r#"{"columnDefinitions": [{"name": "Name", "format": "name"}],
    "rows": [{"cells": ["api-1"], "object": {"metadata": {"name": "api-1", "namespace": "default"}}},
             {"cells": ["web-1"], "object": {"metadata": {"name": "web-1", "namespace": "default"}}}]}"#;

/// The ReplicaSets view with `api-1` and `web-1` in `default`, `web-1` selected.
fn replicaset_view() -> AppState {
    let mut st = state();
    type_line(&mut st, "rs");
    upsert_table(&mut st, serde_json::from_str(REPLICASETS).unwrap());
    update(&mut st, key(KeyCode::Char('j')));
    st
}

#[test]
fn enter_narrows_to_what_the_object_selects_and_esc_walks_back() {
    let mut st = replicaset_view();
    let effects = update(&mut st, key(KeyCode::Enter));
    let Some(Awaiting::Drill(obj)) = st.awaiting.clone() else {
        panic!("no drill asked: {effects:?}");
    };
    assert_eq!(obj.name, "web-1");
    let drill = Drill {
        to: DrillTo::Pods,
        namespace: Some("default".into()),
        selector: Selector {
            labels: Some("app=web".into()),
            fields: None,
        },
        name_prefix: None,
        label: "replicaset web-1".into(),
    };
    let effects = update(
        &mut st,
        Msg::Object(ObjectMsg::Drilled {
            from: obj,
            result: Ok(drill),
        }),
    );
    assert_eq!(st.view, MainView::Pods);
    let pods_watch = effects.iter().find_map(|e| match e {
        Effect::Watch { target, .. } if target.kind == ResourceKind::Pods => Some(target),
        _ => None,
    });
    assert_eq!(
        pods_watch.unwrap().selector.labels.as_deref(),
        Some("app=web")
    );

    // esc: back to the ReplicaSets, unnarrowed.
    let effects = update(&mut st, key(KeyCode::Esc));
    assert_eq!(st.view, MainView::Resources);
    let target = table_watch(&effects).unwrap();
    assert_eq!(
        (target.kind.plural.as_ref(), &target.selector),
        ("replicasets", &Selector::default())
    );
    // The row that was selected is selected again once it is listed.
    upsert_table(&mut st, serde_json::from_str(REPLICASETS).unwrap());
    assert_eq!(st.main_table().selected_name().as_deref(), Some("web-1"));
    // Nothing more to walk back to.
    assert!(update(&mut st, key(KeyCode::Esc)).is_empty());
}

#[test]
fn an_answer_to_enter_after_the_user_moved_on_is_dropped() {
    let mut st = replicaset_view();
    update(&mut st, key(KeyCode::Enter));
    let Some(Awaiting::Drill(obj)) = st.awaiting.clone() else {
        panic!("no drill asked");
    };
    type_line(&mut st, "ing");
    let late = Drill {
        to: DrillTo::Pods,
        namespace: None,
        selector: Selector::default(),
        name_prefix: None,
        label: String::new(),
    };
    update(
        &mut st,
        Msg::Object(ObjectMsg::Drilled {
            from: obj,
            result: Ok(late),
        }),
    );
    assert_eq!(st.view, MainView::Resources);
    assert_eq!(
        st.resources.api.as_ref().unwrap().object.plural.as_ref(),
        "ingresses"
    );
}

#[test]
fn events_put_warnings_first_and_any_column_sorts() {
    let mut st = state();
    type_line(&mut st, "ev");
    let row = |name: &str, seen: &str, type_: &str| {
        json!({"cells": [seen, type_, "Reason", format!("pod/{name}"), "msg"],
            "object": {"metadata": {"name": name, "namespace": "default"}}})
    };
    upsert_table(
        &mut st,
        json!({"columnDefinitions": [
        {"name": "Last Seen"}, {"name": "Type"}, {"name": "Reason"}, {"name": "Object"},
        {"name": "Message", "priority": 1}],
        "rows": [row("a", "1m", "Normal"), row("b", "5m", "Warning"), row("c", "10s", "Warning")]}),
    );
    let names = |st: &AppState| -> Vec<String> {
        (0..st.resources.table.visible_len())
            .filter_map(|i| st.resources.table.visible_row(i))
            .map(|r| r.name.to_string())
            .collect()
    };
    assert_eq!(names(&st), ["c", "b", "a"]);
    // The wide column only in wide mode.
    assert_eq!(st.resources.shown_columns().count(), 4);
    update(&mut st, key(KeyCode::Char('w')));
    assert_eq!(st.resources.shown_columns().count(), 5);
    // `>` moves the sort to the next column (Type), ties by name.
    update(&mut st, key(KeyCode::Char('>')));
    st.refresh();
    assert_eq!(names(&st), ["a", "b", "c"]);
    assert_eq!(st.main_table().counts(), (3, 3));
}

#[test]
fn shift_e_shows_the_events_of_the_selected_object_only() {
    let mut st = replicaset_view();
    let effects = update(&mut st, key(KeyCode::Char('E')));
    let target = table_watch(&effects).unwrap();
    assert_eq!(target.kind.plural.as_ref(), "events");
    assert_eq!(
        target.selector.fields.as_deref(),
        Some("involvedObject.name=web-1,involvedObject.kind=ReplicaSet")
    );
    assert_eq!(target.scope, Scope::Namespace("default".into()));
    update(&mut st, key(KeyCode::Esc));
    assert_eq!(
        st.resources.api.as_ref().unwrap().object.plural.as_ref(),
        "replicasets"
    );
}
