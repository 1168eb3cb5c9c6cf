//! What the frame drew where, for the mouse: the renderer records each pane, row and column
//! header it draws, and a mouse event is looked up here before it reaches `update`.

use ratatui::layout::{Position, Rect};

use crate::state::mouse::Spot;

/// The spots of one frame; later ones lie on top of earlier ones.
#[derive(Debug, Default, Clone)]
pub struct HitMap {
    regions: Vec<(Rect, Spot)>,
}

impl HitMap {
    pub fn add(&mut self, area: Rect, spot: Spot) {
        if area.width > 0 && area.height > 0 {
            self.regions.push((area, spot));
        }
    }

    /// The topmost spot at a cell, if anything was drawn there that the mouse can use.
    pub fn at(&self, column: u16, row: u16) -> Option<&Spot> {
        let cell = Position::new(column, row);
        self.regions
            .iter()
            .rev()
            .find(|(area, _)| area.contains(cell))
            .map(|(_, spot)| spot)
    }
}
