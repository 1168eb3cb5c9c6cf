//! Confirming by typing the object's name: in a protected context (the config's
//! `protected_contexts`), a delete or a rollback is not one key away. The dialog that asks
//! (the delete confirmation, the rollback confirmation) holds a [`TypedName`]; the typed
//! text goes to it and the prompt's keys answer (enter confirms, esc cancels). Only the
//! exact name confirms, and only the object that dialog named.

use crate::action::Action;
use crate::effect::Effect;
use crate::msg::Notice;
use crate::state::helm::app::HelmDialog;
use crate::state::objects::DeleteConfirm;
use crate::state::rollouts::RolloutDialog;
use crate::state::AppState;

/// Longest name a person types here (a DNS subdomain is at most 253 characters).
const MAX_LEN: usize = 253;

/// The name to type, and what has been typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedName {
    pub expected: String,
    pub input: String,
}

/// What a key did to the typed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    Editing,
    Confirmed,
    /// Enter with a name that is not the object's: nothing happens.
    Mismatch,
    Cancelled,
}

impl TypedName {
    pub fn new(expected: &str) -> TypedName {
        TypedName {
            expected: expected.to_string(),
            input: String::new(),
        }
    }

    /// A protected context asks for the name; another one does not.
    pub fn when(protected: bool, expected: &str) -> Option<TypedName> {
        protected.then(|| TypedName::new(expected))
    }

    pub fn push(&mut self, c: char) {
        if !c.is_control() && self.input.chars().count() < MAX_LEN {
            self.input.push(c);
        }
    }

    /// The prompt's keys: submit checks the name, delete-back and clear-line edit, cancel
    /// (or back) gives up.
    pub fn on_action(&mut self, action: Action) -> Typed {
        match action {
            Action::Submit if self.input == self.expected => Typed::Confirmed,
            Action::Submit => Typed::Mismatch,
            Action::DeleteBack => {
                self.input.pop();
                Typed::Editing
            }
            Action::ClearLine => {
                self.input.clear();
                Typed::Editing
            }
            Action::Cancel | Action::Back => Typed::Cancelled,
            _ => Typed::Editing,
        }
    }
}

/// The typed name of the dialog on top, if it asks for one.
fn typed_mut(st: &mut AppState) -> Option<&mut TypedName> {
    if st.overlays.is_open::<HelmDialog>() {
        return st.overlays.get_mut::<HelmDialog>()?.typed_mut();
    }
    if st.overlays.is_open::<DeleteConfirm>() {
        return st.overlays.get_mut::<DeleteConfirm>()?.typed.as_mut();
    }
    match st.overlays.get_mut::<RolloutDialog>()? {
        RolloutDialog::Rollback { typed, .. } => typed.as_mut(),
        _ => None,
    }
}

/// A character typed into the name.
pub fn on_char(st: &mut AppState, c: char) -> Vec<Effect> {
    if let Some(typed) = typed_mut(st) {
        typed.push(c);
    }
    Vec::new()
}

/// The prompt's keys while a name is asked for.
pub fn on_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(typed) = typed_mut(st) else {
        return Vec::new();
    };
    let answer = typed.on_action(action);
    let expected = typed.expected.clone();
    let delete = st.overlays.is_open::<DeleteConfirm>();
    let helm = st.overlays.is_open::<HelmDialog>();
    match answer {
        Typed::Editing => Vec::new(),
        Typed::Mismatch => {
            st.notify(Notice::warning(format!(
                "that is not {}: type the name exactly to confirm (nothing was changed)",
                crate::model::format::inert(&expected)
            )));
            Vec::new()
        }
        Typed::Confirmed | Typed::Cancelled => {
            let yes = answer == Typed::Confirmed;
            if helm {
                crate::state::helm::app::answer(st, yes)
            } else if delete {
                crate::state::objects::answer(st, yes)
            } else {
                crate::state::rollouts::app::answer(st, yes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_name_confirms() {
        let mut t = TypedName::new("web-0");
        for c in "web-".chars() {
            t.push(c);
        }
        assert_eq!(t.on_action(Action::Submit), Typed::Mismatch);
        t.push('0');
        assert_eq!(t.on_action(Action::Submit), Typed::Confirmed);
        t.push('\u{1b}');
        assert_eq!(t.input, "web-0", "control characters are not typed");
        assert_eq!(t.on_action(Action::DeleteBack), Typed::Editing);
        assert_eq!(t.on_action(Action::Submit), Typed::Mismatch);
        assert_eq!(t.on_action(Action::ClearLine), Typed::Editing);
        assert_eq!(t.input, "");
        assert_eq!(t.on_action(Action::Cancel), Typed::Cancelled);
        assert_eq!(TypedName::when(false, "x"), None);
    }
}
