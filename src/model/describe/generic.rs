//! Any other kind, CRDs included, as kubectl's generic describer prints it: name, namespace,
//! labels and annotations, then every other field, sorted, as an indented `Key:  value` tree
//! with kubectl's labels (`apiVersion` → `API Version`), list items marked `- `, then events.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use serde_json::{Map, Value};

use super::text::Out;
use super::{events, meta_of};

/// Paths kubectl leaves out of the tree: shown above it, or noise.
const SKIPPED: [&str; 5] = [
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];
const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];

pub(super) fn describe(obj: &Value, events: &[Event], now: Timestamp) -> String {
    let mut out = Out::default();
    let meta = meta_of(obj);
    out.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    out.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    out.labels(0, "Labels", meta.labels.as_ref());
    out.annotations(0, "Annotations", meta.annotations.as_ref());
    if let Some(map) = obj.as_object() {
        Tree {
            out: &mut out,
            bullet: None,
        }
        .map(0, map, "");
    }
    events::section(&mut out, events, now);
    out.finish()
}

/// Writes the tree; `bullet` is the level of a list item whose first line is still to come.
struct Tree<'a> {
    out: &'a mut Out,
    bullet: Option<usize>,
}

impl Tree<'_> {
    fn line(&mut self, level: usize, text: String) {
        match self.bullet.take() {
            Some(at) => self.out.line(at, format!("- {text}")),
            None => self.out.line(level, text),
        }
    }

    fn map(&mut self, level: usize, map: &Map<String, Value>, path: &str) {
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for key in keys {
            let here = format!("{path}.{key}");
            if SKIPPED.contains(&here.as_str()) {
                continue;
            }
            let label = smart_label(key);
            match &map[key] {
                Value::Object(child) => {
                    self.line(level, format!("{label}:"));
                    self.map(level + 1, child, &here);
                }
                Value::Array(items) => {
                    self.line(level, format!("{label}:"));
                    self.list(level + 1, items, &here);
                }
                scalar => {
                    // A multi-line value continues under its first line.
                    let text = text(scalar);
                    let mut lines = text.split('\n');
                    self.line(level, format!("{label}:\t{}", lines.next().unwrap_or("")));
                    for more in lines {
                        self.out.line(0, format!("\t{more}"));
                    }
                }
            }
        }
    }

    fn list(&mut self, level: usize, items: &[Value], path: &str) {
        for item in items {
            match item {
                Value::Object(map) if !map.is_empty() => {
                    self.bullet = Some(level);
                    self.map(level + 1, map, path);
                    self.bullet = None;
                }
                Value::Array(inner) if !inner.is_empty() => {
                    self.line(level, "-".to_string());
                    self.list(level + 1, inner, path);
                }
                scalar => self.line(level, format!("- {}", text(scalar))),
            }
        }
    }
}

/// A scalar as Go's `%v` prints it.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        Value::Object(_) => "map[]".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// kubectl's `smartLabelFor`: camel case split into capitalised words, known acronyms in
/// capitals; a key with characters other than letters and `-` is kept as it is.
pub(super) fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let words: Vec<String> = camel_split(field)
        .into_iter()
        .filter(|w| w != "_")
        .map(|w| {
            if ACRONYMS.contains(&w.to_uppercase().as_str()) {
                w.to_uppercase()
            } else {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        })
        .collect();
    words.join(" ")
}

/// `github.com/fatih/camelcase.Split`: runs of one character class (lower, upper, digit,
/// other), with an upper-case run giving its last letter to a following lower-case run
/// (`PDFLoader` → `PDF`, `Loader`).
fn camel_split(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if class(runs[i][0]) == 2 && class(runs[i + 1][0]) == 1 {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}
