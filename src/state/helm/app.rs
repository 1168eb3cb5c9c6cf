//! The Helm view in the app: its keys (history, texts, rollback, uninstall), its dialogs,
//! and the answers of Helm effects.

use crate::action::Action;
use crate::effect::Effect;
use crate::keymap::{Ctx, KeyChord};
use crate::model::helm::effects::{HelmEffect, HelmMsg, Part, RollbackPlan};
use crate::model::helm::ReleaseRef;
use crate::msg::Notice;
use crate::state::objects::TextView;
use crate::state::typed_confirm::TypedName;
use crate::state::{AppState, MainView, Pane};

/// A question about a release, on top of everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmDialog {
    /// Waiting for what a rollback to `revision` would change.
    Planning { release: ReleaseRef, revision: i64 },
    /// Confirm this rollback (its manifest diff shown); in a protected context the
    /// release's name is typed.
    Rollback {
        plan: Box<RollbackPlan>,
        typed: Option<TypedName>,
    },
    /// Confirm uninstalling the release whose latest revision is `latest`.
    Uninstall {
        release: ReleaseRef,
        latest: i64,
        typed: Option<TypedName>,
    },
}

impl HelmDialog {
    pub fn typed(&self) -> Option<&TypedName> {
        match self {
            HelmDialog::Planning { .. } => None,
            HelmDialog::Rollback { typed, .. } | HelmDialog::Uninstall { typed, .. } => {
                typed.as_ref()
            }
        }
    }

    pub fn typed_mut(&mut self) -> Option<&mut TypedName> {
        match self {
            HelmDialog::Planning { .. } => None,
            HelmDialog::Rollback { typed, .. } | HelmDialog::Uninstall { typed, .. } => {
                typed.as_mut()
            }
        }
    }
}

fn helm(effect: HelmEffect) -> Vec<Effect> {
    vec![Effect::Helm(Box::new(effect))]
}

/// The history's own keys when it is shown.
pub fn key_ctx(st: &AppState) -> Option<Ctx> {
    (st.view == MainView::Helm && st.focus == Pane::Main && st.helm.history().is_some())
        .then_some(Ctx::Revisions)
}

/// The Helm view's actions; `None` leaves the action to the general handling.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if st.view != MainView::Helm || st.focus != Pane::Main || st.forwards_open {
        return None;
    }
    let in_history = st.helm.history().is_some();
    let part = match action {
        Action::Values => Part::Values,
        Action::AllValues => Part::AllValues,
        Action::Manifest => Part::Manifest,
        Action::Notes => Part::Notes,
        Action::Hooks => Part::Hooks,
        Action::Select if in_history => Part::Diff,
        Action::History if !in_history => {
            // Nothing selected: nothing to open (and no other view's `h` either).
            if let Some(row) = selected(st) {
                st.helm.open_history(row.release());
            }
            return Some(Vec::new());
        }
        Action::Back | Action::History if in_history => {
            st.helm.close_history();
            return Some(Vec::new());
        }
        Action::Rollback if in_history => return Some(plan_rollback(st)),
        Action::Delete if !in_history => return Some(ask_uninstall(st)),
        _ => return None,
    };
    let Some(row) = selected(st) else {
        return Some(Vec::new());
    };
    let (release, revision) = (row.release(), row.rec.revision);
    st.overlays
        .open(TextView::loading(part.title(&release, revision)));
    Some(helm(HelmEffect::Show {
        release,
        revision,
        part,
    }))
}

fn selected(st: &mut AppState) -> Option<super::ReleaseRow> {
    let row = st.helm.selected().cloned();
    if row.is_none() {
        st.notify(Notice::warning("nothing selected"));
    }
    row
}

fn plan_rollback(st: &mut AppState) -> Vec<Effect> {
    if st.refused_readonly("rollback") {
        return Vec::new();
    }
    let Some(row) = selected(st) else {
        return Vec::new();
    };
    let (release, revision) = (row.release(), row.rec.revision);
    st.overlays.open(HelmDialog::Planning {
        release: release.clone(),
        revision,
    });
    helm(HelmEffect::PlanRollback { release, revision })
}

fn ask_uninstall(st: &mut AppState) -> Vec<Effect> {
    if st.refused_readonly("uninstall") {
        return Vec::new();
    }
    let Some(row) = selected(st) else {
        return Vec::new();
    };
    let release = row.release();
    let latest = st.helm.latest(&release).unwrap_or(row.rec.revision);
    st.overlays.open(HelmDialog::Uninstall {
        typed: TypedName::when(st.cluster.protected, &release.name),
        release,
        latest,
    });
    Vec::new()
}

/// A key while a Helm question is open: the confirm key answers yes, any other cancels.
pub fn on_dialog_key(st: &mut AppState, key: KeyChord) -> Vec<Effect> {
    let yes = st.keymap.confirms(key);
    answer(st, yes)
}

/// The answer to the question on top (a key, or the typed name in a protected context).
/// A rollback is refused if the release got a new revision since the dialog opened: the
/// list's latest revision is checked here, and the cluster's when it is carried out.
pub fn answer(st: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(dialog) = st.overlays.close::<HelmDialog>() else {
        return Vec::new();
    };
    if !yes {
        st.notify(Notice::info("cancelled"));
        return Vec::new();
    }
    match dialog {
        HelmDialog::Planning { .. } => {
            st.notify(Notice::info("cancelled"));
            Vec::new()
        }
        HelmDialog::Rollback { plan, .. } => {
            let now = st.helm.latest(&plan.release);
            if now.is_some_and(|n| n != plan.latest) {
                st.notify(Notice::warning(format!(
                    "{} has a new revision since you looked: nothing was done",
                    plan.release.label()
                )));
                return Vec::new();
            }
            st.notify(Notice::info(format!(
                "rolling back {} to revision {}…",
                plan.release.label(),
                plan.to
            )));
            helm(HelmEffect::Rollback(plan))
        }
        HelmDialog::Uninstall {
            release, latest, ..
        } => {
            st.notify(Notice::info(format!("uninstalling {}…", release.label())));
            helm(HelmEffect::Uninstall { release, latest })
        }
    }
}

/// The answers of Helm effects.
pub fn on_msg(st: &mut AppState, msg: HelmMsg) -> Vec<Effect> {
    st.dirty = true;
    match msg {
        HelmMsg::Text { title, result } => {
            return crate::state::objects::on_msg(
                st,
                crate::model::objects::ObjectMsg::Text { title, result },
            )
        }
        HelmMsg::Planned {
            release,
            revision,
            plan,
        } => {
            let waiting = matches!(st.overlays.get::<HelmDialog>(),
                Some(HelmDialog::Planning { release: r, revision: n }) if *r == release && *n == revision);
            if !waiting {
                return Vec::new(); // cancelled meanwhile
            }
            st.overlays.close::<HelmDialog>();
            match plan {
                Ok(plan) => st.overlays.open(HelmDialog::Rollback {
                    typed: TypedName::when(st.cluster.protected, &plan.release.name),
                    plan: Box::new(plan),
                }),
                Err(e) => st.notify(Notice::error(e)),
            }
        }
        HelmMsg::Done { result, .. } => match result {
            Ok(text) => st.notify(Notice::info(text)),
            Err(e) => st.notify(Notice::error(e)),
        },
    }
    Vec::new()
}
