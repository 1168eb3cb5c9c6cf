//! Drawing a live resource table: only the visible window of rows is formatted; column
//! widths come from that window; columns drop by priority when the pane is narrow.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::model::format;
use crate::model::rows::RowKey;
use crate::state::mouse::Spot;
use crate::state::table::{ResourceTable, TableRow};
use crate::state::Pane;
use crate::theme::Theme;
use crate::ui::hit::HitMap;

/// One column of a resource view.
pub struct Column<R, C> {
    pub title: &'static str,
    /// Lower is more important; the least important columns go first when narrow.
    pub priority: u8,
    /// Takes the remaining width (the name).
    pub fill: bool,
    /// The sort column this one shows, if any.
    pub sort: Option<C>,
    pub cell: fn(&R, &CellCtx) -> String,
}

/// What cells may depend on besides the row.
pub struct CellCtx<'a> {
    pub now: jiff::Timestamp,
    /// The metrics of what is shown, for its metrics columns (`None`: it has none).
    pub metrics: Option<&'a crate::state::metrics::MetricsState>,
}

impl CellCtx<'_> {
    /// Cells that depend only on the time.
    pub fn at(now: jiff::Timestamp) -> CellCtx<'static> {
        CellCtx { now, metrics: None }
    }
}

pub struct TableView<'a, R: TableRow> {
    pub table: &'a ResourceTable<R>,
    pub columns: Vec<Column<R, R::Column>>,
    pub block: Block<'a>,
    pub focused: bool,
    pub row_style: fn(&R, &Theme) -> Style,
    /// Shown instead of rows when there are none (loading, error, empty).
    pub empty_text: Line<'a>,
    /// Columns of this priority leave together when the pane is narrow (a set that reads
    /// only whole, like the % of requests and limits).
    pub together: Option<u8>,
}

/// The text of each of `columns` for `row`: what [`draw`] shows before cutting to width.
pub fn cell_texts<R, C>(columns: &[Column<R, C>], row: &R, ctx: &CellCtx) -> Vec<String> {
    columns.iter().map(|c| (c.cell)(row, ctx)).collect()
}

/// Each column's title with its text for `row`.
pub fn titled_cells<R, C>(
    columns: &[Column<R, C>],
    row: &R,
    ctx: &CellCtx,
) -> Vec<(&'static str, String)> {
    columns
        .iter()
        .map(|c| c.title)
        .zip(cell_texts(columns, row, ctx))
        .collect()
}

const GAP: u16 = 1;
/// Width the name column is assumed to need when deciding which columns fit.
const FILL_MIN: u16 = 24;

/// Narrows columns so that they and the `spacing` between them fit in `width`: the
/// columns in `order` give up width first (the first one down to `floor`, then the next),
/// so short columns (numbers, states) stay whole while a long text column is cut.
pub fn shrink_to_fit(widths: &mut [u16], spacing: u16, width: u16, order: &[usize], floor: u16) {
    let gaps = spacing.saturating_mul(widths.len().saturating_sub(1) as u16);
    for &i in order {
        let total: u16 = widths.iter().fold(gaps, |sum, w| sum.saturating_add(*w));
        let Some(over) = total.checked_sub(width).filter(|o| *o > 0) else {
            return;
        };
        if let Some(w) = widths.get_mut(i) {
            *w = w.saturating_sub(over).max(floor.min(*w));
        }
    }
}

/// The widths a ratatui `Table` gives columns with these `constraints` and `spacing` in
/// `width` cells (no selection column); every cell of `rows` is cut to its column with
/// [`format::truncate`] (so a cut ends in `…` instead of vanishing silently), and the
/// returned `Length` constraints make the table use exactly those widths.
pub fn fit_cells<R: AsMut<[String]>>(
    constraints: &[Constraint],
    spacing: u16,
    width: u16,
    rows: &mut [R],
) -> Vec<Constraint> {
    let areas = Layout::horizontal(constraints.iter().copied())
        .flex(Flex::Start)
        .spacing(spacing)
        .split(Rect::new(0, 0, width, 1));
    for row in rows.iter_mut() {
        for (cell, area) in row.as_mut().iter_mut().zip(areas.iter()) {
            format::truncate_in_place(cell, usize::from(area.width));
        }
    }
    areas.iter().map(|a| Constraint::Length(a.width)).collect()
}

pub fn draw<R: TableRow>(
    f: &mut Frame,
    area: Rect,
    view: TableView<'_, R>,
    theme: &Theme,
    ctx: &CellCtx,
    hits: &mut HitMap,
) {
    let inner = view.block.inner(area);
    f.render_widget(view.block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let height = inner.height.saturating_sub(1) as usize;
    let table = view.table;
    let start = table.cursor.offset;
    let rows: Vec<&R> = table.visible_window(start, height).collect();
    let sort = table.sort();
    let grid = Grid {
        titles: view.columns.iter().map(|c| c.title.to_string()).collect(),
        sorted: view
            .columns
            .iter()
            .position(|c| c.sort == Some(sort.column))
            .map(|i| (i, sort.descending)),
        layout: view
            .columns
            .iter()
            .map(|c| GridColumn {
                priority: c.priority,
                fill: c.fill,
            })
            .collect(),
        cells: rows
            .iter()
            .map(|r| cell_texts(&view.columns, r, ctx))
            .collect(),
        keys: rows.iter().map(|r| r.key()).collect(),
        styles: rows.iter().map(|r| (view.row_style)(r, theme)).collect(),
        selected: table.cursor.selected.checked_sub(start),
        focused: view.focused,
        empty_text: view.empty_text,
        together: view.together,
    };
    draw_grid(
        f,
        inner,
        grid,
        theme,
        &mut GridHits {
            pane: Pane::Main,
            hits,
        },
    );
}

/// A column title with the sort direction after it.
pub fn sorted_title(title: &str, descending: bool) -> String {
    format!("{title}{}", if descending { "↓" } else { "↑" })
}

/// How a column behaves when the pane is narrow.
#[derive(Debug, Clone, Copy)]
pub struct GridColumn {
    /// Lower is more important; the least important columns go first when narrow.
    pub priority: u8,
    /// Takes the remaining width (the name).
    pub fill: bool,
}

/// The visible window of a table, as text: what [`draw_grid`] lays out.
pub struct Grid<'a> {
    /// Column titles as the table names them (the sort arrow is added when drawn).
    pub titles: Vec<String>,
    /// The column the rows are sorted by, and whether descending.
    pub sorted: Option<(usize, bool)>,
    pub layout: Vec<GridColumn>,
    /// One entry per visible row, one text per column.
    pub cells: Vec<Vec<String>>,
    /// Each visible row's key, for the mouse.
    pub keys: Vec<RowKey>,
    pub styles: Vec<Style>,
    /// The selected row's index in `cells`, if it is in the window.
    pub selected: Option<usize>,
    pub focused: bool,
    /// Shown instead of rows when there are none (loading, error, empty).
    pub empty_text: Line<'a>,
    /// Columns of this priority leave together (see [`TableView::together`]).
    pub together: Option<u8>,
}

/// Where a grid records its header cells and rows for the mouse.
pub struct GridHits<'h> {
    pub pane: Pane,
    pub hits: &'h mut HitMap,
}

/// Lays a grid out in `inner`: column widths from the window's text, the least important
/// columns dropped until the rest fit, the fill column cut with an ellipsis.
pub fn draw_grid(f: &mut Frame, inner: Rect, grid: Grid<'_>, theme: &Theme, out: &mut GridHits) {
    let Grid {
        titles,
        sorted,
        layout,
        mut cells,
        keys,
        styles,
        selected,
        focused,
        empty_text,
        together,
    } = grid;
    super::inert::cells(&mut cells);
    let shown_titles: Vec<String> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| match sorted {
            Some((at, descending)) if at == i => sorted_title(t, descending),
            _ => t.clone(),
        })
        .collect();
    let mut widths: Vec<u16> = shown_titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            cells
                .iter()
                .map(|row| row.get(i).map_or(0, |c| c.width()))
                .chain(std::iter::once(t.width()))
                .max()
                .unwrap_or(0) as u16
        })
        .collect();
    // Drop the least important columns until the rest fit; the fill column (the name)
    // counts as at most FILL_MIN wide here and is cut with an ellipsis if it must be.
    let fit_width = |i: usize| {
        if layout[i].fill {
            widths[i].min(FILL_MIN)
        } else {
            widths[i]
        }
    };
    let fit = |mut shown: Vec<usize>| loop {
        let total: u16 = shown.iter().map(|&i| fit_width(i) + GAP).sum();
        if total <= inner.width || shown.len() <= 1 {
            return shown;
        }
        let drop = shown
            .iter()
            .enumerate()
            .filter(|(_, &i)| !layout[i].fill)
            .max_by_key(|(_, &i)| layout[i].priority)
            .map(|(pos, _)| pos);
        match drop {
            Some(pos) => {
                let priority = layout[shown[pos]].priority;
                if together == Some(priority) {
                    shown.retain(|&i| layout[i].fill || layout[i].priority != priority);
                } else {
                    shown.remove(pos);
                }
            }
            None => return shown,
        }
    };
    let fixed_width = |shown: &[usize]| -> u16 {
        shown
            .iter()
            .filter(|&&i| !layout[i].fill)
            .map(|&i| widths[i] + GAP)
            .sum()
    };
    let mut shown = fit((0..layout.len()).collect());
    // A set that leaves together is a luxury: it goes (and what it pushed out may come
    // back) rather than cut the name.
    if let Some(p) = together {
        let in_set = |i: usize| !layout[i].fill && layout[i].priority == p;
        let room = inner.width.saturating_sub(fixed_width(&shown));
        let name_cut = shown.iter().any(|&i| layout[i].fill && widths[i] > room);
        if name_cut && shown.iter().any(|&i| in_set(i)) {
            shown = fit((0..layout.len()).filter(|&i| !in_set(i)).collect());
        }
    }
    let fixed = fixed_width(&shown);
    // The name is as wide as its widest visible value, cut only when the pane is too
    // narrow; spare width stays at the right instead of pushing IP and NODE away.
    for &i in &shown {
        if layout[i].fill {
            widths[i] = widths[i].min(inner.width.saturating_sub(fixed)).max(1);
        }
    }
    let constraints: Vec<Constraint> = shown
        .iter()
        .map(|&i| Constraint::Length(widths[i]))
        .collect();
    for row in cells.iter_mut() {
        for &i in &shown {
            if let Some(cell) = row.get_mut(i) {
                format::truncate_in_place(cell, widths[i] as usize);
            }
        }
    }
    let header =
        Row::new(shown.iter().map(|&i| {
            Cell::from(format::truncate(&shown_titles[i], widths[i] as usize).into_owned())
        }))
        .style(theme.header);
    record_hits(inner, &shown, &widths, &titles, &keys, out);
    let body: Vec<Row> = cells
        .into_iter()
        .zip(styles)
        .enumerate()
        .map(|(n, (mut row_cells, mut style))| {
            if focused && Some(n) == selected {
                style = style.patch(theme.selected);
            } else if Some(n) == selected {
                style = style.add_modifier(ratatui::style::Modifier::UNDERLINED);
            }
            let picked: Vec<Cell> = shown
                .iter()
                .map(|&i| Cell::from(row_cells.get_mut(i).map(std::mem::take).unwrap_or_default()))
                .collect();
            Row::new(picked).style(style)
        })
        .collect();
    if body.is_empty() {
        let [head, rest] =
            ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(0)])
                .areas(inner);
        f.render_widget(
            Table::new(Vec::<Row>::new(), constraints.clone())
                .header(header)
                .column_spacing(GAP),
            head,
        );
        f.render_widget(Paragraph::new(empty_text).centered(), rest);
        return;
    }
    f.render_widget(
        Table::new(body, constraints)
            .header(header)
            .column_spacing(GAP),
        inner,
    );
}

/// Records the header cells (by title) and the rows (by key) where the grid draws them:
/// columns start at the left edge, each as wide as its width plus the gap after it.
fn record_hits(
    inner: Rect,
    shown: &[usize],
    widths: &[u16],
    titles: &[String],
    keys: &[RowKey],
    out: &mut GridHits,
) {
    let pane = out.pane;
    out.hits.add(inner, Spot::Pane(pane));
    let mut x = inner.x;
    for &i in shown {
        let width = (widths[i] + GAP).min(inner.right().saturating_sub(x));
        let cell = Rect::new(x, inner.y, width, 1);
        out.hits.add(
            cell,
            Spot::Column {
                pane,
                title: titles[i].clone(),
            },
        );
        x = x.saturating_add(widths[i] + GAP);
    }
    for (n, key) in keys.iter().enumerate() {
        let y = inner.y + 1 + n as u16;
        if y >= inner.bottom() {
            break;
        }
        let row = Rect::new(inner.x, y, inner.width, 1);
        out.hits.add(
            row,
            Spot::Row {
                pane,
                key: key.clone(),
            },
        );
    }
}

/// A typed view's name for its title, with what a drill-down narrowed it to:
/// `Pods of service hello-minikube`.
pub fn view_name(st: &crate::state::AppState) -> String {
    match &st.trail.narrow {
        Some(n) => format!("{} of {}", st.view.title(), n.label),
        None => st.view.title().to_string(),
    }
}

/// What a pane title says: ` Pods(kube-system)[3/12] </dns> `, like k9s.
/// A pane's rounded border in focused or unfocused colours, and the style for its title.
pub fn pane_frame<'a>(focused: bool, theme: &Theme) -> (Block<'a>, Style) {
    let (border, title_style) = if focused {
        (theme.border_focus, theme.title_focus)
    } else {
        (theme.border, theme.title)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(border);
    (block, title_style)
}

/// A pane's border with a plain title (made inert: it may hold cluster names).
pub fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let (block, title_style) = pane_frame(focused, theme);
    block.title(super::inert::span(Span::styled(title, title_style)))
}

pub struct PaneTitle<'s> {
    pub name: &'s str,
    pub scope: Option<&'s str>,
    pub shown: usize,
    pub total: usize,
    pub filter: &'s str,
    pub loading: bool,
}

impl PaneTitle<'_> {
    /// The pane's rounded border with this title, in focused or unfocused colours.
    pub fn block<'a>(&self, focused: bool, theme: &Theme) -> Block<'a> {
        let (block, title_style) = pane_frame(focused, theme);
        block.title(self.line(title_style, theme.prompt))
    }

    pub fn line<'a>(&self, style: Style, accent: Style) -> Line<'a> {
        let mut spans = vec![Span::styled(format!(" {}", self.name), style)];
        if let Some(scope) = self.scope {
            spans.push(Span::styled(format!("({scope})"), accent));
        }
        let count = if self.loading && self.total == 0 {
            "[…]".to_string()
        } else if self.filter.is_empty() {
            format!("[{}]", self.total)
        } else {
            format!("[{}/{}]", self.shown, self.total)
        };
        spans.push(Span::styled(count, style));
        if !self.filter.is_empty() {
            spans.push(Span::styled(format!(" </{}>", self.filter), accent));
        }
        spans.push(Span::styled(" ", style));
        Line::from(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_columns_give_way_first_and_cut_cells_show_it() {
        // 3 columns + 2 gaps of 1 = 5 + 30 + 12 = 47 in 30 cells: 17 too wide.
        let mut widths = [5, 30, 10];
        shrink_to_fit(&mut widths, 1, 30, &[1, 0], 8);
        assert_eq!(widths, [5, 13, 10]);
        // Not enough even at the floor: the next column in the order gives way too.
        let mut widths = [20, 30, 10];
        shrink_to_fit(&mut widths, 1, 30, &[1, 0], 8);
        assert_eq!(widths, [10, 8, 10]);
        let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
        let mut rows = [["a".repeat(12), "b".repeat(8), "cozserver:3.0".to_string()]];
        let fitted = fit_cells(&constraints, 1, 30, &mut rows);
        assert_eq!(fitted, constraints);
        assert_eq!(rows[0], ["aaaaaaaaa…", "bbbbbbbb", "cozserver…"]);
    }
}
