//! Tables of custom resources, as the apiextensions apiserver builds them: a Name column,
//! then one column per `additionalPrinterColumns` entry, each cell the value at its
//! (simple) JSONPath, typed by the column: `date` turns into an age.

use serde_json::{json, Value};

use super::{Column, Now, NAME};
use crate::resources::ResourceType;

pub(super) fn columns(res: &ResourceType) -> Vec<Column> {
    let mut out = vec![NAME];
    out.extend(res.printer_columns.iter().map(|c| Column {
        name: c.name,
        kind: c.kind,
        format: c.format,
        priority: c.priority,
        description: c.description,
    }));
    out
}

pub(super) fn cells(res: &ResourceType, obj: &Value, now: &Now) -> Vec<Value> {
    let mut out = vec![super::name(obj)];
    for c in res.printer_columns {
        let cell = match json_path(obj, c.json_path) {
            None | Some(Value::Null) => Value::Null,
            Some(v) => typed(c.kind, v, now),
        };
        out.push(cell);
    }
    out
}

/// A cell of a column `kind` from the value found; null where the apiserver gives nil.
fn typed(kind: &str, v: &Value, now: &Now) -> Value {
    match kind {
        "string" => match v {
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        },
        "integer" => match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map_or(Value::Null, |i| json!(i)),
            Value::String(s) => s.parse::<i64>().map_or(Value::Null, |i| json!(i)),
            _ => Value::Null,
        },
        "number" => match v {
            Value::Number(_) => v.clone(),
            Value::String(s) => s.parse::<f64>().map_or(Value::Null, |f| json!(f)),
            _ => Value::Null,
        },
        "boolean" => match v {
            Value::Bool(_) => v.clone(),
            Value::String(s) => s.parse::<bool>().map_or(Value::Null, |b| json!(b)),
            _ => Value::Null,
        },
        "date" => match v {
            Value::String(_) => json!(now.since(v)),
            _ => Value::Null,
        },
        _ => v.clone(),
    }
}

/// The value at a simple JSONPath: `.spec.replicas`, `{.status.phase}`,
/// `.status.conditions[0].type`, `.metadata.labels['app.kubernetes.io/name']`.
pub fn json_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim();
    let path = path
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .unwrap_or(path);
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    let mut at = obj;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (key, tail) = r.split_at(end);
            if !key.is_empty() {
                at = at.get(key)?;
            }
            rest = tail;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let (inside, tail) = r.split_at(end);
            rest = &tail[1..];
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            at = match quoted {
                Some(key) => at.get(key)?,
                None => {
                    let i: i64 = inside.trim().parse().ok()?;
                    let arr = at.as_array()?;
                    let idx = if i < 0 {
                        arr.len().checked_sub(i.unsigned_abs() as usize)?
                    } else {
                        i as usize
                    };
                    arr.get(idx)?
                }
            };
        } else {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_json_paths() {
        let obj = json!({"spec": {"cronSpec": "* * * * */5", "replicas": 3},
            "status": {"conditions": [{"type": "Ready"}, {"type": "Synced"}]},
            "metadata": {"labels": {"app.kubernetes.io/name": "x"}}});
        assert_eq!(
            json_path(&obj, ".spec.cronSpec"),
            Some(&json!("* * * * */5"))
        );
        assert_eq!(json_path(&obj, "{.spec.replicas}"), Some(&json!(3)));
        assert_eq!(
            json_path(&obj, ".status.conditions[1].type"),
            Some(&json!("Synced"))
        );
        assert_eq!(
            json_path(&obj, ".status.conditions[-1].type"),
            Some(&json!("Synced"))
        );
        assert_eq!(
            json_path(&obj, ".metadata.labels['app.kubernetes.io/name']"),
            Some(&json!("x"))
        );
        assert_eq!(json_path(&obj, ".spec.missing"), None);
        let now = Now("2026-01-01T00:01:00Z".parse().unwrap());
        assert_eq!(
            typed("date", &json!("2026-01-01T00:00:00Z"), &now),
            json!("60s")
        );
        assert_eq!(typed("integer", &json!("7"), &now), json!(7));
        assert_eq!(typed("string", &json!(3), &now), json!("3"));
    }
}
