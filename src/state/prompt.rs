//! The `:` command line and the `/` filter prompt: text, parsing, completion.

use crate::state::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Command,
    /// Filtering the table in this pane (applied as the user types).
    Filter(Pane),
    /// Searching the logs view (matches highlighted as the user types).
    Search,
    /// Finding a key in the help by what it does (applied as the user types).
    HelpFilter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// Candidates shown after an ambiguous Tab.
    pub candidates: Vec<String>,
    /// The command palette: names the word being typed fuzzily matches, best first.
    pub palette: Vec<String>,
    /// The palette entry chosen with up/down (`enter` and `tab` take it).
    pub chosen: Option<usize>,
}

impl Prompt {
    pub fn new(kind: PromptKind, input: String) -> Prompt {
        Prompt {
            kind,
            input,
            candidates: Vec::new(),
            palette: Vec::new(),
            chosen: None,
        }
    }
}

use crate::state::views::{MainView, VIEWS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// Show a resource view; an optional argument names the namespace.
    View(MainView),
    /// `:ns` focuses the namespaces pane; `:ns NAME` switches to NAME (`all` for every one).
    Namespace,
    Quit,
    Help,
    /// `:pf` shows the port-forwards; `:pf TYPE/NAME` opens the dialog for that target.
    Forwards,
    /// `:ctx` lists the kubeconfig contexts; `:ctx NAME` switches to NAME.
    Contexts,
    /// `:create`, `:expose`, `:apply`: changes, with kubectl-like arguments (`state::change`).
    Change,
}

pub struct CommandSpec {
    /// The first name is the canonical one (shown in help and completion).
    pub names: &'static [&'static str],
    pub kind: CommandKind,
    /// Whether the argument is a namespace name (completes against namespaces).
    pub takes_namespace: bool,
    pub desc: &'static str,
    /// What `tab` offers for the first argument, then for the words after it.
    pub completes: (&'static [&'static str], &'static [&'static str]),
}

/// The commands that are not views (views bring their own, see [`VIEWS`]).
const OTHER_COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        names: &["ns", "namespaces", "namespace"],
        kind: CommandKind::Namespace,
        takes_namespace: true,
        desc: "namespaces; ns NAME switches (all = every namespace)",
        completes: (&[], &[]),
    },
    CommandSpec {
        names: &["create"],
        kind: CommandKind::Change,
        takes_namespace: false,
        desc: "create deployment NAME --image=IMAGE [--replicas=N] [--port=P] | create namespace NAME",
        completes: (
            &["deployment", "namespace"],
            &["--image=", "--replicas=", "--port="],
        ),
    },
    CommandSpec {
        names: &["expose"],
        kind: CommandKind::Change,
        takes_namespace: false,
        desc: "expose deploy/NAME --port=P [--target-port=T] [--type=NodePort] [--name=N] [--protocol=TCP]",
        completes: (
            &["deploy/", "pod/", "rs/", "svc/"],
            &[
                "--port=",
                "--target-port=",
                "--type=",
                "--name=",
                "--protocol=",
            ],
        ),
    },
    CommandSpec {
        names: &["apply"],
        kind: CommandKind::Change,
        takes_namespace: false,
        desc: "apply -f PATH: server-side apply of a file or directory (asks first)",
        completes: (&["-f"], &[]),
    },
    CommandSpec {
        names: &["pf", "portforwards", "port-forward"],
        kind: CommandKind::Forwards,
        takes_namespace: false,
        desc: "port-forwards; pf TYPE/NAME forwards to svc/, deploy/, sts/ or a pod",
        completes: (&[], &[]),
    },
    CommandSpec {
        names: &["ctx", "context", "contexts"],
        kind: CommandKind::Contexts,
        takes_namespace: false,
        desc: "kubeconfig contexts; ctx NAME switches to NAME",
        completes: (&[], &[]),
    },
    CommandSpec {
        names: &["help"],
        kind: CommandKind::Help,
        takes_namespace: false,
        desc: "this help",
        completes: (&[], &[]),
    },
    CommandSpec {
        names: &["quit", "q", "q!"],
        kind: CommandKind::Quit,
        takes_namespace: false,
        desc: "quit",
        completes: (&[], &[]),
    },
];

/// Every `:` command: the views' from the registry, then the others.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> {
    VIEWS
        .iter()
        .filter_map(|v| v.command.as_ref())
        .chain(OTHER_COMMANDS)
}

/// The argument that means "every namespace".
pub const ALL_NAMESPACES_ARG: &str = "all";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    pub kind: CommandKind,
    pub arg: Option<String>,
}

pub fn find_command(name: &str) -> Option<&'static CommandSpec> {
    commands().find(|c| c.names.contains(&name))
}

pub fn parse_command(input: &str) -> Result<ParsedCommand, String> {
    let mut words = input.split_whitespace();
    let Some(name) = words.next() else {
        return Err("empty command".into());
    };
    let spec = find_command(name).ok_or_else(|| {
        let known: Vec<&str> = commands().map(|c| c.names[0]).collect();
        format!("unknown command {name:?} (try {})", known.join(", "))
    })?;
    let arg = words.next().map(str::to_owned);
    if let Some(extra) = words.next() {
        return Err(format!("{name}: unexpected {extra:?}"));
    }
    let takes_arg = spec.takes_namespace
        || spec.kind == CommandKind::Forwards
        || spec.kind == CommandKind::Contexts;
    if arg.is_some() && !takes_arg {
        return Err(format!("{name} takes no argument"));
    }
    Ok(ParsedCommand {
        kind: spec.kind,
        arg,
    })
}

fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut len = first.len();
    for s in &items[1..] {
        len = len.min(
            first
                .char_indices()
                .zip(s.chars())
                .take_while(|((_, a), b)| a == b)
                .count(),
        );
    }
    first.chars().take(len).collect()
}

/// The words of a command line before the one being typed, and that one (empty after a
/// space).
pub fn split_last_word(input: &str) -> (Vec<&str>, &str) {
    let mut words: Vec<&str> = input.split_whitespace().collect();
    if input.ends_with(' ') || words.is_empty() {
        return (words, "");
    }
    let last = words.pop().unwrap_or_default();
    (words, last)
}

/// Every word that may come after `done`: command names and the kinds the server serves
/// first, then namespace names (and `all`) after a command that takes one.
pub fn choices<'a>(
    done: &[&str],
    namespaces: impl Iterator<Item = &'a str>,
    kinds: &[String],
) -> Vec<String> {
    choices_with(done, namespaces, kinds, &[])
}

/// [`choices`], with the kubeconfig's context names after `:ctx`.
pub fn choices_with<'a>(
    done: &[&str],
    namespaces: impl Iterator<Item = &'a str>,
    kinds: &[String],
    contexts: &[String],
) -> Vec<String> {
    let is_kind = |w: &str| kinds.iter().any(|k| k == w);
    let takes_namespace =
        |w: &str| find_command(w).map_or_else(|| is_kind(w), |c| c.takes_namespace);
    match done {
        [] => commands()
            .flat_map(|c| c.names.iter().copied())
            .chain(kinds.iter().map(String::as_str))
            .map(str::to_owned)
            .collect(),
        [cmd, ..] if find_command(cmd).is_some_and(|c| c.kind == CommandKind::Change) => {
            let (first, rest) = find_command(cmd).map_or((&[][..], &[][..]), |c| c.completes);
            let offered = if done.len() == 1 { first } else { rest };
            offered.iter().map(|n| n.to_string()).collect()
        }
        [cmd] if is_contexts(cmd) => contexts.to_vec(),
        [cmd] if takes_namespace(cmd) => namespaces
            .chain(std::iter::once(ALL_NAMESPACES_ARG))
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn is_contexts(word: &str) -> bool {
    find_command(word).is_some_and(|c| c.kind == CommandKind::Contexts)
}

/// Completes the last word of `input`: command names and the names of every kind the
/// server serves (`kinds`) first, then namespace names for those that take one. Returns the
/// new input and the candidates (several when ambiguous).
pub fn complete<'a>(
    input: &str,
    namespaces: impl Iterator<Item = &'a str>,
    kinds: &[String],
) -> (String, Vec<String>) {
    complete_with(input, namespaces, kinds, &[])
}

/// [`complete`], with the kubeconfig's context names after `:ctx`.
pub fn complete_with<'a>(
    input: &str,
    namespaces: impl Iterator<Item = &'a str>,
    kinds: &[String],
    contexts: &[String],
) -> (String, Vec<String>) {
    let is_kind = |w: &str| kinds.iter().any(|k| k == w);
    let known = |w: &str| find_command(w).is_some() || is_kind(w);
    let takes_namespace =
        |w: &str| find_command(w).map_or_else(|| is_kind(w), |c| c.takes_namespace);
    let (done, word) = split_last_word(input);
    let done = &done[..];
    let mut candidates: Vec<String> = choices_with(done, namespaces, kinds, contexts)
        .into_iter()
        .filter(|n| n.starts_with(word))
        .collect();
    candidates.sort();
    candidates.dedup();
    // A complete command name is accepted as typed (`po` does not become `pod`).
    if done.is_empty() && known(word) {
        candidates = vec![word.to_string()];
    }
    let prefix_words = done.join(" ");
    let join = |w: &str| {
        if prefix_words.is_empty() {
            w.to_string()
        } else {
            format!("{prefix_words} {w}")
        }
    };
    match candidates.len() {
        0 => (input.to_string(), Vec::new()),
        1 => {
            let only = &candidates[0];
            let is_change =
                |w: &str| find_command(w).is_some_and(|c| c.kind == CommandKind::Change);
            let takes_more = done.is_empty()
                && (takes_namespace(only) || is_change(only) || is_contexts(only))
                || (!done.is_empty()
                    && done.first().is_some_and(|c| is_change(c))
                    && !only.ends_with(['=', '/']));
            let mut out = join(only);
            if takes_more {
                out.push(' ');
            }
            (out, Vec::new())
        }
        _ => {
            let prefix = common_prefix(&candidates);
            let out = if prefix.len() > word.len() {
                join(&prefix)
            } else {
                input.to_string()
            };
            (out, candidates)
        }
    }
}
