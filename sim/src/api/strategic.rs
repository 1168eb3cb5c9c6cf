//! Strategic merge patch: the subset kubectl sends (`apply`, `set image`, `label`,
//! `annotate`, `patch --type=strategic`). Maps merge recursively, `null` deletes, lists
//! of known kinds merge by their key (containers and env by `name`, container ports by
//! `containerPort`, service ports by `port` …), other lists are replaced. Directives:
//! `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/…`;
//! `$setElementOrder/…` is accepted and ignored.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Applies `patch` to `target` in place.
pub fn apply(target: &mut Value, patch: &Value) -> Result<(), ApiError> {
    if !patch.is_object() {
        return Err(ApiError::bad_request(
            "a strategic merge patch must be a JSON object",
        ));
    }
    merge_value(target, patch)
}

fn directive(v: &Value) -> Option<&str> {
    v.get("$patch").and_then(Value::as_str)
}

/// The patch object without its `$…` directives (at every level).
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|e| directive(e).is_none() || e.as_object().is_some_and(|m| m.len() > 1))
                .map(strip)
                .collect(),
        ),
        other => other.clone(),
    }
}

fn merge_value(target: &mut Value, patch: &Value) -> Result<(), ApiError> {
    let Some(patch_map) = patch.as_object() else {
        *target = patch.clone();
        return Ok(());
    };
    match directive(patch) {
        Some("replace") => {
            *target = strip(patch);
            return Ok(());
        }
        Some("delete") => {
            *target = Value::Object(Map::new());
            return Ok(());
        }
        Some("merge") | None => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown patch type: {other:?} in the $patch directive"
            )))
        }
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(map) = target.as_object_mut() else {
        return Ok(());
    };
    if let Some(keep) = patch_map.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        map.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (key, pv) in patch_map {
        if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(list), Some(gone)) = (
                map.get_mut(field).and_then(Value::as_array_mut),
                pv.as_array(),
            ) {
                list.retain(|v| !gone.contains(v));
            }
            continue;
        }
        if key.starts_with('$') {
            // $patch, $retainKeys (handled above), $setElementOrder/… (order is cosmetic).
            continue;
        }
        match pv {
            Value::Null => {
                map.remove(key);
            }
            Value::Object(_) if directive(pv) == Some("delete") => {
                map.remove(key);
            }
            Value::Array(items) => {
                let current = map.entry(key.clone()).or_insert(Value::Null);
                merge_list(current, items, key)?;
            }
            Value::Object(_) => {
                let current = map.entry(key.clone()).or_insert(Value::Null);
                merge_value(current, pv)?;
            }
            scalar => {
                map.insert(key.clone(), scalar.clone());
            }
        }
    }
    Ok(())
}

/// The merge key of a list field, as the Kubernetes types declare it
/// (`patchMergeKey`); `None` for lists that are replaced whole.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "conditions" | "addresses" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        // Container ports merge by containerPort, service ports by port.
        "ports" if items.iter().any(|p| p.get("containerPort").is_some()) => "containerPort",
        "ports" => "port",
        _ => return None,
    })
}

/// Primitive lists with `patchStrategy: merge` (a set union).
fn is_primitive_set(field: &str) -> bool {
    matches!(field, "finalizers")
}

fn merge_list(target: &mut Value, items: &[Value], field: &str) -> Result<(), ApiError> {
    if items.iter().any(|e| directive(e) == Some("replace")) {
        *target = strip(&Value::Array(items.to_vec()));
        return Ok(());
    }
    let Some(key) = merge_key(field, items) else {
        if is_primitive_set(field) {
            let list = ensure_array(target);
            for item in items {
                if !list.contains(item) {
                    list.push(item.clone());
                }
            }
        } else {
            *target = strip(&Value::Array(items.to_vec()));
        }
        return Ok(());
    };
    let list = ensure_array(target);
    for item in items {
        let Some(id) = item.get(key) else {
            return Err(ApiError::bad_request(format!(
                "map: {item} does not contain declared merge key: {key}"
            )));
        };
        let pos = list.iter().position(|e| e.get(key) == Some(id));
        match (directive(item), pos) {
            (Some("delete"), Some(i)) => {
                list.remove(i);
            }
            (Some("delete"), None) => {}
            (_, Some(i)) => merge_value(&mut list[i], item)?,
            (_, None) => list.push(strip(item)),
        }
    }
    Ok(())
}

fn ensure_array(v: &mut Value) -> &mut Vec<Value> {
    if !v.is_array() {
        *v = Value::Array(Vec::new());
    }
    match v {
        Value::Array(a) => a,
        _ => unreachable!("just made an array"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(target: Value, patch: Value) -> Value {
        let mut t = target;
        apply(&mut t, &patch).unwrap();
        t
    }

    fn deployment() -> Value {
        json!({"metadata": {"labels": {"app": "hello"}, "annotations": {"a": "1"}},
               "spec": {"replicas": 1, "template": {"spec": {"containers": [
                   {"name": "web", "image": "web:1", "env": [{"name": "A", "value": "1"}],
                    "ports": [{"containerPort": 80}]},
                   {"name": "side", "image": "side:1"}]}}}})
    }

    #[test]
    fn set_image_merges_containers_by_name() {
        let d = patched(
            deployment(),
            json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}}),
        );
        let cs = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs[0]["image"], "web:2");
        assert_eq!(cs[0]["env"][0]["value"], "1");
        assert_eq!(cs[1]["image"], "side:1");
    }

    #[test]
    fn maps_merge_and_null_deletes() {
        let d = patched(
            deployment(),
            json!({"metadata": {"labels": {"tier": "front"}, "annotations": {"a": null}}}),
        );
        assert_eq!(
            d["metadata"]["labels"],
            json!({"app": "hello", "tier": "front"})
        );
        assert_eq!(d["metadata"]["annotations"], json!({}));
    }

    #[test]
    fn env_and_ports_merge_by_their_keys() {
        let d = patched(
            deployment(),
            json!({"spec": {"template": {"spec": {"containers": [{"name": "web",
                "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "9"}],
                "ports": [{"containerPort": 8080}]}]}}}}),
        );
        let web = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(
            web["env"],
            json!([{"name": "A", "value": "9"}, {"name": "B", "value": "2"}])
        );
        assert_eq!(web["ports"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn directives() {
        let d = patched(
            deployment(),
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "side"}, {"name": "web"}],
                "containers": [{"name": "side", "$patch": "delete"}]}}}}),
        );
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        let d = patched(
            deployment(),
            json!({"metadata": {"labels": {"$patch": "replace", "new": "x"}}}),
        );
        assert_eq!(d["metadata"]["labels"], json!({"new": "x"}));

        let d = patched(
            deployment(),
            json!({"spec": {"template": {"spec": {"containers": [
                {"$patch": "replace"}, {"name": "only", "image": "o:1"}]}}}}),
        );
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"],
            json!([{"name": "only", "image": "o:1"}])
        );

        let d = patched(
            json!({"metadata": {"finalizers": ["a", "b"]}, "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c"]},
                   "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        );
        assert_eq!(d["metadata"]["finalizers"], json!(["b", "c"]));
        assert_eq!(d["spec"]["strategy"], json!({"type": "Recreate"}));
    }

    #[test]
    fn lists_without_a_merge_key_are_replaced() {
        let d = patched(
            json!({"spec": {"args": ["a", "b"], "tolerations": [{"key": "x"}]}}),
            json!({"spec": {"args": ["c"], "tolerations": []}}),
        );
        assert_eq!(d["spec"], json!({"args": ["c"], "tolerations": []}));
    }

    #[test]
    fn bad_patches_are_400() {
        let mut t = deployment();
        assert_eq!(apply(&mut t, &json!([1])).unwrap_err().code, 400);
        let err = apply(
            &mut t,
            &json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}),
        )
        .unwrap_err();
        assert_eq!(err.code, 400);
    }
}
