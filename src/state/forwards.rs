//! The forwards pane (`:pf`): one row per forward, live from the forward manager's
//! status snapshots, then the inactive ones (stopped, or saved for this context) to start
//! again. Pure state; the runtime owns the forwards themselves.

use crate::model::portforward::{ForwardId, ForwardSpec, ForwardState, ForwardStatus};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Forwards {
    /// In start order (ids grow).
    rows: Vec<ForwardStatus>,
    /// Not running: saved ones first, then those the user stopped, in the order they stopped.
    inactive: Vec<ForwardSpec>,
    /// Index into the live rows, then the inactive ones.
    pub selected: usize,
    /// The kubeconfig context each forward was started in (forwards outlive a switch).
    contexts: std::collections::BTreeMap<ForwardId, String>,
}

/// A row of the pane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Live(&'a ForwardStatus),
    Inactive(&'a ForwardSpec),
}

impl Entry<'_> {
    /// What starting this row again would ask for.
    pub fn spec(&self) -> ForwardSpec {
        match self {
            Entry::Live(status) => status.spec(),
            Entry::Inactive(spec) => (*spec).clone(),
        }
    }
}

impl Forwards {
    /// Takes a status snapshot. A forward the user stopped becomes an inactive row; one
    /// that ended on its own (pod gone, failed) stays so its reason can be read.
    pub fn apply(&mut self, status: ForwardStatus) {
        let pos = self.rows.binary_search_by_key(&status.id, |r| r.id);
        match (pos, &status.state) {
            (Ok(i), ForwardState::Stopped) => {
                let stopped = self.rows.remove(i);
                self.add_inactive(stopped.spec());
            }
            (Err(_), ForwardState::Stopped) => {}
            (Ok(i), _) => self.rows[i] = status,
            (Err(i), _) => {
                // Running again: no longer an inactive row.
                let spec = status.spec();
                self.inactive.retain(|s| *s != spec);
                self.rows.insert(i, status);
            }
        }
        self.clamp();
    }

    pub fn rows(&self) -> &[ForwardStatus] {
        &self.rows
    }

    /// Live forwards (running or ended on their own).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The pane's rows: live, then inactive.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        let live = self.rows.iter().map(Entry::Live);
        live.chain(self.inactive.iter().map(Entry::Inactive))
    }

    pub fn entry_count(&self) -> usize {
        self.rows.len() + self.inactive.len()
    }

    pub fn selected_entry(&self) -> Option<Entry<'_>> {
        self.entries().nth(self.selected)
    }

    /// Lists `spec` to start again (once; not while it runs).
    pub fn add_inactive(&mut self, spec: ForwardSpec) {
        let running = self
            .rows
            .iter()
            .any(|r| !r.state.is_finished() && r.spec() == spec);
        if !running && !self.inactive.contains(&spec) {
            self.inactive.push(spec);
        }
    }

    /// A forward started: it is no longer an inactive row.
    pub fn started(&mut self, spec: &ForwardSpec) {
        self.remove_inactive(spec);
    }

    pub fn remove_inactive(&mut self, spec: &ForwardSpec) {
        self.inactive.retain(|s| s != spec);
        self.clamp();
    }

    /// Records the context a forward was started in.
    pub fn started_in(&mut self, id: ForwardId, context: &str) {
        self.contexts.insert(id, context.to_string());
    }

    /// The context a forward was started in ("" when unknown).
    pub fn context_of(&self, id: ForwardId) -> &str {
        self.contexts.get(&id).map_or("", String::as_str)
    }

    /// Forgets the rows to start again (they belong to the context being left).
    pub fn clear_inactive(&mut self) {
        self.inactive.clear();
        self.clamp();
    }

    pub fn contains(&self, id: ForwardId) -> bool {
        self.rows.iter().any(|r| r.id == id)
    }

    /// Forwards whose listener is open.
    pub fn active(&self) -> usize {
        self.rows.iter().filter(|r| !r.state.is_finished()).count()
    }

    pub fn selected(&self) -> Option<&ForwardStatus> {
        self.rows.get(self.selected)
    }

    /// Removes a row that has already ended (nothing left to stop).
    pub fn dismiss(&mut self, id: ForwardId) {
        self.rows.retain(|r| r.id != id || !r.state.is_finished());
        self.clamp();
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.entry_count().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.entry_count().saturating_sub(1);
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.entry_count().saturating_sub(1));
    }
}

/// `1.2 KiB`, `3.4 MiB`: byte counts for the pane.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::portforward::{TargetKind, TargetRef};

    fn status(id: ForwardId, state: ForwardState) -> ForwardStatus {
        ForwardStatus {
            id,
            target: TargetRef::new(TargetKind::Service, "default", "web"),
            local: ([127, 0, 0, 1], 8000 + id as u16).into(),
            remote_port: 80,
            pod: Some("web-1".into()),
            pod_port: Some(8080),
            state,
            connections: 0,
            open_connections: 0,
            bytes_in: 0,
            bytes_out: 0,
            last_error: None,
        }
    }

    #[test]
    fn statuses_upsert_in_id_order_and_user_stops_remove() {
        let mut f = Forwards::default();
        f.apply(status(2, ForwardState::Starting));
        f.apply(status(1, ForwardState::Active));
        f.apply(status(2, ForwardState::Active));
        let ids: Vec<_> = f.rows().iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(f.rows()[1].state, ForwardState::Active);
        f.bottom();
        f.apply(status(2, ForwardState::Stopped));
        assert_eq!(f.len(), 1);
        // The stopped one is an inactive row now, to start again.
        assert_eq!(f.entry_count(), 2);
        assert_eq!(
            f.selected_entry(),
            Some(Entry::Inactive(&status(2, ForwardState::Stopped).spec()))
        );
        // A late status for a stopped forward does not bring it back (or list it twice).
        f.apply(status(2, ForwardState::Stopped));
        assert_eq!((f.len(), f.entry_count()), (1, 2));
        // Started again: no longer inactive.
        f.started(&status(2, ForwardState::Stopped).spec());
        assert_eq!(f.entry_count(), 1);
        assert_eq!(f.selected, 0, "selection stays in range");
    }

    #[test]
    fn ended_forwards_stay_until_dismissed() {
        let mut f = Forwards::default();
        f.apply(status(1, ForwardState::PodGone));
        f.apply(status(2, ForwardState::Active));
        assert_eq!(f.active(), 1);
        f.dismiss(2); // still running: not dismissed
        f.dismiss(1);
        assert_eq!(f.rows().iter().map(|r| r.id).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn selection_moves_within_bounds() {
        let mut f = Forwards::default();
        f.move_by(1);
        assert_eq!(f.selected, 0);
        for id in 1..=3 {
            f.apply(status(id, ForwardState::Active));
        }
        f.move_by(5);
        assert_eq!(f.selected().map(|s| s.id), Some(3));
        f.move_by(-1);
        assert_eq!(f.selected, 1);
        f.top();
        assert_eq!(f.selected, 0);
    }

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
