//! The user's config file, `<config dir>/rkt/config.yaml` (or `--config PATH`).
//!
//! A config that cannot be read or parsed never stops rkt: the problem becomes a warning in
//! the status line and the defaults are used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A key spec in the config: `"j, down"` or a list `["j", "down"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    pub fn joined(&self) -> String {
        match self {
            KeySpec::One(s) => s.clone(),
            KeySpec::Many(v) => v.join(", "),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Theme name or path (the `--theme` flag wins).
    pub theme: Option<String>,
    /// Action name (snake_case) → keys.
    pub keys: BTreeMap<String, KeySpec>,
    /// Lines of history fetched when a log stream opens.
    pub log_tail_lines: u32,
    /// Most log lines kept in memory per stream.
    pub log_buffer_lines: usize,
    /// Upper bound on redraws per second.
    pub max_fps: u32,
    /// Same as `--readonly`.
    pub readonly: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: None,
            keys: BTreeMap::new(),
            log_tail_lines: 200,
            log_buffer_lines: 100_000,
            max_fps: 30,
            readonly: false,
        }
    }
}

/// rkt's directory inside the user's config dir (`~/.config/rkt` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("rkt"))
}

pub fn user_theme_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// The loaded config and the warnings found while loading it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
    pub warnings: Vec<String>,
}

impl Config {
    pub fn parse(yaml: &str) -> Result<Config, String> {
        if yaml.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = serde_yaml::from_str(yaml).map_err(|e| e.to_string())?;
        if cfg.max_fps == 0 {
            return Err("max_fps must be at least 1".into());
        }
        Ok(cfg)
    }

    /// Key overrides as action name → spec, for [`crate::keymap::Keymap::with_overrides`].
    pub fn key_overrides(&self) -> BTreeMap<String, String> {
        self.keys
            .iter()
            .map(|(k, v)| (k.clone(), v.joined()))
            .collect()
    }

    /// Loads `explicit` (from `--config`) or the default location. A missing default file is
    /// normal; a missing explicit one is a warning.
    pub fn load(explicit: Option<&Path>) -> Loaded {
        let (path, required) = match explicit {
            Some(p) => (Some(p.to_path_buf()), true),
            None => (config_dir().map(|d| d.join("config.yaml")), false),
        };
        let Some(path) = path else {
            return Loaded::default();
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Loaded::default();
            }
            Err(e) => {
                return Loaded {
                    config: Config::default(),
                    warnings: vec![format!("config {}: {e}; using defaults", path.display())],
                    path: Some(path),
                };
            }
        };
        match Config::parse(&text) {
            Ok(config) => Loaded {
                config,
                path: Some(path),
                warnings: Vec::new(),
            },
            Err(e) => Loaded {
                config: Config::default(),
                warnings: vec![format!(
                    "config {} is invalid ({e}); using defaults",
                    path.display()
                )],
                path: Some(path),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partial_config_and_keys() {
        let cfg = Config::parse("theme: light\nkeys:\n  copy: y\n  down: [j, ctrl-n]\n").unwrap();
        assert_eq!(cfg.theme.as_deref(), Some("light"));
        assert_eq!(cfg.log_tail_lines, 200);
        let o = cfg.key_overrides();
        assert_eq!(o["down"], "j, ctrl-n");
    }

    #[test]
    fn rejects_unknown_fields() {
        let err = Config::parse("themes: light\n").unwrap_err();
        assert!(err.contains("themes"), "{err}");
    }
}
