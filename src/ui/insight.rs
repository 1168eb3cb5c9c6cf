//! The details region of `:ing` and `:no`. An Ingress's routing: host and path →
//! Service:port → ready endpoints, broken backends (no such Service, no ready endpoint) in
//! red. A Node: readiness, pressure, pods against capacity, taints.

use ratatui::text::{Line, Span};

use crate::model::ingress_routes::Route;
use crate::model::insight::{Insight, NodeSummary};
use crate::theme::Theme;

pub fn lines<'a>(insight: &Result<Insight, String>, theme: &Theme) -> Vec<Line<'a>> {
    match insight {
        Ok(Insight::Routes(routes)) => route_lines(routes, theme),
        Ok(Insight::Node(node)) => node_lines(node, theme),
        Err(e) => vec![Line::from(Span::styled(e.clone(), theme.error_msg))],
    }
}

fn node_lines<'a>(node: &NodeSummary, theme: &Theme) -> Vec<Line<'a>> {
    let label = |s: &'static str| Span::styled(s, theme.label);
    let ready_style = if node.ready == "True" {
        theme.ok
    } else {
        theme.error
    };
    let mut first = vec![
        label("ready "),
        Span::styled(node.ready.clone(), ready_style),
    ];
    if node.unschedulable {
        first.push(Span::styled("  SchedulingDisabled", theme.warn));
    }
    first.push(label("  pods "));
    let capacity = node
        .pod_capacity
        .map_or_else(|| "?".to_string(), |c| c.to_string());
    let full = node.pod_capacity.is_some_and(|c| node.pods as u64 >= c);
    first.push(Span::styled(
        format!("{}/{capacity}", node.pods),
        if full { theme.error } else { theme.value },
    ));
    let troubles = if node.troubles.is_empty() {
        Span::styled("no pressure".to_string(), theme.ok)
    } else {
        Span::styled(node.troubles.join(", "), theme.error)
    };
    let taints = if node.taints.is_empty() {
        Span::styled("<none>".to_string(), theme.muted)
    } else {
        Span::styled(node.taints.join(", "), theme.warn)
    };
    vec![
        Line::from(first),
        Line::from(vec![label("conditions "), troubles]),
        Line::from(vec![label("taints "), taints]),
    ]
}

fn route_lines<'a>(routes: &[Route], theme: &Theme) -> Vec<Line<'a>> {
    if routes.is_empty() {
        return vec![Line::from(Span::styled(
            "no routes: the Ingress has no rules",
            theme.muted,
        ))];
    }
    let width = |f: fn(&Route) -> String| {
        routes
            .iter()
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
    };
    let from = |r: &Route| format!("{}{}", r.host, r.path);
    let to = |r: &Route| match &r.resource {
        Some(resource) => resource.clone(),
        None => format!("{}:{}", r.service, r.port),
    };
    let (from_w, to_w) = (width(from), width(to));
    let mut out = vec![Line::from(Span::styled("ROUTES", theme.header))];
    for r in routes {
        let (state, style) = match &r.problem {
            Some(problem) => (problem.clone(), theme.error),
            None => (
                format!(
                    "{} ready endpoint{}",
                    r.ready,
                    if r.ready == 1 { "" } else { "s" }
                ),
                theme.ok,
            ),
        };
        out.push(Line::from(vec![
            Span::styled(format!("{:<from_w$}", from(r)), theme.value),
            Span::styled(" → ", theme.muted),
            Span::styled(format!("{:<to_w$}", to(r)), theme.value),
            Span::styled(" → ", theme.muted),
            Span::styled(state, style),
            Span::styled(
                if r.is_default {
                    "  (default backend)"
                } else {
                    ""
                },
                theme.muted,
            ),
        ]));
    }
    out
}
