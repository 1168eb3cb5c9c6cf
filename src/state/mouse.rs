//! The mouse: a click selects a row or focuses a pane, a click on a column header sorts by
//! that column, a double click does what `enter` does, the wheel scrolls what is under it.
//!
//! The renderer says what is where (`ui::hit`), so a mouse event arrives here already
//! resolved to a [`Spot`]. A row spot names the row by key, not by position: the click acts on
//! the row the user saw, even if watch events moved rows since the frame was drawn.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::action::Action;
use crate::effect::Effect;
use crate::keymap::KeyChord;
use crate::state::modal::Modal;
use crate::state::AppState;

pub use crate::msg::mouse::{MouseInput, Spot};

/// Rows (or lines) one wheel notch moves.
pub const WHEEL_STEP: isize = 3;

pub fn on_mouse(st: &mut AppState, input: MouseInput) -> Vec<Effect> {
    st.dirty = true;
    match st.modal() {
        // A dialog or prompt owns the screen: clicks behind it do nothing, and only text
        // overlays scroll with the wheel.
        Some(Modal::Help | Modal::Text) => match input {
            MouseInput::Wheel { down, .. } => scroll_lines(st, down),
            MouseInput::Click { .. } => Vec::new(),
        },
        Some(_) => Vec::new(),
        None => match input {
            MouseInput::Wheel {
                spot: Spot::Row { pane, .. } | Spot::Column { pane, .. } | Spot::Pane(pane),
                down,
            } => {
                st.table_mut(pane)
                    .move_by(if down { WHEEL_STEP } else { -WHEEL_STEP });
                Vec::new()
            }
            MouseInput::Wheel {
                spot: Spot::Scrolling,
                down,
            } => scroll_lines(st, down),
            MouseInput::Click { spot, double } => click(st, spot, double),
        },
    }
}

fn click(st: &mut AppState, spot: Spot, double: bool) -> Vec<Effect> {
    match spot {
        Spot::Row { pane, key } => {
            st.focus = pane;
            if !st.table_mut(pane).select(&key) || !double {
                return Vec::new();
            }
            // "Does what enter does": whatever the key table binds enter to here.
            super::update::on_key(st, KeyChord::new(KeyCode::Enter, KeyModifiers::NONE))
        }
        Spot::Column { pane, title } => {
            st.focus = pane;
            st.table_mut(pane).sort_by_title(&title);
            Vec::new()
        }
        Spot::Pane(pane) => {
            st.focus = pane;
            Vec::new()
        }
        Spot::Scrolling => Vec::new(),
    }
}

/// The wheel over text: what the arrow keys do there, a few lines at a time.
fn scroll_lines(st: &mut AppState, down: bool) -> Vec<Effect> {
    let action = if down { Action::Down } else { Action::Up };
    (0..WHEEL_STEP)
        .flat_map(|_| super::update::on_action(st, action))
        .collect()
}

/// The sort key whose column carries this title in the typed views (`kubectl get`'s
/// headers), so a click on a header sorts as that key would.
pub fn sort_action_for_title(title: &str) -> Option<Action> {
    Some(match title {
        "NAME" => Action::SortName,
        "NAMESPACE" => Action::SortNamespace,
        "READY" => Action::SortReady,
        "STATUS" | "TYPE" => Action::SortStatus,
        "RESTARTS" => Action::SortRestarts,
        "AGE" => Action::SortAge,
        "IP" => Action::SortIp,
        "NODE" => Action::SortNode,
        _ => return None,
    })
}
