//! The readers of a log stream, by pod, and following the pods of an owner or workload: a
//! watch by its label selector starts readers for each pod that appears (once it runs) and
//! ends those of a pod that goes away, so `L` on a Deployment's pod keeps up with scaling
//! and rolling updates.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::Client;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::resolve::pod_sources;
use super::{source, Internal, LogRequest};
use crate::model::logs::{LogSource, StreamState};

/// Why the readers of a pod were ended.
const POD_DELETED: &str = "pod deleted";

/// One reader task per source, grouped by pod. Dropping this stops every reader.
pub struct Readers {
    client: Client,
    namespace: String,
    req: LogRequest,
    tx: mpsc::Sender<Internal>,
    set: JoinSet<()>,
    by_pod: HashMap<String, Vec<(Arc<LogSource>, AbortHandle)>>,
}

impl Readers {
    pub fn new(
        client: Client,
        namespace: String,
        req: LogRequest,
        tx: mpsc::Sender<Internal>,
    ) -> Readers {
        Readers {
            client,
            namespace,
            req,
            tx,
            set: JoinSet::new(),
            by_pod: HashMap::new(),
        }
    }

    /// Starts one reader per source (all of one pod).
    pub fn start(&mut self, pod: &str, sources: Vec<Arc<LogSource>>) {
        // Reap finished readers so the set does not grow with every pod that came and went.
        while self.set.try_join_next().is_some() {}
        let handles = self.by_pod.entry(pod.to_string()).or_default();
        for source in sources {
            let handle = self.set.spawn(source::run(
                self.client.clone(),
                self.namespace.clone(),
                Arc::clone(&source),
                self.req.clone(),
                self.tx.clone(),
            ));
            handles.push((source, handle));
        }
    }

    /// The reader tasks alone, for a stream whose pods are fixed: without this side's
    /// sender, the merge ends when the last reader does.
    pub fn into_tasks(self) -> JoinSet<()> {
        self.set
    }

    /// A pod of the selector was added or changed: a new pod gets its sources announced and
    /// its readers started once it runs (a pending pod has no log yet: opening it would
    /// only report trouble until its containers start). `false` once the receiver is gone.
    async fn on_pod(&mut self, pod: &Pod) -> bool {
        let Some(name) = pod.metadata.name.as_deref() else {
            return true;
        };
        let pending = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .is_none_or(|phase| phase == "Pending");
        if self.by_pod.contains_key(name) || pod.metadata.deletion_timestamp.is_some() || pending {
            return true;
        }
        let sources = pod_sources(pod, &self.req.target.container);
        if self
            .tx
            .send(Internal::Sources(sources.clone()))
            .await
            .is_err()
        {
            return false;
        }
        self.start(name, sources);
        true
    }

    /// A pod went away: its readers stop and its sources end. `false` once the receiver
    /// is gone.
    async fn on_gone(&mut self, pod: &str) -> bool {
        let Some(readers) = self.by_pod.remove(pod) else {
            return true;
        };
        for (source, handle) in readers {
            handle.abort();
            let ended = Internal::State {
                source,
                state: StreamState::Ended(POD_DELETED.into()),
            };
            if self.tx.send(ended).await.is_err() {
                return false;
            }
        }
        true
    }
}

/// Watches the pods matching `selector` and keeps `readers` in step with them until the
/// receiver is gone (or the task is aborted, which drops every reader).
pub async fn follow_pods(mut readers: Readers, selector: String) {
    let api: Api<Pod> = Api::namespaced(readers.client.clone(), &readers.namespace);
    let config = watcher::Config::default().labels(&selector);
    let mut events = watcher::watcher(api, config).default_backoff().boxed();
    // Pods seen by the relist under way: those not seen again are gone.
    let mut listed: HashSet<String> = HashSet::new();
    while let Some(event) = events.next().await {
        let alive = match event {
            Ok(Event::Init) => {
                listed.clear();
                true
            }
            Ok(Event::InitApply(pod)) => {
                listed.extend(pod.metadata.name.clone());
                readers.on_pod(&pod).await
            }
            Ok(Event::InitDone) => {
                let gone: Vec<String> = readers
                    .by_pod
                    .keys()
                    .filter(|p| !listed.contains(*p))
                    .cloned()
                    .collect();
                let mut alive = true;
                for pod in gone {
                    alive &= readers.on_gone(&pod).await;
                }
                alive
            }
            Ok(Event::Apply(pod)) => readers.on_pod(&pod).await,
            Ok(Event::Delete(pod)) => match pod.metadata.name.as_deref() {
                Some(name) => readers.on_gone(name).await,
                None => true,
            },
            // The watcher retries with backoff; the readers go on meanwhile.
            Err(_) => !readers.tx.is_closed(),
        };
        if !alive {
            return;
        }
    }
}
