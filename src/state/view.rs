//! Which view the main area shows, and the rule that everything opened in a view belongs to
//! it: the rollout history pane, dialogs, confirmations, the YAML/describe text, the log
//! container picker, and answers still awaited from the cluster. When the view changes (kind,
//! namespace scope, the forwards pane) they all close, so a dialog can never act on an object
//! of a view the user has left.
//!
//! The rule is enforced once, after every message (`update` calls
//! `AppState::enforce_view_ownership`), not at each place that changes the view: a new way of
//! switching views cannot forget it.

use crate::effect::{Effect, Scope};
use crate::state::{rollouts, AppState, MainView};

/// The identity of what the main area shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewId {
    pub view: MainView,
    pub scope: Scope,
    pub forwards: bool,
    /// The contexts pane, and the kubeconfig context: what was opened in one context's
    /// view never acts on another cluster.
    pub contexts: bool,
    pub context: String,
    /// The generic view's kind.
    pub resource: Option<crate::model::objects::ObjectKind>,
    /// How deep in drill-downs (each level narrows differently).
    pub depth: usize,
}

/// A request whose answer opens something in the view that asked; dropped with the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Awaiting {
    /// `h` on a pod: the Deployment that owns it, for its history.
    PodOwner { namespace: String, pod: String },
    /// `l` on a multi-container pod: its containers, for the picker.
    Containers(crate::state::logs::LogTarget),
    /// `s` on a multi-container pod: its containers, for the shell's picker.
    ShellContainers(crate::state::logs::LogTarget),
    /// `enter` on an object: where it leads.
    Drill(crate::model::objects::ObjectRef),
    /// A key whose change waits for the server to say whether the user may make it.
    Access {
        query: crate::model::access::AccessQuery,
        action: crate::action::Action,
    },
}

impl AppState {
    pub fn view_id(&self) -> ViewId {
        ViewId {
            view: self.view,
            scope: self.scope.clone(),
            forwards: self.forwards_open,
            contexts: self.contexts.open,
            context: self.cluster.context.clone(),
            resource: match self.view {
                MainView::Resources => self.resources.api.as_ref().map(|a| a.object.clone()),
                _ => None,
            },
            depth: self.trail.depth(),
        }
    }

    /// Whether anything that belongs to a view is open or awaited.
    fn has_view_owned(&self) -> bool {
        self.rollout.history.is_some() || !self.overlays.is_empty() || self.awaiting.is_some()
    }

    /// Closes everything that belongs to a view (the history pane's watches stop).
    fn close_view_owned(&mut self) -> Vec<Effect> {
        self.view_owner = None;
        self.overlays.clear();
        self.awaiting = None;
        if self.rollout.history.is_some() {
            rollouts::app::close_history(self)
        } else {
            Vec::new()
        }
    }

    /// After every message: what was opened in another view than the current one closes;
    /// what was opened during this message belongs to the view now shown.
    pub(crate) fn enforce_view_ownership(&mut self) -> Vec<Effect> {
        let now = self.view_id();
        match &self.view_owner {
            Some(owner) if *owner != now => {
                self.dirty = true;
                self.close_view_owned()
            }
            None if self.has_view_owned() => {
                self.view_owner = Some(now);
                Vec::new()
            }
            Some(_) if !self.has_view_owned() => {
                self.view_owner = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
