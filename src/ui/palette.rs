//! The command palette: the suggestions for the word being typed on the `:` line, in a box
//! just above it, the chosen one highlighted.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::model::format;
use crate::state::prompt::Prompt;
use crate::theme::Theme;

/// Draws the palette of `prompt` above `status` (the line the prompt is on), if it has one.
pub fn draw(f: &mut Frame, screen: Rect, status: Rect, prompt: &Prompt, theme: &Theme) {
    if prompt.palette.is_empty() || screen.width < 8 {
        return;
    }
    let widest = prompt
        .palette
        .iter()
        .map(|s| format::inert(s).width())
        .max()
        .unwrap_or(0);
    let width = (widest as u16 + 4).min(screen.width.saturating_sub(1));
    let height = (prompt.palette.len() as u16 + 2).min(status.y.saturating_sub(screen.y));
    if height < 3 {
        return;
    }
    let area = Rect::new(status.x + 1, status.y - height, width, height);
    let inner_width = usize::from(width.saturating_sub(2));
    let lines: Vec<Line> = prompt
        .palette
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let style = if prompt.chosen == Some(i) {
                theme.selected
            } else {
                theme.value
            };
            let name = format::inert(name);
            let text = format::truncate(&format!(" {name}"), inner_width).into_owned();
            Line::from(Span::styled(format!("{text:<inner_width$}"), style))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focus);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block).style(theme.base), area);
}
