//! The `:` command line as a palette: while a word is typed, the commands, kinds and
//! namespaces it fuzzily matches are listed, best first; `up`/`down` choose one, `tab` takes
//! it into the line, `enter` takes it and runs the line.

use crate::model::fuzzy;
use crate::state::prompt::{self, Prompt};
use crate::state::AppState;

/// Most suggestions listed at once.
pub const SHOWN: usize = 8;

/// Names that may be typed now, for the palette and completion.
struct Names {
    namespaces: Vec<String>,
    kinds: Vec<String>,
    contexts: Vec<String>,
}

impl Names {
    fn of(st: &AppState) -> Names {
        Names {
            namespaces: st.namespaces.rows().map(|r| r.name.to_string()).collect(),
            kinds: st.discovery.names(),
            contexts: st.contexts.names(),
        }
    }

    fn suggestions(&self, input: &str) -> Vec<String> {
        let (done, word) = prompt::split_last_word(input);
        if word.is_empty() {
            return Vec::new();
        }
        let all = prompt::choices_with(
            &done,
            self.namespaces.iter().map(String::as_str),
            &self.kinds,
            &self.contexts,
        );
        let ranked = fuzzy::rank(word, all.iter().map(String::as_str), SHOWN);
        // The word typed exactly is no suggestion.
        if ranked.len() == 1 && ranked[0] == word {
            return Vec::new();
        }
        ranked.into_iter().map(str::to_owned).collect()
    }

    /// `tab`: the line completed as before (a common prefix, a unique name, a space after a
    /// command that takes a namespace).
    fn complete(&self, input: &str) -> (String, Vec<String>) {
        prompt::complete_with(
            input,
            self.namespaces.iter().map(String::as_str),
            &self.kinds,
            &self.contexts,
        )
    }
}

/// The palette for the line as it is now; nothing chosen.
pub fn refresh(st: &mut AppState) {
    let names = Names::of(st);
    if let Some(p) = st.prompt.as_mut() {
        p.palette = names.suggestions(&p.input);
        p.chosen = None;
    }
}

/// `up`/`down`: moves the choice through the palette (from none to the first or last).
pub fn choose(st: &mut AppState, step: isize) {
    let Some(p) = st.prompt.as_mut() else {
        return;
    };
    let n = p.palette.len() as isize;
    if n == 0 {
        return;
    }
    p.chosen = Some(match p.chosen {
        None if step > 0 => 0,
        None => n as usize - 1,
        Some(at) => (at as isize + step).rem_euclid(n) as usize,
    });
}

/// `tab`: the chosen suggestion, else prefix completion, else the best suggestion.
pub fn complete(st: &mut AppState) {
    let names = Names::of(st);
    let Some(p) = st.prompt.as_mut() else {
        return;
    };
    if p.chosen.is_none() {
        let (input, candidates) = names.complete(&p.input);
        if input != p.input || !candidates.is_empty() || p.palette.is_empty() {
            p.input = input;
            p.candidates = candidates;
            p.palette = names.suggestions(&p.input);
            return;
        }
    }
    take(p, p.chosen.unwrap_or(0), &names);
}

/// `enter`: a suggestion chosen with up/down replaces the word before the line runs.
pub fn take_chosen(st: &mut AppState) {
    let names = Names::of(st);
    if let Some(p) = st.prompt.as_mut() {
        if let Some(at) = p.chosen {
            take(p, at, &names);
            p.input = p.input.trim_end().to_string();
        }
    }
}

/// Puts suggestion `at` in place of the word being typed (completed as `tab` would).
fn take(p: &mut Prompt, at: usize, names: &Names) {
    let Some(chosen) = p.palette.get(at).cloned() else {
        return;
    };
    let (done, _) = prompt::split_last_word(&p.input);
    let mut line = done.join(" ");
    if !line.is_empty() {
        line.push(' ');
    }
    line.push_str(&chosen);
    let (completed, _) = names.complete(&line);
    p.input = completed;
    p.candidates.clear();
    p.palette = names.suggestions(&p.input);
    p.chosen = None;
}
