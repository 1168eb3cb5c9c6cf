//! The region under the main table of the Pods and Services views: what is known about the
//! selected row of the view shown (workload views draw their rollout status instead).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::model::format;
use crate::state::{AppState, MainView};
use crate::theme::Theme;
use crate::ui::pods::health_style;

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(" Details ", theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let lines = match st.view {
        _ if st.forwards_open => Vec::new(),
        MainView::Services => service_lines(st, theme),
        MainView::Pods => pod_lines(st, theme),
        // Workload views draw their rollout status in this region (ui::rollouts).
        MainView::Deployments | MainView::StatefulSets | MainView::DaemonSets => Vec::new(),
        MainView::Resources => super::resources::detail_lines(st, theme),
    };
    // Long lines (a generic row's every column) wrap rather than vanish at the edge.
    let text = Paragraph::new(lines)
        .style(theme.base)
        .wrap(Wrap { trim: true });
    f.render_widget(text, inner);
}

/// The selected Service of the Services view.
fn service_lines<'a>(st: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    let Some(svc) = st.services.selected_row() else {
        return vec![Line::from(Span::styled("no service selected", theme.muted))];
    };
    let label = |s: &'static str| Span::styled(s, theme.label);
    vec![
        Line::from(vec![
            label("service "),
            Span::styled(svc.name.to_string(), theme.value),
            label("  namespace "),
            Span::styled(svc.namespace.to_string(), theme.value),
        ]),
        Line::from(vec![
            label("type "),
            Span::styled(svc.type_.to_string(), theme.value),
            label("  cluster-ip "),
            Span::styled(svc.cluster_ip.to_string(), theme.value),
            label("  age "),
            Span::styled(format::age(svc.created, st.now), theme.value),
        ]),
        Line::from(vec![
            label("ports "),
            Span::styled(svc.ports.to_string(), theme.value),
        ]),
    ]
}

/// The selected pod of the Pods view.
fn pod_lines<'a>(st: &AppState, theme: &Theme) -> Vec<Line<'a>> {
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
    lines
}
