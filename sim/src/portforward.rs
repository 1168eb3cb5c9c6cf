//! Pod port-forward: `GET /api/v1/namespaces/{namespace}/pods/{name}/portforward?ports=…`
//! upgraded to a WebSocket speaking the channel protocol kube-rs uses ([`channel`]).
//! Behind each declared container port of a running container an in-process HTTP server
//! answers ([`responder`]); other ports get the kubelet's "connection refused" error on the
//! port's error channel. kubectl's SPDY transport is not spoken: such requests get a 400
//! that says so.

pub mod channel;
pub mod responder;

use axum::extract::ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use channel::PortTarget;
use responder::Page;

use super::logs::lines;
use super::resources::PODS;
use super::{wsproto, ApiError, SimState};

/// The WebSocket subprotocols served, preferred first. kube-rs offers v5 then v4; its
/// port-forwarder does not understand v5's close frames from the server (we send none).
const PROTOCOLS: [&str; 2] = ["v4.channel.k8s.io", "v5.channel.k8s.io"];

/// Routes under `/api/v1/namespaces/{namespace}/pods/{name}/portforward`.
pub fn routes() -> Router<SimState> {
    Router::new().route(
        "/api/v1/namespaces/{namespace}/pods/{name}/portforward",
        get(portforward).post(portforward),
    )
}

async fn portforward(
    State(state): State<SimState>,
    Path((namespace, name)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let prepared = prepare(&state, &namespace, &name, &query, &headers);
    let (targets, uid) = match prepared {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let upgrade = match upgrade {
        Ok(u) => u.protocols(PROTOCOLS),
        Err(_) => return ApiError::bad_request("Upgrade request required").into_response(),
    };
    let v5 = wsproto::chosen(&headers, &PROTOCOLS) == Some(PROTOCOLS[1]);
    let gone = pod_gone(state, namespace, name, uid);
    upgrade.on_upgrade(move |socket| channel::run(socket, targets, v5, gone))
}

/// Everything checked before the upgrade: the pod, its phase, the ports, the protocol.
fn prepare(
    state: &SimState,
    namespace: &str,
    name: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Result<(Vec<(u16, PortTarget)>, String), ApiError> {
    let stored = state.store.get(&PODS, namespace, name)?;
    let pod = &stored.value;
    let phase = pod["status"]["phase"].as_str().unwrap_or("Pending");
    if phase != "Running" {
        return Err(ApiError::bad_request(format!(
            "unable to forward port because pod is not running. Current status={phase}"
        )));
    }
    if wsproto::unservable(headers, &PROTOCOLS) {
        return Err(ApiError::bad_request(format!(
            "the simulated cluster forwards ports only over WebSocket with the {} subprotocol (as kube-rs does); SPDY port-forwarding (kubectl port-forward) is not supported",
            PROTOCOLS[0]
        )));
    }
    let ports = parse_ports(query)?;
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let targets = ports
        .into_iter()
        .map(|port| (port, port_target(pod, name, port)))
        .collect();
    Ok((targets, uid))
}

/// `ports=8080&ports=9090` or `ports=8080,9090` (kube-rs); `port` is the kubelet's name.
pub fn parse_ports(query: &[(String, String)]) -> Result<Vec<u16>, ApiError> {
    let mut ports = Vec::new();
    for (key, value) in query.iter().filter(|(k, _)| k == "ports" || k == "port") {
        if value.is_empty() {
            return Err(ApiError::bad_request(format!(
                "query parameter \"{key}\" cannot be empty"
            )));
        }
        for p in value.split(',') {
            let port: u16 = p
                .trim()
                .parse()
                .map_err(|_| ApiError::bad_request(format!("unable to parse \"{p}\" as a port")))?;
            if port == 0 {
                return Err(ApiError::bad_request(format!("port \"{p}\" must be > 0")));
            }
            if ports.contains(&port) {
                return Err(ApiError::bad_request(format!(
                    "port {port} is requested more than once"
                )));
            }
            ports.push(port);
        }
    }
    if ports.is_empty() {
        return Err(ApiError::bad_request(
            "query parameter \"port\" is required",
        ));
    }
    Ok(ports)
}

/// What answers on `port` of the pod: the running container that declares the port.
pub fn port_target(pod: &Value, name: &str, port: u16) -> PortTarget {
    let running = |container: &str| {
        pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["name"].as_str() == Some(container) && s["state"]["running"].is_object())
    };
    let found = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            c["ports"].as_array().into_iter().flatten().any(|p| {
                p["containerPort"].as_u64() == Some(u64::from(port))
                    && p["protocol"].as_str().unwrap_or("TCP") == "TCP"
            })
        });
    match found {
        Some(c) if running(c["name"].as_str().unwrap_or("")) => PortTarget::Listening(Page {
            pod: name.to_string(),
            namespace: pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            pod_ip: pod["status"]["podIP"].as_str().unwrap_or("").to_string(),
            node: pod["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
            container: c["name"].as_str().unwrap_or("").to_string(),
            image: c["image"].as_str().unwrap_or("").to_string(),
            port,
        }),
        _ => PortTarget::Refused(refused_message(pod, port)),
    }
}

/// The kubelet's (containerd's) message for a port nothing listens on.
pub fn refused_message(pod: &Value, port: u16) -> String {
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    let hex = |salt: &str, words: usize| -> String {
        (0..words)
            .map(|i| {
                format!(
                    "{:016x}",
                    lines::mix(lines::hash_str(&format!("{salt}{uid}")) ^ i as u64)
                )
            })
            .collect()
    };
    let sandbox = hex("sandbox", 4);
    let netns = hex("netns", 2);
    let netns = format!(
        "{}-{}-{}-{}-{}",
        &netns[0..8],
        &netns[8..12],
        &netns[12..16],
        &netns[16..20],
        &netns[20..32]
    );
    format!(
        "error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network namespace \"/var/run/netns/cni-{netns}\": failed to connect to localhost:{port} inside namespace \"{sandbox}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused "
    )
}

/// Resolves when the pod is deleted for good or replaced by another with its name.
pub(crate) async fn pod_gone(state: SimState, namespace: String, name: String, uid: String) {
    let mut changes = state.store.changes();
    loop {
        match state.store.get(&PODS, &namespace, &name) {
            Ok(p) if p.value["metadata"]["uid"].as_str() == Some(uid.as_str()) => {}
            _ => return,
        }
        // Look again on a change to this pod, a lagged receiver, or every few seconds;
        // a closed broadcast means the cluster is shutting down.
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(2));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                ev = changes.recv() => match ev {
                    Ok(ev) if !std::ptr::eq(ev.res, &PODS)
                        || ev.object.name() != name
                        || ev.object.namespace() != namespace => continue,
                    Err(RecvError::Closed) => return,
                    _ => break,
                },
                _ = &mut deadline => break,
            }
        }
    }
}

#[cfg(test)]
mod tests;
