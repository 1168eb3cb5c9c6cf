//! Log words shared by the layers: what to stream (target, request), what a stream sends
//! (events, lines, sources), and the sanitizer that makes log bytes inert for the terminal.

pub mod event;
pub mod line;
pub mod sanitize;

use std::time::Duration;

pub use event::{LogEvent, LogMsg, LogStreamKey, StreamState};
pub use line::{format_timestamp, LogLine, LogSource};
pub use sanitize::StyledText;

/// Default number of lines asked for when a stream opens (`tailLines`).
pub const DEFAULT_TAIL_LINES: i64 = 500;

/// Which pods a logs pane streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogScope {
    /// One pod.
    Pod(String),
    /// Every pod of the workload that controls this pod (`L` on a pod).
    OwnerOf(String),
    /// Every pod of a workload (`l` on a Deployment): kind such as `Deployment`, and name.
    Workload { kind: String, name: String },
}

impl LogScope {
    /// A short name for titles and file names.
    pub fn name(&self) -> String {
        match self {
            LogScope::Pod(p) => p.clone(),
            LogScope::OwnerOf(p) => format!("owner of {p}"),
            LogScope::Workload { kind, name } => format!("{}/{name}", kind.to_lowercase()),
        }
    }
}

/// Which container(s) of each pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerChoice {
    /// The pod's default container (`kubectl.kubernetes.io/default-container`, else the first).
    Default,
    Named(String),
    /// Every container, each line prefixed with its container.
    All,
}

/// What a logs pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    pub namespace: String,
    pub scope: LogScope,
    pub container: ContainerChoice,
    /// Logs of the previous (terminated) container instance, like `kubectl logs -p`.
    pub previous: bool,
}

/// What to stream and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub target: LogTarget,
    /// Keep the stream open for new lines (`-f`). Previous-container logs never follow.
    pub follow: bool,
    /// Lines of history to start with (`--tail`); `None` for all.
    pub tail_lines: Option<i64>,
    /// Ends each connection after this many bytes (`limitBytes`). A following stream then
    /// reconnects and resumes, so tests and benchmarks use it to force reconnects.
    pub limit_bytes: Option<i64>,
    pub batch: BatchConfig,
}

impl LogRequest {
    pub fn follow(target: LogTarget, tail_lines: Option<i64>) -> Self {
        LogRequest {
            target,
            follow: true,
            tail_lines,
            limit_bytes: None,
            batch: BatchConfig::default(),
        }
    }

    pub fn new(target: LogTarget) -> Self {
        Self::follow(target, Some(DEFAULT_TAIL_LINES))
    }
}

/// How lines are grouped into messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// A batch is sent at most this long after its first line arrived.
    pub max_delay: Duration,
    /// A batch is sent as soon as it holds this many lines.
    pub max_lines: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_delay: Duration::from_millis(25),
            max_lines: 5_000,
        }
    }
}
