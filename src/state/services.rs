//! The Services view (`:svc`): a live table of service rows.

use std::cmp::Ordering;

use crate::action::Action;
use crate::model::filter::Matcher;
use crate::model::rows::RowKey;
use crate::model::services::ServiceRow;
use crate::state::table::{then_by_name, ResourceTable, Sort, TableRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceColumn {
    Namespace,
    Name,
    Type,
    Age,
}

impl ServiceColumn {
    pub fn from_sort_action(action: Action) -> Option<ServiceColumn> {
        match action {
            Action::SortName => Some(ServiceColumn::Name),
            Action::SortNamespace => Some(ServiceColumn::Namespace),
            Action::SortStatus => Some(ServiceColumn::Type),
            Action::SortAge => Some(ServiceColumn::Age),
            _ => None,
        }
    }
}

pub type ServiceTable = ResourceTable<ServiceRow>;

pub fn new_table() -> ServiceTable {
    ResourceTable::new(Sort {
        column: ServiceColumn::Name,
        descending: false,
    })
}

impl TableRow for ServiceRow {
    type Column = ServiceColumn;

    fn key(&self) -> RowKey {
        RowKey::of(&self.namespace, &self.name)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        m.is_match(&self.name)
            || m.is_match(&self.namespace)
            || m.is_match(&self.type_)
            || m.is_match(&self.ports)
    }

    fn cmp_by(&self, other: &Self, column: ServiceColumn) -> Ordering {
        let primary = match column {
            ServiceColumn::Namespace => self.namespace.cmp(&other.namespace),
            ServiceColumn::Name => Ordering::Equal,
            ServiceColumn::Type => self.type_.cmp(&other.type_),
            // Youngest first, like the other views.
            ServiceColumn::Age => other.created.cmp(&self.created),
        };
        then_by_name(
            primary,
            (&*self.name, &*self.namespace),
            (&*other.name, &*other.namespace),
        )
    }
}
