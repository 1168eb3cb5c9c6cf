//! `update`: the only place state changes. Synchronous, no I/O; side effects are returned.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::action::Action;
use crate::effect::{Effect, Scope, WatchSlot};
use crate::keymap::{Ctx, KeyChord, Lookup};
use crate::msg::{KubeMsg, Msg, Notice, WatchEvent};
use crate::state::change;
use crate::state::drill;
use crate::state::forwards_app;
use crate::state::help;
use crate::state::logs;
use crate::state::modal::Modal;
use crate::state::objects;
use crate::state::palette;
use crate::state::prompt::{self, CommandKind, ALL_NAMESPACES_ARG};
use crate::state::resources::command::Resolved;
use crate::state::rollouts;
use crate::state::session;
use crate::state::{
    AppState, Connection, HelpState, MainView, Pane, Phase, Prompt, PromptKind, ViewTable,
    FOCUS_ORDER,
};

pub fn update(st: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = handle(st, msg);
    effects.extend(st.enforce_view_ownership());
    effects.extend(crate::state::resources::follow_selection(st));
    effects.extend(crate::state::metrics::follow(st));
    effects.extend(crate::state::access::follow(st));
    // Last: every change to the cluster passes the gate (refused, or audited).
    crate::state::gate::pass(st, effects)
}

fn handle(st: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(ev) => {
            // Key repeat/release events (where the terminal reports them) are not presses.
            if ev.kind != crossterm::event::KeyEventKind::Press {
                return Vec::new();
            }
            st.dirty = true;
            on_key(st, KeyChord::from_event(&ev))
        }
        Msg::Paste(text) => {
            st.dirty = true;
            // Only prompts take text; a paste elsewhere must not turn into key presses.
            let line: String = text.chars().filter(|c| !c.is_control()).collect();
            edit_prompt(st, |input| input.push_str(&line))
        }
        Msg::Mouse(input) => crate::state::mouse::on_mouse(st, input),
        Msg::Action(a) => {
            st.dirty = true;
            on_action(st, a)
        }
        Msg::Resize(w, h) => {
            st.size = (w, h);
            st.dirty = true;
            Vec::new()
        }
        Msg::Tick(now) => {
            // Ages are shown in whole seconds: redraw only when one changes.
            if now.as_second() != st.now.as_second() {
                st.dirty = true;
            }
            st.now = now;
            st.expire_notice();
            crate::state::contexts::renew_if_rejected(st)
        }
        Msg::Kube(km) => {
            let history = matches!(km.key.slot, WatchSlot::History | WatchSlot::HistoryOwner);
            let mut effects = on_kube(st, km);
            if history {
                effects.extend(rollouts::app::refresh_diff(st));
            }
            effects
        }
        Msg::ServerVersion(result) => {
            match result {
                Ok(v) => {
                    st.cluster.version = Some(v);
                    st.version_error = None;
                }
                Err(e) => st.version_error = Some(e),
            }
            st.dirty = true;
            Vec::new()
        }
        Msg::Notice(n) => {
            st.notify(n);
            Vec::new()
        }
        Msg::Logs(m) => {
            logs::app::on_msg(st, m);
            Vec::new()
        }
        Msg::LogContainers { target, containers } => {
            logs::app::on_containers(st, target, containers)
        }
        Msg::Forward(m) => forwards_app::on_msg(st, m),
        Msg::Context(m) => crate::state::contexts::on_msg(st, m),
        Msg::Rollout(m) => rollouts::app::on_msg(st, *m),
        Msg::Helm(m) => crate::state::helm::app::on_msg(st, *m),
        Msg::Object(m) => objects::on_msg(st, m),
        Msg::Change(m) => change::on_msg(st, *m),
        Msg::Edited { obj, outcome } => {
            session::on_edited(st, obj, outcome);
            Vec::new()
        }
        Msg::ExecEnded { target, end } => {
            session::on_exec_ended(st, target, end);
            Vec::new()
        }
        Msg::Metrics(answer) => {
            if st.metrics.on_answer(answer, st.now) {
                st.dirty = true;
            }
            Vec::new()
        }
        Msg::Access { query, answer } => crate::state::access::on_answer(st, query, answer),
        Msg::Discovery(answer) => {
            st.dirty = true;
            let command = st.discovery.on_answer(answer, st.now);
            st.metrics.on_discovery(&st.discovery.catalog);
            match command {
                Some(command) => run_command_once(st, &command, false),
                None => Vec::new(),
            }
        }
    }
}

/// A watch message. Any message but an error means the server answered: it clears the
/// watch's error, and when that ends "reconnecting" the server version is asked again
/// (it was lost from the header, and the server that answers may be another one).
fn on_kube(st: &mut AppState, km: KubeMsg) -> Vec<Effect> {
    let was_reconnecting = matches!(st.connection(), Connection::Reconnecting(_));
    apply_kube(st, km);
    if was_reconnecting && !matches!(st.connection(), Connection::Reconnecting(_)) {
        return vec![Effect::FetchServerVersion];
    }
    Vec::new()
}

fn apply_kube(st: &mut AppState, km: KubeMsg) {
    let watch = match km.key.slot {
        WatchSlot::Namespaces => &mut st.ns_watch,
        WatchSlot::Main => &mut st.main_watch,
        WatchSlot::History => &mut st.rollout.watch,
        WatchSlot::HistoryOwner => &mut st.rollout.owner_watch,
    };
    if watch.key != Some(km.key) {
        return; // a message from a replaced watch (namespace switched): stale
    }
    st.dirty = true;
    if let WatchEvent::Error(e) = km.event {
        watch.error = Some(e);
        return;
    }
    if let WatchEvent::Polling(secs) = km.event {
        watch.polling = Some(secs);
    }
    watch.error = None;
    if matches!(km.event, WatchEvent::Synced) {
        watch.phase = Phase::Live;
    }
    match km.key.slot {
        WatchSlot::Namespaces => st.namespaces.apply(km.event),
        WatchSlot::History | WatchSlot::HistoryOwner => {
            rollouts::app::on_watch(st, km.key.slot, km.event)
        }
        WatchSlot::Main => {
            st.main_table_mut().apply(km.event);
            drill::reselect(st);
        }
    }
}

pub(super) fn on_key(st: &mut AppState, key: KeyChord) -> Vec<Effect> {
    // Suspending works from anywhere, a dialog or the prompt too: it stays open for `fg`.
    if st.keymap.lookup(Ctx::Global, &[], key) == Lookup::Action(Action::Suspend) {
        st.pending_keys.clear();
        return vec![Effect::Suspend];
    }
    let modal = st.modal();
    match modal {
        // Questions take the next key whatever it is: yes, or cancel.
        Some(Modal::RolloutConfirm | Modal::RolloutPlanning) => {
            return rollouts::app::on_dialog_key(st, key)
        }
        Some(Modal::ConfirmDelete) => return objects::on_confirm_key(st, key),
        Some(Modal::HelmConfirm | Modal::HelmPlanning) => {
            return crate::state::helm::app::on_dialog_key(st, key)
        }
        Some(Modal::StopForward) => return forwards_app::on_stop_key(st, key),
        // Printable characters are text; other keys go through the table.
        Some(m) if m.takes_text() => {
            if let Some(c) = key.text_char() {
                return type_char(st, m, c);
            }
        }
        _ => {}
    }
    let ctx = st.key_ctx();
    match st.keymap.lookup(ctx, &st.pending_keys, key) {
        Lookup::Action(a) => {
            st.pending_keys.clear();
            on_action(st, a)
        }
        Lookup::Pending => {
            st.pending_keys.push(key);
            Vec::new()
        }
        Lookup::None => {
            st.pending_keys.clear();
            // ctrl-c always quits, even when a config rebinds quit elsewhere.
            if key == KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL) {
                st.quit = true;
            }
            Vec::new()
        }
    }
}

/// A printable key typed into the modal that takes text.
fn type_char(st: &mut AppState, modal: Modal, c: char) -> Vec<Effect> {
    match modal {
        Modal::Prompt => edit_prompt(st, |input| input.push(c)),
        Modal::ScaleInput => rollouts::app::on_scale_char(st, c),
        Modal::TypeName => crate::state::typed_confirm::on_char(st, c),
        Modal::PortForwardDialog => forwards_app::on_dialog_char(st, c),
        Modal::Form => change::on_form_char(st, c),
        _ => Vec::new(),
    }
}

pub(super) fn on_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    match st.modal() {
        Some(Modal::Prompt) => return on_prompt_action(st, action),
        Some(Modal::Help) => return help::on_action(st, action),
        Some(Modal::ScaleInput) => return rollouts::app::on_scale_action(st, action),
        Some(Modal::TypeName) => return crate::state::typed_confirm::on_action(st, action),
        Some(Modal::Text) => return objects::on_text_action(st, action),
        Some(Modal::PortForwardDialog) => return forwards_app::on_dialog_action(st, action),
        Some(Modal::Form) => return change::on_form_action(st, action),
        Some(Modal::LogPicker) => {
            if let Some(effects) = logs::app::on_picker_action(st, action) {
                return effects;
            }
        }
        _ => {}
    }
    if let Some(effects) = crate::state::access::before(st, action) {
        return effects;
    }
    if let Some(effects) = crate::state::helm::app::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = change::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = objects::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = session::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = crate::state::contexts::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = forwards_app::on_action(st, action) {
        return effects;
    }
    if let Some(effects) = logs::app::on_action(st, action) {
        return effects;
    }
    if st.logs.is_none() && !st.overlays.is_open::<logs::ContainerPicker>() {
        if let Some(effects) = logs::app::on_pods_action(st, action) {
            return effects;
        }
    }
    if let Some(effects) = rollouts::app::on_action(st, action) {
        return effects;
    }
    match action {
        Action::Quit => st.quit = true,
        Action::Help => st.overlays.open(HelpState::default()),
        Action::Command => {
            st.prompt = Some(Prompt::new(PromptKind::Command, String::new()));
            // A kind created since the last look (a new CRD) is then known by the time the
            // user has typed its name.
            return st.discovery.refresh(st.now);
        }
        Action::ToggleWide if st.view == MainView::Resources => {
            st.resources.wide = !st.resources.wide;
        }
        Action::Filter if st.logs.is_some() => {
            let current = st
                .logs
                .as_ref()
                .and_then(|l| l.pattern().map(|p| p.as_str().to_string()))
                .unwrap_or_default();
            st.prompt = Some(Prompt::new(PromptKind::Search, current));
        }
        Action::Filter => {
            let current = st.filter_of(st.focus).to_string();
            st.prompt = Some(Prompt::new(PromptKind::Filter(st.focus), current));
        }
        Action::FocusNext => cycle_focus(st, 1),
        Action::FocusPrev => cycle_focus(st, -1),
        Action::Zoom => st.zoomed = !st.zoomed,
        Action::Back => {
            if !st.filter_of(st.focus).is_empty() {
                return clear_filter(st, st.focus);
            } else if st.zoomed {
                st.zoomed = false;
            } else if let Some(effects) = drill::back(st) {
                return effects;
            } else {
                st.notice = None;
            }
        }
        Action::Up => st.table_mut(st.focus).move_by(-1),
        Action::Down => st.table_mut(st.focus).move_by(1),
        Action::PageUp => st.table_mut(st.focus).page(-1),
        Action::PageDown => st.table_mut(st.focus).page(1),
        Action::Top => st.table_mut(st.focus).select_first(),
        Action::Bottom => st.table_mut(st.focus).select_last(),
        Action::Select => {
            if st.focus == Pane::Namespaces {
                if let Some(row) = st.namespaces.selected_row() {
                    let ns = row.name.clone();
                    return switch_scope(st, Scope::Namespace(ns));
                }
                // No list to choose from (e.g. forbidden): the name is typed instead.
                if st.ns_watch.error.is_some() {
                    st.prompt = Some(Prompt::new(PromptKind::Command, "ns ".to_string()));
                    return Vec::new();
                }
            }
            if let Some(effects) = drill::on_select(st) {
                return effects;
            }
        }
        Action::AllNamespaces => return switch_scope(st, Scope::All),
        Action::Events => return drill::events_of_selected(st),
        Action::Copy => {
            let name = st.table(st.focus).selected_name();
            return match name {
                Some(n) => vec![Effect::Copy(n)],
                None => {
                    st.notify(Notice::warning("nothing selected to copy"));
                    Vec::new()
                }
            };
        }
        a => {
            if st.focus == Pane::Main {
                st.main_table_mut().sort_by(a);
            }
        }
    }
    Vec::new()
}

fn cycle_focus(st: &mut AppState, step: isize) {
    let n = FOCUS_ORDER.len() as isize;
    let at = FOCUS_ORDER.iter().position(|p| *p == st.focus).unwrap_or(0) as isize;
    st.focus = FOCUS_ORDER[((at + step).rem_euclid(n)) as usize];
}

/// Switches the pods pane to `scope`: the old watch stops, a new one starts, and messages
/// still in flight from the old one are ignored by generation.
pub(super) fn switch_scope(st: &mut AppState, scope: Scope) -> Vec<Effect> {
    if scope == st.scope && st.main_watch.key.is_some() {
        return Vec::new();
    }
    st.scope = scope;
    st.clear_main();
    st.focus = Pane::Main;
    st.restart_main_watch()
}

/// Filters a pane's table as the user types (a `-l`/`-f` selector waits for `enter`).
fn set_filter(st: &mut AppState, pane: Pane, text: &str) {
    st.table_mut(pane).set_filter(text);
}

/// The filter the user kept (`enter`): a server-side selector in it now applies.
fn keep_filter(st: &mut AppState, pane: Pane) -> Vec<Effect> {
    match pane {
        Pane::Main => st.sync_filter_selector(),
        Pane::Namespaces => Vec::new(),
    }
}

/// `esc`: no filter, and no server-side selector from one.
fn clear_filter(st: &mut AppState, pane: Pane) -> Vec<Effect> {
    set_filter(st, pane, "");
    keep_filter(st, pane)
}

fn edit_prompt(st: &mut AppState, f: impl FnOnce(&mut String)) -> Vec<Effect> {
    let Some(p) = st.prompt.as_mut() else {
        return Vec::new();
    };
    f(&mut p.input);
    p.candidates.clear();
    if p.kind == PromptKind::Command {
        palette::refresh(st);
    } else if let PromptKind::Filter(pane) = p.kind {
        let text = p.input.clone();
        set_filter(st, pane, &text);
    } else if p.kind == PromptKind::HelpFilter {
        let text = p.input.clone();
        help::set_filter(st, &text);
    } else if p.kind == PromptKind::Search {
        let text = p.input.clone();
        logs::app::on_search_edit(st, &text);
    }
    Vec::new()
}

fn on_prompt_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(p) = st.prompt.as_ref() else {
        return Vec::new();
    };
    let kind = p.kind;
    match action {
        Action::Quit => st.quit = true,
        Action::DeleteBack => {
            return edit_prompt(st, |s| {
                s.pop();
            })
        }
        Action::ClearLine => return edit_prompt(st, String::clear),
        Action::Cancel => {
            st.prompt = None;
            if let PromptKind::Filter(pane) = kind {
                return clear_filter(st, pane);
            } else if kind == PromptKind::HelpFilter {
                help::set_filter(st, "");
            } else if kind == PromptKind::Search {
                logs::app::on_search_cancel(st);
            }
        }
        Action::Complete if kind == PromptKind::Command => palette::complete(st),
        Action::Up | Action::Down if kind == PromptKind::Command => {
            palette::choose(st, if action == Action::Down { 1 } else { -1 })
        }
        Action::Submit => {
            if kind == PromptKind::Command {
                palette::take_chosen(st);
            }
            let input = st.prompt.take().map(|p| p.input).unwrap_or_default();
            if kind == PromptKind::Command {
                return run_command(st, input.trim());
            }
            if kind == PromptKind::Search {
                logs::app::on_search_submit(st, &input);
            }
            if let PromptKind::Filter(pane) = kind {
                return keep_filter(st, pane);
            }
        }
        _ => {}
    }
    Vec::new()
}

fn run_command(st: &mut AppState, input: &str) -> Vec<Effect> {
    run_command_once(st, input, true)
}

/// Runs a command line. A name that is no command is looked up among the kinds the server
/// serves; if it is not there either and `may_ask` is set, discovery is read again first
/// (the kind may be a CRD created a moment ago) and the command runs when it answers.
fn run_command_once(st: &mut AppState, input: &str, may_ask: bool) -> Vec<Effect> {
    let name = input.split_whitespace().next().unwrap_or_default();
    if name.is_empty() {
        return Vec::new();
    }
    // A view chosen by name starts a new way in: no drill-down to walk back.
    st.trail.forget();
    if prompt::find_command(name).is_none() {
        let resolved = st.discovery.resolve(name);
        return match resolved {
            Some(found) => open_resolved(st, input, found),
            None if may_ask => st.discovery.ask_again(input),
            None => {
                let why = st
                    .discovery
                    .error
                    .as_ref()
                    .map(|e| format!(" (discovery failed: {e})"))
                    .unwrap_or_default();
                st.notify(Notice::error(format!(
                    "unknown command or resource {name:?}{why}"
                )));
                Vec::new()
            }
        };
    }
    if let Some(CommandKind::Change) = prompt::find_command(name).map(|c| c.kind) {
        let words: Vec<&str> = input.split_whitespace().skip(1).collect();
        return change::on_command(st, name, &words);
    }
    let cmd = match prompt::parse_command(input) {
        Ok(c) => c,
        Err(e) => {
            st.notify(Notice::error(e));
            return Vec::new();
        }
    };
    // Going to another view leaves the logs view (and stops its stream).
    let mut effects = match cmd.kind {
        CommandKind::Quit | CommandKind::Help => Vec::new(),
        _ => logs::app::close(st),
    };
    effects.extend(run_parsed_command(st, cmd));
    effects
}

fn run_parsed_command(st: &mut AppState, cmd: prompt::ParsedCommand) -> Vec<Effect> {
    match cmd.kind {
        CommandKind::Quit => {
            st.quit = true;
            Vec::new()
        }
        CommandKind::Help => {
            st.overlays.open(HelpState::default());
            Vec::new()
        }
        CommandKind::Namespace => match cmd.arg {
            None => {
                st.focus = Pane::Namespaces;
                Vec::new()
            }
            Some(name) => switch_to_named(st, &name),
        },
        CommandKind::Forwards => forwards_app::on_command(st, cmd.arg.as_deref()),
        CommandKind::Contexts => crate::state::contexts::on_command(st, cmd.arg.as_deref()),
        CommandKind::Change => Vec::new(),
        CommandKind::View(view) => {
            st.forwards_open = false;
            st.contexts.open = false;
            let mut effects = Vec::new();
            if st.view != view {
                st.view = view;
                st.clear_main();
                effects = st.restart_main_watch();
            }
            st.focus = Pane::Main;
            if let Some(name) = cmd.arg {
                effects.extend(switch_to_named(st, &name));
            }
            effects
        }
    }
}

/// Opens the view a resource name resolved to, with an optional namespace (or `all`).
pub(super) fn open_resolved(st: &mut AppState, input: &str, found: Resolved) -> Vec<Effect> {
    let words: Vec<&str> = input.split_whitespace().collect();
    if let Some(extra) = words.get(2) {
        st.notify(Notice::error(format!("{}: unexpected {extra:?}", words[0])));
        return Vec::new();
    }
    let arg = words.get(1).map(|s| s.to_string());
    let mut effects = logs::app::close(st);
    match found {
        Resolved::Typed(view) => effects.extend(run_parsed_command(
            st,
            prompt::ParsedCommand {
                kind: CommandKind::View(view),
                arg,
            },
        )),
        Resolved::Generic(api) => {
            effects.extend(open_generic(st, api));
            if let Some(name) = arg {
                effects.extend(switch_to_named(st, &name));
            }
        }
    }
    effects
}

/// Shows `api` in the generic view.
fn open_generic(
    st: &mut AppState,
    api: std::sync::Arc<crate::model::discovery::ApiKind>,
) -> Vec<Effect> {
    st.forwards_open = false;
    st.contexts.open = false;
    st.view = MainView::Resources;
    st.resources.show(api);
    st.focus = Pane::Main;
    st.restart_main_watch()
}

/// `:ns NAME`: refuses a name the namespace list does not know, unless that list is
/// unavailable (e.g. forbidden), in which case the user may know better.
fn switch_to_named(st: &mut AppState, name: &str) -> Vec<Effect> {
    if name == ALL_NAMESPACES_ARG {
        return switch_scope(st, Scope::All);
    }
    let key = crate::model::rows::RowKey::cluster(name);
    let known = st.namespaces.get(&key).is_some();
    let list_usable = st.ns_watch.phase == Phase::Live && st.ns_watch.error.is_none();
    if !known && list_usable {
        st.notify(Notice::error(format!("namespace {name:?} not found")));
        return Vec::new();
    }
    st.namespaces.select_key(&key);
    switch_scope(st, Scope::Namespace(name.into()))
}
