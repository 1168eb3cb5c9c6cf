//! Substring search over log text, smart-case: a pattern with no upper-case letter
//! matches case-insensitively, like `less`, vim's smartcase and k9s.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    /// Lower-cased pattern when matching ignores case.
    folded: Option<String>,
}

impl Pattern {
    /// `None` for an empty pattern.
    pub fn new(text: &str) -> Option<Pattern> {
        if text.is_empty() {
            return None;
        }
        let ignore_case = !text.chars().any(char::is_uppercase);
        Some(Pattern {
            text: text.to_string(),
            folded: ignore_case.then(|| text.to_lowercase()),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.find_iter(haystack).next().is_some()
    }

    /// Byte ranges of non-overlapping matches in `haystack`.
    pub fn find_iter<'a>(
        &'a self,
        haystack: &'a str,
    ) -> Box<dyn Iterator<Item = Range<usize>> + 'a> {
        match &self.folded {
            None => Box::new(
                haystack
                    .match_indices(self.text.as_str())
                    .map(|(i, m)| i..i + m.len()),
            ),
            Some(folded) if folded.is_ascii() => Box::new(AsciiFold {
                haystack: haystack.as_bytes(),
                needle: folded.as_bytes(),
                at: 0,
            }),
            Some(folded) => Box::new(unicode_fold_matches(haystack, folded).into_iter()),
        }
    }
}

/// ASCII case-insensitive search without allocating (the common case).
struct AsciiFold<'a> {
    haystack: &'a [u8],
    needle: &'a [u8],
    at: usize,
}

impl Iterator for AsciiFold<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let n = self.needle.len();
        if n == 0 {
            return None;
        }
        while self.at + n <= self.haystack.len() {
            let start = self.at;
            if self.haystack[start..start + n].eq_ignore_ascii_case(self.needle) {
                self.at = start + n;
                return Some(start..start + n);
            }
            self.at += 1;
        }
        None
    }
}

/// Case-insensitive search for non-ASCII patterns: compares lower-cased characters and maps
/// matches back to byte ranges of the original text.
fn unicode_fold_matches(haystack: &str, folded: &str) -> Vec<Range<usize>> {
    let needle: Vec<char> = folded.chars().collect();
    let hay: Vec<(usize, char)> = haystack
        .char_indices()
        .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i, l)))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()]
            .iter()
            .zip(&needle)
            .all(|((_, a), b)| a == b)
        {
            let start = hay[i].0;
            let end = hay
                .get(i + needle.len())
                .map_or(haystack.len(), |(j, _)| *j);
            if end > start && out.last().is_none_or(|r: &Range<usize>| r.end <= start) {
                out.push(start..end);
            }
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(p: &str, h: &str) -> Vec<Range<usize>> {
        Pattern::new(p)
            .map(|p| p.find_iter(h).collect())
            .unwrap_or_default()
    }

    #[test]
    fn smart_case() {
        assert_eq!(ranges("get", "GET /a get"), vec![0..3, 7..10]);
        assert_eq!(ranges("GET", "GET /a get"), vec![0..3]);
        assert!(Pattern::new("").is_none());
        assert_eq!(ranges("aa", "aaaa"), vec![0..2, 2..4]);
        assert!(Pattern::new("x").is_some_and(|p| !p.is_match("abc")));
    }

    #[test]
    fn unicode_patterns() {
        assert_eq!(ranges("größe", "GRÖSSE Größe"), vec![8..15]);
        assert_eq!(ranges("é", "É é"), vec![0..2, 3..5]);
    }
}
