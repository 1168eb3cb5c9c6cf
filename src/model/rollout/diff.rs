//! What differs between two pod templates, as short readable lines: images, env, command and
//! args, resources, probes, ports, labels, annotations, and any other field by name.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, PodTemplateSpec, Probe};
use serde_json::Value;

use super::POD_TEMPLATE_HASH_LABEL;

/// Longest value shown in a diff line before it is cut with `…`.
const MAX_VALUE_CHARS: usize = 120;

/// One difference: `subject` went `from` → `to` (`None` = absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange {
    pub subject: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl TemplateChange {
    /// `image app: a → b`, `+ env app BAR: "1"`, `- label tier: web`.
    pub fn line(&self) -> String {
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => format!("{}: {from} → {to}", self.subject),
            (None, Some(to)) => format!("+ {}: {to}", self.subject),
            (Some(from), None) => format!("- {}: {from}", self.subject),
            (None, None) => self.subject.clone(),
        }
    }
}

/// The changes that turn template `from` (e.g. the current one) into `to` (a revision's).
/// The `pod-template-hash` label is ignored. Empty when the templates are equivalent.
pub fn template_diff(from: &PodTemplateSpec, to: &PodTemplateSpec) -> Vec<TemplateChange> {
    let mut out = Vec::new();
    let (from_spec, to_spec) = (
        from.spec.clone().unwrap_or_default(),
        to.spec.clone().unwrap_or_default(),
    );
    diff_containers(&mut out, "", &from_spec.containers, &to_spec.containers);
    diff_containers(
        &mut out,
        "init ",
        from_spec.init_containers.as_deref().unwrap_or_default(),
        to_spec.init_containers.as_deref().unwrap_or_default(),
    );
    let labels = |t: &PodTemplateSpec| {
        let mut l = t
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        l.remove(POD_TEMPLATE_HASH_LABEL);
        l
    };
    diff_maps(&mut out, "label", &labels(from), &labels(to));
    let annotations = |t: &PodTemplateSpec| {
        t.metadata
            .as_ref()
            .and_then(|m| m.annotations.clone())
            .unwrap_or_default()
    };
    diff_maps(&mut out, "annotation", &annotations(from), &annotations(to));
    let mut from_rest = to_json(&from_spec);
    let mut to_rest = to_json(&to_spec);
    for v in [&mut from_rest, &mut to_rest] {
        if let Some(map) = v.as_object_mut() {
            map.remove("containers");
            map.remove("initContainers");
        }
    }
    diff_fields(&mut out, "spec.", &from_rest, &to_rest);
    out
}

fn diff_containers(
    out: &mut Vec<TemplateChange>,
    kind: &str,
    from: &[Container],
    to: &[Container],
) {
    for old in from {
        match to.iter().find(|c| c.name == old.name) {
            Some(new) => diff_container(out, kind, old, new),
            None => out.push(change(
                format!("{kind}container {}", old.name),
                Some(old.image.clone().unwrap_or_default()),
                None,
            )),
        }
    }
    for new in to.iter().filter(|c| !from.iter().any(|o| o.name == c.name)) {
        out.push(change(
            format!("{kind}container {}", new.name),
            None,
            Some(new.image.clone().unwrap_or_default()),
        ));
    }
}

fn diff_container(out: &mut Vec<TemplateChange>, kind: &str, old: &Container, new: &Container) {
    let name = &old.name;
    if old.image != new.image {
        out.push(change(
            format!("{kind}image {name}"),
            old.image.clone(),
            new.image.clone(),
        ));
    }
    for (field, a, b) in [
        ("command", &old.command, &new.command),
        ("args", &old.args, &new.args),
    ] {
        if a.as_deref().unwrap_or_default() != b.as_deref().unwrap_or_default() {
            out.push(change(
                format!("{field} {name}"),
                a.as_deref().map(list),
                b.as_deref().map(list),
            ));
        }
    }
    let env = |c: &Container| -> BTreeMap<String, String> {
        c.env
            .iter()
            .flatten()
            .map(|e| {
                let value = match (&e.value, &e.value_from) {
                    (Some(v), _) => format!("{v:?}"),
                    (None, Some(from)) => short(&to_json(from)),
                    (None, None) => "\"\"".into(),
                };
                (e.name.clone(), value)
            })
            .collect()
    };
    diff_maps(out, &format!("env {name}"), &env(old), &env(new));
    let resources = |c: &Container| -> BTreeMap<String, String> {
        let mut flat = BTreeMap::new();
        if let Some(r) = &c.resources {
            for (section, list) in [("requests", &r.requests), ("limits", &r.limits)] {
                for (k, q) in list.iter().flatten() {
                    flat.insert(format!("{section}.{k}"), q.0.clone());
                }
            }
        }
        flat
    };
    diff_maps(
        out,
        &format!("resources {name}"),
        &resources(old),
        &resources(new),
    );
    for (field, a, b) in [
        ("livenessProbe", &old.liveness_probe, &new.liveness_probe),
        ("readinessProbe", &old.readiness_probe, &new.readiness_probe),
        ("startupProbe", &old.startup_probe, &new.startup_probe),
    ] {
        if to_json(a) != to_json(b) {
            let (mut sa, mut sb) = (a.as_ref().map(probe_summary), b.as_ref().map(probe_summary));
            if sa == sb {
                // Same handler and timings in summary: show the full values instead.
                (sa, sb) = (
                    a.as_ref().map(|p| short(&to_json(p))),
                    b.as_ref().map(|p| short(&to_json(p))),
                );
            }
            out.push(change(format!("{field} {name}"), sa, sb));
        }
    }
    let ports = |c: &Container| -> Vec<String> {
        c.ports
            .iter()
            .flatten()
            .map(|p| {
                let proto = p.protocol.as_deref().unwrap_or("TCP");
                match &p.name {
                    Some(n) => format!("{n}:{}/{proto}", p.container_port),
                    None => format!("{}/{proto}", p.container_port),
                }
            })
            .collect()
    };
    let (pa, pb) = (ports(old), ports(new));
    if pa != pb {
        let show = |p: Vec<String>| (!p.is_empty()).then(|| p.join(", "));
        out.push(change(format!("ports {name}"), show(pa), show(pb)));
    }
    let handled = [
        "name",
        "image",
        "command",
        "args",
        "env",
        "resources",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "ports",
    ];
    let strip = |c: &Container| {
        let mut v = to_json(c);
        if let Some(map) = v.as_object_mut() {
            map.retain(|k, _| !handled.contains(&k.as_str()));
        }
        v
    };
    diff_fields(
        out,
        &format!("{kind}container {name} "),
        &strip(old),
        &strip(new),
    );
}

/// A probe in a few words: `httpGet :8080/healthz every 10s`.
fn probe_summary(p: &Probe) -> String {
    let handler = if let Some(h) = &p.http_get {
        format!(
            "httpGet {}:{}{}",
            h.host.as_deref().unwrap_or(""),
            port(&h.port),
            h.path.as_deref().unwrap_or("")
        )
    } else if let Some(t) = &p.tcp_socket {
        format!("tcpSocket :{}", port(&t.port))
    } else if let Some(e) = &p.exec {
        format!("exec {}", list(e.command.as_deref().unwrap_or_default()))
    } else if let Some(g) = &p.grpc {
        format!("grpc :{}", g.port)
    } else {
        "no handler".into()
    };
    let mut s = handler;
    for (label, value) in [
        ("delay", p.initial_delay_seconds),
        ("every", p.period_seconds),
        ("timeout", p.timeout_seconds),
    ] {
        if let Some(v) = value {
            s.push_str(&format!(" {label} {v}s"));
        }
    }
    if let Some(f) = p.failure_threshold {
        s.push_str(&format!(" failures {f}"));
    }
    s
}

fn port(p: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString) -> String {
    match p {
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
    }
}

fn diff_maps(
    out: &mut Vec<TemplateChange>,
    subject: &str,
    from: &BTreeMap<String, String>,
    to: &BTreeMap<String, String>,
) {
    let keys: BTreeSet<&String> = from.keys().chain(to.keys()).collect();
    for key in keys {
        let (a, b) = (from.get(key), to.get(key));
        if a != b {
            out.push(change(
                format!("{subject} {key}"),
                a.map(|s| cut(s)),
                b.map(|s| cut(s)),
            ));
        }
    }
}

/// Field-by-field comparison of two JSON objects (empties count as absent).
fn diff_fields(out: &mut Vec<TemplateChange>, prefix: &str, from: &Value, to: &Value) {
    let (mut from, mut to) = (from.clone(), to.clone());
    super::prune_empty(&mut from);
    super::prune_empty(&mut to);
    let empty = serde_json::Map::new();
    let fa = from.as_object().unwrap_or(&empty);
    let fb = to.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    for key in keys {
        let (a, b) = (fa.get(key), fb.get(key));
        if a != b {
            out.push(change(format!("{prefix}{key}"), a.map(short), b.map(short)));
        }
    }
}

fn change(subject: String, from: Option<String>, to: Option<String>) -> TemplateChange {
    TemplateChange { subject, from, to }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A JSON value on one line: strings bare, everything else compact JSON, cut to a width.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) => cut(s),
        other => cut(&other.to_string()),
    }
}

fn list(items: &[String]) -> String {
    cut(&format!("[{}]", items.join(" ")))
}

fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(MAX_VALUE_CHARS - 1).collect();
        c.push('…');
        c
    }
}
