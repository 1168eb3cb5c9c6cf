//! Aggregated discovery (`apidiscovery.k8s.io/v2`, and `v2beta1`): `/api` and `/apis`
//! describe every group, version and resource in one document, served to a client whose
//! Accept header asks for `as=APIGroupDiscoveryList` (kubectl, client-go). Custom
//! resources appear as soon as their CRD is stored.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::discovery::subresource;
use super::request::ApiRequest;
use crate::resources::{self, ResourceType};
use crate::SimState;

/// The aggregated discovery version an Accept header asks for, if any (first wins).
#[cfg(test)]
pub fn wanted(accept: &str) -> Option<&'static str> {
    wanted_from(accept, crate::version::ServerVersion::default())
}

/// [`wanted`] from a server of release `server`: `v2` only from 1.30 on.
pub fn wanted_from(accept: &str, server: crate::version::ServerVersion) -> Option<&'static str> {
    for media in accept.split(',') {
        let mut parts = media.split(';').map(str::trim);
        if parts.next() != Some("application/json") {
            continue;
        }
        let (mut g, mut v, mut as_) = ("", "", "");
        for param in parts {
            match param.split_once('=') {
                Some(("g", x)) => g = x,
                Some(("v", x)) => v = x,
                Some(("as", x)) => as_ = x,
                _ => {}
            }
        }
        if g == "apidiscovery.k8s.io" && as_ == "APIGroupDiscoveryList" {
            match v {
                "v2" if server.aggregated_v2() => return Some("v2"),
                "v2beta1" => return Some("v2beta1"),
                _ => {}
            }
        }
    }
    None
}

/// The aggregated document of `/api` (`core`) or `/apis`, when the request asks for it.
pub fn serve(st: &SimState, req: &ApiRequest, core: bool) -> Option<Response> {
    let version = wanted_from(&req.accept, st.version)?;
    let types = resources::served(st);
    let items: Vec<Value> = if core {
        let core_types: Vec<&ResourceType> = types
            .iter()
            .copied()
            .filter(|r| r.group.is_empty())
            .collect();
        vec![group_item("", &[("v1", core_types)])]
    } else {
        resources::groups(&types)
            .into_iter()
            .map(|(group, versions)| {
                let by_version: Vec<(&str, Vec<&ResourceType>)> = versions
                    .into_iter()
                    .map(|v| {
                        let in_gv = types
                            .iter()
                            .copied()
                            .filter(|r| r.group == group && r.version == v)
                            .collect();
                        (v, in_gv)
                    })
                    .collect();
                group_item(group, &by_version)
            })
            .collect()
    };
    let doc = json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items,
    });
    let content_type =
        format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList");
    Some(
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, content_type)],
            doc.to_string(),
        )
            .into_response(),
    )
}

fn group_item(group: &str, versions: &[(&str, Vec<&ResourceType>)]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|(v, types)| {
            json!({
                "version": v,
                "resources": types.iter().map(|r| resource_item(r)).collect::<Vec<_>>(),
                "freshness": "Current",
            })
        })
        .collect();
    json!({"metadata": {"name": group, "creationTimestamp": null}, "versions": versions})
}

fn resource_item(res: &ResourceType) -> Value {
    let subresources: Vec<Value> = res
        .subresources
        .iter()
        .map(|name| {
            let sub = subresource(res, name);
            let (group, version) = sub.group_version.unwrap_or(("", ""));
            json!({
                "subresource": name,
                "responseKind": {"group": group, "version": version, "kind": sub.kind},
                "verbs": sub.verbs,
            })
        })
        .collect();
    let mut item = json!({
        "resource": res.plural,
        "responseKind": {"group": "", "version": "", "kind": res.kind},
        "scope": if res.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": res.singular,
        "verbs": res.verbs,
        "shortNames": res.short_names,
        "categories": res.categories,
        "subresources": subresources,
    });
    if let Some(obj) = item.as_object_mut() {
        obj.retain(|_, v| v.as_array().is_none_or(|a| !a.is_empty()));
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_accept_header_asks_for_v2() {
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(wanted(accept), Some("v2"));
        assert_eq!(wanted("application/json, */*"), None);
        let old = crate::version::ServerVersion { minor: 29 };
        assert_eq!(wanted_from(accept, old), Some("v2beta1"), "1.29 has no v2");
        assert_eq!(
            wanted("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"),
            Some("v2beta1")
        );
    }
}
