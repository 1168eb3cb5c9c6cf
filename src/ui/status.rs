//! The header (cluster, namespace, connection, counts), the hint line and the bottom
//! status line (prompt or the latest notice).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::keymap::Keymap;
use crate::msg::Level;
use crate::state::{AppState, Connection, MainView, Pane, PromptKind};
use crate::theme::Theme;

pub fn draw_header(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let sep = || Span::styled(" │ ", theme.border);
    let mut spans = vec![
        Span::styled(" rkt", theme.title_focus),
        sep(),
        Span::styled("ctx ", theme.label),
    ];
    // A protected context stands out: its name in the protected style, and a marker that
    // says so in words (colour alone is not enough, e.g. with NO_COLOR).
    if st.cluster.protected {
        spans.push(Span::styled(
            format!(" {} ", st.cluster.context),
            theme.protected,
        ));
        spans.push(Span::styled(" ⚠ PROTECTED", theme.protected));
    } else {
        spans.push(Span::styled(st.cluster.context.clone(), theme.value));
    }
    if let Some(user) = &st.cluster.impersonate {
        spans.push(Span::styled(format!(" as {user}"), theme.warning_msg));
    }
    if let Some((_, name)) = &st.contexts.switching {
        spans.push(Span::styled(format!(" → {name}…"), theme.pending));
    }
    spans.extend([
        sep(),
        Span::styled("ns ", theme.label),
        Span::styled(st.scope.label().to_string(), theme.current),
        sep(),
    ]);
    match st.connection() {
        Connection::Connecting => spans.push(Span::styled("◌ connecting…", theme.pending)),
        Connection::Connected => {
            spans.push(Span::styled("● connected", theme.ok));
            if let Some(v) = &st.cluster.version {
                spans.push(Span::styled(format!(" {v}"), theme.muted));
            }
        }
        Connection::Reconnecting(e) => {
            spans.push(Span::styled(format!("⟳ reconnecting: {e}"), theme.error))
        }
    }
    spans.push(sep());
    // The count of what the main area shows, never of another view's table.
    let (what, count) = if st.contexts.open {
        ("contexts ".to_string(), st.contexts.rows.len())
    } else if st.forwards_open {
        ("forwards ".to_string(), st.forwards.len())
    } else if let (MainView::Resources, Some(api)) = (st.view, &st.resources.api) {
        (
            format!("{} ", api.object.plural),
            st.counts_of(Pane::Main).1,
        )
    } else {
        (
            st.view.count_label().to_string(),
            st.counts_of(Pane::Main).1,
        )
    };
    spans.push(Span::styled(what, theme.label));
    spans.push(Span::styled(count.to_string(), theme.value));
    spans.push(Span::styled(" ns ", theme.label));
    spans.push(Span::styled(st.namespaces.len().to_string(), theme.value));
    if st.readonly {
        spans.push(sep());
        spans.push(Span::styled("readonly", theme.warning_msg));
    }
    spans.push(sep());
    spans.push(Span::styled(st.cluster.server.clone(), theme.muted));
    let line = super::inert::line(Line::from(spans));
    f.render_widget(Paragraph::new(line).style(theme.base), area);
}

/// General actions shown first in every hint line (when bound).
pub fn draw_hints(f: &mut Frame, area: Rect, st: &AppState, keymap: &Keymap, theme: &Theme) {
    let spans = super::hints::spans(keymap, st.key_ctx(), area.width, theme, &|action| {
        crate::state::access::denied(st, action)
    });
    f.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

pub fn draw_status(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let line = if let Some(p) = &st.prompt {
        let (lead, extra) = match p.kind {
            PromptKind::Command => {
                let extra = if p.candidates.is_empty() {
                    String::new()
                } else {
                    format!("   {}", p.candidates.join("  "))
                };
                (":", extra)
            }
            PromptKind::Filter(pane) => {
                let (shown, total) = st.counts_of(pane);
                ("/", format!("   {shown} of {total} match"))
            }
            PromptKind::HelpFilter => {
                let count = super::help::match_count(&st.keymap, &p.input);
                ("/", format!("   {count} keys and commands match"))
            }
            PromptKind::Search => {
                let count = st.logs.as_ref().map_or(0, |l| l.match_count());
                ("/", format!("   {count} matching lines"))
            }
        };
        Line::from(vec![
            Span::styled(format!(" {lead}"), theme.prompt),
            Span::styled(p.input.clone(), theme.value),
            Span::styled("█", theme.prompt),
            Span::styled(extra, theme.muted),
        ])
    } else if let Some(n) = &st.notice {
        let style = match n.level {
            Level::Info => theme.info_msg,
            Level::Warning => theme.warning_msg,
            Level::Error => theme.error_msg,
        };
        Line::from(Span::styled(format!(" {}", n.text), style))
    } else {
        Line::default()
    };
    let line = super::inert::line(line);
    f.render_widget(Paragraph::new(line).style(theme.base), area);
}
