//! Watch tasks: one per (kind, scope), converting objects to rows as they arrive and sending
//! them in batches (one message per burst, not per object).

use std::fmt::Debug;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::ListParams;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc::UnboundedSender;

use crate::cluster::convert::{self, Interner};
use crate::cluster::rollout::rows::convert as rollout_rows;
use crate::cluster::rows::{RowKey, Rows};
use crate::effect::{ResourceKind, Scope, WatchKey, WatchTarget};
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
    match target.kind {
        ResourceKind::Namespaces => tokio::spawn(run(
            Api::<Namespace>::all(client),
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
                key,
                tx,
                convert::pod_row,
                convert::pod_key,
                Rows::Pods,
            ))
        }
        ResourceKind::Deployments => tokio::spawn(run(
            scoped::<Deployment>(client, &target.scope),
            key,
            tx,
            rollout_rows::deployment_row,
            rollout_rows::object_key::<Deployment>,
            Rows::Workloads,
        )),
        ResourceKind::StatefulSets => tokio::spawn(run(
            scoped::<StatefulSet>(client, &target.scope),
            key,
            tx,
            rollout_rows::statefulset_row,
            rollout_rows::object_key::<StatefulSet>,
            Rows::Workloads,
        )),
        ResourceKind::DaemonSets => tokio::spawn(run(
            scoped::<DaemonSet>(client, &target.scope),
            key,
            tx,
            rollout_rows::daemonset_row,
            rollout_rows::object_key::<DaemonSet>,
            Rows::Workloads,
        )),
        ResourceKind::ReplicaSets => tokio::spawn(run(
            scoped::<ReplicaSet>(client, &target.scope),
            key,
            tx,
            rollout_rows::replica_set_row,
            rollout_rows::object_key::<ReplicaSet>,
            Rows::ReplicaSets,
        )),
        ResourceKind::ControllerRevisions => tokio::spawn(run(
            scoped::<ControllerRevision>(client, &target.scope),
            key,
            tx,
            rollout_rows::revision_row,
            rollout_rows::object_key::<ControllerRevision>,
            Rows::Revisions,
        )),
        ResourceKind::Services => tokio::spawn(run(
            scoped::<k8s_openapi::api::core::v1::Service>(client, &target.scope),
            key,
            tx,
            crate::cluster::services::service_row,
            crate::cluster::services::service_key,
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
        watcher::Error::WatchError(status) => return status_text(status),
        watcher::Error::NoResourceVersion => return err.to_string(),
    };
    describe_client(client_err)
}

pub fn describe_client(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) => status_text(status),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            format!("cannot reach the API server ({err})")
        }
        other => other.to_string(),
    }
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
struct Batcher<R> {
    out: Vec<WatchEvent>,
    upserts: Vec<R>,
    removes: Vec<RowKey>,
    wrap: fn(Vec<R>) -> Rows,
}

impl<R> Batcher<R> {
    fn flush(&mut self) {
        if !self.upserts.is_empty() {
            let rows = std::mem::take(&mut self.upserts);
            self.out.push(WatchEvent::Upsert((self.wrap)(rows)));
        }
        if !self.removes.is_empty() {
            self.out
                .push(WatchEvent::Remove(std::mem::take(&mut self.removes)));
        }
    }

    fn upsert(&mut self, row: R) {
        if !self.removes.is_empty() {
            self.flush();
        }
        self.upserts.push(row);
    }

    fn remove(&mut self, key: RowKey) {
        if !self.upserts.is_empty() {
            self.flush();
        }
        self.removes.push(key);
    }

    fn push(&mut self, event: WatchEvent) {
        self.flush();
        self.out.push(event);
    }
}

/// After an error, checks now and then whether listing works again, so the UI can say
/// "connected" even when nothing changes in the watched scope.
fn probe<K>(api: Api<K>) -> BoxFuture<'static, bool>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        api.list_metadata(&ListParams::default().limit(1))
            .await
            .is_ok()
    }
    .boxed()
}

/// A watcher event reduced to what the state needs, as soon as it arrives: the full
/// object is dropped here, so a burst held for batching costs rows, not objects.
enum Item<R> {
    Reset,
    Upsert(R),
    Remove(RowKey),
    Synced,
    Error(String),
    Skip,
}

async fn run<K, R>(
    api: Api<K>,
    key: WatchKey,
    tx: UnboundedSender<Msg>,
    to_row: fn(&K, &mut Interner) -> Option<R>,
    to_key: fn(&K) -> Option<RowKey>,
    wrap: fn(Vec<R>) -> Rows,
) where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    R: Send + 'static,
{
    let config = watcher::Config::default().page_size(PAGE_SIZE);
    let mut interner = Interner::default();
    let mut stream = watcher::watcher(api.clone(), config)
        .default_backoff()
        .map(move |event| match event {
            Ok(Event::Init) => Item::Reset,
            Ok(Event::InitApply(obj)) | Ok(Event::Apply(obj)) => {
                to_row(&obj, &mut interner).map_or(Item::Skip, Item::Upsert)
            }
            Ok(Event::Delete(obj)) => to_key(&obj).map_or(Item::Skip, Item::Remove),
            Ok(Event::InitDone) => Item::Synced,
            Err(e) => Item::Error(describe(&e)),
        })
        .ready_chunks(BATCH)
        .boxed();
    let mut recovery: Option<BoxFuture<'static, bool>> = None;
    loop {
        let batch = tokio::select! {
            batch = stream.next() => batch,
            ok = async { match recovery.as_mut() { Some(p) => p.await, None => false } }, if recovery.is_some() => {
                recovery = None;
                if ok && tx.send(Msg::Kube(KubeMsg { key, event: WatchEvent::Recovered })).is_err() {
                    return;
                }
                continue;
            }
        };
        let Some(batch) = batch else { return };
        let mut b = Batcher {
            out: Vec::new(),
            upserts: Vec::new(),
            removes: Vec::new(),
            wrap,
        };
        let mut failed = false;
        for item in batch {
            match item {
                Item::Reset => b.push(WatchEvent::Reset),
                Item::Upsert(row) => b.upsert(row),
                Item::Remove(k) => b.remove(k),
                Item::Synced => b.push(WatchEvent::Synced),
                Item::Error(text) => {
                    failed = true;
                    b.push(WatchEvent::Error(text));
                }
                Item::Skip => {}
            }
        }
        b.flush();
        if failed {
            recovery = Some(probe(api.clone()));
        } else if !b.out.is_empty() {
            recovery = None;
        }
        for event in b.out {
            if tx.send(Msg::Kube(KubeMsg { key, event })).is_err() {
                return; // the app is gone
            }
        }
    }
}
