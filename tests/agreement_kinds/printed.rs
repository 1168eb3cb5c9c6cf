//! `kubectl get`'s plain output read back into headers and cells.
//!
//! kubectl writes its table through a `tabwriter` with a padding of 3: every column is as
//! wide as its widest cell (header included) plus three spaces, the last one unpadded.
//! Headers are upper-cased column names with single spaces inside (`ACCESS MODES`,
//! `LAST SCHEDULE`), so a column starts where a header word follows three or more spaces.
//! Cells are then cut at those offsets (counted in characters, as tabwriter counts runes),
//! never split on whitespace: cells can hold spaces (`80, 443`, `*/5 * * * *`) or be empty.

/// A table as kubectl printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Where each column starts in the header line, in characters.
fn column_starts(header: &[char]) -> Vec<usize> {
    (0..header.len())
        .filter(|&p| {
            header[p] != ' ' && (p == 0 || (p >= 3 && header[p - 3..p].iter().all(|c| *c == ' ')))
        })
        .collect()
}

/// The text of `line` between `from` and `to` (characters), without trailing padding.
fn slice(line: &[char], from: usize, to: usize) -> String {
    let to = to.min(line.len());
    let from = from.min(to);
    line[from..to]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Parses kubectl's plain table output; `Err` says why it is not one.
pub fn parse(out: &str) -> Result<Printed, String> {
    let mut lines = out.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<char> = lines.next().ok_or("no header line")?.chars().collect();
    let starts = column_starts(&header);
    if starts.first() != Some(&0) {
        return Err(format!(
            "the header does not start at column 0: {:?}",
            header.iter().collect::<String>()
        ));
    }
    let ends: Vec<usize> = starts[1..]
        .iter()
        .copied()
        .chain(std::iter::once(usize::MAX))
        .collect();
    let headers = starts
        .iter()
        .zip(&ends)
        .map(|(&s, &e)| slice(&header, s, e))
        .collect();
    let mut rows = Vec::new();
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        // A cell running into the next column would mean the offsets are wrong.
        for &s in &starts[1..] {
            if chars.len() > s && chars[s - 1] != ' ' {
                return Err(format!(
                    "line {line:?} has no space before the column starting at {s}"
                ));
            }
        }
        rows.push(
            starts
                .iter()
                .zip(&ends)
                .map(|(&s, &e)| slice(&chars, s, e))
                .collect(),
        );
    }
    Ok(Printed { headers, rows })
}

#[test]
fn kubectl_output_is_cut_at_the_header_offsets() {
    let out = "\
NAMESPACE   NAME           SPEC           REPLICAS   ACCESS MODES   REASON   AGE
default     cache-warmer   */15 * * * *   3          RWO,ROX                 8s
default     bare                                     RWO            x        119s
";
    let printed = parse(out).unwrap();
    assert_eq!(
        printed.headers,
        [
            "NAMESPACE",
            "NAME",
            "SPEC",
            "REPLICAS",
            "ACCESS MODES",
            "REASON",
            "AGE"
        ]
    );
    assert_eq!(
        printed.rows,
        [
            vec![
                "default",
                "cache-warmer",
                "*/15 * * * *",
                "3",
                "RWO,ROX",
                "",
                "8s"
            ],
            vec!["default", "bare", "", "", "RWO", "x", "119s"],
        ]
    );
}

#[test]
fn a_cell_spilling_into_the_next_column_is_refused() {
    let out = "NAME   AGE\nlonger-name5s\n";
    assert!(parse(out).is_err());
}
