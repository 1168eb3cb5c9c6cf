//! `rkt sim`.
use std::process::ExitCode;

use crate::cli::SimArgs;

pub fn run(_args: SimArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("rkt sim is not built yet")
}
