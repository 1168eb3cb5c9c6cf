//! An Ingress's routing, in the details region of `:ing`: host and path → Service:port →
//! ready endpoints, broken backends (no such Service, no ready endpoint) in red.

use ratatui::text::{Line, Span};

use crate::model::ingress_routes::Route;
use crate::theme::Theme;

pub fn lines<'a>(routes: &Result<Vec<Route>, String>, theme: &Theme) -> Vec<Line<'a>> {
    let routes = match routes {
        Ok(r) if r.is_empty() => {
            return vec![Line::from(Span::styled(
                "no routes: the Ingress has no rules",
                theme.muted,
            ))]
        }
        Ok(r) => r,
        Err(e) => {
            return vec![Line::from(Span::styled(
                format!("routes: {e}"),
                theme.error_msg,
            ))]
        }
    };
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
