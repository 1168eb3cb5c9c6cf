//! The event loop.
use std::process::ExitCode;

use crate::cli::Cli;

pub fn run(_cli: Cli) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the TUI is not built yet")
}
