//! The subcommands that help around rkt rather than run it: shell completions, the man
//! page, and `config default` / `config check`. They print to stdout and never touch a
//! cluster or the terminal.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::app::startup;
use crate::cli::Cli;
use crate::config::{self, Config, Invalid, DEFAULT_CONFIG};

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rkt", &mut out);
    out
}

/// The man page, in roff.
pub fn man() -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// The commented default config (every field, its default, one line about it).
pub fn default_config() -> &'static str {
    DEFAULT_CONFIG
}

/// Writes `bytes` to stdout; a closed pipe (`rkt man | head`) is not an error.
pub fn print(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Checks a config file as rkt's startup does (fields and values, the theme it names, the
/// key bindings): `explicit` must exist; without it the default location is checked, where
/// a missing file means the defaults. Ok is the line to print.
pub fn check_config(explicit: Option<&Path>) -> Result<String, Invalid> {
    let loaded = Config::load(explicit)?;
    let mut problems = Vec::new();
    if let Err(p) = startup::resolve_theme(None, &loaded) {
        problems.push(p);
    }
    if let Err(key_problems) = startup::resolve_keymap(&loaded) {
        problems.extend(key_problems);
    }
    if !problems.is_empty() {
        return Err(Invalid(problems));
    }
    Ok(match (&loaded.path, explicit) {
        (Some(path), _) => format!("ok: {}", path.display()),
        (None, Some(path)) => format!("ok: {}", path.display()),
        (None, None) => match default_path() {
            Some(path) => format!(
                "ok: {} (no such file: rkt uses the defaults)",
                path.display()
            ),
            None => "ok: no config directory (rkt uses the defaults)".to_owned(),
        },
    })
}

/// Where rkt looks for its config without `--config`.
fn default_path() -> Option<PathBuf> {
    config::config_dir().map(|d| d.join("config.yaml"))
}
