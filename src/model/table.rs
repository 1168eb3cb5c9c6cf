//! The API server's own tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
//! the columns `kubectl get` prints, for any kind, CRDs included. A table row keeps only
//! its cells (typed, control characters made visible), its key and its creation time, so
//! the Age column ticks and a row costs little more than its text.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use crate::model::format;
use crate::model::rows::RowKey;

/// The media type that asks for a Table (falling back to plain JSON where tables are
/// not served, which the caller then reports).
pub const ACCEPT_TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// A Table list or the Table inside a watch event.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableDoc {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub column_definitions: Vec<ColumnDoc>,
    #[serde(default)]
    pub rows: Vec<RowDoc>,
    /// A plain list's objects, when the server does not serve this resource as a Table.
    #[serde(default)]
    pub items: Vec<RowObject>,
    #[serde(default)]
    pub metadata: ListMeta,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    #[serde(default)]
    pub resource_version: Option<String>,
    #[serde(default, rename = "continue")]
    pub continue_: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ColumnDoc {
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub type_: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub priority: i32,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RowDoc {
    #[serde(default)]
    pub cells: Vec<Value>,
    #[serde(default)]
    pub object: Option<RowObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RowObject {
    #[serde(default)]
    pub metadata: RowMeta,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowMeta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub resource_version: Option<String>,
    #[serde(default)]
    pub creation_timestamp: Option<String>,
}

/// A column of a server table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumn {
    /// As the server names it (`Name`, `Last Seen`); headers are shown upper case.
    pub name: Box<str>,
    /// 0 = shown by `kubectl get`; more = only with `-o wide`.
    pub priority: i32,
    /// The object's age, drawn from its creation time so that it ticks.
    pub age: bool,
}

/// The columns of one resource's table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableColumns {
    pub columns: Arc<[TableColumn]>,
}

impl TableColumns {
    pub fn from_docs(docs: &[ColumnDoc]) -> TableColumns {
        let columns = docs
            .iter()
            .map(|c| TableColumn {
                name: format::inert(&c.name).into(),
                priority: c.priority,
                age: c.name.eq_ignore_ascii_case("age") && c.format != "date",
            })
            .collect();
        TableColumns { columns }
    }

    /// What kubectl prints for a resource without a server table: name and age.
    pub fn name_and_age() -> TableColumns {
        let column = |name: &str, age| TableColumn {
            name: name.into(),
            priority: 0,
            age,
        };
        TableColumns {
            columns: vec![column("Name", false), column("Age", true)].into(),
        }
    }

    pub fn len(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Where the object's name is (kubectl's first column, format `name`).
    pub fn name_index(&self) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case("name"))
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// One cell, typed as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(Box<str>),
    Int(i64),
    Num(f64),
    /// The Age column: drawn from the row's creation time.
    Age,
    /// No value (`<none>` in kubectl).
    Empty,
}

impl Cell {
    fn from_json(v: &Value) -> Cell {
        match v {
            Value::String(s) => Cell::Text(format::inert(s).into()),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Cell::Int(i),
                None => Cell::Num(n.as_f64().unwrap_or(0.0)),
            },
            Value::Bool(b) => Cell::Text(b.to_string().into()),
            Value::Null => Cell::Empty,
            other => Cell::Text(format::inert(&other.to_string()).into()),
        }
    }

    /// Ordering that reads numbers as numbers and kubectl durations (`5m`, `3d4h`) as
    /// durations, so "Last Seen" and "Duration" sort by time.
    fn compare(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Int(a), Cell::Int(b)) => a.cmp(b),
            (Cell::Int(a), Cell::Num(b)) => (*a as f64).total_cmp(b),
            (Cell::Num(a), Cell::Int(b)) => a.total_cmp(&(*b as f64)),
            (Cell::Num(a), Cell::Num(b)) => a.total_cmp(b),
            (Cell::Text(a), Cell::Text(b)) => match (parse_duration(a), parse_duration(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => a.cmp(b),
            },
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Greater,
            (_, Cell::Empty) => Ordering::Less,
            (a, b) => a.text_sort_key().cmp(&b.text_sort_key()),
        }
    }

    fn text_sort_key(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Num(n) => Cow::Owned(n.to_string()),
            Cell::Age | Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// How a row should look: kubectl's words for trouble get colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tone {
    Normal,
    Warning,
    Bad,
}

/// A row of a server table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRowData {
    pub namespace: Option<Arc<str>>,
    pub name: Arc<str>,
    pub cells: Box<[Cell]>,
    pub created: Option<Timestamp>,
    pub tone: Tone,
}

impl TableRowData {
    pub fn key(&self) -> RowKey {
        RowKey {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// The text kubectl prints for cell `i` at `now`: an empty or null cell stays empty,
    /// as in `kubectl get` (the `<none>` it sometimes shows is the server's own text).
    pub fn text(&self, i: usize, now: Timestamp) -> Cow<'_, str> {
        match self.cells.get(i) {
            Some(Cell::Text(s)) => Cow::Borrowed(s),
            Some(Cell::Int(n)) => Cow::Owned(n.to_string()),
            Some(Cell::Num(n)) => Cow::Owned(n.to_string()),
            Some(Cell::Age) => Cow::Owned(format::age(self.created, now)),
            Some(Cell::Empty) | None => Cow::Borrowed(""),
        }
    }

    /// Compares by cell `i` (the Age column by creation time, newest last).
    pub fn compare_cell(&self, other: &Self, i: usize) -> Ordering {
        match (self.cells.get(i), other.cells.get(i)) {
            (Some(Cell::Age), Some(Cell::Age)) => other.created.cmp(&self.created),
            (Some(a), Some(b)) => a.compare(b),
            (a, b) => a.is_some().cmp(&b.is_some()),
        }
    }

    /// Whether the name, the namespace or a text cell matches.
    pub fn matches(&self, m: &crate::model::filter::Matcher) -> bool {
        m.is_match(&self.name)
            || self.namespace.as_deref().is_some_and(|ns| m.is_match(ns))
            || self.cells.iter().any(|c| match c {
                Cell::Text(s) => m.is_match(s),
                _ => false,
            })
    }
}

/// The rows of a table document, with `columns` (the document's own, or those of an
/// earlier document of the same watch: watch events after the first carry none).
pub fn rows_of(doc: &TableDoc, columns: &TableColumns) -> Vec<TableRowData> {
    let name_at = columns.name_index();
    if doc.rows.is_empty() && !doc.items.is_empty() {
        return doc.items.iter().filter_map(plain_row).collect();
    }
    doc.rows
        .iter()
        .filter_map(|row| row_of(row, columns, name_at))
        .collect()
}

/// A row of [`TableColumns::name_and_age`] from a plain list's object.
fn plain_row(object: &RowObject) -> Option<TableRowData> {
    let name = object.metadata.name.as_deref()?;
    let row = RowDoc {
        cells: vec![Value::String(name.to_string()), Value::Null],
        object: Some(object.clone()),
    };
    row_of(&row, &TableColumns::name_and_age(), Some(0))
}

fn row_of(row: &RowDoc, columns: &TableColumns, name_at: Option<usize>) -> Option<TableRowData> {
    let meta = row.object.as_ref().map(|o| &o.metadata);
    let name = meta
        .and_then(|m| m.name.clone())
        .or_else(|| name_at.and_then(|i| row.cells.get(i)?.as_str().map(str::to_owned)))?;
    let cells: Box<[Cell]> = row
        .cells
        .iter()
        .enumerate()
        .map(|(i, v)| match columns.columns.get(i) {
            Some(c) if c.age => Cell::Age,
            _ => Cell::from_json(v),
        })
        .collect();
    let tone = tone_of(&cells, columns);
    Some(TableRowData {
        namespace: meta
            .and_then(|m| m.namespace.as_deref())
            .filter(|ns| !ns.is_empty())
            .map(Arc::from),
        name: format::inert(&name).into(),
        cells,
        created: meta
            .and_then(|m| m.creation_timestamp.as_deref())
            .and_then(|t| t.parse().ok()),
        tone,
    })
}

/// Warnings (`Type: Warning`, an event) and failures (`Status: Failed`, a node `NotReady`)
/// stand out; everything else is normal.
fn tone_of(cells: &[Cell], columns: &TableColumns) -> Tone {
    let cell = |name: &str| match columns.position(name).and_then(|i| cells.get(i)) {
        Some(Cell::Text(s)) => Some(&**s),
        _ => None,
    };
    if cell("Type") == Some("Warning") {
        return Tone::Warning;
    }
    let bad = [
        "Failed",
        "Error",
        "NotReady",
        "Lost",
        "Terminating",
        "Unknown",
    ];
    match cell("Status") {
        Some(s) if bad.iter().any(|b| s.starts_with(b)) => Tone::Bad,
        Some("Pending") => Tone::Warning,
        _ => Tone::Normal,
    }
}

/// A kubectl duration (`45s`, `3m20s`, `5h30m`, `3d4h`, `2y10d`) in seconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'y' => 365 * 86_400,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    number.is_none().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> TableDoc {
        serde_json::from_value(json!({
            "kind": "Table",
            "columnDefinitions": [
                {"name": "Name", "type": "string", "format": "name", "priority": 0},
                {"name": "Data", "type": "integer", "format": "", "priority": 0},
                {"name": "Message", "type": "string", "format": "", "priority": 1},
                {"name": "Age", "type": "string", "format": "", "priority": 0},
            ],
            "rows": [
                {"cells": ["a", 3, "evil\u{1b}[31mred", "5m"], "object": {"metadata": {
                    "name": "a", "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"}}},
                {"cells": ["b", 12, "", "1d"], "object": {"metadata": {"name": "b", "namespace": "default"}}},
            ],
            "metadata": {"resourceVersion": "42"},
        }))
        .unwrap()
    }

    #[test]
    fn a_server_table_becomes_rows_with_inert_typed_cells_and_a_ticking_age() {
        let doc = doc();
        let columns = TableColumns::from_docs(&doc.column_definitions);
        let rows = rows_of(&doc, &columns);
        assert_eq!(rows.len(), 2);
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        assert_eq!(rows[0].text(1, now), "3");
        assert!(!rows[0].text(2, now).contains('\u{1b}'));
        assert_eq!(rows[0].text(3, now), "10m");
        assert_eq!(rows[1].text(2, now), "");
        // Numbers sort as numbers, not text.
        assert_eq!(rows[0].compare_cell(&rows[1], 1), Ordering::Less);
        assert_eq!(rows[0].key(), RowKey::namespaced("default", "a"));
        let m = |t: &str| crate::model::filter::Matcher::new(t).expect("not empty");
        assert!(rows[1].matches(&m("b")) && !rows[1].matches(&m("zzz")));
    }

    #[test]
    fn kubectl_durations_parse_to_seconds() {
        assert_eq!(parse_duration("45s"), Some(45));
        assert_eq!(parse_duration("3m20s"), Some(200));
        assert_eq!(parse_duration("3d4h"), Some(3 * 86_400 + 4 * 3600));
        assert_eq!(parse_duration("nginx"), None);
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("<unknown>"), None);
    }

    #[test]
    fn warnings_and_failures_have_a_tone() {
        let columns = TableColumns::from_docs(&[
            ColumnDoc {
                name: "Type".into(),
                ..Default::default()
            },
            ColumnDoc {
                name: "Status".into(),
                ..Default::default()
            },
        ]);
        let tone =
            |t: &str, s: &str| tone_of(&[Cell::Text(t.into()), Cell::Text(s.into())], &columns);
        assert_eq!(tone("Warning", ""), Tone::Warning);
        assert_eq!(tone("Normal", "NotReady"), Tone::Bad);
        assert_eq!(tone("Normal", "Ready"), Tone::Normal);
    }
}
