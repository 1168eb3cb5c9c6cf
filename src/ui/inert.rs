//! Cluster text made inert on its way to the terminal. Names, labels, annotations, event and
//! condition messages, images, change-causes, kubeconfig names: any of them may carry escape
//! sequences (`ESC ] 52` writes the clipboard, `ESC [ 2 J` clears the screen), bidi overrides
//! that make one name read as another, or zero-width characters that hide in one.
//!
//! Each drawing path passes what it is about to draw through here once, just before the
//! widget is built, so every such character shows as a visible `\u{..}` escape
//! ([`format::inert`]). [`scrub`] then runs over the finished frame: whatever a path missed
//! still never reaches the terminal raw.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

use crate::model::format::{self, is_unsafe};

/// Shown for a cell that held nothing but unsafe characters.
const REPLACEMENT: &str = "\u{fffd}";

pub fn span(span: Span<'_>) -> Span<'_> {
    match format::inert(&span.content) {
        Cow::Borrowed(_) => span,
        Cow::Owned(text) => Span {
            content: Cow::Owned(text),
            ..span
        },
    }
}

pub fn line(line: Line<'_>) -> Line<'_> {
    Line {
        spans: line.spans.into_iter().map(span).collect(),
        ..line
    }
}

pub fn lines(lines: Vec<Line<'_>>) -> Vec<Line<'_>> {
    lines.into_iter().map(line).collect()
}

/// Table cells, in place.
pub fn cells<R: AsMut<[String]>>(rows: &mut [R]) {
    for cell in rows.iter_mut().flat_map(|r| r.as_mut().iter_mut()) {
        if let Cow::Owned(text) = format::inert(cell) {
            *cell = text;
        }
    }
}

/// The frame's last pass: drops every unsafe character left in a cell (a cell left empty
/// shows U+FFFD). ratatui already drops C0/C1 controls, but appends zero-width characters,
/// bidi controls among them, to the cell before, and those would reach the terminal.
pub fn scrub(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let symbol = cell.symbol();
        if symbol.len() == 1 && !symbol.as_bytes()[0].is_ascii_control() {
            continue;
        }
        if symbol.chars().any(is_unsafe) {
            let kept: String = symbol.chars().filter(|c| !is_unsafe(*c)).collect();
            cell.set_symbol(if kept.is_empty() { REPLACEMENT } else { &kept });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn escapes_and_invisible_characters_become_visible_escapes() {
        let l = line(Line::from(vec![
            Span::raw("ctx "),
            Span::raw("a\u{1b}]52;c;eA==\u{7}b\u{202e}c\u{200b}"),
        ]));
        assert_eq!(l.spans[0].content, "ctx ");
        assert_eq!(
            l.spans[1].content,
            "a\\u{1b}]52;c;eA==\\u{7}b\\u{202e}c\\u{200b}"
        );
    }

    #[test]
    fn the_last_pass_leaves_no_unsafe_character_in_any_cell() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "ab", ratatui::style::Style::default());
        buf[(0, 0)].set_symbol("a\u{202e}");
        buf[(1, 0)].set_symbol("\u{200b}");
        buf[(2, 0)].set_symbol("\u{1b}");
        scrub(&mut buf);
        let symbols: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, ["a", "\u{fffd}", "\u{fffd}", " ", " ", " "]);
    }
}
