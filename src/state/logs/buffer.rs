//! The bounded line store behind the logs pane.
//!
//! A ring buffer with a fixed cap: when full, the oldest line goes. Every line gets a
//! sequence number that never changes (`seq = evicted + index`), so a selection or a search
//! position survives the front of the buffer being dropped.

use std::collections::VecDeque;

use super::line::LogLine;

/// Default number of lines kept per logs pane.
pub const DEFAULT_CAP: usize = 100_000;

#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    cap: usize,
    /// Lines dropped from the front so far (the sequence number of the first line kept).
    evicted: u64,
}

impl LogBuffer {
    pub fn new(cap: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            cap: cap.max(1),
            evicted: 0,
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Sequence number of the oldest line kept.
    pub fn first_seq(&self) -> u64 {
        self.evicted
    }

    /// Sequence number one past the newest line.
    pub fn end_seq(&self) -> u64 {
        self.evicted + self.lines.len() as u64
    }

    /// Sequence number of the newest line, if any.
    pub fn last_seq(&self) -> Option<u64> {
        self.end_seq().checked_sub(1).filter(|_| !self.is_empty())
    }

    /// Lines ever pushed (kept or evicted).
    pub fn total(&self) -> u64 {
        self.end_seq()
    }

    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let idx = usize::try_from(seq.checked_sub(self.evicted)?).ok()?;
        self.lines.get(idx)
    }

    /// Clamps a sequence number into the kept range (`None` when empty).
    pub fn clamp(&self, seq: u64) -> Option<u64> {
        let last = self.last_seq()?;
        Some(seq.clamp(self.first_seq(), last))
    }

    /// Appends lines, evicting the oldest beyond the cap. Calls `on_evict` for each line
    /// dropped (so a running match count can be kept exact).
    pub fn extend(&mut self, lines: Vec<LogLine>, mut on_evict: impl FnMut(&LogLine)) {
        // A batch larger than the cap: only its tail can survive, skip the rest outright.
        let skip = lines.len().saturating_sub(self.cap);
        let mut incoming = lines.into_iter();
        for line in incoming.by_ref().take(skip) {
            on_evict(&line);
            self.evicted += 1;
        }
        for line in incoming {
            if self.lines.len() == self.cap {
                if let Some(old) = self.lines.pop_front() {
                    on_evict(&old);
                    self.evicted += 1;
                }
            }
            self.lines.push_back(line);
        }
    }

    /// Iterates `(seq, line)` from `start` (clamped) forward.
    pub fn iter_from(&self, start: u64) -> impl DoubleEndedIterator<Item = (u64, &LogLine)> {
        let skip = usize::try_from(start.saturating_sub(self.evicted)).unwrap_or(usize::MAX);
        let first = self.evicted;
        self.lines
            .iter()
            .enumerate()
            .skip(skip)
            .map(move |(i, l)| (first + i as u64, l))
    }

    /// Iterates every kept line with its sequence number.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &LogLine)> {
        self.iter_from(self.evicted)
    }

    /// How many slots the deque has allocated (for the memory bound test).
    pub fn allocated(&self) -> usize {
        self.lines.capacity()
    }

    pub fn clear(&mut self) {
        self.evicted = self.end_seq();
        self.lines.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::logs::line::LogSource;

    fn lines(range: std::ops::Range<u64>) -> Vec<LogLine> {
        let src = LogSource::new("p", "c");
        range
            .map(|i| LogLine::parse(&src, format!("line {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn keeps_at_most_cap_lines_and_numbers_them_stably() {
        let mut buf = LogBuffer::new(100);
        let mut evicted = 0;
        for chunk in 0..50u64 {
            buf.extend(lines(chunk * 37..(chunk + 1) * 37), |_| evicted += 1);
            assert!(buf.len() <= 100);
        }
        assert_eq!(buf.len(), 100);
        assert_eq!(buf.total(), 50 * 37);
        assert_eq!(evicted, 50 * 37 - 100);
        assert_eq!(buf.first_seq(), 50 * 37 - 100);
        let first = buf.get(buf.first_seq()).map(|l| l.text.text.clone());
        assert_eq!(first, Some(format!("line {}", 50 * 37 - 100)));
        assert!(buf.get(buf.first_seq() - 1).is_none());
        assert_eq!(buf.clamp(0), Some(buf.first_seq()));
        assert_eq!(buf.clamp(u64::MAX), buf.last_seq());
    }

    #[test]
    fn memory_stays_flat_however_long_it_runs() {
        let cap = 1_000;
        let mut buf = LogBuffer::new(cap);
        buf.extend(lines(0..cap as u64), |_| {});
        let allocated = buf.allocated();
        let mut text_bytes_max = 0;
        for round in 1..200u64 {
            buf.extend(lines(round * 1000..round * 1000 + 1000), |_| {});
            assert_eq!(buf.len(), cap);
            // The deque never grows past what it allocated once full.
            assert_eq!(buf.allocated(), allocated);
            let bytes: usize = buf.iter().map(|(_, l)| l.text.text.capacity()).sum();
            text_bytes_max = text_bytes_max.max(bytes);
        }
        // Kept text is bounded by cap × longest line, not by how many lines went through.
        assert!(text_bytes_max <= cap * "line 199999".len());
        assert_eq!(buf.total(), 200_000);
    }

    #[test]
    fn a_batch_bigger_than_the_cap_keeps_its_tail() {
        let mut buf = LogBuffer::new(10);
        let mut evicted = 0;
        buf.extend(lines(0..5), |_| evicted += 1);
        buf.extend(lines(5..100), |_| evicted += 1);
        assert_eq!(evicted, 90);
        let kept: Vec<u64> = buf.iter().map(|(s, _)| s).collect();
        assert_eq!(kept, (90..100).collect::<Vec<_>>());
        assert_eq!(buf.get(95).map(|l| l.text.text.as_str()), Some("line 95"));
        assert_eq!(buf.iter_from(98).count(), 2);
        buf.clear();
        assert!(buf.is_empty());
        assert_eq!(buf.last_seq(), None);
        assert_eq!(buf.end_seq(), 100);
    }
}
