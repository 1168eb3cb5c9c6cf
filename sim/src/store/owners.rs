//! Writes to the object maps go through here, keeping the owner index (owner uid →
//! dependents) in step with the objects.

use super::*;

/// The uids an object's ownerReferences name.
fn owner_uids(obj: &Value) -> Vec<&str> {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .map(|refs| refs.iter().filter_map(|r| r["uid"].as_str()).collect())
        .unwrap_or_default()
}

impl Inner {
    /// Stores `stored` (a new object or a new version), returning the version it replaced.
    pub(super) fn put(&mut self, res: Res, stored: Arc<Stored>) -> Option<Arc<Stored>> {
        let key = (stored.namespace().to_string(), stored.name().to_string());
        let old = self
            .objects
            .entry(type_key(res))
            .or_default()
            .insert(key.clone(), stored.clone());
        let new_owners = owner_uids(&stored.value);
        let old_owners = old
            .as_ref()
            .map(|o| owner_uids(&o.value))
            .unwrap_or_default();
        if new_owners != old_owners {
            for uid in old_owners {
                self.unlink(uid, res, &key);
            }
            for uid in new_owners {
                self.dependents
                    .entry(uid.to_string())
                    .or_default()
                    .insert((type_key(res), key.clone()));
            }
        }
        old
    }

    /// Removes an object from its map and from the owner index.
    pub(super) fn take(&mut self, res: Res, key: &ObjKey) -> Option<Arc<Stored>> {
        let old = self.objects.get_mut(&type_key(res))?.remove(key)?;
        for uid in owner_uids(&old.value) {
            self.unlink(uid, res, key);
        }
        Some(old)
    }

    fn unlink(&mut self, owner: &str, res: Res, key: &ObjKey) {
        if let Some(set) = self.dependents.get_mut(owner) {
            set.remove(&(type_key(res), key.clone()));
            if set.is_empty() {
                self.dependents.remove(owner);
            }
        }
    }

    /// The type stored under `key` in this cluster: a built-in one, or one that its
    /// CRDs define (clusters in one process may define the same name differently).
    pub(super) fn type_of(&self, key: &TypeKey) -> Option<Res> {
        resources::by_type_key(key.0, key.1).or_else(|| {
            self.objects
                .get(&type_key(&resources::CUSTOM_RESOURCE_DEFINITIONS))?
                .values()
                .flat_map(|crd| resources::custom::from_crd(&crd.value))
                .find(|r| r.group == key.0 && r.plural == key.1)
        })
    }

    /// The objects whose ownerReferences name `owner`, with their types.
    pub(super) fn dependents_of(&self, owner: &str) -> Vec<(Res, Arc<Stored>)> {
        let Some(set) = self.dependents.get(owner) else {
            return Vec::new();
        };
        set.iter()
            .filter_map(|(tk, key)| {
                let res = self.type_of(tk)?;
                let obj = self.objects.get(tk)?.get(key)?;
                Some((res, obj.clone()))
            })
            .collect()
    }
}
