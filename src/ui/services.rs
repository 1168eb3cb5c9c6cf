//! The Services table (`:svc`): kubectl's columns.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::model::format;
use crate::model::services::ServiceRow;
use crate::state::services::ServiceColumn;
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
use crate::ui::table::{self, CellCtx, Column, PaneTitle, TableView};

type C = Column<ServiceRow, ServiceColumn>;

fn columns(all_namespaces: bool) -> Vec<C> {
    let mut cols = Vec::with_capacity(6);
    if all_namespaces {
        cols.push(C {
            title: "NAMESPACE",
            priority: 2,
            fill: false,
            sort: Some(ServiceColumn::Namespace),
            cell: |r, _| r.namespace.to_string(),
        });
    }
    cols.extend([
        C {
            title: "NAME",
            priority: 0,
            fill: true,
            sort: Some(ServiceColumn::Name),
            cell: |r, _| r.name.to_string(),
        },
        C {
            title: "TYPE",
            priority: 2,
            fill: false,
            sort: Some(ServiceColumn::Type),
            cell: |r, _| r.type_.to_string(),
        },
        C {
            title: "CLUSTER-IP",
            priority: 3,
            fill: false,
            sort: None,
            cell: |r, _| r.cluster_ip.to_string(),
        },
        C {
            title: "PORT(S)",
            priority: 1,
            fill: false,
            sort: None,
            cell: |r, _| r.ports.to_string(),
        },
        C {
            title: "AGE",
            priority: 2,
            fill: false,
            sort: Some(ServiceColumn::Age),
            cell: |r, c| format::age(r.created, c.now),
        },
    ]);
    cols
}

fn row_style(_: &ServiceRow, theme: &Theme) -> Style {
    theme.value
}

/// The cells of `row` in the all-namespaces view at `now`, titled, exactly as the pane
/// draws them (before cutting to width); the agreement test compares them with kubectl's.
pub fn cells(row: &ServiceRow, now: jiff::Timestamp) -> Vec<(&'static str, String)> {
    table::titled_cells(&columns(true), row, &CellCtx::at(now))
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let focused = st.focus == Pane::Main;
    let loading = st.main_watch.phase == Phase::Loading;
    let block = PaneTitle {
        name: &table::view_name(st),
        scope: Some(st.scope.label()),
        shown: st.services.visible_len(),
        total: st.services.len(),
        filter: st.services.filter(),
        loading,
    }
    .block(focused, theme);
    let (text, style) = if let Some(e) = &st.main_watch.error {
        (format!("cannot list services: {e}"), theme.error_msg)
    } else if loading {
        ("loading services…".to_string(), theme.muted)
    } else if st.services.is_empty() {
        (format!("no services in {}", st.scope.label()), theme.muted)
    } else {
        ("no services match the filter".to_string(), theme.muted)
    };
    let view = TableView {
        table: &st.services,
        columns: columns(st.all_namespaces()),
        block,
        focused,
        row_style,
        empty_text: Line::from(Span::styled(text, style)),
        together: None,
    };
    table::draw(f, area, view, theme, &CellCtx::at(st.now), hits);
}
