//! Least privilege: before the dialog of a change opens, rkt asks the server whether the
//! user may make it (a SelfSubjectAccessReview, as `kubectl auth can-i`). A refusal is a
//! notice ("not permitted: you may not delete pods in default") instead of a dialog that
//! would fail after confirmation, and the hint line marks the keys of what is refused.
//!
//! Answers are kept per question for the session. The questions the keys of the pane in
//! front need are asked ahead ([`follow`]), so the hints are right before a key is
//! pressed. A server without the review (404) is not asked again: actions go ahead as if
//! nothing had been asked, and the server decides when the change is sent; so does a
//! question that could not be asked.

use std::collections::HashMap;

use crate::action::Action;
use crate::effect::{Effect, Scope};
use crate::model::access::{AccessAnswer, AccessQuery};
use crate::model::objects::ObjectRef;
use crate::msg::Notice;
use crate::state::{objects, AppState, Awaiting, MainView};

/// What is known of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    Asked,
    Allowed,
    Denied,
    /// No answer could be had: the action goes ahead.
    Unanswered,
}

/// The answers of this session.
#[derive(Debug, Default)]
pub struct Access {
    /// Off in a bare state (tests of other flows); the app turns it on.
    enabled: bool,
    /// The server has no SelfSubjectAccessReview.
    unsupported: bool,
    known: HashMap<AccessQuery, Known>,
}

impl Access {
    /// Ask before changes (the app does, against a real server).
    pub fn enable(&mut self) {
        self.enabled = true;
    }

    fn active(&self) -> bool {
        self.enabled && !self.unsupported
    }
}

/// The question `action` raises on what is selected now; `None` for an action that
/// changes nothing (or has nothing to act on).
pub fn needed(st: &AppState, action: Action) -> Option<AccessQuery> {
    let on = |verb: &'static str, obj: &ObjectRef| AccessQuery {
        verb,
        group: obj.kind.group.to_string(),
        resource: obj.kind.plural.to_string(),
        subresource: "",
        namespace: obj.namespace.clone(),
    };
    let pods =
        |verb: &'static str, subresource: &'static str, namespace: Option<String>| AccessQuery {
            verb,
            group: String::new(),
            resource: "pods".into(),
            subresource,
            namespace,
        };
    let workload_view = matches!(
        st.view,
        MainView::Deployments | MainView::StatefulSets | MainView::DaemonSets
    );
    match action {
        Action::Delete => Some(on("delete", &objects::selected_object(st)?)),
        // `kubectl edit`, set image, restart, scale, pause and rollback all send patches.
        Action::Edit | Action::SetImage => Some(on("patch", &objects::selected_object(st)?)),
        Action::Scale | Action::Restart | Action::TogglePause | Action::Rollback
            if workload_view =>
        {
            Some(on("patch", &objects::selected_object(st)?))
        }
        Action::Shell if st.view == MainView::Pods => {
            let obj = objects::selected_object(st)?;
            Some(pods("create", "exec", obj.namespace))
        }
        Action::PortForward => {
            let obj = objects::selected_object(st)?;
            Some(pods("create", "portforward", obj.namespace))
        }
        Action::Expose => {
            let obj = objects::selected_object(st)?;
            Some(AccessQuery {
                verb: "create",
                group: String::new(),
                resource: "services".into(),
                subresource: "",
                namespace: obj.namespace,
            })
        }
        Action::CreateDeployment => match &st.scope {
            Scope::Namespace(ns) => Some(AccessQuery {
                verb: "create",
                group: "apps".into(),
                resource: "deployments".into(),
                subresource: "",
                namespace: Some(ns.to_string()),
            }),
            Scope::All => None,
        },
        _ => None,
    }
}

/// Before `action` runs: `None` lets it run (allowed, or nothing to ask); otherwise it is
/// refused with a notice, or waits for the answer to the question it raised.
pub fn before(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if !st.access.active() || st.readonly || st.logs.is_some() {
        return None;
    }
    let query = needed(st, action)?;
    match st.access.known.get(&query).copied() {
        Some(Known::Allowed | Known::Unanswered) => None,
        Some(Known::Denied) => {
            st.notify(not_permitted(&query));
            Some(Vec::new())
        }
        // A session that takes the terminal (edit, shell) starts on the key, not later
        // from an answer: unknown yet, it goes ahead (the question is asked ahead all the
        // same) and the server decides.
        Some(Known::Asked) | None if takes_terminal(action) => None,
        Some(Known::Asked) => {
            st.awaiting = Some(Awaiting::Access { query, action });
            Some(Vec::new())
        }
        None => {
            st.access.known.insert(query.clone(), Known::Asked);
            st.awaiting = Some(Awaiting::Access {
                query: query.clone(),
                action,
            });
            Some(vec![Effect::ReviewAccess(query)])
        }
    }
}

fn takes_terminal(action: Action) -> bool {
    matches!(action, Action::Edit | Action::Shell)
}

fn not_permitted(query: &AccessQuery) -> Notice {
    Notice::error(format!("not permitted: you may not {query}"))
}

/// The server's answer; the action that waited for it runs now (or is refused).
pub fn on_answer(st: &mut AppState, query: AccessQuery, answer: AccessAnswer) -> Vec<Effect> {
    st.dirty = true;
    match answer {
        AccessAnswer::Allowed => {
            st.access.known.insert(query.clone(), Known::Allowed);
        }
        AccessAnswer::Denied(_) => {
            st.access.known.insert(query.clone(), Known::Denied);
        }
        AccessAnswer::Unknown(_) => {
            st.access.known.insert(query.clone(), Known::Unanswered);
        }
        AccessAnswer::Unsupported => {
            st.access.unsupported = true;
            st.access.known.clear();
        }
    }
    match st.awaiting.take() {
        Some(Awaiting::Access {
            query: awaited,
            action,
        }) if awaited == query => super::update::on_action(st, action),
        other => {
            st.awaiting = other;
            Vec::new()
        }
    }
}

/// Whether the server said no to what `action` would do now (the hint line marks it).
pub fn denied(st: &AppState, action: Action) -> bool {
    st.access.active()
        && needed(st, action).is_some_and(|q| st.access.known.get(&q) == Some(&Known::Denied))
}

/// Asks ahead the questions the keys in front raise, each once.
pub fn follow(st: &mut AppState) -> Vec<Effect> {
    if !st.access.active() || st.readonly || st.modal().is_some() {
        return Vec::new();
    }
    let ctx = st.key_ctx();
    let mut effects = Vec::new();
    let actions: Vec<Action> = ctx
        .chain()
        .iter()
        .flat_map(|c| st.keymap.in_ctx(*c).map(|b| b.action))
        .collect();
    for action in actions {
        let Some(query) = needed(st, action) else {
            continue;
        };
        if st.access.known.contains_key(&query) {
            continue;
        }
        st.access.known.insert(query.clone(), Known::Asked);
        effects.push(Effect::ReviewAccess(query));
    }
    effects
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
