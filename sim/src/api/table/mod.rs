//! Server-side printing: `meta.k8s.io/v1` Tables with the apiserver's columns, which is
//! what `kubectl get` prints. Wide columns have priority 1 (`-o wide`).

mod apps;
mod batch;
mod core;
pub mod custom;
mod discovery;
mod metrics;
mod pods;
mod rbac;
mod storage;

use serde_json::{json, Value};

use super::request::Include;
use crate::resources::{self as r, ResourceType};

/// One column definition.
#[derive(Clone)]
pub struct Column {
    pub name: &'static str,
    pub kind: &'static str,
    pub format: &'static str,
    pub priority: u8,
    pub description: &'static str,
}

const fn col(name: &'static str, kind: &'static str, priority: u8) -> Column {
    Column {
        name,
        kind,
        format: "",
        priority,
        description: "",
    }
}

pub(crate) const NAME: Column = Column {
    name: "Name",
    kind: "string",
    format: "name",
    priority: 0,
    description: "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
};
pub(crate) const AGE: Column = Column {
    name: "Age",
    kind: "string",
    format: "",
    priority: 0,
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
};

/// Computes the cells of one object's row.
pub(crate) type Cells = fn(&Value, &Now) -> Vec<Value>;

/// Computes the cells of one object's row, for printers that need their resource type.
type DynCells<'a> = Box<dyn Fn(&Value, &Now) -> Vec<Value> + 'a>;

/// A printer: the columns and the cells of one object.
struct Printer<'a> {
    columns: std::borrow::Cow<'static, [Column]>,
    cells: DynCells<'a>,
}

/// The time a table is printed at.
pub struct Now(pub jiff::Timestamp);

impl Now {
    /// `5m2s`-style age of an RFC 3339 timestamp, `<unknown>` when it is missing. Whole
    /// seconds count toward zero, as `int(d.Seconds())` in Go: 0.7 s after a MicroTime
    /// (an event's `eventTime`) is "0s", and 1.5 s before a timestamp is "0s".
    pub fn since(&self, ts: &Value) -> String {
        match ts.as_str().and_then(|s| s.parse::<jiff::Timestamp>().ok()) {
            Some(t) => human_duration(self.0.duration_since(t).as_secs()),
            None => "<unknown>".to_string(),
        }
    }

    pub fn age(&self, obj: &Value) -> Value {
        json!(self.since(&obj["metadata"]["creationTimestamp"]))
    }
}

pub(crate) fn name(obj: &Value) -> Value {
    obj["metadata"]["name"].clone()
}

fn printer(res: &ResourceType) -> Printer<'_> {
    if res.custom {
        return Printer {
            columns: custom::columns(res).into(),
            cells: Box::new(move |obj, now| custom::cells(res, obj, now)),
        };
    }
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    let (columns, cells): (&'static [Column], Cells) = if is(&r::PODS) {
        (pods::COLUMNS, pods::cells)
    } else if let Some(p) = apps::printer(res)
        .or_else(|| core::printer(res))
        .or_else(|| batch::printer(res))
        .or_else(|| storage::printer(res))
        .or_else(|| rbac::printer(res))
        .or_else(|| discovery::printer(res))
        .or_else(|| metrics::printer(res))
    {
        p
    } else {
        // The apiserver's default table convertor (customresourcedefinitions).
        (rbac::DEFAULT, rbac::created_at)
    };
    Printer {
        columns: columns.into(),
        cells: Box::new(cells),
    }
}

/// A Table of `objects`. `headers` false leaves out the column definitions (watch events
/// after the first, like the apiserver).
pub fn table(
    res: &ResourceType,
    objects: &[&Value],
    include: Include,
    metadata: Value,
    headers: bool,
) -> Value {
    let printer = printer(res);
    let now = Now(jiff::Timestamp::now());
    let rows: Vec<Value> = objects
        .iter()
        .map(|obj| {
            let mut row = json!({"cells": (printer.cells)(obj, &now)});
            match include {
                Include::None => {}
                Include::Metadata => row["object"] = super::list::partial(obj),
                Include::Object => row["object"] = (*obj).clone(),
            }
            if std::ptr::eq(res, &r::PODS) {
                if let Some(conditions) = pods::row_conditions(obj) {
                    row["conditions"] = conditions;
                }
            }
            row
        })
        .collect();
    let mut table = json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "rows": rows,
    });
    if headers {
        table["columnDefinitions"] = printer
            .columns
            .iter()
            .map(|c| {
                json!({"name": c.name, "type": c.kind, "format": c.format,
                       "description": c.description, "priority": c.priority})
            })
            .collect();
    } else {
        table["columnDefinitions"] = json!([]);
    }
    table
}

/// kubectl's and the apiserver's `duration.HumanDuration` over whole seconds.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `<none>` for an empty string, as the printers write missing values.
pub(crate) fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s.to_string()
    }
}

/// A label selector map as `k=v,k2=v2` (sorted by key, like labels.SelectorFromSet).
pub(crate) fn selector_string(map: &Value) -> String {
    let Some(map) = map.as_object() else {
        return String::new();
    };
    let mut pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    pairs.sort();
    pairs.join(",")
}

/// A metav1.LabelSelector (matchLabels + matchExpressions) as a selector string.
pub(crate) fn label_selector_string(sel: &Value) -> String {
    let mut parts = Vec::new();
    let labels = selector_string(&sel["matchLabels"]);
    if !labels.is_empty() {
        parts.push(labels);
    }
    for expr in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = expr["key"].as_str().unwrap_or("");
        let values: Vec<&str> = expr["values"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        parts.push(match expr["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other}"),
        });
    }
    parts.join(",")
}

/// Names and images of a pod template's containers, comma-joined.
pub(crate) fn containers_and_images(pod_spec: &Value) -> (String, String) {
    let containers = pod_spec["containers"].as_array();
    let join = |field: &str| {
        containers
            .map(|cs| {
                cs.iter()
                    .map(|c| c[field].as_str().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    };
    (join("name"), join("image"))
}

pub(crate) fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_follow_kubectl() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (45, "45s"),
            (119, "119s"),
            (120, "2m"),
            (302, "5m2s"),
            (600, "10m"),
            (179 * 60 + 59, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (48 * 3600, "2d"),
            (50 * 3600, "2d2h"),
            (8 * 86400, "8d"),
            (400 * 86400, "400d"),
            (730 * 86400, "2y"),
            (740 * 86400, "2y10d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}s");
        }
    }

    #[test]
    fn ages_count_whole_seconds_toward_zero() {
        let at = |s: &str| Now(s.parse().unwrap());
        let t = json!("2026-01-01T00:00:10Z");
        assert_eq!(at("2026-01-01T00:00:11.9Z").since(&t), "1s");
        assert_eq!(at("2026-01-01T00:00:08.5Z").since(&t), "0s");
        assert_eq!(at("2026-01-01T00:00:07.5Z").since(&t), "<invalid>");
        let micro = json!("2026-01-01T00:00:10.300000Z");
        assert_eq!(at("2026-01-01T00:00:11Z").since(&micro), "0s");
        assert_eq!(at("2026-01-01T00:00:11Z").since(&json!(null)), "<unknown>");
    }

    #[test]
    fn selector_strings() {
        let sel = json!({"matchLabels": {"b": "2", "a": "1"},
                         "matchExpressions": [{"key": "env", "operator": "In", "values": ["x", "y"]}]});
        assert_eq!(label_selector_string(&sel), "a=1,b=2,env in (x,y)");
        assert_eq!(label_selector_string(&json!({})), "");
    }

    #[test]
    fn include_object_none_leaves_rows_bare() {
        let obj = json!({"metadata": {"name": "x", "creationTimestamp": "2020-01-01T00:00:00Z"}});
        let t = table(
            &crate::resources::CONFIGMAPS,
            &[&obj],
            Include::None,
            json!({}),
            true,
        );
        assert_eq!(t["columnDefinitions"][0]["name"], "Name");
        assert_eq!(t["rows"][0]["cells"][0], "x");
        assert!(t["rows"][0].get("object").is_none());
    }
}
