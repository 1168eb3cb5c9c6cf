//! Object actions on the selected row: delete (after confirmation, never in --readonly),
//! and the YAML / describe text view.

use crate::action::Action;
use crate::effect::Effect;
use crate::keymap::KeyChord;
use crate::model::objects::{Identity, ObjectEffect, ObjectMsg, ObjectRef, CONTAINERS_TITLE};
use crate::msg::Notice;
use crate::state::typed_confirm::TypedName;
use crate::state::{AppState, Pane};

/// The delete confirmation: what it names, and which object exactly once the server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteConfirm {
    pub context: String,
    pub obj: ObjectRef,
    /// `None` until the object's uid is known; confirming waits for it.
    pub identity: Option<Identity>,
    /// In a protected context: the name to type instead of the confirm key.
    pub typed: Option<TypedName>,
}

/// A read-only, scrollable text (YAML or describe output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextView {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
    /// Lines that fit on screen, set by `AppState::refresh`.
    pub viewport: usize,
    pub loading: bool,
}

impl TextView {
    pub fn loading(title: String) -> TextView {
        TextView {
            title,
            lines: Vec::new(),
            scroll: 0,
            viewport: 0,
            loading: true,
        }
    }

    /// A text already known (results of a change).
    pub fn with_lines(title: String, lines: Vec<String>) -> TextView {
        TextView {
            lines,
            loading: false,
            ..TextView::loading(title)
        }
    }

    fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.viewport.max(1))
    }

    /// Keeps the scroll position inside the text once the viewport is known.
    pub fn clamp(&mut self, viewport: usize) {
        self.viewport = viewport;
        self.scroll = self.scroll.min(self.max_scroll());
    }

    fn scroll_by(&mut self, delta: isize) {
        let target = self.scroll as isize + delta;
        self.scroll = target.clamp(0, self.max_scroll() as isize) as usize;
    }
}

/// The object under the cursor of the focused table, if the pane shows objects.
pub fn selected_object(st: &AppState) -> Option<ObjectRef> {
    if st.focus == Pane::Main && st.forwards_open {
        return None;
    }
    st.table(st.focus).selected_object()
}

/// Delete, YAML, describe; `None` leaves the action to the general handling.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let make: fn(ObjectRef) -> ObjectEffect = match action {
        Action::Delete => {
            if st.readonly {
                st.notify(Notice::warning(
                    "read-only mode (--readonly): delete refused",
                ));
            } else if let Some(obj) = selected_object(st) {
                st.overlays.open(DeleteConfirm {
                    context: st.cluster.context.clone(),
                    typed: TypedName::when(st.cluster.protected, &obj.name),
                    obj: obj.clone(),
                    identity: None,
                });
                return Some(vec![Effect::Object(ObjectEffect::Identify(obj))]);
            } else {
                st.notify(Notice::warning("nothing selected to delete"));
            }
            return Some(Vec::new());
        }
        Action::Yaml => ObjectEffect::Yaml,
        Action::Describe => ObjectEffect::Describe,
        Action::Reveal => {
            let secret = selected_object(st).is_some_and(|o| o.kind.is("", "Secret"));
            if !secret {
                st.notify(Notice::warning("only a Secret's values can be revealed"));
                return Some(Vec::new());
            }
            ObjectEffect::Reveal
        }
        _ => return None,
    };
    let Some(obj) = selected_object(st) else {
        st.notify(Notice::warning("nothing selected"));
        return Some(Vec::new());
    };
    let effect = make(obj);
    st.overlays.open(TextView::loading(effect.title()));
    Some(vec![Effect::Object(effect)])
}

/// `enter` on a pod: its containers and probes, fetched now.
pub fn open_containers(st: &mut AppState, obj: ObjectRef) -> Vec<Effect> {
    let effect = ObjectEffect::Containers(obj);
    st.overlays.open(TextView::loading(effect.title()));
    vec![Effect::Object(effect)]
}

/// The keys of an open YAML / describe view.
pub fn on_text_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(view) = st.overlays.get_mut::<TextView>() else {
        return Vec::new();
    };
    let page = view.viewport.max(1) as isize;
    match action {
        Action::Back | Action::Yaml | Action::Describe => {
            st.overlays.close::<TextView>();
        }
        Action::Quit => st.quit = true,
        Action::Down => view.scroll_by(1),
        Action::Up => view.scroll_by(-1),
        Action::PageDown => view.scroll_by(page),
        Action::PageUp => view.scroll_by(-page),
        Action::Top => view.scroll = 0,
        Action::Bottom => view.scroll = view.max_scroll(),
        Action::Copy => return vec![Effect::Copy(view.lines.join("\n"))],
        // In a pod's containers view: the logs of its containers (a picker for several).
        Action::Logs if view.title.starts_with(CONTAINERS_TITLE) => {
            st.overlays.close::<TextView>();
            return super::logs::app::on_pods_action(st, Action::Logs).unwrap_or_default();
        }
        _ => {}
    }
    Vec::new()
}

/// The delete confirmation has the keyboard: the confirm key deletes the object it names
/// (once its uid is known), any other key cancels.
pub fn on_confirm_key(st: &mut AppState, key: KeyChord) -> Vec<Effect> {
    let yes = st.keymap.confirms(key);
    answer(st, yes)
}

/// The answer to the delete confirmation (a key, or the typed name in a protected context).
pub fn answer(st: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(confirm) = st.overlays.close::<DeleteConfirm>() else {
        return Vec::new();
    };
    if !yes {
        st.notify(Notice::info("delete cancelled"));
        return Vec::new();
    }
    let Some(confirmed) = confirm.identity.clone() else {
        st.notify(Notice::warning(format!(
            "still looking up {}; confirm again in a moment",
            confirm.obj.label()
        )));
        st.overlays.open(confirm);
        return Vec::new();
    };
    st.notify(Notice::info(format!("deleting {}…", confirm.obj.label())));
    vec![Effect::Object(ObjectEffect::Delete {
        obj: confirm.obj,
        confirmed,
    })]
}

pub fn on_msg(st: &mut AppState, msg: ObjectMsg) -> Vec<Effect> {
    match msg {
        ObjectMsg::Drilled { from, result } => return super::drill::on_drilled(st, from, result),
        ObjectMsg::Insight { obj, result } => {
            let asked = st.resources.insight_asked.as_ref().map(|(o, _)| o);
            if asked == Some(&obj) {
                st.resources.insight = Some((obj, result));
                st.dirty = true;
            }
        }
        ObjectMsg::Identified { obj, result } => {
            // Only the confirmation that asked takes the answer.
            let Some(confirm) = st
                .overlays
                .get_mut::<DeleteConfirm>()
                .filter(|c| c.obj == obj)
            else {
                return Vec::new();
            };
            match result {
                Ok(identity) => confirm.identity = Some(identity),
                Err(e) => {
                    st.overlays.close::<DeleteConfirm>();
                    st.notify(Notice::error(format!("cannot delete: {e}")));
                }
            }
            st.dirty = true;
        }
        ObjectMsg::Deleted(Ok(text)) => st.notify(Notice::info(text)),
        ObjectMsg::Deleted(Err(text)) => st.notify(Notice::error(text)),
        ObjectMsg::Text { title, result } => {
            // An answer for a view the user already closed is dropped.
            let Some(view) = st
                .overlays
                .get_mut::<TextView>()
                .filter(|v| v.title == title)
            else {
                return Vec::new();
            };
            view.loading = false;
            match result {
                Ok(text) => view.lines = text.lines().map(str::to_owned).collect(),
                Err(e) => {
                    st.overlays.close::<TextView>();
                    st.notify(Notice::error(e));
                }
            }
            st.dirty = true;
        }
    }
    Vec::new()
}
