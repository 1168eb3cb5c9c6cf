//! events.k8s.io/v1 Events: served from the core/v1 events the components record, as
//! the apiserver does (one storage, two shapes). Objects are converted on the way out
//! and on the way in; the Table is the core Event printer's.

use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::resources::{ResourceType, EVENTS, EVENTS_V1};

/// (core/v1 field, events.k8s.io/v1 field) of the fields that only change name.
const RENAMED: &[(&str, &str)] = &[
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("reportingComponent", "reportingController"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
];
/// Fields with the same name in both.
const SAME: &[&str] = &[
    "metadata",
    "eventTime",
    "series",
    "reportingInstance",
    "action",
    "reason",
    "related",
    "type",
];

pub fn is_v1(res: &ResourceType) -> bool {
    std::ptr::eq(res, &EVENTS_V1)
}

fn convert(
    obj: &Value,
    renames: impl Iterator<Item = (&'static str, &'static str)>,
    api_version: &str,
) -> Value {
    let mut out = Map::new();
    out.insert("apiVersion".into(), json!(api_version));
    out.insert("kind".into(), json!("Event"));
    for field in SAME {
        if let Some(v) = obj.get(*field).filter(|v| !v.is_null()) {
            out.insert((*field).into(), v.clone());
        }
    }
    for (from, to) in renames {
        if let Some(v) = obj.get(from).filter(|v| !v.is_null()) {
            out.insert(to.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// A stored core/v1 Event as events.k8s.io/v1 shows it.
pub fn to_v1(core: &Value) -> Value {
    convert(core, RENAMED.iter().copied(), "events.k8s.io/v1")
}

/// An events.k8s.io/v1 Event as core/v1 stores it.
pub fn to_core(v1: &Value) -> Value {
    let mut core = convert(v1, RENAMED.iter().map(|(c, v)| (*v, *c)), "v1");
    // The apiserver requires the core shape's reportingComponent and source to agree.
    if core["source"].is_null() {
        if let Some(controller) = core["reportingComponent"].as_str() {
            core["source"] = json!({"component": controller});
        }
    }
    core
}

/// The type to store a request's objects as, and the body in that type's shape.
pub fn incoming(res: &'static ResourceType, body: Value) -> (&'static ResourceType, Value) {
    if is_v1(res) {
        (&EVENTS, to_core(&body))
    } else {
        (res, body)
    }
}

/// A stored object's JSON as `res` serves it: the stored bytes, or converted ones.
pub fn outgoing(res: &ResourceType, value: &Value, json: &Bytes) -> Bytes {
    if is_v1(res) {
        Bytes::from(serde_json::to_vec(&to_v1(value)).unwrap_or_default())
    } else {
        json.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_convert_both_ways() {
        let core = json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web.1", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "web"}, "reason": "Unhealthy",
            "message": "Liveness probe failed", "type": "Warning", "count": 3,
            "source": {"component": "kubelet", "host": "minikube"},
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z"});
        let v1 = to_v1(&core);
        assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v1["regarding"]["name"], "web");
        assert_eq!(v1["note"], "Liveness probe failed");
        assert_eq!(v1["deprecatedCount"], 3);
        assert!(v1.get("message").is_none());
        assert_eq!(to_core(&v1), core);
    }
}
