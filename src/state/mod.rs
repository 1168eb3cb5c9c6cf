//! Application state, owned by the app task alone, and `update`: messages in, effects out.
//!
//! The main views are described once in [`views`] and reached through one interface,
//! [`view_table::ViewTable`] (`AppState::main_table`); each has a module for its rows'
//! columns, sort and filter (`pods`, `services`, `workloads`, `namespaces`) over the generic
//! live [`table`]. Every other kind is shown by the generic view, [`resources`] (the
//! server's own table; `resources::command` resolves `:NAME` through discovery), and
//! [`drill`] is `enter` into an object and `esc` back out. Everything modal lives in one
//! stack ([`overlay`]); [`modal`] says what has the keyboard; [`view`] closes what belonged
//! to a view when it changes. Logs, rollouts and port-forwards have their own modules;
//! `prompt` is the command line and filter.

pub mod access;
pub mod change;
pub mod contexts;
pub mod drill;
#[cfg(test)]
mod filter_tests;
pub mod forwards;
pub mod forwards_app;
pub mod forwards_saved;
pub mod gate;
pub mod helm;
pub mod help;
pub mod layout;
pub mod logs;
pub mod metrics;
pub mod modal;
pub mod mouse;
pub mod namespaces;
mod notice;
pub mod objects;
pub mod overlay;
pub mod palette;
pub mod pf_dialog;
pub mod pods;
pub mod prompt;
pub mod resources;
pub mod rollouts;
pub mod services;
pub mod session;
pub mod table;
pub mod typed_confirm;
mod update;
pub mod view;
pub mod view_table;
pub mod views;
pub mod workloads;

use crate::state::objects::TextView;
use std::sync::Arc;

use jiff::Timestamp;
use ratatui::layout::Rect;

use crate::effect::{Effect, ResourceKind, Scope, WatchKey, WatchSlot, WatchTarget};
use crate::keymap::{Ctx, KeyChord, Keymap};
pub use crate::model::ClusterInfo;
use crate::msg::{Notice, FORBIDDEN};
use namespaces::NamespaceTable;
use pods::PodTable;
pub use prompt::{Prompt, PromptKind};
pub use update::update;
pub use view::{Awaiting, ViewId};
pub use view_table::ViewTable;
pub use views::MainView;

pub use crate::msg::mouse::Pane;

/// Panes that take the focus, in Tab order.
pub const FOCUS_ORDER: [Pane; 2] = [Pane::Namespaces, Pane::Main];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Started, nothing heard yet (or relisting before the first sync).
    Loading,
    /// Listed once; events flow.
    Live,
}

/// The state of the watch behind a pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchStatus {
    pub key: Option<WatchKey>,
    pub phase: Phase,
    /// The last error, until the watch recovers (the watcher retries with backoff).
    pub error: Option<String>,
    /// The kind cannot be watched: re-listed every this many seconds.
    pub polling: Option<u64>,
}

impl WatchStatus {
    fn idle() -> WatchStatus {
        WatchStatus {
            key: None,
            phase: Phase::Loading,
            error: None,
            polling: None,
        }
    }
}

/// The connection as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected,
    /// A watch failed and is retrying; the text says why.
    Reconnecting(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    pub scroll: usize,
    /// Only the keys and commands whose key, name or description contain this (any case).
    pub filter: String,
}

pub struct AppState {
    pub keymap: Arc<Keymap>,
    pub cluster: ClusterInfo,
    pub version_error: Option<String>,
    pub scope: Scope,
    pub view: MainView,
    pub focus: Pane,
    pub zoomed: bool,
    pub namespaces: NamespaceTable,
    pub ns_watch: WatchStatus,
    pub pods: PodTable,
    pub services: services::ServiceTable,
    pub main_watch: WatchStatus,
    /// The generic view (any kind, as the server's table).
    pub resources: resources::ResourceView,
    /// What the server serves, for `:NAME` and its completion.
    pub discovery: resources::command::Discovery,
    /// Drill-downs (`enter`): what the main view is narrowed to, and the way back.
    pub trail: drill::Trail,
    /// CPU and memory of the pods or nodes shown, when the server has `metrics.k8s.io`.
    pub metrics: metrics::MetricsState,
    pub prompt: Option<Prompt>,
    /// Help, text views, dialogs and confirmations (see [`overlay`]).
    pub overlays: overlay::Overlays,
    pub notice: Option<Notice>,
    /// When the notice was first seen (it expires by its level's lifetime, on `Msg::Tick`).
    pub notice_since: Option<Timestamp>,
    pub pending_keys: Vec<KeyChord>,
    /// "Now" for ages; moved by `Msg::Tick` (tests inject it).
    pub now: Timestamp,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub readonly: bool,
    /// The logs view, when open (it fills the body).
    pub logs: Option<logs::LogsState>,
    pub log_settings: logs::app::LogSettings,
    /// Generation of the newest log stream.
    pub log_gen: u64,
    /// Port-forwards as last reported, the `:pf` pane showing in the main area, and the
    /// `shift-f` dialog (port-forward does not change the cluster: allowed in --readonly).
    pub forwards: forwards::Forwards,
    /// Port-forwards saved per context, and the file they are kept in.
    pub saved_forwards: forwards_saved::SavedStore,
    pub forwards_open: bool,
    /// The kubeconfig contexts (`:ctx`) and the switch in flight.
    pub contexts: contexts::Contexts,
    /// The Deployments / StatefulSets / DaemonSets view's table.
    pub workloads: workloads::WorkloadTable,
    /// Rollout history pane and dialogs.
    pub rollout: rollouts::RolloutState,
    /// The Helm releases view (`:helm`) and its history.
    pub helm: helm::HelmView,
    /// The server-side part of the main table's filter (`-l`/`-f`) its watch runs with.
    main_filter_selector: crate::effect::Selector,
    /// The view that the open dialogs and panes belong to (see [`view`]).
    view_owner: Option<ViewId>,
    /// A request whose answer opens something in the current view.
    pub awaiting: Option<Awaiting>,
    /// What the server said the user may and may not do (asked before changes).
    pub access: access::Access,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    next_gen: u64,
}

impl AppState {
    pub fn new(
        keymap: Arc<Keymap>,
        cluster: ClusterInfo,
        scope: Scope,
        now: Timestamp,
    ) -> AppState {
        AppState {
            keymap,
            cluster,
            version_error: None,
            scope,
            view: MainView::Pods,
            focus: Pane::Main,
            zoomed: false,
            namespaces: namespaces::new_table(),
            ns_watch: WatchStatus::idle(),
            pods: pods::new_table(),
            services: services::new_table(),
            main_watch: WatchStatus::idle(),
            resources: resources::ResourceView::default(),
            discovery: resources::command::Discovery::default(),
            trail: drill::Trail::default(),
            metrics: metrics::MetricsState::default(),
            prompt: None,
            overlays: overlay::Overlays::default(),
            notice: None,
            notice_since: None,
            pending_keys: Vec::new(),
            now,
            size: (80, 24),
            readonly: false,
            logs: None,
            log_settings: logs::app::LogSettings::default(),
            log_gen: 0,
            forwards: forwards::Forwards::default(),
            saved_forwards: forwards_saved::SavedStore::default(),
            forwards_open: false,
            contexts: contexts::Contexts::default(),
            workloads: workloads::new_table(),
            rollout: rollouts::RolloutState::default(),
            helm: helm::HelmView::default(),
            main_filter_selector: Default::default(),
            view_owner: None,
            awaiting: None,
            access: access::Access::default(),
            dirty: true,
            quit: false,
            next_gen: 0,
        }
    }

    /// The effects that start a session: watches for both panes and the server version.
    pub fn start(&mut self) -> Vec<Effect> {
        let key = self.next_key(WatchSlot::Namespaces);
        self.ns_watch = WatchStatus {
            key: Some(key),
            ..WatchStatus::idle()
        };
        let mut effects = vec![Effect::Watch {
            key,
            target: WatchTarget {
                kind: ResourceKind::Namespaces,
                scope: Scope::All,
                selector: Default::default(),
            },
        }];
        effects.extend(self.restart_main_watch());
        effects.push(Effect::FetchServerVersion);
        effects.extend(self.discovery.refresh(self.now));
        effects
    }

    /// [`AppState::start`] on arriving in a context (at launch, after `:ctx`): a kind
    /// remembered as this context's view opens once discovery answers.
    pub fn start_in_context(&mut self) -> Vec<Effect> {
        let mut effects = self.start();
        if let Some(kind) = contexts::remembered_kind(self) {
            effects.extend(self.discovery.ask_again(&kind));
        }
        effects
    }

    fn next_key(&mut self, slot: WatchSlot) -> WatchKey {
        self.next_gen += 1;
        WatchKey {
            slot,
            gen: self.next_gen,
        }
    }

    /// Replaces the main view's watch (after a namespace or view change).
    fn restart_main_watch(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(old) = self.main_watch.key.take() {
            effects.push(Effect::Unwatch(old));
        }
        let key = self.next_key(WatchSlot::Main);
        self.main_watch = WatchStatus {
            key: Some(key),
            ..WatchStatus::idle()
        };
        // A drill-down's narrowing and the filter's `-l`/`-f`, both applied by the server.
        self.main_filter_selector = self.filter_selector();
        let selector = self.trail.selector().and(&self.main_filter_selector);
        match self.view.kind() {
            Some(kind) => effects.push(Effect::Watch {
                key,
                target: WatchTarget {
                    kind,
                    scope: self.scope.clone(),
                    selector,
                },
            }),
            None => effects.extend(
                self.resources
                    .target(&self.scope, selector)
                    .map(|target| Effect::WatchTable { key, target }),
            ),
        }
        effects
    }

    /// The selector the main table's filter asks the server for (`-l …`, `-f …`).
    fn filter_selector(&self) -> crate::effect::Selector {
        crate::model::filter::Query::parse(self.main_table().filter()).selector()
    }

    /// After the main table's filter was set (kept with `enter`, or cleared): when its
    /// server-side selector changed, the main watch restarts with the new one, its rows
    /// being those the server returns. The filter text stays.
    fn sync_filter_selector(&mut self) -> Vec<Effect> {
        let wanted = self.filter_selector();
        if self.main_watch.key.is_none() || wanted == self.main_filter_selector {
            return Vec::new();
        }
        let filter = self.main_table().filter().to_string();
        self.clear_main();
        self.main_table_mut().set_filter(&filter);
        self.restart_main_watch()
    }

    pub fn all_namespaces(&self) -> bool {
        self.scope == Scope::All
    }

    pub fn connection(&self) -> Connection {
        for w in [&self.main_watch, &self.ns_watch] {
            // Refused permissions are the view's to show, not a connection problem.
            if let Some(e) = w.error.as_ref().filter(|e| !e.starts_with(FORBIDDEN)) {
                return Connection::Reconnecting(e.clone());
            }
        }
        let live = self.main_watch.phase == Phase::Live || self.ns_watch.phase == Phase::Live;
        if let Some(e) = self.version_error.as_ref().filter(|_| !live) {
            return Connection::Reconnecting(e.clone());
        }
        if self.cluster.version.is_some()
            || self.main_watch.phase == Phase::Live
            || self.ns_watch.phase == Phase::Live
        {
            Connection::Connected
        } else {
            Connection::Connecting
        }
    }

    /// The key context of what has the keyboard now.
    pub fn key_ctx(&self) -> Ctx {
        if let Some(modal) = self.modal() {
            modal.ctx()
        } else if let Some(ctx) = contexts::key_ctx(self) {
            ctx
        } else if let Some(ctx) = forwards_app::key_ctx(self) {
            ctx
        } else if let Some(ctx) = logs::app::key_ctx(self) {
            ctx
        } else if let Some(ctx) = rollouts::app::key_ctx(self) {
            ctx
        } else if let Some(ctx) = helm::app::key_ctx(self) {
            ctx
        } else {
            self.pane_ctx(self.focus)
        }
    }

    pub fn pane_ctx(&self, pane: Pane) -> Ctx {
        match pane {
            Pane::Namespaces => Ctx::Namespaces,
            Pane::Main => self.view.spec().ctx,
        }
    }

    /// The table of the main view shown now: the one place that maps views to tables.
    pub fn main_table(&self) -> &dyn ViewTable {
        match self.view {
            MainView::Pods => &self.pods,
            MainView::Services => &self.services,
            MainView::Resources => &self.resources,
            MainView::Helm => &self.helm,
            MainView::Deployments | MainView::StatefulSets | MainView::DaemonSets => {
                &self.workloads
            }
        }
    }

    pub fn main_table_mut(&mut self) -> &mut dyn ViewTable {
        match self.view {
            MainView::Pods => &mut self.pods,
            MainView::Services => &mut self.services,
            MainView::Resources => &mut self.resources,
            MainView::Helm => &mut self.helm,
            MainView::Deployments | MainView::StatefulSets | MainView::DaemonSets => {
                &mut self.workloads
            }
        }
    }

    /// A pane's table.
    pub fn table(&self, pane: Pane) -> &dyn ViewTable {
        match pane {
            Pane::Namespaces => &self.namespaces,
            Pane::Main => self.main_table(),
        }
    }

    pub fn table_mut(&mut self, pane: Pane) -> &mut dyn ViewTable {
        match pane {
            Pane::Namespaces => &mut self.namespaces,
            Pane::Main => self.main_table_mut(),
        }
    }

    /// The filter currently applied to a pane's table.
    pub fn filter_of(&self, pane: Pane) -> &str {
        self.table(pane).filter()
    }

    /// (shown, total) rows of a pane's table, for counts.
    pub fn counts_of(&self, pane: Pane) -> (usize, usize) {
        self.table(pane).counts()
    }

    /// Empties the main view's table (scope or view changed); sort settings stay.
    fn clear_main(&mut self) {
        self.main_table_mut().clear();
    }

    /// Brings tables (order, filter, cursor, viewport) up to date for drawing. Call once
    /// after draining messages, before `ui::render`.
    pub fn refresh(&mut self) {
        let areas = layout::areas(Rect::new(0, 0, self.size.0, self.size.1), self);
        self.namespaces.viewport = areas
            .namespaces
            .map_or(0, |r| r.height.saturating_sub(2) as usize);
        let main_rows = areas
            .main
            .map_or(0, |r| r.height.saturating_sub(3) as usize);
        self.main_table_mut().set_viewport(main_rows);
        if let (Some(logs), Some(r)) = (self.logs.as_mut(), areas.logs) {
            logs.viewport = r.height.saturating_sub(2);
        }
        if let (Some(pane), Some(r)) = (self.rollout.history.as_mut(), areas.details) {
            pane.scroll_into_view(r.height.saturating_sub(4) as usize);
        }
        if let Some(view) = self.overlays.get_mut::<TextView>() {
            view.clamp(layout::text_height(self.size.1));
        }
        self.namespaces.refresh();
        self.main_table_mut().refresh();
    }

    pub fn notify(&mut self, notice: Notice) {
        self.notice = Some(notice);
        self.notice_since = Some(self.now);
        self.dirty = true;
    }
}
