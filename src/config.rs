//! TODO(tui core): see DESIGN.md.
