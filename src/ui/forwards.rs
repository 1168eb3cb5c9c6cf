//! The port-forwards pane (`:pf`) and the `shift-f` dialog.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap};
use std::net::SocketAddr;

use crate::model::portforward::{ForwardSpec, ForwardState, ForwardStatus, TargetRef};
use crate::state::forwards::human_bytes;
use crate::state::forwards::Entry;
use crate::state::forwards_saved;
use crate::state::pf_dialog::{Field, PfDialog, DEFAULT_ADDRESS};
use crate::state::{AppState, Pane};
use crate::theme::Theme;
use crate::ui::confirm::inline_hints;
use crate::ui::table::{fit_cells, shrink_to_fit};

fn state_style(state: &ForwardState, theme: &Theme) -> Style {
    match state {
        ForwardState::Active => theme.ok,
        ForwardState::Starting => theme.pending,
        ForwardState::Error(_) => theme.warn,
        ForwardState::PodGone | ForwardState::Failed(_) => theme.error,
        ForwardState::Stopped => theme.muted,
    }
}

fn remote(f: &ForwardStatus) -> String {
    match f.pod_port {
        Some(p) if p != f.remote_port => format!("{} (pod {p})", f.remote_port),
        _ => f.remote_port.to_string(),
    }
}

/// The target, marked when the forward is saved for this context.
fn target_cell(target: &TargetRef, saved: bool) -> String {
    if saved {
        format!("★ {target}")
    } else {
        target.to_string()
    }
}

fn cells(f: &ForwardStatus, saved: bool, context: &str) -> [String; 8] {
    [
        target_cell(&f.target, saved),
        context.to_string(),
        f.pod.clone().unwrap_or_else(|| "-".to_string()),
        format!("{}{} → {}", exposed_mark(f.local), f.local, remote(f)),
        f.state.label().to_string(),
        format!("{} ({} open)", f.connections, f.open_connections),
        human_bytes(f.bytes_in),
        human_bytes(f.bytes_out),
    ]
}

/// An inactive forward: where it would listen and forward to; nothing counted.
fn inactive_cells(spec: &ForwardSpec, saved: bool, context: &str) -> [String; 8] {
    let local = SocketAddr::new(spec.address, spec.local_port);
    [
        target_cell(&spec.target, saved),
        context.to_string(),
        "-".to_string(),
        format!("{}{local} → {}", exposed_mark(local), spec.remote_port),
        INACTIVE.to_string(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// `⚠ ` before a listening address other machines can reach.
fn exposed_mark(local: SocketAddr) -> &'static str {
    if local.ip().is_loopback() {
        ""
    } else {
        "⚠ "
    }
}

const CONTEXT_COLUMN: usize = 1;
const STATE_COLUMN: usize = 4;

/// The state word of a forward that is not running.
const INACTIVE: &str = "Inactive";

const TITLES: [&str; 8] = [
    "TARGET",
    "CONTEXT",
    "POD",
    "LOCAL → REMOTE",
    "STATE",
    "CONNS",
    "IN",
    "OUT",
];

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, keymap: &Keymap, theme: &Theme) {
    let focused = st.focus == Pane::Main;
    let forwards = &st.forwards;
    let title = format!(" Port-forwards[{}] ", forwards.entry_count());
    let block = super::table::pane_block(title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    if forwards.entry_count() == 0 {
        let key = keymap
            .label_for(Ctx::Pods, Action::PortForward)
            .unwrap_or_else(|| "port-forward".into());
        let text = Line::styled(
            format!("no port-forwards: {key} on a pod, or :pf svc/NAME"),
            theme.muted,
        );
        f.render_widget(Paragraph::new(text).centered(), table_area);
        return;
    }
    // Forwards are few; still, only the rows that fit are formatted.
    let height = table_area.height.saturating_sub(1) as usize;
    let offset = forwards.selected.saturating_sub(height.saturating_sub(1));
    let shown: Vec<Entry> = forwards.entries().skip(offset).take(height).collect();
    let here = st.cluster.context.as_str();
    let context_of = |f: &ForwardStatus| match forwards.context_of(f.id) {
        "" => here,
        known => known,
    };
    let full: Vec<[String; 8]> = shown
        .iter()
        .map(|e| {
            let saved = forwards_saved::is_saved(st, &e.spec());
            match e {
                Entry::Live(f) => cells(f, saved && context_of(f) == here, context_of(f)),
                Entry::Inactive(spec) => inactive_cells(spec, saved, here),
            }
        })
        .collect();
    // The CONTEXT column shows once a forward runs in another context than this one.
    let elsewhere = forwards.rows().iter().any(|f| context_of(f) != here);
    let columns: Vec<usize> = (0..TITLES.len())
        .filter(|i| *i != CONTEXT_COLUMN || elsewhere)
        .collect();
    let at = |column: usize| columns.iter().position(|c| *c == column);
    let mut rows: Vec<Vec<String>> = full
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .filter(|(i, _)| columns.contains(i))
                .map(|(_, c)| c)
                .collect()
        })
        .collect();
    super::inert::cells(&mut rows);
    let titles: Vec<String> = columns.iter().map(|i| TITLES[*i].to_string()).collect();
    let mut widths: Vec<u16> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            rows.iter()
                .map(|c| unicode_width::UnicodeWidthStr::width(c[i].as_str()))
                .chain([title.len()])
                .max()
                .unwrap_or(0) as u16
        })
        .collect();
    // The pod name gives way first, then the context, the target, then the addresses; the
    // state and counters stay whole.
    let order: Vec<usize> = [2, CONTEXT_COLUMN, 0, 3]
        .into_iter()
        .filter_map(at)
        .collect();
    shrink_to_fit(&mut widths, 2, table_area.width, &order, 10);
    let widths: Vec<Constraint> = widths.into_iter().map(Constraint::Length).collect();
    let mut header = [titles];
    fit_cells(&widths, 2, table_area.width, &mut header);
    let widths = fit_cells(&widths, 2, table_area.width, &mut rows);
    let state_at = at(STATE_COLUMN);
    let body: Vec<Row> = shown
        .into_iter()
        .zip(rows)
        .enumerate()
        .map(|(n, (entry, cells))| {
            let style = match entry {
                Entry::Live(f) => state_style(&f.state, theme),
                Entry::Inactive(_) => theme.muted,
            };
            let mut row = Row::new(cells.into_iter().enumerate().map(|(i, c)| {
                if Some(i) == state_at {
                    Cell::from(Span::styled(c, style))
                } else {
                    Cell::from(c)
                }
            }));
            if n + offset == forwards.selected && focused {
                row = row.style(theme.selected);
            }
            row
        })
        .collect();
    let [header] = header;
    let header = Row::new(header).style(theme.header);
    f.render_widget(
        Table::new(body, widths).header(header).column_spacing(2),
        table_area,
    );
    let start = keymap
        .label_for(Ctx::Forwards, Action::StartForward)
        .unwrap_or_default();
    let save = keymap
        .label_for(Ctx::Forwards, Action::SaveForward)
        .unwrap_or_default();
    if let Some(Entry::Inactive(spec)) = forwards.selected_entry() {
        let saved = forwards_saved::is_saved(st, spec);
        let text = format!(
            " not running: {start} starts it again on {}; {save} {}",
            spec.url(),
            if saved {
                "forgets it"
            } else {
                "saves it for this context"
            }
        );
        f.render_widget(Paragraph::new(Line::styled(text, theme.muted)), detail_area);
    } else if let Some(sel) = forwards.selected() {
        let detail = match (&sel.state, &sel.last_error) {
            (ForwardState::Failed(e), _) => Line::styled(format!(" {e}"), theme.error),
            (ForwardState::PodGone, _) => Line::styled(
                format!(
                    " pod {} is gone; ctrl-d removes this row",
                    sel.pod.as_deref().unwrap_or(&sel.target.name)
                ),
                theme.error,
            ),
            (_, Some(e)) => Line::styled(format!(" last error: {e}"), theme.warn),
            _ => Line::styled(format!(" {}  (c copies it)", sel.url()), theme.muted),
        };
        f.render_widget(Paragraph::new(super::inert::line(detail)), detail_area);
    }
}

/// The dialog, centred over `area`.
pub fn draw_dialog(f: &mut Frame, area: Rect, dialog: &PfDialog, keymap: &Keymap, theme: &Theme) {
    let port_lines = dialog.ports.len().max(1) as u16;
    let size = (area.width.clamp(20, 64), port_lines + 8);
    let title = format!(" Port-forward {} ", dialog.target);
    let inner = crate::ui::confirm::dialog_box(f, area, size, title, theme);

    let label = |text: &'static str, field: Field| {
        let style = if dialog.field == field {
            theme.prompt
        } else {
            theme.label
        };
        Span::styled(text, style)
    };
    let mut lines = vec![Line::from(label(" Port", Field::Remote))];
    if dialog.loading {
        lines.push(Line::styled("   loading ports…", theme.muted));
    } else if dialog.ports.is_empty() {
        let cursor = if dialog.field == Field::Remote {
            "█"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled("   no declared ports; type one: ", theme.muted),
            Span::styled(format!("{}{cursor}", dialog.remote_input), theme.value),
        ]));
    }
    for (i, port) in dialog.ports.iter().enumerate() {
        let chosen = i == dialog.port_idx;
        let style = if chosen && dialog.field == Field::Remote {
            theme.selected
        } else if chosen {
            theme.value
        } else {
            theme.muted
        };
        let marker = if chosen { " ▸ " } else { "   " };
        lines.push(Line::styled(
            format!("{marker}{}", port.option.label()),
            style,
        ));
    }
    let input = |text: &str, field: Field| {
        let cursor = if dialog.field == field { "█" } else { "" };
        Span::styled(format!("{text}{cursor}"), theme.value)
    };
    lines.push(Line::from(vec![
        label(" Local port ", Field::Local),
        input(&dialog.local, Field::Local),
        Span::styled(
            if dialog.local == "0" {
                "  (any free port)"
            } else {
                ""
            },
            theme.muted,
        ),
    ]));
    lines.push(Line::from(vec![
        label(" Address    ", Field::Address),
        input(&dialog.address, Field::Address),
        Span::styled(
            if dialog.address.trim() == DEFAULT_ADDRESS {
                "  (and ::1: this machine only)"
            } else {
                ""
            },
            theme.muted,
        ),
    ]));
    if let Some(warning) = dialog.exposure_warning() {
        lines.push(Line::styled(format!(" {warning}"), theme.warning_msg));
    }
    lines.push(match &dialog.error {
        Some(e) => Line::styled(format!(" {e}"), theme.error_msg),
        None => Line::default(),
    });
    let hints = inline_hints(
        keymap,
        Ctx::PortForward,
        &[
            (Action::Submit, "start"),
            (Action::FocusNext, "field"),
            (Action::Up, "previous port"),
            (Action::Down, "next port"),
            (Action::Cancel, "cancel"),
        ],
    );
    lines.push(Line::styled(format!(" {hints}"), theme.hint));
    f.render_widget(
        Paragraph::new(super::inert::lines(lines)).wrap(ratatui::widgets::Wrap { trim: false }),
        inner,
    );
}
