//! Kubeconfig contexts in the app: `:ctx` lists them in the main area, `enter` (or
//! `:ctx NAME`) switches in-process. The runtime builds a client for the chosen context
//! (`Effect::SwitchContext`); when it is ready every watch restarts against the new cluster
//! (their generations move on, so late messages of the old cluster are stale), the tables
//! empty, and the view and namespace last used there come back. Port-forwards keep running
//! on the cluster they were started on. Everything opened in the old context's view closes
//! with it (the context is part of the view's identity, see `state::view`).

use std::path::PathBuf;

use crate::action::Action;
use crate::effect::{Effect, Scope};
use crate::keymap::Ctx;
use crate::model::contexts::{ContextMemory, ContextMsg, ContextRow, Remembered};
use crate::model::ClusterInfo;
use crate::msg::Notice;
use crate::state::prompt::{self, CommandKind, ALL_NAMESPACES_ARG};
use crate::state::{forwards_saved, logs, namespaces, AppState, MainView, Pane};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contexts {
    /// Every context of the merged kubeconfigs, in their order.
    pub rows: Vec<ContextRow>,
    pub selected: usize,
    /// The pane shows in the main area.
    pub open: bool,
    /// The last view and namespace per context, and the file they are kept in.
    pub memory: ContextMemory,
    pub memory_path: Option<PathBuf>,
    /// The switch in flight: its generation and the context it goes to.
    pub switching: Option<(u64, String)>,
    /// A new client for the current context in flight (its credential was rejected), and
    /// when it was last asked for.
    renewing: Option<u64>,
    renewed_at: Option<jiff::Timestamp>,
    next_gen: u64,
}

/// While the server rejects the credential, a new client (the kubeconfig and the exec
/// plugin read again) is built at most this often.
pub const RENEW_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(30);

impl Contexts {
    pub fn new(rows: Vec<ContextRow>, memory: ContextMemory, path: Option<PathBuf>) -> Self {
        Contexts {
            rows,
            memory,
            memory_path: path,
            ..Contexts::default()
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.rows.iter().map(|r| r.name.clone()).collect()
    }

    fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }
}

fn pane_focused(st: &AppState) -> bool {
    st.contexts.open && st.focus == Pane::Main && st.logs.is_none()
}

/// The key context while the contexts pane has the keyboard.
pub fn key_ctx(st: &AppState) -> Option<Ctx> {
    pane_focused(st).then_some(Ctx::Contexts)
}

/// `:ctx` opens the pane on the current context; `:ctx NAME` switches at once.
pub fn on_command(st: &mut AppState, arg: Option<&str>) -> Vec<Effect> {
    match arg {
        Some(name) => switch(st, name),
        None => {
            st.forwards_open = false;
            st.contexts.open = true;
            st.focus = Pane::Main;
            let current = &st.cluster.context;
            if let Some(at) = st.contexts.rows.iter().position(|r| &r.name == current) {
                st.contexts.selected = at;
            }
            Vec::new()
        }
    }
}

/// Keys of the pane; `None` leaves the action to the general handling.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if !pane_focused(st) {
        return None;
    }
    let contexts = &mut st.contexts;
    match action {
        Action::Up => contexts.move_by(-1),
        Action::Down => contexts.move_by(1),
        Action::PageUp => contexts.move_by(-10),
        Action::PageDown => contexts.move_by(10),
        Action::Top => contexts.selected = 0,
        Action::Bottom => contexts.move_by(isize::MAX / 2),
        Action::Back => contexts.open = false,
        Action::Copy => {
            return Some(match contexts.rows.get(contexts.selected) {
                Some(row) => vec![Effect::Copy(row.name.clone())],
                None => Vec::new(),
            })
        }
        Action::SwitchContext => {
            let name = contexts.rows.get(contexts.selected).map(|r| r.name.clone());
            return Some(match name {
                Some(name) => switch(st, &name),
                None => {
                    st.notify(Notice::warning("no context selected"));
                    Vec::new()
                }
            });
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Asks the runtime for a client of context `name`; the view stays until it is ready.
pub fn switch(st: &mut AppState, name: &str) -> Vec<Effect> {
    if !st.contexts.rows.iter().any(|r| r.name == name) {
        let known = st.contexts.names().join(", ");
        st.notify(Notice::error(format!(
            "context {name:?} not found in the kubeconfig (contexts: {known})"
        )));
        return Vec::new();
    }
    if name == st.cluster.context && st.contexts.switching.is_none() {
        st.contexts.open = false;
        st.notify(Notice::info(format!("already in context {name}")));
        return Vec::new();
    }
    st.contexts.next_gen += 1;
    let gen = st.contexts.next_gen;
    st.contexts.switching = Some((gen, name.to_string()));
    st.contexts.renewing = None;
    st.notify(Notice::info(format!("switching to context {name}…")));
    let mut effects = remember_here(st);
    effects.push(Effect::SwitchContext {
        name: name.to_string(),
        gen,
    });
    effects
}

/// The `:` command that shows the current view again (a kind's name for the generic view).
fn view_command(st: &AppState) -> Option<String> {
    match st.view {
        MainView::Resources => st
            .resources
            .api
            .as_ref()
            .map(|a| a.object.plural.to_string()),
        view => view.spec().command.as_ref().map(|c| c.names[0].to_string()),
    }
}

/// Remembers the current context's view and namespace; the file is written when that
/// changed anything.
pub fn remember_here(st: &mut AppState) -> Vec<Effect> {
    let Some(view) = view_command(st) else {
        return Vec::new();
    };
    let at = Remembered {
        view,
        namespace: match &st.scope {
            Scope::All => ALL_NAMESPACES_ARG.to_string(),
            Scope::Namespace(ns) => ns.to_string(),
        },
    };
    let context = st.cluster.context.clone();
    if !st.contexts.memory.set(&context, at) {
        return Vec::new();
    }
    match &st.contexts.memory_path {
        Some(path) => vec![Effect::WriteState {
            path: path.clone(),
            contents: st.contexts.memory.render(),
        }],
        None => Vec::new(),
    }
}

/// The scope to start a context in: what was used there last, else the context's own.
pub fn remembered_scope(memory: &ContextMemory, context: &str, namespace: &str) -> Scope {
    match memory.get(context).map(|r| r.namespace.as_str()) {
        Some(ALL_NAMESPACES_ARG) => Scope::All,
        Some(ns) if !ns.is_empty() => Scope::Namespace(ns.into()),
        _ => Scope::Namespace(namespace.into()),
    }
}

/// The remembered view of the current context, when it is a typed one (the generic
/// view's kind needs discovery: see [`remembered_kind`]).
pub fn restore_view(st: &mut AppState) {
    let Some(command) = st.contexts.memory.get(&st.cluster.context) else {
        return;
    };
    match prompt::find_command(&command.view).map(|c| c.kind) {
        Some(CommandKind::View(view)) => st.view = view,
        _ => st.view = MainView::Pods,
    }
}

/// The remembered view of the current context when it is a kind only discovery knows
/// (`configmaps`, a CRD): run once discovery answers.
pub fn remembered_kind(st: &AppState) -> Option<String> {
    let command = st.contexts.memory.get(&st.cluster.context)?;
    match prompt::find_command(&command.view) {
        Some(_) => None,
        None => Some(command.view.clone()),
    }
}

/// Whether the watches fail because the server rejects the credential (or the plugin
/// cannot make one).
fn credential_rejected(st: &AppState) -> bool {
    [&st.main_watch, &st.ns_watch].iter().any(|w| {
        w.error.as_deref().is_some_and(|e| {
            e.starts_with("credential rejected") || e.starts_with("credential plugin")
        })
    })
}

/// On a tick: while the credential is rejected, a client is built again every
/// [`RENEW_EVERY`], as kubectl runs its plugin again after a 401. kube-rs refreshes a token
/// that expires by itself; this covers the rest: a plugin credential without an expiry, a
/// token or certificate changed in the kubeconfig, a user who logged in again meanwhile.
pub fn renew_if_rejected(st: &mut AppState) -> Vec<Effect> {
    let idle = st.contexts.switching.is_none() && st.contexts.renewing.is_none();
    let due = st
        .contexts
        .renewed_at
        .is_none_or(|at| st.now.duration_since(at) >= RENEW_EVERY);
    if !idle || !due || !credential_rejected(st) {
        return Vec::new();
    }
    st.contexts.next_gen += 1;
    let gen = st.contexts.next_gen;
    st.contexts.renewing = Some(gen);
    st.contexts.renewed_at = Some(st.now);
    vec![Effect::SwitchContext {
        name: st.cluster.context.clone(),
        gen,
    }]
}

/// The new client of the current context: the watches restart on it, the rows stay until
/// their relist replaces them.
fn renewed(st: &mut AppState, gen: u64, info: ClusterInfo) -> Vec<Effect> {
    st.contexts.renewing = None;
    if info.context != st.cluster.context {
        return Vec::new();
    }
    st.cluster = ClusterInfo {
        version: st.cluster.version.take(),
        ..info
    };
    let mut effects = vec![Effect::UseContext(gen)];
    effects.extend(st.start());
    effects
}

pub fn on_msg(st: &mut AppState, msg: ContextMsg) -> Vec<Effect> {
    let current = st.contexts.switching.as_ref().map(|(gen, _)| *gen);
    let renewing = st.contexts.renewing;
    match msg {
        ContextMsg::Connected { gen, info, .. } if Some(gen) == renewing => renewed(st, gen, info),
        // Still no client: the header keeps saying why; the next try comes later.
        ContextMsg::Failed { gen, .. } if Some(gen) == renewing => {
            st.contexts.renewing = None;
            Vec::new()
        }
        ContextMsg::Failed { gen, name, error } if Some(gen) == current => {
            st.contexts.switching = None;
            st.notify(Notice::error(format!(
                "cannot switch to context {name}: {error}"
            )));
            Vec::new()
        }
        ContextMsg::Connected {
            gen,
            info,
            namespace,
            version,
        } if Some(gen) == current => {
            st.contexts.switching = None;
            arrive(st, gen, info, &namespace, version)
        }
        // The answer to a switch the user replaced with another.
        _ => Vec::new(),
    }
}

/// Everything of the old cluster goes; the new one's watches start.
fn arrive(
    st: &mut AppState,
    gen: u64,
    info: ClusterInfo,
    namespace: &str,
    version: Result<String, String>,
) -> Vec<Effect> {
    let mut effects = logs::app::close(st);
    effects.push(Effect::UseContext(gen));
    let name = info.context.clone();
    st.cluster = info;
    match version {
        Ok(v) => {
            st.cluster.version = Some(v);
            st.version_error = None;
        }
        Err(e) => {
            st.cluster.version = None;
            st.version_error = Some(e);
        }
    }
    st.scope = remembered_scope(&st.contexts.memory, &name, namespace);
    st.namespaces = namespaces::new_table();
    for view in [MainView::Pods, MainView::Services, MainView::Deployments] {
        st.view = view;
        st.clear_main();
    }
    st.resources = Default::default();
    st.trail.forget();
    st.discovery = Default::default();
    st.metrics = Default::default();
    st.main_watch = crate::state::WatchStatus::idle();
    st.contexts.open = false;
    st.forwards_open = false;
    st.focus = Pane::Main;
    st.view = MainView::Pods;
    restore_view(st);
    // The old context's inactive forwards are not this one's; its saved ones are.
    st.forwards.clear_inactive();
    forwards_saved::restore(st);
    effects.extend(st.start_in_context());
    st.notify(Notice::info(format!("switched to context {name}")));
    effects
}

#[cfg(test)]
#[path = "contexts_tests.rs"]
mod tests;
