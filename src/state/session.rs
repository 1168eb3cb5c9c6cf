//! Foreground sessions asked for by key: `e` edits the selected object in the user's editor
//! (as `kubectl edit`), `s` opens a shell in the selected pod. Both take the terminal, so
//! the event loop runs them (`Effect::Edit`, `Effect::Exec`); how they ended comes back as
//! a message and shows as a notice. Both can change the cluster: refused under --readonly
//! before anything starts.

use crate::action::Action;
use crate::effect::Effect;
use crate::model::edit::EditOutcome;
use crate::model::exec::{ExecEnd, ExecTarget};
use crate::model::objects::ObjectRef;
use crate::msg::Notice;
use crate::state::logs::{ContainerChoice, ContainerPicker, LogScope, LogTarget};
use crate::state::{objects, AppState, Awaiting, MainView, Pane};

/// `e` and `s`; `None` leaves the action to the general handling.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if st.logs.is_some() {
        return None;
    }
    match action {
        Action::Edit => Some(edit_selected(st)),
        Action::Shell if st.view == MainView::Pods && st.focus == Pane::Main => {
            Some(shell_selected(st))
        }
        _ => None,
    }
}

fn edit_selected(st: &mut AppState) -> Vec<Effect> {
    if st.refused_readonly("edit") {
        return Vec::new();
    }
    match objects::selected_object(st) {
        Some(obj) => vec![Effect::Edit(obj)],
        None => {
            st.notify(Notice::warning("nothing selected to edit"));
            Vec::new()
        }
    }
}

fn shell_selected(st: &mut AppState) -> Vec<Effect> {
    if st.refused_readonly("shell (exec)") {
        return Vec::new();
    }
    let Some(pod) = st.pods.selected_row() else {
        st.notify(Notice::warning("no pod selected"));
        return Vec::new();
    };
    let (namespace, name) = (pod.namespace.to_string(), pod.name.to_string());
    if pod.total > 1 {
        let target = LogTarget {
            namespace,
            scope: LogScope::Pod(name),
            container: ContainerChoice::Default,
            previous: false,
        };
        st.awaiting = Some(Awaiting::ShellContainers(target.clone()));
        return vec![Effect::FetchContainers(target)];
    }
    shell(st, namespace, name, None)
}

/// A shell in `pod` (its `container`, or its only one).
pub fn shell(
    st: &mut AppState,
    namespace: String,
    pod: String,
    container: Option<String>,
) -> Vec<Effect> {
    if st.refused_readonly("shell (exec)") {
        return Vec::new();
    }
    vec![Effect::Exec(ExecTarget {
        namespace,
        pod,
        container,
    })]
}

/// The pod's containers, asked for by `s`: a picker for several, else the shell at once.
/// (The caller checked that this answer is the awaited one.)
pub fn on_containers(
    st: &mut AppState,
    target: LogTarget,
    containers: Result<Vec<String>, String>,
) -> Vec<Effect> {
    st.awaiting = None;
    st.dirty = true;
    let LogScope::Pod(pod) = target.scope else {
        return Vec::new();
    };
    match containers {
        Ok(names) if names.len() > 1 => {
            st.overlays
                .open(ContainerPicker::for_shell(target.namespace, pod, names));
            Vec::new()
        }
        Ok(names) => shell(st, target.namespace, pod, names.into_iter().next()),
        Err(e) => {
            st.notify(Notice::error(format!("shell: {e}")));
            Vec::new()
        }
    }
}

/// The end of an edit session.
pub fn on_edited(st: &mut AppState, obj: ObjectRef, outcome: EditOutcome) {
    st.notify(match outcome {
        EditOutcome::Applied(text) | EditOutcome::Cancelled(text) => Notice::info(text),
        EditOutcome::Failed(why) => Notice::error(format!("edit {}: {why}", obj.label())),
    });
}

/// The end of a shell session.
pub fn on_exec_ended(st: &mut AppState, target: ExecTarget, end: ExecEnd) {
    let text = end.text(&target);
    st.notify(match end {
        ExecEnd::Exited(0) => Notice::info(text),
        ExecEnd::Exited(_) => Notice::warning(text),
        ExecEnd::Failed(_) => Notice::error(text),
    });
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
