//! Printers of the rbac.authorization.k8s.io kinds (roles and cluster roles print only
//! their creation time; bindings their role and, wide, their subjects), ingressclasses,
//! and the apiserver's default table (Name, Created At) for kinds without a printer,
//! customresourcedefinitions among them.

use serde_json::{json, Value};

use super::{col, or_none, Cells, Column, Now, AGE, NAME};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    Some(if is(&r::ROLES) || is(&r::CLUSTER_ROLES) {
        (DEFAULT, created_at)
    } else if is(&r::ROLE_BINDINGS) || is(&r::CLUSTER_ROLE_BINDINGS) {
        (BINDING, binding)
    } else if is(&r::INGRESS_CLASSES) {
        (INGRESS_CLASS, ingress_class)
    } else {
        return None;
    })
}

const CREATED_AT: Column = Column {
    name: "Created At",
    kind: "date",
    format: "",
    priority: 0,
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
};

/// The default table convertor's columns.
pub(super) const DEFAULT: &[Column] = &[NAME, CREATED_AT];

/// The default table convertor's cells: the name and the creation time in RFC 3339 (UTC).
pub(super) fn created_at(obj: &Value, _now: &Now) -> Vec<Value> {
    let created = obj["metadata"]["creationTimestamp"]
        .as_str()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    vec![super::name(obj), json!(created)]
}

const BINDING: &[Column] = &[
    NAME,
    col("Role", "string", 0),
    AGE,
    col("Users", "string", 1),
    col("Groups", "string", 1),
    col("ServiceAccounts", "string", 1),
];

fn binding(obj: &Value, now: &Now) -> Vec<Value> {
    let role = &obj["roleRef"];
    let role = format!(
        "{}/{}",
        role["kind"].as_str().unwrap_or(""),
        role["name"].as_str().unwrap_or("")
    );
    let subjects = obj["subjects"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let of_kind = |kind: &str| {
        subjects
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| {
                let name = s["name"].as_str().unwrap_or("");
                match s["namespace"].as_str() {
                    Some(ns) if kind == "ServiceAccount" => format!("{ns}:{name}"),
                    _ if kind == "ServiceAccount" => format!(":{name}"),
                    _ => name.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        super::name(obj),
        json!(role),
        now.age(obj),
        json!(of_kind("User")),
        json!(of_kind("Group")),
        json!(of_kind("ServiceAccount")),
    ]
}

const INGRESS_CLASS: &[Column] = &[
    NAME,
    col("Controller", "string", 0),
    col("Parameters", "string", 0),
    AGE,
];

fn ingress_class(obj: &Value, now: &Now) -> Vec<Value> {
    let params = &obj["spec"]["parameters"];
    let parameters = if params.is_object() {
        let kind = params["kind"].as_str().unwrap_or("");
        let kind = match params["apiGroup"].as_str() {
            Some(group) => format!("{kind}.{group}"),
            None => kind.to_string(),
        };
        format!("{kind}/{}", params["name"].as_str().unwrap_or(""))
    } else {
        String::new()
    };
    vec![
        super::name(obj),
        json!(obj["spec"]["controller"].as_str().unwrap_or("")),
        json!(or_none(&parameters)),
        now.age(obj),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_list_subjects_by_kind() {
        let rb = json!({"metadata": {"name": "read"},
            "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"},
            "subjects": [{"kind": "User", "name": "jane"}, {"kind": "Group", "name": "devs"},
                         {"kind": "ServiceAccount", "name": "default", "namespace": "default"},
                         {"kind": "User", "name": "bob"}]});
        let now = Now("2026-01-01T00:00:00Z".parse().unwrap());
        let cells = binding(&rb, &now);
        assert_eq!(cells[1], "ClusterRole/view");
        assert_eq!(
            cells[3..6],
            [json!("jane, bob"), json!("devs"), json!("default:default")]
        );
        let created = created_at(
            &json!({"metadata": {"name": "x", "creationTimestamp": "2026-01-01T00:00:00Z"}}),
            &now,
        );
        assert_eq!(created[1], "2026-01-01T00:00:00Z");
    }
}
