//! The simulated cluster's controllers: kubelet and scheduler (pod lifecycle),
//! ReplicaSet, Deployment, StatefulSet, DaemonSet, Endpoints, EndpointSlices, and the
//! Events they record.
//!
//! One task runs them all. It reads the store's change feed, keeps compact indexes (pods
//! by owner and namespace, services by namespace), marks the objects a change concerns as
//! dirty and reconciles only those, so the cost follows the rate of changes, not the
//! number of objects. A periodic tick of `timing.step` drives the kubelet's timers and
//! the deployments' progress deadlines.
//!
//! Image and probe rules that make a simulated container misbehave are in [`kubelet`].

mod daemonset;
mod deployment;
mod endpoints;
mod endpointslices;
mod events;
mod history;

mod index;
pub mod kubelet;
mod replicaset;
mod rollout;
mod statefulset;

pub mod util;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use self::events::{Ev, Recorder, Source};
use self::index::PodIndex;
use self::kubelet::{Kubelet, Pace};
use self::util::{controller_of, key_of, Key};
use super::resources::{self as r, ResourceType};
use super::store::{Event, EventType, Feed, Res, Store, Stored};
use super::{SimState, Timing};

/// Objects waiting to be reconciled, by controller.
#[derive(Default)]
struct Dirty {
    deployments: BTreeSet<Key>,
    replicasets: BTreeSet<Key>,
    statefulsets: BTreeSet<Key>,
    daemonsets: BTreeSet<Key>,
    services: BTreeSet<Key>,
}

impl Dirty {
    fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.replicasets.is_empty()
            && self.statefulsets.is_empty()
            && self.daemonsets.is_empty()
            && self.services.is_empty()
    }
}

/// All controllers, with their shared indexes.
pub struct Controllers {
    store: Arc<Store>,
    pods: PodIndex,
    kubelet: Kubelet,
    recorder: Recorder,
    /// Service selectors by namespace, to find the services a pod change concerns.
    services: HashMap<String, HashMap<String, Map<String, Value>>>,
    dirty: Dirty,
    /// Deployments whose rollout is in progress: rechecked every tick for the deadline.
    progressing: BTreeSet<Key>,
}

/// The running controllers; dropping this stops them.
pub struct Running {
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops the controllers (also done on drop).
    pub fn stop(&self) {
        self.shutdown.cancel();
        self.task.abort();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the controllers on the current tokio runtime, after the seed was applied.
pub fn spawn(state: SimState) -> Running {
    let shutdown = CancellationToken::new();
    let store = state.store.clone();
    let timing = state.timing.clone();
    // Subscribe before the initial list, so no change falls between the two.
    let rx = store.feed();
    let mut ctl = Controllers::new(store, Pace::from_timing(&timing));
    ctl.resync();
    let token = shutdown.clone();
    let task = tokio::spawn(async move { ctl.run(rx, timing, token).await });
    Running { shutdown, task }
}

impl Controllers {
    pub fn new(store: Arc<Store>, pace: Pace) -> Controllers {
        Controllers {
            store,
            pods: PodIndex::default(),
            kubelet: Kubelet::new(pace),
            recorder: Recorder::default(),
            services: HashMap::new(),
            dirty: Dirty::default(),
            progressing: BTreeSet::new(),
        }
    }

    async fn run(mut self, mut rx: Feed, timing: Timing, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(timing.step.max(Duration::from_millis(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let mut ticked = false;
            tokio::select! {
                _ = shutdown.cancelled() => return,
                ev = rx.recv() => match ev {
                    Some(ev) => self.handle(&ev),
                    None => return,
                },
                _ = tick.tick() => ticked = true,
            }
            self.drain(&mut rx);
            if ticked {
                self.on_tick(Instant::now());
            }
            self.reconcile();
            // A busy cluster keeps this loop always ready: let the API server's tasks in.
            tokio::task::yield_now().await;
        }
    }

    /// Handles every queued change.
    fn drain(&mut self, rx: &mut Feed) {
        while let Ok(ev) = rx.try_recv() {
            self.handle(&ev);
        }
        self.pods.caught_up();
    }

    fn on_tick(&mut self, now: Instant) {
        self.recorder.new_step();
        self.run_kubelet(now);
        let progressing: Vec<Key> = self.progressing.iter().cloned().collect();
        self.dirty.deployments.extend(progressing);
    }

    /// Runs the controllers synchronously until nothing is left to do right now (or a
    /// bound is hit): how the seeds build consistent history without a runtime.
    pub fn settle(&mut self, rx: &mut Feed) {
        for _ in 0..200 {
            self.drain(rx);
            self.recorder.new_step();
            let now = Instant::now();
            let due = self.kubelet.has_due(now);
            if self.dirty.is_empty() && !due {
                return;
            }
            self.run_kubelet(now);
            self.reconcile();
        }
    }

    /// Rebuilds every index from the store and marks everything dirty.
    pub fn resync(&mut self) {
        self.pods.clear();
        self.services.clear();
        for res in [
            &r::NODES,
            &r::PODS,
            &r::SERVICES,
            &r::REPLICASETS,
            &r::DEPLOYMENTS,
            &r::STATEFULSETS,
            &r::DAEMONSETS,
        ] {
            let (items, _) = self.store.list(res, None);
            for obj in items {
                self.observe(EventType::Added, res, &obj);
            }
        }
    }

    fn handle(&mut self, ev: &Event) {
        self.observe(ev.kind, ev.res, &ev.object);
    }

    /// Updates the indexes for one change and marks what it concerns as dirty.
    fn observe(&mut self, kind: EventType, res: Res, obj: &Arc<Stored>) {
        let is = |t: &ResourceType| std::ptr::eq(res, t);
        let v = &obj.value;
        if is(&r::PODS) {
            self.observe_pod(kind, obj);
        } else if is(&r::REPLICASETS) {
            self.dirty.replicasets.insert(key_of(v));
            if let Some(owner) = controller_of(v).filter(|o| o["kind"] == "Deployment") {
                let name = owner["name"].as_str().unwrap_or("").to_string();
                self.dirty
                    .deployments
                    .insert((obj.namespace().to_string(), name));
            }
        } else if is(&r::DEPLOYMENTS) {
            if kind == EventType::Deleted {
                self.progressing.remove(&key_of(v));
            } else {
                self.dirty.deployments.insert(key_of(v));
            }
        } else if is(&r::STATEFULSETS) {
            self.dirty.statefulsets.insert(key_of(v));
        } else if is(&r::DAEMONSETS) {
            self.dirty.daemonsets.insert(key_of(v));
        } else if is(&r::CONTROLLER_REVISIONS) {
            self.mark_owner(obj.namespace(), v);
        } else if is(&r::SERVICES) {
            self.observe_service(kind, v);
        } else if is(&r::ENDPOINTS) && kind == EventType::Deleted {
            self.dirty.services.insert(key_of(v));
        } else if is(&r::ENDPOINT_SLICES) && kind == EventType::Deleted {
            // A managed slice deleted by someone else is made again.
            let labels = &v["metadata"]["labels"];
            if labels[endpointslices::MANAGED_BY] == endpointslices::CONTROLLER {
                if let Some(service) = labels[endpointslices::SERVICE_NAME].as_str() {
                    self.dirty
                        .services
                        .insert((obj.namespace().to_string(), service.to_string()));
                }
            }
        } else if is(&r::NODES) {
            self.kubelet.observe_node(v, kind == EventType::Deleted);
            let (all, _) = self.store.list(&r::DAEMONSETS, None);
            self.dirty
                .daemonsets
                .extend(all.iter().map(|d| key_of(&d.value)));
        }
    }

    fn mark_owner(&mut self, ns: &str, v: &Value) {
        let Some(owner) = controller_of(v) else {
            return;
        };
        let key = (
            ns.to_string(),
            owner["name"].as_str().unwrap_or("").to_string(),
        );
        match owner["kind"].as_str() {
            Some("ReplicaSet") => self.dirty.replicasets.insert(key),
            Some("StatefulSet") => self.dirty.statefulsets.insert(key),
            Some("DaemonSet") => self.dirty.daemonsets.insert(key),
            Some("Deployment") => self.dirty.deployments.insert(key),
            _ => false,
        };
    }

    fn observe_pod(&mut self, kind: EventType, obj: &Arc<Stored>) {
        let change = match kind {
            EventType::Deleted => self.pods.remove(&obj.value, obj.rv),
            _ => self.pods.upsert(&obj.value, obj.rv),
        };
        let Some((old, new)) = change else {
            return;
        };
        let ns = obj.namespace().to_string();
        self.mark_owner(&ns, &obj.value);
        if new.is_none() {
            // A Recreate rollout waits for the old pods to be gone: their removal
            // concerns the Deployment too (the ReplicaSet's status does not change).
            self.mark_deployment_of_pod(&ns, old.as_ref());
        }
        if let Some(services) = self.services.get(&ns) {
            for (name, selector) in services {
                let hit = |p: &Option<index::PodInfo>| {
                    p.as_ref().is_some_and(|p| p.labels_match(selector))
                };
                if hit(&old) || hit(&new) {
                    self.dirty.services.insert((ns.clone(), name.clone()));
                }
            }
        }
        match new {
            Some(_) => self.kubelet.observe(&obj.value),
            None => self.kubelet.forget(&key_of(&obj.value)),
        }
    }

    fn mark_deployment_of_pod(&mut self, ns: &str, pod: Option<&index::PodInfo>) {
        let Some((kind, rs_name, _)) = pod.and_then(|p| p.owner.as_ref()) else {
            return;
        };
        if kind != "ReplicaSet" {
            return;
        }
        if let Ok(rs) = self.store.get(&r::REPLICASETS, ns, rs_name) {
            if let Some(d) = controller_of(&rs.value).filter(|o| o["kind"] == "Deployment") {
                let name = d["name"].as_str().unwrap_or("").to_string();
                self.dirty.deployments.insert((ns.to_string(), name));
            }
        }
    }

    fn observe_service(&mut self, kind: EventType, v: &Value) {
        let (ns, name) = key_of(v);
        let selector = v["spec"]["selector"].as_object().cloned();
        match (kind, selector) {
            (EventType::Deleted, _) | (_, None) => {
                if let Some(m) = self.services.get_mut(&ns) {
                    m.remove(&name);
                }
            }
            (_, Some(sel)) => {
                self.services
                    .entry(ns.clone())
                    .or_default()
                    .insert(name.clone(), sel);
            }
        }
        if kind == EventType::Deleted {
            self.store.remove(&r::ENDPOINTS, &ns, &name);
            self.remove_endpoint_slices(&ns, &name);
        } else {
            self.dirty.services.insert((ns, name));
        }
    }

    /// Feeds a pod the controllers just wrote into the index at once.
    fn wrote_pod(&mut self, stored: &Arc<Stored>) {
        self.observe_pod(EventType::Modified, stored);
    }

    fn removed_pod(&mut self, stored: &Arc<Stored>) {
        self.observe_pod(EventType::Deleted, stored);
    }

    /// Reconciles everything marked dirty (what the reconciling marks anew waits for the
    /// next round).
    fn reconcile(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        for key in &dirty.deployments {
            self.sync_deployment(key);
        }
        for key in &dirty.replicasets {
            self.sync_replicaset(key);
        }
        for key in &dirty.statefulsets {
            self.sync_statefulset(key);
        }
        for key in &dirty.daemonsets {
            self.sync_daemonset(key);
        }
        for key in &dirty.services {
            self.sync_endpoints(key);
            self.sync_endpoint_slices(key);
        }
    }

    /// The events a node records when its kubelet starts and it joins the cluster.
    pub fn node_started(&mut self, node: &Value) {
        let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
        let kubelet =
            |reason: &'static str, message: String| (Source::Kubelet(&name), reason, message);
        let mut events = vec![
            kubelet("Starting", "Starting kubelet.".to_string()),
            kubelet(
                "NodeAllocatableEnforced",
                "Updated Node Allocatable limit across pods".to_string(),
            ),
        ];
        for status in [
            "NodeHasSufficientMemory",
            "NodeHasNoDiskPressure",
            "NodeHasSufficientPID",
            "NodeReady",
        ] {
            events.push(kubelet(
                status,
                format!("Node {name} status is now: {status}"),
            ));
        }
        events.push((
            Source::NodeController,
            "RegisteredNode",
            format!("Node {name} event: Registered Node {name} in Controller"),
        ));
        events.push((Source::KubeProxy, "Starting", String::new()));
        for (source, reason, message) in events {
            self.event(Ev {
                object: node,
                field_path: None,
                warning: false,
                reason,
                message,
                source,
            });
        }
    }

    fn event(&mut self, ev: Ev<'_>) {
        self.recorder.record(&self.store, ev);
    }

    /// Records a Normal event from a controller about `object`.
    fn normal(&mut self, object: &Value, source: Source<'_>, reason: &str, message: String) {
        self.event(Ev {
            object,
            field_path: None,
            warning: false,
            reason,
            message,
            source,
        });
    }
}

#[cfg(test)]
mod tests;
