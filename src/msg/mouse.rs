//! Mouse input as `update` receives it: already resolved, by the last frame's hit map, to
//! what was drawn under the pointer.

use crate::model::rows::RowKey;

/// Panes that take the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Namespaces,
    /// The main resource view (pods, …).
    Main,
}

/// What is under the mouse pointer, as the last frame drew it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spot {
    /// A row of a pane's table.
    Row { pane: Pane, key: RowKey },
    /// A column header of a pane's table; the title as drawn, without the sort arrow.
    Column { pane: Pane, title: String },
    /// Anywhere else in a pane.
    Pane(Pane),
    /// Text that scrolls with the arrow keys: the logs, help, YAML, the details region.
    Scrolling,
}

/// A mouse gesture on a spot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MouseInput {
    Click { spot: Spot, double: bool },
    Wheel { spot: Spot, down: bool },
}
