//! The pods view: its columns, sort order and filter semantics.

use std::cmp::Ordering;

use crate::action::Action;
use crate::model::filter::Matcher;
use crate::model::rows::{PodRow, RowKey};
use crate::state::table::{then_by_name, ResourceTable, Sort, TableRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PodColumn {
    Namespace,
    Name,
    Ready,
    Status,
    Restarts,
    Age,
    Ip,
    Node,
}

impl PodColumn {
    /// The sort action for each column, for key handling and the header marker.
    pub fn from_sort_action(action: Action) -> Option<PodColumn> {
        Some(match action {
            Action::SortNamespace => PodColumn::Namespace,
            Action::SortName => PodColumn::Name,
            Action::SortReady => PodColumn::Ready,
            Action::SortStatus => PodColumn::Status,
            Action::SortRestarts => PodColumn::Restarts,
            Action::SortAge => PodColumn::Age,
            Action::SortIp => PodColumn::Ip,
            Action::SortNode => PodColumn::Node,
            _ => return None,
        })
    }

    /// The first press of a numeric column sorts biggest first (most restarts).
    pub fn default_descending(self) -> bool {
        matches!(self, PodColumn::Restarts)
    }
}

pub type PodTable = ResourceTable<PodRow>;

pub fn new_table() -> PodTable {
    ResourceTable::new(Sort {
        column: PodColumn::Name,
        descending: false,
    })
}

impl TableRow for PodRow {
    type Column = PodColumn;

    fn key(&self) -> RowKey {
        PodRow::key(self)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        // Name and status, as shown; not the namespace (the pane is usually in one).
        m.is_match(&self.name) || m.is_match(&self.status)
    }

    fn cmp_by(&self, other: &Self, column: PodColumn) -> Ordering {
        let primary = match column {
            PodColumn::Namespace => self.namespace.cmp(&other.namespace),
            PodColumn::Name => Ordering::Equal,
            PodColumn::Ready => (self.ready, self.total).cmp(&(other.ready, other.total)),
            PodColumn::Status => self.status.cmp(&other.status),
            PodColumn::Restarts => self.restarts.cmp(&other.restarts),
            // Youngest first: a smaller age is a later creation time.
            PodColumn::Age => other.created.cmp(&self.created),
            PodColumn::Ip => self.ip.cmp(&other.ip),
            PodColumn::Node => self.node.cmp(&other.node),
        };
        then_by_name(
            primary,
            (&*self.name, &*self.namespace),
            (&*other.name, &*other.namespace),
        )
    }
}
