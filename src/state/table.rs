//! A live table of rows of one kind, built for 100k rows: rows live in slots indexed by key;
//! a sorted order and a filtered view over it are maintained incrementally (a few changed rows
//! are re-inserted by binary search; a burst re-sorts once), and only when asked to
//! (`refresh`), i.e. once per frame after the message drain.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Debug;

use crate::model::filter::{Matcher, Query, RowFilter};
use crate::model::rows::RowKey;

/// A row kind the table can hold.
pub trait TableRow: Clone {
    type Column: Copy + Eq + Debug;
    fn key(&self) -> RowKey;
    fn name(&self) -> &str;
    /// Does one of the row's fields (those the filter looks at) match?
    fn matches(&self, m: &Matcher) -> bool;
    /// Compares by `column`, breaking ties so that the order is total (name, namespace).
    fn cmp_by(&self, other: &Self, column: Self::Column) -> Ordering;
}

pub use crate::model::format::contains_ignore_case;

/// Whether `row` passes `filter`.
#[inline]
fn passes<R: TableRow>(filter: &RowFilter, row: &R) -> bool {
    filter.passes(|m| row.matches(m))
}

/// `primary`, then name, then namespace: the tie-break that makes every row order total.
pub fn then_by_name(primary: Ordering, a: (&str, &str), b: (&str, &str)) -> Ordering {
    primary.then_with(|| a.cmp(&b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

/// Selection and scroll position, kept on a row key so live updates do not move it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
    pub key: Option<RowKey>,
    /// The user moved the selection: keep it on the same row as rows come and go.
    /// Before that, the selection stays on the first row while the initial list streams in.
    pub pinned: bool,
}

#[derive(Debug, Clone)]
struct Slot<R> {
    row: R,
    /// The relist this row was last seen in.
    epoch: u32,
}

#[derive(Debug, Clone)]
pub struct ResourceTable<R: TableRow> {
    slots: Vec<Option<Slot<R>>>,
    free: Vec<u32>,
    index: HashMap<RowKey, u32>,
    /// Live slots in sort order (valid after `refresh`).
    order: Vec<u32>,
    /// Slots inserted or whose sort key changed since the last refresh.
    pending: Vec<u32>,
    removed_since_refresh: bool,
    full_resort: bool,
    /// `order` filtered (valid after `refresh`).
    visible: Vec<u32>,
    visible_stale: bool,
    /// The filter as typed (shown in the title).
    filter: String,
    /// `filter` parsed: what rows must pass (`-l`/`-f` selectors pass every row: the
    /// server applied them).
    row_filter: RowFilter,
    /// The filter `visible` was computed with.
    applied_filter: String,
    /// Its lower-case needle when it was a plain substring (or empty): a longer one then
    /// only narrows the view.
    applied_needle: Option<String>,
    sort: Sort<R::Column>,
    epoch: u32,
    relisting: bool,
    pub cursor: Cursor,
    /// Rows the pane shows at once (from the layout), for paging and scrolling.
    pub viewport: usize,
}

impl<R: TableRow> ResourceTable<R> {
    pub fn new(sort: Sort<R::Column>) -> Self {
        ResourceTable {
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::new(),
            order: Vec::new(),
            pending: Vec::new(),
            removed_since_refresh: false,
            full_resort: false,
            visible: Vec::new(),
            visible_stale: false,
            filter: String::new(),
            row_filter: RowFilter::default(),
            applied_filter: String::new(),
            applied_needle: Some(String::new()),
            sort,
            epoch: 0,
            relisting: false,
            cursor: Cursor::default(),
            viewport: 10,
        }
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Rows passing the filter (after `refresh`).
    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn sort(&self) -> Sort<R::Column> {
        self.sort
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn get(&self, key: &RowKey) -> Option<&R> {
        self.index.get(key).and_then(|&i| self.row(i))
    }

    fn row(&self, slot: u32) -> Option<&R> {
        self.slots
            .get(slot as usize)
            .and_then(|s| s.as_ref())
            .map(|s| &s.row)
    }

    /// All rows, in no particular order.
    pub fn rows(&self) -> impl Iterator<Item = &R> {
        self.slots.iter().flatten().map(|s| &s.row)
    }

    /// The `i`-th visible row.
    pub fn visible_row(&self, i: usize) -> Option<&R> {
        self.visible.get(i).and_then(|&s| self.row(s))
    }

    /// Visible rows `start..start+len`.
    pub fn visible_window(&self, start: usize, len: usize) -> impl Iterator<Item = &R> {
        let end = start.saturating_add(len).min(self.visible.len());
        let start = start.min(end);
        self.visible[start..end].iter().filter_map(|&s| self.row(s))
    }

    pub fn selected_row(&self) -> Option<&R> {
        self.visible_row(self.cursor.selected)
    }

    pub fn clear(&mut self) {
        let sort = self.sort;
        let viewport = self.viewport;
        *self = Self::new(sort);
        self.viewport = viewport;
    }

    pub fn upsert(&mut self, row: R) {
        let key = row.key();
        if let Some(&i) = self.index.get(&key) {
            let epoch = self.epoch;
            let column = self.sort.column;
            let filtering = self.row_filter.matcher.is_some();
            if let Some(slot) = self.slots.get_mut(i as usize).and_then(|s| s.as_mut()) {
                if slot.row.cmp_by(&row, column) != Ordering::Equal {
                    self.pending.push(i);
                }
                if filtering
                    && passes(&self.row_filter, &slot.row) != passes(&self.row_filter, &row)
                {
                    self.visible_stale = true;
                }
                slot.row = row;
                slot.epoch = epoch;
            }
            return;
        }
        let slot = Slot {
            row,
            epoch: self.epoch,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(key, i);
        self.pending.push(i);
    }

    pub fn remove(&mut self, key: &RowKey) {
        if let Some(i) = self.index.remove(key) {
            self.slots[i as usize] = None;
            self.free.push(i);
            self.removed_since_refresh = true;
        }
    }

    /// A (re)list starts: rows not upserted before `end_relist` will be dropped. Until then
    /// the old rows stay visible, so a reconnect does not blank the table.
    pub fn begin_relist(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        self.relisting = true;
    }

    pub fn end_relist(&mut self) {
        if !self.relisting {
            return;
        }
        self.relisting = false;
        let epoch = self.epoch;
        let gone: Vec<RowKey> = self
            .slots
            .iter()
            .flatten()
            .filter(|s| s.epoch != epoch)
            .map(|s| s.row.key())
            .collect();
        for key in gone {
            self.remove(&key);
        }
    }

    pub fn set_sort(&mut self, sort: Sort<R::Column>) {
        if sort != self.sort {
            self.sort = sort;
            self.full_resort = true;
        }
    }

    /// Sorts by `column`; choosing the current column again flips the direction.
    pub fn toggle_sort(&mut self, column: R::Column, default_descending: bool) {
        let next = if self.sort.column == column {
            Sort {
                column,
                descending: !self.sort.descending,
            }
        } else {
            Sort {
                column,
                descending: default_descending,
            }
        };
        self.set_sort(next);
    }

    /// Sets the filter as typed: parsed (and a regular expression compiled) here, once.
    pub fn set_filter(&mut self, filter: &str) {
        if filter != self.filter {
            self.filter = filter.to_string();
            self.row_filter = match Query::parse(filter) {
                Query::Rows(f) => f,
                Query::Labels(_) | Query::Fields(_) => RowFilter::default(),
            };
        }
    }

    fn compare(&self, a: u32, b: u32) -> Ordering {
        match (self.row(a), self.row(b)) {
            (Some(x), Some(y)) => {
                let o = x.cmp_by(y, self.sort.column);
                if self.sort.descending {
                    o.reverse()
                } else {
                    o
                }
            }
            _ => Ordering::Equal,
        }
    }

    fn is_live(&self, slot: u32) -> bool {
        matches!(self.slots.get(slot as usize), Some(Some(_)))
    }

    /// Brings order, filter view and cursor up to date. Cheap when nothing changed.
    pub fn refresh(&mut self) {
        let order_changed = self.refresh_order();
        self.refresh_visible(order_changed);
        self.relocate_cursor();
    }

    fn refresh_order(&mut self) -> bool {
        let live = self.index.len();
        let changed = self.full_resort || !self.pending.is_empty() || self.removed_since_refresh;
        if !changed {
            return false;
        }
        if self.full_resort || self.pending.len() > live / 2 {
            let mut order: Vec<u32> = self.index.values().copied().collect();
            order.sort_unstable_by(|&a, &b| self.compare(a, b));
            self.order = order;
        } else {
            // Sort only the changed rows and merge them into the kept order: O(n + k log k)
            // per frame, where inserting them one by one cost O(n·k) in moves.
            let mut pending = std::mem::take(&mut self.pending);
            pending.sort_unstable();
            pending.dedup();
            pending.retain(|&p| self.is_live(p));
            let mut kept = std::mem::take(&mut self.order);
            kept.retain(|s| self.is_live(*s) && pending.binary_search(s).is_err());
            pending.sort_unstable_by(|&a, &b| self.compare(a, b));
            self.order = self.merge(kept, pending);
        }
        self.pending.clear();
        self.full_resort = false;
        self.removed_since_refresh = false;
        true
    }

    /// Merges two runs sorted by `compare`.
    fn merge(&self, kept: Vec<u32>, added: Vec<u32>) -> Vec<u32> {
        match (kept.last(), added.first()) {
            (_, None) => return kept,
            (None, _) => return added,
            // Rows arriving in order (an initial list sorted like the view) just append.
            (Some(&last), Some(&first)) if self.compare(last, first) == Ordering::Less => {
                let mut kept = kept;
                kept.extend(added);
                return kept;
            }
            _ => {}
        }
        let mut out = Vec::with_capacity(kept.len() + added.len());
        let (mut a, mut b) = (kept.into_iter().peekable(), added.into_iter().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            if self.compare(y, x) == Ordering::Less {
                out.push(y);
                b.next();
            } else {
                out.push(x);
                a.next();
            }
        }
        out.extend(a);
        out.extend(b);
        out
    }

    fn refresh_visible(&mut self, order_changed: bool) {
        let filter_changed = self.filter != self.applied_filter;
        if !(order_changed || filter_changed || self.visible_stale) {
            return;
        }
        let needle = self.row_filter.plain_needle();
        let narrowed = filter_changed
            && !order_changed
            && !self.visible_stale
            && matches!((needle, self.applied_needle.as_deref()), (Some(n), Some(a)) if n.starts_with(a));
        if self.row_filter.matcher.is_none() {
            self.visible.clone_from(&self.order);
        } else if narrowed {
            // Typing one more character only ever removes rows: filter the current view.
            let mut visible = std::mem::take(&mut self.visible);
            visible.retain(|&s| self.row(s).is_some_and(|r| passes(&self.row_filter, r)));
            self.visible = visible;
        } else {
            let visible: Vec<u32> = self
                .order
                .iter()
                .copied()
                .filter(|&s| self.row(s).is_some_and(|r| passes(&self.row_filter, r)))
                .collect();
            self.visible = visible;
        }
        self.applied_needle = needle.map(str::to_string);
        self.applied_filter.clone_from(&self.filter);
        self.visible_stale = false;
    }

    fn relocate_cursor(&mut self) {
        if let (true, Some(key)) = (self.cursor.pinned, &self.cursor.key) {
            if let Some(&slot) = self.index.get(key) {
                let current = self.visible.get(self.cursor.selected).copied();
                if current != Some(slot) {
                    if let Some(pos) = self.visible.iter().position(|&s| s == slot) {
                        self.cursor.selected = pos;
                    }
                }
            }
        }
        self.clamp_cursor();
    }

    fn clamp_cursor(&mut self) {
        let len = self.visible.len();
        if len == 0 {
            self.cursor.selected = 0;
            self.cursor.offset = 0;
            self.cursor.key = None;
            return;
        }
        self.cursor.selected = self.cursor.selected.min(len - 1);
        let height = self.viewport.max(1);
        if self.cursor.selected < self.cursor.offset {
            self.cursor.offset = self.cursor.selected;
        } else if self.cursor.selected >= self.cursor.offset + height {
            self.cursor.offset = self.cursor.selected + 1 - height;
        }
        // Do not leave empty space below the last row when rows were removed.
        self.cursor.offset = self.cursor.offset.min(len.saturating_sub(height));
        self.cursor.key = self.visible_row(self.cursor.selected).map(|r| r.key());
    }

    /// Moves the selection by `delta` rows (clamped).
    pub fn move_by(&mut self, delta: isize) {
        self.refresh();
        let len = self.visible.len();
        if len == 0 {
            return;
        }
        let target = (self.cursor.selected as isize + delta).clamp(0, len as isize - 1);
        self.cursor.selected = target as usize;
        self.cursor.pinned = true;
        self.clamp_cursor();
    }

    pub fn page(&mut self, pages: isize) {
        let step = self.viewport.max(1) as isize;
        self.move_by(step * pages);
    }

    pub fn select_first(&mut self) {
        self.refresh();
        self.cursor.selected = 0;
        self.cursor.pinned = true;
        self.clamp_cursor();
    }

    pub fn select_last(&mut self) {
        self.refresh();
        self.cursor.selected = self.visible.len().saturating_sub(1);
        self.cursor.pinned = true;
        self.clamp_cursor();
    }

    /// Selects the row with `key` if it is visible.
    /// Selects the row with `key` if the table has it; `false` if not (yet).
    pub fn select_if_present(&mut self, key: &RowKey) -> bool {
        let present = self.get(key).is_some();
        if present {
            self.select_key(key);
        }
        present
    }

    pub fn select_key(&mut self, key: &RowKey) {
        self.cursor.key = Some(key.clone());
        self.cursor.pinned = true;
        self.refresh();
    }
}

#[cfg(test)]
mod tests {
    use super::contains_ignore_case;

    #[test]
    fn substring_search_ignores_ascii_case() {
        assert!(contains_ignore_case("CrashLoopBackOff", "loopb"));
        assert!(contains_ignore_case("web-7d9f", "web-7d9f"));
        assert!(contains_ignore_case("api-1-xyz", "z"));
        assert!(contains_ignore_case("anything", ""));
        assert!(!contains_ignore_case("web", "web-1"));
        assert!(!contains_ignore_case("Running", "nnn"));
        // A first-byte hit whose rest does not match, then a real one.
        assert!(contains_ignore_case("wax-web", "web"));
        assert!(contains_ignore_case("ÄPI-Web", "web"));
    }
}
