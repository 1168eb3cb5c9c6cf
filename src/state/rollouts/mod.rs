//! The rollout history pane and the rollout dialogs: pure state, fed by a watch of the
//! owner's ReplicaSets (Deployments) or ControllerRevisions (StatefulSets, DaemonSets), and a
//! watch of the owner's kind in its namespace (its status and current template).
//! [`app`] connects them to `AppState`, keys and effects.

pub mod app;
#[cfg(test)]
mod app_tests;

use std::collections::HashMap;

use crate::action::Action;
use jiff::Timestamp;

use crate::model::rollout::effects::{RolloutEffect, Target};
use crate::model::rollout::history::{history_from_rows, ReplicaSetRow, RevisionRow};
use crate::model::rollout::plan::{Change, PlannedPatch};
use crate::model::rollout::rows::{history_from_revision_rows, RevisionDataRow, WorkloadRow};
use crate::model::rollout::Workload;

/// Where a history comes from.
#[derive(Debug, Clone, Default)]
enum Source {
    #[default]
    Empty,
    ReplicaSets(HashMap<String, ReplicaSetRow>),
    Revisions(HashMap<String, RevisionDataRow>),
}

/// The diff of one revision against the current template (Enter on a revision).
#[derive(Debug, Clone, PartialEq)]
pub struct DiffPanel {
    pub revision: i64,
    /// The ReplicaSet / ControllerRevision behind `revision`, and the owner's template key
    /// the diff was asked against: when either moves (a rollback renumbers the revision and
    /// changes the template) the diff is asked for again.
    pub source: String,
    pub against: u64,
    /// `None` while loading.
    pub lines: Option<Result<Vec<String>, String>>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub struct HistoryPane {
    pub owner: WorkloadRow,
    source: Source,
    /// Newest first.
    pub rows: Vec<RevisionRow>,
    pub selected: usize,
    pub offset: usize,
    /// The watch has listed once.
    pub synced: bool,
    pub error: Option<String>,
    pub diff: Option<DiffPanel>,
}

impl HistoryPane {
    pub fn new(owner: WorkloadRow) -> HistoryPane {
        HistoryPane {
            owner,
            source: Source::Empty,
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            synced: false,
            error: None,
            diff: None,
        }
    }

    pub fn target(&self) -> Target {
        Target {
            kind: self.owner.kind,
            namespace: self.owner.namespace.to_string(),
            name: self.owner.name.to_string(),
        }
    }

    /// A relist starts: rows not seen again before `synced` are gone.
    pub fn reset(&mut self) {
        self.source = Source::Empty;
        self.synced = false;
        self.recompute();
    }

    pub fn upsert_replica_sets(&mut self, rows: Vec<ReplicaSetRow>) {
        if !matches!(self.source, Source::ReplicaSets(_)) {
            self.source = Source::ReplicaSets(HashMap::new());
        }
        if let Source::ReplicaSets(map) = &mut self.source {
            for row in rows {
                map.insert(row.name.clone(), row);
            }
        }
        self.recompute();
    }

    pub fn upsert_revisions(&mut self, rows: Vec<RevisionDataRow>) {
        if !matches!(self.source, Source::Revisions(_)) {
            self.source = Source::Revisions(HashMap::new());
        }
        if let Source::Revisions(map) = &mut self.source {
            for row in rows {
                map.insert(row.name.to_string(), row);
            }
        }
        self.recompute();
    }

    pub fn remove(&mut self, names: &[&str]) {
        match &mut self.source {
            Source::ReplicaSets(map) => names.iter().for_each(|n| {
                map.remove(*n);
            }),
            Source::Revisions(map) => names.iter().for_each(|n| {
                map.remove(*n);
            }),
            Source::Empty => {}
        }
        self.recompute();
    }

    /// The owner changed (new template, status): the current mark and status line follow.
    pub fn set_owner(&mut self, owner: WorkloadRow) {
        if owner.kind == self.owner.kind
            && owner.namespace == self.owner.namespace
            && owner.name == self.owner.name
        {
            self.owner = owner;
            self.recompute();
        }
    }

    fn recompute(&mut self) {
        // Keep the selection on the same ReplicaSet/ControllerRevision across renumbering.
        let selected_source = self.rows.get(self.selected).map(|r| r.source.clone());
        self.rows = match &self.source {
            Source::Empty => Vec::new(),
            Source::ReplicaSets(map) => {
                let rows: Vec<ReplicaSetRow> = map.values().cloned().collect();
                history_from_rows(&self.owner.uid, self.owner.template_key, &rows)
            }
            Source::Revisions(map) => {
                let rows: Vec<RevisionDataRow> = map.values().cloned().collect();
                history_from_revision_rows(&self.owner, &rows)
            }
        };
        if let Some(source) = selected_source {
            if let Some(i) = self.rows.iter().position(|r| r.source == source) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Opens the diff of the selected revision against the current template; the effect
    /// asks the cluster for it.
    pub fn open_diff(&mut self) -> Option<RolloutEffect> {
        let row = self.selected_row()?;
        let (revision, source) = (row.revision, row.source.clone());
        self.diff = Some(DiffPanel {
            revision,
            source,
            against: self.owner.template_key,
            lines: None,
            scroll: 0,
        });
        Some(RolloutEffect::Diff {
            target: self.target(),
            revision,
        })
    }

    /// After the history or the owner changed: the open diff is asked for again when what
    /// it compares moved (its revision renumbered, the current template changed, as after
    /// a rollback), and closed when its revision is gone. Waits while a relist is under way.
    pub fn refresh_diff(&mut self) -> Option<RolloutEffect> {
        let diff = self.diff.as_ref()?;
        if !self.synced {
            return None;
        }
        let Some(row) = self.rows.iter().find(|r| r.source == diff.source) else {
            self.diff = None;
            return None;
        };
        if row.revision == diff.revision && self.owner.template_key == diff.against {
            return None;
        }
        let revision = row.revision;
        let scroll = diff.scroll;
        self.diff = Some(DiffPanel {
            revision,
            source: row.source.clone(),
            against: self.owner.template_key,
            lines: None,
            scroll,
        });
        Some(RolloutEffect::Diff {
            target: self.target(),
            revision,
        })
    }

    pub fn selected_row(&self) -> Option<&RevisionRow> {
        self.rows.get(self.selected)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.rows.len().saturating_sub(1);
    }

    /// Keeps the selection inside a viewport of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        if height == 0 {
            return;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }

    /// The rollout status line, when there is something to say (in progress, failed, paused).
    pub fn status_line(&self) -> Option<&str> {
        (self.owner.progressing || self.owner.failed || self.owner.paused)
            .then_some(&*self.owner.status)
    }
}

/// The rollout parts of the app state.
#[derive(Debug, Clone)]
pub struct RolloutState {
    pub history: Option<HistoryPane>,
    /// The pane has the keyboard (Tab gives it back to the main table).
    pub focused: bool,
    /// The ReplicaSet / ControllerRevision watch behind the pane.
    pub watch: super::WatchStatus,
    /// The watch of the owner's kind in its namespace.
    pub owner_watch: super::WatchStatus,
}

impl Default for RolloutState {
    fn default() -> Self {
        let idle = super::WatchStatus {
            key: None,
            phase: super::Phase::Loading,
            error: None,
            polling: None,
        };
        RolloutState {
            history: None,
            focused: false,
            watch: idle.clone(),
            owner_watch: idle,
        }
    }
}

impl RolloutState {
    pub fn history_focused(&self) -> bool {
        self.focused && self.history.is_some()
    }
}

/// A question on top of everything: confirm a rollback, a restart …, or type a scale.
#[derive(Debug, Clone, PartialEq)]
pub enum RolloutDialog {
    /// Waiting for the plan of a rollback (the cluster is being looked at).
    Planning { target: Target, revision: i64 },
    /// Confirm this rollback: revision, change-cause, diff; `y` sends it (in a protected
    /// context: the workload's name, typed).
    Rollback {
        plan: Box<PlannedPatch>,
        typed: Option<crate::state::typed_confirm::TypedName>,
    },
    /// Confirm a restart, pause or resume of the object with `uid`.
    Confirm {
        target: Target,
        change: Change,
        uid: String,
    },
    /// Type the replica count; Enter asks for confirmation.
    Scale {
        target: Target,
        seen: i32,
        input: String,
        uid: String,
    },
}

impl RolloutDialog {
    /// The workload the dialog is about.
    pub fn target(&self) -> Target {
        match self {
            RolloutDialog::Planning { target, .. }
            | RolloutDialog::Confirm { target, .. }
            | RolloutDialog::Scale { target, .. } => target.clone(),
            RolloutDialog::Rollback { plan, .. } => Target {
                kind: plan.kind,
                namespace: plan.namespace.clone(),
                name: plan.name.clone(),
            },
        }
    }

    /// The question for a [`RolloutDialog::Confirm`].
    pub fn question(target: &Target, change: &Change) -> String {
        let what = match change {
            Change::Restart { .. } => "Restart",
            Change::Pause => "Pause",
            Change::Resume => "Resume",
            Change::Scale { replicas, .. } => {
                return format!("Scale {} to {replicas}?", target.label())
            }
        };
        format!("{what} {}?", target.label())
    }
}

/// The answer to a question (rollback, restart, pause, resume, scale confirmation): `yes`
/// when the key was the key table's confirm key. Returns the dialog that stays open (if
/// any) and the effect.
pub fn dialog_answer(
    dialog: RolloutDialog,
    yes: bool,
    now: Timestamp,
) -> (Option<RolloutDialog>, Option<RolloutEffect>) {
    match dialog {
        RolloutDialog::Planning { .. } => {
            // Any key cancels; a late plan is then ignored.
            (None, None)
        }
        RolloutDialog::Rollback { plan, .. } => {
            (None, yes.then_some(RolloutEffect::Rollback(plan)))
        }
        RolloutDialog::Confirm {
            target,
            change,
            uid,
        } => {
            let change = match change {
                Change::Restart { .. } => Change::Restart { at: now },
                other => other,
            };
            (
                None,
                yes.then_some(RolloutEffect::Change {
                    target,
                    change,
                    uid,
                }),
            )
        }
        // The scale dialog takes its keys through `scale_char` and `scale_action`.
        scale @ RolloutDialog::Scale { .. } => (Some(scale), None),
    }
}

/// A digit typed into the scale dialog; other characters are ignored.
pub fn scale_char(dialog: &mut RolloutDialog, c: char) {
    if let RolloutDialog::Scale { input, .. } = dialog {
        if c.is_ascii_digit() && input.len() < 6 {
            input.push(c);
        }
    }
}

/// The scale dialog's actions, from the prompt's keys: submit asks for confirmation of the
/// typed count, delete-back and clear-line edit it, cancel closes the dialog (`None`).
pub fn scale_action(dialog: RolloutDialog, action: Action) -> Option<RolloutDialog> {
    let RolloutDialog::Scale {
        target,
        seen,
        mut input,
        uid,
    } = dialog
    else {
        return Some(dialog);
    };
    match action {
        Action::Submit => {
            if let Ok(replicas) = input.parse::<i32>() {
                let change = Change::Scale {
                    replicas,
                    seen: Some(seen),
                };
                return Some(RolloutDialog::Confirm {
                    target,
                    change,
                    uid,
                });
            }
        }
        Action::DeleteBack => {
            input.pop();
        }
        Action::ClearLine => input.clear(),
        Action::Cancel | Action::Back => return None,
        _ => {}
    }
    Some(RolloutDialog::Scale {
        target,
        seen,
        input,
        uid,
    })
}

/// The target of a row in a workload view.
pub fn target_of(row: &WorkloadRow) -> Target {
    Target {
        kind: row.kind,
        namespace: row.namespace.to_string(),
        name: row.name.to_string(),
    }
}

/// Whether a workload kind has a pause switch (only Deployments).
pub fn can_pause(kind: Workload) -> bool {
    kind == Workload::Deployment
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn owner(key: u64) -> WorkloadRow {
        let d: k8s_openapi::api::apps::v1::Deployment = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
            "spec": {"selector": {}, "template": {}}
        }))
        .unwrap();
        WorkloadRow {
            template_key: key,
            ..WorkloadRow::from_deployment(&d)
        }
    }

    fn rs(name: &str, revision: i64, key: u64, cause: Option<&str>) -> ReplicaSetRow {
        ReplicaSetRow {
            namespace: "default".into(),
            name: name.into(),
            owner_uid: Some("u1".into()),
            revision: Some(revision),
            change_cause: cause.map(str::to_string),
            images: vec![format!("img:{revision}")],
            created: None,
            replicas: 0,
            ready: 0,
            template_key: key,
            former: Vec::new(),
        }
    }

    #[test]
    fn history_is_live_and_selection_follows_the_replica_set_when_renumbered() {
        let mut pane = HistoryPane::new(owner(3));
        pane.upsert_replica_sets(vec![
            rs("a", 1, 1, Some("one")),
            rs("b", 2, 2, None),
            rs("c", 3, 3, None),
        ]);
        let revs: Vec<(i64, bool)> = pane.rows.iter().map(|r| (r.revision, r.current)).collect();
        assert_eq!(revs, vec![(3, true), (2, false), (1, false)]);
        pane.bottom();
        assert_eq!(pane.selected_row().unwrap().source, "a");
        // Rollback to 1: the Deployment's template is a's again and a becomes revision 4.
        pane.set_owner(owner(1));
        pane.upsert_replica_sets(vec![rs("a", 4, 1, Some("one"))]);
        let revs: Vec<(i64, bool)> = pane.rows.iter().map(|r| (r.revision, r.current)).collect();
        assert_eq!(revs, vec![(4, true), (3, false), (2, false)]);
        assert_eq!(
            pane.selected_row().unwrap().source,
            "a",
            "selection stays on the same RS"
        );
        pane.remove(&["a"]);
        assert_eq!(pane.rows.len(), 2);
        assert!(pane.selected < 2);
    }

    #[test]
    fn dialogs_act_on_the_confirm_key_and_scale_takes_prompt_keys() {
        let target = Target {
            kind: Workload::Deployment,
            namespace: "default".into(),
            name: "web".into(),
        };
        let now: Timestamp = "2026-11-25T20:00:00Z".parse().unwrap();
        let confirm = RolloutDialog::Confirm {
            target: target.clone(),
            change: Change::Pause,
            uid: "u1".into(),
        };
        assert_eq!(dialog_answer(confirm.clone(), false, now), (None, None));
        assert_eq!(
            dialog_answer(confirm, true, now),
            (
                None,
                Some(RolloutEffect::Change {
                    target: target.clone(),
                    change: Change::Pause,
                    uid: "u1".into(),
                })
            )
        );
        let mut scale = RolloutDialog::Scale {
            target: target.clone(),
            seen: 2,
            input: String::new(),
            uid: "u1".into(),
        };
        for c in ['1', 'x', '2', '3'] {
            scale_char(&mut scale, c);
        }
        scale = scale_action(scale, Action::DeleteBack).unwrap();
        assert!(
            scale_action(scale.clone(), Action::Cancel).is_none(),
            "esc closes"
        );
        let next = scale_action(scale, Action::Submit);
        let change = Change::Scale {
            replicas: 12,
            seen: Some(2),
        };
        assert_eq!(
            next,
            Some(RolloutDialog::Confirm {
                target: target.clone(),
                change: change.clone(),
                uid: "u1".into(),
            })
        );
        assert_eq!(
            dialog_answer(next.unwrap(), true, now).1,
            Some(RolloutEffect::Change {
                target,
                change,
                uid: "u1".into()
            })
        );
    }
}
