//! The YAML / describe text view and the delete confirmation.

use crate::state::objects::DeleteConfirm;
use crate::state::objects::TextView;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::confirm::{answer_line, inline_hints, typed_answer, typed_prompt, Subject};
use crate::action::Action;
use crate::keymap::Ctx;
use crate::keymap::Keymap;
use crate::theme::Theme;

use crate::state::layout::CHROME_ROWS;

/// The body area the text view covers, like the help screen.
fn body(area: Rect) -> Rect {
    Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(CHROME_ROWS),
        ..area
    }
}

/// The YAML / describe text over the body.
pub fn draw_text(f: &mut Frame, area: Rect, view: &TextView, keymap: &Keymap, theme: &Theme) {
    {
        let r = body(area);
        let position = if view.loading {
            "loading…".to_string()
        } else {
            format!(
                "{}-{} of {}",
                (view.scroll + 1).min(view.lines.len()),
                (view.scroll + view.viewport).min(view.lines.len()),
                view.lines.len()
            )
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.border_focus)
            .title(super::inert::span(Span::styled(
                format!(
                    " {} · {position} · {} ",
                    view.title,
                    inline_hints(keymap, Ctx::Text, &[(Action::Back, "closes")])
                ),
                theme.title_focus,
            )));
        let inner = block.inner(r);
        // Only the visible lines are turned into spans.
        let lines: Vec<Line> = view
            .lines
            .iter()
            .skip(view.scroll)
            .take(inner.height as usize)
            .map(|l| super::inert::line(Line::from(Span::styled(l.as_str(), theme.value))))
            .collect();
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(block), r);
    }
}

/// The delete confirmation, naming exactly what it deletes.
pub fn draw_delete(
    f: &mut Frame,
    area: Rect,
    confirm: &DeleteConfirm,
    keymap: &Keymap,
    theme: &Theme,
) {
    {
        let obj = &confirm.obj;
        let subject = Subject {
            context: &confirm.context,
            namespace: obj.namespace.as_deref(),
            kind: &obj.kind.label(),
            name: &obj.name,
        };
        let mut text = vec![Line::from(Span::styled(
            format!("Delete {}?", obj.label()),
            theme.value,
        ))];
        text.extend(subject.lines(theme));
        text.push(match &confirm.identity {
            Some(id) => Line::from(vec![
                Span::styled(format!("{:<10}", "uid"), theme.label),
                Span::styled(id.uid.clone(), theme.muted),
            ]),
            None => Line::from(Span::styled("looking it up…", theme.muted)),
        });
        match &confirm.typed {
            Some(typed) => {
                text.extend(typed_prompt(typed, "delete", theme));
                text.push(Line::default());
                text.push(typed_answer(keymap, "delete", theme));
            }
            None => {
                text.push(Line::default());
                text.push(answer_line(keymap, "delete", theme));
            }
        }
        let text = super::inert::lines(text);
        let width = text.iter().map(Line::width).max().unwrap_or(30) as u16 + 4;
        let r = super::rollouts::centered(area, width.max(34), text.len() as u16 + 2);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.error)
            .title(Span::styled(" Delete ", theme.error));
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(text).block(block), r);
    }
}
