//! The key table: one list of bindings is the single source for key lookup, the `?` help
//! screen and the hint line. Config overrides rebind actions by name (`overrides.rs`).

mod overrides;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;
pub use overrides::{KeyPart, KeyProblem};

/// Where a binding applies. Lookup walks a chain, most specific first (see [`Ctx::chain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ctx {
    Global,
    /// Any list-like pane (tables, help).
    List,
    Namespaces,
    Pods,
    Services,
    Help,
    Prompt,
    Logs,
    /// Choosing a container before streaming logs.
    LogPicker,
    /// The port-forwards pane (`:pf`).
    Forwards,
    /// The port-forward dialog (`shift-f`).
    PortForward,
    /// The kubeconfig contexts pane (`:ctx`).
    Contexts,
    /// Deployments, StatefulSets, DaemonSets.
    Workloads,
    /// The rollout history pane.
    History,
    /// The YAML / describe text view.
    Text,
    /// The generic view: any kind as the server's table.
    Resources,
    /// The Helm releases view (`:helm`).
    Helm,
    /// A Helm release's history (`h` on a release).
    Revisions,
    /// The form of a change (create, expose, set image, apply).
    Form,
    /// A question that changes the cluster (delete, rollback, restart, scale, pause, stop a
    /// forward): only the confirm key acts, any other key cancels.
    Confirm,
}

impl Ctx {
    pub const ALL: [Ctx; 20] = [
        Ctx::Global,
        Ctx::List,
        Ctx::Namespaces,
        Ctx::Pods,
        Ctx::Workloads,
        Ctx::History,
        Ctx::Services,
        Ctx::Help,
        Ctx::Prompt,
        Ctx::Logs,
        Ctx::LogPicker,
        Ctx::Forwards,
        Ctx::PortForward,
        Ctx::Contexts,
        Ctx::Text,
        Ctx::Resources,
        Ctx::Helm,
        Ctx::Revisions,
        Ctx::Form,
        Ctx::Confirm,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "General",
            Ctx::List => "Lists",
            Ctx::Namespaces => "Namespaces",
            Ctx::Pods => "Pods",
            Ctx::Services => "Services",
            Ctx::Help => "Help",
            Ctx::Prompt => "Command line and filter",
            Ctx::Logs => "Logs",
            Ctx::LogPicker => "Container picker",
            Ctx::Forwards => "Port-forwards",
            Ctx::PortForward => "Port-forward dialog",
            Ctx::Contexts => "Contexts",
            Ctx::Workloads => "Deployments, StatefulSets, DaemonSets",
            Ctx::History => "Rollout history",
            Ctx::Text => "YAML and describe",
            Ctx::Resources => "Other kinds (:ing, :cm, :ev, :no, CRDs …)",
            Ctx::Helm => "Helm releases",
            Ctx::Revisions => "Helm release history",
            Ctx::Form => "Create, expose, set image and apply forms",
            Ctx::Confirm => "Confirmations",
        }
    }

    /// The contexts consulted, in order, when this one has the focus.
    pub fn chain(self) -> &'static [Ctx] {
        match self {
            Ctx::Global => &[Ctx::Global],
            Ctx::List => &[Ctx::List, Ctx::Global],
            Ctx::Namespaces => &[Ctx::Namespaces, Ctx::List, Ctx::Global],
            Ctx::Pods => &[Ctx::Pods, Ctx::List, Ctx::Global],
            Ctx::Services => &[Ctx::Services, Ctx::List, Ctx::Global],
            Ctx::Help => &[Ctx::Help, Ctx::List, Ctx::Global],
            Ctx::Prompt => &[Ctx::Prompt, Ctx::Global],
            Ctx::Logs => &[Ctx::Logs, Ctx::List, Ctx::Global],
            Ctx::LogPicker => &[Ctx::LogPicker, Ctx::List, Ctx::Global],
            Ctx::Forwards => &[Ctx::Forwards, Ctx::List, Ctx::Global],
            Ctx::PortForward => &[Ctx::PortForward, Ctx::Global],
            Ctx::Contexts => &[Ctx::Contexts, Ctx::List, Ctx::Global],
            Ctx::Form => &[Ctx::Form, Ctx::Global],
            Ctx::Workloads => &[Ctx::Workloads, Ctx::List, Ctx::Global],
            Ctx::History => &[Ctx::History, Ctx::List, Ctx::Global],
            Ctx::Text => &[Ctx::Text, Ctx::List, Ctx::Global],
            Ctx::Resources => &[Ctx::Resources, Ctx::List, Ctx::Global],
            Ctx::Helm => &[Ctx::Helm, Ctx::List, Ctx::Global],
            Ctx::Revisions => &[Ctx::Revisions, Ctx::List, Ctx::Global],
            // Nothing general: a stray key must cancel, not quit or scroll.
            Ctx::Confirm => &[Ctx::Confirm],
        }
    }
}

/// A row of the default table. `keys` holds alternatives separated by `,`; a sequence
/// is written with spaces (`g g`).
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static str,
    pub action: Action,
    pub desc: &'static str,
}

const fn b(ctx: Ctx, keys: &'static str, action: Action, desc: &'static str) -> Binding {
    Binding {
        ctx,
        keys,
        action,
        desc,
    }
}

pub const DEFAULTS: &[Binding] = &[
    b(Ctx::Global, "q, ctrl-c", Action::Quit, "quit"),
    b(Ctx::Global, "?", Action::Help, "help"),
    b(
        Ctx::Global,
        ":",
        Action::Command,
        "command (:ns, :pods, :q)",
    ),
    b(Ctx::Global, "/", Action::Filter, "filter"),
    b(Ctx::Global, "tab", Action::FocusNext, "next pane"),
    b(Ctx::Global, "shift-tab", Action::FocusPrev, "previous pane"),
    b(Ctx::Global, "z", Action::Zoom, "zoom pane"),
    b(
        Ctx::Global,
        "esc",
        Action::Back,
        "back: filter, zoom, then out of enter",
    ),
    b(
        Ctx::Global,
        "ctrl-z",
        Action::Suspend,
        "suspend (fg resumes)",
    ),
    b(Ctx::List, "j, down", Action::Down, "down"),
    b(Ctx::List, "k, up", Action::Up, "up"),
    b(Ctx::List, "g g, home", Action::Top, "top"),
    b(Ctx::List, "G, end", Action::Bottom, "bottom"),
    b(Ctx::List, "pgdn, ctrl-f", Action::PageDown, "page down"),
    b(Ctx::List, "pgup, ctrl-b", Action::PageUp, "page up"),
    b(Ctx::List, "c", Action::Copy, "copy name"),
    b(Ctx::Namespaces, "enter", Action::Select, "use namespace"),
    b(Ctx::Pods, "0", Action::AllNamespaces, "all namespaces"),
    b(Ctx::Pods, "N", Action::SortName, "sort by name"),
    b(Ctx::Pods, "P", Action::SortNamespace, "sort by namespace"),
    b(Ctx::Pods, "R", Action::SortReady, "sort by ready"),
    b(Ctx::Pods, "S", Action::SortStatus, "sort by status"),
    b(Ctx::Pods, "T", Action::SortRestarts, "sort by restarts"),
    b(Ctx::Pods, "A", Action::SortAge, "sort by age"),
    b(Ctx::Pods, "I", Action::SortIp, "sort by IP"),
    b(Ctx::Pods, "O", Action::SortNode, "sort by node"),
    b(Ctx::Pods, "l", Action::Logs, "logs"),
    b(Ctx::Pods, "L", Action::LogsOwner, "logs of owner's pods"),
    b(Ctx::Pods, "p", Action::LogsPrevious, "previous logs"),
    b(Ctx::Logs, "s", Action::ToggleFollow, "autoscroll"),
    b(Ctx::Logs, "t", Action::ToggleTimestamps, "timestamps"),
    b(Ctx::Logs, "w", Action::ToggleWrap, "wrap"),
    b(Ctx::Logs, "p", Action::LogsPrevious, "previous container"),
    b(Ctx::Logs, "/", Action::Filter, "search"),
    b(Ctx::Logs, "n", Action::SearchNext, "next match"),
    b(Ctx::Logs, "N", Action::SearchPrev, "previous match"),
    b(Ctx::Logs, "c", Action::Copy, "copy line"),
    b(Ctx::Logs, "ctrl-s", Action::SaveLogs, "save to file"),
    b(Ctx::Logs, "esc", Action::Back, "close logs"),
    b(Ctx::LogPicker, "enter", Action::Select, "choose container"),
    b(Ctx::LogPicker, "esc", Action::Back, "cancel"),
    b(Ctx::Pods, "F", Action::PortForward, "port-forward"),
    b(Ctx::Services, "F", Action::PortForward, "port-forward"),
    b(Ctx::Services, "0", Action::AllNamespaces, "all namespaces"),
    b(Ctx::Services, "N", Action::SortName, "sort by name"),
    b(
        Ctx::Services,
        "P",
        Action::SortNamespace,
        "sort by namespace",
    ),
    b(Ctx::Services, "S", Action::SortStatus, "sort by type"),
    b(Ctx::Services, "A", Action::SortAge, "sort by age"),
    b(Ctx::Forwards, "enter", Action::StartForward, "start again"),
    b(Ctx::Forwards, "s", Action::SaveForward, "save / forget"),
    b(Ctx::Forwards, "o", Action::OpenUrl, "open URL"),
    b(
        Ctx::Forwards,
        "ctrl-d",
        Action::StopForward,
        "stop / remove",
    ),
    b(Ctx::Forwards, "c", Action::Copy, "copy URL"),
    b(Ctx::Forwards, "esc", Action::Back, "close forwards"),
    b(
        Ctx::Contexts,
        "enter",
        Action::SwitchContext,
        "switch to it",
    ),
    b(Ctx::Contexts, "esc", Action::Back, "close contexts"),
    b(Ctx::PortForward, "enter", Action::Submit, "start forward"),
    b(Ctx::PortForward, "esc", Action::Cancel, "cancel"),
    b(Ctx::PortForward, "tab", Action::FocusNext, "next field"),
    b(
        Ctx::PortForward,
        "shift-tab",
        Action::FocusPrev,
        "previous field",
    ),
    b(Ctx::PortForward, "up", Action::Up, "previous port"),
    b(Ctx::PortForward, "down", Action::Down, "next port"),
    b(
        Ctx::PortForward,
        "backspace",
        Action::DeleteBack,
        "delete character",
    ),
    b(Ctx::Pods, "h", Action::History, "owner's rollout history"),
    b(Ctx::Workloads, "h", Action::History, "rollout history"),
    b(Ctx::Workloads, "F", Action::PortForward, "port-forward"),
    b(
        Ctx::Workloads,
        "u",
        Action::Rollback,
        "undo (previous revision)",
    ),
    b(Ctx::Workloads, "r", Action::Restart, "restart"),
    b(Ctx::Workloads, "s", Action::Scale, "scale"),
    b(Ctx::Workloads, "p", Action::TogglePause, "pause / resume"),
    b(Ctx::Workloads, "0", Action::AllNamespaces, "all namespaces"),
    b(Ctx::Workloads, "N", Action::SortName, "sort by name"),
    b(Ctx::Workloads, "A", Action::SortAge, "sort by age"),
    b(Ctx::History, "enter", Action::Select, "diff vs current"),
    b(Ctx::History, "u", Action::Rollback, "roll back to revision"),
    b(Ctx::History, "r", Action::Restart, "restart"),
    b(Ctx::History, "s", Action::Scale, "scale"),
    b(Ctx::History, "p", Action::TogglePause, "pause / resume"),
    b(Ctx::History, "h", Action::History, "close history"),
    b(Ctx::Pods, "ctrl-d", Action::Delete, "delete"),
    b(Ctx::Pods, "y", Action::Yaml, "YAML"),
    b(Ctx::Pods, "d", Action::Describe, "describe"),
    b(Ctx::Pods, "e", Action::Edit, "edit"),
    b(Ctx::Pods, "s", Action::Shell, "shell"),
    b(Ctx::Workloads, "ctrl-d", Action::Delete, "delete"),
    b(Ctx::Workloads, "y", Action::Yaml, "YAML"),
    b(Ctx::Workloads, "d", Action::Describe, "describe"),
    b(Ctx::Workloads, "e", Action::Edit, "edit"),
    b(Ctx::Services, "ctrl-d", Action::Delete, "delete"),
    b(Ctx::Services, "y", Action::Yaml, "YAML"),
    b(Ctx::Services, "d", Action::Describe, "describe"),
    b(Ctx::Services, "e", Action::Edit, "edit"),
    b(
        Ctx::Namespaces,
        "ctrl-d",
        Action::Delete,
        "delete namespace",
    ),
    b(Ctx::Namespaces, "y", Action::Yaml, "YAML"),
    b(Ctx::Namespaces, "d", Action::Describe, "describe"),
    b(Ctx::Namespaces, "e", Action::Edit, "edit"),
    b(
        Ctx::Resources,
        "enter",
        Action::Select,
        "open (what is inside)",
    ),
    b(
        Ctx::Workloads,
        "enter",
        Action::Select,
        "open (ReplicaSets, pods)",
    ),
    b(
        Ctx::Services,
        "enter",
        Action::Select,
        "open (selected pods)",
    ),
    b(Ctx::Resources, "E", Action::Events, "events of it"),
    b(Ctx::Pods, "E", Action::Events, "events of the pod"),
    b(Ctx::Workloads, "E", Action::Events, "events of it"),
    b(Ctx::Services, "E", Action::Events, "events of it"),
    b(Ctx::Namespaces, "E", Action::Events, "events in it"),
    b(Ctx::Pods, "enter", Action::Select, "containers and probes"),
    b(Ctx::Resources, "y", Action::Yaml, "YAML"),
    b(Ctx::Resources, "d", Action::Describe, "describe"),
    b(Ctx::Resources, "e", Action::Edit, "edit"),
    b(Ctx::Resources, "ctrl-d", Action::Delete, "delete"),
    b(Ctx::Resources, "w", Action::ToggleWide, "wide"),
    b(Ctx::Resources, "0", Action::AllNamespaces, "all namespaces"),
    b(Ctx::Resources, "N", Action::SortName, "sort by name"),
    b(Ctx::Resources, "A", Action::SortAge, "sort by age"),
    b(
        Ctx::Resources,
        ">",
        Action::SortNextColumn,
        "sort by next column",
    ),
    b(
        Ctx::Resources,
        "<",
        Action::SortPrevColumn,
        "sort by previous column",
    ),
    b(Ctx::Resources, "x", Action::Reveal, "reveal secret"),
    b(
        Ctx::Workloads,
        "n",
        Action::CreateDeployment,
        "new deployment",
    ),
    b(Ctx::Workloads, "i", Action::SetImage, "set image"),
    b(Ctx::Workloads, "X", Action::Expose, "expose"),
    b(Ctx::Pods, "X", Action::Expose, "expose"),
    b(Ctx::Services, "X", Action::Expose, "expose"),
    b(Ctx::Resources, "X", Action::Expose, "expose (rs)"),
    b(Ctx::Helm, "h", Action::History, "release history"),
    b(Ctx::Helm, "V", Action::Values, "user-supplied values"),
    b(Ctx::Helm, "a", Action::AllValues, "computed values"),
    b(Ctx::Helm, "m", Action::Manifest, "manifest"),
    b(Ctx::Helm, "n", Action::Notes, "notes"),
    b(Ctx::Helm, "H", Action::Hooks, "hooks"),
    b(Ctx::Helm, "ctrl-d", Action::Delete, "uninstall"),
    b(Ctx::Helm, "0", Action::AllNamespaces, "all namespaces"),
    b(Ctx::Helm, "N", Action::SortName, "sort by name"),
    b(Ctx::Helm, "S", Action::SortStatus, "sort by status"),
    b(Ctx::Helm, "A", Action::SortAge, "sort by updated"),
    b(Ctx::Revisions, "enter", Action::Select, "diff vs deployed"),
    b(Ctx::Revisions, "u", Action::Rollback, "roll back to it"),
    b(Ctx::Revisions, "V", Action::Values, "user-supplied values"),
    b(Ctx::Revisions, "a", Action::AllValues, "computed values"),
    b(Ctx::Revisions, "m", Action::Manifest, "manifest"),
    b(Ctx::Revisions, "n", Action::Notes, "notes"),
    b(Ctx::Revisions, "H", Action::Hooks, "hooks"),
    b(Ctx::Revisions, "esc, h", Action::Back, "back to releases"),
    b(Ctx::Form, "enter", Action::Submit, "next / send"),
    b(Ctx::Form, "esc", Action::Cancel, "back / cancel"),
    b(Ctx::Form, "tab", Action::FocusNext, "next field"),
    b(Ctx::Form, "shift-tab", Action::FocusPrev, "previous field"),
    b(Ctx::Form, "up", Action::Up, "previous choice"),
    b(Ctx::Form, "down", Action::Down, "next choice"),
    b(Ctx::Form, "backspace", Action::DeleteBack, "delete"),
    b(Ctx::Form, "ctrl-u", Action::ClearLine, "clear field"),
    b(Ctx::Text, "esc", Action::Back, "close"),
    b(Ctx::Text, "c", Action::Copy, "copy all"),
    b(Ctx::Text, "l", Action::Logs, "logs (containers view)"),
    b(
        Ctx::Confirm,
        "y",
        Action::Confirm,
        "yes (any other key cancels)",
    ),
    b(Ctx::Help, "esc, q, ?", Action::Back, "close help"),
    b(Ctx::Help, "/", Action::Filter, "find a key by what it does"),
    b(Ctx::Prompt, "enter", Action::Submit, "run / keep filter"),
    b(Ctx::Prompt, "esc", Action::Cancel, "cancel"),
    b(Ctx::Prompt, "tab", Action::Complete, "complete"),
    b(Ctx::Prompt, "down", Action::Down, "next suggestion"),
    b(Ctx::Prompt, "up", Action::Up, "previous suggestion"),
    b(
        Ctx::Prompt,
        "backspace",
        Action::DeleteBack,
        "delete character",
    ),
    b(Ctx::Prompt, "ctrl-u", Action::ClearLine, "clear line"),
];

/// One key press, normalised: a shifted letter is its upper-case char without SHIFT,
/// shift-tab is BackTab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        // Punctuation arrives with SHIFT on some terminals (`?`, `:`): the char says it all.
        if let KeyCode::Char(c) = code {
            if !c.is_ascii_alphabetic() {
                mods.remove(KeyModifiers::SHIFT);
            }
        }
        KeyChord { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        KeyChord::new(ev.code, ev.modifiers)
    }

    /// A printable character typed without ctrl/alt (text for prompts).
    pub fn text_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        }
    }

    /// Parses `ctrl-c`, `shift-n`, `N`, `enter`, `pgdn`, `?`, `space`, `f5` ….
    pub fn parse(spec: &str) -> Result<KeyChord, String> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err("empty key".into());
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = spec;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, flag) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break; // a lone "-" after the modifier is handled below as the key itself
            }
            mods |= flag;
            rest = &rest[prefix.len()..];
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" | "bs" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "minus" => KeyCode::Char('-'),
            "comma" => KeyCode::Char(','),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                let n = f[1..].parse::<u8>().unwrap_or(0);
                if !(1..=12).contains(&n) {
                    return Err(format!("unknown key {spec:?}"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {spec:?}")),
                }
            }
        };
        Ok(KeyChord::new(code, mods))
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) if c.is_ascii_uppercase() => {
                write!(f, "shift-{}", c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

pub type KeySeq = Vec<KeyChord>;

/// Parses `"j, down"` or `"g g"` into alternative sequences.
pub fn parse_keys(spec: &str) -> Result<Vec<KeySeq>, String> {
    let mut out = Vec::new();
    for alt in spec.split(',').map(str::trim) {
        // "," itself is written "comma"; an empty alternative is a mistake.
        if alt.is_empty() {
            return Err(format!("empty key in {spec:?}"));
        }
        let seq = alt
            .split_whitespace()
            .map(KeyChord::parse)
            .collect::<Result<KeySeq, _>>()?;
        out.push(seq);
    }
    Ok(out)
}

pub fn seq_to_string(seq: &[KeyChord]) -> String {
    seq.iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A binding after config overrides, with parsed keys.
#[derive(Debug, Clone)]
pub struct ResolvedBinding {
    pub ctx: Ctx,
    pub keys: Vec<KeySeq>,
    pub action: Action,
    pub desc: &'static str,
}

impl ResolvedBinding {
    /// The first key, as the hint line shows it when short of room.
    pub fn first_key_label(&self) -> String {
        self.keys
            .first()
            .map(|s| seq_to_string(s))
            .unwrap_or_default()
    }

    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|s| seq_to_string(s))
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// What a key press means given the pending prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The keys so far start a longer sequence: keep them pending.
    Pending,
    None,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<ResolvedBinding>,
    exact: HashMap<(Ctx, KeySeq), Action>,
    prefixes: HashSet<(Ctx, KeySeq)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&BTreeMap::new()).0
    }
}

impl Keymap {
    /// Builds the table from [`DEFAULTS`] with overrides (action name → key spec). With any
    /// problem (unknown action, bad key, a key that collides with another action's) the
    /// table is the defaults and the problems say what is wrong: never half a user table.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (Keymap, Vec<KeyProblem>) {
        let defaults: Vec<ResolvedBinding> = DEFAULTS
            .iter()
            .map(|d| ResolvedBinding {
                ctx: d.ctx,
                // The defaults are checked by a test; a bad one would only lose its keys.
                keys: parse_keys(d.keys).unwrap_or_default(),
                action: d.action,
                desc: d.desc,
            })
            .collect();
        match overrides::apply(&defaults, overrides) {
            Ok(bindings) => (Keymap::from_bindings(bindings), Vec::new()),
            Err(problems) => (Keymap::from_bindings(defaults), problems),
        }
    }

    fn from_bindings(bindings: Vec<ResolvedBinding>) -> Keymap {
        let mut exact = HashMap::new();
        let mut prefixes = HashSet::new();
        for b in &bindings {
            for seq in &b.keys {
                exact.entry((b.ctx, seq.clone())).or_insert(b.action);
                for n in 1..seq.len() {
                    prefixes.insert((b.ctx, seq[..n].to_vec()));
                }
            }
        }
        Keymap {
            bindings,
            exact,
            prefixes,
        }
    }

    pub fn bindings(&self) -> &[ResolvedBinding] {
        &self.bindings
    }

    pub fn in_ctx(&self, ctx: Ctx) -> impl Iterator<Item = &ResolvedBinding> {
        self.bindings.iter().filter(move |b| b.ctx == ctx)
    }

    /// The first key label of `action` in `ctx`'s chain, for hints ("press ? for help").
    pub fn label_for(&self, ctx: Ctx, action: Action) -> Option<String> {
        ctx.chain().iter().find_map(|c| {
            self.in_ctx(*c)
                .find(|b| b.action == action)
                .and_then(|b| b.keys.first().map(|s| seq_to_string(s)))
        })
    }

    /// Whether `key` answers yes to a confirmation.
    pub fn confirms(&self, key: KeyChord) -> bool {
        self.exact.get(&(Ctx::Confirm, vec![key])) == Some(&Action::Confirm)
    }

    /// Resolves `pending + key` in `ctx`'s chain.
    pub fn lookup(&self, ctx: Ctx, pending: &[KeyChord], key: KeyChord) -> Lookup {
        let mut seq = pending.to_vec();
        seq.push(key);
        for c in ctx.chain() {
            let probe = (*c, seq);
            if let Some(a) = self.exact.get(&probe) {
                return Lookup::Action(*a);
            }
            if self.prefixes.contains(&probe) {
                return Lookup::Pending;
            }
            seq = probe.1;
        }
        if !pending.is_empty() {
            // An abandoned sequence: the new key counts on its own.
            return self.lookup(ctx, &[], key);
        }
        Lookup::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        assert_eq!(key("shift-n"), key("N"));
        assert_eq!(
            KeyChord::new(KeyCode::Char('n'), KeyModifiers::SHIFT),
            key("N")
        );
        assert_eq!(
            KeyChord::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            key("shift-tab")
        );
        assert_eq!(
            KeyChord::new(KeyCode::Char('?'), KeyModifiers::SHIFT),
            key("?")
        );
        assert_eq!(key("ctrl-c").to_string(), "ctrl-c");
        assert_eq!(key("N").to_string(), "shift-n");
        assert!(KeyChord::parse("nonsense").is_err());
        assert!(parse_keys("j,,k").is_err());
    }

    #[test]
    fn sequences_are_pending_then_resolve() {
        let km = Keymap::default();
        let g = key("g");
        assert_eq!(km.lookup(Ctx::Pods, &[], g), Lookup::Pending);
        assert_eq!(km.lookup(Ctx::Pods, &[g], g), Lookup::Action(Action::Top));
        // An abandoned prefix does not swallow the next key.
        assert_eq!(
            km.lookup(Ctx::Pods, &[g], key("j")),
            Lookup::Action(Action::Down)
        );
    }

    #[test]
    fn specific_context_wins() {
        let km = Keymap::default();
        assert_eq!(
            km.lookup(Ctx::Help, &[], key("q")),
            Lookup::Action(Action::Back)
        );
        assert_eq!(
            km.lookup(Ctx::Pods, &[], key("q")),
            Lookup::Action(Action::Quit)
        );
    }

    #[test]
    fn overrides_apply() {
        let mut o = BTreeMap::new();
        o.insert("copy".to_string(), "v".to_string());
        let (km, problems) = Keymap::with_overrides(&o);
        assert_eq!(problems, vec![]);
        assert_eq!(
            km.lookup(Ctx::Pods, &[], key("v")),
            Lookup::Action(Action::Copy)
        );
        assert_eq!(km.lookup(Ctx::Pods, &[], key("c")), Lookup::None);
    }

    #[test]
    fn any_bad_override_leaves_the_defaults() {
        let mut o = BTreeMap::new();
        o.insert("copy".to_string(), "v".to_string());
        o.insert("teleport".to_string(), "t".to_string());
        let (km, problems) = Keymap::with_overrides(&o);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            km.lookup(Ctx::Pods, &[], key("c")),
            Lookup::Action(Action::Copy)
        );
        assert_eq!(km.lookup(Ctx::Pods, &[], key("v")), Lookup::None);
    }
}
