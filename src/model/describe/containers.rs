//! Containers as kubectl describes them, for pods (with their statuses) and pod templates
//! (kubectl's `describeContainers` and `DescribePodTemplate`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, ContainerState, ContainerStatus, EnvVar, PodTemplateSpec, Probe,
    ResourceRequirements, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::text::{bool_word, int_or_string, str_or, time_or, Out, NONE};
use super::volumes::volumes;

/// Resolves an env var's `fieldRef` path (`metadata.name`, …) for a pod; templates resolve nothing.
pub(super) type FieldResolver<'a> = &'a dyn Fn(&str) -> String;

/// `title:` and each container; `space` is `"  "` inside a pod template, as in kubectl.
pub(super) fn containers(
    out: &mut Out,
    title: &str,
    space: &str,
    list: &[Container],
    statuses: Option<&[ContainerStatus]>,
    field: FieldResolver,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    out.line(0, format!("{space}{title}:{none}"));
    for c in list {
        let status = statuses.and_then(|s| s.iter().find(|s| s.name == c.name));
        container(out, c, space, statuses.is_some(), status, field);
    }
}

fn container(
    out: &mut Out,
    c: &Container,
    space: &str,
    of_pod: bool,
    status: Option<&ContainerStatus>,
    field: FieldResolver,
) {
    let name_indent = if space.is_empty() { "" } else { " " };
    out.line(1, format!("{name_indent}{}:", c.name));
    if of_pod {
        out.field(
            2,
            "Container ID",
            status
                .and_then(|s| s.container_id.clone())
                .unwrap_or_default(),
        );
    }
    out.field(2, "Image", str_or(&c.image, ""));
    if of_pod {
        out.field(
            2,
            "Image ID",
            status.map(|s| s.image_id.as_str()).unwrap_or(""),
        );
    }
    let ports = c.ports.as_deref().unwrap_or_default();
    ports_field(out, "Port", &join_ports(ports, |p| p.container_port));
    ports_field(
        out,
        "Host Port",
        &join_ports(ports, |p| p.host_port.unwrap_or(0)),
    );
    lines(out, "Command", c.command.as_deref());
    lines(out, "Args", c.args.as_deref());
    if let Some(s) = status {
        state(out, "State", s.state.as_ref());
        if let Some(last) = s.last_state.as_ref().filter(|l| l.terminated.is_some()) {
            state(out, "Last State", Some(last));
        }
        out.field(2, "Ready", bool_word(s.ready));
        out.field(2, "Restart Count", s.restart_count);
    }
    resources(out, 2, c.resources.as_ref());
    for (label, probe) in [
        ("Liveness", &c.liveness_probe),
        ("Readiness", &c.readiness_probe),
        ("Startup", &c.startup_probe),
    ] {
        out.field_opt(2, label, probe.as_ref().map(describe_probe));
    }
    env_from(out, c);
    env(out, c, field);
    mounts(out, c);
}

fn join_ports(ports: &[ContainerPort], number: impl Fn(&ContainerPort) -> i32) -> String {
    let texts: Vec<String> = ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.name.as_deref().filter(|n| !n.is_empty()) {
                Some(name) => format!("{}/{proto} ({name})", number(p)),
                None => format!("{}/{proto}", number(p)),
            }
        })
        .collect();
    texts.join(", ")
}

/// `Port:` for one port, `Ports:` for several, `<none>` for none.
fn ports_field(out: &mut Out, label: &str, joined: &str) {
    if joined.contains(',') {
        out.field(2, &format!("{label}s"), joined);
    } else {
        out.field(2, label, if joined.is_empty() { NONE } else { joined });
    }
}

fn lines(out: &mut Out, label: &str, items: Option<&[String]>) {
    let Some(items) = items.filter(|i| !i.is_empty()) else {
        return;
    };
    out.line(2, format!("{label}:"));
    for line in items.iter().flat_map(|i| i.split('\n')) {
        out.line(3, line);
    }
}

fn state(out: &mut Out, label: &str, state: Option<&ContainerState>) {
    let state = state.cloned().unwrap_or_default();
    if let Some(r) = &state.running {
        out.field(2, label, "Running");
        out.field(3, "Started", time_or(r.started_at.as_ref(), ""));
    } else if let Some(t) = &state.terminated {
        out.field(2, label, "Terminated");
        out.field_opt(3, "Reason", t.reason.as_deref().filter(|r| !r.is_empty()));
        out.field_opt(3, "Message", t.message.as_deref().filter(|m| !m.is_empty()));
        out.field(3, "Exit Code", t.exit_code);
        out.field_opt(3, "Signal", t.signal.filter(|s| *s > 0));
        out.field(3, "Started", time_or(t.started_at.as_ref(), ""));
        out.field(3, "Finished", time_or(t.finished_at.as_ref(), ""));
    } else {
        out.field(2, label, "Waiting");
        let reason = state
            .waiting
            .and_then(|w| w.reason)
            .filter(|r| !r.is_empty());
        out.field_opt(3, "Reason", reason);
    }
}

/// `Limits:` and `Requests:` with one `name: quantity` line each, sorted by name.
fn resources(out: &mut Out, level: usize, r: Option<&ResourceRequirements>) {
    let Some(r) = r else { return };
    for (label, map) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        let map: &BTreeMap<String, Quantity> = match map {
            Some(m) if !m.is_empty() => m,
            _ => continue,
        };
        out.line(level, format!("{label}:"));
        for (name, q) in map {
            out.field(level + 1, name, &q.0);
        }
    }
}

/// kubectl's `DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s period=10s
/// #success=1 #failure=3`.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = &p.exec {
        let command = e.command.clone().unwrap_or_default().join(" ");
        format!("exec [{command}] {attrs}")
    } else if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_lowercase();
        let host = h.host.as_deref().unwrap_or("");
        let path = h.path.as_deref().unwrap_or("");
        let port = int_or_string(&h.port);
        format!("http-get {scheme}://{host}:{port}{path} {attrs}")
    } else if let Some(t) = &p.tcp_socket {
        let host = t.host.as_deref().unwrap_or("");
        format!("tcp-socket {host}:{} {attrs}", int_or_string(&t.port))
    } else if let Some(g) = &p.grpc {
        let service = g.service.as_deref().unwrap_or("");
        format!("grpc <pod>:{} {service} {attrs}", g.port)
    } else {
        format!("unknown {attrs}")
    }
}

fn env_from(out: &mut Out, c: &Container) {
    let Some(sources) = c.env_from.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    out.line(2, "Environment Variables from:");
    for s in sources {
        let (name, from, optional) = if let Some(cm) = &s.config_map_ref {
            (cm.name.as_str(), "ConfigMap", cm.optional)
        } else if let Some(sec) = &s.secret_ref {
            (sec.name.as_str(), "Secret", sec.optional)
        } else {
            ("", "", None)
        };
        let optional = optional.unwrap_or(false);
        match s.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => out.line(3, format!("{name}\t{from}\tOptional: {optional}")),
            Some(p) => out.line(
                3,
                format!("{name}\t{from} with prefix '{p}'\tOptional: {optional}"),
            ),
        }
    }
}

fn env(out: &mut Out, c: &Container, field: FieldResolver) {
    let vars = c.env.as_deref().unwrap_or_default();
    if vars.is_empty() {
        out.field(2, "Environment", NONE);
        return;
    }
    out.line(2, "Environment:");
    for e in vars {
        match env_value(c, e, field) {
            Some(text) => out.line(3, format!("{}:\t{text}", e.name)),
            None => {
                let value = e.value.as_deref().unwrap_or("");
                for (i, line) in value.split('\n').enumerate() {
                    let name = if i == 0 {
                        format!("{}:", e.name)
                    } else {
                        String::new()
                    };
                    out.line(3, format!("{name}\t{line}"));
                }
            }
        }
    }
}

/// The text of a `valueFrom` variable; secrets and config maps are named, never read.
fn env_value(c: &Container, e: &EnvVar, field: FieldResolver) -> Option<String> {
    let from = e.value_from.as_ref()?;
    if let Some(f) = &from.field_ref {
        let api = f.api_version.as_deref().unwrap_or("v1");
        return Some(format!("{} ({api}:{})", field(&f.field_path), f.field_path));
    }
    if let Some(r) = &from.resource_field_ref {
        return Some(format!(
            "{} ({})",
            resource_value(c, &r.resource),
            r.resource
        ));
    }
    if let Some(s) = &from.secret_key_ref {
        let optional = s.optional.unwrap_or(false);
        return Some(format!(
            "<set to the key '{}' in secret '{}'>\tOptional: {optional}",
            s.key, s.name
        ));
    }
    if let Some(m) = &from.config_map_key_ref {
        let optional = m.optional.unwrap_or(false);
        return Some(format!(
            "<set to the key '{}' of config map '{}'>\tOptional: {optional}",
            m.key, m.name
        ));
    }
    Some(String::new())
}

/// `limits.cpu` and the like, from the container's own resources.
fn resource_value(c: &Container, resource: &str) -> String {
    let (kind, name) = resource.split_once('.').unwrap_or(("", resource));
    let r = c.resources.as_ref();
    let map = match kind {
        "limits" => r.and_then(|r| r.limits.as_ref()),
        _ => r.and_then(|r| r.requests.as_ref()),
    };
    match map.and_then(|m| m.get(name)) {
        Some(q) => q.0.clone(),
        None if kind == "limits" => "node allocatable".into(),
        None => "0".into(),
    }
}

fn mounts(out: &mut Out, c: &Container) {
    let mut list = c.volume_mounts.clone().unwrap_or_default();
    if list.is_empty() {
        out.field(2, "Mounts", NONE);
    } else {
        out.line(2, "Mounts:");
    }
    list.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for m in &list {
        let mut flags = vec![if m.read_only == Some(true) {
            "ro"
        } else {
            "rw"
        }
        .to_string()];
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={sub:?}"));
        }
        out.line(
            3,
            format!("{} from {} ({})", m.mount_path, m.name, flags.join(",")),
        );
    }
    let devices = c.volume_devices.as_deref().unwrap_or_default();
    if !devices.is_empty() {
        out.line(2, "Devices:");
        for d in devices {
            out.line(3, format!("{} from {}", d.device_path, d.name));
        }
    }
}

/// kubectl's `DescribePodTemplate`.
pub(super) fn pod_template(out: &mut Out, template: &PodTemplateSpec) {
    out.line(0, "Pod Template:");
    let meta = template.metadata.clone().unwrap_or_default();
    out.labels(1, "Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        out.annotations(1, "Annotations", meta.annotations.as_ref());
    }
    let spec = template.spec.clone().unwrap_or_default();
    out.field_opt(
        1,
        "Service Account",
        spec.service_account_name
            .as_deref()
            .filter(|s| !s.is_empty()),
    );
    let nothing = |_: &str| String::new();
    if let Some(init) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(out, "Init Containers", "  ", init, None, &nothing);
    }
    containers(out, "Containers", "  ", &spec.containers, None, &nothing);
    volumes(out, "  ", spec.volumes.as_deref().unwrap_or_default());
    out.field_opt(
        1,
        "Priority Class Name",
        spec.priority_class_name
            .as_deref()
            .filter(|s| !s.is_empty()),
    );
    out.labels(1, "Node-Selectors", spec.node_selector.as_ref());
    out.list(
        1,
        "Tolerations",
        &tolerations(spec.tolerations.as_deref().unwrap_or_default()),
    );
}

/// kubectl's toleration lines: `key=value:Effect op=Exists for 300s`, sorted by key.
pub(super) fn tolerations(list: &[Toleration]) -> Vec<String> {
    let mut list = list.to_vec();
    list.sort_by(|a, b| a.key.cmp(&b.key));
    list.iter().map(toleration).collect()
}

fn toleration(t: &Toleration) -> String {
    let key = t.key.as_deref().unwrap_or("");
    let value = t.value.as_deref().unwrap_or("");
    let effect = t.effect.as_deref().unwrap_or("");
    let mut s = key.to_string();
    if !value.is_empty() {
        s.push_str(&format!("={value}"));
    }
    if !effect.is_empty() {
        s.push_str(&format!(":{effect}"));
    }
    if t.operator.as_deref() == Some("Exists") && value.is_empty() {
        s.push_str(if key.is_empty() && effect.is_empty() {
            "op=Exists"
        } else {
            " op=Exists"
        });
    }
    if let Some(secs) = t.toleration_seconds {
        s.push_str(&format!(" for {secs}s"));
    }
    s
}
