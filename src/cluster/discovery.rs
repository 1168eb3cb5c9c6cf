//! Reads what the server serves: aggregated discovery (`/api` and `/apis` as
//! `APIGroupDiscoveryList`, two requests) where the server offers it, else the legacy
//! documents (one request per group version, made concurrently).

use futures::future::join_all;
use http::header::ACCEPT;
use kube::Client;
use serde_json::Value;

use crate::model::discovery::{legacy_group_versions, Catalog};

/// Aggregated discovery, newest version first; plain JSON answers a server without it.
const ACCEPT_AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

async fn get_json(client: &Client, path: &str, accept: &str) -> Result<Value, String> {
    let request = http::Request::get(path)
        .header(ACCEPT, accept)
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    client
        .request::<Value>(request)
        .await
        .map_err(|e| format!("discovery {path}: {}", super::watch::describe_client(&e)))
}

/// Every resource the server serves, in kubectl's order of preference.
pub async fn discover(client: &Client) -> Result<Catalog, String> {
    let (core, groups) = futures::join!(
        get_json(client, "/api", ACCEPT_AGGREGATED),
        get_json(client, "/apis", ACCEPT_AGGREGATED)
    );
    let (core, groups) = (core?, groups?);
    let mut catalog = Catalog::default();
    if catalog.add_aggregated(&core).is_ok() && catalog.add_aggregated(&groups).is_ok() {
        return Ok(catalog);
    }
    legacy(client, &core, &groups).await
}

async fn legacy(client: &Client, core: &Value, groups: &Value) -> Result<Catalog, String> {
    let mut paths: Vec<String> = core
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|v| format!("/api/{v}"))
        .collect();
    paths.extend(
        legacy_group_versions(groups)
            .into_iter()
            .map(|gv| format!("/apis/{gv}")),
    );
    let lists = join_all(
        paths
            .iter()
            .map(|p| get_json(client, p, "application/json")),
    )
    .await;
    let mut catalog = Catalog::default();
    let mut first_error = None;
    for list in lists {
        match list {
            Ok(list) => catalog.add_legacy(&list),
            // One broken aggregated API (a metrics server down) must not hide the rest.
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    match first_error {
        Some(e) if catalog.is_empty() => Err(e),
        _ => Ok(catalog),
    }
}
