//! Where the panes go. Pure geometry derived from the state: the renderer draws into these
//! areas and `AppState::refresh` takes page sizes from them.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::state::{AppState, Pane};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub hints: Rect,
    pub namespaces: Option<Rect>,
    pub main: Option<Rect>,
    /// The region for logs and rollout history (details of the selection for now).
    pub details: Option<Rect>,
    /// The logs view, when open: the whole body.
    pub logs: Option<Rect>,
    pub status: Rect,
}

pub fn areas(area: Rect, st: &AppState) -> Areas {
    let [header, hints, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut out = Areas {
        header,
        hints,
        namespaces: None,
        main: None,
        details: None,
        logs: None,
        status,
    };
    if st.logs.is_some() {
        out.logs = Some(body);
        return out;
    }
    if st.zoomed && st.rollout.history_focused() {
        out.details = Some(body);
        return out;
    }
    if st.zoomed {
        match st.focus {
            Pane::Namespaces => out.namespaces = Some(body),
            Pane::Main => out.main = Some(body),
        }
        return out;
    }
    let ns_width = (body.width / 5).clamp(20, 30);
    let [left, right] =
        Layout::horizontal([Constraint::Length(ns_width), Constraint::Min(0)]).areas(body);
    let details_height = if st.rollout.history.is_some() {
        // The history pane needs room for its revisions (and a diff).
        (body.height / 2).max(8).min(body.height)
    } else if body.height >= 30 {
        body.height / 3
    } else {
        5
    };
    let [main, details] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(details_height)]).areas(right);
    out.namespaces = Some(left);
    out.main = Some(main);
    out.details = Some(details);
    out
}

/// Rows above the body (header, hints) and below it (status line).
pub const CHROME_ROWS: u16 = 3;

/// Text lines that fit in the view on a terminal `rows` high (inside the borders).
pub fn text_height(rows: u16) -> usize {
    rows.saturating_sub(CHROME_ROWS + 2) as usize
}
