//! The Helm view (`:helm`): releases as `helm list` shows them, and one release's history
//! as `helm history` does, both live from one watch of the release records. The records are
//! kept as compact rows; the table shows the latest revision of each release, or every
//! revision of the release whose history is open. [`app`] connects it to keys and effects.

pub mod app;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::action::Action;
use crate::model::filter::Matcher;
use crate::model::helm::rows::ReleaseRecord;
use crate::model::helm::ReleaseRef;
use crate::model::objects::{ObjectKind, ObjectRef};
use crate::model::rows::{RowKey, Rows};
use crate::msg::WatchEvent;
use crate::state::table::{then_by_name, ResourceTable, Sort, TableRow};
use crate::state::view_table::ViewTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelmColumn {
    Namespace,
    Name,
    Revision,
    Updated,
    Status,
}

/// A row of the table: a release (its latest revision) or, in a history, one revision.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseRow {
    pub rec: ReleaseRecord,
    /// In a history the rows are revisions, keyed by record; in the list, releases.
    per_revision: bool,
}

impl ReleaseRow {
    pub fn release(&self) -> ReleaseRef {
        ReleaseRef::new(&self.rec.namespace, &self.rec.name)
    }
}

impl TableRow for ReleaseRow {
    type Column = HelmColumn;

    fn key(&self) -> RowKey {
        if self.per_revision {
            self.rec.key()
        } else {
            RowKey::of(&self.rec.namespace, &self.rec.name)
        }
    }

    fn name(&self) -> &str {
        &self.rec.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        let r = &self.rec;
        [
            &r.name,
            &r.namespace,
            &r.status,
            &r.chart,
            &r.app_version,
            &r.description,
        ]
        .iter()
        .any(|s| m.is_match(s))
    }

    fn cmp_by(&self, other: &Self, column: HelmColumn) -> Ordering {
        let (a, b) = (&self.rec, &other.rec);
        let primary = match column {
            HelmColumn::Namespace => a.namespace.cmp(&b.namespace),
            HelmColumn::Name => Ordering::Equal,
            HelmColumn::Revision => a.revision.cmp(&b.revision),
            HelmColumn::Updated => a.updated.cmp(&b.updated),
            HelmColumn::Status => a.status.cmp(&b.status),
        };
        then_by_name(primary, (&a.name, &a.namespace), (&b.name, &b.namespace))
            .then(a.revision.cmp(&b.revision))
    }
}

fn sort_for(action: Action) -> Option<(HelmColumn, bool)> {
    match action {
        Action::SortName => Some((HelmColumn::Name, false)),
        Action::SortNamespace => Some((HelmColumn::Namespace, false)),
        Action::SortStatus => Some((HelmColumn::Status, false)),
        Action::SortAge => Some((HelmColumn::Updated, true)),
        _ => None,
    }
}

const LIST_SORT: Sort<HelmColumn> = Sort {
    column: HelmColumn::Name,
    descending: false,
};
/// Newest first, as the rollout history.
const HISTORY_SORT: Sort<HelmColumn> = Sort {
    column: HelmColumn::Revision,
    descending: true,
};

/// The Helm view's rows: every record the watch has sent, and the table shown.
#[derive(Debug, Clone)]
pub struct HelmView {
    records: HashMap<RowKey, ReleaseRecord>,
    /// Records seen since a relist began (`None` when no relist is under way).
    relist: Option<HashSet<RowKey>>,
    pub table: ResourceTable<ReleaseRow>,
    /// The release whose history is shown, and the list row to come back to.
    history: Option<(ReleaseRef, Option<RowKey>)>,
}

impl Default for HelmView {
    fn default() -> Self {
        HelmView {
            records: HashMap::new(),
            relist: None,
            table: ResourceTable::new(LIST_SORT),
            history: None,
        }
    }
}

impl HelmView {
    /// The release whose history is open.
    pub fn history(&self) -> Option<&ReleaseRef> {
        self.history.as_ref().map(|(r, _)| r)
    }

    pub fn selected(&self) -> Option<&ReleaseRow> {
        self.table.selected_row()
    }

    /// The highest revision of `release` among the records.
    pub fn latest(&self, release: &ReleaseRef) -> Option<i64> {
        self.of(release).map(|r| r.revision).max()
    }

    fn of<'a>(&'a self, release: &'a ReleaseRef) -> impl Iterator<Item = &'a ReleaseRecord> {
        self.records
            .values()
            .filter(|r| *r.namespace == release.namespace && *r.name == release.name)
    }

    /// Shows `release`'s revisions, newest first.
    pub fn open_history(&mut self, release: ReleaseRef) {
        let back = self.table.selected_row().map(TableRow::key);
        self.history = Some((release, back));
        self.table.clear();
        self.table.set_sort(HISTORY_SORT);
        self.rebuild();
        self.table.select_first();
    }

    /// Back to the list, on the release the history was opened from.
    pub fn close_history(&mut self) {
        let Some((_, back)) = self.history.take() else {
            return;
        };
        self.table.clear();
        self.table.set_sort(LIST_SORT);
        self.rebuild();
        if let Some(key) = back {
            self.table.select_key(&key);
        }
    }

    /// The table's rows from the records: the latest revision of each release, or the
    /// revisions of the open history. Rows keep their keys, so the cursor stays put.
    fn rebuild(&mut self) {
        let rows: Vec<ReleaseRow> = match &self.history {
            Some((release, _)) => self
                .of(release)
                .map(|rec| ReleaseRow {
                    rec: rec.clone(),
                    per_revision: true,
                })
                .collect(),
            None => {
                let mut latest: HashMap<(&str, &str), &ReleaseRecord> = HashMap::new();
                for rec in self.records.values() {
                    let slot = latest.entry((&rec.namespace, &rec.name)).or_insert(rec);
                    if rec.revision > slot.revision {
                        *slot = rec;
                    }
                }
                latest
                    .into_values()
                    .map(|rec| ReleaseRow {
                        rec: rec.clone(),
                        per_revision: false,
                    })
                    .collect()
            }
        };
        self.table.begin_relist();
        for row in rows {
            self.table.upsert(row);
        }
        self.table.end_relist();
    }

    fn apply_records(&mut self, event: WatchEvent) {
        match event {
            WatchEvent::Reset => self.relist = Some(HashSet::new()),
            WatchEvent::Upsert(Rows::HelmReleases(rows)) => {
                for rec in rows {
                    let key = rec.key();
                    if let Some(seen) = self.relist.as_mut() {
                        seen.insert(key.clone());
                    }
                    self.records.insert(key, rec);
                }
            }
            WatchEvent::Remove(keys) => {
                for key in &keys {
                    self.records.remove(key);
                }
            }
            WatchEvent::Synced => {
                if let Some(seen) = self.relist.take() {
                    self.records.retain(|k, _| seen.contains(k));
                }
            }
            _ => {}
        }
    }
}

impl ViewTable for HelmView {
    fn apply(&mut self, event: WatchEvent) {
        self.apply_records(event);
        self.rebuild();
    }
    fn filter(&self) -> &str {
        self.table.filter()
    }
    fn set_filter(&mut self, text: &str) {
        self.table.set_filter(text)
    }
    fn counts(&self) -> (usize, usize) {
        (self.table.visible_len(), self.table.len())
    }
    fn clear(&mut self) {
        self.records.clear();
        self.relist = None;
        self.history = None;
        self.table.clear();
        self.table.set_sort(LIST_SORT);
    }
    fn move_by(&mut self, delta: isize) {
        self.table.move_by(delta)
    }
    fn page(&mut self, pages: isize) {
        self.table.page(pages)
    }
    fn select_first(&mut self) {
        self.table.select_first()
    }
    fn select_last(&mut self) {
        self.table.select_last()
    }
    fn selected_name(&self) -> Option<String> {
        self.selected().map(|r| r.rec.name.to_string())
    }
    fn selected_key(&self) -> Option<RowKey> {
        self.selected().map(TableRow::key)
    }
    fn select(&mut self, key: &RowKey) -> bool {
        self.table.select_if_present(key)
    }
    /// The record (Secret) of the selected revision.
    fn selected_object(&self) -> Option<ObjectRef> {
        self.selected().map(|r| ObjectRef {
            kind: ObjectKind::new("", "v1", "Secret", "secrets", true),
            namespace: Some(r.rec.namespace.to_string()),
            name: r.rec.record.to_string(),
        })
    }
    fn sort_by(&mut self, action: Action) -> bool {
        match sort_for(action) {
            Some((column, descending)) => {
                self.table.toggle_sort(column, descending);
                true
            }
            None => false,
        }
    }
    fn set_viewport(&mut self, rows: usize) {
        self.table.viewport = rows;
    }
    fn refresh(&mut self) {
        self.table.refresh()
    }
}
