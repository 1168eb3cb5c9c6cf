//! The parts every confirmation shows: exactly which object it acts on (context, namespace,
//! kind, name) and the answer keys, taken from the key table.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use crate::state::typed_confirm::TypedName;
use crate::theme::Theme;

/// The object a confirmation names.
pub struct Subject<'a> {
    pub context: &'a str,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<&'a str>,
    /// As kubectl names it: `pod`, `deployment.apps`.
    pub kind: &'a str,
    pub name: &'a str,
}

impl Subject<'_> {
    /// One line per fact, labels aligned.
    pub fn lines<'t>(&self, theme: &Theme) -> Vec<Line<'t>> {
        let row = |label: &'static str, value: &str| {
            Line::from(vec![
                Span::styled(format!("{label:<10}"), theme.label),
                Span::styled(value.to_string(), theme.value),
            ])
        };
        let mut lines = vec![row("context", self.context)];
        if let Some(ns) = self.namespace {
            lines.push(row("namespace", ns));
        }
        lines.push(row("kind", self.kind));
        lines.push(row("name", self.name));
        super::inert::lines(lines)
    }
}

/// `<y> VERB   any other key cancel`, with the confirm key as the user bound it.
pub fn answer_line<'t>(keymap: &Keymap, verb: &str, theme: &Theme) -> Line<'t> {
    let yes = keymap
        .label_for(Ctx::Confirm, Action::Confirm)
        .unwrap_or_else(|| "(no key bound)".into());
    Line::from(vec![
        Span::styled(yes, theme.key),
        Span::styled(format!(" {verb}   "), theme.hint),
        Span::styled("any other key", theme.key),
        Span::styled(" cancel", theme.hint),
    ])
}

/// In a protected context: which name to type, and what is typed so far.
pub fn typed_prompt<'t>(typed: &TypedName, verb: &str, theme: &Theme) -> Vec<Line<'t>> {
    vec![
        Line::from(vec![
            Span::styled(" protected context ", theme.protected),
            Span::styled(" type ", theme.hint),
            Span::styled(typed.expected.clone(), theme.value),
            Span::styled(format!(" to {verb}"), theme.hint),
        ]),
        Line::from(vec![
            Span::styled("name: ", theme.label),
            Span::styled(format!("{}█", typed.input), theme.prompt),
        ]),
    ]
}

/// `enter VERB · esc cancel`: the prompt's keys that answer a typed-name confirmation.
pub fn typed_answer<'t>(keymap: &Keymap, verb: &str, theme: &Theme) -> Line<'t> {
    let keys = inline_hints(
        keymap,
        Ctx::Prompt,
        &[(Action::Submit, verb), (Action::Cancel, "cancel")],
    );
    Line::from(Span::styled(keys, theme.hint))
}

/// `enter start · tab field · esc cancel`: each action's key in `ctx` as bound now, with
/// the caller's word for it. Actions with no key are left out.
pub fn inline_hints(keymap: &Keymap, ctx: Ctx, items: &[(Action, &str)]) -> String {
    items
        .iter()
        .filter_map(|(action, word)| {
            keymap
                .label_for(ctx, *action)
                .map(|key| format!("{key} {word}"))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A dialog's box, `width` × `height` at most, centred over `area` and cleared, with a
/// focused border and `title`; returns the area inside the border.
pub fn dialog_box(
    f: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    title: String,
    theme: &Theme,
) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    f.render_widget(ratatui::widgets::Clear, rect);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(theme.border_focus)
        .style(theme.base)
        .title(super::inert::span(Span::styled(title, theme.title_focus)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    inner
}
