//! The `?` help screen, generated from the key table and the command list.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use crate::state::help;
use crate::state::prompt::commands;
use crate::state::HelpState;
use crate::theme::Theme;

/// The help text in sections, one per pane and one for the commands: a section is never
/// split across columns, so a heading stays with its keys. With a `filter`, only the lines
/// that answer it, under their headings; sections without one are left out.
pub fn sections<'a>(keymap: &Keymap, theme: &Theme, filter: &str) -> Vec<Vec<Line<'a>>> {
    let key_width = keymap
        .bindings()
        .iter()
        .map(|b| b.keys_label().chars().count())
        .max()
        .unwrap_or(8)
        .max(16);
    let mut out = Vec::new();
    for ctx in Ctx::ALL {
        let rows: Vec<_> = keymap
            .in_ctx(ctx)
            .filter(|b| help::matches(filter, &[&b.keys_label(), &b.action.name(), b.desc]))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut section = vec![Line::from(Span::styled(
            ctx.title().to_string(),
            theme.header,
        ))];
        for b in rows {
            section.push(Line::from(vec![
                Span::styled(format!("  {:<key_width$}", b.keys_label()), theme.key),
                Span::styled(format!("  {}", b.desc), theme.hint),
            ]));
        }
        out.push(section);
    }
    let mut commands_section = vec![Line::from(Span::styled("Commands (after :)", theme.header))];
    for c in commands().filter(|c| {
        let mut texts = c.names.to_vec();
        texts.push(c.desc);
        help::matches(filter, &texts)
    }) {
        // The canonical name and its short alias; the rest still work.
        let names = c
            .names
            .iter()
            .take(2)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        commands_section.push(Line::from(vec![
            Span::styled(format!("  {names:<key_width$}"), theme.key),
            Span::styled(format!("  {}", c.desc), theme.hint),
        ]));
    }
    if commands_section.len() > 1 {
        out.push(commands_section);
    }
    out
}

/// How many keys and commands answer `filter` (the help's status line count).
pub fn match_count(keymap: &Keymap, filter: &str) -> usize {
    sections(keymap, &Theme::plain(), filter)
        .iter()
        .map(|s| s.len() - 1)
        .sum()
}

/// Lines a section takes in a column `width` wide (long lines wrap).
fn height_of(section: &[Line], width: usize) -> usize {
    section
        .iter()
        .map(|l| l.width().max(1).div_ceil(width.max(1)))
        .sum::<usize>()
        + 1
}

/// Sections packed into `columns` columns, in order, each column about as tall as the
/// others; a section is moved whole to the next column rather than split.
fn pack<'a>(sections: Vec<Vec<Line<'a>>>, columns: usize, width: usize) -> Vec<Vec<Line<'a>>> {
    let total: usize = sections.iter().map(|s| height_of(s, width)).sum();
    let target = total.div_ceil(columns.max(1));
    let mut out: Vec<Vec<Line>> = vec![Vec::new()];
    let mut used = 0;
    for section in sections {
        let h = height_of(&section, width);
        let column_full = used > 0 && used + h > target && out.len() < columns;
        if column_full {
            out.push(Vec::new());
            used = 0;
        }
        if let Some(column) = out.last_mut() {
            if !column.is_empty() {
                column.push(Line::default());
            }
            column.extend(section);
        }
        used += h;
    }
    out
}

pub fn draw(f: &mut Frame, area: Rect, help: &HelpState, keymap: &Keymap, theme: &Theme) {
    let scroll = help.scroll;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focus)
        .title(Span::styled(
            format!(
                " Help{} — {} closes, {}/{} scroll, {} finds a key ",
                if help.filter.is_empty() {
                    String::new()
                } else {
                    format!(" </{}>", help.filter)
                },
                keymap
                    .label_for(Ctx::Help, Action::Back)
                    .unwrap_or_default(),
                keymap
                    .label_for(Ctx::Help, Action::Down)
                    .unwrap_or_default(),
                keymap.label_for(Ctx::Help, Action::Up).unwrap_or_default(),
                keymap
                    .label_for(Ctx::Help, Action::Filter)
                    .unwrap_or_default(),
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
    // As many columns (each at least 45 wide) as the width allows; long lines wrap, so
    // nothing is cut.
    let columns = (inner.width as usize / 45).max(1);
    let col_width = inner.width / columns as u16;
    let found = sections(keymap, theme, &help.filter);
    if found.is_empty() {
        let text = format!("no key or command does {:?}", help.filter);
        f.render_widget(Paragraph::new(Span::styled(text, theme.muted)), inner);
        return;
    }
    let packed = pack(found, columns, usize::from(col_width));
    let tallest = packed
        .iter()
        .map(|c| height_of(c, usize::from(col_width)))
        .max()
        .unwrap_or(0);
    let scroll = scroll.min(tallest.saturating_sub(height)) as u16;
    for (c, column) in packed.into_iter().enumerate() {
        let rect = Rect {
            x: inner.x + c as u16 * col_width,
            width: col_width.saturating_sub(1),
            ..inner
        };
        let text = Paragraph::new(column)
            .style(theme.base)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0));
        f.render_widget(text, rect);
    }
}
