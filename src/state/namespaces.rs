//! The namespaces pane: a live list of namespaces, the current one marked.

use std::cmp::Ordering;

use crate::model::filter::Matcher;
use crate::model::rows::{NamespaceRow, RowKey};
use crate::state::table::{ResourceTable, Sort, TableRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamespaceColumn {
    Name,
}

pub type NamespaceTable = ResourceTable<NamespaceRow>;

pub fn new_table() -> NamespaceTable {
    ResourceTable::new(Sort {
        column: NamespaceColumn::Name,
        descending: false,
    })
}

impl TableRow for NamespaceRow {
    type Column = NamespaceColumn;

    fn key(&self) -> RowKey {
        NamespaceRow::key(self)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        m.is_match(&self.name)
    }

    fn cmp_by(&self, other: &Self, _column: NamespaceColumn) -> Ordering {
        self.name.cmp(&other.name)
    }
}
