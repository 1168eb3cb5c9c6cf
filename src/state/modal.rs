//! What has the keyboard before the panes: one ordered answer, used by key dispatch, the key
//! context (and so the hint line) and the renderer alike. Everything modal is owned by the
//! view that opened it (see `view`), so it closes when the view changes.

use crate::keymap::Ctx;
use crate::state::helm::app::HelmDialog;
use crate::state::overlay::Overlay;
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
    /// A delete or rollback in a protected context: the object's name is typed, then the
    /// prompt's keys (enter, esc, backspace).
    TypeName,
    StopForward,
    Prompt,
    Help,
    PortForwardDialog,
    Text,
    LogPicker,
    /// The form of a change: printable keys are text.
    Form,
    /// Confirm a Helm rollback or uninstall: the confirm key acts, any other key cancels.
    HelmConfirm,
    /// Waiting for what a Helm rollback would change: any key cancels.
    HelmPlanning,
}

impl Modal {
    /// The key context of the table that resolves keys while this is up.
    pub fn ctx(self) -> Ctx {
        match self {
            Modal::RolloutConfirm
            | Modal::RolloutPlanning
            | Modal::ConfirmDelete
            | Modal::StopForward
            | Modal::HelmConfirm
            | Modal::HelmPlanning => Ctx::Confirm,
            Modal::ScaleInput | Modal::TypeName | Modal::Prompt => Ctx::Prompt,
            Modal::Help => Ctx::Help,
            Modal::PortForwardDialog => Ctx::PortForward,
            Modal::Text => Ctx::Text,
            Modal::LogPicker => Ctx::LogPicker,
            Modal::Form => Ctx::Form,
        }
    }

    /// Whether printable keys are text typed into it.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Modal::ScaleInput
                | Modal::TypeName
                | Modal::Prompt
                | Modal::PortForwardDialog
                | Modal::Form
        )
    }
}

impl Modal {
    /// What an overlay is, as far as the keyboard is concerned.
    fn of(overlay: &Overlay) -> Modal {
        match overlay {
            Overlay::Help(_) => Modal::Help,
            Overlay::Text(_) => Modal::Text,
            Overlay::ConfirmDelete(c) if c.typed.is_some() => Modal::TypeName,
            Overlay::ConfirmDelete(_) => Modal::ConfirmDelete,
            Overlay::PortForward(_) => Modal::PortForwardDialog,
            Overlay::LogPicker(_) => Modal::LogPicker,
            Overlay::StopForward(_) => Modal::StopForward,
            Overlay::Form(_) => Modal::Form,
            Overlay::Rollout(RolloutDialog::Rollback { typed: Some(_), .. }) => Modal::TypeName,
            Overlay::Rollout(RolloutDialog::Rollback { .. } | RolloutDialog::Confirm { .. }) => {
                Modal::RolloutConfirm
            }
            Overlay::Rollout(RolloutDialog::Scale { .. }) => Modal::ScaleInput,
            Overlay::Rollout(RolloutDialog::Planning { .. }) => Modal::RolloutPlanning,
            Overlay::Helm(HelmDialog::Planning { .. }) => Modal::HelmPlanning,
            Overlay::Helm(d) if d.typed().is_some() => Modal::TypeName,
            Overlay::Helm(_) => Modal::HelmConfirm,
        }
    }

    /// A question takes the next key, before the command line.
    fn is_question(self) -> bool {
        self.ctx() == Ctx::Confirm
    }
}

impl AppState {
    /// The modal thing that has the keyboard, if any: a question on top of the overlays,
    /// else the command line, else the top overlay.
    pub fn modal(&self) -> Option<Modal> {
        match self.overlays.top().map(Modal::of) {
            Some(m) if m.is_question() => Some(m),
            _ if self.prompt.is_some() => Some(Modal::Prompt),
            top => top,
        }
    }
}
