//! The `/` filter's language: a plain substring (case-insensitive), a regular expression
//! where the text is one, `!` in front for the rows that do not match, and `-l SELECTOR` /
//! `-f SELECTOR` for a label or field selector the server applies.
//!
//! A filter is parsed and (for a regular expression) compiled once per change of its text,
//! never per row: [`Matcher::is_match`] is what runs over every row.

use regex::{Regex, RegexBuilder};

use crate::model::objects::Selector;

/// What a filter text asks for.
#[derive(Debug, Clone)]
pub enum Query {
    /// Rows are matched here.
    Rows(RowFilter),
    /// `-l app=web,tier!=db`: a label selector, for the server.
    Labels(String),
    /// `-f status.phase=Running`: a field selector, for the server.
    Fields(String),
}

impl Query {
    /// Parses a filter as typed. Empty (or only `!`) is no filter.
    pub fn parse(text: &str) -> Query {
        let trimmed = text.trim_start();
        for (flag, labels) in [("-l", true), ("-f", false)] {
            if let Some(rest) = trimmed.strip_prefix(flag) {
                // `-l` alone, or `-lfoo`, is not a selector yet: typed text, matched as such.
                if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                    let selector: String = rest.split_whitespace().collect::<Vec<_>>().join("");
                    return if labels {
                        Query::Labels(selector)
                    } else {
                        Query::Fields(selector)
                    };
                }
            }
        }
        Query::Rows(RowFilter::parse(text))
    }

    /// What the server is asked to apply (empty for a filter on rows, or an empty `-l`).
    pub fn selector(&self) -> Selector {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        match self {
            Query::Rows(_) => Selector::default(),
            Query::Labels(s) => Selector {
                labels: some(s),
                fields: None,
            },
            Query::Fields(s) => Selector {
                labels: None,
                fields: some(s),
            },
        }
    }

    /// The filter rows are matched against (every row for a server-side selector).
    pub fn rows(&self) -> Option<&RowFilter> {
        match self {
            Query::Rows(f) => Some(f),
            Query::Labels(_) | Query::Fields(_) => None,
        }
    }
}

/// A filter on rows: a matcher, perhaps inverted.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// `None`: every row passes.
    pub matcher: Option<Matcher>,
    /// `!`: the rows the matcher does not match.
    pub invert: bool,
}

impl RowFilter {
    /// A filter on rows only: `!` inverts, the rest is a substring or a regular expression.
    pub fn parse(text: &str) -> RowFilter {
        let (invert, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        RowFilter {
            matcher: Matcher::new(pattern),
            invert,
        }
    }

    /// Whether `matched` (the row's fields matched by the matcher) lets the row through.
    #[inline]
    pub fn passes(&self, matched: impl FnOnce(&Matcher) -> bool) -> bool {
        match &self.matcher {
            None => true,
            Some(m) => matched(m) != self.invert,
        }
    }

    /// Not inverted and a plain substring (lower case): adding characters only removes rows.
    pub fn plain_needle(&self) -> Option<&str> {
        match (&self.matcher, self.invert) {
            (None, false) => Some(""),
            (Some(Matcher::Substring(n)), false) => Some(n),
            _ => None,
        }
    }
}

/// Matches one field of a row.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A lower-case substring, matched ignoring ASCII case.
    Substring(String),
    /// A case-insensitive regular expression.
    Regex(Regex),
}

/// Characters that make a filter a regular expression (when it compiles as one).
const REGEX_META: &[char] = &[
    '.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\',
];

/// A bound on the compiled program, so a pasted monster cannot take the memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Matcher {
    /// `None` for an empty pattern. A pattern with regex metacharacters that compiles is a
    /// regular expression; anything else (an invalid one too) is a substring.
    pub fn new(pattern: &str) -> Option<Matcher> {
        if pattern.is_empty() {
            return None;
        }
        if pattern.contains(REGEX_META) {
            if let Ok(re) = RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
            {
                return Some(Matcher::Regex(re));
            }
        }
        Some(Matcher::Substring(pattern.to_lowercase()))
    }

    #[inline]
    pub fn is_match(&self, haystack: &str) -> bool {
        match self {
            Matcher::Substring(needle) => {
                crate::model::format::contains_ignore_case(haystack, needle)
            }
            Matcher::Regex(re) => re.is_match(haystack),
        }
    }

    pub fn is_regex(&self) -> bool {
        matches!(self, Matcher::Regex(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_filter(text: &str) -> RowFilter {
        match Query::parse(text) {
            Query::Rows(f) => f,
            other => panic!("{text:?} parsed as {other:?}"),
        }
    }

    fn passes(text: &str, hay: &str) -> bool {
        row_filter(text).passes(|m| m.is_match(hay))
    }

    #[test]
    fn plain_text_is_a_case_insensitive_substring() {
        let f = row_filter("Web-1");
        assert_eq!(f.plain_needle(), Some("web-1"));
        assert!(passes("Web-1", "api-WEB-12"));
        assert!(!passes("web-1", "web-2"));
    }

    #[test]
    fn a_pattern_with_metacharacters_is_a_regex() {
        let f = row_filter("web.*0");
        assert!(f.matcher.as_ref().is_some_and(Matcher::is_regex));
        assert!(passes("web.*0", "WEB-7d9f-0"));
        assert!(!passes("web.*0", "web-7d9f-1"));
        assert!(passes("^api-\\d+$", "api-12"));
        assert!(!passes("^api-\\d+$", "x-api-12"));
    }

    #[test]
    fn an_invalid_regex_matches_literally() {
        let f = row_filter("web[");
        assert_eq!(f.plain_needle(), Some("web["));
        assert!(passes("web[", "a-web[1]"));
        assert!(!passes("web[", "web-1"));
    }

    #[test]
    fn a_leading_bang_inverts() {
        assert!(!passes("!web", "web-1"));
        assert!(passes("!web", "api-1"));
        assert!(passes("!^web", "api-web"));
        assert!(!passes("!^web", "web-api"));
        assert_eq!(row_filter("!web").plain_needle(), None);
        // `!` alone filters nothing yet.
        assert!(passes("!", "anything"));
    }

    #[test]
    fn dash_l_and_dash_f_are_server_selectors() {
        assert!(
            matches!(Query::parse("-l app=x, tier!=web"), Query::Labels(s) if s == "app=x,tier!=web")
        );
        assert!(
            matches!(Query::parse("-f status.phase=Running"), Query::Fields(s) if s == "status.phase=Running")
        );
        assert!(matches!(Query::parse("-l"), Query::Labels(s) if s.is_empty()));
        // Not a flag: a name that starts with a dash-letter.
        assert!(matches!(Query::parse("-lb"), Query::Rows(_)));
    }
}
