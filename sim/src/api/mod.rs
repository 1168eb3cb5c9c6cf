//! The Kubernetes REST API of the simulated cluster: one fallback handler that parses the
//! path (so the stream routes of logs and port-forward keep priority) and dispatches by
//! verb to small modules.

mod aggregated;
pub mod apply;
mod crds;
mod discovery;
mod events_v1;
mod list;
mod metrics;
mod objects;
mod openapi;
pub mod patch;
pub mod path;
mod protobuf;
pub mod request;
mod scale;
pub mod selectors;
pub mod strategic;
pub mod table;
mod watch;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub use discovery::GIT_VERSION;
use path::{Route, Target};
use request::ApiRequest;

use crate::error::ApiError;
use crate::store::UpdateScope;
use crate::SimState;

/// The API routes (everything but logs and port-forward).
pub fn router() -> Router<SimState> {
    Router::new().fallback(dispatch)
}

async fn dispatch(
    State(st): State<SimState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = ApiRequest::new(method, &uri, &headers, body);
    st.metrics.count(&req.path);
    match serve(&st, &req) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

fn serve(st: &SimState, req: &ApiRequest) -> Result<Response, ApiError> {
    let read_only = |f: fn() -> Response| {
        if req.method == Method::GET {
            Ok(f())
        } else {
            Err(method_not_allowed())
        }
    };
    let find = |g: &str, v: &str, p: &str| {
        crate::resources::find(&st.store, g, v, p).or_else(|| st.metrics.find(g, v, p))
    };
    let get_only = |r: Result<Response, ApiError>| {
        if req.method == Method::GET {
            r
        } else {
            Err(method_not_allowed())
        }
    };
    match path::parse_with(&req.path, &find) {
        Route::Version => get_only(Ok(discovery::version(st.version))),
        Route::CoreVersions => get_only(Ok(discovery::core_versions(st, req))),
        Route::Groups => get_only(Ok(discovery::groups(st, req))),
        Route::Group(group) => discovery::group(st, &group),
        Route::Resources { group, version } => discovery::resource_list(st, &group, &version),
        Route::Resource(target) => resource(st, req, &target),
        Route::OpenApiRoot => get_only(Ok(openapi::root(st))),
        Route::Health => read_only(|| {
            (
                axum::http::StatusCode::OK,
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                )],
                "ok",
            )
                .into_response()
        }),
        Route::OpenApi(gv) => openapi::group_version(st, &gv),
        Route::Unknown => Err(ApiError::no_such_path()),
    }
}

pub(crate) fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed("the server does not allow this method on the requested resource")
}

fn resource(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    if crate::metrics::is_metrics(t.res) {
        return metrics::serve(st, req, t);
    }
    let m = &req.method;
    match (t.name.as_ref(), t.subresource.as_deref()) {
        (None, _) => match *m {
            Method::GET if req.flag("watch") => watch::serve(st, req, t),
            Method::GET => list::serve(st, req, t),
            // Creating needs the namespace in the path for namespaced types.
            Method::POST if t.namespace.is_some() || !t.res.namespaced => {
                objects::create(st, req, t)
            }
            Method::DELETE if t.namespace.is_some() || !t.res.namespaced => {
                objects::delete_collection(st, req, t)
            }
            _ => Err(method_not_allowed()),
        },
        (Some(_), None) => match *m {
            Method::GET => objects::get(st, req, t),
            Method::PUT => objects::update(st, req, t, UpdateScope::Main),
            Method::PATCH => patch::patch(st, req, t, UpdateScope::Main),
            Method::DELETE => objects::delete(st, req, t),
            _ => Err(method_not_allowed()),
        },
        (Some(_), Some("status")) => match *m {
            Method::GET => objects::get(st, req, t),
            Method::PUT => objects::update(st, req, t, UpdateScope::Status),
            Method::PATCH => patch::patch(st, req, t, UpdateScope::Status),
            _ => Err(method_not_allowed()),
        },
        (Some(_), Some("scale")) if t.res.subresources.contains(&"scale") => {
            scale::serve(st, req, t)
        }
        _ => Err(ApiError::no_such_path()),
    }
}
