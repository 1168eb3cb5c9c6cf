//! The Deployments, StatefulSets and DaemonSets tables: kubectl's columns plus IMAGES.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::model::format;
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rollout::Workload;
use crate::state::workloads::WorkloadColumn;
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
use crate::ui::table::{self, CellCtx, Column, PaneTitle, TableView};

type C = Column<WorkloadRow, WorkloadColumn>;

fn col(title: &'static str, priority: u8, cell: fn(&WorkloadRow, &CellCtx) -> String) -> C {
    C {
        title,
        priority,
        fill: false,
        sort: None,
        cell,
    }
}

fn columns(kind: Workload, all_namespaces: bool) -> Vec<C> {
    let mut cols = Vec::with_capacity(9);
    if all_namespaces {
        cols.push(C {
            sort: Some(WorkloadColumn::Namespace),
            ..col("NAMESPACE", 2, |r, _| r.namespace.to_string())
        });
    }
    cols.push(C {
        fill: true,
        sort: Some(WorkloadColumn::Name),
        ..col("NAME", 0, |r, _| r.name.to_string())
    });
    match kind {
        Workload::Deployment => cols.extend([
            col("READY", 1, |r, _| format!("{}/{}", r.ready, r.desired)),
            col("UP-TO-DATE", 2, |r, _| r.up_to_date.to_string()),
            col("AVAILABLE", 2, |r, _| r.available.to_string()),
        ]),
        Workload::StatefulSet => {
            cols.push(col("READY", 1, |r, _| format!("{}/{}", r.ready, r.desired)))
        }
        Workload::DaemonSet => cols.extend([
            col("DESIRED", 2, |r, _| r.desired.to_string()),
            col("CURRENT", 2, |r, _| r.current.to_string()),
            col("READY", 1, |r, _| r.ready.to_string()),
            col("UP-TO-DATE", 3, |r, _| r.up_to_date.to_string()),
            col("AVAILABLE", 3, |r, _| r.available.to_string()),
        ]),
    }
    cols.push(C {
        sort: Some(WorkloadColumn::Age),
        ..col("AGE", 3, |r, c| format::age(r.created, c.now))
    });
    cols.push(col("IMAGES", 4, |r, _| r.images.to_string()));
    cols
}

/// Green when settled, yellow while rolling out or paused, red when the rollout failed.
pub fn row_style(row: &WorkloadRow, theme: &Theme) -> Style {
    if row.failed {
        theme.error
    } else if row.progressing || row.paused || row.ready < row.desired {
        theme.warn
    } else {
        theme.ok
    }
}

/// The cells of `row` in the all-namespaces view at `now`, titled, exactly as the pane
/// draws them (before cutting to width); the agreement test compares them with kubectl's.
pub fn cells(row: &WorkloadRow, now: jiff::Timestamp) -> Vec<(&'static str, String)> {
    table::titled_cells(&columns(row.kind, true), row, &CellCtx::at(now))
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let Some(kind) = st.view.workload() else {
        return;
    };
    let focused = st.focus == Pane::Main && !st.rollout.history_focused();
    let loading = st.main_watch.phase == Phase::Loading;
    let block = PaneTitle {
        name: &table::view_name(st),
        scope: Some(st.scope.label()),
        shown: st.workloads.visible_len(),
        total: st.workloads.len(),
        filter: st.workloads.filter(),
        loading,
    }
    .block(focused, theme);
    let what = st.view.title().to_lowercase();
    let empty_text = if let Some(e) = &st.main_watch.error {
        Line::from(Span::styled(
            format!("cannot list {what}: {e}"),
            theme.error_msg,
        ))
    } else if loading {
        Line::from(Span::styled(format!("loading {what}…"), theme.muted))
    } else if st.workloads.is_empty() {
        Line::from(Span::styled(
            format!("no {what} in {}", st.scope.label()),
            theme.muted,
        ))
    } else {
        Line::from(Span::styled(
            format!("no {what} match the filter"),
            theme.muted,
        ))
    };
    let view = TableView {
        table: &st.workloads,
        columns: columns(kind, st.all_namespaces()),
        block,
        focused,
        row_style,
        empty_text,
        together: None,
    };
    table::draw(f, area, view, theme, &CellCtx::at(st.now), hits);
}
