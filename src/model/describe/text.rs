//! kubectl's text machinery: lines indented two spaces per level whose tab-separated cells are
//! aligned as Go's `text/tabwriter` aligns them in kubectl's `tabbedString` (padding 2, spaces),
//! and the small formatters every describer shares (labels, annotations, selectors, times).

use std::collections::BTreeMap;
use std::fmt::Display;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::rollout::selector_query;

pub(super) const NONE: &str = "<none>";
pub(super) const UNSET: &str = "<unset>";

/// Annotations kubectl never shows (they repeat the whole object, Secret data included).
const SKIPPED_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];
/// kubectl's `maxAnnotationLen`.
const MAX_ANNOTATION_LEN: usize = 140;

/// Text under construction; `finish` aligns its cells.
#[derive(Default)]
pub(super) struct Out(String);

impl Out {
    /// One line at `level` (two spaces each); tabs in `text` end cells.
    pub fn line(&mut self, level: usize, text: impl AsRef<str>) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text.as_ref());
        self.0.push('\n');
    }

    /// `Label:<tab>value`.
    pub fn field(&mut self, level: usize, label: &str, value: impl Display) {
        self.line(level, format!("{label}:\t{value}"));
    }

    /// `Label:<tab>value` when there is a value.
    pub fn field_opt(&mut self, level: usize, label: &str, value: Option<impl Display>) {
        if let Some(value) = value {
            self.field(level, label, value);
        }
    }

    pub fn blank(&mut self) {
        self.0.push('\n');
    }

    /// `title:` with the first item beside it and the others aligned under it, or `<none>`
    /// (kubectl's `printLabelsMultilineWithIndent`).
    pub fn list(&mut self, level: usize, title: &str, items: &[String]) {
        match items.split_first() {
            None => self.field(level, title, NONE),
            Some((first, rest)) => {
                self.field(level, title, first);
                for item in rest {
                    self.line(0, format!("\t{item}"));
                }
            }
        }
    }

    pub fn labels(&mut self, level: usize, title: &str, map: Option<&BTreeMap<String, String>>) {
        let items: Vec<String> = map
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        self.list(level, title, &items);
    }

    /// kubectl's `printAnnotationsMultiline`: long or multi-line values go on lines of their own.
    pub fn annotations(
        &mut self,
        level: usize,
        title: &str,
        map: Option<&BTreeMap<String, String>>,
    ) {
        let items: Vec<String> = map
            .into_iter()
            .flatten()
            .filter(|(k, _)| !SKIPPED_ANNOTATIONS.contains(&k.as_str()))
            .map(|(k, v)| annotation(k, v))
            .collect();
        self.list(level, title, &items);
    }

    /// Name, Namespace, Labels and Annotations, as most describers open.
    pub fn meta(&mut self, meta: &ObjectMeta) {
        self.field(0, "Name", str_or(&meta.name, ""));
        self.field(0, "Namespace", str_or(&meta.namespace, ""));
        self.labels(0, "Labels", meta.labels.as_ref());
        self.annotations(0, "Annotations", meta.annotations.as_ref());
    }

    /// A header row, its dashes and the rows, cells separated by tabs.
    pub fn table(
        &mut self,
        level: usize,
        headers: &[&str],
        rows: impl IntoIterator<Item = String>,
    ) {
        self.line(level, headers.join("\t"));
        // kubectl's rules are at least four dashes (`Age` gets `----`).
        let dashes: Vec<String> = headers.iter().map(|h| "-".repeat(h.len().max(4))).collect();
        self.line(level, dashes.join("\t"));
        for row in rows {
            self.line(level, row);
        }
    }

    /// A `Conditions:` table (nothing when there are none): type, status, two times
    /// (the first one's header differs by kind), reason and message.
    pub fn conditions(&mut self, first_time: &str, rows: Vec<[String; 6]>) {
        if rows.is_empty() {
            return;
        }
        self.line(0, "Conditions:");
        let headers = [
            "Type",
            "Status",
            first_time,
            "LastTransitionTime",
            "Reason",
            "Message",
        ];
        self.table(1, &headers, rows.into_iter().map(|r| r.join(" \t")));
    }

    pub fn finish(self) -> String {
        align(&self.0)
    }
}

fn annotation(key: &str, value: &str) -> String {
    let value = value.strip_suffix('\n').unwrap_or(value);
    if value.len() + key.len() + 2 <= MAX_ANNOTATION_LEN && !value.contains('\n') {
        return format!("{key}: {value}");
    }
    let mut item = format!("{key}:");
    for line in value.split('\n') {
        item.push_str("\n\t  ");
        item.push_str(&shorten(line, MAX_ANNOTATION_LEN - 2));
    }
    item
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &s[..at]),
        None => s.to_string(),
    }
}

/// Go's `text/tabwriter` with kubectl's settings: a cell ends at a tab; consecutive lines that
/// have a cell in a column form a block whose cells are padded to the widest plus two. The
/// text after a line's last tab is not part of any column.
pub(super) fn align(text: &str) -> String {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<Vec<&str>> = body.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths = Vec::new();
    format_block(&lines, 0, lines.len(), &mut widths, &mut out);
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Columns aligned at most; cells past this are written unpadded. A cluster string full of
/// tabs (an annotation value) would otherwise nest one call per tab and overflow the stack.
const MAX_COLUMNS: usize = 64;

fn format_block(
    lines: &[Vec<&str>],
    mut start: usize,
    end: usize,
    widths: &mut Vec<usize>,
    out: &mut String,
) {
    let column = widths.len();
    if column >= MAX_COLUMNS {
        write_lines(&lines[start..end], widths, out);
        return;
    }
    let mut this = start;
    while this < end {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(&lines[start..this], widths, out);
        start = this;
        let mut width = 0;
        while this < end && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + 2);
            this += 1;
        }
        widths.push(width);
        format_block(lines, start, this, widths, out);
        widths.pop();
        start = this;
    }
    write_lines(&lines[start..end], widths, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], out: &mut String) {
    for line in lines {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                let width = widths.get(j).copied().unwrap_or(0);
                let pad = width.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

/// kubectl's time format (Go's RFC1123Z), in UTC.
pub(super) fn time(t: &Time) -> String {
    t.0.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

pub(super) fn time_or(t: Option<&Time>, missing: &str) -> String {
    t.map_or_else(|| missing.to_string(), time)
}

pub(super) fn str_or<'a>(s: &'a Option<String>, missing: &'a str) -> &'a str {
    s.as_deref().filter(|s| !s.is_empty()).unwrap_or(missing)
}

/// `True`/`False`, as kubectl's `printBool`.
pub(super) fn bool_word(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

pub(super) fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `k=v,k2=v2` (kubectl's `labels.FormatLabels`), `<none>` when empty.
pub(super) fn map_selector(map: Option<&BTreeMap<String, String>>) -> String {
    let parts: Vec<String> = map
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(",")
    }
}

/// A label selector as kubectl prints one (`k=v`, `k in (a,b)`, `!k`, …), `<none>` when it
/// selects nothing in particular.
pub(super) fn selector(sel: Option<&LabelSelector>) -> String {
    match sel.map(selector_query) {
        Some(query) if !query.is_empty() => query,
        _ => NONE.into(),
    }
}

/// `Kind/name` of the controlling owner.
pub(super) fn controller(meta: &ObjectMeta) -> Option<String> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| format!("{}/{}", o.kind, o.name))
}
