//! The user's config file, `<config dir>/rkt/config.yaml` (or `--config PATH`).
//!
//! A config that cannot be read or parsed, with an unknown field, a bad value, a bad key
//! binding or a theme that cannot be loaded stops rkt before it touches the terminal: the
//! problem is printed as `error: FILE:LINE:COLUMN: …` and rkt exits with code 2, as kubectl
//! does with a broken kubeconfig. Falling back to the defaults could quietly drop a safety
//! setting (`readonly: true` next to a typo would start rkt writable). Only a missing file
//! at the default location means "use the defaults"; a missing `--config PATH` is an error.

mod default;
mod locate;
mod problem;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

pub use default::DEFAULT_CONFIG;
pub use locate::{locate, Part};
pub use problem::{edit_distance, nearest, Invalid, Pos, Problem};

/// A key spec in the config: `"j, down"` or a list `["j", "down"]`. A bare number is a key
/// too (`all_namespaces: 0`).
#[derive(Debug, Clone)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for KeySpec {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<KeySpec, D::Error> {
        de.deserialize_any(KeySpecVisitor)
    }
}

struct KeySpecVisitor;

impl<'de> Visitor<'de> for KeySpecVisitor {
    type Value = KeySpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("keys like \"j, down\" or a list of keys like [j, down]")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<KeySpec, E> {
        Ok(KeySpec::One(v.to_owned()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeySpec, E> {
        Ok(KeySpec::One(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeySpec, E> {
        Ok(KeySpec::One(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeySpec, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = seq.next_element::<OneKey>()? {
            keys.push(key.0);
        }
        Ok(KeySpec::Many(keys))
    }
}

/// The `keys` mapping, refusing an action named twice (YAML would keep the last silently).
fn unique_keys<'de, D: Deserializer<'de>>(de: D) -> Result<BTreeMap<String, KeySpec>, D::Error> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = BTreeMap<String, KeySpec>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping of action names to keys")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new()) // `keys:` with nothing under it
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut keys = BTreeMap::new();
            while let Some(name) = map.next_key_seed(NewName(&keys))? {
                let spec = map.next_value()?;
                keys.insert(name, spec);
            }
            Ok(keys)
        }
    }
    de.deserialize_map(Keys)
}

/// An action name not seen yet; checked inside the visitor so the error has its position.
struct NewName<'a>(&'a BTreeMap<String, KeySpec>);

impl<'de> DeserializeSeed<'de> for NewName<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<String, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NewName<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an action name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if self.0.contains_key(v) {
            return Err(E::custom(format!("action `{v}` is given twice")));
        }
        Ok(v.to_owned())
    }
}

/// One element of a key list: a string or a bare number.
struct OneKey(String);

impl<'de> Deserialize<'de> for OneKey {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<OneKey, D::Error> {
        match de.deserialize_any(KeySpecVisitor)? {
            KeySpec::One(k) => Ok(OneKey(k)),
            KeySpec::Many(_) => Err(de::Error::custom("a key list cannot hold another list")),
        }
    }
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
    #[serde(deserialize_with = "unique_keys")]
    pub keys: BTreeMap<String, KeySpec>,
    /// Lines of history fetched when a log stream opens.
    pub log_tail_lines: u32,
    /// Most log lines kept in memory per stream.
    pub log_buffer_lines: usize,
    /// Upper bound on redraws per second.
    pub max_fps: u32,
    /// Same as `--readonly`.
    pub readonly: bool,
    /// Clicks, the wheel and header sorting; off leaves the mouse to the terminal.
    pub mouse: bool,
    /// Context name patterns (a `*` glob over the whole name, else a substring) whose
    /// deletes and rollbacks ask for the object's name to be typed.
    pub protected_contexts: Vec<String>,
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
            mouse: true,
            protected_contexts: Vec::new(),
        }
    }
}

/// rkt's directory inside the user's config dir (`~/.config/rkt` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("rkt"))
}

/// Where rkt keeps what it writes for itself (saved port-forwards):
/// `$XDG_STATE_HOME/rkt`, `~/.local/state/rkt` on Linux.
pub fn state_dir() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("rkt"))
}

pub fn user_theme_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("themes"))
}

/// The loaded config, with its file and text (to point at the entry a later problem is in).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
    pub text: String,
}

impl Loaded {
    /// A problem found after parsing, pointed at the entry `path` (`["keys", "copy"]`) of
    /// this config's file.
    pub fn problem_at(&self, path: &[&str], part: Part, message: impl Into<String>) -> Problem {
        let problem = Problem::new(message).at(locate(&self.text, path, part));
        match &self.path {
            Some(file) => problem.in_file(file),
            None => problem,
        }
    }
}

impl Config {
    /// Parses a config text; the problem says where (line and column) and what.
    pub fn parse(yaml: &str) -> Result<Config, Problem> {
        if yaml.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = serde_yaml::from_str(yaml).map_err(|e| Problem::from_yaml(&e))?;
        if cfg.max_fps == 0 {
            return Err(Problem::new("max_fps must be at least 1").at(locate(
                yaml,
                &["max_fps"],
                Part::Value,
            )));
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

    /// Loads `explicit` (from `--config`) or the default location. A missing default file
    /// means the defaults; a missing explicit one, or any file that cannot be read or
    /// parsed, is a problem in that file.
    pub fn load(explicit: Option<&Path>) -> Result<Loaded, Problem> {
        let (path, required) = match explicit {
            Some(p) => (Some(p.to_path_buf()), true),
            None => (config_dir().map(|d| d.join("config.yaml")), false),
        };
        let Some(path) = path else {
            return Ok(Loaded::default());
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Loaded::default());
            }
            Err(e) => {
                return Err(Problem::new(format!("cannot read the config file: {e}")).in_file(&path))
            }
        };
        let config = Config::parse(&text).map_err(|p| p.in_file(&path))?;
        Ok(Loaded {
            config,
            path: Some(path),
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partial_config_and_keys() {
        let cfg = Config::parse(
            "theme: light\nkeys:\n  copy: x\n  down: [j, ctrl-n]\n  all_namespaces: 9\n",
        )
        .unwrap();
        assert_eq!(cfg.theme.as_deref(), Some("light"));
        assert_eq!(cfg.log_tail_lines, 200);
        let o = cfg.key_overrides();
        assert_eq!(o["down"], "j, ctrl-n");
        assert_eq!(o["all_namespaces"], "9");
    }

    #[test]
    fn unknown_fields_say_where_and_suggest_the_nearest() {
        let err = Config::parse("readonly: true\nlog_tail_line: 50\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 2, column: 1 }), "{err}");
        assert_eq!(
            err.message,
            "unknown field `log_tail_line`, did you mean `log_tail_lines`?"
        );
        let err = Config::parse("themes: light\n").unwrap_err();
        assert!(err.message.contains("did you mean `theme`?"), "{err}");
    }

    #[test]
    fn bad_values_say_where() {
        let err = Config::parse("max_fps: 30\nreadonly: yes please\n").unwrap_err();
        assert_eq!(
            err.pos,
            Some(Pos {
                line: 2,
                column: 11
            }),
            "{err}"
        );
        let err = Config::parse("max_fps: 0\n").unwrap_err();
        assert_eq!(
            err.pos,
            Some(Pos {
                line: 1,
                column: 10
            }),
            "{err}"
        );
        let err = Config::parse("keys:\n  copy: {a: b}\n").unwrap_err();
        assert!(err.message.starts_with("keys.copy: "), "{err}");
        assert_eq!(err.pos, Some(Pos { line: 2, column: 9 }), "{err}");
        let err = Config::parse("keys: [\n").unwrap_err();
        assert!(err.pos.is_some(), "{err}");
        let err = Config::parse("keys:\n  copy: x\n  down: j\n  copy: z\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 4, column: 3 }), "{err}");
        assert_eq!(err.message, "keys: action `copy` is given twice");
        assert!(Config::parse("keys:\n").unwrap().keys.is_empty());
    }

    #[test]
    fn a_missing_explicit_config_is_a_problem_but_not_a_missing_default() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.yaml");
        let err = Config::load(Some(&missing)).unwrap_err();
        assert_eq!(err.file.as_deref(), Some(missing.as_path()));
        let loaded = Loaded {
            text: "keys:\n  copy: x\n".into(),
            path: Some(missing.clone()),
            ..Loaded::default()
        };
        let p = loaded.problem_at(&["keys", "copy"], Part::Key, "taken");
        assert_eq!(p.to_string(), format!("{}:2:3: taken", missing.display()));
    }
}
