//! The logs pane: a bordered view of the visible lines only, with pod prefixes, optional
//! timestamps, search highlights, the selected line, wrapping, and a prompt/notice row.
//!
//! Lines are drawn cell by cell from the already-sanitized text, so nothing but printable
//! characters reaches the terminal, and the cost per frame is bounded by the pane's size,
//! not by how many lines the buffer holds.

use crate::state::logs::ContainerPicker;
use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use crate::state::logs::{format_timestamp, ContainerChoice, LogLine, LogsState, StreamState};
use crate::state::AppState;
use crate::theme::Theme;

/// Colours the logs pane uses; the TUI theme fills these in.
#[derive(Debug, Clone)]
pub struct LogsStyles {
    pub border: Style,
    pub title: Style,
    pub timestamp: Style,
    pub selected: Style,
    pub matched: Style,
    pub notice: Style,
    pub error: Style,
    /// Pod prefixes cycle through these.
    pub sources: Vec<Color>,
}

impl Default for LogsStyles {
    fn default() -> Self {
        LogsStyles {
            border: Style::default().fg(Color::DarkGray),
            title: Style::default().add_modifier(Modifier::BOLD),
            timestamp: Style::default().fg(Color::DarkGray),
            selected: Style::default().bg(Color::Indexed(237)),
            matched: Style::default().fg(Color::Black).bg(Color::Yellow),
            notice: Style::default().fg(Color::Cyan),
            error: Style::default().fg(Color::Red),
            sources: vec![
                Color::Cyan,
                Color::Green,
                Color::Magenta,
                Color::Yellow,
                Color::Blue,
                Color::LightRed,
                Color::LightCyan,
                Color::LightGreen,
            ],
        }
    }
}

impl LogsStyles {
    /// The logs pane's styles from the app theme.
    pub fn from_theme(theme: &Theme) -> Self {
        let mut sources: Vec<Color> = [
            theme.value,
            theme.ok,
            theme.pending,
            theme.warn,
            theme.completed,
            theme.current,
            theme.key,
            theme.label,
        ]
        .iter()
        .filter_map(|s| s.fg)
        .collect();
        sources.dedup();
        if sources.is_empty() {
            sources.push(Color::Reset);
        }
        LogsStyles {
            border: theme.border_focus,
            title: theme.title_focus,
            timestamp: theme.muted,
            selected: theme.selected,
            matched: theme.warn.add_modifier(Modifier::REVERSED),
            notice: theme.muted,
            error: theme.error,
            sources,
        }
    }
}

/// Draws the logs view of the app state.
pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    if let Some(logs) = &st.logs {
        render(logs, &LogsStyles::from_theme(theme), area, f.buffer_mut());
    }
}

/// The container picker: a small box under the hint line.
pub fn draw_picker(f: &mut Frame, below: Rect, picker: &ContainerPicker, theme: &Theme) {
    let screen = f.area();
    let what = match picker.purpose {
        crate::state::logs::PickFor::Logs => "Logs of",
        crate::state::logs::PickFor::Shell => "Shell in",
    };
    let title = match &picker.scope {
        crate::state::logs::LogScope::Pod(p) => format!(" {what} {p}: container "),
        other => format!(" {what} {}: container ", other.name()),
    };
    let widest = picker
        .entries()
        .map(|e| e.chars().count())
        .max()
        .unwrap_or(0);
    let width = (widest + 4).max(title.chars().count() + 2) as u16;
    let height = picker.len() as u16 + 2;
    let area = Rect {
        x: screen.width.saturating_sub(width) / 2,
        y: below.y + 2,
        width: width.min(screen.width),
        height: height.min(screen.height.saturating_sub(below.y + 2)),
    };
    let items: Vec<Line> = picker
        .entries()
        .enumerate()
        .map(|(i, e)| {
            let style = if i == picker.highlighted() {
                theme.selected
            } else {
                theme.value
            };
            super::inert::line(Line::styled(format!(" {e} "), style))
        })
        .collect();
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(items).style(theme.base).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border_focus)
                .title(super::inert::line(Line::styled(title, theme.title_focus))),
        ),
        area,
    );
}

/// Draws the pane into `area`.
pub fn render(st: &LogsState, styles: &LogsStyles, area: Rect, buf: &mut Buffer) {
    let title_style = match st.state() {
        Some(StreamState::Error(_)) => styles.error,
        _ => styles.title,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(styles.border)
        .title(super::inert::line(Line::styled(
            format!(" {} ", st.title()),
            title_style,
        )));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let prompt = prompt_line(st);
    let rows = inner.height - u16::from(prompt.is_some() && inner.height > 1);
    let lines_area = Rect {
        height: rows,
        ..inner
    };
    if st.buffer.is_empty() {
        let msg = match st.state() {
            Some(StreamState::Error(e)) => format!("error: {e}"),
            Some(s) => format!("no log lines yet ({})", s.label()),
            None => "connecting…".to_string(),
        };
        buf.set_stringn(
            inner.x,
            inner.y,
            msg,
            usize::from(inner.width),
            styles.notice,
        );
    } else {
        draw_lines(st, styles, lines_area, buf);
    }
    if let (Some((text, is_prompt)), true) = (prompt, inner.height > 1) {
        let y = inner.y + inner.height - 1;
        let style = if is_prompt {
            Style::default()
        } else {
            styles.notice
        };
        buf.set_stringn(inner.x, y, text, usize::from(inner.width), style);
    }
}

/// The bottom row: the `/` prompt while typing, else a notice.
fn prompt_line(st: &LogsState) -> Option<(String, bool)> {
    if let Some(input) = &st.search_input {
        return Some((format!("/{input}█"), true));
    }
    st.notice.clone().map(|n| (n, false))
}

/// What one log line looks like on screen, as styled pieces.
struct Row<'a> {
    pieces: Vec<(std::borrow::Cow<'a, str>, Style)>,
}

fn build_row<'a>(
    st: &'a LogsState,
    styles: &LogsStyles,
    line: &'a LogLine,
    prefix_width: usize,
) -> Row<'a> {
    let mut pieces = Vec::with_capacity(4 + line.text.runs.len());
    if st.prefixed() {
        let all = st.target.container == ContainerChoice::All;
        let name = if all {
            format!("{}/{}", line.source.pod, line.source.container)
        } else {
            line.source.pod.clone()
        };
        let colour = styles.sources[st.source_index(&line.source) % styles.sources.len().max(1)];
        let pad = prefix_width.saturating_sub(name.chars().count());
        pieces.push((
            format!("{name}{} ", " ".repeat(pad)).into(),
            Style::default().fg(colour),
        ));
    }
    if st.show_timestamps {
        if let Some(ts) = line.timestamp {
            pieces.push((
                format!("{} ", format_timestamp(ts)).into(),
                styles.timestamp,
            ));
        }
    }
    let matches: Vec<Range<usize>> = st
        .pattern()
        .map(|p| p.find_iter(&line.text.text).collect())
        .unwrap_or_default();
    let mut offset = 0;
    for (seg, style) in line.text.segments() {
        let seg_range = offset..offset + seg.len();
        split_by_matches(
            seg,
            seg_range.start,
            &matches,
            style,
            styles.matched,
            &mut pieces,
        );
        offset = seg_range.end;
    }
    Row { pieces }
}

/// Pushes `seg` (starting at byte `start` of the line) cut where search matches begin/end.
fn split_by_matches<'a>(
    seg: &'a str,
    start: usize,
    matches: &[Range<usize>],
    style: Style,
    matched: Style,
    out: &mut Vec<(std::borrow::Cow<'a, str>, Style)>,
) {
    let end = start + seg.len();
    let mut at = start;
    for m in matches.iter().filter(|m| m.start < end && m.end > start) {
        let (ms, me) = (m.start.max(start), m.end.min(end));
        if ms > at {
            out.push((seg[at - start..ms - start].into(), style));
        }
        out.push((seg[ms - start..me - start].into(), style.patch(matched)));
        at = me;
    }
    if at < end {
        out.push((seg[at - start..].into(), style));
    }
}

fn row_width(row: &Row<'_>) -> usize {
    row.pieces
        .iter()
        .flat_map(|(s, _)| s.chars())
        .map(|c| c.width().unwrap_or(0))
        .sum()
}

fn draw_lines(st: &LogsState, styles: &LogsStyles, area: Rect, buf: &mut Buffer) {
    let rows = usize::from(area.height);
    let width = usize::from(area.width);
    let prefix_width = if st.prefixed() {
        let all = st.target.container == ContainerChoice::All;
        st.sources()
            .iter()
            .map(|(s, _)| {
                s.pod.chars().count()
                    + if all {
                        s.container.chars().count() + 1
                    } else {
                        0
                    }
            })
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let seqs = visible_seqs(st, styles, rows, width, prefix_width);
    let mut y = area.y;
    let bottom = area.y + area.height;
    for seq in seqs {
        let Some(line) = st.buffer.get(seq) else {
            continue;
        };
        let row = build_row(st, styles, line, prefix_width);
        if st.selected() == Some(seq) {
            // Background first, so search highlights drawn on top stay visible.
            let height = if st.wrap {
                row_width(&row).div_ceil(width.max(1)).max(1)
            } else {
                1
            };
            let height = u16::try_from(height).unwrap_or(u16::MAX).min(bottom - y);
            buf.set_style(Rect::new(area.x, y, area.width, height), styles.selected);
        }
        let used = draw_row(&row, buf, area.x, y, area.width, bottom - y, st.wrap);
        y += used;
        if y >= bottom {
            break;
        }
    }
}

/// Which lines to draw, top to bottom. Without wrap each line is one row; with wrap the
/// rows each line takes are counted (only for lines near the view).
fn visible_seqs(
    st: &LogsState,
    styles: &LogsStyles,
    rows: usize,
    width: usize,
    prefix_width: usize,
) -> Vec<u64> {
    let top = st.view_top(rows);
    let end = st.buffer.end_seq();
    if !st.wrap {
        return (top..end.min(top + rows as u64)).collect();
    }
    let height = |seq: u64| -> usize {
        st.buffer
            .get(seq)
            .map(|l| {
                row_width(&build_row(st, styles, l, prefix_width))
                    .div_ceil(width.max(1))
                    .max(1)
            })
            .unwrap_or(1)
    };
    // Following, or the selection would fall below the view: fill upward from the anchor.
    let anchor = if st.follow {
        st.buffer.last_seq()
    } else {
        st.selected()
    };
    let fits_from_top = |from: u64, target: u64| -> bool {
        let mut used = 0;
        for s in from..=target {
            used += height(s);
            if used > rows {
                return false;
            }
        }
        true
    };
    let start = match anchor {
        Some(a) if st.follow || a < top || !fits_from_top(top, a) => {
            let mut used = 0;
            let mut s = a;
            loop {
                used += height(s);
                if used > rows || s == st.buffer.first_seq() {
                    if used > rows && s < a {
                        s += 1;
                    }
                    break s;
                }
                s -= 1;
            }
        }
        _ => top,
    };
    let mut out = Vec::new();
    let mut used = 0;
    let mut s = start;
    while s < end && used < rows {
        used += height(s);
        out.push(s);
        s += 1;
    }
    out
}

/// Draws one row's pieces at (x, y); returns how many screen rows it took.
fn draw_row(
    row: &Row<'_>,
    buf: &mut Buffer,
    x0: u16,
    y0: u16,
    width: u16,
    max_rows: u16,
    wrap: bool,
) -> u16 {
    let (mut x, mut y) = (x0, y0);
    let right = x0 + width;
    'pieces: for (text, style) in &row.pieces {
        for c in text.chars() {
            let w = c.width().unwrap_or(0) as u16;
            if w == 0 {
                continue;
            }
            if x + w > right {
                if !wrap || y + 1 >= y0 + max_rows {
                    break 'pieces;
                }
                x = x0;
                y += 1;
            }
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_char(c).set_style(*style);
            }
            if w == 2 {
                // The cell under a wide character's right half is hidden by it.
                if let Some(cell) = buf.cell_mut((x + 1, y)) {
                    cell.reset();
                }
            }
            x += w;
        }
    }
    y - y0 + 1
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
