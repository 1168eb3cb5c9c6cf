//! The pods table: kubectl's columns, coloured by health.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::model::format;
use crate::model::metrics::{PodResources, Usage};
use crate::model::rows::{Health, PodRow};
use crate::state::pods::PodColumn;
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
use crate::ui::metrics;
use crate::ui::table::{self, CellCtx, Column, PaneTitle, TableView};

pub fn health_style(health: Health, theme: &Theme) -> Style {
    match health {
        Health::Ok => theme.ok,
        Health::Warn => theme.warn,
        Health::Pending => theme.pending,
        Health::Error => theme.error,
        Health::Completed => theme.completed,
        Health::Terminating => theme.terminating,
    }
}

/// The health cue for probes: which probe is failing (see `convert::probe_cue`).
const PROBES: &str = "PROBES";

/// The priority of the % of requests and limits: they leave together, after IP.
const PERCENT_PRIORITY: u8 = 5;

/// A pod's metrics cell from its usage and its requests and limits.
fn metric(r: &PodRow, c: &CellCtx, text: fn(Usage, PodResources) -> String) -> String {
    match c.metrics {
        Some(m) => metrics::cell(m.pod(&r.key()), |u| text(u, r.resources)),
        None => String::new(),
    }
}

/// CPU and MEM usage, then the % of requests and limits (k9s's columns).
fn metric_columns() -> [Column<PodRow, PodColumn>; 6] {
    type C = Column<PodRow, PodColumn>;
    let usage = |title, cell| C {
        title,
        priority: 4,
        fill: false,
        sort: None,
        cell,
    };
    let percent = |title, cell| C {
        title,
        priority: PERCENT_PRIORITY,
        fill: false,
        sort: None,
        cell,
    };
    [
        usage("CPU", |r, c| metric(r, c, |u, _| metrics::cpu(u))),
        usage("MEM", |r, c| metric(r, c, |u, _| metrics::memory(u))),
        percent("%CPU/R", |r, c| {
            metric(r, c, |u, p| metrics::percent(u.cpu, p.cpu_request.into()))
        }),
        percent("%CPU/L", |r, c| {
            metric(r, c, |u, p| metrics::percent(u.cpu, p.cpu_limit.into()))
        }),
        percent("%MEM/R", |r, c| {
            metric(r, c, |u, p| {
                metrics::percent(u.memory, metrics::kib(p.memory_request_kib))
            })
        }),
        percent("%MEM/L", |r, c| {
            metric(r, c, |u, p| {
                metrics::percent(u.memory, metrics::kib(p.memory_limit_kib))
            })
        }),
    ]
}

/// The pods table's columns; with `metrics`, CPU and memory after RESTARTS.
fn columns(all_namespaces: bool, metrics: bool) -> Vec<Column<PodRow, PodColumn>> {
    type C = Column<PodRow, PodColumn>;
    let mut cols = Vec::with_capacity(14);
    if all_namespaces {
        cols.push(C {
            title: "NAMESPACE",
            priority: 2,
            fill: false,
            sort: Some(PodColumn::Namespace),
            cell: |r, _| r.namespace.to_string(),
        });
    }
    cols.extend([
        C {
            title: "NAME",
            priority: 0,
            fill: true,
            sort: Some(PodColumn::Name),
            cell: |r, _| r.name.to_string(),
        },
        C {
            title: "READY",
            priority: 2,
            fill: false,
            sort: Some(PodColumn::Ready),
            cell: |r, _| format!("{}/{}", r.ready, r.total),
        },
        C {
            title: "STATUS",
            priority: 1,
            fill: false,
            sort: Some(PodColumn::Status),
            cell: |r, _| r.status.to_string(),
        },
        C {
            title: "RESTARTS",
            priority: 3,
            fill: false,
            sort: Some(PodColumn::Restarts),
            cell: |r, c| format::restarts(r.restarts, r.last_restart, c.now),
        },
    ]);
    if metrics {
        cols.extend(metric_columns());
    }
    cols.extend([
        C {
            title: "AGE",
            priority: 3,
            fill: false,
            sort: Some(PodColumn::Age),
            cell: |r, c| format::age(r.created, c.now),
        },
        C {
            title: PROBES,
            // A failing probe matters more than IP or the % of requests and limits: it
            // stays as long as NODE and the usage columns.
            priority: 4,
            fill: false,
            sort: None,
            cell: |r, _| r.probe.map(|p| p.label()).unwrap_or("").to_string(),
        },
        C {
            title: "IP",
            priority: 6,
            fill: false,
            sort: Some(PodColumn::Ip),
            cell: |r, _| {
                r.ip.map_or_else(|| "<none>".to_string(), |ip| ip.to_string())
            },
        },
        C {
            title: "NODE",
            priority: 4,
            fill: false,
            sort: Some(PodColumn::Node),
            cell: |r, _| r.node.as_deref().unwrap_or("<none>").to_string(),
        },
    ]);
    cols
}

/// The cells of `row` in the all-namespaces view at `now`, titled, exactly as the pane
/// draws them (before cutting to width); the agreement test compares them with kubectl's.
/// rkt's own PROBES column, which kubectl has not, is left out.
pub fn cells(row: &PodRow, now: jiff::Timestamp) -> Vec<(&'static str, String)> {
    let mut cells = table::titled_cells(&columns(true, false), row, &CellCtx::at(now));
    cells.retain(|(title, _)| *title != PROBES);
    cells
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let focused = st.focus == Pane::Main;
    let loading = st.main_watch.phase == Phase::Loading;
    let block = PaneTitle {
        name: &table::view_name(st),
        scope: Some(st.scope.label()),
        shown: st.pods.visible_len(),
        total: st.pods.len(),
        filter: st.pods.filter(),
        loading,
    }
    .block(focused, theme);
    let empty_text = if let Some(e) = &st.main_watch.error {
        Line::from(Span::styled(
            format!("cannot list pods: {e}"),
            theme.error_msg,
        ))
    } else if loading {
        Line::from(Span::styled("loading pods…", theme.muted))
    } else if st.pods.is_empty() {
        Line::from(Span::styled(
            format!("no pods in {}", st.scope.label()),
            theme.muted,
        ))
    } else {
        Line::from(Span::styled("no pods match the filter", theme.muted))
    };
    let metrics = st.metrics.for_pods();
    let view = TableView {
        table: &st.pods,
        columns: columns(st.all_namespaces(), metrics),
        block,
        focused,
        row_style: |r, t| health_style(r.health, t),
        empty_text,
        together: Some(PERCENT_PRIORITY),
    };
    let ctx = CellCtx {
        now: st.now,
        metrics: metrics.then_some(&st.metrics),
    };
    table::draw(f, area, view, theme, &ctx, hits);
}
