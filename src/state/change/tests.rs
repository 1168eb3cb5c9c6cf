#![allow(clippy::unwrap_used)]
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::*;
use crate::keymap::Keymap;
use crate::model::change::apply::ApplyOutcome;
use crate::model::change::image::ContainerImage;
use crate::model::change::ChangeMsg;
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rows::Rows;
use crate::msg::{Level, Msg};
use crate::state::{update, ClusterInfo, MainView};

fn deployment(name: &str) -> WorkloadRow {
    let d: k8s_openapi::api::apps::v1::Deployment = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")},
        "spec": {"replicas": 1, "selector": {}, "template": {}}
    }))
    .unwrap();
    WorkloadRow::from_deployment(&d)
}

/// A session in `default` on the Deployments view with `web` listed and selected.
fn state() -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        now,
    );
    st.view = MainView::Deployments;
    st.main_table_mut()
        .apply(crate::msg::WatchEvent::Upsert(Rows::Workloads(vec![
            deployment("web"),
        ])));
    st.refresh();
    st
}

fn press(st: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(st, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(st: &mut AppState, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(st, KeyCode::Char(c)))
        .collect()
}

fn command(st: &mut AppState, line: &str) -> Vec<Effect> {
    typed(st, ":");
    typed(st, line);
    press(st, KeyCode::Enter)
}

fn changes(effects: &[Effect]) -> Vec<ChangeEffect> {
    effects
        .iter()
        .filter_map(|e| match e.clone().unaudited() {
            Effect::Change(c) => Some(*c),
            _ => None,
        })
        .collect()
}

fn web() -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::deployment(),
        namespace: Some("default".into()),
        name: "web".into(),
    }
}

#[test]
fn the_form_builds_the_create_command_and_shows_it_before_it_runs() {
    let mut st = state();
    assert!(press(&mut st, KeyCode::Char('n')).is_empty());
    typed(&mut st, "hello");
    press(&mut st, KeyCode::Tab);
    typed(&mut st, "nginx:1.25");
    press(&mut st, KeyCode::Tab);
    press(&mut st, KeyCode::Backspace);
    typed(&mut st, "2x"); // only digits go into a number field
    press(&mut st, KeyCode::Tab);
    typed(&mut st, "8080");
    // The first enter shows the command line; nothing is sent yet.
    assert!(changes(&press(&mut st, KeyCode::Enter)).is_empty());
    let form = st.overlays.get::<Form>().unwrap();
    assert_eq!(
        form.review.as_deref(),
        Some(
            &[":create deployment hello --image=nginx:1.25 --replicas=2 --port=8080".to_string()][..]
        )
    );
    let sent = changes(&press(&mut st, KeyCode::Enter));
    let words = [
        "deployment",
        "hello",
        "--image=nginx:1.25",
        "--replicas=2",
        "--port=8080",
    ];
    assert_eq!(
        sent,
        [ChangeEffect::Create {
            namespace: Some("default".into()),
            spec: create::parse(&words).unwrap(),
        }]
    );
    assert!(!st.overlays.is_open::<Form>());
    // The answer names what was created, and the new row is selected once listed.
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::Created {
            obj: ObjectRef {
                name: "hello".into(),
                ..web()
            },
            result: Ok(()),
        })),
    );
    assert_eq!(
        st.notice.as_ref().unwrap().text,
        "deployment.apps/hello created"
    );
    st.main_table_mut()
        .apply(crate::msg::WatchEvent::Upsert(Rows::Workloads(vec![
            deployment("hello"),
        ])));
    crate::state::drill::reselect(&mut st);
    assert_eq!(st.main_table().selected_name().as_deref(), Some("hello"));
}

#[test]
fn a_bad_name_is_refused_in_the_form_before_anything_is_sent() {
    let mut st = state();
    press(&mut st, KeyCode::Char('n'));
    typed(&mut st, "Hello_World");
    press(&mut st, KeyCode::Tab);
    typed(&mut st, "nginx");
    assert!(press(&mut st, KeyCode::Enter).is_empty());
    let form = st.overlays.get::<Form>().unwrap();
    assert!(form.review.is_none());
    assert!(
        form.error.as_deref().unwrap().contains("RFC 1123"),
        "{form:?}"
    );
    press(&mut st, KeyCode::Esc);
    assert!(!st.overlays.is_open::<Form>());
}

#[test]
fn commands_send_the_change_they_name() {
    let mut st = state();
    let sent = changes(&command(&mut st, "create ns team-a"));
    assert_eq!(
        sent,
        [ChangeEffect::Create {
            namespace: None,
            spec: CreateSpec::Namespace("team-a".into())
        }]
    );
    let effects = command(&mut st, "apply -f manifests/");
    assert_eq!(
        effects,
        [Effect::Prepare(PrepareEffect::ReadFiles(
            "manifests/".into()
        ))]
    );
    assert!(command(&mut st, "create deployment x").is_empty());
    assert_eq!(st.notice.as_ref().unwrap().level, Level::Error);
}

#[test]
fn expose_by_key_reads_the_object_then_sends_kubectls_service() {
    let mut st = state();
    let effects = press(&mut st, KeyCode::Char('X'));
    assert_eq!(
        effects,
        [Effect::Prepare(PrepareEffect::ExposeSource(web()))]
    );
    let object = json!({"kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"spec": {"containers": [
            {"name": "c", "ports": [{"containerPort": 8080}]}]}}}});
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::ExposeSource {
            obj: web(),
            result: Ok(object),
        })),
    );
    assert_eq!(st.overlays.get::<Form>().unwrap().field(PORT), "8080");
    press(&mut st, KeyCode::Down); // type: NodePort
    let sent = changes(&press(&mut st, KeyCode::Enter));
    let [ChangeEffect::Expose { namespace, service }] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(namespace, "default");
    assert_eq!(service["spec"]["type"], "NodePort");
    assert_eq!(service["spec"]["ports"][0]["port"], 8080);
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::Exposed {
            obj: ObjectRef {
                kind: ObjectKind::service(),
                ..web()
            },
            result: Ok(vec![31234]),
        })),
    );
    assert_eq!(
        st.notice.as_ref().unwrap().text,
        "service/web exposed (NodePort 31234)"
    );
}

#[test]
fn set_image_offers_every_container_prefilled_with_its_image() {
    let mut st = state();
    let effects = press(&mut st, KeyCode::Char('i'));
    assert_eq!(effects, [Effect::Prepare(PrepareEffect::Containers(web()))]);
    let containers = vec![
        ContainerImage {
            name: "init".into(),
            image: "busybox:1".into(),
            init: true,
        },
        ContainerImage {
            name: "app".into(),
            image: "nginx:1".into(),
            init: false,
        },
    ];
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::Containers {
            obj: web(),
            result: Ok(containers.clone()),
        })),
    );
    let form = st.overlays.get::<Form>().unwrap();
    assert_eq!(form.field(CONTAINER), "app");
    assert_eq!(form.field(IMAGE), "nginx:1");
    // Up picks the init container, and its image.
    press(&mut st, KeyCode::Up);
    assert_eq!(st.overlays.get::<Form>().unwrap().field(IMAGE), "busybox:1");
    press(&mut st, KeyCode::Tab);
    typed(&mut st, "-musl");
    let sent = changes(&press(&mut st, KeyCode::Enter));
    assert_eq!(
        sent,
        [ChangeEffect::SetImage {
            target: web(),
            container: containers[0].clone(),
            image: "busybox:1-musl".into()
        }]
    );
}

#[test]
fn readonly_refuses_every_change_with_a_message() {
    let mut st = state();
    st.readonly = true;
    for keys in ["n", "X", "i"] {
        let effects = typed(&mut st, keys);
        assert!(effects.is_empty(), "{keys}: {effects:?}");
        assert!(!st.overlays.is_open::<Form>(), "{keys}");
        let notice = st.notice.take().unwrap();
        assert!(notice.text.contains("read-only"), "{keys}: {notice:?}");
    }
    for line in [
        "create deployment web --image=nginx",
        "create ns x",
        "expose deploy/web --port=80",
        "apply -f x.yaml",
    ] {
        let effects = command(&mut st, line);
        assert!(effects.is_empty(), "{line}: {effects:?}");
        let notice = st.notice.take().unwrap();
        assert!(notice.text.contains("read-only"), "{line}: {notice:?}");
    }
}

#[test]
fn apply_asks_once_and_reports_each_document() {
    let mut st = state();
    let mut catalog = crate::model::discovery::Catalog::default();
    catalog.add_legacy(&json!({"groupVersion": "v1", "resources": [
        {"name": "configmaps", "kind": "ConfigMap", "namespaced": true, "verbs": ["get", "list"]}]}));
    st.discovery.catalog = catalog;
    command(&mut st, "apply -f m.yaml");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: x/v1\nkind: Nope\nmetadata: {name: b}\n";
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::Files {
            path: "m.yaml".into(),
            result: Ok(vec![("m.yaml".into(), text.into())]),
        })),
    );
    let review = st.overlays.get::<Form>().unwrap().review.clone().unwrap();
    assert!(review[0].contains("1 document "), "{review:?}");
    assert!(review[1].contains("configmap default/a"), "{review:?}");
    assert!(
        review[2].contains("not sent") && review[2].contains("Nope"),
        "{review:?}"
    );
    let sent = changes(&press(&mut st, KeyCode::Enter));
    let [ChangeEffect::Apply { docs, skipped }] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(docs.len(), 1);
    update(
        &mut st,
        Msg::Change(Box::new(ChangeMsg::Applied {
            results: vec![("configmap/a".into(), Ok(ApplyOutcome::Created))],
            skipped: skipped.clone(),
        })),
    );
    let view = st
        .overlays
        .get::<crate::state::objects::TextView>()
        .unwrap();
    assert_eq!(view.lines[0], "configmap/a created");
    assert!(
        view.lines[1].starts_with("not sent: Nope b"),
        "{:?}",
        view.lines
    );
}

#[test]
fn tab_completes_the_change_commands_and_their_arguments() {
    use crate::state::prompt::complete;
    let none = std::iter::empty();
    assert_eq!(complete("cre", none.clone(), &[]).0, "create ");
    assert_eq!(
        complete("create d", none.clone(), &[]).0,
        "create deployment "
    );
    assert_eq!(complete("create ns", none.clone(), &[]).0, "create ns");
    assert_eq!(
        complete("create deployment web --im", none.clone(), &[]).0,
        "create deployment web --image="
    );
    assert_eq!(complete("expose de", none.clone(), &[]).0, "expose deploy/");
    assert_eq!(
        complete("expose deploy/web --ty", none.clone(), &[]).0,
        "expose deploy/web --type="
    );
    assert_eq!(complete("apply ", none, &[]).0, "apply -f ");
}
