//! Deletion and garbage collection: graceful pod deletion, namespace emptying, and the
//! cascade through ownerReferences, as the garbage collector does it.

use super::*;

impl Store {
    /// Deletes an object. Pods with a grace period are only marked (deletionTimestamp);
    /// the simulated kubelet removes them later with [`Store::remove`]. Dependents found
    /// through ownerReferences are deleted too (or orphaned), as the garbage collector does.
    pub fn delete(
        &self,
        res: Res,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Arc<Stored>, ApiError> {
        let mut inner = self.lock();
        let current = lookup(&inner, res, ns, name)?;
        let meta = &current.value["metadata"];
        if let Some(rv) = &opts.resource_version {
            if *rv != current.rv.to_string() {
                return Err(ApiError::conflict(&qualified(res), name));
            }
        }
        if let Some(uid) = &opts.uid {
            if Some(uid.as_str()) != meta["uid"].as_str() {
                return Err(ApiError::conflict(&qualified(res), name));
            }
        }
        if opts.dry_run {
            return Ok(current);
        }
        let result = self.delete_one(&mut inner, res, &current, opts.grace_seconds);
        let uid = meta["uid"].as_str().unwrap_or("").to_string();
        self.collect_dependents(&mut inner, uid, opts.propagation);
        Ok(result)
    }

    /// Removes an object at once, with no grace period and no cascade (the kubelet's
    /// final removal of a terminating pod). Missing objects are ignored.
    pub fn remove(&self, res: Res, ns: &str, name: &str) -> Option<Arc<Stored>> {
        let mut inner = self.lock();
        let current = lookup(&inner, res, ns, name).ok()?;
        Some(self.delete_one(&mut inner, res, &current, Some(0)))
    }

    fn delete_one(
        &self,
        inner: &mut Inner,
        res: Res,
        current: &Arc<Stored>,
        grace_seconds: Option<i64>,
    ) -> Arc<Stored> {
        let is_pod = std::ptr::eq(res, &resources::PODS);
        let grace = grace_seconds.unwrap_or(if is_pod {
            current.value["spec"]["terminationGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(30)
        } else {
            0
        });
        let has_finalizers = current.value["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| !f.is_empty());
        if (is_pod && grace > 0) || has_finalizers {
            if current.value["metadata"].get("deletionTimestamp").is_some() {
                return current.clone();
            }
            let mut obj = current.value.clone();
            obj["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
            obj["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            return self.store_modified(inner, res, current, obj);
        }
        let key = (current.namespace().to_string(), current.name().to_string());
        inner.take(res, &key);
        inner.rv += 1;
        let rv = inner.rv;
        let mut obj = current.value.clone();
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        let stored = Stored::new(obj, rv);
        self.record(inner, EventType::Deleted, res, stored.clone(), None);
        if std::ptr::eq(res, &resources::NAMESPACES) {
            self.empty_namespace(inner, &key.1);
        }
        stored
    }

    /// Deletes everything in a namespace that is being removed.
    fn empty_namespace(&self, inner: &mut Inner, ns: &str) {
        let types: Vec<Res> = inner
            .objects
            .keys()
            .filter_map(|key| inner.type_of(key))
            .filter(|r| r.namespaced)
            .collect();
        // In discovery order, custom types last, as before custom types existed.
        let mut types = types;
        types.sort_by_key(|r| {
            resources::ALL_RESOURCES
                .iter()
                .position(|b| std::ptr::eq(*b, *r))
                .unwrap_or(usize::MAX)
        });
        for res in types {
            let victims: Vec<Arc<Stored>> = inner
                .objects
                .get(&type_key(res))
                .map(|m| {
                    m.range((ns.to_string(), String::new())..)
                        .take_while(|((n, _), _)| n == ns)
                        .map(|(_, v)| v.clone())
                        .collect()
                })
                .unwrap_or_default();
            for v in victims {
                self.delete_one(inner, res, &v, Some(0));
            }
        }
    }

    /// The garbage collector: deletes (or orphans) every object owned by `uid`, and
    /// their dependents in turn.
    fn collect_dependents(&self, inner: &mut Inner, uid: String, propagation: Propagation) {
        let mut owners = vec![uid];
        while let Some(owner) = owners.pop() {
            let dependents = inner.dependents_of(&owner);
            for (res, dep) in dependents {
                if propagation == Propagation::Orphan {
                    let mut obj = dep.value.clone();
                    if let Some(refs) = obj["metadata"]["ownerReferences"].as_array_mut() {
                        refs.retain(|r| r["uid"].as_str() != Some(owner.as_str()));
                        if refs.is_empty() {
                            if let Some(meta) = obj["metadata"].as_object_mut() {
                                meta.remove("ownerReferences");
                            }
                        }
                    }
                    // The object exists (it was just listed), so write cannot fail.
                    let _ = self.write(inner, res, &dep, obj, UpdateScope::All, false);
                } else {
                    let dep_uid = dep.value["metadata"]["uid"]
                        .as_str()
                        .unwrap_or("")
                        .to_string();
                    self.delete_one(inner, res, &dep, None);
                    owners.push(dep_uid);
                }
            }
        }
    }
}
