//! Pod exec: `GET/POST /api/v1/namespaces/{namespace}/pods/{name}/exec?command=…&container=…
//! &stdin=…&stdout=…&stderr=…&tty=…` upgraded to a WebSocket speaking the channel protocol
//! (`v5.channel.k8s.io` preferred, `v4.channel.k8s.io`, `channel.k8s.io`) that kubectl
//! ≥ 1.30 and kube-rs use. The "container" runs a few programs and a tiny shell
//! ([`shell`], [`commands`]) over what the pod spec says ([`system`]). The checks before
//! the upgrade answer as the API server and the kubelet do; a request that asks for SPDY
//! (kubectl's fallback, older kubectl) and passes them gets a 400 that says why.

pub mod commands;
pub mod parse;
pub mod session;
pub mod shell;
pub mod system;

use axum::extract::ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::portforward::pod_gone;
use super::resources::PODS;
use super::{wsproto, ApiError, SimState};
use session::{Proto, Request};
use system::System;

/// The WebSocket subprotocols served, preferred first.
pub const PROTOCOLS: [&str; 3] = ["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"];

/// Routes under `/api/v1/namespaces/{namespace}/pods/{name}/exec`.
pub fn routes() -> Router<SimState> {
    Router::new().route(
        "/api/v1/namespaces/{namespace}/pods/{name}/exec",
        get(exec).post(exec),
    )
}

async fn exec(
    State(state): State<SimState>,
    Path((namespace, name)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let (request, uid) = match prepare(&state, &namespace, &name, &query, &headers) {
        Ok(r) => r,
        Err(Refusal::Api(e)) => return e.into_response(),
        Err(Refusal::Kubelet(status, text)) => {
            let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
            return (status, plain, text).into_response();
        }
    };
    // Before 1.30 the server does not speak v5.
    let offered: Vec<&'static str> = PROTOCOLS
        .into_iter()
        .filter(|p| *p != "v5.channel.k8s.io" || state.version.exec_v5())
        .collect();
    let upgrade = match upgrade {
        Ok(u) => u.protocols(offered.clone()),
        Err(_) => return ApiError::bad_request("Upgrade request required").into_response(),
    };
    let proto = match wsproto::chosen(&headers, &offered) {
        Some("v5.channel.k8s.io") => Proto::V5,
        Some("v4.channel.k8s.io") => Proto::V4,
        _ => Proto::V1,
    };
    let gone = pod_gone(state, namespace, name, uid);
    upgrade.on_upgrade(move |socket| session::run(socket, request, proto, gone))
}

/// The options of an exec request, as the kubelet reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub command: Vec<String>,
    pub container: String,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

pub fn parse_options(query: &[(String, String)]) -> Result<Options, String> {
    let flag = |key: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .is_some_and(|(_, v)| matches!(v.as_str(), "true" | "1" | "True" | "TRUE"))
    };
    let command: Vec<String> = query
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    let container = query
        .iter()
        .rev()
        .find(|(k, _)| k == "container")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let tty = flag("tty");
    // With a terminal there is one output stream: the kubelet drops stderr.
    let (stdin, stdout, stderr) = (flag("stdin"), flag("stdout"), flag("stderr") && !tty);
    if command.is_empty() {
        return Err("you must specify at least one command for the container".into());
    }
    if !stdin && !stdout && !stderr {
        return Err("you must specify at least 1 of stdin, stdout, stderr".into());
    }
    Ok(Options {
        command,
        container,
        stdin,
        stdout,
        stderr,
        tty,
    })
}

/// Why an exec is refused before the upgrade.
enum Refusal {
    /// The API server's answer: a `Status`.
    Api(ApiError),
    /// The kubelet's answer: plain text (kubectl: "unable to upgrade connection: …").
    Kubelet(StatusCode, String),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

/// Everything checked before the upgrade, in the order the API server and the kubelet
/// check it: the pod, the container, the node, the options, the container running,
/// then the transport.
fn prepare(
    state: &SimState,
    namespace: &str,
    name: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Result<(Request, String), Refusal> {
    let stored = state.store.get(&PODS, namespace, name)?;
    let pod = &stored.value;
    let asked = query
        .iter()
        .rev()
        .find(|(k, _)| k == "container")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let container = pick_container(pod, name, asked)?;
    let container_name = container["name"].as_str().unwrap_or("").to_string();
    if pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty() {
        let msg = format!("pod {name} does not have a host assigned");
        return Err(ApiError::bad_request(msg).into());
    }
    let mut options =
        parse_options(query).map_err(|e| Refusal::Kubelet(StatusCode::BAD_REQUEST, e))?;
    options.container = container_name.clone();
    if !running(pod, &container_name) {
        return Err(Refusal::Kubelet(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("container not found (\"{container_name}\")"),
        ));
    }
    if wsproto::unservable(headers, &PROTOCOLS) {
        return Err(ApiError::bad_request(format!(
            "the simulated cluster runs exec only over WebSocket with the {} or {} subprotocol (kubectl ≥ 1.30 and kube-rs speak it); SPDY exec (older kubectl, or kubectl's fallback) is not supported",
            PROTOCOLS[0], PROTOCOLS[1]
        ))
        .into());
    }
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let system = System::new(pod, container, options.tty);
    Ok((Request { options, system }, uid))
}

/// The container an exec goes to, as the API server decides: the one named, or the only
/// one; a pod with several needs a name.
pub fn pick_container<'a>(
    pod: &'a Value,
    pod_name: &str,
    asked: &str,
) -> Result<&'a Value, ApiError> {
    let list = |field: &str| -> Vec<&'a Value> {
        pod["spec"][field]
            .as_array()
            .into_iter()
            .flatten()
            .collect()
    };
    let (containers, inits) = (list("containers"), list("initContainers"));
    let names = |l: &[&Value]| {
        l.iter()
            .filter_map(|c| c["name"].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if asked.is_empty() {
        return match containers.as_slice() {
            [only] => Ok(only),
            [] => Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {pod_name}"
            ))),
            _ => {
                let mut msg = format!(
                    "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                    names(&containers)
                );
                if !inits.is_empty() {
                    msg.push_str(&format!(
                        " or one of the init containers: [{}]",
                        names(&inits)
                    ));
                }
                Err(ApiError::bad_request(msg))
            }
        };
    }
    containers
        .into_iter()
        .chain(inits)
        .find(|c| c["name"].as_str() == Some(asked))
        .ok_or_else(|| {
            ApiError::bad_request(format!("container {asked} is not valid for pod {pod_name}"))
        })
}

fn running(pod: &Value, container: &str) -> bool {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .flat_map(|f| pod["status"][f].as_array().into_iter().flatten())
        .any(|s| s["name"].as_str() == Some(container) && s["state"]["running"].is_object())
}

#[cfg(test)]
mod tests;
