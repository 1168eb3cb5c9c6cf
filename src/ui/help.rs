//! The `?` help screen, generated from the key table and the command list.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use crate::state::prompt::commands;
use crate::theme::Theme;

/// The help text as lines (also what the snapshot tests see).
pub fn lines<'a>(keymap: &Keymap, theme: &Theme) -> Vec<Line<'a>> {
    let key_width = keymap
        .bindings()
        .iter()
        .map(|b| b.keys_label().chars().count())
        .max()
        .unwrap_or(8)
        .max(16);
    let mut out = Vec::new();
    for ctx in Ctx::ALL {
        let rows: Vec<_> = keymap.in_ctx(ctx).collect();
        if rows.is_empty() {
            continue;
        }
        out.push(Line::from(Span::styled(
            ctx.title().to_string(),
            theme.header,
        )));
        for b in rows {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<key_width$}", b.keys_label()), theme.key),
                Span::styled(format!("  {}", b.desc), theme.hint),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled("Commands (after :)", theme.header)));
    for c in commands() {
        // The canonical name and its short alias; the rest still work.
        let names = c
            .names
            .iter()
            .take(2)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Line::from(vec![
            Span::styled(format!("  {names:<key_width$}"), theme.key),
            Span::styled(format!("  {}", c.desc), theme.hint),
        ]));
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, scroll: usize, keymap: &Keymap, theme: &Theme) {
    let all = lines(keymap, theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focus)
        .title(Span::styled(
            format!(
                " Help — {} closes, {}/{} scroll ",
                keymap
                    .label_for(Ctx::Help, Action::Back)
                    .unwrap_or_default(),
                keymap
                    .label_for(Ctx::Help, Action::Down)
                    .unwrap_or_default(),
                keymap.label_for(Ctx::Help, Action::Up).unwrap_or_default(),
            ),
            theme.title_focus,
        ));
    let inner = block.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(block, area);
    let height = inner.height as usize;
    if height == 0 {
        return;
    }
    // As many columns (each at least 45 wide) as it takes to fit everything, if possible.
    let max_columns = (inner.width as usize / 45).max(1);
    let columns = all.len().div_ceil(height).clamp(1, max_columns);
    let per_column = all.len().div_ceil(columns);
    let max_scroll = per_column.saturating_sub(height);
    let scroll = scroll.min(max_scroll);
    let col_width = inner.width / columns as u16;
    for c in 0..columns {
        let slice: Vec<Line> = all
            .iter()
            .skip(c * per_column + scroll)
            .take(height.min(per_column.saturating_sub(scroll)))
            .cloned()
            .collect();
        let rect = Rect {
            x: inner.x + c as u16 * col_width,
            width: col_width,
            ..inner
        };
        f.render_widget(Paragraph::new(slice).style(theme.base), rect);
    }
}
