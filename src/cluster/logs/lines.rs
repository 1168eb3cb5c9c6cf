//! Byte chunks → lines, and the bookkeeping that lets a reconnect resume without
//! duplicates or gaps.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use jiff::Timestamp;

use crate::model::logs::line::split_timestamp;

/// Longest line kept; the rest of a longer line is dropped (a log without newlines must not
/// grow memory without bound).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
const TRUNCATED_MARK: &[u8] = " …[line truncated]".as_bytes();

/// Splits a byte stream into lines (`\n`-terminated, the `\n` removed).
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    /// Inside an over-long line: skip bytes until its newline.
    discarding: bool,
}

impl LineSplitter {
    /// Feeds a chunk; calls `emit` for each complete line.
    pub fn feed(&mut self, mut chunk: &[u8], mut emit: impl FnMut(&[u8])) {
        while !chunk.is_empty() {
            let newline = chunk.iter().position(|&b| b == b'\n');
            let (part, rest) = match newline {
                Some(i) => (&chunk[..i], &chunk[i + 1..]),
                None => (chunk, &[][..]),
            };
            if !self.discarding {
                let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
                if part.len() > room {
                    self.partial.extend_from_slice(&part[..room]);
                    self.partial.extend_from_slice(TRUNCATED_MARK);
                    emit(&self.partial);
                    self.partial.clear();
                    self.discarding = true;
                } else {
                    self.partial.extend_from_slice(part);
                }
            }
            if newline.is_some() {
                if !self.discarding {
                    emit(&self.partial);
                }
                self.partial.clear();
                self.discarding = false;
            }
            chunk = rest;
        }
    }

    /// The stream ended: a last line without a newline is still a line.
    pub fn finish(&mut self, mut emit: impl FnMut(&[u8])) {
        if !self.partial.is_empty() && !self.discarding {
            emit(&self.partial);
        }
        self.partial.clear();
        self.discarding = false;
    }
}

/// Remembers where delivery stopped: the newest timestamp delivered and which lines carried
/// exactly that timestamp. After a reconnect with `sinceTime` the server sends the lines at
/// (or, if it rounds, shortly before) that time again; [`Resume::admit`] drops those.
#[derive(Debug, Default, Clone)]
pub struct Resume {
    last: Option<Timestamp>,
    /// Hashes of the lines delivered at `last` (a multiset: equal lines may repeat).
    at_last: Vec<u64>,
    /// Lines at `last` still expected again on this connection.
    replay: Vec<u64>,
}

impl Resume {
    /// Where to resume from: the last delivered timestamp, or `None` before anything was
    /// delivered. (A server that rounds it down to the second only resends more lines.)
    pub fn since(&self) -> Option<Timestamp> {
        self.last
    }

    /// Call when a new connection starts.
    pub fn reconnected(&mut self) {
        self.replay = self.at_last.clone();
    }

    /// Decides whether a raw line from the server is new, and records it if so.
    pub fn admit(&mut self, raw: &[u8]) -> bool {
        let (ts, text) = split_timestamp(raw);
        let Some(ts) = ts else {
            // Without a timestamp a line cannot be placed; deliver it.
            return true;
        };
        let hash = hash_of(text);
        match self.last {
            Some(last) if ts < last => false,
            Some(last) if ts == last => {
                if let Some(i) = self.replay.iter().position(|h| *h == hash) {
                    self.replay.swap_remove(i);
                    false
                } else {
                    self.at_last.push(hash);
                    true
                }
            }
            _ => {
                self.last = Some(ts);
                self.at_last.clear();
                self.at_last.push(hash);
                self.replay.clear();
                true
            }
        }
    }
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, |l| out.push(l.to_vec()));
        }
        s.finish(|l| out.push(l.to_vec()));
        out
    }

    #[test]
    fn lines_split_across_chunks() {
        let out = split_all(&[b"a\nb", b"c\n\nd", b"", b"e"]);
        assert_eq!(
            out,
            vec![b"a".to_vec(), b"bc".to_vec(), b"".to_vec(), b"de".to_vec()]
        );
    }

    #[test]
    fn overlong_lines_are_truncated_not_buffered() {
        let long = vec![b'x'; MAX_LINE_BYTES * 3];
        let out = split_all(&[&long, &long, b"\nnext\n"]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].len(), MAX_LINE_BYTES + TRUNCATED_MARK.len());
        assert_eq!(out[1], b"next");
    }

    fn ts_line(ts: &str, text: &str) -> Vec<u8> {
        format!("{ts} {text}").into_bytes()
    }

    #[test]
    fn resume_drops_exactly_the_lines_already_delivered() {
        let mut r = Resume::default();
        assert_eq!(r.since(), None);
        let first = [
            ts_line("2024-01-01T00:00:01.100Z", "a"),
            ts_line("2024-01-01T00:00:01.500Z", "b"),
            ts_line("2024-01-01T00:00:01.500Z", "same"),
            ts_line("2024-01-01T00:00:01.500Z", "same"),
        ];
        for l in &first {
            assert!(r.admit(l));
        }
        assert_eq!(
            r.since().map(|t| t.to_string()).as_deref(),
            Some("2024-01-01T00:00:01.5Z")
        );
        // The server resends everything from the whole second, then new lines.
        r.reconnected();
        let second = [
            ts_line("2024-01-01T00:00:01.100Z", "a"),
            ts_line("2024-01-01T00:00:01.500Z", "b"),
            ts_line("2024-01-01T00:00:01.500Z", "same"),
            ts_line("2024-01-01T00:00:01.500Z", "same"),
            ts_line("2024-01-01T00:00:01.500Z", "same"),
            ts_line("2024-01-01T00:00:01.500Z", "c"),
            ts_line("2024-01-01T00:00:02Z", "d"),
        ];
        let admitted: Vec<bool> = second.iter().map(|l| r.admit(l)).collect();
        assert_eq!(admitted, vec![false, false, false, false, true, true, true]);
        // A second reconnect remembers everything at the new last timestamp.
        r.reconnected();
        assert!(!r.admit(&ts_line("2024-01-01T00:00:02Z", "d")));
        assert!(r.admit(&ts_line("2024-01-01T00:00:02Z", "e")));
        assert!(r.admit(b"no timestamp at all"));
    }
}
