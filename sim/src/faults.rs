//! Fault switches for tests: refuse requests, stall them, throttle them, expire
//! resourceVersions, drop watches, "restart". Tests flip them in-process; `rkt sim
//! --fault-control PORT` flips them over HTTP (see [`crate::fault_control`]).
//!
//! Every request passes through [`layer`] first. Watches and connections hold a
//! [`Faults::watch_epoch`] receiver and a connection token and end when a test drops them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::error::ApiError;
use super::SimState;

/// Requests answered with an error instead of being served.
#[derive(Debug, Clone, PartialEq)]
struct Refusal {
    code: u16,
    /// Only requests whose path names this resource (plural, e.g. `pods`); `None` = all.
    resource: Option<String>,
    /// Only watches (`?watch=1`): the resource may be listed but not watched.
    watches_only: bool,
}

/// Switches a test flips to make the simulated cluster misbehave.
#[derive(Debug)]
pub struct Faults {
    refusal: Mutex<Option<Refusal>>,
    /// `true` holds every new request until it turns `false`.
    stalled: watch::Sender<bool>,
    /// When a timed stall ([`Faults::stall_for`]) lifts by itself.
    stall_until: Mutex<Option<Instant>>,
    /// Bumped by every stall change, so a timed stall's release leaves a newer one alone.
    stall_generation: AtomicU64,
    /// `Some(seconds)`: every request is answered 429 with `Retry-After: seconds`.
    throttle: Mutex<Option<u64>>,
    /// Every watch resuming from a resourceVersion is answered 410 Gone.
    expire: AtomicBool,
    /// Bumped to end every open watch.
    watch_epoch: watch::Sender<u64>,
    /// Cancelled on shutdown; parent of every connection token.
    root: CancellationToken,
    /// The token of the current connections; "restart" cancels it and starts a new one.
    connections: Mutex<CancellationToken>,
}

impl Default for Faults {
    fn default() -> Self {
        let root = CancellationToken::new();
        Faults {
            refusal: Mutex::new(None),
            stalled: watch::Sender::new(false),
            stall_until: Mutex::new(None),
            stall_generation: AtomicU64::new(0),
            throttle: Mutex::new(None),
            expire: AtomicBool::new(false),
            watch_epoch: watch::Sender::new(0),
            connections: Mutex::new(root.child_token()),
            root,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Faults {
    /// Refuse every request with `code` (403 → Forbidden, 500 → InternalError, …).
    pub fn refuse_all(&self, code: u16) {
        *lock(&self.refusal) = Some(Refusal {
            code,
            resource: None,
            watches_only: false,
        });
    }

    /// Refuse requests for one resource (its plural, e.g. `pods`) with `code`.
    pub fn refuse_resource(&self, plural: &str, code: u16) {
        *lock(&self.refusal) = Some(Refusal {
            code,
            resource: Some(plural.to_string()),
            watches_only: false,
        });
    }

    /// Refuse watches of one resource with `code`, still serving lists and gets (a role
    /// that grants `list` but not `watch`).
    pub fn refuse_watches(&self, plural: &str, code: u16) {
        *lock(&self.refusal) = Some(Refusal {
            code,
            resource: Some(plural.to_string()),
            watches_only: true,
        });
    }

    /// Serve requests normally again.
    pub fn stop_refusing(&self) {
        *lock(&self.refusal) = None;
    }

    /// Hold every new request (`true`) until released (`false`).
    pub fn set_stalled(&self, stalled: bool) {
        self.stall_generation.fetch_add(1, Ordering::SeqCst);
        *lock(&self.stall_until) = None;
        self.stalled.send_replace(stalled);
    }

    /// Hold every new request for `length`, then serve again (unless another stall
    /// change came meanwhile). Needs a tokio runtime (the release is a task).
    pub fn stall_for(self: &Arc<Self>, length: Duration) {
        self.set_stalled(true);
        let generation = self.stall_generation.load(Ordering::SeqCst);
        *lock(&self.stall_until) = Some(Instant::now() + length);
        let faults = Arc::downgrade(self);
        tokio::spawn(async move {
            tokio::time::sleep(length).await;
            if let Some(faults) = faults.upgrade() {
                if faults.stall_generation.load(Ordering::SeqCst) == generation {
                    faults.set_stalled(false);
                }
            }
        });
    }

    /// Answer every request 429 Too Many Requests with `Retry-After: seconds` (the
    /// apiserver's priority and fairness when overloaded) until [`Faults::reset`].
    pub fn throttle(&self, seconds: u64) {
        *lock(&self.throttle) = Some(seconds);
    }

    /// While `true`, every watch from a resourceVersion (a resume, or the watch after a
    /// list) is answered 410 Gone, as by a server whose history is compacted away.
    pub fn set_expire(&self, expire: bool) {
        self.expire.store(expire, Ordering::SeqCst);
    }

    pub fn expiring(&self) -> bool {
        self.expire.load(Ordering::SeqCst)
    }

    /// The 410 Gone a watch from `since` gets while the expire switch is on.
    pub fn expired(&self, since: u64) -> Option<ApiError> {
        self.expiring().then(|| {
            ApiError::gone(format!(
                "too old resource version: {since} (fault injected by the simulated cluster)"
            ))
        })
    }

    /// End every open watch now (clients see the stream end and re-watch).
    pub fn drop_watches(&self) {
        self.watch_epoch.send_modify(|e| *e += 1);
    }

    /// As if the apiserver restarted: every watch ends and every open connection is closed.
    /// The stored objects and their resourceVersions stay (they live in "etcd").
    pub fn restart(&self) {
        self.drop_watches();
        let mut current = lock(&self.connections);
        current.cancel();
        *current = self.root.child_token();
    }

    /// Clears every switch.
    pub fn reset(&self) {
        self.stop_refusing();
        self.set_stalled(false);
        *lock(&self.throttle) = None;
        self.set_expire(false);
    }

    /// The switches in force, as JSON: `refuse` (`{code, resource, watches_only}`),
    /// `stalled`, `stall_seconds_left` (a timed stall), `throttle_seconds`, `expire`;
    /// absent switches are `null` / `false`.
    pub fn in_force(&self) -> Value {
        let refuse = lock(&self.refusal).clone().map(
            |r| json!({"code": r.code, "resource": r.resource, "watches_only": r.watches_only}),
        );
        let left = lock(&self.stall_until).map(|until| {
            until
                .saturating_duration_since(Instant::now())
                .as_secs_f64()
        });
        json!({
            "refuse": refuse,
            "stalled": *self.stalled.borrow(),
            "stall_seconds_left": left,
            "throttle_seconds": *lock(&self.throttle),
            "expire": self.expiring(),
        })
    }

    /// A receiver whose value changes when watches must end.
    pub fn watch_epoch(&self) -> watch::Receiver<u64> {
        self.watch_epoch.subscribe()
    }

    /// The token the current connections end with (restart or shutdown).
    pub fn connection_token(&self) -> CancellationToken {
        lock(&self.connections).clone()
    }

    /// Ends everything: connections, watches, requests waiting in a stall.
    pub fn shutdown(&self) {
        self.root.cancel();
        self.set_stalled(false);
    }

    pub fn is_shut_down(&self) -> bool {
        self.root.is_cancelled()
    }

    fn refusal_for(&self, path: &str, query: Option<&str>) -> Option<ApiError> {
        let refusal = lock(&self.refusal).clone()?;
        let watch =
            query.is_some_and(|q| q.split('&').any(|p| p == "watch=1" || p == "watch=true"));
        if refusal.watches_only && !watch {
            return None;
        }
        if let Some(res) = &refusal.resource {
            if !path.split('/').any(|seg| seg == res) {
                return None;
            }
        }
        let what = refusal.resource.as_deref().unwrap_or("this request");
        Some(match refusal.code {
            403 => ApiError::forbidden(format!(
                "{what} is forbidden: User \"system:anonymous\" cannot access it (fault injected by the simulated cluster)"
            )),
            500 => ApiError::internal(format!(
                "an error on the server (\"fault injected by the simulated cluster\") has prevented the request from succeeding ({what})"
            )),
            code => ApiError::with_code(code, format!("fault injected for {what}")),
        })
    }

    async fn wait_unstalled(&self) {
        let mut rx = self.stalled.subscribe();
        // Err only when the sender is gone, which cannot happen while `self` lives.
        let _ = rx.wait_for(|stalled| !stalled).await;
    }
}

/// The answer of a throttled server: 429 with `Retry-After`, the seconds also in the
/// Status details (`retryAfterSeconds`), as the apiserver sends them.
fn throttled(seconds: u64) -> Response {
    let mut err = ApiError::with_code(
        429,
        "Too many requests, please try again later. (fault injected by the simulated cluster)",
    );
    err.details = Some(json!({"retryAfterSeconds": seconds}));
    let mut response = err.into_response();
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    response
}

/// The middleware every request passes: stall, then throttle, then refuse, then serve.
pub async fn layer(State(state): State<SimState>, req: Request, next: Next) -> Response {
    state.faults.wait_unstalled().await;
    let throttle = *lock(&state.faults.throttle);
    if let Some(seconds) = throttle {
        return throttled(seconds);
    }
    if let Some(err) = state
        .faults
        .refusal_for(req.uri().path(), req.uri().query())
    {
        return err.into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_matches_resource_segments_only() {
        let f = Faults::default();
        assert!(f.refusal_for("/api/v1/pods", None).is_none());
        f.refuse_resource("pods", 403);
        let err = f
            .refusal_for("/api/v1/namespaces/default/pods/x", None)
            .unwrap();
        assert_eq!((err.code, err.reason), (403, "Forbidden"));
        assert!(f
            .refusal_for("/api/v1/namespaces/default/podsx", None)
            .is_none());
        assert!(f.refusal_for("/api/v1/nodes", None).is_none());
        f.refuse_all(500);
        assert_eq!(
            f.refusal_for("/version", None).unwrap().reason,
            "InternalError"
        );
        f.reset();
        assert!(f.refusal_for("/version", None).is_none());
    }

    #[test]
    fn a_watch_refusal_leaves_lists_alone() {
        let f = Faults::default();
        f.refuse_watches("secrets", 403);
        assert!(f
            .refusal_for("/api/v1/secrets", Some("limit=500"))
            .is_none());
        let err = f.refusal_for("/api/v1/secrets", Some("watch=1&resourceVersion=5"));
        assert_eq!(err.map(|e| e.code), Some(403));
        assert!(f.refusal_for("/api/v1/pods", Some("watch=1")).is_none());
    }

    #[test]
    fn restart_cancels_current_connections_only() {
        let f = Faults::default();
        let before = f.connection_token();
        let epoch = f.watch_epoch();
        f.restart();
        assert!(before.is_cancelled());
        assert!(!f.connection_token().is_cancelled());
        assert!(epoch.has_changed().unwrap());
        f.shutdown();
        assert!(f.connection_token().is_cancelled());
    }
}
