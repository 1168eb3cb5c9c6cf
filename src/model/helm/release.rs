//! The release JSON as Helm 3 writes it (`pkg/release`): `name`, `namespace`, `version`,
//! `info` (`status`, `description`, `first_deployed`, `last_deployed`, `notes`), `chart`
//! (`metadata`, `values`, templates), `config` (the user's values), `manifest`, `hooks`.
//! Kept as JSON so that a record rkt writes carries every field Helm wrote, known or not.

use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// Helm's release statuses (`pkg/release/status.go`).
pub const DEPLOYED: &str = "deployed";
pub const SUPERSEDED: &str = "superseded";
pub const FAILED: &str = "failed";
pub const PENDING_ROLLBACK: &str = "pending-rollback";

/// The hook events a rollback runs.
pub const ROLLBACK_HOOKS: [&str; 2] = ["pre-rollback", "post-rollback"];
/// The hook events an uninstall runs.
pub const DELETE_HOOKS: [&str; 2] = ["pre-delete", "post-delete"];

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

pub fn name(r: &Value) -> &str {
    text(r, "/name")
}

pub fn namespace(r: &Value) -> &str {
    text(r, "/namespace")
}

pub fn version(r: &Value) -> i64 {
    r["version"].as_i64().unwrap_or(0)
}

pub fn status(r: &Value) -> &str {
    text(r, "/info/status")
}

pub fn description(r: &Value) -> &str {
    text(r, "/info/description")
}

pub fn manifest(r: &Value) -> &str {
    text(r, "/manifest")
}

pub fn notes(r: &Value) -> &str {
    text(r, "/info/notes")
}

/// `nginx-15.14.0`, as `helm list` prints CHART.
pub fn chart(r: &Value) -> String {
    let (n, v) = (
        text(r, "/chart/metadata/name"),
        text(r, "/chart/metadata/version"),
    );
    if n.is_empty() {
        String::new()
    } else {
        format!("{n}-{v}")
    }
}

pub fn app_version(r: &Value) -> &str {
    text(r, "/chart/metadata/appVersion")
}

/// When the revision was deployed (`info.last_deployed`, Go's RFC 3339 with nanoseconds).
pub fn updated(r: &Value) -> Option<Timestamp> {
    text(r, "/info/last_deployed").parse().ok()
}

/// The user-supplied values (`helm get values`), as YAML.
pub fn user_values(r: &Value) -> String {
    yaml(r.get("config").unwrap_or(&Value::Null))
}

/// Every value the templates saw (`helm get values --all`): the chart's defaults with the
/// user's values over them.
pub fn computed_values(r: &Value) -> String {
    let mut all = r
        .pointer("/chart/values")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    coalesce(&mut all, r.get("config").unwrap_or(&Value::Null));
    yaml(&all)
}

/// `over` onto `base`: maps merge key by key, anything else replaces, and a null removes
/// the key (Helm's way of unsetting a chart default).
fn coalesce(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                } else if let Some(slot) = b.get_mut(k) {
                    coalesce(slot, v);
                } else {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
        (b, o) if !o.is_null() => *b = o.clone(),
        _ => {}
    }
}

fn yaml(v: &Value) -> String {
    match v {
        Value::Null => "null\n".into(),
        Value::Object(m) if m.is_empty() => "{}\n".into(),
        other => serde_yaml::to_string(other).unwrap_or_else(|e| format!("# {e}\n")),
    }
}

/// The hooks as `helm get hooks` prints them: each one's manifest under its source path.
pub fn hooks_text(r: &Value) -> String {
    let mut out = String::new();
    for hook in r["hooks"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "---\n# Source: {}\n{}\n",
            text(hook, "/path"),
            text(hook, "/manifest").trim_end()
        ));
    }
    out
}

/// The names of the hooks that run on any of `events` (`kind/name`).
pub fn hooks_on(r: &Value, events: &[&str]) -> Vec<String> {
    r["hooks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| {
            h["events"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e.as_str().is_some_and(|e| events.contains(&e)))
        })
        .map(|h| format!("{}/{}", text(h, "/kind"), text(h, "/name")))
        .collect()
}

/// Go's time format in release JSON (RFC 3339 with nanoseconds, UTC).
pub fn go_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

/// What `helm rollback NAME N` stores first: revision `latest + 1` with the target's chart,
/// values, manifest, hooks and notes, the release's first deployment time, status
/// `pending-rollback` and description `Rollback to N`.
pub fn rollback_release(current: &Value, target: &Value, latest: i64, now: Timestamp) -> Value {
    let mut info = json!({
        "first_deployed": current["info"]["first_deployed"],
        "last_deployed": go_time(now),
        "deleted": "",
        "description": format!("Rollback to {}", version(target)),
        "status": PENDING_ROLLBACK,
    });
    if let Some(notes) = target.pointer("/info/notes").filter(|n| !n.is_null()) {
        info["notes"] = notes.clone();
    }
    let mut out = json!({
        "name": name(current),
        "namespace": namespace(current),
        "info": info,
        "chart": target["chart"],
        "config": target["config"],
        "manifest": manifest(target),
        "version": latest + 1,
    });
    for optional in ["hooks", "labels"] {
        if let Some(v) = target.get(optional).filter(|v| !v.is_null()) {
            out[optional] = v.clone();
        }
    }
    out
}

/// The same release with another status (and description, when given).
pub fn with_status(r: &Value, status: &str, description: Option<&str>) -> Value {
    let mut out = r.clone();
    out["info"]["status"] = json!(status);
    if let Some(d) = description {
        out["info"]["description"] = json!(d);
    }
    out
}
