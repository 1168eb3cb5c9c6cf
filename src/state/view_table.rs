//! One interface over every table a pane can show, so key handling, filters, counts, watch
//! events and object actions reach "the focused table" without knowing its row type.

use crate::action::Action;
use crate::model::objects::{ObjectKind, ObjectRef};
use crate::model::rollout::rows::WorkloadRow;
use crate::model::rollout::Workload;
use crate::model::rows::{NamespaceRow, PodRow, RowKey, Rows};
use crate::model::services::ServiceRow;
use crate::msg::WatchEvent;
use crate::state::pods::PodColumn;
use crate::state::services::ServiceColumn;
use crate::state::table::{ResourceTable, TableRow};
use crate::state::workloads::WorkloadColumn;

/// What a view's rows know beyond sorting and filtering.
pub trait ViewRow: TableRow {
    /// This row type's rows in a watch batch (`None` for another kind's rows).
    fn from_rows(rows: Rows) -> Option<Vec<Self>>;
    /// The object the row shows, for delete, YAML and describe.
    fn object(&self) -> ObjectRef;
    /// The column a sort key asks for, and whether its first press sorts descending.
    fn sort_for(action: Action) -> Option<(Self::Column, bool)>;
}

/// A table as panes and key handling see it.
pub trait ViewTable {
    fn apply(&mut self, event: WatchEvent);
    fn filter(&self) -> &str;
    fn set_filter(&mut self, text: &str);
    /// (shown, total) rows.
    fn counts(&self) -> (usize, usize);
    /// Empties the table (scope or view changed); sort settings stay.
    fn clear(&mut self);
    fn move_by(&mut self, delta: isize);
    fn page(&mut self, pages: isize);
    fn select_first(&mut self);
    fn select_last(&mut self);
    fn selected_name(&self) -> Option<String>;
    fn selected_key(&self) -> Option<RowKey>;
    /// Selects the row with `key`; `false` if there is none (yet).
    fn select(&mut self, key: &RowKey) -> bool;
    fn selected_object(&self) -> Option<ObjectRef>;
    /// Sorts by the column of a sort key; `false` when the table has no such column.
    fn sort_by(&mut self, action: Action) -> bool;
    /// Sorts by the column headed `title` (a click on the header); `false` when no column
    /// of this table sorts by it.
    fn sort_by_title(&mut self, title: &str) -> bool {
        crate::state::mouse::sort_action_for_title(title).is_some_and(|a| self.sort_by(a))
    }
    /// Rows that fit on screen (for paging and scrolling).
    fn set_viewport(&mut self, rows: usize);
    /// Brings order, filter and cursor up to date before drawing.
    fn refresh(&mut self);
}

/// A watch event applied to a table whose rows `from_rows` picks out of a batch.
pub fn apply_event<R: TableRow>(
    table: &mut ResourceTable<R>,
    event: WatchEvent,
    from_rows: fn(Rows) -> Option<Vec<R>>,
) {
    match event {
        WatchEvent::Reset => table.begin_relist(),
        WatchEvent::Upsert(rows) => {
            for row in from_rows(rows).into_iter().flatten() {
                table.upsert(row);
            }
        }
        WatchEvent::Remove(keys) => {
            for key in &keys {
                table.remove(key);
            }
        }
        WatchEvent::Synced => table.end_relist(),
        WatchEvent::Error(_) | WatchEvent::Columns(_) | WatchEvent::Polling(_) => {}
    }
}

impl<R: ViewRow> ViewTable for ResourceTable<R> {
    fn apply(&mut self, event: WatchEvent) {
        apply_event(self, event, R::from_rows)
    }
    fn filter(&self) -> &str {
        ResourceTable::filter(self)
    }
    fn set_filter(&mut self, text: &str) {
        ResourceTable::set_filter(self, text)
    }
    fn counts(&self) -> (usize, usize) {
        (self.visible_len(), self.len())
    }
    fn clear(&mut self) {
        ResourceTable::clear(self)
    }
    fn move_by(&mut self, delta: isize) {
        ResourceTable::move_by(self, delta)
    }
    fn page(&mut self, pages: isize) {
        ResourceTable::page(self, pages)
    }
    fn select_first(&mut self) {
        ResourceTable::select_first(self)
    }
    fn select_last(&mut self) {
        ResourceTable::select_last(self)
    }
    fn selected_name(&self) -> Option<String> {
        self.selected_row().map(|r| r.name().to_string())
    }
    fn selected_object(&self) -> Option<ObjectRef> {
        self.selected_row().map(ViewRow::object)
    }
    fn selected_key(&self) -> Option<RowKey> {
        self.selected_row().map(TableRow::key)
    }
    fn select(&mut self, key: &RowKey) -> bool {
        self.select_if_present(key)
    }
    fn sort_by(&mut self, action: Action) -> bool {
        match R::sort_for(action) {
            Some((column, descending)) => {
                self.toggle_sort(column, descending);
                true
            }
            None => false,
        }
    }
    fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows;
    }
    fn refresh(&mut self) {
        ResourceTable::refresh(self)
    }
}

fn namespaced(kind: ObjectKind, namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind,
        namespace: Some(namespace.to_string()),
        name: name.to_string(),
    }
}

impl ViewRow for PodRow {
    fn from_rows(rows: Rows) -> Option<Vec<Self>> {
        match rows {
            Rows::Pods(v) => Some(v),
            _ => None,
        }
    }
    fn object(&self) -> ObjectRef {
        namespaced(ObjectKind::pod(), &self.namespace, &self.name)
    }
    fn sort_for(action: Action) -> Option<(PodColumn, bool)> {
        PodColumn::from_sort_action(action).map(|c| (c, c.default_descending()))
    }
}

impl ViewRow for ServiceRow {
    fn from_rows(rows: Rows) -> Option<Vec<Self>> {
        match rows {
            Rows::Services(v) => Some(v),
            _ => None,
        }
    }
    fn object(&self) -> ObjectRef {
        namespaced(ObjectKind::service(), &self.namespace, &self.name)
    }
    fn sort_for(action: Action) -> Option<(ServiceColumn, bool)> {
        ServiceColumn::from_sort_action(action).map(|c| (c, c == ServiceColumn::Age))
    }
}

impl ViewRow for WorkloadRow {
    fn from_rows(rows: Rows) -> Option<Vec<Self>> {
        match rows {
            Rows::Workloads(v) => Some(v),
            _ => None,
        }
    }
    fn object(&self) -> ObjectRef {
        let kind = match self.kind {
            Workload::Deployment => ObjectKind::deployment(),
            Workload::StatefulSet => ObjectKind::statefulset(),
            Workload::DaemonSet => ObjectKind::daemonset(),
        };
        namespaced(kind, &self.namespace, &self.name)
    }
    fn sort_for(action: Action) -> Option<(WorkloadColumn, bool)> {
        WorkloadColumn::from_sort_action(action).map(|c| (c, false))
    }
}

impl ViewRow for NamespaceRow {
    fn from_rows(rows: Rows) -> Option<Vec<Self>> {
        match rows {
            Rows::Namespaces(v) => Some(v),
            _ => None,
        }
    }
    fn object(&self) -> ObjectRef {
        ObjectRef {
            kind: ObjectKind::namespace(),
            namespace: None,
            name: self.name.to_string(),
        }
    }
    fn sort_for(_: Action) -> Option<(crate::state::namespaces::NamespaceColumn, bool)> {
        None
    }
}
