//! The rollout history pane, the rollout status of the selected workload, and the rollout
//! dialogs (rollback with its diff, restart/pause/resume confirmation, scale prompt).

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::action::Action;
use crate::keymap::Ctx;
use crate::keymap::Keymap;
use crate::model::format;
use crate::model::rollout::history::RevisionRow;
use crate::state::rollouts::{DiffPanel, HistoryPane, RolloutDialog};
use crate::state::AppState;
use crate::theme::Theme;
use crate::ui::confirm::{answer_line, inline_hints, typed_answer, typed_prompt, Subject};
use crate::ui::table::{fit_cells, pane_block as block, shrink_to_fit};

/// The region under the main table in a workload view, or the history pane when open.
pub fn draw_details(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    match &st.rollout.history {
        Some(pane) => draw_history(f, area, st, pane, theme),
        None => draw_status(f, area, st, theme),
    }
}

fn draw_status(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme) {
    let b = block(" Rollout ".into(), false, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let lines = match st.workloads.selected_row() {
        Some(row) => vec![
            Line::from(vec![
                Span::styled(
                    format!("{}/{} ", row.kind.singular(), row.name),
                    theme.value,
                ),
                Span::styled(
                    row.status.to_string(),
                    crate::ui::workloads::row_style(row, theme),
                ),
            ]),
            Line::from(vec![
                Span::styled("images ", theme.label),
                Span::styled(row.images.to_string(), theme.value),
            ]),
            Line::from(Span::styled("h: rollout history", theme.muted)),
        ],
        None => vec![Line::from(Span::styled("nothing selected", theme.muted))],
    };
    let lines = super::inert::lines(lines);
    f.render_widget(Paragraph::new(lines).style(theme.base), inner);
}

fn draw_history(f: &mut Frame, area: Rect, st: &AppState, pane: &HistoryPane, theme: &Theme) {
    let label = pane.target().label();
    let title = match &pane.diff {
        Some(d) => format!(" History {label} — revision {} vs current ", d.revision),
        None => format!(" History {label}[{}] ", pane.rows.len()),
    };
    let b = block(title, st.rollout.history_focused(), theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if inner.height == 0 {
        return;
    }
    let status = if let Some(e) = &pane.error {
        Line::from(Span::styled(e.clone(), theme.error_msg))
    } else if let Some(s) = pane.status_line() {
        let style = if pane.owner.failed {
            theme.error
        } else {
            theme.warn
        };
        Line::from(Span::styled(s.to_string(), style))
    } else {
        Line::from(Span::styled(pane.owner.status.to_string(), theme.muted))
    };
    let [head, body] =
        ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    f.render_widget(Paragraph::new(super::inert::line(status)), head);
    match &pane.diff {
        Some(diff) => draw_diff(f, body, diff, theme),
        None => draw_revisions(f, body, st, pane, theme),
    }
}

fn draw_diff(f: &mut Frame, area: Rect, diff: &DiffPanel, theme: &Theme) {
    let lines: Vec<Line> = match &diff.lines {
        None => vec![Line::from(Span::styled("loading…", theme.muted))],
        Some(Err(e)) => vec![Line::from(Span::styled(e.clone(), theme.error_msg))],
        Some(Ok(lines)) if lines.is_empty() => vec![Line::from(Span::styled(
            "same template as the current one",
            theme.muted,
        ))],
        Some(Ok(lines)) => lines.iter().map(|l| diff_line(l, theme)).collect(),
    };
    let lines = super::inert::lines(lines);
    let scroll = diff.scroll.min(lines.len().saturating_sub(1)) as u16;
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub(crate) fn diff_line<'a>(line: &str, theme: &Theme) -> Line<'a> {
    let style = if line.starts_with("+ ") {
        theme.ok
    } else if line.starts_with("- ") {
        theme.error
    } else {
        theme.value
    };
    Line::from(Span::styled(line.to_string(), style))
}

fn cells(row: &RevisionRow, st: &AppState) -> Vec<String> {
    let former = if row.former.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = row.former.iter().map(i64::to_string).collect();
        format!("was {}", list.join(","))
    };
    vec![
        if row.current {
            "*".into()
        } else {
            String::new()
        },
        row.revision.to_string(),
        row.change_cause_text().to_string(),
        row.images.join(","),
        format::age(row.created, st.now),
        row.pods
            .map_or_else(|| "-".into(), |(c, r)| format!("{r}/{c}")),
        former,
    ]
}

fn draw_revisions(f: &mut Frame, area: Rect, st: &AppState, pane: &HistoryPane, theme: &Theme) {
    if pane.rows.is_empty() {
        let text = if pane.synced {
            "no revisions"
        } else {
            "loading…"
        };
        f.render_widget(Paragraph::new(Span::styled(text, theme.muted)), area);
        return;
    }
    let height = area.height.saturating_sub(1) as usize;
    let titles = [
        "",
        "REVISION",
        "CHANGE-CAUSE",
        "IMAGES",
        "CREATED",
        "PODS",
        "",
    ];
    let window: Vec<(usize, &RevisionRow)> = pane
        .rows
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(height)
        .collect();
    let mut cells: Vec<Vec<String>> = window.iter().map(|(_, r)| cells(r, st)).collect();
    super::inert::cells(&mut cells);
    let mut widths: Vec<u16> = (0..titles.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].width())
                .chain([titles[i].len()])
                .max()
                .unwrap_or(0) as u16
        })
        .collect();
    // CHANGE-CAUSE gives way first, then IMAGES; the short columns stay whole.
    shrink_to_fit(&mut widths, 1, area.width, &[2, 3], 12);
    let constraints: Vec<Constraint> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 2 {
                Constraint::Min(*w)
            } else {
                Constraint::Length(*w)
            }
        })
        .collect();
    let mut header = [titles.map(String::from)];
    fit_cells(&constraints, 1, area.width, &mut header);
    let constraints = fit_cells(&constraints, 1, area.width, &mut cells);
    let focused = st.rollout.history_focused();
    let rows: Vec<Row> = window
        .iter()
        .zip(cells)
        .map(|((i, r), c)| {
            let mut style = if r.current {
                theme.current
            } else {
                Style::default()
            };
            if *i == pane.selected {
                style = if focused {
                    style.patch(theme.selected)
                } else {
                    style.add_modifier(ratatui::style::Modifier::UNDERLINED)
                };
            }
            Row::new(c.into_iter().map(Cell::from)).style(style)
        })
        .collect();
    let [header] = header;
    let header = Row::new(header.into_iter().map(Cell::from)).style(theme.header);
    f.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1),
        area,
    );
}

/// A centered box of at most `w`×`h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A rollout question or the scale prompt, naming the workload in `context`.
pub fn draw_dialog(
    f: &mut Frame,
    area: Rect,
    dialog: &RolloutDialog,
    context: &str,
    keymap: &Keymap,
    theme: &Theme,
) {
    let key = |k: &'static str| Span::styled(k, theme.key);
    let hint = |s: &'static str| Span::styled(s, theme.hint);
    let target = dialog.target();
    let subject = Subject {
        context,
        namespace: Some(&target.namespace),
        kind: target.kind.singular(),
        name: &target.name,
    };
    let (title, mut lines, answer) = match dialog {
        RolloutDialog::Planning { target, .. } => (
            " Roll back ",
            vec![Line::from(Span::styled(
                format!("looking at {}…", target.label()),
                theme.muted,
            ))],
            Line::from(vec![key("any key"), hint(" cancel")]),
        ),
        RolloutDialog::Rollback { plan, typed } => {
            let mut lines = vec![Line::from(vec![
                Span::styled("Roll back ", theme.value),
                Span::styled(
                    format!("{}/{}", plan.kind.singular(), plan.name),
                    theme.title_focus,
                ),
                Span::styled(format!(" to revision {}?", plan.to_revision), theme.value),
            ])];
            lines.extend(subject.lines(theme));
            lines.push(Line::from(vec![
                Span::styled("change-cause ", theme.label),
                Span::styled(
                    plan.change_cause.clone().unwrap_or_else(|| "<none>".into()),
                    theme.value,
                ),
            ]));
            lines.push(Line::from(vec![
                Span::styled("images ", theme.label),
                Span::styled(plan.images.join(","), theme.value),
            ]));
            lines.push(Line::from(Span::styled(
                "changes (current → revision):",
                theme.label,
            )));
            lines.extend(plan.diff.iter().map(|c| diff_line(&c.line(), theme)));
            let answer = match typed {
                Some(typed) => {
                    lines.push(Line::default());
                    lines.extend(typed_prompt(typed, "roll back", theme));
                    typed_answer(keymap, "roll back", theme)
                }
                None => answer_line(keymap, "roll back", theme),
            };
            (" Roll back ", lines, answer)
        }
        RolloutDialog::Confirm { target, change, .. } => {
            let mut lines = vec![Line::from(Span::styled(
                RolloutDialog::question(target, change),
                theme.value,
            ))];
            lines.extend(subject.lines(theme));
            (" Confirm ", lines, answer_line(keymap, "yes", theme))
        }
        RolloutDialog::Scale {
            target,
            seen,
            input,
            ..
        } => {
            let mut lines = vec![Line::from(Span::styled(
                format!("{} has {seen} replicas.", target.label()),
                theme.value,
            ))];
            lines.extend(subject.lines(theme));
            lines.push(Line::from(vec![
                Span::styled("replicas: ", theme.label),
                Span::styled(format!("{input}█"), theme.prompt),
            ]));
            let keys = inline_hints(
                keymap,
                Ctx::Prompt,
                &[(Action::Submit, "continue"), (Action::Cancel, "cancel")],
            );
            (" Scale ", lines, Line::from(Span::styled(keys, theme.hint)))
        }
    };
    lines.push(Line::default());
    lines.push(answer);
    let lines = super::inert::lines(lines);
    let width = lines
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(20)
        .clamp(30, 100) as u16
        + 4;
    let height = lines.len() as u16 + 2;
    let rect = centered(area, width, height);
    f.render_widget(Clear, rect);
    let b = block(title.into(), true, theme);
    f.render_widget(
        Paragraph::new(lines)
            .block(b)
            .style(theme.base)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
