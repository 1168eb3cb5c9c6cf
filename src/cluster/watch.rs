//! Watch tasks: one per (kind, scope), converting objects to rows as they arrive and sending
//! them in batches (one message per burst, not per object).

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::effect::{ResourceKind, Scope, WatchKey, WatchTarget};
use crate::model::convert::{self, Interner};
use crate::model::rollout::rows::convert as rollout_rows;
use crate::model::rows::{RowKey, Rows};
use crate::msg::{KubeMsg, Msg, WatchEvent};

/// Objects per page of the initial list.
pub const PAGE_SIZE: u32 = 500;
/// Most events folded into one batch.
const BATCH: usize = 2048;

/// Starts the watch task for `target`; abort the handle to stop it.
pub fn spawn(
    client: Client,
    key: WatchKey,
    target: WatchTarget,
    tx: UnboundedSender<Msg>,
) -> tokio::task::JoinHandle<()> {
    let mut config = watcher::Config::default().page_size(PAGE_SIZE);
    config.label_selector = target.selector.labels.clone();
    config.field_selector = target.selector.fields.clone();
    match target.kind {
        ResourceKind::Namespaces => tokio::spawn(run(
            Api::<Namespace>::all(client),
            config.clone(),
            key,
            tx,
            convert::namespace_row,
            convert::namespace_key,
            Rows::Namespaces,
        )),
        ResourceKind::Pods => {
            let api = match &target.scope {
                Scope::All => Api::<Pod>::all(client),
                Scope::Namespace(ns) => Api::<Pod>::namespaced(client, ns),
            };
            tokio::spawn(run(
                api,
                config.clone(),
                key,
                tx,
                convert::pod_row,
                convert::pod_key,
                Rows::Pods,
            ))
        }
        ResourceKind::Deployments => tokio::spawn(run(
            scoped::<Deployment>(client, &target.scope),
            config.clone(),
            key,
            tx,
            rollout_rows::deployment_row,
            rollout_rows::object_key::<Deployment>,
            Rows::Workloads,
        )),
        ResourceKind::StatefulSets => tokio::spawn(run(
            scoped::<StatefulSet>(client, &target.scope),
            config.clone(),
            key,
            tx,
            rollout_rows::statefulset_row,
            rollout_rows::object_key::<StatefulSet>,
            Rows::Workloads,
        )),
        ResourceKind::DaemonSets => tokio::spawn(run(
            scoped::<DaemonSet>(client, &target.scope),
            config.clone(),
            key,
            tx,
            rollout_rows::daemonset_row,
            rollout_rows::object_key::<DaemonSet>,
            Rows::Workloads,
        )),
        ResourceKind::ReplicaSets => tokio::spawn(run(
            scoped::<ReplicaSet>(client, &target.scope),
            config.clone(),
            key,
            tx,
            rollout_rows::replica_set_row,
            rollout_rows::object_key::<ReplicaSet>,
            Rows::ReplicaSets,
        )),
        ResourceKind::ControllerRevisions => tokio::spawn(run(
            scoped::<ControllerRevision>(client, &target.scope),
            config.clone(),
            key,
            tx,
            rollout_rows::revision_row,
            rollout_rows::object_key::<ControllerRevision>,
            Rows::Revisions,
        )),
        ResourceKind::Services => tokio::spawn(run(
            scoped::<k8s_openapi::api::core::v1::Service>(client, &target.scope),
            config.clone(),
            key,
            tx,
            crate::model::services::service_row,
            crate::model::services::service_key,
            Rows::Services,
        )),
    }
}

/// A namespaced API over one namespace or all of them.
fn scoped<K>(client: Client, scope: &Scope) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match scope {
        Scope::All => Api::all(client),
        Scope::Namespace(ns) => Api::namespaced(client, ns),
    }
}

/// A short, human error text for the status line.
pub fn describe(err: &watcher::Error) -> String {
    let client_err = match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => e,
        watcher::Error::WatchError(status) if status.code == 429 => return throttled_text(status),
        watcher::Error::WatchError(status) => return status_text(status),
        watcher::Error::NoResourceVersion => return err.to_string(),
    };
    describe_client(client_err)
}

pub fn describe_client(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) if status.code == 429 => throttled_text(status),
        kube::Error::Api(status) => status_text(status),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            format!("cannot reach the API server ({err})")
        }
        other => other.to_string(),
    }
}

/// How long a throttling server (429 Too Many Requests) asked clients to wait before
/// trying again (`retryAfterSeconds` in its Status; at least a second).
pub fn retry_after(err: &watcher::Error) -> Option<Duration> {
    match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => client_retry_after(e),
        watcher::Error::WatchError(status) => status_retry_after(status),
        watcher::Error::NoResourceVersion => None,
    }
}

pub fn client_retry_after(err: &kube::Error) -> Option<Duration> {
    match err {
        kube::Error::Api(status) => status_retry_after(status),
        _ => None,
    }
}

fn status_retry_after(status: &kube::core::Status) -> Option<Duration> {
    (status.code == 429).then(|| {
        let secs = status.details.as_ref().map_or(0, |d| d.retry_after_seconds);
        Duration::from_secs(u64::from(secs.max(1)))
    })
}

/// "throttled by the API server, retrying in 2 s" (the wait the server asked for).
fn throttled_text(status: &kube::core::Status) -> String {
    let secs = status_retry_after(status).map_or(1, |d| d.as_secs());
    format!("throttled by the API server (429 TooManyRequests), retrying in {secs} s")
}

fn status_text(status: &kube::core::Status) -> String {
    let reason = if status.reason.is_empty() {
        format!("HTTP {}", status.code)
    } else {
        status.reason.clone()
    };
    if status.message.is_empty() {
        reason
    } else {
        format!("{reason}: {}", status.message)
    }
}

/// Collects consecutive upserts and removals into as few messages as possible.
pub(super) struct Batcher<R> {
    pub(super) out: Vec<WatchEvent>,
    upserts: Vec<R>,
    removes: Vec<RowKey>,
    wrap: fn(Vec<R>) -> Rows,
}

impl<R> Batcher<R> {
    pub(super) fn new(wrap: fn(Vec<R>) -> Rows) -> Batcher<R> {
        Batcher {
            out: Vec::new(),
            upserts: Vec::new(),
            removes: Vec::new(),
            wrap,
        }
    }

    pub(super) fn flush(&mut self) {
        if !self.upserts.is_empty() {
            let rows = std::mem::take(&mut self.upserts);
            self.out.push(WatchEvent::Upsert((self.wrap)(rows)));
        }
        if !self.removes.is_empty() {
            self.out
                .push(WatchEvent::Remove(std::mem::take(&mut self.removes)));
        }
    }

    pub(super) fn upsert(&mut self, row: R) {
        if !self.removes.is_empty() {
            self.flush();
        }
        self.upserts.push(row);
    }

    pub(super) fn remove(&mut self, key: RowKey) {
        if !self.upserts.is_empty() {
            self.flush();
        }
        self.removes.push(key);
    }

    pub(super) fn push(&mut self, event: WatchEvent) {
        self.flush();
        self.out.push(event);
    }
}

/// A watcher event reduced to what the state needs, as soon as it arrives: the full
/// object is dropped here, so a burst held for batching costs rows, not objects.
enum Item<R> {
    Reset,
    Upsert(R),
    Remove(RowKey),
    Synced,
    Error(Trouble),
    Skip,
}

/// Why an attempt ended: the text for the header, and the wait a throttling server asked for.
struct Trouble {
    text: String,
    wait: Option<Duration>,
}

/// First pause before watching again after a failure; doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_millis(250);
/// Longest pause between attempts: a server that is back is seen within it.
const RETRY_MAX: Duration = Duration::from_secs(2);
/// An attempt that lasted this long was healthy: the next failure starts the pauses over.
pub(super) const HEALTHY_FOR: Duration = Duration::from_secs(30);

/// The pause before the next attempt: doubling from [`RETRY_FIRST`] to [`RETRY_MAX`],
/// each shortened by up to a fifth at random so many clients do not retry in step.
#[derive(Debug)]
pub(super) struct Retry {
    next: Duration,
}

impl Retry {
    pub(super) fn new() -> Retry {
        Retry { next: RETRY_FIRST }
    }

    pub(super) fn pause(&mut self) -> Duration {
        let base = self.next;
        self.next = (base * 2).min(RETRY_MAX);
        base.mul_f64(1.0 - rand::random_range(0.0..0.2))
    }

    /// The next pause, but at least what a throttling server asked for.
    pub(super) fn pause_at_least(&mut self, server_asked: Option<Duration>) -> Duration {
        self.pause().max(server_asked.unwrap_or_default())
    }

    pub(super) fn reset(&mut self) {
        self.next = RETRY_FIRST;
    }
}

/// How one attempt at watching ended.
enum Ended {
    /// The app dropped its receiver: stop.
    AppGone,
    /// A request failed; the text says why.
    Failed(Trouble),
}

/// Watches until the app is gone. Each attempt starts from scratch, a full list then a
/// watch from the list's resourceVersion, and ends at its first error: after an error rkt
/// never resumes an old resourceVersion, because the server that answers now may be
/// another one (restarted without its history, or a cluster recreated at the same
/// address) that would accept it and go on from an unrelated history. The relist replaces
/// the table, and its success is what tells the user the connection is back.
async fn run<K, R>(
    api: Api<K>,
    config: watcher::Config,
    key: WatchKey,
    tx: UnboundedSender<Msg>,
    to_row: fn(&K, &mut Interner) -> Option<R>,
    to_key: fn(&K) -> Option<RowKey>,
    wrap: fn(Vec<R>) -> Rows,
) where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    R: Send + 'static,
{
    let mut retry = Retry::new();
    loop {
        let started = Instant::now();
        let trouble = match attempt(&api, &config, key, &tx, to_row, to_key, wrap).await {
            Ended::AppGone => return,
            Ended::Failed(trouble) => trouble,
        };
        if tx
            .send(Msg::Kube(KubeMsg {
                key,
                event: WatchEvent::Error(trouble.text),
            }))
            .is_err()
        {
            return;
        }
        if started.elapsed() >= HEALTHY_FOR {
            retry.reset();
        }
        tokio::time::sleep(retry.pause_at_least(trouble.wait)).await;
    }
}

/// One list-then-watch, forwarding rows in batches, until the first error.
async fn attempt<K, R>(
    api: &Api<K>,
    config: &watcher::Config,
    key: WatchKey,
    tx: &UnboundedSender<Msg>,
    to_row: fn(&K, &mut Interner) -> Option<R>,
    to_key: fn(&K) -> Option<RowKey>,
    wrap: fn(Vec<R>) -> Rows,
) -> Ended
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    R: Send + 'static,
{
    let mut interner = Interner::default();
    let mut stream = watcher::watcher(api.clone(), config.clone())
        .map(move |event| match event {
            Ok(Event::Init) => Item::Reset,
            Ok(Event::InitApply(obj)) | Ok(Event::Apply(obj)) => {
                to_row(&obj, &mut interner).map_or(Item::Skip, Item::Upsert)
            }
            Ok(Event::Delete(obj)) => to_key(&obj).map_or(Item::Skip, Item::Remove),
            Ok(Event::InitDone) => Item::Synced,
            Err(e) => Item::Error(Trouble {
                text: describe(&e),
                wait: retry_after(&e),
            }),
        })
        .ready_chunks(BATCH)
        .boxed();
    // `Init` comes before the list is even asked for: the table is told about the relist
    // only once the server has answered, so a failing attempt leaves it alone.
    let mut relist_pending = false;
    while let Some(batch) = stream.next().await {
        let mut b = Batcher::new(wrap);
        let mut failure = None;
        for item in batch {
            if matches!(item, Item::Upsert(_) | Item::Remove(_) | Item::Synced)
                && std::mem::take(&mut relist_pending)
            {
                b.push(WatchEvent::Reset);
            }
            match item {
                Item::Reset => relist_pending = true,
                Item::Upsert(row) => b.upsert(row),
                Item::Remove(k) => b.remove(k),
                Item::Synced => b.push(WatchEvent::Synced),
                Item::Error(text) => {
                    failure = Some(text);
                    break;
                }
                Item::Skip => {}
            }
        }
        b.flush();
        for event in b.out {
            if tx.send(Msg::Kube(KubeMsg { key, event })).is_err() {
                return Ended::AppGone;
            }
        }
        if let Some(text) = failure {
            return Ended::Failed(text);
        }
    }
    Ended::Failed(Trouble {
        text: "the watch ended".to_string(),
        wait: None,
    })
}

#[cfg(test)]
mod throttle_tests {
    use super::*;
    use kube::core::Status;

    /// The Status a throttling apiserver sends.
    fn throttled(secs: u32) -> kube::Error {
        let status: Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "message": "Too many requests", "reason": "TooManyRequests",
            "code": 429, "details": {"retryAfterSeconds": secs}
        }))
        .expect("a Status");
        kube::Error::Api(Box::new(status))
    }

    #[test]
    fn a_429_says_throttled_and_waits_what_the_server_asked() {
        let err = throttled(3);
        assert_eq!(
            describe_client(&err),
            "throttled by the API server (429 TooManyRequests), retrying in 3 s"
        );
        assert_eq!(client_retry_after(&err), Some(Duration::from_secs(3)));
        let mut retry = Retry::new();
        assert_eq!(
            retry.pause_at_least(client_retry_after(&err)),
            Duration::from_secs(3)
        );
        // No Retry-After given: still a pause of at least a second.
        assert_eq!(
            client_retry_after(&throttled(0)),
            Some(Duration::from_secs(1))
        );
        let mut other = Status::failure("boom", "InternalError");
        other.code = 500;
        assert_eq!(client_retry_after(&kube::Error::Api(Box::new(other))), None);
    }
}
