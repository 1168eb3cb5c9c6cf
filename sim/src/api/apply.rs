//! Server-side apply, as far as the observable surface goes: `fieldManager` is required;
//! an object that does not exist is created from the applied configuration; one that exists
//! gets the configuration merged in (strategic-merge semantics: lists merged by their keys),
//! and an apply that changes nothing leaves the object — and its resourceVersion — as it
//! was. Field ownership (managedFields, conflicts between managers) is not tracked: no
//! conflict is ever reported and fields a manager stops applying are not removed.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::objects::{check_body, create_object, render};
use super::path::Target;
use super::request::ApiRequest;
use super::strategic;
use crate::error::ApiError;
use crate::store::UpdateScope;
use crate::SimState;

/// Checks an apply request; creates the object when it does not exist yet (the response),
/// `None` when the object exists and the patch goes on as a merge.
pub fn check(
    st: &SimState,
    req: &ApiRequest,
    t: &Target,
    scope: UpdateScope,
    patch: &Value,
) -> Result<Option<Response>, ApiError> {
    if req.param("fieldManager").is_none_or(str::is_empty) {
        return Err(ApiError::bad_request(
            "PATCH, application/apply-patch+yaml requests require fieldManager to be set",
        ));
    }
    check_body(t.res, t, patch)?;
    let name = t.name.as_deref().unwrap_or_default();
    match patch["metadata"]["name"].as_str() {
        Some(n) if n == name => {}
        Some(n) => {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )))
        }
        None => {
            return Err(ApiError::bad_request(
                "metadata.name is required in an applied configuration",
            ))
        }
    }
    if patch["apiVersion"].as_str().is_none() || patch["kind"].as_str().is_none() {
        return Err(ApiError::bad_request(
            "apiVersion and kind are required in an applied configuration",
        ));
    }
    let exists = st
        .store
        .get(t.res, t.namespace.as_deref().unwrap_or(""), name)
        .is_ok();
    if exists || scope == UpdateScope::Status {
        return Ok(None);
    }
    let stored = create_object(st, t, without_status(patch), req.dry_run()?)?;
    Ok(Some(render(
        t.res,
        &stored,
        req.format,
        StatusCode::CREATED,
    )))
}

fn without_status(patch: &Value) -> Value {
    let mut v = patch.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
        if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
            meta.remove("managedFields");
        }
    }
    v
}

/// Merges the applied configuration into the object.
pub fn merge(obj: &mut Value, patch: &Value) -> Result<(), ApiError> {
    strategic::apply(obj, &without_status(patch))
}
