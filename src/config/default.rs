//! The commented default config printed by `rkt config default`.

/// Every field [`super::Config`] accepts, with its default and a one-line comment. A test
/// keeps it in step with the struct: same fields, same defaults, accepted by the parser.
pub const DEFAULT_CONFIG: &str = "\
# rkt config: <config dir>/rkt/config.yaml (~/.config/rkt/config.yaml on Linux) or --config PATH.
# Every field is optional; the values below are the defaults. Check a file: rkt config check PATH

# Theme: a built-in name (default, light, high-contrast), a file in <config dir>/rkt/themes, or a path; --theme wins.
theme: default
# Key overrides, action name (snake_case, as in the ? help) to keys, e.g. `copy: y` or `down: [j, ctrl-n]`.
keys: {}
# Lines of history fetched when a log stream opens.
log_tail_lines: 200
# Most log lines kept in memory per log stream.
log_buffer_lines: 100000
# Upper bound on redraws per second (at least 1).
max_fps: 30
# Refuse every action that would change the cluster (same as --readonly).
readonly: false
# The mouse: click selects, double click opens, the wheel scrolls, a header click sorts.
# Terminals still select text with shift held. false leaves the mouse to the terminal.
mouse: true
# Contexts where a delete or rollback asks you to type the object's name, and the header is marked.
# A pattern with * is a glob over the whole context name; without one it matches anywhere in it.
protected_contexts: []  # e.g. [prod, \"*-production\"]
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// The field names serde accepts, from its "unknown field" message.
    fn accepted_fields() -> Vec<String> {
        let err = serde_yaml::from_str::<Config>("no_such_field_: 1\n").unwrap_err();
        let message = err.to_string();
        let expected = message.split("expected one of").nth(1).unwrap();
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_default_config_parses_to_the_defaults() {
        let parsed = Config::parse(DEFAULT_CONFIG).unwrap();
        let default = Config::default();
        assert_eq!(parsed.theme.as_deref(), Some("default"));
        assert!(parsed.keys.is_empty());
        assert_eq!(parsed.log_tail_lines, default.log_tail_lines);
        assert_eq!(parsed.log_buffer_lines, default.log_buffer_lines);
        assert_eq!(parsed.max_fps, default.max_fps);
        assert_eq!(parsed.readonly, default.readonly);
        assert_eq!(parsed.mouse, default.mouse);
        assert_eq!(parsed.protected_contexts, default.protected_contexts);
    }

    #[test]
    fn the_default_config_names_every_field_once_with_a_comment() {
        let fields = accepted_fields();
        assert_eq!(fields.len(), 8, "{fields:?}");
        let lines: Vec<&str> = DEFAULT_CONFIG.lines().collect();
        let top_level: Vec<&str> = lines
            .iter()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split(':').next())
            .collect();
        let mut sorted_fields = fields.clone();
        sorted_fields.sort();
        let mut sorted_top = top_level.clone();
        sorted_top.sort_unstable();
        assert_eq!(sorted_top, sorted_fields);
        for (i, line) in lines.iter().enumerate() {
            if top_level.iter().any(|f| line.starts_with(&format!("{f}:"))) {
                assert!(lines[i - 1].starts_with("# "), "no comment above {line:?}");
            }
        }
    }
}
