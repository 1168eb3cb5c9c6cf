//! The Deployments, StatefulSets and DaemonSets views: one table of workload rows.

use std::cmp::Ordering;

use crate::action::Action;
use crate::model::filter::Matcher;
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rows::RowKey;
use crate::state::table::{then_by_name, ResourceTable, Sort, TableRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadColumn {
    Namespace,
    Name,
    Age,
}

impl WorkloadColumn {
    pub fn from_sort_action(action: Action) -> Option<WorkloadColumn> {
        match action {
            Action::SortName => Some(WorkloadColumn::Name),
            Action::SortAge => Some(WorkloadColumn::Age),
            Action::SortNamespace => Some(WorkloadColumn::Namespace),
            _ => None,
        }
    }
}

pub type WorkloadTable = ResourceTable<WorkloadRow>;

pub fn new_table() -> WorkloadTable {
    ResourceTable::new(Sort {
        column: WorkloadColumn::Name,
        descending: false,
    })
}

impl TableRow for WorkloadRow {
    type Column = WorkloadColumn;

    fn key(&self) -> RowKey {
        RowKey::of(&self.namespace, &self.name)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        m.is_match(&self.name) || m.is_match(&self.namespace) || m.is_match(&self.images)
    }

    fn cmp_by(&self, other: &Self, column: WorkloadColumn) -> Ordering {
        let primary = match column {
            WorkloadColumn::Namespace => self.namespace.cmp(&other.namespace),
            WorkloadColumn::Name => Ordering::Equal,
            // Youngest first.
            WorkloadColumn::Age => other.created.cmp(&self.created),
        };
        then_by_name(
            primary,
            (&*self.name, &*self.namespace),
            (&*other.name, &*other.namespace),
        )
    }
}
