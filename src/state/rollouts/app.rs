//! The rollout features in the app: keys and actions of the workload views and the history
//! pane, the history watches, the dialogs, and the answers of rollout effects.

use crate::action::Action;
use crate::effect::{Effect, ResourceKind, Scope, WatchSlot, WatchTarget};
use crate::keymap::{Ctx, KeyChord};
use crate::model::rollout::effects::{RolloutEffect, RolloutMsg, Target};
use crate::model::rollout::plan::{Change, RollbackPlan};
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rollout::{Outcome, Workload};
use crate::model::rows::Rows;
use crate::msg::{Notice, WatchEvent};
use crate::state::typed_confirm::TypedName;
use crate::state::workloads::WorkloadColumn;
use crate::state::{AppState, Awaiting, Pane, Phase, WatchStatus};

use super::{
    can_pause, dialog_answer, scale_action, scale_char, target_of, HistoryPane, RolloutDialog,
};

/// The key context when the history pane has the keyboard.
pub fn key_ctx(st: &AppState) -> Option<Ctx> {
    st.rollout.history_focused().then_some(Ctx::History)
}

/// A key while a rollout dialog is open: the dialog gets every key.
pub fn on_dialog_key(st: &mut AppState, key: KeyChord) -> Vec<Effect> {
    let yes = st.keymap.confirms(key);
    answer(st, yes)
}

/// The answer to the dialog on top (a key, or the typed name in a protected context).
pub fn answer(st: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(dialog) = st.overlays.close::<RolloutDialog>() else {
        return Vec::new();
    };
    let (next, effect) = dialog_answer(dialog, yes, st.now);
    if let Some(dialog) = next {
        st.overlays.open(dialog);
    }
    match effect {
        Some(e) => vec![Effect::Rollout(Box::new(e))],
        None => {
            if !st.overlays.is_open::<RolloutDialog>() {
                st.notify(Notice::info("cancelled"));
            }
            Vec::new()
        }
    }
}

/// A character typed into the scale dialog.
pub fn on_scale_char(st: &mut AppState, c: char) -> Vec<Effect> {
    if let Some(dialog) = st.overlays.get_mut::<RolloutDialog>() {
        scale_char(dialog, c);
    }
    Vec::new()
}

/// The scale dialog's keys, resolved through the prompt's bindings.
pub fn on_scale_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        st.quit = true;
        return Vec::new();
    }
    let Some(dialog) = st.overlays.close::<RolloutDialog>() else {
        return Vec::new();
    };
    match scale_action(dialog, action) {
        Some(dialog) => st.overlays.open(dialog),
        None => st.notify(Notice::info("cancelled")),
    }
    Vec::new()
}

/// Actions for the history pane and the workload views; `None` leaves the action to the
/// general handling.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if st.rollout.history.is_some() {
        if matches!(action, Action::FocusNext | Action::FocusPrev) {
            st.rollout.focused = !st.rollout.focused;
            if !st.rollout.focused {
                st.focus = Pane::Main;
            }
            return Some(Vec::new());
        }
        if st.rollout.focused {
            if let Some(effects) = on_history_action(st, action) {
                return Some(effects);
            }
        }
    }
    if st.focus != Pane::Main {
        return None;
    }
    match st.view.workload() {
        Some(_) => on_workload_action(st, action),
        None if action == Action::History => {
            let pod = st.pods.selected_row()?;
            let effect = RolloutEffect::PodOwner {
                namespace: pod.namespace.to_string(),
                pod: pod.name.to_string(),
            };
            st.awaiting = Some(Awaiting::PodOwner {
                namespace: pod.namespace.to_string(),
                pod: pod.name.to_string(),
            });
            Some(vec![Effect::Rollout(Box::new(effect))])
        }
        None => None,
    }
}

fn on_history_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let pane = st.rollout.history.as_mut()?;
    match action {
        Action::Up | Action::Down | Action::PageUp | Action::PageDown if pane.diff.is_some() => {
            if let Some(diff) = pane.diff.as_mut() {
                let step: isize = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -10,
                    _ => 10,
                };
                diff.scroll = diff.scroll.saturating_add_signed(step);
            }
        }
        Action::Up => pane.move_by(-1),
        Action::Down => pane.move_by(1),
        Action::PageUp => pane.move_by(-10),
        Action::PageDown => pane.move_by(10),
        Action::Top => pane.top(),
        Action::Bottom => pane.bottom(),
        Action::Select => {
            if pane.diff.is_some() {
                pane.diff = None;
                return Some(Vec::new());
            }
            let effect = pane.open_diff()?;
            return Some(vec![Effect::Rollout(Box::new(effect))]);
        }
        Action::Back => {
            if pane.diff.take().is_none() {
                return Some(close_history(st));
            }
        }
        Action::History => return Some(close_history(st)),
        Action::Rollback => {
            let revision = pane.selected_row()?.revision;
            let target = pane.target();
            return Some(plan_rollback(st, target, revision));
        }
        Action::Restart | Action::Scale | Action::TogglePause => {
            let owner = pane.owner.clone();
            return Some(ask_change(st, &owner, action));
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn on_workload_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if let Some(column) = WorkloadColumn::from_sort_action(action) {
        st.workloads.toggle_sort(column, false);
        return Some(Vec::new());
    }
    if !matches!(
        action,
        Action::History | Action::Rollback | Action::Restart | Action::Scale | Action::TogglePause
    ) {
        return None;
    }
    let Some(row) = st.workloads.selected_row().cloned() else {
        st.notify(Notice::warning("nothing selected"));
        return Some(Vec::new());
    };
    Some(match action {
        Action::History => open_history(st, row),
        // Like `kubectl rollout undo` without --to-revision: the previous revision.
        Action::Rollback => plan_rollback(st, target_of(&row), 0),
        other => ask_change(st, &row, other),
    })
}

fn plan_rollback(st: &mut AppState, target: Target, revision: i64) -> Vec<Effect> {
    if st.refused_readonly("rollback") {
        return Vec::new();
    }
    st.overlays.open(RolloutDialog::Planning {
        target: target.clone(),
        revision,
    });
    vec![Effect::Rollout(Box::new(RolloutEffect::PlanRollback {
        target,
        revision,
    }))]
}

fn ask_change(st: &mut AppState, row: &WorkloadRow, action: Action) -> Vec<Effect> {
    let target = target_of(row);
    let (what, change) = match action {
        Action::Restart => ("restart", Change::Restart { at: st.now }),
        Action::Scale => (
            "scale",
            Change::Scale {
                replicas: row.desired,
                seen: Some(row.desired),
            },
        ),
        _ if !can_pause(row.kind) => {
            st.notify(Notice::error(format!(
                "{} cannot be paused; only Deployments can",
                target.label()
            )));
            return Vec::new();
        }
        _ if row.paused => ("resume", Change::Resume),
        _ => ("pause", Change::Pause),
    };
    if st.refused_readonly(what) {
        return Vec::new();
    }
    st.overlays.open(match change {
        Change::Scale { .. } if row.kind == Workload::DaemonSet => {
            st.notify(Notice::error(format!(
                "{} cannot be scaled: one pod per node",
                target.label()
            )));
            return Vec::new();
        }
        Change::Scale { .. } => RolloutDialog::Scale {
            target,
            seen: row.desired,
            input: String::new(),
            uid: row.uid.to_string(),
        },
        change => RolloutDialog::Confirm {
            target,
            change,
            uid: row.uid.to_string(),
        },
    });
    Vec::new()
}

fn idle(key: Option<crate::effect::WatchKey>) -> WatchStatus {
    WatchStatus {
        key,
        phase: Phase::Loading,
        error: None,
        polling: None,
    }
}

/// Opens the history pane for `owner`: watches its ReplicaSets or ControllerRevisions and
/// its kind in its namespace; the pane takes the keyboard.
pub fn open_history(st: &mut AppState, owner: WorkloadRow) -> Vec<Effect> {
    let mut effects = stop_watches(st);
    let scope = Scope::Namespace(owner.namespace.clone());
    let (history_kind, owner_kind) = match owner.kind {
        Workload::Deployment => (ResourceKind::ReplicaSets, ResourceKind::Deployments),
        Workload::StatefulSet => (
            ResourceKind::ControllerRevisions,
            ResourceKind::StatefulSets,
        ),
        Workload::DaemonSet => (ResourceKind::ControllerRevisions, ResourceKind::DaemonSets),
    };
    let key = st.next_key(WatchSlot::History);
    let owner_key = st.next_key(WatchSlot::HistoryOwner);
    st.rollout.watch = idle(Some(key));
    st.rollout.owner_watch = idle(Some(owner_key));
    st.rollout.history = Some(HistoryPane::new(owner));
    st.rollout.focused = true;
    effects.push(Effect::Watch {
        key,
        target: WatchTarget {
            kind: history_kind,
            scope: scope.clone(),
            selector: Default::default(),
        },
    });
    effects.push(Effect::Watch {
        key: owner_key,
        target: WatchTarget {
            kind: owner_kind,
            scope,
            selector: Default::default(),
        },
    });
    effects
}

fn stop_watches(st: &mut AppState) -> Vec<Effect> {
    [
        st.rollout.watch.key.take(),
        st.rollout.owner_watch.key.take(),
    ]
    .into_iter()
    .flatten()
    .map(Effect::Unwatch)
    .collect()
}

pub fn close_history(st: &mut AppState) -> Vec<Effect> {
    st.rollout.history = None;
    st.rollout.focused = false;
    stop_watches(st)
}

/// Events of the history watches (their staleness already checked by the caller).
pub fn on_watch(st: &mut AppState, slot: WatchSlot, event: WatchEvent) {
    let Some(pane) = st.rollout.history.as_mut() else {
        return;
    };
    match (slot, event) {
        (WatchSlot::History, WatchEvent::Reset) => pane.reset(),
        (WatchSlot::History, WatchEvent::Synced) => pane.synced = true,
        (WatchSlot::History, WatchEvent::Upsert(Rows::ReplicaSets(rows))) => {
            pane.upsert_replica_sets(rows)
        }
        (WatchSlot::History, WatchEvent::Upsert(Rows::Revisions(rows))) => {
            pane.upsert_revisions(rows)
        }
        (WatchSlot::History, WatchEvent::Remove(keys)) => {
            let names: Vec<&str> = keys.iter().map(|k| &*k.name).collect();
            pane.remove(&names);
        }
        (WatchSlot::HistoryOwner, WatchEvent::Upsert(Rows::Workloads(rows))) => {
            for row in rows {
                pane.set_owner(row);
            }
        }
        (WatchSlot::HistoryOwner, WatchEvent::Remove(keys))
            if keys.iter().any(|k| *k.name == *pane.owner.name) =>
        {
            pane.error = Some(format!("{} was deleted", pane.target().label()));
        }
        _ => {}
    }
}

/// After a history watch event: an open diff the change made stale (a rollback renumbered
/// its revision or changed the current template) is asked for again, or closed when its
/// revision is gone.
pub fn refresh_diff(st: &mut AppState) -> Vec<Effect> {
    st.rollout
        .history
        .as_mut()
        .and_then(HistoryPane::refresh_diff)
        .map(|e| Effect::Rollout(Box::new(e)))
        .into_iter()
        .collect()
}

/// The answers of rollout effects.
pub fn on_msg(st: &mut AppState, msg: RolloutMsg) -> Vec<Effect> {
    st.dirty = true;
    match msg {
        RolloutMsg::Planned {
            target,
            revision,
            plan,
        } => {
            let waiting = matches!(st.overlays.get::<RolloutDialog>(),
                Some(RolloutDialog::Planning { target: t, revision: r }) if *t == target && *r == revision);
            if !waiting {
                return Vec::new(); // cancelled meanwhile
            }
            st.overlays.close::<RolloutDialog>();
            match plan {
                Ok(RollbackPlan::Patch(plan)) => st.overlays.open(RolloutDialog::Rollback {
                    typed: TypedName::when(st.cluster.protected, &plan.name),
                    plan,
                }),
                Ok(RollbackPlan::Skip(msg)) => {
                    st.notify(Notice::info(format!("{}: {msg}", target.label())))
                }
                Ok(RollbackPlan::Refuse(msg)) => {
                    st.notify(Notice::error(format!("{}: {msg}", target.label())))
                }
                Err(outcome) => report(st, &target, &outcome),
            }
        }
        RolloutMsg::Diff {
            target,
            revision,
            changes,
        } => {
            if let Some(pane) = st.rollout.history.as_mut() {
                if pane.target() == target {
                    if let Some(diff) = pane.diff.as_mut().filter(|d| d.revision == revision) {
                        diff.lines = Some(changes.map(|c| c.iter().map(|l| l.line()).collect()));
                    }
                }
            }
        }
        RolloutMsg::Done { target, outcome } => report(st, &target, &outcome),
        RolloutMsg::Owner { pod, owner } => {
            // Asked in a view the user has left: the history would open in the wrong one.
            if !matches!(&st.awaiting, Some(Awaiting::PodOwner { pod: p, .. }) if *p == pod) {
                return Vec::new();
            }
            st.awaiting = None;
            return on_owner(st, pod, owner);
        }
    }
    Vec::new()
}

fn on_owner(st: &mut AppState, pod: String, owner: Result<WorkloadRow, String>) -> Vec<Effect> {
    match owner {
        Ok(row) => open_history(st, row),
        Err(e) => {
            st.notify(Notice::error(format!(
                "no rollout history for pod {pod}: {e}"
            )));
            Vec::new()
        }
    }
}

fn report(st: &mut AppState, target: &Target, outcome: &Outcome) {
    let text = outcome.message().to_string();
    let notice = match outcome {
        Outcome::RolledBack { .. } | Outcome::Done(_) => Notice::info(text),
        Outcome::Skipped(_) => Notice::info(format!("{}: {text}", target.label())),
        Outcome::Conflict(_) => Notice::warning(text),
        Outcome::Refused(_) | Outcome::Error(_) => {
            Notice::error(format!("{}: {text}", target.label()))
        }
    };
    st.notify(notice);
}
