//! What a rollback sends for each object: Helm's three-way merge (`pkg/kube/client.go`
//! `Update`) of the manifest the release has now (old), the one it goes to (target) and the
//! object as it is in the cluster (live): the fields of the target that the live object
//! does not have as the target says, and `null` for fields the old manifest set and the
//! target no longer does. Fields neither manifest mentions (status, defaults, what
//! controllers and other clients set) are left alone. Sent as a JSON merge patch, so lists
//! are replaced whole (Helm merges built-in kinds' lists by key: see the README).

use serde_json::{json, Map, Value};

/// The merge patch that brings `live` to `target`, given that `old` was applied before;
/// `None` when nothing differs.
pub fn three_way(old: Option<&Value>, target: &Value, live: &Value) -> Option<Value> {
    let empty = Map::new();
    let old = old.and_then(Value::as_object).unwrap_or(&empty);
    let live_map = live.as_object().unwrap_or(&empty);
    let target = target.as_object()?;
    let mut patch = Map::new();
    for (key, want) in target {
        match (want, live_map.get(key)) {
            (Value::Object(_), Some(have @ Value::Object(_))) => {
                if let Some(sub) = three_way(old.get(key), want, have) {
                    patch.insert(key.clone(), sub);
                }
            }
            (_, Some(have)) if have == want => {}
            _ => {
                patch.insert(key.clone(), want.clone());
            }
        }
    }
    for key in old.keys() {
        if !target.contains_key(key) && live_map.contains_key(key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    (!patch.is_empty()).then_some(Value::Object(patch))
}

/// Marks an object as the release's, as Helm does before it sends it: the `managed-by`
/// label and the release name and namespace annotations.
pub fn adopt(obj: &mut Value, release: &str, namespace: &str) {
    let meta = &mut obj["metadata"];
    if !meta["labels"].is_object() {
        meta["labels"] = json!({});
    }
    meta["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
    if !meta["annotations"].is_object() {
        meta["annotations"] = json!({});
    }
    meta["annotations"]["meta.helm.sh/release-name"] = json!(release);
    meta["annotations"]["meta.helm.sh/release-namespace"] = json!(namespace);
}

/// Whether the object asks to be kept when its release no longer has it.
pub fn keeps(obj: &Value) -> bool {
    obj.pointer(&format!(
        "/metadata/annotations/{}",
        super::RESOURCE_POLICY.replace('/', "~1")
    ))
    .and_then(Value::as_str)
    .is_some_and(|p| p == super::KEEP)
}
