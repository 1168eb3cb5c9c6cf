//! What has the keyboard before the panes: one ordered answer, used by key dispatch, the key
//! context (and so the hint line) and the renderer alike. Everything modal is owned by the
//! view that opened it (see `view`), so it closes when the view changes.

use crate::keymap::Ctx;
use crate::state::rollouts::RolloutDialog;
use crate::state::AppState;

/// Modal things, highest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modal {
    /// A question before a change (rollback, restart, pause, resume, scale): the confirm key
    /// acts, any other key cancels.
    RolloutConfirm,
    /// Typing a replica count: digits, then the prompt's keys (enter, esc, backspace).
    ScaleInput,
    /// Waiting for a rollback plan: any key cancels.
    RolloutPlanning,
    ConfirmDelete,
    StopForward,
    Prompt,
    Help,
    PortForwardDialog,
    Text,
    LogPicker,
}

impl Modal {
    /// The key context of the table that resolves keys while this is up.
    pub fn ctx(self) -> Ctx {
        match self {
            Modal::RolloutConfirm
            | Modal::RolloutPlanning
            | Modal::ConfirmDelete
            | Modal::StopForward => Ctx::Confirm,
            Modal::ScaleInput | Modal::Prompt => Ctx::Prompt,
            Modal::Help => Ctx::Help,
            Modal::PortForwardDialog => Ctx::PortForward,
            Modal::Text => Ctx::Text,
            Modal::LogPicker => Ctx::LogPicker,
        }
    }

    /// Whether printable keys are text typed into it.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Modal::ScaleInput | Modal::Prompt | Modal::PortForwardDialog
        )
    }
}

impl AppState {
    /// The modal thing that has the keyboard, if any.
    pub fn modal(&self) -> Option<Modal> {
        let rollout = self.rollout.dialog.as_ref().map(|d| match d {
            RolloutDialog::Rollback(_) | RolloutDialog::Confirm { .. } => Modal::RolloutConfirm,
            RolloutDialog::Scale { .. } => Modal::ScaleInput,
            RolloutDialog::Planning { .. } => Modal::RolloutPlanning,
        });
        rollout.or_else(|| {
            [
                (self.confirm_delete.is_some(), Modal::ConfirmDelete),
                (self.forwards.confirm_stop.is_some(), Modal::StopForward),
                (self.prompt.is_some(), Modal::Prompt),
                (self.help.is_some(), Modal::Help),
                (self.pf_dialog.is_some(), Modal::PortForwardDialog),
                (self.text_view.is_some(), Modal::Text),
                (self.log_picker.is_some(), Modal::LogPicker),
            ]
            .into_iter()
            .find_map(|(open, modal)| open.then_some(modal))
        })
    }
}
