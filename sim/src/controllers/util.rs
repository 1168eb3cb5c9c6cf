//! Small helpers shared by the controllers: keys, labels and selectors, owner references,
//! conditions, the pod-template hash, int-or-percent values.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

/// (namespace, name) of an object.
pub type Key = (String, String);

pub fn key_of(obj: &Value) -> Key {
    (
        str_at(obj, &["metadata", "namespace"]).to_string(),
        str_at(obj, &["metadata", "name"]).to_string(),
    )
}

/// The string at a path, or "".
pub fn str_at<'a>(obj: &'a Value, path: &[&str]) -> &'a str {
    let mut v = obj;
    for p in path {
        v = &v[*p];
    }
    v.as_str().unwrap_or("")
}

pub fn uid_of(obj: &Value) -> &str {
    str_at(obj, &["metadata", "uid"])
}

pub fn is_deleting(obj: &Value) -> bool {
    obj["metadata"].get("deletionTimestamp").is_some()
}

/// `spec.replicas`, defaulting to 1 as the apiserver does.
pub fn spec_replicas(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1).max(0)
}

pub fn now() -> String {
    crate::store::now_rfc3339()
}

/// Whether a map selector (Service `spec.selector`, `matchLabels`) matches `labels`.
pub fn map_matches(selector: &Map<String, Value>, labels: &Value) -> bool {
    selector
        .iter()
        .all(|(k, v)| labels.get(k).is_some_and(|l| l == v))
}

/// Whether a `metav1.LabelSelector` matches `labels`. An empty selector matches everything.
pub fn selector_matches(selector: &Value, labels: &Value) -> bool {
    if let Some(ml) = selector["matchLabels"].as_object() {
        if !map_matches(ml, labels) {
            return false;
        }
    }
    let exprs = selector["matchExpressions"].as_array();
    exprs.into_iter().flatten().all(|e| {
        let key = e["key"].as_str().unwrap_or("");
        let value = labels.get(key).and_then(Value::as_str);
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|vs| vs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match e["operator"].as_str().unwrap_or("") {
            "In" => value.is_some_and(|v| values.contains(&v)),
            "NotIn" => !value.is_some_and(|v| values.contains(&v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    })
}

/// The controller reference a controller puts on what it creates.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// The ownerReference marked `controller: true`, if any.
pub fn controller_of(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
}

/// The uid of the controlling owner of `obj` if that owner is of `kind`.
pub fn controller_uid<'a>(obj: &'a Value, kind: &str) -> Option<&'a str> {
    controller_of(obj)
        .filter(|r| r["kind"].as_str() == Some(kind))
        .and_then(|r| r["uid"].as_str())
}

/// FNV-1a, 32 bit: the hash the controllers use for pod-template hashes.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The apiserver's `SafeEncodeString`: maps every character onto an alphabet without
/// vowels (so hashes never spell words) or confusable characters.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.chars()
        .map(|c| ALPHANUMS[(c as usize) % ALPHANUMS.len()] as char)
        .collect()
}

/// JSON with object keys sorted, so equal values always hash alike.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}:", Value::String(k.clone()));
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The controller's `ComputeHash`: FNV-1a of the template (plus the collision count when
/// there is one), safe-encoded. Deterministic, so a template always maps to the same
/// ReplicaSet name.
pub fn compute_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut bytes = canonical_json(&without_nulls(template)).into_bytes();
    if let Some(c) = collision_count {
        let c = u32::try_from(c).unwrap_or(0);
        bytes.extend_from_slice(&c.to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// `v` without null members: a client that serializes typed objects sends
/// `creationTimestamp: null` and the like, which mean the same as absent.
pub fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// A pod template without the `pod-template-hash` label (and without nulls): what
/// `EqualIgnoreHash` compares.
pub fn template_without_hash(template: &Value) -> Value {
    let mut t = without_nulls(template);
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH);
    }
    t
}

pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// An int-or-percent (`maxSurge: 25%`) scaled to `total`, rounding up or down.
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) if round_up => (p * total + 99) / 100,
            Some(p) => p * total / 100,
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// Sets a pod-style condition (`type`, `status`, `reason`, `message`,
/// `lastTransitionTime`), keeping the transition time when the status did not change.
pub fn set_pod_condition(conds: &mut Vec<Value>, ty: &str, status: bool, reason: Option<&str>) {
    let status = if status { "True" } else { "False" };
    let now = now();
    if let Some(c) = conds.iter_mut().find(|c| c["type"] == ty) {
        if c["status"] != status {
            c["status"] = json!(status);
            c["lastTransitionTime"] = json!(now);
        }
        match reason {
            Some(r) => c["reason"] = json!(r),
            None => {
                if let Some(m) = c.as_object_mut() {
                    m.remove("reason");
                    m.remove("message");
                }
            }
        }
        return;
    }
    let mut c =
        json!({"type": ty, "status": status, "lastProbeTime": null, "lastTransitionTime": now});
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    conds.push(c);
}

/// A cheap pseudo-random hex string (container ids, image digests, event names).
pub fn random_hex(len: usize) -> String {
    let mut s = String::with_capacity(len);
    while s.len() < len {
        let _ = write!(s, "{:032x}", rand::random::<u128>());
    }
    s.truncate(len);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_encode_uses_the_apiserver_alphabet() {
        // '0' is 48, 48 % 27 = 21 → '4'; '9' is 57 → 57 % 27 = 3 → 'f'.
        assert_eq!(safe_encode("09"), "4f");
        let h = compute_hash(&json!({"spec": {"containers": []}}), None);
        assert!(h.len() <= 10 && !h.is_empty());
        assert!(h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }

    #[test]
    fn hash_is_stable_and_sensitive_to_template_and_collisions() {
        let a = json!({"metadata": {"labels": {"app": "x", "tier": "web"}}, "spec": {"containers": [{"image": "a:1"}]}});
        let b = json!({"spec": {"containers": [{"image": "a:1"}]}, "metadata": {"labels": {"tier": "web", "app": "x"}}});
        assert_eq!(compute_hash(&a, None), compute_hash(&b, None));
        let mut c = a.clone();
        c["spec"]["containers"][0]["image"] = json!("a:2");
        assert_ne!(compute_hash(&a, None), compute_hash(&c, None));
        assert_ne!(compute_hash(&a, None), compute_hash(&a, Some(1)));
        let mut with_null = a.clone();
        with_null["metadata"]["creationTimestamp"] = Value::Null;
        assert_eq!(compute_hash(&a, None), compute_hash(&with_null, None));
        assert_eq!(template_without_hash(&with_null), template_without_hash(&a));
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let labels = json!({"app": "web", "tier": "front"});
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "web"}}),
            &labels
        ));
        assert!(!selector_matches(
            &json!({"matchLabels": {"app": "db"}}),
            &labels
        ));
        let sel = json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}, {"key": "x", "operator": "DoesNotExist"}]});
        assert!(selector_matches(&sel, &labels));
        let sel =
            json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]});
        assert!(!selector_matches(&sel, &labels));
    }

    #[test]
    fn percentages_scale_with_rounding() {
        assert_eq!(scaled_value(&json!("25%"), 3, true), 1);
        assert_eq!(scaled_value(&json!("25%"), 3, false), 0);
        assert_eq!(scaled_value(&json!("25%"), 4, false), 1);
        assert_eq!(scaled_value(&json!(2), 10, false), 2);
    }
}
