//! Everything modal in one stack: help, the YAML/describe text, the confirmations, the
//! port-forward and scale dialogs, the container picker. The top of the stack has the
//! keyboard and is drawn last; the command line (`prompt`) sits outside, at the bottom of
//! the screen. Everything here belongs to the view it was opened in (`view.rs`) and is
//! cleared when that view changes.

use crate::model::portforward::ForwardId;
use crate::state::change::Form;
use crate::state::helm::app::HelmDialog;
use crate::state::logs::ContainerPicker;
use crate::state::objects::{DeleteConfirm, TextView};
use crate::state::pf_dialog::PfDialog;
use crate::state::rollouts::RolloutDialog;
use crate::state::HelpState;

/// The question "stop this forward?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopForward(pub ForwardId);

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help(HelpState),
    Text(TextView),
    ConfirmDelete(DeleteConfirm),
    PortForward(PfDialog),
    LogPicker(ContainerPicker),
    Rollout(RolloutDialog),
    StopForward(StopForward),
    Form(Form),
    Helm(HelmDialog),
}

/// A type that is one kind of overlay.
pub trait OverlayKind: Sized {
    fn wrap(self) -> Overlay;
    fn of(overlay: &Overlay) -> Option<&Self>;
    fn of_mut(overlay: &mut Overlay) -> Option<&mut Self>;
    fn unwrap(overlay: Overlay) -> Option<Self>;
}

macro_rules! overlay_kind {
    ($variant:ident, $ty:ty) => {
        impl OverlayKind for $ty {
            fn wrap(self) -> Overlay {
                Overlay::$variant(self)
            }
            fn of(overlay: &Overlay) -> Option<&Self> {
                match overlay {
                    Overlay::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn of_mut(overlay: &mut Overlay) -> Option<&mut Self> {
                match overlay {
                    Overlay::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn unwrap(overlay: Overlay) -> Option<Self> {
                match overlay {
                    Overlay::$variant(x) => Some(x),
                    _ => None,
                }
            }
        }
    };
}

overlay_kind!(Help, HelpState);
overlay_kind!(Text, TextView);
overlay_kind!(ConfirmDelete, DeleteConfirm);
overlay_kind!(PortForward, PfDialog);
overlay_kind!(LogPicker, ContainerPicker);
overlay_kind!(Rollout, RolloutDialog);
overlay_kind!(StopForward, StopForward);
overlay_kind!(Form, Form);
overlay_kind!(Helm, HelmDialog);

/// The stack, bottom first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlays {
    stack: Vec<Overlay>,
}

impl Overlays {
    /// Opens `value` on top; one of the same kind already open is replaced.
    pub fn open<T: OverlayKind>(&mut self, value: T) {
        self.close::<T>();
        self.stack.push(value.wrap());
    }

    /// Closes the overlay of kind `T`, returning it.
    pub fn close<T: OverlayKind>(&mut self) -> Option<T> {
        let at = self.stack.iter().position(|o| T::of(o).is_some())?;
        T::unwrap(self.stack.remove(at))
    }

    pub fn get<T: OverlayKind>(&self) -> Option<&T> {
        self.stack.iter().rev().find_map(T::of)
    }

    pub fn get_mut<T: OverlayKind>(&mut self) -> Option<&mut T> {
        self.stack.iter_mut().rev().find_map(T::of_mut)
    }

    pub fn is_open<T: OverlayKind>(&self) -> bool {
        self.get::<T>().is_some()
    }

    /// The one with the keyboard.
    pub fn top(&self) -> Option<&Overlay> {
        self.stack.last()
    }

    /// Bottom first: the order to draw them in.
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.stack.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    pub fn clear(&mut self) {
        self.stack.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_opened_is_on_top_and_closing_uncovers_the_one_below() {
        let mut o = Overlays::default();
        o.open(StopForward(1));
        o.open(HelpState::default());
        assert!(matches!(o.top(), Some(Overlay::Help(_))));
        assert_eq!(o.get::<StopForward>(), Some(&StopForward(1)));
        o.open(StopForward(2));
        assert_eq!(o.iter().count(), 2, "one of a kind");
        assert_eq!(o.close::<StopForward>(), Some(StopForward(2)));
        assert!(matches!(o.top(), Some(Overlay::Help(_))));
        o.close::<HelpState>();
        assert!(o.is_empty());
    }
}
