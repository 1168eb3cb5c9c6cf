//! The object store of the simulated cluster: every object of every resource type, with
//! resourceVersions, uids, generations, a bounded event history for resuming watches and a
//! broadcast of changes for watchers and controllers.
//!
//! Objects are kept as JSON values together with their serialized bytes, serialized once
//! per write, so a list or a watch fan-out copies bytes instead of re-encoding objects.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

pub use self::addresses::{Addresses, InUse, Taken};
use self::history::Past;
pub use self::history::{event_matches, Subscription};
use self::names::new_uid;
pub use self::names::{invalid_name, invalid_name_for, now_rfc3339, qualified, random_suffix};
use super::error::ApiError;
use super::resources::{self, ResourceType};

/// A resource type, as the store knows it.
pub type Res = &'static ResourceType;

/// How many events are kept to resume watches from an older resourceVersion (20 s of
/// 5000 changes per second; the apiserver's watch cache keeps less).
const DEFAULT_HISTORY: usize = 100_000;
/// Capacity of the change broadcast; a watcher that falls this far behind is dropped
/// (and resumes from the history). The ring keeps every object version in it alive, so
/// it is much smaller than the history, which keeps only serialized bytes.
const BROADCAST_CAPACITY: usize = 16_384;

/// One stored object version.
#[derive(Debug)]
pub struct Stored {
    pub value: Value,
    /// `value` serialized as JSON.
    pub json: Bytes,
    pub rv: u64,
}

impl Stored {
    fn new(value: Value, rv: u64) -> Arc<Stored> {
        let json = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
        Arc::new(Stored { value, json, rv })
    }

    /// A version rebuilt from its serialized form (the event history keeps only that).
    fn from_json(json: Bytes, rv: u64) -> Arc<Stored> {
        let value = serde_json::from_slice(&json).unwrap_or(Value::Null);
        Arc::new(Stored { value, json, rv })
    }

    pub fn name(&self) -> &str {
        self.value["metadata"]["name"].as_str().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.value["metadata"]["namespace"].as_str().unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// A change to one object. For `Deleted`, `object` is the last state with a new resourceVersion.
#[derive(Debug)]
pub struct Event {
    pub kind: EventType,
    pub res: Res,
    pub object: Arc<Stored>,
    /// The version before a `Modified` change (watches with selectors need it to turn a
    /// change into ADDED or DELETED when the object starts or stops matching).
    pub previous: Option<Arc<Stored>>,
}

impl Event {
    pub fn rv(&self) -> u64 {
        self.object.rv
    }
}

/// Cascading behaviour of a delete (`propagationPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub propagation: Propagation,
    /// `gracePeriodSeconds`; `None` means the object's default (30 s for pods).
    pub grace_seconds: Option<i64>,
    /// Precondition: the delete fails with 409 unless the object has this resourceVersion.
    pub resource_version: Option<String>,
    /// Precondition: the delete fails with 409 unless the object has this uid.
    pub uid: Option<String>,
    /// `dryRun=All`: check everything, change nothing.
    pub dry_run: bool,
}

/// What part of an object an update may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateScope {
    /// The main resource: spec and metadata; status is kept as stored.
    Main,
    /// The `status` subresource: only status changes.
    Status,
    /// Everything (controllers and seeds).
    All,
}

/// What [`Store::list_page`] found.
pub struct ListPage {
    pub items: Vec<Arc<Stored>>,
    /// More objects follow the page.
    pub more: bool,
    /// How many (known only for lists without a filter).
    pub remaining: Option<usize>,
    /// The store's resourceVersion at the time of the list.
    pub rv: u64,
}

impl ListPage {
    fn empty(rv: u64) -> ListPage {
        ListPage {
            items: Vec::new(),
            more: false,
            remaining: Some(0),
            rv,
        }
    }
}

type TypeKey = (&'static str, &'static str);
type ObjKey = (String, String);

fn type_key(res: Res) -> TypeKey {
    let res = resources::storage_of(res);
    (res.group, res.plural)
}

struct Inner {
    rv: u64,
    objects: HashMap<TypeKey, BTreeMap<ObjKey, Arc<Stored>>>,
    /// Owner uid → the objects whose ownerReferences name it, so the garbage collector
    /// finds dependents without scanning every object (pods are deleted by the thousand
    /// under churn).
    dependents: HashMap<String, BTreeSet<(TypeKey, ObjKey)>>,
    history: VecDeque<Past>,
    history_cap: usize,
    /// Oldest resourceVersion a watch can resume from; older ones get 410 Gone.
    oldest_resumable: u64,
    /// Lossless change feeds (the controllers'); closed ones are dropped on the next write.
    feeds: Vec<mpsc::UnboundedSender<Arc<Event>>>,
}

/// Every change, in order, none dropped: what controllers consume (see [`Store::feed`]).
pub type Feed = mpsc::UnboundedReceiver<Arc<Event>>;

/// The store: all cluster state behind one lock. Cheap operations only happen under it.
pub struct Store {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Arc<Event>>,
    /// The pod IPs, cluster IPs and node ports of this cluster, following every change.
    addresses: Addresses,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(BROADCAST_CAPACITY);
        Store {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: HashMap::new(),
                dependents: HashMap::new(),
                history: VecDeque::new(),
                history_cap: DEFAULT_HISTORY,
                oldest_resumable: 1,
                feeds: Vec::new(),
            }),
            events,
            addresses: Addresses::default(),
        }
    }

    /// The cluster's address allocators.
    pub fn addresses(&self) -> &Addresses {
        &self.addresses
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every write is a single
        // insert), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current resourceVersion of the whole store.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// Receives changes from now on; a receiver that falls too far behind misses some
    /// (and learns so from `Lagged`).
    pub fn changes(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }

    /// Receives every change from now on, however far behind the receiver falls: the
    /// controllers must see every change and rebuilding them from a full list costs
    /// seconds at 100 000 pods, so they are not fed through the lossy broadcast.
    pub fn feed(&self) -> Feed {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().feeds.push(tx);
        rx
    }

    pub fn get(&self, res: Res, ns: &str, name: &str) -> Result<Arc<Stored>, ApiError> {
        let inner = self.lock();
        inner
            .objects
            .get(&type_key(res))
            .and_then(|m| m.get(&(ns_of(res, ns), name.to_string())))
            .cloned()
            .ok_or_else(|| ApiError::not_found(&qualified(res), name))
    }

    /// All objects of a type, in one namespace or (with `None`) everywhere, ordered by
    /// namespace then name, with the store's resourceVersion at the time of the list.
    pub fn list(&self, res: Res, ns: Option<&str>) -> (Vec<Arc<Stored>>, u64) {
        let inner = self.lock();
        (objects_in(&inner, res, ns), inner.rv)
    }

    /// One page of a list, walked in key order (namespace, name) under the lock without
    /// copying the rest: up to `limit` objects (0: no limit) after the key `after` that
    /// `keep` (if any) accepts.
    pub fn list_page(
        &self,
        res: Res,
        ns: Option<&str>,
        after: Option<(&str, &str)>,
        limit: usize,
        keep: Option<&dyn Fn(&Stored) -> bool>,
    ) -> ListPage {
        let inner = self.lock();
        let rv = inner.rv;
        let Some(map) = inner.objects.get(&type_key(res)) else {
            return ListPage::empty(rv);
        };
        let ns = ns.filter(|n| res.namespaced && !n.is_empty());
        let start = match (after, ns) {
            (Some((n, name)), _) => Bound::Excluded((n.to_string(), name.to_string())),
            (None, Some(n)) => Bound::Included((n.to_string(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let mut matching = map
            .range((start, Bound::Unbounded))
            .take_while(|((n, _), _)| ns.is_none_or(|ns| n == ns))
            .map(|(_, o)| o)
            .filter(|o| keep.is_none_or(|keep| keep(o)));
        let take = if limit == 0 { usize::MAX } else { limit };
        let items: Vec<Arc<Stored>> = matching.by_ref().take(take).cloned().collect();
        // Counting the rest is cheap without a filter; with one, the apiserver does not
        // count either (no remainingItemCount), it only needs to know whether more follow.
        let (more, remaining) = match keep {
            None => {
                let rest = matching.count();
                (rest > 0, Some(rest))
            }
            Some(_) => (matching.next().is_some(), None),
        };
        ListPage {
            items,
            more,
            remaining,
            rv,
        }
    }

    /// Number of objects of a type (all namespaces).
    pub fn count(&self, res: Res) -> usize {
        self.lock()
            .objects
            .get(&type_key(res))
            .map_or(0, BTreeMap::len)
    }

    /// Creates an object: fills in uid, resourceVersion, creationTimestamp, generation,
    /// a name from `generateName`, apiVersion and kind.
    pub fn create(&self, res: Res, ns: &str, obj: Value) -> Result<Arc<Stored>, ApiError> {
        self.create_impl(res, ns, obj, false)
    }

    /// What [`Store::create`] would store (`dryRun=All`), without storing it.
    pub fn create_dry_run(&self, res: Res, ns: &str, obj: Value) -> Result<Arc<Stored>, ApiError> {
        self.create_impl(res, ns, obj, true)
    }

    fn create_impl(
        &self,
        res: Res,
        ns: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Arc<Stored>, ApiError> {
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request was not an object",
            ));
        }
        let mut inner = self.lock();
        let ns = ns_of(res, ns);
        if res.namespaced && !namespace_exists(&inner, &ns) {
            return Err(ApiError::not_found("namespaces", &ns));
        }
        let meta = ensure_object(&mut obj, "metadata");
        let name = match meta.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => match meta.get("generateName").and_then(Value::as_str) {
                Some(prefix) if !prefix.is_empty() => format!("{prefix}{}", random_suffix(5)),
                _ => {
                    return Err(ApiError::invalid(
                        res.kind,
                        "",
                        "metadata.name",
                        "Required value: name or generateName is required",
                    ))
                }
            },
        };
        if let Some(problem) = invalid_name_for(res, &name) {
            return Err(ApiError::invalid(
                res.kind,
                &name,
                "metadata.name",
                &problem,
            ));
        }
        let key = (ns.clone(), name.clone());
        if inner
            .objects
            .get(&type_key(res))
            .is_some_and(|m| m.contains_key(&key))
        {
            return Err(ApiError::already_exists(&qualified(res), &name));
        }
        let rv = if dry_run { 0 } else { inner.rv + 1 };
        meta.insert("name".into(), json!(name));
        if res.namespaced {
            meta.insert("namespace".into(), json!(ns));
        } else {
            meta.remove("namespace");
        }
        meta.insert("uid".into(), json!(new_uid()));
        if dry_run {
            meta.remove("resourceVersion");
        } else {
            meta.insert("resourceVersion".into(), json!(rv.to_string()));
        }
        meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
        meta.remove("deletionTimestamp");
        if obj.get("spec").is_some() || std::ptr::eq(res, &resources::ENDPOINT_SLICES) {
            obj["metadata"]["generation"] = json!(1);
        }
        obj["apiVersion"] = json!(res.api_version());
        obj["kind"] = json!(res.kind);
        crate::defaults::with_uid(res, &mut obj);
        let stored = Stored::new(obj, rv);
        if dry_run {
            return Ok(stored);
        }
        inner.rv = rv;
        inner.put(res, stored.clone());
        self.record(&mut inner, EventType::Added, res, stored.clone(), None);
        Ok(stored)
    }

    /// Replaces an object (PUT). A `metadata.resourceVersion` in `obj` that is not the
    /// stored one is a 409 Conflict; without one the update is unconditional.
    pub fn update(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        obj: Value,
        scope: UpdateScope,
    ) -> Result<Arc<Stored>, ApiError> {
        self.update_impl(res, ns, name, obj, scope, false)
    }

    /// What [`Store::update`] would store (`dryRun=All`), without storing it.
    pub fn update_dry_run(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        obj: Value,
        scope: UpdateScope,
    ) -> Result<Arc<Stored>, ApiError> {
        self.update_impl(res, ns, name, obj, scope, true)
    }

    fn update_impl(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        obj: Value,
        scope: UpdateScope,
        dry_run: bool,
    ) -> Result<Arc<Stored>, ApiError> {
        if !obj.is_object() {
            return Err(ApiError::bad_request(
                "the body of the request was not an object",
            ));
        }
        let mut inner = self.lock();
        let current = lookup(&inner, res, ns, name)?;
        if let Some(rv) = obj["metadata"]["resourceVersion"].as_str() {
            if !rv.is_empty() && rv != current.rv.to_string() {
                return Err(ApiError::conflict(&qualified(res), name));
            }
        }
        if let Some(body_name) = obj["metadata"]["name"].as_str() {
            if body_name != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
        }
        self.write(&mut inner, res, &current, obj, scope, dry_run)
    }

    /// Read-modify-write under the lock: `f` edits a copy of the current object. Used by
    /// PATCH and by controllers. Without an error from `f` the result is stored (if it
    /// differs) and returned.
    pub fn mutate<F>(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        scope: UpdateScope,
        f: F,
    ) -> Result<Arc<Stored>, ApiError>
    where
        F: FnOnce(&mut Value) -> Result<(), ApiError>,
    {
        self.mutate_impl(res, ns, name, scope, f, false)
    }

    /// What [`Store::mutate`] would store (`dryRun=All`), without storing it.
    pub fn mutate_dry_run<F>(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        scope: UpdateScope,
        f: F,
    ) -> Result<Arc<Stored>, ApiError>
    where
        F: FnOnce(&mut Value) -> Result<(), ApiError>,
    {
        self.mutate_impl(res, ns, name, scope, f, true)
    }

    fn mutate_impl<F>(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        scope: UpdateScope,
        f: F,
        dry_run: bool,
    ) -> Result<Arc<Stored>, ApiError>
    where
        F: FnOnce(&mut Value) -> Result<(), ApiError>,
    {
        let mut inner = self.lock();
        let current = lookup(&inner, res, ns, name)?;
        let mut obj = current.value.clone();
        f(&mut obj)?;
        if let Some(rv) = obj["metadata"]["resourceVersion"].as_str() {
            // A patch may carry a resourceVersion precondition.
            if rv != current.rv.to_string() {
                return Err(ApiError::conflict(&qualified(res), name));
            }
        }
        self.write(&mut inner, res, &current, obj, scope, dry_run)
    }

    /// Stores a new version of `current`, keeping what the scope protects and the
    /// metadata the server owns; bumps generation when the spec changed.
    fn write(
        &self,
        inner: &mut Inner,
        res: Res,
        current: &Arc<Stored>,
        mut obj: Value,
        scope: UpdateScope,
        dry_run: bool,
    ) -> Result<Arc<Stored>, ApiError> {
        let old = &current.value;
        match scope {
            UpdateScope::Main => {
                if let Some(status) = old.get("status") {
                    obj["status"] = status.clone();
                }
            }
            UpdateScope::Status => keep_all_but_status(&mut obj, old),
            UpdateScope::All => {}
        }
        ensure_object(&mut obj, "metadata");
        // As the API server: a uid in the body is a precondition, not a change.
        if let Some(uid) = obj["metadata"]["uid"].as_str() {
            let current = old["metadata"]["uid"].as_str().unwrap_or_default();
            if !uid.is_empty() && uid != current {
                return Err(ApiError::uid_precondition(uid, current));
            }
        }
        for owned in ["uid", "creationTimestamp", "name", "namespace"] {
            // Seeds may date an object back (UpdateScope::All): a Job that ran before.
            if scope == UpdateScope::All
                && owned == "creationTimestamp"
                && obj["metadata"][owned].is_string()
            {
                continue;
            }
            match old["metadata"].get(owned) {
                Some(v) => obj["metadata"][owned] = v.clone(),
                None => {
                    if let Some(m) = obj["metadata"].as_object_mut() {
                        m.remove(owned);
                    }
                }
            }
        }
        if scope != UpdateScope::All {
            match old["metadata"].get("deletionTimestamp") {
                Some(v) => obj["metadata"]["deletionTimestamp"] = v.clone(),
                None => {
                    if let Some(m) = obj["metadata"].as_object_mut() {
                        m.remove("deletionTimestamp");
                    }
                }
            }
        }
        obj["apiVersion"] = json!(res.api_version());
        obj["kind"] = json!(res.kind);
        let generation = old["metadata"]["generation"].as_i64();
        obj["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
        match generation {
            Some(g) if generation_changes(res, &obj, old) => {
                obj["metadata"]["generation"] = json!(g + 1)
            }
            Some(g) => obj["metadata"]["generation"] = json!(g),
            None => {}
        }
        if &obj == old {
            return Ok(current.clone());
        }
        if dry_run {
            return Ok(Stored::new(obj, current.rv));
        }
        Ok(self.store_modified(inner, res, current, obj))
    }

    /// Stores `obj` as the next version of `current`, with a new resourceVersion, and
    /// records the MODIFIED event.
    fn store_modified(
        &self,
        inner: &mut Inner,
        res: Res,
        current: &Arc<Stored>,
        mut obj: Value,
    ) -> Arc<Stored> {
        inner.rv += 1;
        let rv = inner.rv;
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        let stored = Stored::new(obj, rv);
        inner.put(res, stored.clone());
        self.record(
            inner,
            EventType::Modified,
            res,
            stored.clone(),
            Some(current.clone()),
        );
        stored
    }
}

/// Whether a write changes what `metadata.generation` counts: the spec; for
/// EndpointSlices, which have none, everything but the metadata, and the labels.
fn generation_changes(res: Res, new: &Value, old: &Value) -> bool {
    if std::ptr::eq(res, &resources::ENDPOINT_SLICES) {
        ["addressType", "endpoints", "ports"]
            .iter()
            .any(|f| new.get(f) != old.get(f))
            || new["metadata"]["labels"] != old["metadata"]["labels"]
    } else {
        new.get("spec") != old.get("spec")
    }
}

/// Makes `obj` equal to `old` except for its status, copying only what differs (a status
/// write usually leaves everything else as it was; cloning a whole pod costs hundreds of
/// allocations).
fn keep_all_but_status(obj: &mut Value, old: &Value) {
    if !obj.is_object() {
        *obj = json!({});
    }
    let (Some(new_map), Some(old_map)) = (obj.as_object_mut(), old.as_object()) else {
        return;
    };
    new_map.retain(|k, _| k == "status" || old_map.contains_key(k));
    for (k, v) in old_map {
        let keep_old = if k == "status" {
            !new_map.contains_key(k)
        } else {
            new_map.get(k) != Some(v)
        };
        if keep_old {
            new_map.insert(k.clone(), v.clone());
        }
    }
}

fn lookup(inner: &Inner, res: Res, ns: &str, name: &str) -> Result<Arc<Stored>, ApiError> {
    inner
        .objects
        .get(&type_key(res))
        .and_then(|m| m.get(&(ns_of(res, ns), name.to_string())))
        .cloned()
        .ok_or_else(|| ApiError::not_found(&qualified(res), name))
}

/// The objects of a type in one namespace (or all), ordered by namespace then name.
fn objects_in(inner: &Inner, res: Res, ns: Option<&str>) -> Vec<Arc<Stored>> {
    let Some(map) = inner.objects.get(&type_key(res)) else {
        return Vec::new();
    };
    match ns.filter(|n| res.namespaced && !n.is_empty()) {
        Some(ns) => map
            .range((ns.to_string(), String::new())..)
            .take_while(|((n, _), _)| n == ns)
            .map(|(_, v)| v.clone())
            .collect(),
        None => map.values().cloned().collect(),
    }
}

fn namespace_exists(inner: &Inner, ns: &str) -> bool {
    inner
        .objects
        .get(&type_key(&resources::NAMESPACES))
        .is_some_and(|m| m.contains_key(&(String::new(), ns.to_string())))
}

fn ns_of(res: Res, ns: &str) -> String {
    if res.namespaced {
        ns.to_string()
    } else {
        String::new()
    }
}

fn ensure_object<'a>(obj: &'a mut Value, field: &str) -> &'a mut serde_json::Map<String, Value> {
    if !obj[field].is_object() {
        obj[field] = json!({});
    }
    match obj[field].as_object_mut() {
        Some(m) => m,
        None => unreachable!("{field} was just made an object"),
    }
}

mod addresses;
mod delete;
mod history;
mod names;
mod owners;
#[cfg(test)]
mod tests;
