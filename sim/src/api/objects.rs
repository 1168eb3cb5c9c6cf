//! GET, POST (create), PUT (update), DELETE and DELETE on a collection.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::list::{self, partial};
use super::path::Target;
use super::request::{json_response, json_value, ApiRequest, Format};
use super::selectors::Selectors;
use super::table;
use crate::defaults;
use crate::error::ApiError;
use crate::resources::ResourceType;
use crate::store::{DeleteOptions, Propagation, Stored, Taken, UpdateScope};
use crate::SimState;

/// One object in the wanted format.
pub fn render(res: &ResourceType, obj: &Stored, format: Format, code: StatusCode) -> Response {
    match format {
        Format::Json => json_response(code, super::events_v1::outgoing(res, &obj.value, &obj.json)),
        Format::Table(include) => json_value(
            code,
            &table::table(
                res,
                &[&obj.value],
                include,
                json!({"resourceVersion": obj.rv.to_string()}),
                true,
            ),
        ),
        Format::Metadata => json_value(code, &partial(&obj.value)),
    }
}

fn name(t: &Target) -> &str {
    t.name.as_deref().unwrap_or("")
}

fn ns(t: &Target) -> &str {
    t.namespace.as_deref().unwrap_or("")
}

pub fn get(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let obj = st.store.get(t.res, ns(t), name(t))?;
    Ok(render(t.res, &obj, req.format, StatusCode::OK))
}

/// Checks what the body says about itself against the URL, as the apiserver does.
pub fn check_body(res: &ResourceType, t: &Target, obj: &Value) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request was not a JSON object",
        ));
    }
    if let Some(kind) = obj["kind"].as_str() {
        if kind != res.kind {
            return Err(ApiError::bad_request(format!(
                "the kind in the body ({kind}) does not match the kind of the resource ({})",
                res.kind
            )));
        }
    }
    if let Some(av) = obj["apiVersion"].as_str() {
        if av != res.api_version() {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                res.api_version()
            )));
        }
    }
    if res.namespaced {
        if let Some(body_ns) = obj["metadata"]["namespace"].as_str() {
            if !body_ns.is_empty() && Some(body_ns) != t.namespace.as_deref() {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
        }
    }
    Ok(())
}

pub fn create(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let dry_run = req.dry_run()?;
    let obj = req.json_body()?;
    let stored = create_object(st, t, obj, dry_run)?;
    Ok(render(t.res, &stored, req.format, StatusCode::CREATED))
}

/// Checks, defaults and stores a new object (POST, and server-side apply of a new one).
pub fn create_object(
    st: &SimState,
    t: &Target,
    obj: Value,
    dry_run: bool,
) -> Result<Arc<Stored>, ApiError> {
    check_body(t.res, t, &obj)?;
    super::crds::check(t.res, &obj)?;
    let (res, mut obj) = super::events_v1::incoming(t.res, obj);
    let taken = defaults::allocate(st.store.addresses(), res, &mut obj, !dry_run);
    defaults::apply_defaults(res, &mut obj);
    let stored = if dry_run {
        st.store.create_dry_run(res, ns(t), obj)
    } else {
        st.store.create(res, ns(t), obj)
    };
    given_back_on_error(st, stored, taken)
}

pub fn update(
    st: &SimState,
    req: &ApiRequest,
    t: &Target,
    scope: UpdateScope,
) -> Result<Response, ApiError> {
    let dry_run = req.dry_run()?;
    let obj = req.json_body()?;
    check_body(t.res, t, &obj)?;
    super::crds::check(t.res, &obj)?;
    let (res, mut obj) = super::events_v1::incoming(t.res, obj);
    let taken = defaults::allocate(st.store.addresses(), res, &mut obj, !dry_run);
    defaults::apply_defaults(res, &mut obj);
    let stored = if dry_run {
        st.store.update_dry_run(res, ns(t), name(t), obj, scope)
    } else {
        st.store.update(res, ns(t), name(t), obj, scope)
    };
    let stored = given_back_on_error(st, stored, taken)?;
    Ok(render(t.res, &stored, req.format, StatusCode::OK))
}

/// A write's result; when it failed, the addresses taken for it are free again.
fn given_back_on_error(
    st: &SimState,
    result: Result<Arc<Stored>, ApiError>,
    taken: Taken,
) -> Result<Arc<Stored>, ApiError> {
    if result.is_err() {
        st.store.addresses().give_back(taken);
    }
    result
}

/// DeleteOptions from the body (if any), overridden by query parameters.
fn delete_options(req: &ApiRequest) -> Result<DeleteOptions, ApiError> {
    let body: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        req.json_body()?
    };
    let text = |key: &str| {
        req.param(key)
            .map(str::to_string)
            .or_else(|| body[key].as_str().map(str::to_string))
    };
    let propagation = match text("propagationPolicy").as_deref() {
        None | Some("") => {
            let orphan = req.param("orphanDependents").map(|v| v == "true");
            if orphan.or(body["orphanDependents"].as_bool()) == Some(true) {
                Propagation::Orphan
            } else {
                Propagation::Background
            }
        }
        Some("Background") => Propagation::Background,
        Some("Foreground") => Propagation::Foreground,
        Some("Orphan") => Propagation::Orphan,
        Some(other) => {
            return Err(ApiError::unprocessable(format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            )))
        }
    };
    let grace_seconds = match req.param("gracePeriodSeconds") {
        Some(g) => Some(
            g.parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("invalid gracePeriodSeconds: {g:?}")))?,
        ),
        None => body["gracePeriodSeconds"].as_i64(),
    };
    let pre = &body["preconditions"];
    Ok(DeleteOptions {
        propagation,
        grace_seconds,
        resource_version: pre["resourceVersion"].as_str().map(str::to_string),
        uid: pre["uid"].as_str().map(str::to_string),
        // kubectl sends `dryRun: ["All"]` in the DeleteOptions body.
        dry_run: req.dry_run()?
            || body["dryRun"]
                .as_array()
                .is_some_and(|d| d.iter().any(|v| v == "All")),
    })
}

pub fn delete(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let opts = delete_options(req)?;
    if !opts.dry_run {
        super::crds::deleting(st, t.res, name(t));
    }
    let deleted = st.store.delete(t.res, ns(t), name(t), &opts)?;
    Ok(render(t.res, &deleted, req.format, StatusCode::OK))
}

pub fn delete_collection(
    st: &SimState,
    req: &ApiRequest,
    t: &Target,
) -> Result<Response, ApiError> {
    let opts = delete_options(req)?;
    let selectors = Selectors::new(
        req.param("labelSelector"),
        req.param("fieldSelector"),
        t.res,
    )?;
    let (items, _) = st.store.list(t.res, t.namespace.as_deref());
    let mut deleted: Vec<Arc<Stored>> = Vec::new();
    for item in items.iter().filter(|o| selectors.matches(&o.value)) {
        if !opts.dry_run {
            super::crds::deleting(st, t.res, item.name());
        }
        match st.store.delete(t.res, item.namespace(), item.name(), &opts) {
            Ok(d) => deleted.push(d),
            // Gone meanwhile (garbage collected with an owner deleted just before).
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    let page = list::Page {
        items: deleted,
        rv: st.store.resource_version(),
        continue_token: None,
        remaining: None,
    };
    Ok(list::render(t.res, &page, req.format))
}
