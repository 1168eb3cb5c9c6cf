//! Text formatting shared by the panes, matching kubectl's printers.

use std::borrow::Cow;

use jiff::Timestamp;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut to at most `width` terminal columns (as `unicode-width` counts them: a CJK
/// character takes two), ending in `…` when anything was cut, so a cut always shows. Every
/// table cell that may be too wide goes through here.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::with_capacity(width + 3);
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// [`truncate`] in place.
pub fn truncate_in_place(text: &mut String, width: usize) {
    if let Cow::Owned(cut) = truncate(text, width) {
        *text = cut;
    }
}

/// kubectl's `duration.HumanDuration`: 45s, 3m20s, 15m, 5h30m, 12h, 3d4h, 40d, 2y10d, 9y.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Time since `t`, or kubectl's `<unknown>`. Whole seconds are counted toward zero, as
/// Go's `int(d.Seconds())` does: a timestamp 1.5 s ahead of the local clock (skew
/// between rkt's machine and the cluster) is kubectl's "0s", not "`<invalid>`".
pub fn age(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(t) => human_duration(now.duration_since(t).as_secs()),
        None => "<unknown>".into(),
    }
}

/// kubectl's RESTARTS column: `0`, or `3 (5m ago)` when the last restart is known.
pub fn restarts(count: u32, last: Option<Timestamp>, now: Timestamp) -> String {
    match last {
        Some(t) if count > 0 => format!("{count} ({} ago)", age(Some(t), now)),
        _ => count.to_string(),
    }
}

/// Case-insensitive (ASCII) substring search without allocating.
pub fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    // Candidate starts are found with a vectorised search for the first byte (either
    // case); only there is the rest compared. A filter pass over 100 000 rows is mostly
    // this scan.
    let (first, rest) = (n[0], &n[1..]);
    let last_start = h.len() - n.len();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &h[..=last_start]).any(|at| {
        h[at + 1..at + n.len()]
            .iter()
            .zip(rest)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// Whether `c` must not reach the terminal as it is: control characters (C0 with ESC, DEL,
/// C1), bidi embeddings, overrides, isolates and marks (they reorder what follows them, so
/// a name can read as another), zero-width characters (they hide inside a name) and the
/// Unicode line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{feff}'
        )
}

/// `text` safe to put on a terminal: every [`is_unsafe`] character (escape sequences,
/// carriage returns, C1 controls, bidi overrides, zero-width characters) becomes a visible
/// `\u{..}` escape, so `ESC ] 52 ;` reads as `\u{1b}]52;` and cannot act. Every string from
/// the cluster goes through here before it is drawn; log lines through
/// [`crate::model::logs::sanitize`], which keeps their colours.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_terminal_columns_and_ends_in_an_ellipsis() {
        assert_eq!(truncate("cozserver:3.0", 13), "cozserver:3.0");
        assert_eq!(truncate("cozserver:3.0", 12), "cozserver:3…");
        assert_eq!(truncate("2 (0 open)", 8), "2 (0 op…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        // Wide characters take two columns; the cut never splits one or overflows.
        assert_eq!(truncate("日本語テキスト", 6), "日本…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        for w in 0..16 {
            assert!(truncate("日本語 text ü", w).width() <= w, "{w}");
        }
        let mut s = String::from("hello world");
        truncate_in_place(&mut s, 6);
        assert_eq!(s, "hello…");
    }

    #[test]
    fn durations_like_kubectl() {
        assert_eq!(human_duration(-5), "<invalid>");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(119), "119s");
        assert_eq!(human_duration(200), "3m20s");
        assert_eq!(human_duration(300), "5m");
        assert_eq!(human_duration(15 * 60 + 7), "15m");
        assert_eq!(human_duration(5 * 3600 + 30 * 60), "5h30m");
        assert_eq!(human_duration(12 * 3600), "12h");
        assert_eq!(human_duration(3 * 86400 + 4 * 3600), "3d4h");
        assert_eq!(human_duration(40 * 86400), "40d");
        assert_eq!(human_duration((365 * 2 + 10) * 86400), "2y10d");
        assert_eq!(human_duration(365 * 9 * 86400), "9y");
    }

    #[test]
    fn ages_count_whole_seconds_toward_zero() {
        let t: Timestamp = "2026-01-01T00:00:10Z".parse().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(age(Some(t), at("2026-01-01T00:00:11.9Z")), "1s");
        assert_eq!(age(Some(t), at("2026-01-01T00:00:08.5Z")), "0s");
        assert_eq!(age(Some(t), at("2026-01-01T00:00:07.5Z")), "<invalid>");
        assert_eq!(age(None, t), "<unknown>");
    }
}
