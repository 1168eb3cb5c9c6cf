//! What is wrong in a file rkt reads at startup (config, theme), and where: the line and
//! column a person opens their editor at. Any such problem stops rkt before the terminal is
//! touched, with exit code 2 (see `main.rs`).

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column in a YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl From<serde_yaml::Location> for Pos {
    fn from(l: serde_yaml::Location) -> Pos {
        Pos {
            line: l.line(),
            column: l.column(),
        }
    }
}

/// One problem: `FILE:LINE:COLUMN: message` when the file and position are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: Option<PathBuf>,
    pub pos: Option<Pos>,
    pub message: String,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            file: None,
            pos: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, pos: Option<Pos>) -> Problem {
        self.pos = pos;
        self
    }

    pub fn in_file(mut self, file: &Path) -> Problem {
        self.file = Some(file.to_path_buf());
        self
    }

    /// A serde_yaml error as a problem: its position, and its message without the
    /// " at line L column C" serde_yaml appends; an unknown field names the nearest valid one.
    pub fn from_yaml(err: &serde_yaml::Error) -> Problem {
        let pos = err.location().map(Pos::from);
        let mut message = err.to_string();
        if let Some(p) = pos {
            let suffix = format!(" at line {} column {}", p.line, p.column);
            if let Some(i) = message.find(&suffix) {
                message.replace_range(i..i + suffix.len(), "");
            }
        }
        Problem::new(suggest_for_unknown_field(&message)).at(pos)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        if let Some(p) = self.pos {
            write!(f, "{}:{}:", p.line, p.column)?;
        }
        if self.file.is_some() || self.pos.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// Everything wrong with the startup files, one `error: …` line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<Problem>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

impl From<Problem> for Invalid {
    fn from(p: Problem) -> Invalid {
        Invalid(vec![p])
    }
}

/// Rewrites serde's "unknown field `x`, expected one of `a`, `b`" into
/// "unknown field `x`, did you mean `a`?" when one valid name is close; else leaves it.
fn suggest_for_unknown_field(message: &str) -> String {
    const START: &str = "unknown field `";
    let Some(start) = message.find(START) else {
        return message.to_owned();
    };
    let after = &message[start + START.len()..];
    let Some(end) = after.find('`') else {
        return message.to_owned();
    };
    let field = &after[..end];
    // The valid names are every other backquoted word after the field.
    let expected = after[end + 1..].split('`').skip(1).step_by(2);
    match nearest(field, expected) {
        Some(best) => format!(
            "{}unknown field `{field}`, did you mean `{best}`?",
            &message[..start]
        ),
        None => message.to_owned(),
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo
/// (at most a third of the word's letters differ, and at least one may).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars, with an adjacent swap counting as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]; only the last two rows are needed.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("log_tail_line", "log_tail_lines"), 1);
        assert_eq!(edit_distance("eror", "error"), 1);
        assert_eq!(edit_distance("readonyl", "readonly"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn nearest_suggests_only_close_names() {
        let fields = [
            "theme",
            "keys",
            "log_tail_lines",
            "log_buffer_lines",
            "readonly",
        ];
        assert_eq!(nearest("log_tail_line", fields), Some("log_tail_lines"));
        assert_eq!(nearest("themes", fields), Some("theme"));
        assert_eq!(nearest("redonly", fields), Some("readonly"));
        assert_eq!(nearest("colour", fields), None);
        assert_eq!(nearest("x", fields), None);
    }

    #[test]
    fn unknown_field_messages_name_the_nearest_field() {
        assert_eq!(
            suggest_for_unknown_field(
                "unknown field `log_tail_line`, expected one of `theme`, `log_tail_lines`"
            ),
            "unknown field `log_tail_line`, did you mean `log_tail_lines`?"
        );
        assert_eq!(
            suggest_for_unknown_field("styles: unknown field `eror`, expected `error`"),
            "styles: unknown field `eror`, did you mean `error`?"
        );
        let far = "unknown field `zzz`, expected one of `theme`, `keys`";
        assert_eq!(suggest_for_unknown_field(far), far);
    }

    #[test]
    fn problems_print_file_line_and_column() {
        let p = Problem::new("bad")
            .at(Some(Pos { line: 3, column: 1 }))
            .in_file(Path::new("/tmp/c.yaml"));
        assert_eq!(p.to_string(), "/tmp/c.yaml:3:1: bad");
        assert_eq!(
            Invalid(vec![p, Problem::new("worse")]).to_string(),
            "error: /tmp/c.yaml:3:1: bad\nerror: worse"
        );
    }
}
