//! The region under the main table of the Pods and Services views: what is known about the
//! selected row of the view shown (workload views draw their rollout status instead).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};
use ratatui::Frame;

use crate::model::format;
use crate::model::metrics as model_metrics;
use crate::model::rows::PodRow;
use crate::state::metrics::Reading;
use crate::state::{AppState, MainView};
use crate::theme::Theme;
use crate::ui::metrics;
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
        MainView::Helm => super::helm::detail_lines(st, theme),
    };
    // Long lines (a generic row's every column) wrap rather than vanish at the edge.
    let text = Paragraph::new(super::inert::lines(lines))
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
        if st.metrics.for_pods() {
            lines.extend(usage_line(pod, st, theme));
        }
    } else {
        lines.push(Line::from(Span::styled("no pod selected", theme.muted)));
    }
    lines
}

/// `cpu 15m (15% of 100m request, no limit)  memory 31Mi (44% of 70Mi request, 18% of
/// 170Mi limit)`: the selected pod's usage against its requests and limits.
/// Nothing for a pod without metrics (not running); `n/a` when the read failed.
fn usage_line<'a>(pod: &PodRow, st: &AppState, theme: &Theme) -> Option<Line<'a>> {
    let label = |s: &'static str| Span::styled(s, theme.label);
    let u = match st.metrics.pod(&pod.key()) {
        Reading::Value(u) => u,
        Reading::Missing => return None,
        Reading::Failed => {
            let na = || Span::styled(metrics::NA, theme.muted);
            return Some(Line::from(vec![
                label("cpu "),
                na(),
                label("  memory "),
                na(),
            ]));
        }
    };
    let r = pod.resources;
    let share = |used: u64, request: u64, limit: u64, text: fn(u64) -> String| {
        let part = |of: u64, what: &str| match model_metrics::percent(used, of) {
            Some(p) => format!("{p}% of {} {what}", text(of)),
            None => format!("no {what}"),
        };
        format!(" ({}, {})", part(request, "request"), part(limit, "limit"))
    };
    let line: Line = vec![
        label("cpu "),
        Span::styled(metrics::cpu(u), theme.value),
        Span::styled(
            share(
                u.cpu,
                r.cpu_request.into(),
                r.cpu_limit.into(),
                model_metrics::cpu_text,
            ),
            theme.muted,
        ),
        label("  memory "),
        Span::styled(metrics::memory(u), theme.value),
        Span::styled(
            share(
                u.memory,
                metrics::kib(r.memory_request_kib),
                metrics::kib(r.memory_limit_kib),
                model_metrics::memory_text,
            ),
            theme.muted,
        ),
    ]
    .into();
    Some(line)
}
