//! Fault switches for tests: refuse requests, stall, drop watches.

/// Switches a test flips to make the simulated cluster misbehave.
#[derive(Debug, Default)]
pub struct Faults {}
