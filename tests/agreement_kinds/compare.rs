//! Comparing rkt's rows with kubectl's, cell by cell, with the rule for the columns
//! whose text the server computes from the clock at the moment it answers.

use std::collections::BTreeMap;

/// Columns the server prints as "time since" at the instant it answers, which rkt shows
/// as the server's text of its own (earlier) list: a CronJob's LAST SCHEDULE, a Job's
/// DURATION (until it completes), an Event's LAST SEEN and FIRST SEEN. Compared loosely
/// by [`durations_agree`]. AGE is not among them: rkt computes it from the creation time,
/// so it is compared exactly, at an instant when kubectl's request was being answered.
pub const SERVER_CLOCK_COLUMNS: &[&str] = &["LAST SCHEDULE", "DURATION", "LAST SEEN", "FIRST SEEN"];

/// A kubectl duration (`45s`, `5m2s`, `3h5m`, `2d2h`, `2y10d`): its value in seconds and
/// the unit of its last component (the true duration lies in `value .. value + unit`).
/// Written here, not taken from rkt, so that the test does not judge rkt by rkt.
pub fn kubectl_duration(text: &str) -> Option<(i64, i64)> {
    let mut total = 0i64;
    let mut number: Option<i64> = None;
    let mut unit = 0;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(number.unwrap_or(0) * 10 + i64::from(d));
            continue;
        }
        unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'y' => 365 * 86_400,
            _ => return None,
        };
        total += number.take()? * unit;
    }
    (number.is_none() && unit > 0).then_some((total, unit))
}

/// Whether `earlier` (the server's text at rkt's list) and `later` (at kubectl's request,
/// at most `elapsed` seconds after) can be the same clock-relative duration: equal text, or
/// both kubectl durations whose true values, given each text's precision, can differ by
/// 0 ..= elapsed + 1 seconds (whole seconds truncate on both sides).
pub fn durations_agree(earlier: &str, later: &str, elapsed: i64) -> bool {
    if earlier == later {
        return true;
    }
    let (Some((a, ga)), Some((b, gb))) = (kubectl_duration(earlier), kubectl_duration(later))
    else {
        return false;
    };
    // Some d1 in [a, a+ga) and d2 in [b, b+gb) with 0 <= d2 - d1 <= elapsed + 1.
    b + gb > a && b - (a + ga - 1) <= elapsed + 1
}

/// One kind's table as each side shows it: headers and rows of cells.
pub struct Side<'a> {
    pub headers: &'a [String],
    pub rows: &'a [Vec<String>],
}

/// Every difference between rkt's rows and kubectl's (headers are compared by the caller):
/// the same rows must appear on both sides, equal in every column except the
/// [`SERVER_CLOCK_COLUMNS`], which must pass [`durations_agree`]. Rows are matched on all
/// other columns (events have no NAME column), as multisets.
pub fn row_differences(rkt: &Side, kubectl: &Side, elapsed: i64) -> Vec<String> {
    let loose: Vec<bool> = rkt
        .headers
        .iter()
        .map(|h| SERVER_CLOCK_COLUMNS.contains(&h.as_str()))
        .collect();
    let ours = group(rkt.rows, &loose);
    let theirs = group(kubectl.rows, &loose);
    let mut out = Vec::new();
    let mut unmatched_ours: Vec<String> = Vec::new();
    let mut unmatched_theirs: Vec<String> = Vec::new();
    let show = |exact: &[&str], clock: &[&str]| -> String {
        let (mut e, mut c) = (exact.iter(), clock.iter());
        loose
            .iter()
            .map(|l| {
                let cell = if *l { c.next() } else { e.next() };
                format!("{:?}", cell.copied().unwrap_or(""))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (exact, clocks) in &ours {
        let Some(their_clocks) = theirs.get(exact) else {
            unmatched_ours.extend(clocks.iter().map(|c| show(exact, c)));
            continue;
        };
        for (i, clock) in clocks.iter().enumerate() {
            let Some(their_clock) = their_clocks.get(i) else {
                unmatched_ours.push(show(exact, clock));
                continue;
            };
            let cols = rkt.headers.iter().zip(&loose).filter(|(_, l)| **l);
            for ((h, _), (a, b)) in cols.zip(clock.iter().zip(their_clock)) {
                if !durations_agree(a, b, elapsed) {
                    out.push(format!(
                        "row {}: {h}: rkt {a:?}, kubectl {b:?} (not the same time {elapsed}s apart)",
                        show(exact, clock)
                    ));
                }
            }
        }
        for clock in their_clocks.iter().skip(clocks.len()) {
            unmatched_theirs.push(show(exact, clock));
        }
    }
    for (exact, clocks) in &theirs {
        if !ours.contains_key(exact) {
            unmatched_theirs.extend(clocks.iter().map(|c| show(exact, c)));
        }
    }
    out.extend(
        unmatched_ours
            .iter()
            .map(|r| format!("row only in rkt:     {r}")),
    );
    out.extend(
        unmatched_theirs
            .iter()
            .map(|r| format!("row only in kubectl: {r}")),
    );
    out.extend(cell_differences(rkt, kubectl));
    out
}

/// Rows by their exact cells; for each, the clock cells of every such row, shortest first.
type Groups<'r> = BTreeMap<Vec<&'r str>, Vec<Vec<&'r str>>>;

fn group<'r>(rows: &'r [Vec<String>], loose: &[bool]) -> Groups<'r> {
    let mut groups: Groups = BTreeMap::new();
    for row in rows {
        let (mut exact, mut clock) = (Vec::new(), Vec::new());
        for (cell, l) in row.iter().zip(loose) {
            if *l {
                clock.push(cell.as_str());
            } else {
                exact.push(cell.as_str());
            }
        }
        groups.entry(exact).or_default().push(clock);
    }
    for clocks in groups.values_mut() {
        clocks.sort_by_key(|c| {
            c.iter()
                .map(|t| kubectl_duration(t).map_or(-1, |d| d.0))
                .collect::<Vec<_>>()
        });
    }
    groups
}

/// For rows that differ, the differing cells of the rows with the same NAMESPACE and
/// NAME on both sides: the precise form of a disagreement.
fn cell_differences(rkt: &Side, kubectl: &Side) -> Vec<String> {
    let at = |name: &str| rkt.headers.iter().position(|h| h == name);
    let Some(name) = at("NAME") else {
        return Vec::new();
    };
    let ns = at("NAMESPACE");
    let key = |row: &Vec<String>| (ns.map(|i| row[i].clone()), row[name].clone());
    let theirs: BTreeMap<_, _> = kubectl.rows.iter().map(|r| (key(r), r)).collect();
    let mut out = Vec::new();
    for row in rkt.rows {
        let Some(their) = theirs.get(&key(row)) else {
            continue;
        };
        for ((h, a), b) in rkt.headers.iter().zip(row).zip(their.iter()) {
            if a != b && !SERVER_CLOCK_COLUMNS.contains(&h.as_str()) {
                let (ns, n) = key(row);
                out.push(format!(
                    "{}{n} {h}: rkt {a:?}, kubectl {b:?}",
                    ns.map(|ns| format!("{ns}/")).unwrap_or_default()
                ));
            }
        }
    }
    out
}

#[test]
fn kubectl_durations_read_with_their_precision() {
    assert_eq!(kubectl_duration("45s"), Some((45, 1)));
    assert_eq!(kubectl_duration("5m2s"), Some((302, 1)));
    assert_eq!(kubectl_duration("137m"), Some((137 * 60, 60)));
    assert_eq!(kubectl_duration("3h5m"), Some((3 * 3600 + 300, 60)));
    assert_eq!(kubectl_duration("2d2h"), Some((2 * 86_400 + 7200, 3600)));
    assert_eq!(kubectl_duration("<none>"), None);
    assert_eq!(kubectl_duration("5"), None);
    assert_eq!(kubectl_duration(""), None);
}

#[test]
fn clock_columns_agree_only_when_the_same_instant_fits_between_the_reads() {
    assert!(durations_agree("<none>", "<none>", 0));
    assert!(durations_agree("4m31s", "4m32s", 0));
    assert!(durations_agree("4m31s", "4m33s", 1));
    assert!(!durations_agree("4m31s", "4m35s", 1));
    // Time does not run backwards.
    assert!(!durations_agree("4m31s", "4m30s", 5));
    assert!(durations_agree("9m59s", "10m", 0));
    assert!(durations_agree("137m", "137m", 0));
    assert!(!durations_agree("137m", "139m", 5));
    assert!(!durations_agree("4m31s", "<none>", 5));
}

#[test]
fn rows_are_matched_on_their_exact_cells_and_clock_cells_compared_loosely() {
    let headers: Vec<String> = ["NAMESPACE", "NAME", "LAST SCHEDULE", "AGE"]
        .map(String::from)
        .to_vec();
    let row = |cells: [&str; 4]| cells.map(String::from).to_vec();
    let rkt = vec![row(["default", "hello", "4m31s", "137m"])];
    let same = vec![row(["default", "hello", "4m32s", "137m"])];
    let later = vec![row(["default", "hello", "9m", "137m"])];
    let other = vec![row(["default", "hello", "4m31s", "138m"])];
    let side = |rows| Side {
        headers: &headers,
        rows,
    };
    assert!(row_differences(&side(&rkt), &side(&same), 1).is_empty());
    assert_eq!(row_differences(&side(&rkt), &side(&later), 1).len(), 1);
    let diffs = row_differences(&side(&rkt), &side(&other), 1);
    assert!(
        diffs
            .iter()
            .any(|d| d == "default/hello AGE: rkt \"137m\", kubectl \"138m\""),
        "{diffs:?}"
    );
}
