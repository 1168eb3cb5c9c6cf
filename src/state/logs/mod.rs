//! The logs pane state: what is streamed, the bounded line buffer, follow/wrap/timestamps,
//! the selected line and search. Pure data: the stream itself is a task in
//! `cluster::logs` that sends [`LogMsg`]s, and rendering reads this state.

pub mod app;
pub mod buffer;
pub mod picker;
pub mod search;
mod view;

use std::sync::Arc;

pub use crate::model::logs::StyledText;
pub use crate::model::logs::{
    event, format_timestamp, line, sanitize, ContainerChoice, LogEvent, LogLine, LogMsg,
    LogRequest, LogScope, LogSource, LogStreamKey, LogTarget, StreamState, DEFAULT_TAIL_LINES,
};
pub use buffer::{LogBuffer, DEFAULT_CAP};
pub use picker::{ContainerPicker, PickFor};
pub use search::Pattern;

/// Stream counts of a pane with several sources (see [`LogsState::streams`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCounts {
    pub open: usize,
    pub reconnecting: usize,
    pub failed: usize,
}

#[derive(Debug, Clone)]
pub struct LogsState {
    pub target: LogTarget,
    pub key: LogStreamKey,
    pub buffer: LogBuffer,
    /// Sources in first-seen order; the index picks a source's colour.
    sources: Vec<(Arc<LogSource>, StreamState)>,
    pub follow: bool,
    pub wrap: bool,
    pub show_timestamps: bool,
    selected: Option<u64>,
    /// First line shown; kept by navigation so the view does not jump.
    top: u64,
    /// Rows available for lines, as last laid out (used for paging).
    pub viewport: u16,
    pattern: Option<Pattern>,
    match_count: usize,
    /// The `/` prompt while typing.
    pub search_input: Option<String>,
    /// A one-line notice (saved to …, copied, no matches).
    pub notice: Option<String>,
    /// The stream could not start at all.
    pub failed: Option<String>,
    /// What an owner scope resolved to (`deployment/web`), once the stream says.
    pub owner: Option<String>,
}

impl LogsState {
    pub fn new(target: LogTarget, key: LogStreamKey, cap: usize) -> Self {
        LogsState {
            target,
            key,
            buffer: LogBuffer::new(cap),
            sources: Vec::new(),
            follow: true,
            wrap: false,
            show_timestamps: false,
            selected: None,
            top: 0,
            viewport: 20,
            pattern: None,
            match_count: 0,
            search_input: None,
            notice: None,
            failed: None,
            owner: None,
        }
    }

    /// Points the pane at a new target (previous container, another container): a new
    /// generation, an empty buffer. Returns the key the new stream must carry.
    pub fn retarget(&mut self, target: LogTarget) -> LogStreamKey {
        self.target = target;
        self.key.generation += 1;
        self.buffer = LogBuffer::new(self.buffer.cap());
        self.sources.clear();
        self.selected = None;
        self.top = 0;
        self.match_count = 0;
        self.failed = None;
        self.follow = true;
        self.key
    }

    /// Applies a message from a stream task. Stale generations are ignored.
    /// Returns whether anything visible changed.
    pub fn apply(&mut self, msg: LogMsg) -> bool {
        if msg.key != self.key {
            return false;
        }
        match msg.event {
            LogEvent::Owner(owner) => self.owner = Some(owner),
            LogEvent::Sources(sources) => {
                for s in sources {
                    self.source_index_or_insert(&s);
                }
            }
            LogEvent::Lines(lines) => self.push_lines(lines),
            LogEvent::State { source, state } => {
                let i = self.source_index_or_insert(&source);
                self.sources[i].1 = state;
            }
            LogEvent::Failed(err) => self.failed = Some(err),
        }
        true
    }

    fn source_index_or_insert(&mut self, source: &Arc<LogSource>) -> usize {
        match self.sources.iter().position(|(s, _)| s == source) {
            Some(i) => i,
            None => {
                self.sources
                    .push((Arc::clone(source), StreamState::Connecting));
                self.sources.len() - 1
            }
        }
    }

    fn push_lines(&mut self, lines: Vec<LogLine>) {
        if let Some(p) = &self.pattern {
            self.match_count += lines.iter().filter(|l| p.is_match(&l.text.text)).count();
        }
        let pattern = self.pattern.as_ref();
        let count = &mut self.match_count;
        self.buffer.extend(lines, |old| {
            if pattern.is_some_and(|p| p.is_match(&old.text.text)) {
                *count = count.saturating_sub(1);
            }
        });
        if self.follow {
            self.selected = self.buffer.last_seq();
        } else {
            self.selected = self.selected.and_then(|s| self.buffer.clamp(s));
            if self.selected.is_none() {
                self.selected = Some(self.buffer.first_seq());
            }
        }
        self.top = self.top.max(self.buffer.first_seq());
    }

    /// The sources seen so far, with their stream state.
    pub fn sources(&self) -> &[(Arc<LogSource>, StreamState)] {
        &self.sources
    }

    /// Colour slot of a source (first-seen order).
    pub fn source_index(&self, source: &LogSource) -> usize {
        self.sources
            .iter()
            .position(|(s, _)| **s == *source)
            .unwrap_or(0)
    }

    /// Lines carry a pod/container prefix when more than one source feeds the pane.
    pub fn prefixed(&self) -> bool {
        self.sources.len() > 1 || self.target.container == ContainerChoice::All
    }

    /// The state of the pane as a whole. With several sources one pod's trouble does not
    /// take it over: while any source streams the pane is streaming (the trouble is counted
    /// apart, see [`LogsState::streams`]).
    pub fn state(&self) -> Option<StreamState> {
        if let Some(err) = &self.failed {
            return Some(StreamState::Error(err.clone()));
        }
        let states = || self.sources.iter().map(|(_, s)| s);
        if self.sources.len() > 1 {
            for live in [StreamState::Streaming, StreamState::Connecting] {
                if states().any(|s| *s == live) {
                    return Some(live);
                }
            }
        }
        StreamState::combine(states())
    }

    /// With several sources: how many streams are open (live or retrying; all of them
    /// once none is), and how many of those are reconnecting and how many failed.
    pub fn streams(&self) -> StreamCounts {
        let count = |f: fn(&StreamState) -> bool| self.sources.iter().filter(|(_, s)| f(s)).count();
        let reconnecting = count(|s| matches!(s, StreamState::Reconnecting(_)));
        let open = count(StreamState::is_live) + reconnecting;
        StreamCounts {
            open: if open > 0 { open } else { self.sources.len() },
            reconnecting,
            failed: count(|s| matches!(s, StreamState::Error(_))),
        }
    }

    /// What the pane streams, for its title and file names: the pod, `deployment/web` for
    /// an owner once resolved, `kind/name` for a workload.
    pub fn scope_name(&self) -> String {
        match (&self.target.scope, &self.owner) {
            (LogScope::OwnerOf(_), Some(owner)) => owner.clone(),
            (scope, _) => scope.name(),
        }
    }

    pub fn selected(&self) -> Option<u64> {
        self.selected
    }

    pub fn selected_line(&self) -> Option<&LogLine> {
        self.buffer.get(self.selected?)
    }

    pub fn pattern(&self) -> Option<&Pattern> {
        self.pattern.as_ref()
    }

    pub fn match_count(&self) -> usize {
        self.match_count
    }

    pub fn toggle_follow(&mut self) {
        self.follow = !self.follow;
        if self.follow {
            self.select(self.buffer.last_seq());
        }
    }

    pub fn toggle_wrap(&mut self) {
        self.wrap = !self.wrap;
    }

    pub fn toggle_timestamps(&mut self) {
        self.show_timestamps = !self.show_timestamps;
    }

    /// Moves the selection by `delta` lines; moving stops following.
    pub fn move_by(&mut self, delta: i64) {
        let Some(current) = self.selected.or(self.buffer.last_seq()) else {
            return;
        };
        let target = current.saturating_add_signed(delta);
        self.unfollow();
        self.select(self.buffer.clamp(target));
        if delta > 0 && self.selected == self.buffer.last_seq() {
            // Reaching the end by moving down resumes following, as in `less +F`.
            self.follow = true;
        }
    }

    pub fn page(&mut self, pages: i64) {
        let rows = i64::from(self.viewport.max(2)) - 1;
        self.move_by(rows * pages);
    }

    pub fn go_top(&mut self) {
        self.unfollow();
        self.select(Some(self.buffer.first_seq()));
    }

    pub fn go_bottom(&mut self) {
        self.follow = true;
        self.select(self.buffer.last_seq());
    }

    /// Stops following, keeping the view where following had put it.
    fn unfollow(&mut self) {
        if self.follow {
            self.top = self.view_top(usize::from(self.viewport));
            self.follow = false;
        }
    }

    fn select(&mut self, seq: Option<u64>) {
        self.selected = seq;
        if let Some(s) = seq {
            let rows = u64::from(self.viewport.max(1));
            if s < self.top {
                self.top = s;
            } else if s >= self.top + rows {
                self.top = s + 1 - rows;
            }
        }
    }

    /// The first line to show in a view `rows` high (no wrapping): the bottom when
    /// following, otherwise the remembered top moved just enough to show the selection.
    pub fn view_top(&self, rows: usize) -> u64 {
        let rows = rows.max(1) as u64;
        let first = self.buffer.first_seq();
        let end = self.buffer.end_seq();
        if self.follow {
            return end.saturating_sub(rows).max(first);
        }
        let mut top = self.top.max(first);
        if let Some(s) = self.selected {
            if s < top {
                top = s;
            } else if s >= top + rows {
                top = s + 1 - rows;
            }
        }
        top.min(end.saturating_sub(rows).max(first))
    }

    // --- search ---

    pub fn begin_search(&mut self) {
        self.search_input = Some(String::new());
    }

    pub fn search_push(&mut self, c: char) {
        if let Some(input) = &mut self.search_input {
            input.push(c);
        }
    }

    pub fn search_pop(&mut self) {
        if let Some(input) = &mut self.search_input {
            input.pop();
        }
    }

    /// Confirms the typed pattern (an empty one clears the search) and jumps to the first
    /// match at or after the selection.
    pub fn confirm_search(&mut self) {
        let input = self.search_input.take().unwrap_or_default();
        self.set_pattern(&input);
        if self.pattern.is_some() {
            let from = self.selected.unwrap_or(self.buffer.first_seq());
            self.jump_match(from, true, true);
        }
    }

    /// Sets the search pattern and counts its matches.
    pub fn set_pattern(&mut self, text: &str) {
        self.pattern = Pattern::new(text);
        self.match_count = match &self.pattern {
            Some(p) => self
                .buffer
                .iter()
                .filter(|(_, l)| p.is_match(&l.text.text))
                .count(),
            None => 0,
        };
        self.notice = None;
    }

    /// `n` (forward) / `N` (backward): the next match after the selection, wrapping around.
    pub fn next_match(&mut self, forward: bool) {
        if self.pattern.is_none() {
            return;
        }
        let from = self.selected.unwrap_or(self.buffer.first_seq());
        self.jump_match(from, forward, false);
    }

    fn jump_match(&mut self, from: u64, forward: bool, inclusive: bool) {
        let Some(p) = &self.pattern else { return };
        let hit = |(_, l): &(u64, &LogLine)| p.is_match(&l.text.text);
        let found = if forward {
            let start = if inclusive { from } else { from + 1 };
            self.buffer
                .iter_from(start)
                .find(hit)
                .or_else(|| self.buffer.iter().find(hit))
        } else {
            let before = self.buffer.iter().take_while(|(s, _)| *s < from);
            before
                .filter(hit)
                .last()
                .or_else(|| self.buffer.iter().rev().find(hit))
        };
        match found.map(|(s, _)| s) {
            Some(seq) => {
                self.unfollow();
                self.notice = None;
                self.select(Some(seq));
            }
            None => self.notice = Some(format!("pattern not found: {}", p.as_str())),
        }
    }

    // --- export ---

    /// A line as text, the way it is shown (prefix when several sources, timestamp if on).
    pub fn plain_line(&self, line: &LogLine) -> String {
        let mut out = String::new();
        if self.prefixed() {
            out.push_str(&view::prefix(
                line,
                self.target.container == ContainerChoice::All,
            ));
            out.push(' ');
        }
        if self.show_timestamps {
            if let Some(ts) = line.timestamp {
                out.push_str(&format_timestamp(ts));
                out.push(' ');
            }
        }
        out.push_str(&line.text.text);
        out
    }

    /// The selected line for the clipboard.
    pub fn copy_text(&self) -> Option<String> {
        self.selected_line().map(|l| self.plain_line(l))
    }

    /// The whole buffer as text, one line each, for saving.
    pub fn export(&self) -> String {
        let mut out = String::new();
        for (_, line) in self.buffer.iter() {
            out.push_str(&self.plain_line(line));
            out.push('\n');
        }
        out
    }

    /// File name for a save at `now`: `rkt-logs-<pod>-<UTC time>.log`.
    pub fn save_file_name(&self, now: jiff::Timestamp) -> String {
        let name: String = self
            .scope_name()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let time = now.strftime("%Y%m%dT%H%M%SZ");
        format!("rkt-logs-{name}-{time}.log")
    }

    /// The pane title: pod, container and stream state.
    pub fn title(&self) -> String {
        view::title(self)
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
