//! PATCH: JSON patch, JSON merge patch and strategic merge patch, on objects and on the
//! `status` subresource; server-side apply (`apply.rs`) in YAML or JSON (CBOR is answered
//! with a clear 415).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::objects::render;
use super::path::Target;
use super::request::ApiRequest;
use super::strategic;
use crate::error::ApiError;
use crate::store::UpdateScope;
use crate::SimState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Json,
    Merge,
    Strategic,
    /// Server-side apply (`application/apply-patch+yaml`).
    Apply,
}

impl PatchKind {
    pub fn from_content_type(content_type: &str) -> Result<PatchKind, ApiError> {
        match content_type {
            "application/json-patch+json" => Ok(PatchKind::Json),
            "application/merge-patch+json" => Ok(PatchKind::Merge),
            "application/strategic-merge-patch+json" => Ok(PatchKind::Strategic),
            "application/apply-patch+yaml" => Ok(PatchKind::Apply),
            "application/apply-patch+cbor" => Err(ApiError::unsupported_media_type(
                "server-side apply in CBOR is not supported by the simulated cluster; send application/apply-patch+yaml",
            )),
            other => Err(ApiError::unsupported_media_type(format!(
                "the body of the request was in an unknown format ({other:?}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
            ))),
        }
    }
}

/// Applies a decoded patch to `obj`.
pub fn apply(kind: PatchKind, obj: &mut Value, patch: &Value) -> Result<(), ApiError> {
    match kind {
        PatchKind::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch.clone()).map_err(|e| {
                ApiError::bad_request(format!("the JSON patch could not be decoded: {e}"))
            })?;
            json_patch::patch(obj, &ops.0).map_err(|e| {
                ApiError::unprocessable(format!("the JSON patch could not be applied: {e}"))
            })
        }
        PatchKind::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "a JSON merge patch must be a JSON object",
                ));
            }
            json_patch::merge(obj, patch);
            Ok(())
        }
        PatchKind::Strategic => strategic::apply(obj, patch),
        PatchKind::Apply => super::apply::merge(obj, patch),
    }
}

pub fn patch(
    st: &SimState,
    req: &ApiRequest,
    t: &Target,
    scope: UpdateScope,
) -> Result<Response, ApiError> {
    let kind = PatchKind::from_content_type(&req.content_type)?;
    let patch: Value = req.json_body()?;
    if kind == PatchKind::Apply {
        if let Some(created) = super::apply::check(st, req, t, scope, &patch)? {
            return Ok(created);
        }
    }
    let v1 = super::events_v1::is_v1(t.res);
    let edit = |obj: &mut Value| {
        if v1 {
            // Patched in the shape the client sees, stored in the core shape.
            let mut shown = super::events_v1::to_v1(obj);
            apply(kind, &mut shown, &patch)?;
            *obj = super::events_v1::to_core(&shown);
        } else {
            apply(kind, obj, &patch)?;
        }
        if !obj.is_object() {
            return Err(ApiError::unprocessable(
                "the patch turned the object into something that is not an object",
            ));
        }
        // The API server defaults every write, patches too: a patch that replaces a list
        // (a merge patch of `containers`) gets the defaults of its new items, as a create
        // or an update would.
        if !v1 {
            crate::defaults::apply_defaults(t.res, obj);
        }
        Ok(())
    };
    let (ns, name) = (
        t.namespace.as_deref().unwrap_or(""),
        t.name.as_deref().unwrap_or(""),
    );
    let stored = if req.dry_run()? {
        st.store.mutate_dry_run(t.res, ns, name, scope, edit)?
    } else {
        st.store.mutate(t.res, ns, name, scope, edit)?
    };
    Ok(render(t.res, &stored, req.format, StatusCode::OK))
}
