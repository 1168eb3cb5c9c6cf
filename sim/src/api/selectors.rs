//! Label and field selectors, as the apiserver parses and applies them.

use serde_json::Value;

use crate::error::ApiError;
use crate::resources::{ResourceType, EVENTS, NAMESPACES, NODES, PODS, SECRETS};

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq(String),
    NotEq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
}

#[derive(Debug, Clone, PartialEq)]
struct Requirement {
    key: String,
    op: Op,
}

impl Requirement {
    fn matches(&self, value: Option<&str>) -> bool {
        match (&self.op, value) {
            (Op::Eq(want), Some(v)) => v == want,
            (Op::NotEq(want), v) => v != Some(want.as_str()),
            (Op::In(set), Some(v)) => set.iter().any(|s| s == v),
            (Op::NotIn(set), v) => v.is_none_or(|v| !set.iter().any(|s| s == v)),
            (Op::Exists, v) => v.is_some(),
            (Op::NotExists, v) => v.is_none(),
            (Op::Eq(_) | Op::In(_), None) => false,
        }
    }
}

/// A parsed `labelSelector`: every requirement must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    /// Parses `app=web,tier!=db,env in (a,b),env notin (c),feature,!legacy`.
    pub fn parse(text: &str) -> Result<LabelSelector, ApiError> {
        let mut reqs = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_label_requirement(part).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unable to parse requirement: found '{part}', expected: a valid label selector"
                ))
            })?);
        }
        Ok(LabelSelector(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an object's `metadata.labels` satisfy the selector.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        self.0
            .iter()
            .all(|r| r.matches(labels.get(&r.key).and_then(Value::as_str)))
    }
}

/// Splits on commas outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_label_requirement(part: &str) -> Option<Requirement> {
    if let Some(key) = part.strip_prefix('!') {
        return valid_key(key.trim()).then(|| Requirement {
            key: key.trim().to_string(),
            op: Op::NotExists,
        });
    }
    for (word, notin) in [(" notin ", true), (" in ", false)] {
        if let Some((key, set)) = part.split_once(word) {
            let set = set.trim().strip_prefix('(')?.strip_suffix(')')?;
            let values: Vec<String> = set
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            if !valid_key(key.trim()) || !values.iter().all(|v| valid_value(v)) {
                return None;
            }
            let op = if notin {
                Op::NotIn(values)
            } else {
                Op::In(values)
            };
            return Some(Requirement {
                key: key.trim().to_string(),
                op,
            });
        }
    }
    let (key, op) = if let Some((k, v)) = part.split_once("!=") {
        (k, Op::NotEq(v.trim().to_string()))
    } else if let Some((k, v)) = part.split_once("==") {
        (k, Op::Eq(v.trim().to_string()))
    } else if let Some((k, v)) = part.split_once('=') {
        (k, Op::Eq(v.trim().to_string()))
    } else {
        (part, Op::Exists)
    };
    let value_ok = match &op {
        Op::Eq(v) | Op::NotEq(v) => valid_value(v),
        _ => true,
    };
    (valid_key(key.trim()) && value_ok).then(|| Requirement {
        key: key.trim().to_string(),
        op,
    })
}

/// A label key: an optional DNS prefix and `/`, then a name of `[A-Za-z0-9_.-]`.
fn valid_key(key: &str) -> bool {
    let name = key.rsplit_once('/').map_or(key, |(_, n)| n);
    !name.is_empty() && name.len() <= 63 && valid_value(name) && !key.contains(' ')
}

fn valid_value(v: &str) -> bool {
    v.len() <= 63
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// A parsed `fieldSelector` (`=`, `==`, `!=` on the fields the apiserver indexes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(Vec<Requirement>);

impl FieldSelector {
    pub fn parse(text: &str, res: &ResourceType) -> Result<FieldSelector, ApiError> {
        let mut reqs = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, op) = if let Some((k, v)) = part.split_once("!=") {
                (k, Op::NotEq(v.to_string()))
            } else if let Some((k, v)) = part.split_once("==") {
                (k, Op::Eq(v.to_string()))
            } else if let Some((k, v)) = part.split_once('=') {
                (k, Op::Eq(v.to_string()))
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{text}'; can't understand '{part}'"
                )));
            };
            let key = key.trim();
            if !field_supported(res, key) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {key}"
                )));
            }
            reqs.push(Requirement {
                key: key.to_string(),
                op,
            });
        }
        Ok(FieldSelector(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the object's fields satisfy the selector (a missing field is "").
    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|r| {
            let value = field_value(obj, &r.key);
            r.matches(Some(value.as_str()))
        })
    }

    /// The name this selector pins with `metadata.name=X`, if any (kubectl's wait/watch).
    pub fn exact_name(&self) -> Option<&str> {
        self.0.iter().find_map(|r| match &r.op {
            Op::Eq(v) if r.key == "metadata.name" => Some(v.as_str()),
            _ => None,
        })
    }
}

fn field_supported(res: &ResourceType, key: &str) -> bool {
    const COMMON: &[&str] = &["metadata.name", "metadata.namespace"];
    const POD: &[&str] = &[
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ];
    const EVENT: &[&str] = &[
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ];
    let extra: &[&str] = if std::ptr::eq(res, &PODS) {
        POD
    } else if std::ptr::eq(crate::resources::storage_of(res), &EVENTS) {
        // Both Event APIs select on the stored (core/v1) fields.
        EVENT
    } else if std::ptr::eq(res, &SECRETS) {
        &["type"]
    } else if std::ptr::eq(res, &NODES) {
        &["spec.unschedulable"]
    } else if std::ptr::eq(res, &NAMESPACES) {
        &["status.phase"]
    } else {
        &[]
    };
    COMMON.contains(&key) || extra.contains(&key)
}

/// The string value of a dotted field path; "" when missing.
fn field_value(obj: &Value, path: &str) -> String {
    let v = path.split('.').fold(obj, |v, seg| &v[seg]);
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ if path == "source" => obj["source"]["component"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

/// The label and field selectors of a list or watch request.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn new(
        label: Option<&str>,
        field: Option<&str>,
        res: &ResourceType,
    ) -> Result<Selectors, ApiError> {
        Ok(Selectors {
            labels: LabelSelector::parse(label.unwrap_or(""))?,
            fields: FieldSelector::parse(field.unwrap_or(""), res)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::DEPLOYMENTS;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"name": "web-1", "namespace": "prod", "labels": labels},
               "spec": {"nodeName": "minikube"}, "status": {"phase": "Running"}})
    }

    fn sel(text: &str) -> LabelSelector {
        LabelSelector::parse(text).unwrap()
    }

    #[test]
    fn label_operators() {
        let o = obj(json!({"app": "web", "tier": "front", "env": "prod"}));
        assert!(sel("").matches(&o));
        assert!(sel("app=web").matches(&o));
        assert!(sel("app==web,tier=front").matches(&o));
        assert!(!sel("app=db").matches(&o));
        assert!(sel("app!=db").matches(&o));
        assert!(sel("missing!=x").matches(&o));
        assert!(sel("env in (prod, staging)").matches(&o));
        assert!(!sel("env in (dev)").matches(&o));
        assert!(sel("env notin (dev,qa)").matches(&o));
        assert!(sel("missing notin (dev)").matches(&o));
        assert!(!sel("missing in (dev)").matches(&o));
        assert!(sel("tier").matches(&o));
        assert!(!sel("!tier").matches(&o));
        assert!(sel("!missing,app in (web),env").matches(&o));
        assert!(sel("app.kubernetes.io/name!=x").matches(&o));
    }

    #[test]
    fn bad_label_selectors_are_400() {
        for bad in ["app=we b", "env in dev", "env in (a", "=x", "a b"] {
            let err = LabelSelector::parse(bad).unwrap_err();
            assert_eq!(err.code, 400, "{bad}");
        }
    }

    #[test]
    fn field_selectors() {
        let o = obj(json!({}));
        let f = |t: &str| FieldSelector::parse(t, &PODS).unwrap();
        assert!(f("metadata.name=web-1").matches(&o));
        assert!(f("metadata.namespace==prod,spec.nodeName=minikube").matches(&o));
        assert!(!f("status.phase!=Running").matches(&o));
        assert!(f("status.podIP=").matches(&o));
        assert_eq!(f("metadata.name=web-1").exact_name(), Some("web-1"));
        let err = FieldSelector::parse("spec.nodeName=x", &DEPLOYMENTS).unwrap_err();
        assert_eq!(err.message, "field label not supported: spec.nodeName");
        assert_eq!(
            FieldSelector::parse("nonsense", &PODS).unwrap_err().code,
            400
        );
    }
}
