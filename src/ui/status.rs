//! The header (cluster, namespace, connection, counts), the hint line and the bottom
//! status line (prompt or the latest notice).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap, ResolvedBinding};
use crate::msg::Level;
use crate::state::{AppState, Connection, MainView, Pane, PromptKind};
use crate::theme::Theme;

pub fn draw_header(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let sep = || Span::styled(" │ ", theme.border);
    let mut spans = vec![
        Span::styled(" rkt", theme.title_focus),
        sep(),
        Span::styled("ctx ", theme.label),
        Span::styled(st.cluster.context.clone(), theme.value),
        sep(),
        Span::styled("ns ", theme.label),
        Span::styled(st.scope.label().to_string(), theme.current),
        sep(),
    ];
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
    let (what, count) = if st.forwards_open {
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
    f.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

/// General actions shown first in every hint line (when bound).
const LEAD_HINTS: [Action; 4] = [Action::Help, Action::Command, Action::Filter, Action::Quit];

/// `<key> desc` pairs for the focused context: the lead general actions, then the
/// context's own bindings, then the rest of the general ones.
pub fn hint_spans<'a>(keymap: &Keymap, ctx: Ctx, theme: &Theme) -> Vec<Span<'a>> {
    let own = ctx.chain().first().copied().unwrap_or(Ctx::Global);
    // A general binding whose key the pane binds itself (`/` searches the logs) is not shown.
    let shadowed = move |b: &ResolvedBinding| {
        own != Ctx::Global
            && keymap
                .in_ctx(own)
                .any(|o| o.keys.iter().any(|k| b.keys.contains(k)))
    };
    let global = move |lead: bool| {
        keymap
            .in_ctx(Ctx::Global)
            .filter(move |b| LEAD_HINTS.contains(&b.action) == lead && !shadowed(b))
    };
    let mut ordered: Vec<&ResolvedBinding> = global(true).collect();
    if own != Ctx::Global {
        // The pane's actions first, its sort keys after them (there are many).
        let is_sort = |b: &&ResolvedBinding| b.action.name().starts_with("sort_");
        ordered.extend(keymap.in_ctx(own).filter(|b| !is_sort(b)));
        ordered.extend(keymap.in_ctx(own).filter(is_sort));
    }
    ordered.extend(global(false));
    let mut spans = Vec::new();
    for b in ordered {
        spans.push(Span::styled(format!(" <{}>", b.keys_label()), theme.key));
        spans.push(Span::styled(format!(" {}", b.desc), theme.hint));
    }
    spans
}

pub fn draw_hints(f: &mut Frame, area: Rect, st: &AppState, keymap: &Keymap, theme: &Theme) {
    let spans = fitting_pairs(hint_spans(keymap, st.key_ctx(), theme), area.width);
    f.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

/// The leading `<key> desc` pairs that fit in `width` whole: a hint cut in the middle
/// ("<shift-f> port-fo") reads as a different key. The full list is in the help.
fn fitting_pairs(spans: Vec<Span<'_>>, width: u16) -> Vec<Span<'_>> {
    let mut used = 0usize;
    let mut out = Vec::with_capacity(spans.len());
    let mut pairs = spans.into_iter();
    while let (Some(key), Some(desc)) = (pairs.next(), pairs.next()) {
        used += key.width() + desc.width();
        if used > usize::from(width) {
            break;
        }
        out.push(key);
        out.push(desc);
    }
    out
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
    f.render_widget(Paragraph::new(line).style(theme.base), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_that_do_not_fit_whole_are_left_out() {
        let spans = vec![
            Span::raw(" <?>"),
            Span::raw(" help"),
            Span::raw(" <shift-f>"),
            Span::raw(" port-forward"),
        ];
        let text = |s: &[Span]| s.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(
            text(&fitting_pairs(spans.clone(), 32)),
            " <?> help <shift-f> port-forward"
        );
        assert_eq!(text(&fitting_pairs(spans.clone(), 31)), " <?> help");
        assert_eq!(text(&fitting_pairs(spans, 3)), "");
    }
}
