//! The generic view: any kind discovery lists, as the server's own table (kubectl's
//! columns), live. Typed views (pods, workloads, services) stay for the kinds with their
//! own actions; everything else is shown here with YAML, describe, delete and copy.

pub mod command;

use std::cmp::Ordering;
use std::sync::Arc;

use crate::action::Action;
use crate::effect::{Scope, Selector, TableTarget};
use crate::model::discovery::ApiKind;
use crate::model::filter::Matcher;
use crate::model::insight::Insight;
use crate::model::objects::ObjectRef;
use crate::model::rows::{RowKey, Rows};
use crate::model::table::{TableColumns, TableRowData, Tone};
use crate::msg::WatchEvent;
use crate::state::table::{then_by_name, ResourceTable, Sort, TableRow};
use crate::state::view_table::{apply_event, ViewTable};

/// What a generic table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableSort {
    Name,
    Namespace,
    /// A server column, by index.
    Cell(u16),
    /// Events: warnings first, then by this column (Last Seen).
    WarningsThen(u16),
}

impl TableRow for TableRowData {
    type Column = TableSort;

    fn key(&self) -> RowKey {
        TableRowData::key(self)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn matches(&self, m: &Matcher) -> bool {
        TableRowData::matches(self, m)
    }

    fn cmp_by(&self, other: &Self, column: TableSort) -> Ordering {
        let primary = match column {
            TableSort::Name => Ordering::Equal,
            TableSort::Namespace => self.namespace.cmp(&other.namespace),
            TableSort::Cell(i) => self.compare_cell(other, usize::from(i)),
            TableSort::WarningsThen(i) => (other.tone == Tone::Warning)
                .cmp(&(self.tone == Tone::Warning))
                .then_with(|| self.compare_cell(other, usize::from(i))),
        };
        let ns = |r: &TableRowData| r.namespace.clone().unwrap_or_default();
        then_by_name(
            primary,
            (&*self.name, &*ns(self)),
            (&*other.name, &*ns(other)),
        )
    }
}

/// The generic view: which kind, its columns and live rows.
pub struct ResourceView {
    /// The kind shown; `None` before the first `:` naming one.
    pub api: Option<Arc<ApiKind>>,
    pub columns: TableColumns,
    pub table: ResourceTable<TableRowData>,
    /// Priority > 0 columns shown too (`kubectl get -o wide`).
    pub wide: bool,
    /// What the details region shows about the selected object (an Ingress's routes, a
    /// Node's summary), once fetched.
    pub insight: Option<(ObjectRef, Result<Insight, String>)>,
    /// The object whose insight was last asked for, and when.
    pub insight_asked: Option<(ObjectRef, jiff::Timestamp)>,
}

impl Default for ResourceView {
    fn default() -> Self {
        ResourceView {
            api: None,
            columns: TableColumns::default(),
            table: ResourceTable::new(Sort {
                column: TableSort::Name,
                descending: false,
            }),
            wide: false,
            insight: None,
            insight_asked: None,
        }
    }
}

impl ResourceView {
    /// Shows `api` from now on (the table empties; its watch is restarted by the caller).
    pub fn show(&mut self, api: Arc<ApiKind>) {
        self.api = Some(api);
        self.insight = None;
        self.insight_asked = None;
        self.columns = TableColumns::default();
        self.table.clear();
        self.table.set_sort(Sort {
            column: TableSort::Name,
            descending: false,
        });
    }

    /// The watch for the kind shown in `scope`.
    pub fn target(&self, scope: &Scope, selector: Selector) -> Option<TableTarget> {
        let api = self.api.as_ref()?;
        Some(TableTarget {
            kind: api.object.clone(),
            scope: scope.clone(),
            selector,
            watchable: api.verbs.watch,
        })
    }

    pub fn is_events(&self) -> bool {
        self.api
            .as_ref()
            .is_some_and(|a| &*a.object.plural == "events")
    }

    /// The columns shown: priority 0, and the others in wide mode.
    pub fn shown_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.columns
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| self.wide || c.priority == 0)
            .map(|(i, _)| i)
    }

    fn set_columns(&mut self, columns: TableColumns) {
        let first = self.columns.is_empty();
        self.columns = columns;
        // Events read newest first with warnings on top, once their columns are known.
        if first && self.is_events() {
            if let Some(i) = self.columns.position("Last Seen") {
                self.table.set_sort(Sort {
                    column: TableSort::WarningsThen(i as u16),
                    descending: false,
                });
            }
        }
    }

    /// The sort column after (`step` 1) or before (-1) the current one, among those shown.
    fn step_sort(&mut self, step: isize) {
        let shown: Vec<TableSort> = self
            .shown_columns()
            .map(|i| {
                if Some(i) == self.columns.name_index() {
                    TableSort::Name
                } else {
                    TableSort::Cell(i as u16)
                }
            })
            .collect();
        if shown.is_empty() {
            return;
        }
        let current = match self.table.sort().column {
            TableSort::WarningsThen(i) => TableSort::Cell(i),
            other => other,
        };
        let at = shown.iter().position(|c| *c == current);
        let next = match at {
            Some(i) => (i as isize + step).rem_euclid(shown.len() as isize) as usize,
            None => 0,
        };
        self.table.set_sort(Sort {
            column: shown[next],
            descending: false,
        });
    }

    fn age_sort(&self) -> Option<TableSort> {
        self.columns
            .columns
            .iter()
            .position(|c| c.age)
            .map(|i| TableSort::Cell(i as u16))
    }
}

/// How often the insight of the object on screen is read again.
const INSIGHT_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(5);

/// After every message: the details region of an Ingress or Node view shows the selected
/// object's insight (`model::insight`), read when the selection moves and every few
/// seconds while it stays.
pub fn follow_selection(st: &mut crate::state::AppState) -> Vec<crate::effect::Effect> {
    let view = &st.resources;
    let has_insight = view.api.as_ref().is_some_and(|a| {
        crate::model::insight::KINDS
            .iter()
            .any(|(group, kind)| a.object.is(group, kind))
    });
    if st.view != crate::state::MainView::Resources || !has_insight || st.forwards_open {
        return Vec::new();
    }
    let Some(obj) = view.selected_object() else {
        return Vec::new();
    };
    let due = match &view.insight_asked {
        Some((asked, at)) => *asked != obj || st.now.duration_since(*at) >= INSIGHT_EVERY,
        None => true,
    };
    if !due {
        return Vec::new();
    }
    if view.insight.as_ref().is_some_and(|(o, _)| *o != obj) {
        st.resources.insight = None;
    }
    st.resources.insight_asked = Some((obj.clone(), st.now));
    vec![crate::effect::Effect::Object(
        crate::model::objects::ObjectEffect::Insight(obj),
    )]
}

impl ViewTable for ResourceView {
    fn apply(&mut self, event: WatchEvent) {
        match event {
            WatchEvent::Columns(columns) => self.set_columns(columns),
            other => apply_event(&mut self.table, other, |rows| match rows {
                Rows::Table(v) => Some(v),
                _ => None,
            }),
        }
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
        self.table.clear();
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
        self.table.selected_row().map(|r| r.name.to_string())
    }
    fn selected_key(&self) -> Option<RowKey> {
        self.table.selected_row().map(TableRowData::key)
    }
    fn select(&mut self, key: &RowKey) -> bool {
        self.table.select_if_present(key)
    }
    fn selected_object(&self) -> Option<ObjectRef> {
        let api = self.api.as_ref()?;
        let row = self.table.selected_row()?;
        Some(ObjectRef {
            kind: api.object.clone(),
            namespace: row.namespace.as_deref().map(str::to_owned),
            name: row.name.to_string(),
        })
    }
    fn sort_by(&mut self, action: Action) -> bool {
        let (column, descending) = match action {
            Action::SortName => (TableSort::Name, false),
            Action::SortNamespace => (TableSort::Namespace, false),
            Action::SortAge => match self.age_sort() {
                Some(c) => (c, false),
                None => return false,
            },
            Action::SortNextColumn => {
                self.step_sort(1);
                return true;
            }
            Action::SortPrevColumn => {
                self.step_sort(-1);
                return true;
            }
            _ => return false,
        };
        self.table.toggle_sort(column, descending);
        true
    }
    fn sort_by_title(&mut self, title: &str) -> bool {
        let column = if title == "NAMESPACE" {
            TableSort::Namespace
        } else {
            match self.columns.position(title) {
                Some(i) if Some(i) == self.columns.name_index() => TableSort::Name,
                Some(i) => TableSort::Cell(i as u16),
                None => return false,
            }
        };
        self.table.toggle_sort(column, false);
        true
    }
    fn set_viewport(&mut self, rows: usize) {
        self.table.viewport = rows;
    }
    fn refresh(&mut self) {
        self.table.refresh()
    }
}

#[cfg(test)]
mod tests;
