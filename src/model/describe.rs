//! `kubectl describe`-like text, built from fetched objects. Pure: tested on fixtures.

use std::collections::BTreeMap;
use std::fmt::Write;

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Event, Pod, Probe};
use kube::api::DynamicObject;

/// Sort key of an event: when it last happened.
pub fn event_time(e: &Event) -> String {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0.to_string())
        .or_else(|| e.event_time.as_ref().map(|t| t.0.to_string()))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0.to_string()))
        .unwrap_or_default()
}

/// A text of `Label:  value` lines with kubectl's alignment.
#[derive(Default)]
struct Text(String);

impl Text {
    fn field(&mut self, indent: usize, label: &str, value: impl AsRef<str>) {
        let pad = 18usize.saturating_sub(indent + label.len() + 1).max(1);
        let _ = writeln!(
            self.0,
            "{:indent$}{label}:{:pad$}{}",
            "",
            "",
            value.as_ref(),
            indent = indent,
            pad = pad
        );
    }

    fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        let _ = writeln!(self.0, "{:indent$}{}", "", text.as_ref(), indent = indent);
    }

    fn map(&mut self, label: &str, map: Option<&BTreeMap<String, String>>) {
        let mut entries = map.into_iter().flatten();
        match entries.next() {
            None => self.field(0, label, "<none>"),
            Some((k, v)) => {
                self.field(0, label, format!("{k}={v}"));
                for (k, v) in entries {
                    self.line(18, format!("{k}={v}"));
                }
            }
        }
    }
}

pub fn pod(pod: &Pod, events: &[Event]) -> String {
    let mut t = Text::default();
    let meta = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    t.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    t.field(0, "Namespace", meta.namespace.as_deref().unwrap_or(""));
    t.field(
        0,
        "Node",
        match (&spec.node_name, &status.host_ip) {
            (Some(n), Some(ip)) => format!("{n}/{ip}"),
            (Some(n), None) => n.clone(),
            _ => "<none>".into(),
        },
    );
    t.field(
        0,
        "Start Time",
        status
            .start_time
            .as_ref()
            .map_or("<unset>".into(), |s| s.0.to_string()),
    );
    t.map("Labels", meta.labels.as_ref());
    t.map("Annotations", meta.annotations.as_ref());
    let phase = status.phase.clone().unwrap_or_else(|| "Unknown".into());
    match &meta.deletion_timestamp {
        Some(ts) => t.field(0, "Status", format!("Terminating (lasts since {})", ts.0)),
        None => t.field(0, "Status", phase),
    }
    t.field(0, "IP", status.pod_ip.as_deref().unwrap_or("<none>"));
    if let Some(owner) = meta
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
    {
        t.field(0, "Controlled By", format!("{}/{}", owner.kind, owner.name));
    }
    t.line(0, "Containers:");
    let statuses = status.container_statuses.clone().unwrap_or_default();
    for c in &spec.containers {
        container(&mut t, c, statuses.iter().find(|s| s.name == c.name));
    }
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        t.line(0, "Conditions:");
        t.line(2, format!("{:<26}{}", "Type", "Status"));
        for c in &conditions {
            t.line(2, format!("{:<26}{}", c.type_, c.status));
        }
    }
    events_section(&mut t, events);
    t.0
}

fn container(t: &mut Text, c: &Container, status: Option<&ContainerStatus>) {
    t.line(2, format!("{}:", c.name));
    t.field(4, "Image", c.image.as_deref().unwrap_or(""));
    let ports: Vec<String> = c
        .ports
        .iter()
        .flatten()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )
        })
        .collect();
    t.field(
        4,
        "Port",
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports.join(", ")
        },
    );
    if let Some(s) = status {
        let state = s.state.clone().unwrap_or_default();
        if let Some(r) = &state.running {
            t.field(4, "State", "Running");
            if let Some(at) = &r.started_at {
                t.field(6, "Started", at.0.to_string());
            }
        } else if let Some(w) = &state.waiting {
            t.field(4, "State", "Waiting");
            t.field(6, "Reason", w.reason.as_deref().unwrap_or(""));
        } else if let Some(term) = &state.terminated {
            t.field(4, "State", "Terminated");
            t.field(6, "Reason", term.reason.as_deref().unwrap_or(""));
            t.field(6, "Exit Code", term.exit_code.to_string());
        }
        if let Some(term) = s.last_state.as_ref().and_then(|l| l.terminated.as_ref()) {
            t.field(4, "Last State", "Terminated");
            t.field(6, "Reason", term.reason.as_deref().unwrap_or(""));
            t.field(6, "Exit Code", term.exit_code.to_string());
        }
        t.field(4, "Ready", if s.ready { "True" } else { "False" });
        t.field(4, "Restart Count", s.restart_count.to_string());
    }
    if let Some(p) = &c.liveness_probe {
        t.field(4, "Liveness", probe(p));
    }
    if let Some(p) = &c.readiness_probe {
        t.field(4, "Readiness", probe(p));
    }
    let env: Vec<String> = c
        .env
        .iter()
        .flatten()
        .map(|e| {
            format!(
                "{}={}",
                e.name,
                e.value.as_deref().unwrap_or("<set from source>")
            )
        })
        .collect();
    if !env.is_empty() {
        t.line(4, "Environment:");
        for e in env {
            t.line(6, e);
        }
    }
}

fn probe(p: &Probe) -> String {
    let how = if let Some(h) = &p.http_get {
        let port = match &h.port {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        };
        format!("http-get :{port}{}", h.path.as_deref().unwrap_or("/"))
    } else if let Some(e) = &p.exec {
        format!("exec {:?}", e.command.clone().unwrap_or_default())
    } else if let Some(s) = &p.tcp_socket {
        format!("tcp-socket {:?}", s.port)
    } else {
        "<unknown>".into()
    };
    format!(
        "{how} delay={}s timeout={}s period={}s #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.failure_threshold.unwrap_or(3)
    )
}

/// Any other kind: metadata, then spec and status as indented YAML.
pub fn generic(obj: &DynamicObject, events: &[Event]) -> String {
    let mut t = Text::default();
    let meta = &obj.metadata;
    t.field(0, "Name", meta.name.as_deref().unwrap_or(""));
    if let Some(ns) = &meta.namespace {
        t.field(0, "Namespace", ns);
    }
    t.field(
        0,
        "CreationTimestamp",
        meta.creation_timestamp
            .as_ref()
            .map_or("<unset>".into(), |c| c.0.to_string()),
    );
    t.map("Labels", meta.labels.as_ref());
    t.map("Annotations", meta.annotations.as_ref());
    for section in ["spec", "status"] {
        if let Some(v) = obj.data.get(section) {
            let mut title = section.to_string();
            title[..1].make_ascii_uppercase();
            t.line(0, format!("{title}:"));
            for line in serde_yaml::to_string(v).unwrap_or_default().lines() {
                t.line(2, line);
            }
        }
    }
    events_section(&mut t, events);
    t.0
}

fn events_section(t: &mut Text, events: &[Event]) {
    if events.is_empty() {
        t.field(0, "Events", "<none>");
        return;
    }
    t.line(0, "Events:");
    t.line(
        2,
        format!("{:<8} {:<18} {:<22} Message", "Type", "Reason", "From"),
    );
    for e in events {
        let from = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        let count = e.count.filter(|c| *c > 1).map(|c| format!(" (x{c})"));
        t.line(
            2,
            format!(
                "{:<8} {:<18} {:<22} {}{}",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                from,
                e.message.as_deref().unwrap_or(""),
                count.unwrap_or_default()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "web"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                    "uid": "u", "controller": true}]},
            "spec": {"nodeName": "minikube", "containers": [{"name": "nginx", "image": "nginx:1.25",
                "ports": [{"containerPort": 80}],
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}}}]},
            "status": {"phase": "Running", "podIP": "10.244.0.5", "hostIP": "192.168.49.2",
                "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 2, "image": "nginx:1.25",
                    "imageID": "", "state": {"running": {"startedAt": "2026-11-25T10:00:00Z"}}}],
                "conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap()
    }

    #[test]
    fn pod_description_has_the_facts_people_look_for() {
        let event: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "web-0"},
            "type": "Warning", "reason": "Unhealthy", "message": "Liveness probe failed", "count": 3,
            "source": {"component": "kubelet"}
        }))
        .unwrap();
        let text = pod(&fixture(), &[event]);
        for expected in [
            "Name:",
            "web-0",
            "Node:             minikube/192.168.49.2",
            "Labels:           app=web",
            "Controlled By:    StatefulSet/web",
            "Image:",
            "nginx:1.25",
            "Restart Count:",
            "http-get :80/healthz",
            "Ready",
            "Unhealthy",
            "Liveness probe failed (x3)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
    }

    #[test]
    fn no_events_says_none() {
        assert!(pod(&fixture(), &[]).contains("Events:           <none>"));
    }
}
