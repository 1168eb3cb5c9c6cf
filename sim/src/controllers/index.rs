//! The controllers' in-memory index of pods: a compact summary per pod, by key and by
//! owner uid, so a ReplicaSet or a Service finds its pods without scanning all pods.
//!
//! The index is written through by the controllers' own writes (so a ReplicaSet never
//! double-creates while its pod's event is still queued) and fed by the store's change
//! feed. Stale events (an older resourceVersion than indexed, or an object removed since)
//! are ignored: `tombstones` remember removals until the feed has caught up.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::util::{controller_of, is_deleting, key_of, str_at, uid_of, Key};

/// What controllers need to know about a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodInfo {
    pub rv: u64,
    pub uid: String,
    /// Kind, name and uid of the controlling owner.
    pub owner: Option<(String, String, String)>,
    pub labels: BTreeMap<String, String>,
    pub phase: String,
    pub ready: bool,
    pub terminating: bool,
    pub ip: Option<String>,
    pub node: Option<String>,
    pub created: String,
    /// Named container ports: (name, port, protocol), to resolve named targetPorts.
    pub ports: Vec<(String, i64, String)>,
    /// `spec.hostname` and `spec.subdomain`, when both are set (StatefulSet pods): the
    /// EndpointSlice of the headless service named by the subdomain carries the hostname.
    pub hostname: Option<(String, String)>,
}

impl PodInfo {
    pub fn from_value(v: &Value, rv: u64) -> PodInfo {
        let labels = v["metadata"]["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let ready = v["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        });
        let owner = controller_of(v).map(|r| {
            (
                str_at(r, &["kind"]).to_string(),
                str_at(r, &["name"]).to_string(),
                str_at(r, &["uid"]).to_string(),
            )
        });
        let ports = v["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["ports"].as_array().into_iter().flatten())
            .filter_map(|p| {
                Some((
                    p["name"].as_str()?.to_string(),
                    p["containerPort"].as_i64()?,
                    p["protocol"].as_str().unwrap_or("TCP").to_string(),
                ))
            })
            .collect();
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let hostname = non_empty(str_at(v, &["spec", "hostname"]))
            .zip(non_empty(str_at(v, &["spec", "subdomain"])));
        PodInfo {
            rv,
            uid: uid_of(v).to_string(),
            owner,
            labels,
            phase: str_at(v, &["status", "phase"]).to_string(),
            ready,
            terminating: is_deleting(v),
            ip: non_empty(str_at(v, &["status", "podIP"])),
            node: non_empty(str_at(v, &["spec", "nodeName"])),
            created: str_at(v, &["metadata", "creationTimestamp"]).to_string(),
            ports,
            hostname,
        }
    }

    /// Counts towards a controller's replicas: not terminating, not finished.
    pub fn active(&self) -> bool {
        !self.terminating && self.phase != "Succeeded" && self.phase != "Failed"
    }

    pub fn labels_match(&self, selector: &serde_json::Map<String, Value>) -> bool {
        selector
            .iter()
            .all(|(k, v)| self.labels.get(k).map(String::as_str) == v.as_str())
    }
}

/// A change to the index: the summary before and after (None = absent).
pub type Change = (Option<PodInfo>, Option<PodInfo>);

#[derive(Default)]
pub struct PodIndex {
    pods: HashMap<Key, PodInfo>,
    by_owner: HashMap<String, HashSet<Key>>,
    by_namespace: HashMap<String, HashSet<Key>>,
    tombstones: HashMap<Key, u64>,
}

impl PodIndex {
    /// Pods controlled by the owner with `uid`.
    pub fn owned_by(&self, uid: &str) -> Vec<(&Key, &PodInfo)> {
        self.by_owner
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.pods.get_key_value(k))
            .collect()
    }

    pub fn in_namespace(&self, ns: &str) -> impl Iterator<Item = (&Key, &PodInfo)> {
        self.by_namespace
            .get(ns)
            .into_iter()
            .flatten()
            .filter_map(|k| self.pods.get_key_value(k))
    }

    /// Records a pod version; `None` when it is stale or unchanged.
    pub fn upsert(&mut self, obj: &Value, rv: u64) -> Option<Change> {
        let key = key_of(obj);
        if self.tombstones.get(&key).is_some_and(|t| *t >= rv) {
            return None;
        }
        if self.pods.get(&key).is_some_and(|p| p.rv >= rv) {
            return None;
        }
        let info = PodInfo::from_value(obj, rv);
        let old = self.pods.insert(key.clone(), info.clone());
        if let Some(old) = &old {
            if old.owner != info.owner {
                self.unlink_owner(&key, old);
            }
        }
        if let Some((_, _, uid)) = &info.owner {
            self.by_owner
                .entry(uid.clone())
                .or_default()
                .insert(key.clone());
        }
        self.by_namespace
            .entry(key.0.clone())
            .or_default()
            .insert(key);
        Some((old, Some(info)))
    }

    /// Forgets a pod removed at `rv`; `None` when it was not indexed (or newer).
    pub fn remove(&mut self, obj: &Value, rv: u64) -> Option<Change> {
        let key = key_of(obj);
        if self.pods.get(&key).is_some_and(|p| p.rv > rv) {
            return None;
        }
        let t = self.tombstones.entry(key.clone()).or_insert(rv);
        *t = (*t).max(rv);
        let old = self.pods.remove(&key)?;
        self.unlink_owner(&key, &old);
        if let Some(set) = self.by_namespace.get_mut(&key.0) {
            set.remove(&key);
            if set.is_empty() {
                self.by_namespace.remove(&key.0);
            }
        }
        Some((Some(old), None))
    }

    fn unlink_owner(&mut self, key: &Key, old: &PodInfo) {
        if let Some((_, _, uid)) = &old.owner {
            if let Some(set) = self.by_owner.get_mut(uid) {
                set.remove(key);
                if set.is_empty() {
                    self.by_owner.remove(uid);
                }
            }
        }
    }

    /// Called when the change feed has been drained: every event of a write made so far
    /// has been seen, so no stale event can resurrect a removed pod any more.
    pub fn caught_up(&mut self) {
        self.tombstones.clear();
    }

    pub fn clear(&mut self) {
        *self = PodIndex::default();
    }
}
