//! The logs view inside the app: opening it from the pods pane (with a container picker
//! for multi-container pods), its keys, the search prompt, and messages from the stream.
//! Called from `state::update`; pure like it (effects are returned, nothing awaits).

use std::path::PathBuf;

use super::{
    ContainerChoice, ContainerPicker, LogMsg, LogScope, LogStreamKey, LogTarget, LogsState, PickFor,
};
use crate::action::Action;
use crate::effect::Effect;
use crate::keymap::Ctx;
use crate::model::logs::LogRequest;
use crate::msg::Notice;
use crate::state::{AppState, Awaiting, Pane};

/// Log settings from the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// History lines fetched when a stream opens (`None`: everything).
    pub tail_lines: Option<i64>,
    /// Ring buffer cap per logs view.
    pub buffer_lines: usize,
    /// Where saved logs go.
    pub save_dir: PathBuf,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            tail_lines: Some(super::DEFAULT_TAIL_LINES),
            buffer_lines: super::DEFAULT_CAP,
            save_dir: std::env::temp_dir(),
        }
    }
}

/// The key context while the logs view is up (the picker is an overlay).
pub fn key_ctx(st: &AppState) -> Option<Ctx> {
    st.logs.is_some().then_some(Ctx::Logs)
}

/// `l` / `L` / `p` on the pods pane. Returns `None` when the action is not about logs.
pub fn on_pods_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if !matches!(
        action,
        Action::Logs | Action::LogsOwner | Action::LogsPrevious
    ) {
        return None;
    }
    if st.focus != Pane::Main {
        return Some(Vec::new());
    }
    let Some(pod) = st.pods.selected_row() else {
        st.notify(Notice::warning("no pod selected"));
        return Some(Vec::new());
    };
    let name = pod.name.to_string();
    let several_containers = pod.total > 1;
    let target = LogTarget {
        namespace: pod.namespace.to_string(),
        scope: if action == Action::LogsOwner {
            LogScope::OwnerOf(name)
        } else {
            LogScope::Pod(name)
        },
        container: ContainerChoice::Default,
        previous: action == Action::LogsPrevious,
    };
    if several_containers && action != Action::LogsOwner {
        st.awaiting = Some(Awaiting::Containers(target.clone()));
        return Some(vec![Effect::FetchContainers(target)]);
    }
    Some(open(st, target))
}

/// The answer to `Effect::FetchContainers`: a picker for several containers.
pub fn on_containers(
    st: &mut AppState,
    target: LogTarget,
    containers: Result<Vec<String>, String>,
) -> Vec<Effect> {
    // Asked for a shell: its own picker.
    if st.awaiting.as_ref() == Some(&Awaiting::ShellContainers(target.clone())) {
        return crate::state::session::on_containers(st, target, containers);
    }
    // Asked in a view the user has left (or asked again since): the answer is dropped.
    if st.awaiting.as_ref() != Some(&Awaiting::Containers(target.clone())) {
        return Vec::new();
    }
    st.awaiting = None;
    st.dirty = true;
    match containers {
        Ok(names) if names.len() > 1 => {
            st.overlays.open(ContainerPicker::new(
                target.namespace,
                target.scope,
                names,
                target.previous,
            ));
            Vec::new()
        }
        Ok(_) => open(st, target),
        Err(e) => {
            st.notify(Notice::error(format!("logs: {e}")));
            Vec::new()
        }
    }
}

/// Opens the logs view on `target`, replacing any stream already running.
pub fn open(st: &mut AppState, target: LogTarget) -> Vec<Effect> {
    let mut effects = close(st);
    st.log_gen += 1;
    let key = LogStreamKey {
        id: 0,
        generation: st.log_gen,
    };
    let request = LogRequest::follow(target.clone(), st.log_settings.tail_lines);
    st.logs = Some(LogsState::new(target, key, st.log_settings.buffer_lines));
    st.dirty = true;
    effects.push(Effect::StreamLogs { key, request });
    effects
}

/// Closes the logs view and stops its stream.
pub fn close(st: &mut AppState) -> Vec<Effect> {
    st.dirty = true;
    st.logs
        .take()
        .map(|l| Effect::StopLogs(l.key))
        .into_iter()
        .collect()
}

/// A message from the stream task; stale generations are dropped by the pane.
pub fn on_msg(st: &mut AppState, msg: LogMsg) {
    if let Some(logs) = st.logs.as_mut() {
        if logs.apply(msg) {
            st.dirty = true;
        }
    }
}

/// Keys while the container picker has the keyboard. `None`: not handled here (quit, help,
/// the command line fall through to the general handling).
pub fn on_picker_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let picker = st.overlays.get_mut::<ContainerPicker>()?;
    match action {
        Action::Up => picker.move_by(-1),
        Action::Down => picker.move_by(1),
        Action::Top => picker.top(),
        Action::Bottom => picker.move_by(i64::from(u16::MAX)),
        Action::Back => {
            st.overlays.close::<ContainerPicker>();
        }
        Action::Select => {
            let target = picker.target();
            let purpose = picker.purpose;
            st.overlays.close::<ContainerPicker>();
            return Some(match (purpose, target.scope, target.container) {
                (PickFor::Shell, LogScope::Pod(pod), ContainerChoice::Named(c)) => {
                    crate::state::session::shell(st, target.namespace, pod, Some(c))
                }
                (PickFor::Shell, ..) => Vec::new(),
                (PickFor::Logs, scope, container) => open(
                    st,
                    LogTarget {
                        scope,
                        container,
                        ..target
                    },
                ),
            });
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Keys while the logs view has the keyboard. `None`: not handled here (quit, help, the
/// command line fall through to the general handling).
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let logs = st.logs.as_mut()?;
    match action {
        Action::Back => return Some(close(st)),
        Action::Up => logs.move_by(-1),
        Action::Down => logs.move_by(1),
        Action::PageUp => logs.page(-1),
        Action::PageDown => logs.page(1),
        Action::Top => logs.go_top(),
        Action::Bottom => logs.go_bottom(),
        Action::ToggleFollow => logs.toggle_follow(),
        Action::ToggleTimestamps => logs.toggle_timestamps(),
        Action::ToggleWrap => logs.toggle_wrap(),
        Action::SearchNext => logs.next_match(true),
        Action::SearchPrev => logs.next_match(false),
        Action::LogsPrevious => {
            let mut target = logs.target.clone();
            target.previous = !target.previous;
            let old = logs.key;
            let key = logs.retarget(target.clone());
            let request = LogRequest::follow(target, st.log_settings.tail_lines);
            return Some(vec![
                Effect::StopLogs(old),
                Effect::StreamLogs { key, request },
            ]);
        }
        Action::Copy => {
            return Some(match logs.copy_text() {
                Some(text) => vec![Effect::Copy(text)],
                None => {
                    st.notify(Notice::warning("no log line selected"));
                    Vec::new()
                }
            });
        }
        Action::SaveLogs => {
            let path = st.log_settings.save_dir.join(logs.save_file_name(st.now));
            let contents = logs.export();
            return Some(vec![Effect::WriteFile { path, contents }]);
        }
        // Pane focus and zoom mean nothing while the logs view fills the screen.
        Action::FocusNext | Action::FocusPrev | Action::Zoom => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// The `/` prompt in the logs view: highlights follow the typing.
pub fn on_search_edit(st: &mut AppState, input: &str) {
    if let Some(logs) = st.logs.as_mut() {
        logs.set_pattern(input);
    }
}

/// Enter in the `/` prompt: jump to the first match from the selection.
pub fn on_search_submit(st: &mut AppState, input: &str) {
    if let Some(logs) = st.logs.as_mut() {
        logs.search_input = Some(input.to_string());
        logs.confirm_search();
        if let Some(n) = logs.notice.take() {
            st.notify(Notice::warning(n));
        }
    }
}

/// Esc in the `/` prompt: the search is dropped.
pub fn on_search_cancel(st: &mut AppState) {
    if let Some(logs) = st.logs.as_mut() {
        logs.set_pattern("");
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
