//! The namespaces pane: names, the current one marked.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::action::Action;
use crate::effect::Scope;
use crate::keymap::Ctx;
use crate::model::format::inert;
use crate::msg::FORBIDDEN;
use crate::state::mouse::Spot;
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
use crate::ui::table::PaneTitle;

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let focused = st.focus == Pane::Namespaces;
    let ns = &st.namespaces;
    // A list that failed is not loading: the pane says why instead.
    let loading = st.ns_watch.phase == Phase::Loading && st.ns_watch.error.is_none();
    let block = PaneTitle {
        name: "Namespaces",
        scope: None,
        shown: ns.visible_len(),
        total: ns.len(),
        filter: ns.filter(),
        loading,
    }
    .block(focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    hits.add(area, Spot::Pane(Pane::Namespaces));
    let current = match &st.scope {
        Scope::Namespace(n) => Some(n.as_ref()),
        Scope::All => None,
    };
    let mut lines: Vec<Line> = Vec::with_capacity(inner.height as usize);
    for (n, row) in ns
        .visible_window(ns.cursor.offset, inner.height as usize)
        .enumerate()
    {
        let is_current = current == Some(row.name.as_ref());
        let marker = if is_current { "● " } else { "  " };
        let mut style = if is_current {
            theme.current
        } else if row.phase.as_ref() == "Terminating" {
            theme.terminating
        } else {
            theme.base
        };
        if n + ns.cursor.offset == ns.cursor.selected {
            style = if focused {
                style.patch(theme.selected)
            } else {
                style.add_modifier(ratatui::style::Modifier::UNDERLINED)
            };
        }
        let line = Rect::new(inner.x, inner.y + n as u16, inner.width, 1);
        hits.add(
            line,
            Spot::Row {
                pane: Pane::Namespaces,
                key: row.key(),
            },
        );
        let width = inner.width as usize;
        let text = format!("{marker}{}", crate::model::format::inert(&row.name));
        lines.push(Line::from(Span::styled(format!("{text:<width$}"), style)));
    }
    if lines.is_empty() {
        let text = match (&st.ns_watch.error, loading) {
            (Some(e), _) => return unavailable(f, inner, st, theme, e),
            (None, true) => Span::styled("loading…", theme.muted),
            (None, false) if ns.is_empty() => Span::styled("none", theme.muted),
            _ => Span::styled("no match", theme.muted),
        };
        f.render_widget(
            Paragraph::new(Line::from(text)).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The list cannot be had (forbidden to a restricted user, or the connection is down):
/// the API's words, the namespace in use, and how to name another one.
fn unavailable(f: &mut Frame, inner: Rect, st: &AppState, theme: &Theme, error: &str) {
    let error = match error.strip_prefix(FORBIDDEN) {
        Some(message) => format!("cannot list namespaces: {FORBIDDEN}{}", inert(message)),
        None => format!("cannot list namespaces: {}", inert(error)),
    };
    let mut lines = vec![Line::from(Span::styled(error, theme.error_msg))];
    if let Scope::Namespace(current) = &st.scope {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("● {}", inert(current)),
            theme.current,
        )));
    }
    let command = st
        .keymap
        .label_for(Ctx::Global, Action::Command)
        .unwrap_or_else(|| ":".to_string());
    let select = st
        .keymap
        .label_for(Ctx::Namespaces, Action::Select)
        .unwrap_or_else(|| "enter".to_string());
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("another: ", theme.muted),
        Span::styled(format!("{command}ns NAME"), theme.key),
        Span::styled(" or ", theme.muted),
        Span::styled(format!("<{select}>"), theme.key),
    ]));
    f.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
        inner,
    );
}
