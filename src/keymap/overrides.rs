//! User key overrides (action name → keys) applied to the default table, and every way one
//! can be wrong: an unknown action, a bad key, or a key that collides with another action.
//!
//! A collision is judged where keys are looked up: with a pane focused, its whole chain of
//! contexts (`Pods` → `List` → `Global`) is live, so `copy: y` (a `List` binding) collides
//! with `y` = YAML in `Pods`. Only keys the user brought in are judged: the defaults shadow
//! each other on purpose (`esc` cancels in the prompt and goes back elsewhere). A collision
//! with a default the user also rebound away is no collision (`up: j` with `down: k`).

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::{parse_keys, seq_to_string, Ctx, KeySeq, ResolvedBinding};
use crate::action::Action;
use crate::config::nearest;

/// Which end of `action: keys` a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPart {
    /// The action name.
    Action,
    /// The keys.
    Keys,
}

/// What is wrong with one override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// The action name as written in the config.
    pub action: String,
    pub part: KeyPart,
    pub message: String,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "keys.{}: {}", self.action, self.message)
    }
}

/// `defaults` with `overrides` applied, or every problem found.
pub(super) fn apply(
    defaults: &[ResolvedBinding],
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<ResolvedBinding>, Vec<KeyProblem>> {
    let mut problems = Vec::new();
    let mut bindings = defaults.to_vec();
    // Per binding: the config entry that rebound it, if any.
    let mut rebound_by: Vec<Option<&str>> = vec![None; bindings.len()];
    for (name, spec) in overrides {
        let problem = |part, message: String| KeyProblem {
            action: name.clone(),
            part,
            message,
        };
        let Some(action) = Action::from_name(name) else {
            problems.push(problem(KeyPart::Action, unknown_action(name, defaults)));
            continue;
        };
        let keys = match parse_keys(spec) {
            Ok(keys) => keys,
            Err(e) => {
                problems.push(problem(KeyPart::Keys, e));
                continue;
            }
        };
        let mut any = false;
        for (i, b) in bindings.iter_mut().enumerate() {
            if b.action == action {
                b.keys = keys.clone();
                rebound_by[i] = Some(name);
                any = true;
            }
        }
        if !any {
            problems.push(problem(
                KeyPart::Action,
                format!("action `{name}` has no key binding to change"),
            ));
        }
    }
    problems.extend(collisions(defaults, &bindings, &rebound_by));
    if problems.is_empty() {
        Ok(bindings)
    } else {
        Err(problems)
    }
}

fn unknown_action(name: &str, defaults: &[ResolvedBinding]) -> String {
    let mut names: Vec<String> = defaults.iter().map(|b| b.action.name()).collect();
    names.sort();
    names.dedup();
    match nearest(name, names.iter().map(String::as_str)) {
        Some(best) => format!("unknown action `{name}`, did you mean `{best}`?"),
        None => format!("unknown action `{name}`; actions are {}", names.join(", ")),
    }
}

/// Whether both contexts can be live at once (one is in the other's chain).
fn overlap(a: Ctx, b: Ctx) -> bool {
    a.chain().contains(&b) || b.chain().contains(&a)
}

/// Whether pressing `a` and `b` can mean the same thing: equal, or one starts the other
/// (then the shorter one always wins and the longer can never be typed).
fn clash(a: &[super::KeyChord], b: &[super::KeyChord]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Every key a user brought in that collides with another action's key, once per
/// (actions, key).
fn collisions(
    defaults: &[ResolvedBinding],
    bindings: &[ResolvedBinding],
    rebound_by: &[Option<&str>],
) -> Vec<KeyProblem> {
    let mut seen: HashSet<(Action, Action, KeySeq)> = HashSet::new();
    let mut problems = Vec::new();
    for (i, mine) in bindings.iter().enumerate() {
        let Some(name) = rebound_by[i] else { continue };
        let new_keys = mine.keys.iter().filter(|k| !defaults[i].keys.contains(k));
        for key in new_keys {
            for other in bindings {
                if other.action == mine.action || !overlap(mine.ctx, other.ctx) {
                    continue;
                }
                let Some(theirs) = other.keys.iter().find(|k| clash(key, k)) else {
                    continue;
                };
                let pair = if mine.action < other.action {
                    (mine.action, other.action, key.clone())
                } else {
                    (other.action, mine.action, theirs.clone())
                };
                if !seen.insert(pair) {
                    continue;
                }
                let (key, theirs) = (seq_to_string(key), seq_to_string(theirs));
                let what = if key == theirs {
                    format!("`{key}` is already bound to")
                } else {
                    format!("`{key}` collides with `{theirs}`, bound to")
                };
                problems.push(KeyProblem {
                    action: name.to_owned(),
                    part: KeyPart::Keys,
                    message: format!("{what} `{}` in {}", other.action.name(), other.ctx.title()),
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::{KeyChord, Keymap, Lookup};
    use super::*;

    fn overrides(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, k)| (a.to_string(), k.to_string()))
            .collect()
    }

    fn problems(pairs: &[(&str, &str)]) -> Vec<KeyProblem> {
        Keymap::with_overrides(&overrides(pairs)).1
    }

    fn key(s: &str) -> KeyChord {
        KeyChord::parse(s).unwrap()
    }

    #[test]
    fn the_defaults_have_no_collisions() {
        assert_eq!(problems(&[]), vec![]);
    }

    #[test]
    fn a_key_taken_in_the_same_context_collides() {
        let p = problems(&[("down", "k")]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].action, "down");
        assert_eq!(p[0].part, KeyPart::Keys);
        assert_eq!(p[0].message, "`k` is already bound to `up` in Lists");
    }

    #[test]
    fn a_key_taken_in_a_context_of_the_chain_collides() {
        // copy lives in Lists; y is YAML in Pods (whose chain holds Lists), and zoom is global.
        let p = problems(&[("copy", "y")]);
        assert!(
            p.iter().any(|p| p.message.contains("`yaml` in Pods")),
            "{p:?}"
        );
        let p = problems(&[("zoom", "s")]);
        assert!(
            p.iter()
                .any(|p| p.message.contains("`toggle_follow` in Logs")),
            "{p:?}"
        );
    }

    #[test]
    fn a_key_that_starts_a_sequence_collides() {
        let p = problems(&[("zoom", "g")]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].message,
            "`g` collides with `g g`, bound to `top` in Lists"
        );
    }

    #[test]
    fn two_overrides_on_one_key_are_reported_once() {
        let p = problems(&[("down", "v"), ("up", "v")]);
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn swapping_keys_and_moving_a_default_away_are_fine() {
        let (km, p) = Keymap::with_overrides(&overrides(&[("down", "k"), ("up", "j")]));
        assert_eq!(p, vec![]);
        assert_eq!(
            km.lookup(Ctx::Pods, &[], key("k")),
            Lookup::Action(Action::Down)
        );
        let (km, p) = Keymap::with_overrides(&overrides(&[("copy", "y"), ("yaml", "Y")]));
        assert_eq!(p, vec![]);
        assert_eq!(
            km.lookup(Ctx::Pods, &[], key("y")),
            Lookup::Action(Action::Copy)
        );
        // Keeping a default key that the defaults already shadow is no new collision.
        assert_eq!(problems(&[("back", "esc, backspace")]).len(), 1);
        assert_eq!(problems(&[("back", "esc, f2")]), vec![]);
    }

    #[test]
    fn unknown_actions_and_bad_keys_are_problems() {
        let p = problems(&[("cpy", "v"), ("teleport", "t"), ("up", "ctrl-nonsense")]);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0].message, "unknown action `cpy`, did you mean `copy`?");
        assert_eq!(p[0].part, KeyPart::Action);
        assert!(p[1]
            .message
            .starts_with("unknown action `teleport`; actions are "));
        assert!(p[1].message.contains("toggle_follow"), "{}", p[1].message);
        assert_eq!(p[2].part, KeyPart::Keys);
        assert!(p[2].message.contains("ctrl-nonsense"), "{}", p[2].message);
        assert_eq!(p[2].to_string(), format!("keys.up: {}", p[2].message));
    }
}
