//! Themes: YAML files → resolved ratatui styles with semantic names.
//!
//! A theme file may be partial: every style it leaves out (or every attribute of a style it
//! leaves out) comes from the built-in default. Lookup order for a name: a path, the user's
//! `<config dir>/rkt/themes/NAME.yaml`, then the built-ins embedded below.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::de::Visitor;
use serde::{Deserialize, Deserializer};

use crate::config::Problem;

/// Built-in themes, embedded at compile time: (name, YAML).
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../themes/default.yaml")),
    ("light", include_str!("../themes/light.yaml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.yaml"),
    ),
];

/// One style in a theme file; every attribute is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleSpec {
    pub fg: Option<ColorSpec>,
    pub bg: Option<ColorSpec>,
    pub bold: Option<bool>,
    pub dim: Option<bool>,
    pub italic: Option<bool>,
    pub underlined: Option<bool>,
    pub reversed: Option<bool>,
}

/// A colour, checked while the file is read so a bad one is reported at its line and column:
/// a name (`red`), `#rrggbb`, or an index 0-255 (quoted or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorSpec(pub Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<ColorSpec, D::Error> {
        // Checked inside the visitor, so serde_yaml marks the error with the value's position.
        de.deserialize_any(ColorVisitor)
    }
}

struct ColorVisitor;

impl ColorVisitor {
    fn parse<E: serde::de::Error>(text: &str) -> Result<ColorSpec, E> {
        Color::from_str(text).map(ColorSpec).map_err(|_| {
            E::custom(format!(
                "{text:?} is not a colour (a name like \"red\", \"#rrggbb\" or 0-255)"
            ))
        })
    }
}

impl<'de> Visitor<'de> for ColorVisitor {
    type Value = ColorSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a colour (a name like \"red\", \"#rrggbb\" or 0-255)")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ColorSpec, E> {
        Self::parse(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ColorSpec, E> {
        Self::parse(&v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ColorSpec, E> {
        Self::parse(&v.to_string())
    }
}

impl StyleSpec {
    /// Applies this spec's attributes over `base`.
    fn apply(&self, base: Style) -> Style {
        let mut style = base;
        if let Some(fg) = self.fg {
            style.fg = Some(fg.0);
        }
        if let Some(bg) = self.bg {
            style.bg = Some(bg.0);
        }
        for (flag, modifier) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            match flag {
                Some(true) => {
                    style.add_modifier.insert(modifier);
                    style.sub_modifier.remove(modifier);
                }
                Some(false) => {
                    style.add_modifier.remove(modifier);
                    style.sub_modifier.insert(modifier);
                }
                None => {}
            }
        }
        style
    }
}

/// Declares the semantic styles once: the file struct (all optional) and the resolved one.
macro_rules! theme_styles {
    ($($(#[doc = $doc:literal])* $field:ident),* $(,)?) => {
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ThemeStyles { $(pub $field: Option<StyleSpec>,)* }

        /// A resolved theme: every semantic style ready to use.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            pub name: String,
            $($(#[doc = $doc])* pub $field: Style,)*
        }

        impl Theme {
            fn resolve_onto(base: &Theme, name: String, file: &ThemeStyles) -> Theme {
                Theme {
                    name,
                    $($field: match &file.$field {
                        Some(spec) => spec.apply(base.$field),
                        None => base.$field,
                    },)*
                }
            }

            fn all_styles_mut(&mut self) -> Vec<&mut Style> {
                vec![$(&mut self.$field,)*]
            }
        }
    };
}

theme_styles! {
    /// Everything not styled otherwise (screen background).
    base,
    border,
    border_focus,
    title,
    title_focus,
    /// Table column headers.
    header,
    /// The selected row.
    selected,
    /// Running and ready, Active namespaces.
    ok,
    /// Running but not all containers ready.
    warn,
    /// Pending, ContainerCreating, Init:…
    pending,
    /// CrashLoopBackOff, ImagePullBackOff, Error, …
    error,
    /// Succeeded / Completed.
    completed,
    /// Terminating.
    terminating,
    /// Secondary text: placeholders, counts, loading.
    muted,
    /// Header labels ("ctx:", "ns:").
    label,
    /// Header values.
    value,
    /// Key names in the hint line and help.
    key,
    /// Descriptions in the hint line and help.
    hint,
    /// The `:` / `/` prompt.
    prompt,
    /// The current namespace marker.
    current,
    /// A protected context (`protected_contexts` in the config): its name and marker in
    /// the header, and the type-the-name confirmation.
    protected,
    info_msg,
    warning_msg,
    error_msg,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    #[serde(default)]
    styles: ThemeStyles,
}

/// Parses a theme file; a problem says where (line and column) and what.
fn parse_file(yaml: &str) -> Result<ThemeFile, Problem> {
    // An empty file is an empty (all-default) theme.
    if yaml.trim().is_empty() {
        return Ok(ThemeFile::default());
    }
    serde_yaml::from_str(yaml).map_err(|e| {
        let mut p = Problem::from_yaml(&e);
        // "styles: unknown field `eror`" is an unknown style.
        if let Some(rest) = p.message.strip_prefix("styles: unknown field") {
            p.message = format!("unknown style{rest}");
        }
        p
    })
}

impl Theme {
    /// The built-in dark default. Its file is checked by tests, so failure here is a build bug;
    /// fall back to an unstyled theme rather than panic.
    pub fn default_theme() -> Theme {
        Self::from_yaml_over(&Self::plain(), "default", BUILTIN[0].1)
            .unwrap_or_else(|_| Self::plain())
    }

    /// No colours at all: terminal defaults, with modifiers marking selection and focus.
    pub fn plain() -> Theme {
        let s = Style::default();
        Theme {
            name: "plain".into(),
            base: s,
            border: s,
            border_focus: s.add_modifier(Modifier::BOLD),
            title: s,
            title_focus: s.add_modifier(Modifier::BOLD),
            header: s.add_modifier(Modifier::BOLD),
            selected: s.add_modifier(Modifier::REVERSED),
            ok: s,
            warn: s,
            pending: s,
            error: s.add_modifier(Modifier::BOLD),
            completed: s.add_modifier(Modifier::DIM),
            terminating: s.add_modifier(Modifier::DIM),
            muted: s.add_modifier(Modifier::DIM),
            label: s,
            value: s.add_modifier(Modifier::BOLD),
            key: s.add_modifier(Modifier::BOLD),
            hint: s,
            prompt: s.add_modifier(Modifier::BOLD),
            current: s.add_modifier(Modifier::BOLD),
            protected: s.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            info_msg: s,
            warning_msg: s.add_modifier(Modifier::BOLD),
            error_msg: s.add_modifier(Modifier::BOLD),
        }
    }

    fn from_yaml_over(base: &Theme, fallback_name: &str, yaml: &str) -> Result<Theme, Problem> {
        let file = parse_file(yaml)?;
        let name = file
            .name
            .clone()
            .unwrap_or_else(|| fallback_name.to_owned());
        Ok(Theme::resolve_onto(base, name, &file.styles))
    }

    /// Parses a (possibly partial) theme and resolves it onto the default.
    pub fn from_yaml(fallback_name: &str, yaml: &str) -> Result<Theme, Problem> {
        Self::from_yaml_over(&Self::default_theme(), fallback_name, yaml)
    }

    /// Strips colours (NO_COLOR), keeping modifiers so selection and focus stay visible.
    /// Health, which colours told apart, gets a text style per state instead: errors bold,
    /// warnings italic, pending underlined, completed dim, terminating struck through.
    pub fn without_colors(mut self) -> Theme {
        for style in self.all_styles_mut() {
            style.fg = None;
            style.bg = None;
        }
        self.selected = self.selected.add_modifier(Modifier::REVERSED);
        // A protected context still stands out without colour (and says so in words).
        self.protected = self
            .protected
            .add_modifier(Modifier::REVERSED | Modifier::BOLD);
        self.border_focus = self.border_focus.add_modifier(Modifier::BOLD);
        for (style, marker) in [
            (&mut self.ok, Modifier::empty()),
            (&mut self.error, Modifier::BOLD),
            (&mut self.warn, Modifier::ITALIC),
            (&mut self.pending, Modifier::UNDERLINED),
            (&mut self.completed, Modifier::DIM),
            (&mut self.terminating, Modifier::CROSSED_OUT),
        ] {
            *style = Style::default().add_modifier(marker);
        }
        self
    }

    /// Finds and loads a theme by name or path (see module docs). A problem in a theme file
    /// names the file, line and column; an unknown name says what was tried.
    pub fn load(spec: &str, user_theme_dir: Option<&Path>) -> Result<Theme, Problem> {
        let as_path = PathBuf::from(spec);
        let looks_like_path = spec.contains('/')
            || spec.ends_with(".yaml")
            || spec.ends_with(".yml")
            || as_path.is_file();
        if looks_like_path {
            return Self::load_file(&as_path);
        }
        if let Some(dir) = user_theme_dir {
            let candidate = dir.join(format!("{spec}.yaml"));
            if candidate.is_file() {
                return Self::load_file(&candidate);
            }
        }
        if let Some((name, yaml)) = BUILTIN.iter().find(|(n, _)| *n == spec) {
            return Self::from_yaml(name, yaml).map_err(|mut p| {
                p.message = format!("built-in theme {name} is broken: {}", p.message);
                p
            });
        }
        let builtins: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        let mut msg = format!(
            "unknown theme {spec:?}: built-in themes are {}",
            builtins.join(", ")
        );
        if let Some(dir) = user_theme_dir {
            msg.push_str(&format!(
                "; user themes are read from {}",
                dir.join(format!("{spec}.yaml")).display()
            ));
        }
        Err(Problem::new(msg))
    }

    fn load_file(path: &Path) -> Result<Theme, Problem> {
        let yaml = std::fs::read_to_string(path)
            .map_err(|e| Problem::new(format!("cannot read the theme file: {e}")).in_file(path))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "custom".into());
        Self::from_yaml(&stem, &yaml).map_err(|p| p.in_file(path))
    }
}

/// NO_COLOR: set and not empty (https://no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
