//! The event history that lets watches resume from an older resourceVersion, and the
//! subscriptions watches start from.

use super::*;

/// A past change as the history keeps it: the serialized versions (sharing the bytes of
/// the stored objects), not their parsed trees, which are ten times larger.
pub(super) struct Past {
    kind: EventType,
    res: Res,
    rv: u64,
    namespace: String,
    json: Bytes,
    previous: Option<(Bytes, u64)>,
}

impl Past {
    pub(super) fn of(e: &Event) -> Past {
        Past {
            kind: e.kind,
            res: e.res,
            rv: e.rv(),
            namespace: e.object.namespace().to_string(),
            json: e.object.json.clone(),
            previous: e.previous.as_ref().map(|p| (p.json.clone(), p.rv)),
        }
    }

    fn replay(&self) -> Arc<Event> {
        Arc::new(Event {
            kind: self.kind,
            res: self.res,
            object: Stored::from_json(self.json.clone(), self.rv),
            previous: self
                .previous
                .as_ref()
                .map(|(json, rv)| Stored::from_json(json.clone(), *rv)),
        })
    }

    /// Whether it belongs to a watch of `res` in `ns` (None = all namespaces).
    fn concerns(&self, res: Res, ns: Option<&str>) -> bool {
        in_scope(self.res, &self.namespace, res, ns)
    }
}

/// A watch that has started: events since the requested version, then the live feed.
pub struct Subscription {
    pub backlog: Vec<Arc<Event>>,
    pub live: broadcast::Receiver<Arc<Event>>,
    /// The store's resourceVersion when the subscription started.
    pub rv: u64,
}

impl Inner {
    /// Drops the oldest events beyond `cap`; versions before them can no longer resume.
    fn trim_history(&mut self, cap: usize) {
        while self.history.len() > cap {
            if let Some(old) = self.history.pop_front() {
                self.oldest_resumable = old.rv;
            }
        }
    }
}

impl Store {
    pub(super) fn record(
        &self,
        inner: &mut Inner,
        kind: EventType,
        res: Res,
        object: Arc<Stored>,
        previous: Option<Arc<Stored>>,
    ) {
        self.addresses.observe(
            kind,
            res,
            &object.value,
            previous.as_ref().map(|p| &p.value),
        );
        let event = Arc::new(Event {
            kind,
            res,
            object,
            previous,
        });
        let keep = inner.history_cap - 1;
        inner.trim_history(keep);
        inner.history.push_back(Past::of(&event));
        inner.feeds.retain(|feed| feed.send(event.clone()).is_ok());
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
    }

    /// Starts a watch of one type (optionally one namespace). With `since`, the events
    /// after that resourceVersion are replayed first; a version older than the history
    /// is `410 Gone`, exactly like the apiserver's "too old resource version".
    pub fn subscribe(
        &self,
        res: Res,
        ns: Option<&str>,
        since: Option<u64>,
    ) -> Result<Subscription, ApiError> {
        let inner = self.lock();
        let live = self.events.subscribe();
        let mut backlog = Vec::new();
        if let Some(since) = since {
            if since < inner.oldest_resumable.saturating_sub(1) {
                return Err(ApiError::gone(format!(
                    "too old resource version: {since} ({})",
                    inner.oldest_resumable
                )));
            }
            let start = inner.history.partition_point(|e| e.rv <= since);
            backlog.extend(
                inner
                    .history
                    .range(start..)
                    .filter(|e| e.concerns(res, ns))
                    .map(Past::replay),
            );
        }
        Ok(Subscription {
            backlog,
            live,
            rv: inner.rv,
        })
    }

    /// The objects of a type (as [`Store::list`]) and a subscription to every change after
    /// them, taken atomically: a watch that starts with the current state misses nothing.
    pub fn list_and_subscribe(
        &self,
        res: Res,
        ns: Option<&str>,
    ) -> (Vec<Arc<Stored>>, Subscription) {
        let inner = self.lock();
        let live = self.events.subscribe();
        let items = objects_in(&inner, res, ns);
        let sub = Subscription {
            backlog: Vec::new(),
            live,
            rv: inner.rv,
        };
        (items, sub)
    }

    /// Fault switch: forget the event history, so every watch resuming from an older
    /// resourceVersion gets 410 Gone.
    pub fn expire_history(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.oldest_resumable = inner.rv + 1;
    }

    /// Limits the history (tests of 410 Gone use a small one).
    pub fn set_history_capacity(&self, cap: usize) {
        let mut inner = self.lock();
        inner.history_cap = cap.max(1);
        let cap = inner.history_cap;
        inner.trim_history(cap);
    }
}

/// Whether a watch event belongs to a watch of `res` in `ns` (None = all namespaces).
pub fn event_matches(e: &Event, res: Res, ns: Option<&str>) -> bool {
    in_scope(e.res, e.object.namespace(), res, ns)
}

/// Whether an object of `obj_res` in `obj_ns` is in a watch of `res` in `ns`.
fn in_scope(obj_res: Res, obj_ns: &str, res: Res, ns: Option<&str>) -> bool {
    resources::same_type(obj_res, res)
        && match ns {
            Some(ns) if res.namespaced && !ns.is_empty() => obj_ns == ns,
            _ => true,
        }
}
