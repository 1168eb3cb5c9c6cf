//! Rendering: a pure function of the state. One file per pane, mirroring `state/`.
//! Only visible rows are formatted; call `AppState::refresh` before drawing.

pub mod change;
pub mod confirm;
pub mod contexts;
pub mod details;
pub mod forwards;
pub mod helm;
pub mod help;
pub mod hints;
pub mod hit;
pub mod inert;
pub mod insight;
pub mod logs;
pub mod metrics;
pub mod namespaces;
pub mod objects;
pub mod palette;
pub mod pods;
pub mod resources;
pub mod rollouts;
pub mod services;
pub mod status;
pub mod table;
pub mod workloads;

use ratatui::widgets::Block;
use ratatui::Frame;

use crate::keymap::Keymap;
use crate::state::mouse::Spot;
use crate::state::overlay::Overlay;
use crate::state::{AppState, MainView};
use crate::theme::Theme;
use crate::ui::hit::HitMap;

/// Draws the frame; returns what was drawn where, for the mouse.
pub fn render(st: &AppState, theme: &Theme, keymap: &Keymap, f: &mut Frame) -> HitMap {
    let mut hits = HitMap::default();
    let area = f.area();
    f.render_widget(Block::default().style(theme.base), area);
    let areas = crate::state::layout::areas(area, st);
    status::draw_header(f, areas.header, st, theme);
    status::draw_hints(f, areas.hints, st, keymap, theme);
    if let Some(r) = areas.namespaces {
        namespaces::draw(f, r, st, theme, &mut hits);
    }
    if let Some(r) = areas.main {
        match st.view {
            _ if st.contexts.open => contexts::draw(f, r, st, keymap, theme),
            _ if st.forwards_open => forwards::draw(f, r, st, keymap, theme),
            MainView::Pods => pods::draw(f, r, st, theme, &mut hits),
            MainView::Services => services::draw(f, r, st, theme, &mut hits),
            MainView::Resources => resources::draw(f, r, st, theme, &mut hits),
            MainView::Helm => helm::draw(f, r, st, theme, &mut hits),
            MainView::Deployments | MainView::StatefulSets | MainView::DaemonSets => {
                workloads::draw(f, r, st, theme, &mut hits)
            }
        }
        if !st.forwards_open && !st.contexts.open {
            draw_stale(f, r, st, theme);
        }
    }
    if let Some(r) = areas.details {
        if st.rollout.history.is_some() || st.view.workload().is_some() {
            rollouts::draw_details(f, r, st, theme);
        } else {
            details::draw(f, r, st, theme);
        }
    }
    if let Some(r) = areas.logs {
        logs::draw(f, r, st, theme);
        hits.add(r, Spot::Scrolling);
    }
    status::draw_status(f, areas.status, st, theme);
    // Overlays bottom first: the one with the keyboard is drawn last, on top.
    let body = ratatui::layout::Rect {
        y: areas.hints.y + 1,
        height: area.height.saturating_sub(3),
        ..area
    };
    for overlay in st.overlays.iter() {
        match overlay {
            Overlay::Help(state) => help::draw(f, body, state, keymap, theme),
            Overlay::Text(view) => objects::draw_text(f, area, view, keymap, theme),
            Overlay::ConfirmDelete(confirm) => {
                objects::draw_delete(f, area, confirm, keymap, theme)
            }
            Overlay::PortForward(dialog) => forwards::draw_dialog(f, body, dialog, keymap, theme),
            Overlay::LogPicker(picker) => logs::draw_picker(f, areas.hints, picker, theme),
            Overlay::Rollout(dialog) => {
                rollouts::draw_dialog(f, area, dialog, &st.cluster.context, keymap, theme)
            }
            // Asked in the status line.
            Overlay::StopForward(_) => {}
            Overlay::Form(form) => change::draw_form(f, body, form, keymap, theme),
            Overlay::Helm(dialog) => {
                helm::draw_dialog(f, area, dialog, &st.cluster.context, keymap, theme)
            }
        }
    }
    if let Some(prompt) = &st.prompt {
        palette::draw(f, area, areas.status, prompt, theme);
    }
    if !st.overlays.is_empty() {
        // Nothing behind an overlay answers the mouse; help and text scroll with the wheel.
        hits.add(area, Spot::Scrolling);
    }
    inert::scrub(f.buffer_mut());
    hits
}

/// Rows kept while their watch fails are not up to date: the bottom border says so, and
/// why (an empty table says it in its body instead).
fn draw_stale(f: &mut Frame, area: ratatui::layout::Rect, st: &AppState, theme: &Theme) {
    let Some(error) = &st.main_watch.error else {
        return;
    };
    if st.counts_of(crate::state::Pane::Main).1 == 0 || area.height < 3 || area.width < 8 {
        return;
    }
    let line = ratatui::layout::Rect {
        x: area.x + 2,
        y: area.bottom() - 1,
        width: area.width - 4,
        height: 1,
    };
    let text = format!(" not up to date: {error} ");
    f.render_widget(
        ratatui::widgets::Paragraph::new(ratatui::text::Span::styled(text, theme.error_msg)),
        line,
    );
}
