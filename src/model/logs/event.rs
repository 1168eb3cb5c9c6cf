//! What a log stream task tells the logs pane: plain data over a channel.

use std::fmt;
use std::sync::Arc;

use super::line::{LogLine, LogSource};

/// Identifies one opened log stream. The pane bumps `generation` whenever it opens a new
/// stream (another pod, the previous container, a reconnect it asked for), so messages from a
/// stream it replaced are recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LogStreamKey {
    pub id: u32,
    pub generation: u64,
}

/// The state of one pod/container stream, for the pane title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamState {
    Connecting,
    Streaming,
    /// The stream broke or ended while the pod still runs; the task is reconnecting.
    Reconnecting(String),
    /// No more lines will come (pod deleted or finished, previous logs read, not following).
    Ended(String),
    /// The stream could not be opened and will not be retried.
    Error(String),
}

impl StreamState {
    /// A short word for titles.
    pub fn label(&self) -> &'static str {
        match self {
            StreamState::Connecting => "connecting",
            StreamState::Streaming => "streaming",
            StreamState::Reconnecting(_) => "reconnecting",
            StreamState::Ended(_) => "ended",
            StreamState::Error(_) => "error",
        }
    }

    /// The reason or error text, if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            StreamState::Reconnecting(s) | StreamState::Ended(s) | StreamState::Error(s) => Some(s),
            _ => None,
        }
    }

    /// The stream is reading or about to (not ended, failed or retrying).
    pub fn is_live(&self) -> bool {
        matches!(self, StreamState::Streaming | StreamState::Connecting)
    }

    /// Orders states for a combined title: the most noteworthy one wins.
    fn rank(&self) -> u8 {
        match self {
            StreamState::Error(_) => 5,
            StreamState::Reconnecting(_) => 4,
            StreamState::Connecting => 3,
            StreamState::Streaming => 2,
            StreamState::Ended(_) => 1,
        }
    }

    /// The state shown for several streams together: any live stream makes the whole
    /// "streaming"; trouble (error, reconnecting) is shown over that.
    pub fn combine<'a>(states: impl IntoIterator<Item = &'a StreamState>) -> Option<StreamState> {
        states.into_iter().max_by_key(|s| s.rank()).cloned()
    }
}

impl fmt::Display for StreamState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.detail() {
            Some(d) if !d.is_empty() => write!(f, "{}: {d}", self.label()),
            _ => f.write_str(self.label()),
        }
    }
}

/// One message from a log stream task.
#[derive(Debug, Clone, PartialEq)]
pub struct LogMsg {
    pub key: LogStreamKey,
    pub event: LogEvent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogEvent {
    /// What an owner or workload scope resolved to, as `kind/name` (`deployment/web`),
    /// sent before the sources.
    Owner(String),
    /// The pods/containers this stream covers, sent before any of their lines: all of them
    /// at the start, and later any that were added (a pod of the owner appeared).
    Sources(Vec<Arc<LogSource>>),
    /// A burst of lines, in arrival order (per source, in log order).
    Lines(Vec<LogLine>),
    /// A source's stream changed state.
    State {
        source: Arc<LogSource>,
        state: StreamState,
    },
    /// The stream could not start at all (pod not found, forbidden, …).
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_state_prefers_trouble_then_live() {
        let s = [
            StreamState::Ended("x".into()),
            StreamState::Streaming,
            StreamState::Ended("y".into()),
        ];
        assert_eq!(StreamState::combine(&s), Some(StreamState::Streaming));
        let r = [
            StreamState::Streaming,
            StreamState::Reconnecting("eof".into()),
        ];
        assert_eq!(
            StreamState::combine(&r).map(|s| s.label()),
            Some("reconnecting")
        );
        assert_eq!(StreamState::combine(&[]), None);
        assert_eq!(
            StreamState::Ended("pod deleted".into()).to_string(),
            "ended: pod deleted"
        );
    }
}
