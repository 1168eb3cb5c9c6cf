//! TODO(tui core): see DESIGN.md.

pub mod portforward;
pub mod rollout;
