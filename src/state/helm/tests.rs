//! The Helm view through `update`: records in, the list and history shown, keys to effects.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::effect::{Effect, ResourceKind, Scope, WatchSlot};
use crate::keymap::Keymap;
use crate::model::helm::effects::{HelmEffect, HelmMsg, Part, RollbackPlan};
use crate::model::helm::rows::ReleaseRecord;
use crate::model::helm::ReleaseRef;
use crate::model::rows::{RowKey, Rows};
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::helm::app::HelmDialog;
use crate::state::objects::TextView;
use crate::state::{update, AppState, ClusterInfo, MainView};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(st: &mut AppState, text: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(update(st, key(KeyCode::Char(c))));
    }
    out
}

fn rec(name: &str, revision: i64, status: &str) -> ReleaseRecord {
    ReleaseRecord {
        namespace: "default".into(),
        record: format!("sh.helm.release.v1.{name}.v{revision}").into(),
        name: name.into(),
        revision,
        updated: None,
        status: status.into(),
        chart: "nginx-18.2.4".into(),
        app_version: "1.27.1".into(),
        description: if revision == 1 {
            "Install complete"
        } else {
            "Upgrade complete"
        }
        .into(),
    }
}

/// `:helm` in `default`, with the watch's records sent; returns the state and the watch key.
fn helm_view(records: Vec<ReleaseRecord>, readonly: bool) -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "kind-dev".into(),
            ..ClusterInfo::default()
        },
        Scope::Namespace("default".into()),
        now,
    );
    st.readonly = readonly;
    st.start();
    let mut effects = typed(&mut st, ":helm");
    effects.extend(update(&mut st, key(KeyCode::Enter)));
    assert_eq!(st.view, MainView::Helm);
    let key = effects
        .iter()
        .find_map(|e| match e {
            Effect::Watch { key, target }
                if key.slot == WatchSlot::Main && target.kind == ResourceKind::HelmReleases =>
            {
                Some(*key)
            }
            _ => None,
        })
        .expect("a watch of the release records");
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::HelmReleases(records)),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key, event }));
    }
    st.refresh();
    st
}

fn shown(st: &AppState) -> Vec<(String, i64, String)> {
    (0..st.helm.table.visible_len())
        .filter_map(|i| st.helm.table.visible_row(i))
        .map(|r| {
            (
                r.rec.name.to_string(),
                r.rec.revision,
                r.rec.status.to_string(),
            )
        })
        .collect()
}

fn helm_effects(effects: Vec<Effect>) -> Vec<HelmEffect> {
    effects
        .into_iter()
        .filter_map(|e| match e.unaudited() {
            Effect::Helm(h) => Some(*h),
            _ => None,
        })
        .collect()
}

fn demo_records() -> Vec<ReleaseRecord> {
    vec![
        rec("my-nginx", 1, "superseded"),
        rec("my-nginx", 3, "deployed"),
        rec("my-nginx", 2, "superseded"),
        rec("db", 1, "failed"),
    ]
}

#[test]
fn the_list_shows_the_latest_revision_of_each_release_and_history_all_of_one() {
    let mut st = helm_view(demo_records(), false);
    assert_eq!(
        shown(&st),
        vec![
            ("db".into(), 1, "failed".into()),
            ("my-nginx".into(), 3, "deployed".into())
        ]
    );
    update(&mut st, key(KeyCode::Char('j')));
    update(&mut st, key(KeyCode::Char('h')));
    st.refresh();
    assert_eq!(
        st.helm.history(),
        Some(&ReleaseRef::new("default", "my-nginx"))
    );
    let revisions: Vec<i64> = shown(&st).iter().map(|r| r.1).collect();
    assert_eq!(revisions, vec![3, 2, 1], "newest first");

    // Live: a rollback's records arrive while the history is open.
    let key = st.main_watch.key.unwrap();
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key,
            event: WatchEvent::Upsert(Rows::HelmReleases(vec![
                rec("my-nginx", 3, "superseded"),
                ReleaseRecord {
                    description: "Rollback to 1".into(),
                    ..rec("my-nginx", 4, "deployed")
                },
            ])),
        }),
    );
    st.refresh();
    assert_eq!(shown(&st)[0], ("my-nginx".into(), 4, "deployed".into()));
    assert_eq!(shown(&st)[1].2, "superseded");

    // esc: back to the list, on the release the history was opened from.
    update(&mut st, key_esc());
    st.refresh();
    assert_eq!(st.helm.history(), None);
    assert_eq!(st.helm.selected().unwrap().rec.name.as_ref(), "my-nginx");
    assert_eq!(st.helm.selected().unwrap().rec.revision, 4);
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key,
            event: WatchEvent::Remove(vec![RowKey::namespaced(
                "default",
                "sh.helm.release.v1.db.v1",
            )]),
        }),
    );
    st.refresh();
    assert_eq!(
        shown(&st).len(),
        1,
        "an uninstalled release leaves the list"
    );
}

fn key_esc() -> Msg {
    key(KeyCode::Esc)
}

#[test]
fn texts_open_for_the_selected_revision() {
    let mut st = helm_view(demo_records(), true);
    update(&mut st, key(KeyCode::Char('j')));
    let effects = helm_effects(update(&mut st, key(KeyCode::Char('a'))));
    assert_eq!(
        effects,
        vec![HelmEffect::Show {
            release: ReleaseRef::new("default", "my-nginx"),
            revision: 3,
            part: Part::AllValues,
        }]
    );
    let title = Part::AllValues.title(&ReleaseRef::new("default", "my-nginx"), 3);
    assert_eq!(st.overlays.get::<TextView>().unwrap().title, title);
    update(
        &mut st,
        Msg::Helm(Box::new(HelmMsg::Text {
            title,
            result: Ok("COMPUTED VALUES:\nreplicaCount: 1\n".into()),
        })),
    );
    assert_eq!(st.overlays.get::<TextView>().unwrap().lines.len(), 2);
    update(&mut st, key_esc());
    // In the history, enter is the diff of that revision against the deployed one.
    update(&mut st, key(KeyCode::Char('h')));
    update(&mut st, key(KeyCode::Char('G')));
    let effects = helm_effects(update(&mut st, key(KeyCode::Enter)));
    assert!(matches!(
        &effects[..],
        [HelmEffect::Show {
            revision: 1,
            part: Part::Diff,
            ..
        }]
    ));
}

#[test]
fn rollback_and_uninstall_are_refused_under_readonly() {
    let mut st = helm_view(demo_records(), true);
    update(&mut st, key(KeyCode::Char('j')));
    let effects = update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    assert!(helm_effects(effects).is_empty());
    assert!(st.notice.as_ref().unwrap().text.contains("--readonly"));
    assert!(!st.overlays.is_open::<HelmDialog>());
    update(&mut st, key(KeyCode::Char('h')));
    update(&mut st, key(KeyCode::Char('G')));
    let effects = update(&mut st, key(KeyCode::Char('u')));
    assert!(helm_effects(effects).is_empty());
    assert!(!st.overlays.is_open::<HelmDialog>());
    // Even a confirmed rollback that reached the gate is dropped there.
    st.overlays.open(HelmDialog::Rollback {
        plan: Box::new(plan(3)),
        typed: None,
    });
    assert!(helm_effects(update(&mut st, key(KeyCode::Char('y')))).is_empty());
}

fn plan(latest: i64) -> RollbackPlan {
    RollbackPlan {
        release: ReleaseRef::new("default", "my-nginx"),
        to: 1,
        latest,
        chart: "nginx-18.2.4".into(),
        app_version: "1.27.1".into(),
        diff: vec!["- replicas: 1".into(), "+ replicas: 2".into()],
    }
}

#[test]
fn a_rollback_is_planned_confirmed_and_audited_and_refused_if_the_release_moved_on() {
    let mut st = helm_view(demo_records(), false);
    update(&mut st, key(KeyCode::Char('j')));
    update(&mut st, key(KeyCode::Char('h')));
    update(&mut st, key(KeyCode::Char('G')));
    let effects = helm_effects(update(&mut st, key(KeyCode::Char('u'))));
    let release = ReleaseRef::new("default", "my-nginx");
    assert_eq!(
        effects,
        vec![HelmEffect::PlanRollback {
            release: release.clone(),
            revision: 1
        }]
    );
    // Any key but yes cancels; the late plan is then dropped.
    update(&mut st, key(KeyCode::Char('n')));
    update(
        &mut st,
        Msg::Helm(Box::new(HelmMsg::Planned {
            release: release.clone(),
            revision: 1,
            plan: Ok(plan(3)),
        })),
    );
    assert!(!st.overlays.is_open::<HelmDialog>());

    update(&mut st, key(KeyCode::Char('u')));
    update(
        &mut st,
        Msg::Helm(Box::new(HelmMsg::Planned {
            release: release.clone(),
            revision: 1,
            plan: Ok(plan(3)),
        })),
    );
    assert!(matches!(
        st.overlays.get::<HelmDialog>(),
        Some(HelmDialog::Rollback { .. })
    ));
    let effects = update(&mut st, key(KeyCode::Char('y')));
    let Some(Effect::Audited(audited)) = effects.first() else {
        panic!("the rollback passes the gate: {effects:?}")
    };
    assert_eq!(audited.records[0].verb, crate::model::audit::Verb::Rollback);
    assert_eq!(audited.records[0].object.name, "my-nginx");
    assert_eq!(audited.records[0].context, "kind-dev");
    assert_eq!(
        helm_effects(effects),
        vec![HelmEffect::Rollback(Box::new(plan(3)))]
    );

    // The release got revision 4 while a dialog planned at 3 was open: refused.
    st.overlays.open(HelmDialog::Rollback {
        plan: Box::new(plan(3)),
        typed: None,
    });
    let key_ = st.main_watch.key.unwrap();
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key: key_,
            event: WatchEvent::Upsert(Rows::HelmReleases(vec![rec("my-nginx", 4, "deployed")])),
        }),
    );
    assert!(helm_effects(update(&mut st, key(KeyCode::Char('y')))).is_empty());
    assert!(st.notice.as_ref().unwrap().text.contains("new revision"));
}

#[test]
fn uninstall_asks_naming_the_release_and_sends_its_latest_revision() {
    let mut st = helm_view(demo_records(), false);
    update(&mut st, key(KeyCode::Char('j')));
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        st.overlays.get::<HelmDialog>(),
        Some(&HelmDialog::Uninstall {
            release: ReleaseRef::new("default", "my-nginx"),
            latest: 3,
            typed: None,
        })
    );
    assert_eq!(
        helm_effects(update(&mut st, key(KeyCode::Char('y')))),
        vec![HelmEffect::Uninstall {
            release: ReleaseRef::new("default", "my-nginx"),
            latest: 3
        }]
    );
}

#[test]
fn in_a_protected_context_the_release_name_is_typed_to_uninstall() {
    let mut st = helm_view(demo_records(), false);
    st.cluster.protected = true;
    update(&mut st, key(KeyCode::Char('j')));
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    assert!(
        helm_effects(update(&mut st, key(KeyCode::Char('y')))).is_empty(),
        "the confirm key is a typed letter here"
    );
    assert!(st.overlays.is_open::<HelmDialog>());
    typed(&mut st, "nginx");
    assert!(helm_effects(update(&mut st, key(KeyCode::Enter))).is_empty());
    update(&mut st, key(KeyCode::Char('u')));
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut st, "my-nginx");
    assert_eq!(
        helm_effects(update(&mut st, key(KeyCode::Enter))),
        vec![HelmEffect::Uninstall {
            release: ReleaseRef::new("default", "my-nginx"),
            latest: 3
        }]
    );
}
