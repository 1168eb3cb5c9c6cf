//! The kubeconfig contexts pane (`:ctx`): NAME (the current one marked), CLUSTER, USER,
//! NAMESPACE; the line under it says what `enter` does, or the switch in flight.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use crate::model::contexts::ContextRow;
use crate::model::format::inert;
use crate::state::{AppState, Pane};
use crate::theme::Theme;
use crate::ui::table::fit_cells;

const TITLES: [&str; 4] = ["NAME", "CLUSTER", "USER", "NAMESPACE"];

/// The mark before the current context's name.
pub const CURRENT: &str = "* ";

fn cells(row: &ContextRow, current: bool) -> [String; 4] {
    let mark = if current { CURRENT } else { "  " };
    [
        format!("{mark}{}", inert(&row.name)),
        inert(&row.cluster).into_owned(),
        inert(&row.user).into_owned(),
        inert(&row.namespace).into_owned(),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, keymap: &Keymap, theme: &Theme) {
    let focused = st.focus == Pane::Main;
    let contexts = &st.contexts;
    let title = format!(" Contexts[{}] ", contexts.rows.len());
    let block = super::table::pane_block(title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let height = table_area.height.saturating_sub(1) as usize;
    let offset = contexts.selected.saturating_sub(height.saturating_sub(1));
    let shown: Vec<&ContextRow> = contexts.rows.iter().skip(offset).take(height).collect();
    let mut rows: Vec<[String; 4]> = shown
        .iter()
        .map(|r| cells(r, r.name == st.cluster.context))
        .collect();
    let widths: Vec<Constraint> = (0..TITLES.len())
        .map(|i| {
            let w = rows
                .iter()
                .map(|c| unicode_width::UnicodeWidthStr::width(c[i].as_str()))
                .chain([TITLES[i].len()])
                .max()
                .unwrap_or(0);
            Constraint::Length(w as u16)
        })
        .collect();
    let mut header = [TITLES.map(String::from)];
    fit_cells(&widths, 2, table_area.width, &mut header);
    let widths = fit_cells(&widths, 2, table_area.width, &mut rows);
    let body: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .map(|(n, cells)| {
            let row = Row::new(cells);
            if n + offset == contexts.selected && focused {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    let [header] = header;
    f.render_widget(
        Table::new(body, widths)
            .header(Row::new(header).style(theme.header))
            .column_spacing(2),
        table_area,
    );
    let detail = match &contexts.switching {
        Some((_, name)) => Line::styled(format!(" connecting to {}…", inert(name)), theme.pending),
        None => {
            let key = keymap
                .label_for(Ctx::Contexts, Action::SwitchContext)
                .unwrap_or_default();
            Line::styled(
                format!(" {key} switches; port-forwards keep running on their own cluster"),
                theme.muted,
            )
        }
    };
    f.render_widget(Paragraph::new(detail), detail_area);
}
