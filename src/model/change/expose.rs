//! `expose`: the Service `kubectl expose … --dry-run=client -o json` makes for a Deployment,
//! ReplicaSet, Pod or Service (kubernetes/kubectl `pkg/cmd/expose/expose.go`,
//! `pkg/polymorphichelpers`): the selector, labels and ports come from the exposed object,
//! the flags override them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::args::Args;
use super::create::{invalid_name, NameRule};

/// The Service types `--type` accepts.
pub const SERVICE_TYPES: [&str; 3] = ["ClusterIP", "NodePort", "LoadBalancer"];
pub const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

/// What kubectl reads from the exposed object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExposeSource {
    /// `deployment`, `pod` …: for messages.
    pub kind: String,
    pub name: String,
    pub selector: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    /// Its ports (container ports, or a Service's ports) with their protocols, in order.
    pub ports: Vec<(i32, String)>,
}

/// What the user chose (the flags of `kubectl expose`); empty means kubectl's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExposeSpec {
    /// `--port`: one port or several separated by `,`.
    pub port: String,
    pub target_port: String,
    pub service_type: String,
    pub name: String,
    pub protocol: String,
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn container_ports(pod_spec: &Value) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    for c in pod_spec["containers"].as_array().into_iter().flatten() {
        for p in c["ports"].as_array().into_iter().flatten() {
            if let Some(port) = p["containerPort"].as_i64() {
                let protocol = p["protocol"].as_str().unwrap_or("TCP");
                out.push((port as i32, protocol.to_string()));
            }
        }
    }
    out
}

/// Reads the exposed object as kubectl does; an error for kinds it cannot expose and for
/// selectors a Service cannot carry.
pub fn source_of(obj: &Value) -> Result<ExposeSource, String> {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    let (selector, ports) = match kind {
        "Deployment" | "ReplicaSet" => {
            let sel = &obj["spec"]["selector"];
            if sel["matchExpressions"]
                .as_array()
                .is_some_and(|e| !e.is_empty())
            {
                return Err(format!(
                    "{} {name}: its selector has matchExpressions, which a Service selector cannot carry",
                    kind.to_ascii_lowercase()
                ));
            }
            (
                string_map(&sel["matchLabels"]),
                container_ports(&obj["spec"]["template"]["spec"]),
            )
        }
        "Pod" => (
            string_map(&obj["metadata"]["labels"]),
            container_ports(&obj["spec"]),
        ),
        "Service" => (
            string_map(&obj["spec"]["selector"]),
            obj["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    let port = p["port"].as_i64()? as i32;
                    Some((port, p["protocol"].as_str().unwrap_or("TCP").to_string()))
                })
                .collect(),
        ),
        other => {
            return Err(format!(
                "cannot expose a {other}: only Deployments, ReplicaSets, Pods and Services"
            ))
        }
    };
    Ok(ExposeSource {
        kind: kind.to_ascii_lowercase(),
        name: name.to_string(),
        selector,
        labels: string_map(&obj["metadata"]["labels"]),
        ports,
    })
}

impl ExposeSource {
    /// `--port`'s default: every port of the object, as kubectl takes them.
    pub fn default_port(&self) -> String {
        self.ports
            .iter()
            .map(|(p, _)| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The protocol a port gets without `--protocol`.
    fn protocol_of(&self, port: &str) -> String {
        self.ports
            .iter()
            .find(|(p, _)| p.to_string() == port)
            .map_or_else(|| "TCP".to_string(), |(_, proto)| proto.clone())
    }
}

impl ExposeSpec {
    /// The Service's name.
    pub fn service_name<'a>(&'a self, source: &'a ExposeSource) -> &'a str {
        if self.name.is_empty() {
            &source.name
        } else {
            &self.name
        }
    }

    /// The flags as typed on `:expose` (what the dialog shows it will run).
    pub fn command_line(&self, target: &str) -> String {
        let mut line = format!("expose {target}");
        for (flag, value) in [
            ("port", &self.port),
            ("target-port", &self.target_port),
            ("type", &self.service_type),
            ("name", &self.name),
            ("protocol", &self.protocol),
        ] {
            if !value.is_empty() {
                line.push_str(&format!(" --{flag}={value}"));
            }
        }
        line
    }
}

/// The Service, or what is wrong with the input (kubectl's checks and the API server's).
pub fn service_object(source: &ExposeSource, spec: &ExposeSpec) -> Result<Value, String> {
    if source.selector.is_empty() {
        return Err(format!(
            "{} {} has no selector (no labels to select its pods by)",
            source.kind, source.name
        ));
    }
    let name = spec.service_name(source);
    if let Some(why) = invalid_name(name, NameRule::Label1035) {
        return Err(format!("Service name: {why}"));
    }
    let port_text = if spec.port.trim().is_empty() {
        source.default_port()
    } else {
        spec.port.trim().to_string()
    };
    if port_text.is_empty() {
        return Err("couldn't find port via --port flag or introspection: type a port".into());
    }
    let words: Vec<&str> = port_text.split(',').map(str::trim).collect();
    let protocol = spec.protocol.trim().to_ascii_uppercase();
    if !protocol.is_empty() && !PROTOCOLS.contains(&protocol.as_str()) {
        return Err(format!("protocol {protocol:?}: use TCP, UDP or SCTP"));
    }
    let target = spec.target_port.trim();
    let target_port = if target.is_empty() {
        None
    } else if let Ok(n) = target.parse::<i32>() {
        if !(1..=65535).contains(&n) {
            return Err(format!("target port {n}: must be 1-65535"));
        }
        Some(json!(n))
    } else if invalid_name(target, NameRule::Label1123).is_none() && target.len() <= 15 {
        Some(json!(target))
    } else {
        return Err(format!(
            "target port {target:?}: a number 1-65535 or a container port's name"
        ));
    };
    let mut ports = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let port = word
            .parse::<i32>()
            .ok()
            .filter(|p| (1..=65535).contains(p))
            .ok_or_else(|| format!("port {word:?}: must be a number 1-65535"))?;
        let mut p = Map::new();
        if words.len() > 1 {
            p.insert("name".into(), json!(format!("port-{}", i + 1)));
        }
        let proto = if protocol.is_empty() {
            source.protocol_of(word)
        } else {
            protocol.clone()
        };
        p.insert("protocol".into(), json!(proto));
        p.insert("port".into(), json!(port));
        p.insert(
            "targetPort".into(),
            target_port.clone().unwrap_or(json!(port)),
        );
        ports.push(Value::Object(p));
    }
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    meta.insert("creationTimestamp".into(), Value::Null);
    if !source.labels.is_empty() {
        meta.insert("labels".into(), json!(source.labels));
    }
    let mut svc_spec = Map::new();
    svc_spec.insert("ports".into(), Value::Array(ports));
    svc_spec.insert("selector".into(), json!(source.selector));
    let service_type = spec.service_type.trim();
    if !service_type.is_empty() {
        let Some(t) = SERVICE_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(service_type))
        else {
            return Err(format!(
                "type {service_type:?}: use ClusterIP, NodePort or LoadBalancer"
            ));
        };
        svc_spec.insert("type".into(), json!(t));
    }
    Ok(json!({
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": svc_spec,
        "status": {"loadBalancer": {}},
    }))
}

/// The target of `:expose TYPE/NAME`: `(kind word as typed, name)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeCommand {
    pub kind: ExposeKind,
    pub name: String,
    pub spec: ExposeSpec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposeKind {
    Deployment,
    ReplicaSet,
    Pod,
    Service,
}

impl ExposeKind {
    pub fn from_word(word: &str) -> Option<ExposeKind> {
        Some(match word.to_ascii_lowercase().as_str() {
            "deploy" | "deployment" | "deployments" | "deployment.apps" => ExposeKind::Deployment,
            "rs" | "replicaset" | "replicasets" | "replicaset.apps" => ExposeKind::ReplicaSet,
            "po" | "pod" | "pods" => ExposeKind::Pod,
            "svc" | "service" | "services" => ExposeKind::Service,
            _ => return None,
        })
    }

    /// `(group, version, kind, plural)`.
    pub fn resource(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            ExposeKind::Deployment => ("apps", "v1", "Deployment", "deployments"),
            ExposeKind::ReplicaSet => ("apps", "v1", "ReplicaSet", "replicasets"),
            ExposeKind::Pod => ("", "v1", "Pod", "pods"),
            ExposeKind::Service => ("", "v1", "Service", "services"),
        }
    }
}

/// Parses the words after `expose`: `TYPE/NAME` (or `TYPE NAME`) and kubectl's flags.
pub fn parse(words: &[&str]) -> Result<ExposeCommand, String> {
    let usage = "usage: expose deploy/NAME [--port=P] [--target-port=T] [--type=NodePort] [--name=N] [--protocol=TCP]";
    let args = Args::parse(words).map_err(|e| format!("expose: {}", e.0))?;
    args.no_flags_but(&["port", "target-port", "type", "name", "protocol"])
        .map_err(|e| format!("expose: {e}"))?;
    let (kind, name) = match args.positional.as_slice() {
        [one] => one
            .split_once('/')
            .ok_or_else(|| format!("expose: {one:?} is not TYPE/NAME; {usage}"))?,
        [kind, name] => (kind.as_str(), name.as_str()),
        _ => return Err(usage.to_string()),
    };
    let kind = ExposeKind::from_word(kind).ok_or_else(|| {
        format!("expose: cannot expose {kind:?} (deploy, rs, pod or svc); {usage}")
    })?;
    if name.is_empty() {
        return Err(usage.to_string());
    }
    let flag = |n: &str| args.last(n).unwrap_or_default().to_string();
    Ok(ExposeCommand {
        kind,
        name: name.to_string(),
        spec: ExposeSpec {
            port: flag("port"),
            target_port: flag("target-port"),
            service_type: flag("type"),
            name: flag("name"),
            protocol: flag("protocol"),
        },
    })
}
