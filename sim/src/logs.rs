//! Pod logs: `GET /api/v1/namespaces/{namespace}/pods/{name}/log`.
//!
//! Nothing is stored: a container's log is a deterministic function of its pod's uid, the
//! container, the run's start (and end) time and the clock — see [`instance`]. Lines look
//! like what the container's image really writes ([`workloads`]). Errors carry the
//! apiserver's and kubelet's messages, so kubectl prints what it prints against a cluster.

pub mod instance;
pub mod lines;
pub mod stream;
mod workloads;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub use instance::{parse_interval_ns, LOG_INTERVAL_ANNOTATION};
use instance::{parse_time_ns, PodView};
use stream::{now_ns, LogStream, Options};

use super::resources::PODS;
use super::{ApiError, SimState};

/// Routes under `/api/v1/namespaces/{namespace}/pods/{name}/log`.
pub fn routes() -> Router<SimState> {
    Router::new().route(
        "/api/v1/namespaces/{namespace}/pods/{name}/log",
        get(pod_log),
    )
}

async fn pod_log(
    State(state): State<SimState>,
    Path((namespace, name)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    match open(state, &namespace, &name, &query) {
        Ok(stream) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain")],
            stream.into_body(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Checks the request and positions a stream at its first line.
fn open(
    state: SimState,
    namespace: &str,
    name: &str,
    query: &[(String, String)],
) -> Result<LogStream, ApiError> {
    let (opts, container) = parse_options(query, now_ns())?;
    let stored = state.store.get(&PODS, namespace, name)?;
    let view = PodView {
        pod: &stored.value,
        name,
    };
    let container = view.container(container.as_deref())?;
    let inst = view.instance(&container, opts.previous)?;
    let uid = stored.value["metadata"]["uid"].as_str().unwrap_or("");
    // Previous runs are over; there is nothing to follow.
    let follower = (opts.follow && !opts.previous).then_some(state);
    Ok(LogStream::new(
        follower,
        namespace,
        name,
        uid,
        &container,
        inst,
        &opts,
        now_ns(),
    ))
}

/// `PodLogOptions` from the query, validated as the apiserver does.
pub fn parse_options(
    query: &[(String, String)],
    now: i64,
) -> Result<(Options, Option<String>), ApiError> {
    let mut opts = Options::default();
    let mut container = None;
    let mut since_seconds = None;
    let mut since_time = None;
    for (key, value) in query {
        match key.as_str() {
            "follow" => opts.follow = parse_bool(value),
            "previous" => opts.previous = parse_bool(value),
            "timestamps" => opts.timestamps = parse_bool(value),
            "container" => container = Some(value.clone()),
            "tailLines" => {
                let n = parse_int(key, value)?;
                if n < 0 {
                    return Err(invalid(
                        "tailLines",
                        value,
                        "must be greater than or equal to 0",
                    ));
                }
                opts.tail_lines = Some(n as u64);
            }
            "limitBytes" => {
                let n = parse_int(key, value)?;
                if n < 1 {
                    return Err(invalid("limitBytes", value, "must be greater than 0"));
                }
                opts.limit_bytes = Some(n as u64);
            }
            "sinceSeconds" => {
                let n = parse_int(key, value)?;
                if n < 1 {
                    return Err(invalid("sinceSeconds", value, "must be greater than 0"));
                }
                since_seconds = Some(n);
            }
            "sinceTime" => {
                since_time = Some(parse_time_ns(value).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "sinceTime: Invalid value: \"{value}\": must be an RFC3339 time"
                    ))
                })?);
            }
            _ => {}
        }
    }
    opts.since_ns = match (since_seconds, since_time) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "PodLogOptions is invalid: at most one of `sinceTime` or `sinceSeconds` may be specified",
            ))
        }
        (Some(s), None) => Some(now.saturating_sub(s.saturating_mul(1_000_000_000))),
        (None, t) => t,
    };
    Ok((opts, container))
}

fn invalid(field: &str, value: &str, problem: &str) -> ApiError {
    ApiError::bad_request(format!(
        "PodLogOptions is invalid: {field}: Invalid value: {value}: {problem}"
    ))
}

/// Query booleans as the apiserver converts them: anything but `0`, `f` and `false` is true.
fn parse_bool(value: &str) -> bool {
    !(value == "0" || value.eq_ignore_ascii_case("f") || value.eq_ignore_ascii_case("false"))
}

fn parse_int(key: &str, value: &str) -> Result<i64, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::bad_request(format!("{key}: invalid integer value \"{value}\"")))
}

#[cfg(test)]
mod tests;
