//! The region under the main table. Logs and rollout history will live here; until then it
//! shows what is known about the selected row.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui::Frame;

use crate::state::AppState;
use crate::theme::Theme;
use crate::ui::{format, pods::health_style};

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(" Details ", theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    if let Some(pod) = st.pods.selected_row() {
        let label = |s: &'static str| Span::styled(s, theme.label);
        lines.push(Line::from(vec![
            label("pod "),
            Span::styled(pod.name.to_string(), theme.value),
            label("  namespace "),
            Span::styled(pod.namespace.to_string(), theme.value),
        ]));
        lines.push(Line::from(vec![
            label("status "),
            Span::styled(pod.status.to_string(), health_style(pod.health, theme)),
            label("  ready "),
            Span::styled(format!("{}/{}", pod.ready, pod.total), theme.value),
            label("  restarts "),
            Span::styled(
                format::restarts(pod.restarts, pod.last_restart, st.now),
                theme.value,
            ),
            label("  age "),
            Span::styled(format::age(pod.created, st.now), theme.value),
        ]));
        lines.push(Line::from(vec![
            label("node "),
            Span::styled(
                pod.node.as_deref().unwrap_or("<none>").to_string(),
                theme.value,
            ),
            label("  ip "),
            Span::styled(
                pod.ip
                    .map_or_else(|| "<none>".to_string(), |ip| ip.to_string()),
                theme.value,
            ),
        ]));
    } else {
        lines.push(Line::from(Span::styled("no pod selected", theme.muted)));
    }
    f.render_widget(Paragraph::new(lines).style(theme.base), inner);
}
