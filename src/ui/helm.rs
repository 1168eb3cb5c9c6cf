//! The Helm view: releases (`helm list` columns) or one release's history (`helm history`
//! columns), the selected release in the details region, and the rollback and uninstall
//! questions. Every string here came from the cluster and was made inert when its row was.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::keymap::Keymap;
use crate::model::format::{self, inert};
use crate::state::helm::app::HelmDialog;
use crate::state::helm::{HelmColumn, ReleaseRow};
use crate::state::{AppState, Pane, Phase};
use crate::theme::Theme;
use crate::ui::confirm::{answer_line, typed_answer, typed_prompt, Subject};
use crate::ui::hit::HitMap;
use crate::ui::rollouts::{centered, diff_line};
use crate::ui::table::pane_block as block;
use crate::ui::table::{self, CellCtx, Column, PaneTitle, TableView};

type C = Column<ReleaseRow, HelmColumn>;

/// Helm prints times in the local zone with seconds; UTC keeps screens comparable.
fn updated(row: &ReleaseRow) -> String {
    row.rec
        .updated
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

fn list_columns(all_namespaces: bool) -> Vec<C> {
    let mut cols = vec![C {
        title: "NAME",
        priority: 0,
        fill: true,
        sort: Some(HelmColumn::Name),
        cell: |r, _| r.rec.name.to_string(),
    }];
    if all_namespaces {
        cols.push(C {
            title: "NAMESPACE",
            priority: 2,
            fill: false,
            sort: Some(HelmColumn::Namespace),
            cell: |r, _| r.rec.namespace.to_string(),
        });
    }
    cols.extend([
        C {
            title: "REVISION",
            priority: 1,
            fill: false,
            sort: Some(HelmColumn::Revision),
            cell: |r, _| r.rec.revision.to_string(),
        },
        C {
            title: "UPDATED",
            priority: 3,
            fill: false,
            sort: Some(HelmColumn::Updated),
            cell: |r, _| updated(r),
        },
        status_column(),
        chart_column(),
        app_version_column(),
    ]);
    cols
}

fn status_column() -> C {
    C {
        title: "STATUS",
        priority: 0,
        fill: false,
        sort: Some(HelmColumn::Status),
        cell: |r, _| r.rec.status.to_string(),
    }
}

fn chart_column() -> C {
    C {
        title: "CHART",
        priority: 1,
        fill: false,
        sort: None,
        cell: |r, _| r.rec.chart.to_string(),
    }
}

fn app_version_column() -> C {
    C {
        title: "APP VERSION",
        priority: 2,
        fill: false,
        sort: None,
        cell: |r, _| r.rec.app_version.to_string(),
    }
}

fn history_columns() -> Vec<C> {
    vec![
        C {
            title: "REVISION",
            priority: 0,
            fill: false,
            sort: Some(HelmColumn::Revision),
            cell: |r, _| r.rec.revision.to_string(),
        },
        C {
            title: "UPDATED",
            priority: 2,
            fill: false,
            sort: Some(HelmColumn::Updated),
            cell: |r, _| updated(r),
        },
        status_column(),
        chart_column(),
        app_version_column(),
        C {
            title: "DESCRIPTION",
            priority: 1,
            fill: true,
            sort: None,
            cell: |r, _| r.rec.description.to_string(),
        },
    ]
}

fn row_style(row: &ReleaseRow, theme: &Theme) -> Style {
    crate::ui::pods::health_style(row.rec.health(), theme)
}

pub fn draw(f: &mut Frame, area: Rect, st: &AppState, theme: &Theme, hits: &mut HitMap) {
    let focused = st.focus == Pane::Main;
    let loading = st.main_watch.phase == Phase::Loading;
    let history = st.helm.history();
    let name = match history {
        Some(r) => format!("History {}", r.name),
        None => table::view_name(st),
    };
    let scope = history.map_or(st.scope.label(), |r| r.namespace.as_str());
    let block = PaneTitle {
        name: &name,
        scope: Some(scope),
        shown: st.helm.table.visible_len(),
        total: st.helm.table.len(),
        filter: st.helm.table.filter(),
        loading,
    }
    .block(focused, theme);
    let (text, style) = if let Some(e) = &st.main_watch.error {
        (format!("cannot list Helm releases: {e}"), theme.error_msg)
    } else if loading {
        ("loading Helm releases…".to_string(), theme.muted)
    } else if st.helm.table.is_empty() {
        (
            format!("no Helm releases in {}", st.scope.label()),
            theme.muted,
        )
    } else {
        ("no releases match the filter".to_string(), theme.muted)
    };
    let columns = match history {
        Some(_) => history_columns(),
        None => list_columns(st.all_namespaces()),
    };
    let view = TableView {
        table: &st.helm.table,
        columns,
        block,
        focused,
        row_style,
        empty_text: Line::from(Span::styled(text, style)),
        together: None,
    };
    table::draw(f, area, view, theme, &CellCtx::at(st.now), hits);
}

/// The selected release (or revision), for the details region.
pub fn detail_lines<'a>(st: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    let Some(row) = st.helm.selected() else {
        return Vec::new();
    };
    let r = &row.rec;
    let field = |label: &'static str, value: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("{label:<12}"), theme.label),
            Span::styled(value, style),
        ])
    };
    vec![
        field(
            "release",
            format!("{}/{} revision {}", r.namespace, r.name, r.revision),
            theme.value,
        ),
        field("status", r.status.to_string(), row_style(row, theme)),
        field(
            "chart",
            format!("{} (app {})", r.chart, r.app_version),
            theme.value,
        ),
        field("description", r.description.to_string(), theme.value),
        field(
            "updated",
            format!("{} ({} ago)", updated(row), format::age(r.updated, st.now)),
            theme.value,
        ),
    ]
}

/// A Helm question, naming the release in `context`.
pub fn draw_dialog(
    f: &mut Frame,
    area: Rect,
    dialog: &HelmDialog,
    context: &str,
    keymap: &Keymap,
    theme: &Theme,
) {
    let release = match dialog {
        HelmDialog::Planning { release, .. } | HelmDialog::Uninstall { release, .. } => release,
        HelmDialog::Rollback { plan, .. } => &plan.release,
    };
    let subject = Subject {
        context,
        namespace: Some(&release.namespace),
        kind: "helm release",
        name: &release.name,
    };
    let value = |s: String| Span::styled(s, theme.value);
    let (title, mut lines, verb) = match dialog {
        HelmDialog::Planning { revision, .. } => {
            let lines = vec![Line::from(Span::styled(
                format!("looking at {} revision {revision}…", release.label()),
                theme.muted,
            ))];
            let any = Line::from(vec![
                Span::styled("any key", theme.key),
                Span::styled(" cancel", theme.hint),
            ]);
            draw_box(f, area, " Roll back ", lines, any, theme);
            return;
        }
        HelmDialog::Rollback { plan, .. } => {
            let mut lines = vec![Line::from(vec![
                value("Roll back ".into()),
                Span::styled(inert(&release.name).to_string(), theme.title_focus),
                value(format!(
                    " to revision {} (as revision {})?",
                    plan.to,
                    plan.latest + 1
                )),
            ])];
            lines.extend(subject.lines(theme));
            lines.push(Line::from(vec![
                Span::styled("chart ", theme.label),
                value(format!(
                    "{} (app {})",
                    inert(&plan.chart),
                    inert(&plan.app_version)
                )),
            ]));
            lines.push(Line::from(Span::styled(
                format!("manifest changes (revision {} → {}):", plan.latest, plan.to),
                theme.label,
            )));
            // Room for the question's other lines: the diff is cut to fit.
            let room = (area.height as usize)
                .saturating_sub(lines.len() + 8)
                .max(3);
            if plan.diff.is_empty() {
                lines.push(Line::from(Span::styled("no change", theme.muted)));
            }
            for l in plan.diff.iter().take(room) {
                lines.push(diff_line(&inert(l), theme));
            }
            if plan.diff.len() > room {
                lines.push(Line::from(Span::styled(
                    format!(
                        "… {} more lines (enter in the history shows them all)",
                        plan.diff.len() - room
                    ),
                    theme.muted,
                )));
            }
            (" Roll back ", lines, "roll back")
        }
        HelmDialog::Uninstall { latest, .. } => {
            let mut lines = vec![
                Line::from(value(format!(
                    "Uninstall {} (revision {latest})?",
                    inert(&release.name)
                ))),
                Line::from(Span::styled(
                    "Its objects are deleted (but those annotated helm.sh/resource-policy: keep)",
                    theme.muted,
                )),
                Line::from(Span::styled("and its history is removed.", theme.muted)),
            ];
            lines.extend(subject.lines(theme));
            (" Uninstall ", lines, "uninstall")
        }
    };
    let answer = match dialog.typed() {
        Some(typed) => {
            lines.push(Line::default());
            lines.extend(typed_prompt(typed, verb, theme));
            typed_answer(keymap, verb, theme)
        }
        None => answer_line(keymap, verb, theme),
    };
    draw_box(f, area, title, lines, answer, theme);
}

fn draw_box<'a>(
    f: &mut Frame,
    area: Rect,
    title: &str,
    mut lines: Vec<Line<'a>>,
    answer: Line<'a>,
    theme: &Theme,
) {
    lines.push(Line::default());
    lines.push(answer);
    let width = lines
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(20)
        .clamp(30, 100) as u16
        + 4;
    // Long lines wrap: count the rows they take, so the answer line is never cut off.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let rect = centered(area, width, height);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .block(block(title.into(), true, theme))
            .style(theme.base)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
