//! The rollout features through `update`: messages in, state and effects out.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::effect::{Effect, ResourceKind, Scope, WatchSlot};
use crate::keymap::Keymap;
use crate::model::rollout::diff::TemplateChange;
use crate::model::rollout::effects::{RolloutEffect, RolloutMsg, Target};
use crate::model::rollout::history::ReplicaSetRow;
use crate::model::rollout::plan::{Change, PatchBody, PlannedPatch, RollbackPlan};
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rollout::{Outcome, Workload};
use crate::model::rows::Rows;
use crate::msg::{KubeMsg, Level, Msg, WatchEvent};
use crate::state::rollouts::RolloutDialog;
use crate::state::{update, AppState, ClusterInfo, MainView};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn deployment(name: &str, paused: bool) -> WorkloadRow {
    let d: k8s_openapi::api::apps::v1::Deployment = serde_json::from_value(serde_json::json!({
        "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")},
        "spec": {"replicas": 2, "paused": paused, "selector": {}, "template": {}}
    }))
    .unwrap();
    WorkloadRow::from_deployment(&d)
}

fn rollout_effects(effects: &[Effect]) -> Vec<RolloutEffect> {
    effects
        .iter()
        .filter_map(|e| match e.clone().unaudited() {
            Effect::Rollout(r) => Some(*r),
            _ => None,
        })
        .collect()
}

/// A session in `default` showing the deployments view with `rows` listed.
fn deployments_view(rows: Vec<WorkloadRow>) -> AppState {
    let now = "2026-11-25T20:00:00Z".parse().unwrap();
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo::default(),
        Scope::Namespace("default".into()),
        now,
    );
    st.start();
    for c in ":deploy".chars() {
        update(&mut st, key(c));
    }
    let effects = update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert_eq!(st.view, MainView::Deployments);
    assert!(effects.iter().any(
        |e| matches!(e, Effect::Watch { target, .. } if target.kind == ResourceKind::Deployments)
    ));
    let main = st.main_watch.key.unwrap();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::Workloads(rows)),
        WatchEvent::Synced,
    ] {
        update(&mut st, Msg::Kube(KubeMsg { key: main, event }));
    }
    st.refresh();
    st
}

#[test]
fn h_opens_a_live_history_with_two_watches_and_esc_closes_it() {
    let mut st = deployments_view(vec![deployment("web", false)]);
    let effects = update(&mut st, key('h'));
    let kinds: Vec<ResourceKind> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Watch { target, .. } => Some(target.kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [ResourceKind::ReplicaSets, ResourceKind::Deployments]
    );
    assert!(st.rollout.history_focused());
    let rs_key = st.rollout.watch.key.unwrap();
    let rs = crate::model::rollout::history::ReplicaSetRow {
        namespace: "default".into(),
        name: "web-1".into(),
        owner_uid: Some("uid-web".into()),
        revision: Some(1),
        change_cause: None,
        images: vec!["nginx:1".into()],
        created: None,
        replicas: 2,
        ready: 2,
        template_key: st.workloads.selected_row().unwrap().template_key,
        former: Vec::new(),
    };
    update(
        &mut st,
        Msg::Kube(KubeMsg {
            key: rs_key,
            event: WatchEvent::Upsert(Rows::ReplicaSets(vec![rs])),
        }),
    );
    let pane = st.rollout.history.as_ref().unwrap();
    assert_eq!(pane.rows.len(), 1);
    assert!(pane.rows[0].current);
    let effects = update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(st.rollout.history.is_none());
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Unwatch(_)))
            .count(),
        2
    );
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::Unwatch(k) if k.slot == WatchSlot::Main)));
}

/// A planned rollback of `default/web` to revision 1.
fn web_plan() -> PlannedPatch {
    PlannedPatch {
        kind: Workload::Deployment,
        namespace: "default".into(),
        name: "web".into(),
        to_revision: 1,
        change_cause: Some("first".into()),
        images: vec!["nginx:1".into()],
        diff: Vec::new(),
        resource_version: "7".into(),
        body: PatchBody::Json(serde_json::json!([])),
    }
}

#[test]
fn in_a_protected_context_a_rollback_wants_the_name_typed() {
    let mut st = deployments_view(vec![deployment("web", false)]);
    st.cluster.protected = true;
    let target = Target {
        kind: Workload::Deployment,
        namespace: "default".into(),
        name: "web".into(),
    };
    update(&mut st, key('u'));
    let planned = RolloutMsg::Planned {
        target,
        revision: 0,
        plan: Ok(RollbackPlan::Patch(Box::new(web_plan()))),
    };
    update(&mut st, Msg::Rollout(Box::new(planned)));
    let enter = || Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    // `y` is a letter of the name here, not a yes.
    assert!(update(&mut st, key('y')).is_empty());
    assert!(
        update(&mut st, enter()).is_empty(),
        "wrong name: nothing sent"
    );
    assert!(st.overlays.is_open::<RolloutDialog>());
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
    );
    for c in "web".chars() {
        update(&mut st, key(c));
    }
    let effects = update(&mut st, enter());
    assert!(
        matches!(effects.as_slice(), [Effect::Audited(_)]),
        "{effects:?}"
    );
    assert_eq!(
        rollout_effects(&effects),
        [RolloutEffect::Rollback(Box::new(web_plan()))]
    );
    assert!(!st.overlays.is_open::<RolloutDialog>());
}

#[test]
fn rollback_is_planned_confirmed_with_y_and_reported() {
    let mut st = deployments_view(vec![deployment("web", false)]);
    let target = Target {
        kind: Workload::Deployment,
        namespace: "default".into(),
        name: "web".into(),
    };
    // `u` in the workloads view plans a rollback to the previous revision (0).
    let effects = rollout_effects(&update(&mut st, key('u')));
    assert_eq!(
        effects,
        [RolloutEffect::PlanRollback {
            target: target.clone(),
            revision: 0
        }]
    );
    let plan = web_plan();
    let planned = RolloutMsg::Planned {
        target: target.clone(),
        revision: 0,
        plan: Ok(RollbackPlan::Patch(Box::new(plan.clone()))),
    };
    update(&mut st, Msg::Rollout(Box::new(planned)));
    assert!(matches!(
        st.overlays.get::<RolloutDialog>(),
        Some(RolloutDialog::Rollback { .. })
    ));
    let effects = rollout_effects(&update(&mut st, key('y')));
    assert_eq!(effects, [RolloutEffect::Rollback(Box::new(plan))]);
    assert!(!st.overlays.is_open::<RolloutDialog>());
    let done = RolloutMsg::Done {
        target,
        outcome: Outcome::Conflict("deployment.apps/web changed since you looked".into()),
    };
    update(&mut st, Msg::Rollout(Box::new(done)));
    let notice = st.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Warning);
    assert!(notice.text.contains("changed since you looked"));
}

#[test]
fn anything_but_y_cancels_and_a_late_plan_is_ignored() {
    let mut st = deployments_view(vec![deployment("web", false)]);
    update(&mut st, key('u'));
    update(&mut st, key('n'));
    assert!(!st.overlays.is_open::<RolloutDialog>());
    let late = RolloutMsg::Planned {
        target: Target {
            kind: Workload::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        },
        revision: 0,
        plan: Ok(RollbackPlan::Skip("x".into())),
    };
    update(&mut st, Msg::Rollout(Box::new(late)));
    assert!(!st.overlays.is_open::<RolloutDialog>());
    // Pause asks first; `n` cancels without an effect, `y` sends it.
    update(&mut st, key('p'));
    assert!(matches!(
        st.overlays.get::<RolloutDialog>(),
        Some(RolloutDialog::Confirm {
            change: Change::Pause,
            ..
        })
    ));
    assert!(rollout_effects(&update(&mut st, key('n'))).is_empty());
    update(&mut st, key('p'));
    let effects = rollout_effects(&update(&mut st, key('y')));
    assert!(matches!(
        &effects[..],
        [RolloutEffect::Change {
            change: Change::Pause,
            ..
        }]
    ));
}

#[test]
fn readonly_refuses_every_change_with_a_message() {
    let mut st = deployments_view(vec![deployment("web", true)]);
    st.readonly = true;
    for c in ['u', 'r', 's', 'p'] {
        st.notice = None;
        let effects = update(&mut st, key(c));
        assert!(rollout_effects(&effects).is_empty(), "{c}");
        assert!(!st.overlays.is_open::<RolloutDialog>(), "{c}");
        let notice = st.notice.clone().unwrap();
        assert_eq!(notice.level, Level::Error);
        assert!(notice.text.contains("read-only"), "{}", notice.text);
    }
    // Looking is still allowed.
    let effects = update(&mut st, key('h'));
    assert!(effects.iter().any(|e| matches!(e, Effect::Watch { .. })));
}

fn replica_set(name: &str, revision: i64, template_key: u64) -> ReplicaSetRow {
    ReplicaSetRow {
        namespace: "default".into(),
        name: name.into(),
        owner_uid: Some("uid-web".into()),
        revision: Some(revision),
        change_cause: None,
        images: vec![format!("nginx:{revision}")],
        created: None,
        replicas: 0,
        ready: 0,
        template_key,
        former: Vec::new(),
    }
}

fn diff_answer(revision: i64, changes: Result<Vec<TemplateChange>, String>) -> Msg {
    Msg::Rollout(Box::new(RolloutMsg::Diff {
        target: Target {
            kind: Workload::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        },
        revision,
        changes,
    }))
}

#[test]
fn after_a_rollback_lands_the_open_diff_is_asked_for_again() {
    // web is at revision 2 (template 20); revision 1 (template 10) is selected and diffed.
    let web = WorkloadRow {
        template_key: 20,
        ..deployment("web", false)
    };
    let mut st = deployments_view(vec![web.clone()]);
    update(&mut st, key('h'));
    let rs_key = st.rollout.watch.key.unwrap();
    let owner_key = st.rollout.owner_watch.key.unwrap();
    for event in [
        WatchEvent::Reset,
        WatchEvent::Upsert(Rows::ReplicaSets(vec![
            replica_set("web-a", 1, 10),
            replica_set("web-b", 2, 20),
        ])),
        WatchEvent::Synced,
    ] {
        let effects = update(&mut st, Msg::Kube(KubeMsg { key: rs_key, event }));
        assert!(rollout_effects(&effects).is_empty());
    }
    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)),
    );
    let effects = rollout_effects(&update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    ));
    assert!(matches!(
        &effects[..],
        [RolloutEffect::Diff { revision: 1, .. }]
    ));
    update(
        &mut st,
        diff_answer(1, Err("image nginx:1 → nginx:2".into())),
    );
    let pane = st.rollout.history.as_ref().unwrap();
    assert!(pane.diff.as_ref().unwrap().lines.is_some());

    // The rollback to 1 lands: web's template is web-a's again, then web-a becomes revision 3.
    let owner = Msg::Kube(KubeMsg {
        key: owner_key,
        event: WatchEvent::Upsert(Rows::Workloads(vec![WorkloadRow {
            template_key: 10,
            ..web
        }])),
    });
    let effects = rollout_effects(&update(&mut st, owner));
    assert!(matches!(
        &effects[..],
        [RolloutEffect::Diff { revision: 1, .. }]
    ));
    let renumbered = Msg::Kube(KubeMsg {
        key: rs_key,
        event: WatchEvent::Upsert(Rows::ReplicaSets(vec![replica_set("web-a", 3, 10)])),
    });
    let effects = rollout_effects(&update(&mut st, renumbered));
    assert!(matches!(
        &effects[..],
        [RolloutEffect::Diff { revision: 3, .. }]
    ));
    let diff = st.rollout.history.as_ref().unwrap().diff.clone().unwrap();
    assert_eq!(
        (diff.revision, diff.lines),
        (3, None),
        "the old comparison is gone"
    );
    // A late answer for the old numbering is ignored; the new one is shown.
    update(&mut st, diff_answer(1, Err("stale".into())));
    assert_eq!(
        st.rollout
            .history
            .as_ref()
            .unwrap()
            .diff
            .as_ref()
            .unwrap()
            .lines,
        None
    );
    update(&mut st, diff_answer(3, Ok(Vec::new())));
    let diff = st.rollout.history.as_ref().unwrap().diff.clone().unwrap();
    assert_eq!(diff.lines, Some(Ok(Vec::new())));
    // Nothing moved: no new request. Its ReplicaSet deleted: the diff closes.
    let same = Msg::Kube(KubeMsg {
        key: rs_key,
        event: WatchEvent::Upsert(Rows::ReplicaSets(vec![replica_set("web-b", 2, 20)])),
    });
    assert!(rollout_effects(&update(&mut st, same)).is_empty());
    let gone = Msg::Kube(KubeMsg {
        key: rs_key,
        event: WatchEvent::Remove(vec![crate::model::rows::RowKey::namespaced(
            "default", "web-a",
        )]),
    });
    update(&mut st, gone);
    assert!(st.rollout.history.as_ref().unwrap().diff.is_none());
}

#[test]
fn a_restart_waits_for_may_i_then_asks_its_question() {
    use crate::model::access::AccessAnswer;
    let mut st = deployments_view(vec![deployment("web", false)]);
    st.access.enable();
    let now = st.now;
    let asked: Vec<_> = update(&mut st, Msg::Tick(now))
        .into_iter()
        .filter_map(|e| match e {
            Effect::ReviewAccess(q) => Some(q),
            _ => None,
        })
        .collect();
    let patch = asked.iter().find(|q| q.verb == "patch").cloned().unwrap();
    assert_eq!(patch.to_string(), "patch deployments.apps in default");
    update(&mut st, key('g'));
    update(&mut st, key('g'));
    update(&mut st, key('r'));
    assert!(!st.overlays.is_open::<RolloutDialog>());
    for q in asked {
        update(
            &mut st,
            Msg::Access {
                query: q,
                answer: AccessAnswer::Allowed,
            },
        );
    }
    assert!(
        matches!(
            st.overlays.get::<RolloutDialog>(),
            Some(RolloutDialog::Confirm { .. })
        ),
        "{:?}",
        st.notice
    );
}
