//! Saving port-forwards per context: `s` in the forwards pane saves the selected forward
//! (or forgets a saved one) and the file is written whole; at start the context's saved
//! forwards are listed as inactive rows, each started again with `enter`.

use std::path::PathBuf;

use crate::effect::Effect;
use crate::model::saved_forwards::SavedForwards;
use crate::msg::Notice;
use crate::state::AppState;

/// The saved forwards and where they live.
#[derive(Debug, Clone, Default)]
pub struct SavedStore {
    pub saved: SavedForwards,
    /// `None` when there is no place for state files (no home directory).
    pub path: Option<PathBuf>,
    /// Why the file could not be read: then it is not written over either.
    pub problem: Option<String>,
}

impl SavedStore {
    /// The store from the file's text (`None`: no file yet).
    pub fn load(path: Option<PathBuf>, text: Option<Result<String, String>>) -> SavedStore {
        let parsed = match text {
            None => Ok(SavedForwards::default()),
            Some(Ok(text)) => SavedForwards::parse(&text),
            Some(Err(e)) => Err(e),
        };
        match parsed {
            Ok(saved) => SavedStore {
                saved,
                path,
                problem: None,
            },
            Err(e) => SavedStore {
                saved: SavedForwards::default(),
                problem: Some(match &path {
                    Some(p) => format!("{}: {e}", p.display()),
                    None => e,
                }),
                path,
            },
        }
    }
}

/// At start: this context's saved forwards become inactive rows; a file that could not be
/// read is said once.
pub fn restore(st: &mut AppState) {
    let specs = st.saved_forwards.saved.of(&st.cluster.context).to_vec();
    for spec in specs {
        st.forwards.add_inactive(spec);
    }
    if let Some(problem) = st.saved_forwards.problem.clone() {
        st.notify(Notice::warning(format!(
            "saved port-forwards not read (and not written over): {problem}"
        )));
    }
}

/// Whether the selected row's forward is saved for this context.
pub fn is_saved(st: &AppState, spec: &crate::model::portforward::ForwardSpec) -> bool {
    st.saved_forwards.saved.contains(&st.cluster.context, spec)
}

/// `s`: saves the selected forward for this context, or forgets it if it is saved.
pub fn toggle(st: &mut AppState) -> Vec<Effect> {
    let Some(spec) = st.forwards.selected_entry().map(|e| e.spec()) else {
        st.notify(Notice::warning("no forward selected"));
        return Vec::new();
    };
    if let Some(problem) = &st.saved_forwards.problem {
        let text = format!("cannot save port-forwards: {problem}");
        st.notify(Notice::error(text));
        return Vec::new();
    }
    let context = st.cluster.context.clone();
    let what = format!("{} {}:{}", spec.target, spec.local_port, spec.remote_port);
    if is_saved(st, &spec) {
        st.saved_forwards.saved.forget(&context, &spec);
        st.notify(Notice::info(format!("forgot {what} for {context}")));
    } else {
        st.saved_forwards.saved.save(&context, spec);
        st.notify(Notice::info(format!("saved {what} for {context}")));
    }
    write(st)
}

/// `ctrl-d` on an inactive row: it leaves the list, and is forgotten if it was saved.
pub fn remove(st: &mut AppState, spec: &crate::model::portforward::ForwardSpec) -> Vec<Effect> {
    st.forwards.remove_inactive(spec);
    if !is_saved(st, spec) || st.saved_forwards.problem.is_some() {
        return Vec::new();
    }
    let context = st.cluster.context.clone();
    st.saved_forwards.saved.forget(&context, spec);
    write(st)
}

fn write(st: &mut AppState) -> Vec<Effect> {
    match &st.saved_forwards.path {
        Some(path) => vec![Effect::SaveForwards {
            path: path.clone(),
            contents: st.saved_forwards.saved.to_yaml(),
        }],
        None => {
            st.notify(Notice::error(
                "cannot save port-forwards: no state directory (set XDG_STATE_HOME or HOME)",
            ));
            Vec::new()
        }
    }
}
