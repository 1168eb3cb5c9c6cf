//! Port-forward in the app: `shift-f` and `:pf TYPE/NAME` open the dialog, `:pf` shows
//! the forwards pane, statuses from the forward manager keep it live. Hooks called from
//! `update`; synchronous and free of I/O like the rest of it.

use crate::action::Action;
use crate::effect::{Effect, Scope};
use crate::keymap::{Ctx, KeyChord};
use crate::model::portforward::{ForwardState, ForwardStatus, TargetKind, TargetRef};
use crate::model::portforward::{PfEffect, PfMsg};
use crate::msg::Notice;
use crate::state::forwards::Entry;
use crate::state::forwards_saved;
use crate::state::overlay::StopForward;
use crate::state::pf_dialog::PfDialog;
use crate::state::{AppState, Pane};

/// The key context while the forwards pane has the keyboard (the dialog is an overlay).
pub fn key_ctx(st: &AppState) -> Option<Ctx> {
    pane_focused(st).then_some(Ctx::Forwards)
}

fn pane_focused(st: &AppState) -> bool {
    st.forwards_open && st.focus == Pane::Main && st.logs.is_none()
}

/// Keys that are text, not bindings: typing in the dialog, answering a stop confirmation.
/// A character typed into the port-forward dialog.
pub fn on_dialog_char(st: &mut AppState, c: char) -> Vec<Effect> {
    if let Some(dialog) = st.overlays.get_mut::<PfDialog>() {
        dialog.type_char(c);
    }
    Vec::new()
}

/// The answer to "stop forward …?": the confirm key stops it, any other key keeps it.
pub fn on_stop_key(st: &mut AppState, key: KeyChord) -> Vec<Effect> {
    let Some(StopForward(id)) = st.overlays.close::<StopForward>() else {
        return Vec::new();
    };
    if st.keymap.confirms(key) {
        st.notice = None;
        return vec![Effect::Forward(PfEffect::Stop(id))];
    }
    st.notify(Notice::info("stop cancelled"));
    Vec::new()
}

pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if action == Action::PortForward {
        return Some(forward_selected(st));
    }
    if !pane_focused(st) {
        return None;
    }
    let forwards = &mut st.forwards;
    match action {
        Action::Up => forwards.move_by(-1),
        Action::Down => forwards.move_by(1),
        Action::PageUp => forwards.move_by(-10),
        Action::PageDown => forwards.move_by(10),
        Action::Top => forwards.top(),
        Action::Bottom => forwards.bottom(),
        Action::Back => st.forwards_open = false,
        Action::Copy => {
            return Some(match forwards.selected_entry() {
                Some(entry) => vec![Effect::Copy(entry.spec().url())],
                None => {
                    st.notify(Notice::warning("no forward selected"));
                    Vec::new()
                }
            })
        }
        Action::StartForward => {
            if let Some(Entry::Live(f)) = forwards.selected_entry() {
                let context = forwards.context_of(f.id);
                if !context.is_empty() && context != st.cluster.context {
                    let text = format!("this forward ran in context {context}: switch there (:ctx {context}) to start it again");
                    st.notify(Notice::warning(text));
                    return Some(Vec::new());
                }
            }
            // A running forward is said to run; an inactive or ended one starts again.
            let running = match forwards.selected_entry() {
                Some(Entry::Live(f)) if !f.state.is_finished() => Some(describe(f)),
                _ => None,
            };
            let spec = forwards.selected_entry().map(|e| e.spec());
            return Some(match (running, spec) {
                (Some(what), _) => {
                    st.notify(Notice::info(format!("{what} is running")));
                    Vec::new()
                }
                (None, Some(spec)) => vec![Effect::Forward(PfEffect::Start(spec))],
                (None, None) => {
                    st.notify(Notice::warning("no forward selected"));
                    Vec::new()
                }
            });
        }
        Action::SaveForward => return Some(forwards_saved::toggle(st)),
        Action::OpenUrl => {
            return Some(match forwards.selected_entry() {
                Some(Entry::Live(f)) if !f.state.is_finished() => vec![Effect::OpenUrl(f.url())],
                Some(_) => {
                    let start = st
                        .keymap
                        .label_for(Ctx::Forwards, Action::StartForward)
                        .unwrap_or_default();
                    st.notify(Notice::warning(format!(
                        "this forward is not running ({start} starts it)"
                    )));
                    Vec::new()
                }
                None => {
                    st.notify(Notice::warning("no forward selected"));
                    Vec::new()
                }
            })
        }
        Action::StopForward => {
            let f = match forwards.selected_entry() {
                Some(Entry::Live(f)) => f,
                Some(Entry::Inactive(spec)) => {
                    let spec = spec.clone();
                    return Some(forwards_saved::remove(st, &spec));
                }
                None => {
                    st.notify(Notice::warning("no forward selected"));
                    return Some(Vec::new());
                }
            };
            let (id, finished, what) = (f.id, f.state.is_finished(), describe(f));
            if finished {
                forwards.dismiss(id);
            } else {
                st.overlays.open(StopForward(id));
                let yes = st
                    .keymap
                    .label_for(Ctx::Confirm, Action::Confirm)
                    .unwrap_or_default();
                st.notify(Notice::warning(format!(
                    "stop forward {what}? ({yes} stops it, any other key keeps it)"
                )));
            }
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// `127.0.0.1:8080 → service/web:80`.
pub fn describe(f: &ForwardStatus) -> String {
    format!("{} → {}:{}", f.local, f.target, f.remote_port)
}

/// The port-forward dialog's keys.
pub fn on_dialog_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(dialog) = st.overlays.get_mut::<PfDialog>() else {
        return Vec::new();
    };
    match action {
        Action::Submit => match dialog.spec() {
            Ok(spec) => return vec![Effect::Forward(PfEffect::Start(spec))],
            Err(e) => dialog.error = Some(e),
        },
        Action::Cancel | Action::Back => {
            st.overlays.close::<PfDialog>();
        }
        Action::Quit => st.quit = true,
        Action::FocusNext => dialog.next_field(),
        Action::FocusPrev => dialog.prev_field(),
        Action::Up => dialog.move_port(-1),
        Action::Down => dialog.move_port(1),
        Action::DeleteBack => dialog.backspace(),
        _ => {}
    }
    Vec::new()
}

fn open_dialog(st: &mut AppState, target: TargetRef) -> Vec<Effect> {
    st.overlays.open(PfDialog::new(target.clone()));
    vec![Effect::Forward(PfEffect::LoadPorts(target))]
}

/// `shift-f` on the selected row of the main view.
fn forward_selected(st: &mut AppState) -> Vec<Effect> {
    if st.focus != Pane::Main || st.forwards_open {
        return Vec::new();
    }
    // What the view's rows forward to (none for DaemonSets, as in kubectl).
    let target = st.view.spec().forward.and_then(|kind| {
        let obj = st.main_table().selected_object()?;
        Some(TargetRef::new(kind, obj.namespace?, obj.name))
    });
    match target {
        Some(t) => open_dialog(st, t),
        None => {
            st.notify(Notice::warning("nothing selected to forward to"));
            Vec::new()
        }
    }
}

/// `:pf` shows the forwards; `:pf svc/NAME` (deploy/, sts/, pod/ or a bare pod name)
/// opens the dialog for that target in the current namespace.
pub fn on_command(st: &mut AppState, arg: Option<&str>) -> Vec<Effect> {
    let Some(arg) = arg else {
        st.forwards_open = true;
        st.contexts.open = false;
        st.focus = Pane::Main;
        return Vec::new();
    };
    let (kind, name) = match arg.split_once('/') {
        Some((kind, name)) => match TargetKind::parse(kind) {
            Some(k) => (k, name),
            None => {
                st.notify(Notice::error(format!(
                    "pf: cannot forward to {kind:?} (use pod/, svc/, deploy/ or sts/)"
                )));
                return Vec::new();
            }
        },
        None => (TargetKind::Pod, arg),
    };
    let Scope::Namespace(ns) = &st.scope else {
        st.notify(Notice::error("pf: pick a namespace first (:ns NAME)"));
        return Vec::new();
    };
    if name.is_empty() {
        st.notify(Notice::error("pf: name the target, e.g. :pf svc/web"));
        return Vec::new();
    }
    let target = TargetRef::new(kind, &**ns, name);
    open_dialog(st, target)
}

pub fn on_msg(st: &mut AppState, msg: PfMsg) -> Vec<Effect> {
    st.dirty = true;
    match msg {
        PfMsg::Ports { target, result } => {
            if let Some(d) = st
                .overlays
                .get_mut::<PfDialog>()
                .filter(|d| d.target == target)
            {
                d.loaded(result);
            }
        }
        PfMsg::Started { spec, started } => {
            st.forwards.started(&spec);
            st.forwards.started_in(started.id, &st.cluster.context);
            if st
                .overlays
                .get::<PfDialog>()
                .is_some_and(|d| d.target == spec.target)
            {
                st.overlays.close::<PfDialog>();
            }
            st.notify(Notice::info(format!(
                "forwarding {} → {}:{} (:pf lists forwards)",
                started.local, spec.target, spec.remote_port
            )));
        }
        PfMsg::StartFailed { target, error } => {
            match st
                .overlays
                .get_mut::<PfDialog>()
                .filter(|d| d.target == target)
            {
                Some(d) => d.error = Some(error),
                None => st.notify(Notice::error(format!("port-forward {target}: {error}"))),
            }
        }
        PfMsg::Status(status) => {
            let before = st
                .forwards
                .rows()
                .iter()
                .find(|r| r.id == status.id)
                .map(|r| r.state.clone());
            if before.as_ref() != Some(&status.state) {
                if let Some(text) = state_notice(&status) {
                    st.notify(text);
                }
            }
            let (id, spec) = (status.id, status.spec());
            let context = st.forwards.context_of(id);
            let elsewhere = !context.is_empty() && context != st.cluster.context;
            st.forwards.apply(status);
            if elsewhere {
                // A stopped forward of another context is not this one's to start again.
                st.forwards.remove_inactive(&spec);
            }
            // A question about a forward that is gone has no answer left.
            if let Some(StopForward(id)) = st.overlays.get::<StopForward>().copied() {
                if !st.forwards.contains(id) {
                    st.overlays.close::<StopForward>();
                }
            }
        }
    }
    Vec::new()
}

/// A status-line message for a forward that just ended on its own or hit an error.
fn state_notice(f: &ForwardStatus) -> Option<Notice> {
    let what = describe(f);
    match &f.state {
        ForwardState::PodGone => Some(Notice::warning(format!(
            "forward {what}: pod {} is gone",
            f.pod.as_deref().unwrap_or(&f.target.name)
        ))),
        ForwardState::Failed(e) => Some(Notice::error(format!("forward {what} failed: {e}"))),
        ForwardState::Error(e) => Some(Notice::warning(format!("forward {what}: {e}"))),
        _ => None,
    }
}

#[cfg(test)]
#[path = "forwards_app_tests.rs"]
mod tests;
