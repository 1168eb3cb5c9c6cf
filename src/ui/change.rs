//! The form of a change (create a Deployment, expose, set image) and the review before it
//! is sent (create, apply).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use crate::model::format::inert;
use crate::state::change::{FieldValue, Form};
use crate::theme::Theme;
use crate::ui::confirm::inline_hints;

/// The form, centred over `area`.
pub fn draw_form(f: &mut Frame, area: Rect, form: &Form, keymap: &Keymap, theme: &Theme) {
    let lines = form_lines(form, keymap, theme);
    let size = (area.width.clamp(20, 84), lines.len() as u16 + 2);
    let title = format!(" {} ", inert(&form.title));
    let inner = crate::ui::confirm::dialog_box(f, area, size, title, theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn form_lines<'t>(form: &Form, keymap: &Keymap, theme: &Theme) -> Vec<Line<'t>> {
    let mut lines = Vec::new();
    if form.loading {
        lines.push(Line::styled(" reading the object…", theme.muted));
    } else if let Some(review) = &form.review {
        for line in review {
            lines.push(Line::styled(format!(" {}", inert(line)), theme.value));
        }
        lines.push(Line::default());
        let hints = inline_hints(
            keymap,
            Ctx::Form,
            &[(Action::Submit, "run"), (Action::Cancel, "back / cancel")],
        );
        lines.push(Line::styled(format!(" {hints}"), theme.hint));
        return lines;
    } else {
        let width = form.fields.iter().map(|f| f.label.len()).max().unwrap_or(0);
        for (i, field) in form.fields.iter().enumerate() {
            let focused = i == form.focus;
            let label = Span::styled(
                format!(" {:<width$}  ", field.label),
                if focused { theme.prompt } else { theme.label },
            );
            let value = match &field.value {
                FieldValue::Text(t) => {
                    let cursor = if focused { "█" } else { "" };
                    Span::styled(format!("{}{cursor}", inert(t)), theme.value)
                }
                FieldValue::Choice { options, idx } => {
                    let text = options
                        .iter()
                        .enumerate()
                        .map(|(j, o)| {
                            if j == *idx {
                                format!("[{}]", inert(o))
                            } else {
                                format!(" {} ", inert(o))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                    Span::styled(text, if focused { theme.selected } else { theme.value })
                }
            };
            lines.push(Line::from(vec![label, value]));
        }
    }
    lines.push(match &form.error {
        Some(e) => Line::styled(format!(" {}", inert(e)), theme.error_msg),
        None => Line::default(),
    });
    let hints = inline_hints(
        keymap,
        Ctx::Form,
        &[
            (Action::Submit, "ok"),
            (Action::FocusNext, "field"),
            (Action::Down, "choice"),
            (Action::Cancel, "cancel"),
        ],
    );
    lines.push(Line::styled(format!(" {hints}"), theme.hint));
    lines
}
