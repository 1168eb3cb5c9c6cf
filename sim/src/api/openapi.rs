//! A minimal OpenAPI v3 surface: the root index and one document per group version
//! declaring each kind's PATCH operation with the `fieldValidation` query parameter.
//! kubectl reads exactly that to decide it may leave validation to the server
//! (otherwise `kubectl create -f` fails with "failed to download openapi").

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::request::json_value;
use crate::error::ApiError;
use crate::resources::{self, ResourceType};
use crate::SimState;

/// Bumped when the documents change, so kubectl's cache of them is not reused.
const HASH: &str = "rkt-sim-1";

/// `api/v1`, `apis/apps/v1`: the key of a group version in the root document.
fn gv_key(res: &ResourceType) -> String {
    res.group_version_path().trim_start_matches('/').to_string()
}

/// The hash of one group version's document: it changes with the kinds in it (a CRD
/// created, changed or deleted), so kubectl's cache of an older one is not used.
fn gv_hash(types: &[&ResourceType], key: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for res in types.iter().filter(|r| gv_key(r) == key) {
        (res.plural, res.kind, res.namespaced).hash(&mut h);
    }
    format!("{HASH}-{:016x}", h.finish())
}

/// `/openapi/v3`
pub fn root(st: &SimState) -> Response {
    let mut paths = Map::new();
    let types = resources::all(&st.store);
    for res in &types {
        let key = gv_key(res);
        if paths.contains_key(&key) {
            continue;
        }
        let url = format!("/openapi/v3/{key}?hash={}", gv_hash(&types, &key));
        paths.insert(key, json!({"serverRelativeURL": url}));
    }
    json_value(StatusCode::OK, &json!({"paths": paths}))
}

/// `/openapi/v3/{api/v1|apis/G/V}`
pub fn group_version(st: &SimState, gv: &str) -> Result<Response, ApiError> {
    let mut paths = Map::new();
    for res in resources::all(&st.store)
        .into_iter()
        .filter(|r| gv_key(r) == gv)
    {
        let base = res.group_version_path();
        let path = if res.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}/{{name}}", res.plural)
        } else {
            format!("{base}/{}/{{name}}", res.plural)
        };
        paths.insert(
            path,
            json!({"patch": {
                "operationId": format!("patch{}", res.kind),
                "parameters": [
                    {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}}
                ],
                "responses": {"200": {"description": "OK"}},
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": {"group": res.group, "version": res.version, "kind": res.kind}
            }}),
        );
    }
    if paths.is_empty() {
        return Err(ApiError::no_such_path());
    }
    Ok(json_value(
        StatusCode::OK,
        &json!({
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": super::GIT_VERSION},
            "paths": Value::Object(paths),
            "components": {"schemas": {}}
        }),
    ))
}
