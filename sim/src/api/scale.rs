//! The `scale` subresource (autoscaling/v1 Scale) of deployments, replicasets and
//! statefulsets: what `kubectl scale` reads and patches.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::patch::{self, PatchKind};
use super::path::Target;
use super::request::{json_value, ApiRequest};
use super::table::label_selector_string;
use crate::error::ApiError;
use crate::store::{qualified, UpdateScope};
use crate::SimState;

/// The Scale view of a workload.
fn scale_of(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {
            "replicas": obj["status"]["replicas"].as_i64().unwrap_or(0),
            "selector": label_selector_string(&obj["spec"]["selector"]),
        },
    })
}

pub fn serve(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let ns = t.namespace.as_deref().unwrap_or("");
    let name = t.name.as_deref().unwrap_or("");
    if req.method == Method::GET {
        let obj = st.store.get(t.res, ns, name)?;
        return Ok(json_value(StatusCode::OK, &scale_of(&obj.value)));
    }
    let body: Value = req.json_body()?;
    let patch_kind = match req.method {
        Method::PUT => None,
        Method::PATCH => Some(PatchKind::from_content_type(&req.content_type)?),
        _ => return Err(super::method_not_allowed()),
    };
    let edit = |obj: &mut Value| {
        let current = scale_of(obj);
        let scale = match patch_kind {
            None => body.clone(),
            Some(kind) => {
                let mut s = current.clone();
                patch::apply(kind, &mut s, &body)?;
                s
            }
        };
        if let Some(rv) = scale["metadata"]["resourceVersion"].as_str() {
            if !rv.is_empty() && Some(rv) != current["metadata"]["resourceVersion"].as_str() {
                return Err(ApiError::conflict(&qualified(t.res), name));
            }
        }
        let replicas = scale["spec"]["replicas"].as_i64().filter(|r| *r >= 0);
        let Some(replicas) = replicas else {
            return Err(ApiError::invalid(
                "Scale",
                name,
                "spec.replicas",
                "Invalid value: must be greater than or equal to 0",
            ));
        };
        obj["spec"]["replicas"] = json!(replicas);
        Ok(())
    };
    let stored = if req.dry_run()? {
        st.store
            .mutate_dry_run(t.res, ns, name, UpdateScope::Main, edit)?
    } else {
        st.store.mutate(t.res, ns, name, UpdateScope::Main, edit)?
    };
    Ok(json_value(StatusCode::OK, &scale_of(&stored.value)))
}
