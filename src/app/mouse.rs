//! Mouse events into messages: each is looked up in the last frame's hit map, and two
//! clicks on the same spot close together make a double click (terminals report only
//! presses and releases).

use std::time::{Duration, Instant};

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use crate::msg::Msg;
use crate::state::mouse::{MouseInput, Spot};
use crate::ui::hit::HitMap;

/// Longest time between the two clicks of a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

#[derive(Default)]
pub struct MouseReader {
    last_click: Option<(Spot, Instant)>,
}

impl MouseReader {
    pub fn read(&mut self, ev: MouseEvent, hits: &HitMap) -> Option<Msg> {
        let spot = hits.at(ev.column, ev.row)?.clone();
        let input = match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let now = Instant::now();
                let double = matches!(
                    &self.last_click,
                    Some((last, at)) if *last == spot && now.duration_since(*at) <= DOUBLE_CLICK
                );
                // A third click starts a new pair rather than opening twice.
                self.last_click = (!double).then(|| (spot.clone(), now));
                MouseInput::Click { spot, double }
            }
            MouseEventKind::ScrollDown => MouseInput::Wheel { spot, down: true },
            MouseEventKind::ScrollUp => MouseInput::Wheel { spot, down: false },
            _ => return None,
        };
        Some(Msg::Mouse(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;
    use ratatui::layout::Rect;

    use crate::state::Pane;

    fn press(column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    fn double(msg: Option<Msg>) -> Option<bool> {
        match msg? {
            Msg::Mouse(MouseInput::Click { double, .. }) => Some(double),
            _ => None,
        }
    }

    #[test]
    fn a_second_click_on_the_same_spot_is_a_double_click_and_a_third_starts_again() {
        let mut hits = HitMap::default();
        hits.add(Rect::new(0, 0, 10, 1), Spot::Pane(Pane::Namespaces));
        hits.add(Rect::new(0, 1, 10, 1), Spot::Pane(Pane::Main));
        let mut reader = MouseReader::default();
        assert_eq!(double(reader.read(press(1, 0), &hits)), Some(false));
        assert_eq!(double(reader.read(press(2, 0), &hits)), Some(true));
        assert_eq!(double(reader.read(press(3, 0), &hits)), Some(false));
        // Another spot in between is two single clicks.
        assert_eq!(double(reader.read(press(1, 1), &hits)), Some(false));
        // Where nothing was drawn the mouse does nothing.
        assert!(reader.read(press(1, 5), &hits).is_none());
    }
}
