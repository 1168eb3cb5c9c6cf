//! One log line as the logs pane keeps it: compact, already sanitized.

use std::sync::Arc;

use jiff::Timestamp;

use super::sanitize::{sanitize_bytes, StyledText};

/// Where a line came from. Shared by every line of one stream (one pointer per line).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogSource {
    pub pod: String,
    pub container: String,
}

impl LogSource {
    pub fn new(pod: impl Into<String>, container: impl Into<String>) -> Arc<Self> {
        Arc::new(LogSource {
            pod: pod.into(),
            container: container.into(),
        })
    }
}

/// A sanitized log line. The timestamp is kept apart from the text so the pane can show or
/// hide it without fetching again, and so a reconnect can resume exactly where it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub source: Arc<LogSource>,
    pub timestamp: Option<Timestamp>,
    pub text: StyledText,
}

impl LogLine {
    /// Parses one raw line as the API server sends it with `timestamps=true`:
    /// `2024-05-01T10:00:00.123456789Z message`. A line without a parseable timestamp keeps
    /// all of its bytes as text.
    pub fn parse(source: &Arc<LogSource>, raw: &[u8]) -> LogLine {
        let (timestamp, rest) = split_timestamp(raw);
        LogLine {
            source: Arc::clone(source),
            timestamp,
            text: sanitize_bytes(rest),
        }
    }
}

/// Splits a leading RFC 3339 timestamp (and the one space after it) from a raw line.
pub fn split_timestamp(raw: &[u8]) -> (Option<Timestamp>, &[u8]) {
    let end = raw.iter().position(|&b| b == b' ').unwrap_or(raw.len());
    // RFC 3339 with nanoseconds is at most 35 bytes; anything longer is not a timestamp.
    if !(20..=40).contains(&end) {
        return (None, raw);
    }
    let parsed = std::str::from_utf8(&raw[..end])
        .ok()
        .and_then(|s| s.parse::<Timestamp>().ok());
    match parsed {
        Some(ts) => (Some(ts), raw.get(end + 1..).unwrap_or_default()),
        None => (None, raw),
    }
}

/// Formats a timestamp the way `kubectl logs --timestamps` shows it (RFC 3339, nanoseconds).
pub fn format_timestamp(ts: Timestamp) -> String {
    format!("{ts:.9}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_split_from_the_text() {
        let src = LogSource::new("p", "c");
        let line = LogLine::parse(&src, b"2024-05-01T10:00:00.123456789Z hello world");
        assert_eq!(
            line.timestamp.map(format_timestamp).as_deref(),
            Some("2024-05-01T10:00:00.123456789Z")
        );
        assert_eq!(line.text.text, "hello world");
        let empty = LogLine::parse(&src, b"2024-05-01T10:00:00Z");
        assert!(empty.timestamp.is_some());
        assert_eq!(empty.text.text, "");
    }

    #[test]
    fn lines_without_timestamp_keep_everything() {
        let src = LogSource::new("p", "c");
        for raw in [
            &b"no timestamp here"[..],
            b"",
            b"2024-13-99T99:99:99Z x",
            b"\xff\xfe",
        ] {
            let line = LogLine::parse(&src, raw);
            assert!(line.timestamp.is_none());
            assert_eq!(line.text, sanitize_bytes(raw));
        }
    }
}
