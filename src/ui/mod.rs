//! TODO(tui core): see DESIGN.md.

pub mod logs;
