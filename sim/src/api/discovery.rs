//! Discovery: `/version`, `/api`, `/apis`, and the resource lists of each group version,
//! built-in and custom types alike. `/api` and `/apis` answer the aggregated form
//! (`apidiscovery.k8s.io/v2`) to a client that asks for it, the plain documents otherwise.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::aggregated;
use super::request::{json_value, ApiRequest};
use crate::error::ApiError;
use crate::resources::{self, ResourceType};
use crate::SimState;

/// The Kubernetes version the simulation reports (kubectl's dispatcher picks its client by it).
pub const GIT_VERSION: &str = "v1.33.1";

pub fn version(v: crate::version::ServerVersion) -> Response {
    let minor = v.minor.to_string();
    json_value(
        StatusCode::OK,
        &json!({
            "major": "1",
            "minor": minor,
            "emulationMajor": "1",
            "emulationMinor": minor,
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": (v.minor - 1).to_string(),
            "gitVersion": v.git_version(),
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
pub fn core_versions(st: &SimState, req: &ApiRequest) -> Response {
    if let Some(response) = aggregated::serve(st, req, true) {
        return response;
    }
    json_value(
        StatusCode::OK,
        &json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]
        }),
    )
}

fn group_json(group: &str, versions: &[&str]) -> Value {
    let gv = |v: &str| json!({"groupVersion": format!("{group}/{v}"), "version": v});
    json!({
        "name": group,
        "versions": versions.iter().map(|v| gv(v)).collect::<Vec<_>>(),
        "preferredVersion": versions.first().map(|v| gv(v)).unwrap_or(Value::Null),
    })
}

/// `/apis`
pub fn groups(st: &SimState, req: &ApiRequest) -> Response {
    if let Some(response) = aggregated::serve(st, req, false) {
        return response;
    }
    let groups: Vec<Value> = resources::groups(&resources::served(st))
        .iter()
        .map(|(g, versions)| group_json(g, versions))
        .collect();
    json_value(
        StatusCode::OK,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// `/apis/{group}`
pub fn group(st: &SimState, group: &str) -> Result<Response, ApiError> {
    let all = resources::groups(&resources::served(st));
    let Some((name, versions)) = all.iter().find(|(g, _)| *g == group) else {
        return Err(ApiError::no_such_path());
    };
    let mut doc = group_json(name, versions);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Ok(json_value(StatusCode::OK, &doc))
}

/// `/api/v1`, `/apis/{group}/{version}`
pub fn resource_list(st: &SimState, group: &str, version: &str) -> Result<Response, ApiError> {
    let in_gv: Vec<&ResourceType> = resources::served(st)
        .into_iter()
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

/// What a subresource is, as discovery describes it: its kind (and group/version when
/// not the parent's) and verbs.
pub(super) struct Sub {
    pub kind: String,
    pub group_version: Option<(&'static str, &'static str)>,
    pub verbs: &'static [&'static str],
}

pub(super) fn subresource(res: &ResourceType, sub: &str) -> Sub {
    let own = |verbs| Sub {
        kind: res.kind.to_string(),
        group_version: None,
        verbs,
    };
    let other = |kind: &str, verbs| Sub {
        kind: kind.to_string(),
        group_version: None,
        verbs,
    };
    match sub {
        "scale" => Sub {
            kind: "Scale".into(),
            group_version: Some(("autoscaling", "v1")),
            verbs: &["get", "patch", "update"],
        },
        "log" => own(&["get"]),
        "portforward" => other("PodPortForwardOptions", &["create", "get"]),
        "exec" => other("PodExecOptions", &["create", "get"]),
        "eviction" => Sub {
            kind: "Eviction".into(),
            group_version: Some(("policy", "v1")),
            verbs: &["create"],
        },
        "finalize" => own(&["update"]),
        _ => own(&["get", "patch", "update"]),
    }
}

fn subresource_json(res: &ResourceType, name: &str) -> Value {
    let sub = subresource(res, name);
    let mut entry = json!({
        "name": format!("{}/{name}", res.plural),
        "singularName": "",
        "namespaced": res.namespaced,
        "kind": sub.kind,
        "verbs": sub.verbs,
    });
    if let Some((group, version)) = sub.group_version {
        entry["group"] = json!(group);
        entry["version"] = json!(version);
    }
    entry
}
