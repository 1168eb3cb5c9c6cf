//! A live view of the pods a forward may use: a kube-rs watcher on the target's
//! selector, folded into compact [`PodCandidate`]s and published on a `watch` channel.
//! One small watch per forward is cheaper than a LIST per connection and lets the
//! forwards pane show the serving pod change as soon as the pod does.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{watcher, WatchStreamExt};
use kube::Api;
use tokio::sync::watch;

use super::choose::PodCandidate;
use super::PodSelector;

/// The pods matching a forward's selector, as last seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PodSet {
    /// The first full list has arrived.
    pub synced: bool,
    pub pods: BTreeMap<String, PodCandidate>,
    /// The watch's latest error (it retries with backoff); cleared on the next list.
    pub error: Option<String>,
}

/// Aborts the watch task when the forward ends.
pub(crate) struct Tracker {
    pub rx: watch::Receiver<Arc<PodSet>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Tracker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) fn track(api: Api<Pod>, selector: &PodSelector) -> Tracker {
    let (cfg, only) = match selector {
        PodSelector::Name(name) => (
            watcher::Config::default().fields(&format!("metadata.name={name}")),
            Some(name.clone()),
        ),
        PodSelector::Labels(labels) => (watcher::Config::default().labels(labels), None),
    };
    let (tx, rx) = watch::channel(Arc::new(PodSet::default()));
    let task = tokio::spawn(async move {
        let mut events = watcher(api, cfg).default_backoff().boxed();
        let mut current = PodSet::default();
        let mut listing: Option<BTreeMap<String, PodCandidate>> = None;
        // Only pods we asked for, even if a server ignores the field selector.
        let wanted = |p: &PodCandidate| only.as_ref().is_none_or(|n| *n == p.name);
        while let Some(event) = events.next().await {
            match event {
                Ok(watcher::Event::Init) => listing = Some(BTreeMap::new()),
                Ok(watcher::Event::InitApply(pod)) => {
                    let c = PodCandidate::from_pod(&pod);
                    if let (Some(l), true) = (listing.as_mut(), wanted(&c)) {
                        l.insert(c.name.clone(), c);
                    }
                    continue;
                }
                Ok(watcher::Event::InitDone) => {
                    current.pods = listing.take().unwrap_or_default();
                    current.synced = true;
                    current.error = None;
                }
                Ok(watcher::Event::Apply(pod)) => {
                    let c = PodCandidate::from_pod(&pod);
                    if wanted(&c) {
                        current.pods.insert(c.name.clone(), c);
                    }
                }
                Ok(watcher::Event::Delete(pod)) => {
                    let c = PodCandidate::from_pod(&pod);
                    current.pods.remove(&c.name);
                }
                Err(e) => current.error = Some(watch_error(&e)),
            }
            if tx.send(Arc::new(current.clone())).is_err() {
                break;
            }
        }
    });
    Tracker { rx, task }
}

fn watch_error(e: &watcher::Error) -> String {
    match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
            if s.code == 403 =>
        {
            format!("forbidden to watch pods: {}", s.message)
        }
        other => format!("watching pods: {other}"),
    }
}
