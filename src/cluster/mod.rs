//! TODO(tui core): see DESIGN.md.

pub mod logs;
pub mod portforward;
pub mod rollout;
