//! The pods table: kubectl's columns, coloured by health.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::model::format;
use crate::model::rows::{Health, PodRow};
use crate::state::pods::PodColumn;
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
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

fn columns(all_namespaces: bool) -> Vec<Column<PodRow, PodColumn>> {
    type C = Column<PodRow, PodColumn>;
    let mut cols = Vec::with_capacity(8);
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
        C {
            title: "AGE",
            priority: 3,
            fill: false,
            sort: Some(PodColumn::Age),
            cell: |r, c| format::age(r.created, c.now),
        },
        C {
            title: PROBES,
            // The first to go when the pane is narrow.
            priority: 6,
            fill: false,
            sort: None,
            cell: |r, _| r.probe.map(|p| p.label()).unwrap_or("").to_string(),
        },
        C {
            title: "IP",
            priority: 5,
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
    let mut cells = table::titled_cells(&columns(true), row, &CellCtx { now });
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
    let view = TableView {
        table: &st.pods,
        columns: columns(st.all_namespaces()),
        block,
        focused,
        row_style: |r, t| health_style(r.health, t),
        empty_text,
    };
    table::draw(f, area, view, theme, &CellCtx { now: st.now }, hits);
}
