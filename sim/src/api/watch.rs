//! WATCH: a chunked stream of `{"type":…,"object":…}` lines. Initial ADDED events (for a
//! watch without a resourceVersion or with `sendInitialEvents=true`), resuming from a
//! resourceVersion (410 Gone as an ERROR event when it is too old), selectors with the
//! apiserver's ADDED/DELETED transitions, bookmarks, `timeoutSeconds`, and ending when a
//! fault switch drops watches or the server stops.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::list::partial;
use super::path::Target;
use super::request::{ApiRequest, Format};
use super::selectors::Selectors;
use super::table;
use crate::error::ApiError;
use crate::resources::ResourceType;
use crate::store::{event_matches, Event, EventType, Stored};
use crate::SimState;
use crate::Store;

/// How often a watch that allows bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(2);

pub fn serve(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let selectors = Selectors::new(
        req.param("labelSelector"),
        req.param("fieldSelector"),
        t.res,
    )?;
    let timeout = match req.param("timeoutSeconds").filter(|s| !s.is_empty()) {
        Some(s) => Some(Duration::from_secs(s.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!("invalid timeoutSeconds: {s:?}"))
        })?)),
        None => None,
    };
    let since = match req
        .param("resourceVersion")
        .filter(|v| !v.is_empty() && *v != "0")
    {
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resourceVersion: {v:?}")))?,
        ),
        None => None,
    };
    let send_initial = req.flag("sendInitialEvents");
    let bookmarks = req.flag("allowWatchBookmarks");
    let ns = t.namespace.as_deref();

    let mut w = Watch {
        res: t.res,
        namespace: t.namespace.clone(),
        selectors,
        format: req.format,
        queue: VecDeque::new(),
        live: None,
        last_rv: 0,
        after: since.unwrap_or(0),
        headers_sent: false,
        epoch: st.faults.watch_epoch(),
        connection: st.faults.connection_token(),
        deadline: timeout.map(|t| Instant::now() + t),
        next_bookmark: bookmarks.then(|| Instant::now() + BOOKMARK_EVERY),
        done: false,
        fresh_wait: None,
    };
    let too_large = since.filter(|v| *v > st.store.resource_version());
    match (send_initial, since, too_large) {
        (true, _, Some(rv)) => {
            // The apiserver's watch cache first waits (up to 3 s) to be as fresh as the
            // asked version; the initial events follow then, or a Timeout error.
            w.live = Some(st.store.changes());
            w.fresh_wait = Some(FreshWait {
                store: st.store.clone(),
                rv,
                until: Instant::now() + FRESH_WAIT,
                bookmark: bookmarks,
            });
        }
        (true, _, None) | (false, None, _) => w.start_listed(&st.store, send_initial && bookmarks),
        (false, Some(since), _) => match st
            .faults
            .expired(since)
            .map_or_else(|| st.store.subscribe(t.res, ns, Some(since)), Err)
        {
            // A version the store has not reached yet (it never issued it, e.g. one from
            // a cluster that used to be at this address) is accepted, as by the
            // apiserver: events up to it are skipped and the watch goes on after it.
            Ok(sub) => {
                w.last_rv = sub.rv.max(since);
                w.live = Some(sub.live);
                for event in &sub.backlog {
                    w.push_event(event);
                }
            }
            Err(gone) => {
                // The apiserver answers 200 and a single ERROR event carrying the Status.
                let line = line_bytes("ERROR", &gone.to_status());
                w.queue.push_back(line);
                w.done = true;
            }
        },
    }
    let stream = futures::stream::unfold(w, |mut w| async move {
        let line = w.next_line().await?;
        Some((Ok::<Bytes, std::convert::Infallible>(line), w))
    });
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The state of one open watch.
struct Watch {
    res: &'static ResourceType,
    namespace: Option<String>,
    selectors: Selectors,
    format: Format,
    /// Lines ready to send.
    queue: VecDeque<Bytes>,
    live: Option<broadcast::Receiver<Arc<Event>>>,
    /// The resourceVersion of the last change this watch has seen (of any type): a
    /// bookmark at it is safe to resume from.
    last_rv: u64,
    /// Changes up to this resourceVersion are not sent (the client has them).
    after: u64,
    /// Tables carry their column definitions in the first event only.
    headers_sent: bool,
    epoch: watch::Receiver<u64>,
    connection: CancellationToken,
    deadline: Option<Instant>,
    next_bookmark: Option<Instant>,
    done: bool,
    /// A streaming list that waits for the store to reach the version it asked for.
    fresh_wait: Option<FreshWait>,
}

/// How long a watch with `sendInitialEvents` waits for the store to reach its
/// resourceVersion before failing, as the apiserver's watch cache does.
const FRESH_WAIT: Duration = Duration::from_secs(3);

struct FreshWait {
    store: Arc<Store>,
    rv: u64,
    until: Instant,
    bookmark: bool,
}

/// The apiserver's answer to a version its watch cache has not reached in time.
fn too_large(asked: u64, current: u64) -> ApiError {
    let mut err = ApiError::with_code(
        504,
        format!("Too large resource version: {asked}, current: {current}"),
    );
    err.details = Some(json!({
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1
    }));
    err
}

fn line_bytes(kind: &str, object: &Value) -> Bytes {
    let mut out = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    out.push(b'\n');
    Bytes::from(out)
}

impl Watch {
    /// Starts with the current objects (as ADDED events) and every change after them;
    /// `bookmark` ends the initial events with the `initial-events-end` bookmark.
    fn start_listed(&mut self, store: &Store, bookmark: bool) {
        let (items, sub) = store.list_and_subscribe(self.res, self.namespace.as_deref());
        self.last_rv = sub.rv;
        self.after = 0;
        self.live = Some(sub.live);
        for item in &items {
            if !self.selectors.matches(&item.value) {
                continue;
            }
            let line = self.encode("ADDED", &item.value, Some(&item.json));
            self.queue.push_back(line);
        }
        if bookmark {
            let line = self.bookmark(true);
            self.queue.push_back(line);
        }
    }

    /// Waits for the store to reach the version a streaming list asked for, then starts
    /// it; after [`FRESH_WAIT`] ends the watch with the apiserver's Timeout instead.
    async fn wait_fresh(&mut self, wait: FreshWait) {
        loop {
            let current = wait.store.resource_version();
            if current >= wait.rv {
                self.start_listed(&wait.store, wait.bookmark);
                return;
            }
            let Some(live) = self.live.as_mut() else {
                return;
            };
            tokio::select! {
                received = live.recv() => if received.is_err() {
                    self.done = true;
                    return;
                },
                _ = self.epoch.changed() => {
                    self.done = true;
                    return;
                }
                _ = self.connection.cancelled() => {
                    self.done = true;
                    return;
                }
                _ = tokio::time::sleep_until(wait.until) => {
                    let err = too_large(wait.rv, current);
                    self.queue.push_back(line_bytes("ERROR", &err.to_status()));
                    self.done = true;
                    return;
                }
            }
        }
    }

    /// The next line to send, waiting for changes; `None` ends the stream.
    async fn next_line(&mut self) -> Option<Bytes> {
        if let Some(wait) = self.fresh_wait.take() {
            self.wait_fresh(wait).await;
        }
        loop {
            if let Some(line) = self.queue.pop_front() {
                return Some(line);
            }
            if self.done {
                return None;
            }
            let live = self.live.as_mut()?;
            let far = Instant::now() + Duration::from_secs(86_400 * 365);
            let deadline = self.deadline.unwrap_or(far);
            let bookmark_at = self.next_bookmark.unwrap_or(far);
            tokio::select! {
                received = live.recv() => match received {
                    Ok(event) => {
                        self.last_rv = self.last_rv.max(event.rv());
                        self.push_event(&event);
                        // The resource is no longer served: its watches end.
                        if super::crds::defines_deleted(&event, self.res) {
                            self.done = true;
                        }
                    }
                    // Too far behind, or the store is gone: end; the client re-watches.
                    Err(_) => self.done = true,
                },
                _ = self.epoch.changed() => self.done = true,
                _ = self.connection.cancelled() => self.done = true,
                _ = tokio::time::sleep_until(deadline) => self.done = true,
                _ = tokio::time::sleep_until(bookmark_at) => {
                    self.next_bookmark = Some(Instant::now() + BOOKMARK_EVERY);
                    let line = self.bookmark(false);
                    self.queue.push_back(line);
                }
            }
        }
    }

    /// Queues the watch event for a store change, if this watch sees it.
    fn push_event(&mut self, event: &Event) {
        if event.rv() <= self.after || !event_matches(event, self.res, self.namespace.as_deref()) {
            return;
        }
        let now_matches = self.selectors.matches(&event.object.value);
        let kind = match event.kind {
            EventType::Added if now_matches => "ADDED",
            EventType::Deleted if now_matches => "DELETED",
            EventType::Modified => {
                let was_matching = event
                    .previous
                    .as_ref()
                    .is_none_or(|p: &Arc<Stored>| self.selectors.matches(&p.value));
                match (was_matching, now_matches) {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    (false, false) => return,
                }
            }
            _ => return,
        };
        let line = self.encode(kind, &event.object.value, Some(&event.object.json));
        self.queue.push_back(line);
    }

    /// One event line in the watch's format (JSON reuses the stored bytes).
    fn encode(&mut self, kind: &str, obj: &Value, json_bytes: Option<&Bytes>) -> Bytes {
        match self.format {
            Format::Json if super::events_v1::is_v1(self.res) => {
                line_bytes(kind, &super::events_v1::to_v1(obj))
            }
            Format::Json => match json_bytes {
                Some(bytes) => {
                    let mut out = Vec::with_capacity(bytes.len() + 32);
                    out.extend_from_slice(br#"{"type":""#);
                    out.extend_from_slice(kind.as_bytes());
                    out.extend_from_slice(br#"","object":"#);
                    out.extend_from_slice(bytes);
                    out.extend_from_slice(b"}\n");
                    Bytes::from(out)
                }
                None => line_bytes(kind, obj),
            },
            Format::Table(include) => {
                let headers = !self.headers_sent;
                self.headers_sent = true;
                let rv = obj["metadata"]["resourceVersion"].clone();
                let t = table::table(
                    self.res,
                    &[obj],
                    include,
                    json!({"resourceVersion": rv}),
                    headers,
                );
                line_bytes(kind, &t)
            }
            Format::Metadata => line_bytes(kind, &partial(obj)),
        }
    }

    fn bookmark(&self, initial_events_end: bool) -> Bytes {
        let mut meta = json!({"resourceVersion": self.last_rv.to_string()});
        if initial_events_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        line_bytes(
            "BOOKMARK",
            &json!({"kind": self.res.kind, "apiVersion": self.res.api_version(), "metadata": meta}),
        )
    }
}
