//! A release's rendered manifest: its `---`-separated documents (each under a
//! `# Source: chart/templates/…` comment), and the line diff of two manifests that the
//! history and the rollback confirmation show.

use serde::Deserialize;
use serde_json::Value;

/// The objects of a manifest, in order (empty documents skipped).
pub fn objects(manifest: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(manifest).enumerate() {
        match Value::deserialize(doc) {
            Ok(Value::Null) => {}
            Ok(v @ Value::Object(_)) => out.push(v),
            Ok(_) => return Err(format!("manifest document {} is not an object", i + 1)),
            Err(e) => return Err(format!("manifest document {}: {e}", i + 1)),
        }
    }
    Ok(out)
}

/// Lines of context around each change.
const CONTEXT: usize = 2;
/// Past this many line pairs the diff falls back to whole-manifest removal and addition
/// (the table would not fit in memory comfortably; real manifests are far smaller).
const MAX_CELLS: usize = 4_000_000;

/// The changes that turn manifest `from` into `to`, as unified-diff-like lines: `- old`,
/// `+ new`, `  context`, and `…` between hunks. Empty when they are the same.
pub fn diff(from: &str, to: &str) -> Vec<String> {
    let a: Vec<&str> = from.lines().collect();
    let b: Vec<&str> = to.lines().collect();
    let ops = if a.len().saturating_mul(b.len()) > MAX_CELLS {
        a.iter()
            .map(|_| Op::Del)
            .chain(b.iter().map(|_| Op::Add))
            .collect()
    } else {
        edit_script(&a, &b)
    };
    if ops.iter().all(|o| *o == Op::Same) {
        return Vec::new();
    }
    // Lines of the script with their text, then keep changes and their context.
    let (mut i, mut j) = (0, 0);
    let mut lines: Vec<(Op, &str)> = Vec::with_capacity(ops.len());
    for op in &ops {
        match op {
            Op::Same => {
                lines.push((Op::Same, a[i]));
                i += 1;
                j += 1;
            }
            Op::Del => {
                lines.push((Op::Del, a[i]));
                i += 1;
            }
            Op::Add => {
                lines.push((Op::Add, b[j]));
                j += 1;
            }
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT).min(lines.len() - 1);
        lines[lo..=hi].iter().any(|(op, _)| *op != Op::Same)
    };
    let mut out = Vec::new();
    let mut skipped = false;
    for (k, (op, text)) in lines.iter().enumerate() {
        if !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped && !out.is_empty() {
            out.push("…".to_string());
        }
        skipped = false;
        let mark = match op {
            Op::Same => ' ',
            Op::Del => '-',
            Op::Add => '+',
        };
        out.push(format!("{mark} {text}"));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

/// The shortest edit script by longest common subsequence (manifests are small).
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the LCS length of a[i..] and b[j..], row-major in one vector.
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same);
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            ops.push(Op::Del);
            i += 1;
        } else {
            ops.push(Op::Add);
            j += 1;
        }
    }
    ops
}
