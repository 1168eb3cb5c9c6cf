//! A Pod as kubectl's `describePod` prints it.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};

use super::containers::{containers, tolerations};
use super::events;
use super::text::{controller, str_or, time, Out, NONE};
use super::volumes::volumes;
use crate::model::format::age;

pub(super) fn describe(pod: &Pod, events: &[Event], now: Timestamp) -> String {
    let mut out = Out::default();
    let meta = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&meta.name, ""));
    out.field(0, "Namespace", str_or(&meta.namespace, ""));
    out.field_opt(0, "Priority", spec.priority);
    out.field_opt(
        0,
        "Priority Class Name",
        non_empty(&spec.priority_class_name),
    );
    out.field_opt(0, "Runtime Class Name", non_empty(&spec.runtime_class_name));
    out.field_opt(0, "Service Account", non_empty(&spec.service_account_name));
    let node = match (non_empty(&spec.node_name), &status.host_ip) {
        (Some(n), ip) => format!("{n}/{}", ip.as_deref().unwrap_or("")),
        (None, _) => NONE.into(),
    };
    out.field(0, "Node", node);
    out.field_opt(0, "Start Time", status.start_time.as_ref().map(time));
    out.labels(0, "Labels", meta.labels.as_ref());
    out.annotations(0, "Annotations", meta.annotations.as_ref());
    let phase = status.phase.clone().unwrap_or_default();
    match &meta.deletion_timestamp {
        Some(ts) if phase != "Failed" && phase != "Succeeded" => {
            out.field(
                0,
                "Status",
                format!("Terminating (lasts {})", age(Some(ts.0), now)),
            );
            let grace = meta.deletion_grace_period_seconds.unwrap_or(0);
            out.field(0, "Termination Grace Period", format!("{grace}s"));
        }
        _ => out.field(0, "Status", &phase),
    }
    out.field_opt(0, "Reason", non_empty(&status.reason));
    out.field_opt(0, "Message", non_empty(&status.message));
    out.field(0, "IP", status.pod_ip.as_deref().unwrap_or(""));
    let ips: Vec<String> = status
        .pod_ips
        .iter()
        .flatten()
        .map(|ip| ip.ip.clone())
        .collect();
    if ips.is_empty() {
        out.field(0, "IPs", NONE);
    } else {
        out.line(0, "IPs:");
        for ip in ips {
            out.field(1, "IP", ip);
        }
    }
    out.field_opt(0, "Controlled By", controller(meta));
    out.field_opt(
        0,
        "NominatedNodeName",
        non_empty(&status.nominated_node_name),
    );
    let resolve = |path: &str| field_value(pod, path);
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        let statuses = status.init_container_statuses.clone().unwrap_or_default();
        containers(
            &mut out,
            "Init Containers",
            "",
            init,
            Some(&statuses),
            &resolve,
        );
    }
    let statuses = status.container_statuses.clone().unwrap_or_default();
    containers(
        &mut out,
        "Containers",
        "",
        &spec.containers,
        Some(&statuses),
        &resolve,
    );
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        out.line(0, "Conditions:");
        out.line(1, "Type\tStatus");
        for c in &conditions {
            out.line(1, format!("{} \t{} ", c.type_, c.status));
        }
    }
    volumes(&mut out, "", spec.volumes.as_deref().unwrap_or_default());
    out.field_opt(0, "QoS Class", non_empty(&status.qos_class));
    out.labels(0, "Node-Selectors", spec.node_selector.as_ref());
    out.list(
        0,
        "Tolerations",
        &tolerations(spec.tolerations.as_deref().unwrap_or_default()),
    );
    events::section(&mut out, events, now);
    out.finish()
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// The pod's value for an env var's `fieldRef`, for the paths pods commonly use.
fn field_value(pod: &Pod, path: &str) -> String {
    let meta = &pod.metadata;
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let value = match path {
        "metadata.name" => meta.name.clone(),
        "metadata.namespace" => meta.namespace.clone(),
        "metadata.uid" => meta.uid.clone(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()),
        _ => None,
    };
    value.unwrap_or_default()
}
