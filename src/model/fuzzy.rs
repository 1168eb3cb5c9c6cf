//! Fuzzy matching for the command palette: the typed letters in order, anywhere in a name
//! (`dpl` finds `deployments`), ranked so the likeliest name comes first.

/// How well `name` answers `typed`; lower is better, `None` when it does not match.
/// A whole name beats a prefix, a prefix beats a run inside the name, which beats letters
/// spread out; among equals, a shorter name and an earlier, tighter match win.
pub fn score(typed: &str, name: &str) -> Option<u32> {
    let typed = typed.to_lowercase();
    let lower = name.to_lowercase();
    if typed.is_empty() {
        return Some(3_000 + len(&lower));
    }
    if lower == typed {
        return Some(0);
    }
    if lower.starts_with(&typed) {
        return Some(1_000 + len(&lower));
    }
    if let Some(at) = lower.find(&typed) {
        return Some(2_000 + at as u32 * 10 + len(&lower));
    }
    // Letters in order: the span they cover, so `dep` in `daemonsets-eph…` ranks low.
    let mut chars = lower.char_indices();
    let mut first = None;
    let mut last = 0;
    for wanted in typed.chars() {
        let (i, _) = chars.find(|(_, c)| *c == wanted)?;
        first.get_or_insert(i);
        last = i;
    }
    let span = (last - first.unwrap_or(0)) as u32;
    Some(4_000 + span * 10 + len(&lower))
}

fn len(s: &str) -> u32 {
    s.chars().count().min(999) as u32
}

/// The names that match `typed`, best first (ties alphabetical), at most `limit`.
pub fn rank<'a>(typed: &str, names: impl Iterator<Item = &'a str>, limit: usize) -> Vec<&'a str> {
    let mut scored: Vec<(u32, &str)> = names
        .filter_map(|n| score(typed, n).map(|s| (s, n)))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_match_and_closer_kinds_of_match_rank_first() {
        assert_eq!(score("dpl", "deployments").map(|s| s >= 4_000), Some(true));
        assert_eq!(score("xyz", "deployments"), None);
        assert_eq!(score("ldp", "deployments"), None, "order matters");
        let names = [
            "deployments",
            "deploy",
            "poddisruptionbudgets",
            "pods",
            "po",
            "daemonsets",
            "replicasets",
        ];
        assert_eq!(
            rank("po", names.iter().copied(), 3),
            ["po", "pods", "poddisruptionbudgets"]
        );
        assert_eq!(
            rank("DEP", names.iter().copied(), 2),
            ["deploy", "deployments"]
        );
        // A run inside the name beats letters spread out.
        assert_eq!(
            rank("sets", names.iter().copied(), 2),
            ["daemonsets", "replicasets"]
        );
        assert_eq!(
            rank("dpl", names.iter().copied(), 5),
            ["deploy", "deployments"]
        );
    }
}
