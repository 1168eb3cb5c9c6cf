//! Messages into `update`: terminal input, time, and answers from cluster tasks.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::action::Action;
use crate::effect::WatchKey;
use crate::model::rows::{RowKey, Rows};

pub mod mouse;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize(u16, u16),
    /// Time passes: ages and "(5m ago)" change.
    Tick(Timestamp),
    Kube(KubeMsg),
    /// A click or wheel turn, resolved to what the last frame drew there.
    Mouse(mouse::MouseInput),
    /// An action not coming from a key (tests, menus).
    Action(Action),
    /// The answer to `Effect::FetchServerVersion`: version or error text.
    ServerVersion(Result<String, String>),
    /// Something to tell the user (results of one-shot effects).
    Notice(Notice),
    /// From the log stream task.
    Logs(crate::model::logs::LogMsg),
    /// The answer to `Effect::FetchContainers`: the pod's container names.
    LogContainers {
        target: crate::model::logs::LogTarget,
        containers: Result<Vec<String>, String>,
    },
    /// Port-forward answers and status snapshots.
    Forward(crate::model::portforward::PfMsg),
    /// The answer to an `Effect::Rollout`.
    Rollout(Box<crate::model::rollout::effects::RolloutMsg>),
    /// The answer to an `Effect::Object`.
    Object(crate::model::objects::ObjectMsg),
    /// The answer to `Effect::Discover`: every resource the server serves.
    Discovery(Result<crate::model::discovery::Catalog, String>),
    /// The answer to an `Effect::Change` or `Effect::Prepare`.
    Change(Box<crate::model::change::ChangeMsg>),
    /// The end of an `Effect::Edit` session.
    Edited {
        obj: crate::model::objects::ObjectRef,
        outcome: crate::model::edit::EditOutcome,
    },
    /// The end of an `Effect::Exec` session.
    ExecEnded {
        target: crate::model::exec::ExecTarget,
        end: crate::model::exec::ExecEnd,
    },
    /// The answer to an `Effect::Helm`.
    Helm(Box<crate::model::helm::effects::HelmMsg>),
    /// The answer to an `Effect::Metrics`.
    Metrics(crate::model::metrics::MetricsAnswer),
    /// The answer to an `Effect::ReviewAccess`.
    Access {
        query: crate::model::access::AccessQuery,
        answer: crate::model::access::AccessAnswer,
    },
    /// The answer to an `Effect::SwitchContext`.
    Context(crate::model::contexts::ContextMsg),
}

/// How a watch error that is about permissions starts: it belongs to the view, not to the
/// connection ("forbidden: pods is forbidden: User … cannot list …").
pub const FORBIDDEN: &str = "forbidden: ";

/// A message from a watch task.
#[derive(Debug, Clone)]
pub struct KubeMsg {
    pub key: WatchKey,
    pub event: WatchEvent,
}

/// The watcher's events, as rows. `Reset` … `Synced` bracket a (re)list: rows not seen in
/// between are gone. After an `Error` the watch task retries with a fresh list, so the
/// next `Reset` (sent once the server has answered) means the watch works again.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    Reset,
    Upsert(Rows),
    Remove(Vec<RowKey>),
    Synced,
    Error(String),
    /// A server table's columns (before its first rows, and again if they change).
    Columns(crate::model::table::TableColumns),
    /// The kind cannot be watched: it is re-listed every this many seconds instead.
    Polling(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            level: Level::Info,
            text: text.into(),
        }
    }
    pub fn warning(text: impl Into<String>) -> Notice {
        Notice {
            level: Level::Warning,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            level: Level::Error,
            text: text.into(),
        }
    }

    /// How long the status line shows this notice before `Msg::Tick` clears it: long
    /// enough to read, short enough not to linger into other work. Warnings and errors
    /// stay longer than information (an error may need reading twice).
    pub fn lifetime(&self) -> jiff::SignedDuration {
        jiff::SignedDuration::from_secs(match self.level {
            Level::Info => 5,
            Level::Warning => 10,
            Level::Error => 15,
        })
    }
}
