//! The generic view: any kind as `kubectl get` prints it (the server's table), plus the
//! selected row's every column in the details region.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::model::metrics::Usage;
use crate::model::table::{TableRowData, Tone};
use crate::msg::FORBIDDEN;
use crate::state::resources::{ResourceView, TableSort};
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::hit::HitMap;
use crate::ui::metrics;
use crate::ui::table::{self, CellCtx, GridColumn, PaneTitle};

/// One column as drawn: its header, and where its text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Namespace,
    Cell(usize),
    /// A node's usage or share of allocatable, from metrics (the nodes view).
    Node(NodeMetric),
}

/// The nodes view's metrics columns, in `kubectl top nodes`'s order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeMetric {
    Cpu,
    CpuShare,
    Memory,
    MemoryShare,
}

impl NodeMetric {
    const ALL: [NodeMetric; 4] = [
        NodeMetric::Cpu,
        NodeMetric::CpuShare,
        NodeMetric::Memory,
        NodeMetric::MemoryShare,
    ];

    fn title(self) -> &'static str {
        match self {
            NodeMetric::Cpu => "CPU",
            NodeMetric::CpuShare => "%CPU/A",
            NodeMetric::Memory => "MEM",
            NodeMetric::MemoryShare => "%MEM/A",
        }
    }
}

/// The columns shown, in order: NAMESPACE first in an all-namespaces view of a namespaced
/// kind (as `kubectl get -A`), then the server's (wide ones only in wide mode).
fn sources(view: &ResourceView, all_namespaces: bool) -> Vec<Source> {
    let namespaced = view.api.as_ref().is_some_and(|a| a.object.namespaced);
    let mut out = Vec::new();
    if all_namespaces && namespaced {
        out.push(Source::Namespace);
    }
    out.extend(view.shown_columns().map(Source::Cell));
    out
}

/// The shown columns with the nodes view's metrics columns after the server's.
fn sources_with_metrics(st: &AppState) -> Vec<Source> {
    let mut out = sources(&st.resources, st.all_namespaces());
    if st.metrics.for_nodes() {
        out.extend(NodeMetric::ALL.map(Source::Node));
    }
    out
}

fn header(view: &ResourceView, source: Source) -> String {
    match source {
        Source::Node(metric) => metric.title().to_string(),
        Source::Namespace => "NAMESPACE".to_string(),
        Source::Cell(i) => view
            .columns
            .columns
            .get(i)
            .map(|c| c.name.to_uppercase())
            .unwrap_or_default(),
    }
}

fn text(row: &TableRowData, source: Source, ctx: &CellCtx) -> String {
    match source {
        Source::Namespace => row.namespace.as_deref().unwrap_or("").to_string(),
        Source::Cell(i) => row.text(i, ctx.now).into_owned(),
        Source::Node(metric) => match ctx.metrics {
            Some(m) => metrics::cell(m.node(&row.name), |n| {
                let of = |f: fn(Usage) -> u64| n.allocatable.map_or(0, f);
                match metric {
                    NodeMetric::Cpu => metrics::cpu(n.usage),
                    NodeMetric::Memory => metrics::memory(n.usage),
                    NodeMetric::CpuShare => metrics::percent(n.usage.cpu, of(|a| a.cpu)),
                    NodeMetric::MemoryShare => metrics::percent(n.usage.memory, of(|a| a.memory)),
                }
            }),
            None => String::new(),
        },
    }
}

/// What sorting by a column means, if it sorts.
fn sort_of(view: &ResourceView, source: Source) -> Option<TableSort> {
    match source {
        Source::Namespace => Some(TableSort::Namespace),
        Source::Cell(i) if Some(i) == view.columns.name_index() => Some(TableSort::Name),
        Source::Cell(i) => Some(TableSort::Cell(i as u16)),
        Source::Node(_) => None,
    }
}

fn layout(view: &ResourceView, sources: &[Source]) -> Vec<GridColumn> {
    // The name takes the spare width; a table without one (events) gives it to its last
    // column (the message).
    let name_at = view
        .columns
        .name_index()
        .filter(|i| sources.contains(&Source::Cell(*i)))
        .or_else(|| match sources.last() {
            Some(Source::Cell(i)) => Some(*i),
            _ => None,
        });
    sources
        .iter()
        .enumerate()
        .map(|(pos, s)| match s {
            Source::Namespace => GridColumn {
                priority: 2,
                fill: false,
            },
            Source::Cell(i) if Some(*i) == name_at => GridColumn {
                priority: 0,
                fill: true,
            },
            // Usage outlasts the server's later columns (ROLES, AGE, VERSION) when narrow.
            Source::Node(_) => GridColumn {
                priority: 2,
                fill: false,
            },
            // The further right, the sooner a column gives way on a narrow screen.
            Source::Cell(_) => GridColumn {
                priority: 1 + pos.min(200) as u8,
                fill: false,
            },
        })
        .collect()
}

/// Each header with its text for `row`, exactly as the pane draws them (before cutting
/// to width); the agreement test compares them with `kubectl get`.
pub fn cells(
    view: &ResourceView,
    row: &TableRowData,
    all_namespaces: bool,
    now: jiff::Timestamp,
) -> Vec<(String, String)> {
    let ctx = CellCtx::at(now);
    sources(view, all_namespaces)
        .into_iter()
        .map(|s| (header(view, s), text(row, s, &ctx)))
        .collect()
}

fn row_style(row: &TableRowData, theme: &Theme) -> Style {
    match row.tone {
        Tone::Normal => theme.value,
        Tone::Warning => theme.warn,
        Tone::Bad => theme.error,
    }
}

/// The pane's name: the kind's plural, what a drill-down narrowed it to, and a note when
/// the kind is re-listed instead of watched.
pub fn pane_name(st: &AppState) -> String {
    let view = &st.resources;
    let mut name = view
        .api
        .as_ref()
        .map_or_else(|| "resources".to_string(), |a| a.object.plural.to_string());
    if let Some(narrow) = &st.trail.narrow {
        name.push_str(&format!(" of {}", narrow.label));
    }
    if let Some(secs) = st.main_watch.polling {
        name.push_str(&format!(" (not watchable: re-listed every {secs}s)"));
    }
    name
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let view = &st.resources;
    let focused = st.focus == Pane::Main;
    let loading = st.main_watch.phase == Phase::Loading;
    let namespaced = view.api.as_ref().is_some_and(|a| a.object.namespaced);
    let name = pane_name(st);
    let block = PaneTitle {
        name: &name,
        scope: namespaced.then(|| st.scope.label()),
        shown: view.table.visible_len(),
        total: view.table.len(),
        filter: view.table.filter(),
        loading,
    }
    .block(focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let sources = sources_with_metrics(st);
    let ctx = CellCtx {
        now: st.now,
        metrics: st.metrics.for_nodes().then_some(&st.metrics),
    };
    let sort = view.table.sort();
    let start = view.table.cursor.offset;
    let rows: Vec<&TableRowData> = view
        .table
        .visible_window(start, inner.height.saturating_sub(1) as usize)
        .collect();
    let sorted_as = match sort.column {
        TableSort::WarningsThen(i) => TableSort::Cell(i),
        other => other,
    };
    let grid = table::Grid {
        titles: sources.iter().map(|&s| header(view, s)).collect(),
        sorted: sources
            .iter()
            .position(|&s| sort_of(view, s) == Some(sorted_as))
            .map(|i| (i, sort.descending)),
        layout: layout(view, &sources),
        cells: rows
            .iter()
            .map(|r| sources.iter().map(|&s| text(r, s, &ctx)).collect())
            .collect(),
        keys: rows.iter().map(|r| r.key()).collect(),
        styles: rows.iter().map(|r| row_style(r, theme)).collect(),
        selected: view.table.cursor.selected.checked_sub(start),
        focused,
        empty_text: empty_text(st, theme),
        together: None,
    };
    let mut out = table::GridHits {
        pane: Pane::Main,
        hits,
    };
    table::draw_grid(f, inner, grid, theme, &mut out);
}

fn empty_text<'a>(st: &AppState, theme: &Theme) -> Line<'a> {
    let view = &st.resources;
    let plural = view
        .api
        .as_ref()
        .map_or_else(String::new, |a| a.object.plural.to_string());
    let (text, style) = match &st.main_watch.error {
        Some(e) if e.starts_with(FORBIDDEN) => (e.clone(), theme.error_msg),
        Some(e) => (format!("cannot list {plural}: {e}"), theme.error_msg),
        None if st.main_watch.phase == Phase::Loading => {
            (format!("loading {plural}…"), theme.muted)
        }
        None if view.table.is_empty() => (format!("no {plural} found"), theme.muted),
        None => (format!("no {plural} match the filter"), theme.muted),
    };
    Line::from(Span::styled(text, style))
}

/// The details region: every column of the selected row, wide ones included; for an
/// Ingress its routes, for a Node its summary.
pub fn detail_lines<'a>(st: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    let view = &st.resources;
    let Some(row) = view.table.selected_row() else {
        return vec![Line::from(Span::styled("nothing selected", theme.muted))];
    };
    if let Some((obj, insight)) = &view.insight {
        if obj.name == *row.name && obj.namespace.as_deref() == row.namespace.as_deref() {
            return super::insight::lines(insight, theme);
        }
    }
    let mut spans = Vec::new();
    if let Some(ns) = &row.namespace {
        spans.push(Span::styled("namespace ", theme.label));
        spans.push(Span::styled(format!("{ns}  "), theme.value));
    }
    for (i, column) in view.columns.columns.iter().enumerate() {
        spans.push(Span::styled(
            format!("{} ", column.name.to_lowercase()),
            theme.label,
        ));
        spans.push(Span::styled(
            format!("{}  ", row.text(i, st.now)),
            row_style(row, theme),
        ));
    }
    vec![Line::from(spans)]
}
