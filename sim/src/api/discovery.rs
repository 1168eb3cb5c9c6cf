//! Discovery: `/version`, `/api`, `/apis`, and the resource lists of each group version.
//! Answers the plain (legacy) documents; kubectl falls back to them when its request for
//! the aggregated form gets plain `application/json`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::request::json_value;
use crate::error::ApiError;
use crate::resources::{self, ResourceType, ALL_RESOURCES};

/// The Kubernetes version the simulation reports (kubectl's dispatcher picks its client by it).
pub const GIT_VERSION: &str = "v1.33.1";

pub fn version() -> Response {
    json_value(
        StatusCode::OK,
        &json!({
            "major": "1",
            "minor": "33",
            "emulationMajor": "1",
            "emulationMinor": "33",
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": "32",
            "gitVersion": GIT_VERSION,
            "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
            "gitTreeState": "clean",
            "buildDate": "2025-05-15T08:19:08Z",
            "goVersion": "go1.24.2",
            "compiler": "gc",
            "platform": "linux/amd64"
        }),
    )
}

/// `/api`
pub fn core_versions() -> Response {
    json_value(
        StatusCode::OK,
        &json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]
        }),
    )
}

fn group_json(group: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
    json!({
        "name": group,
        "versions": [gv.clone()],
        "preferredVersion": gv,
    })
}

/// `/apis`
pub fn groups() -> Response {
    let groups: Vec<Value> = resources::groups().into_iter().map(group_json).collect();
    json_value(
        StatusCode::OK,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// `/apis/{group}`
pub fn group(group: &str) -> Result<Response, ApiError> {
    if !resources::groups().contains(&group) {
        return Err(ApiError::no_such_path());
    }
    let mut doc = group_json(group);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Ok(json_value(StatusCode::OK, &doc))
}

/// `/api/v1`, `/apis/{group}/{version}`
pub fn resource_list(group: &str, version: &str) -> Result<Response, ApiError> {
    let in_gv: Vec<&ResourceType> = ALL_RESOURCES
        .iter()
        .copied()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    let Some(first) = in_gv.first() else {
        return Err(ApiError::no_such_path());
    };
    let mut list = Vec::new();
    for res in &in_gv {
        list.push(json!({
            "name": res.plural,
            "singularName": res.singular,
            "namespaced": res.namespaced,
            "kind": res.kind,
            "verbs": res.verbs,
            "shortNames": res.short_names,
            "categories": res.categories,
        }));
        for sub in res.subresources {
            list.push(subresource_json(res, sub));
        }
    }
    for entry in &mut list {
        let obj = entry.as_object_mut();
        // The apiserver omits empty shortNames/categories.
        if let Some(obj) = obj {
            obj.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
        }
    }
    Ok(json_value(
        StatusCode::OK,
        &json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": first.api_version(),
            "resources": list,
        }),
    ))
}

fn subresource_json(res: &ResourceType, sub: &str) -> Value {
    let mut entry = json!({
        "name": format!("{}/{sub}", res.plural),
        "singularName": "",
        "namespaced": res.namespaced,
        "kind": res.kind,
        "verbs": ["get", "patch", "update"],
    });
    match sub {
        "scale" => {
            entry["group"] = json!("autoscaling");
            entry["version"] = json!("v1");
            entry["kind"] = json!("Scale");
        }
        "log" => entry["verbs"] = json!(["get"]),
        "portforward" => {
            entry["kind"] = json!("PodPortForwardOptions");
            entry["verbs"] = json!(["create", "get"]);
        }
        "exec" => {
            entry["kind"] = json!("PodExecOptions");
            entry["verbs"] = json!(["create", "get"]);
        }
        "eviction" => {
            entry["group"] = json!("policy");
            entry["version"] = json!("v1");
            entry["kind"] = json!("Eviction");
            entry["verbs"] = json!(["create"]);
        }
        "finalize" => entry["verbs"] = json!(["update"]),
        _ => {}
    }
    entry
}
