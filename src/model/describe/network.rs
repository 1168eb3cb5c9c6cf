//! Services and Ingresses, as kubectl's describers print them, endpoints included.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::Value;

use super::text::{int_or_string, map_selector, str_or, Out, NONE};
use super::{events, typed, Related};
use crate::model::ingress_routes::{self, format_addresses, Route, SERVICE_NOT_FOUND};

pub(super) fn service(
    svc: &Service,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = svc.spec.clone().unwrap_or_default();
    let name = str_or(&svc.metadata.name, "");
    out.meta(&svc.metadata);
    out.field(0, "Selector", map_selector(spec.selector.as_ref()));
    out.field(0, "Type", str_or(&spec.type_, ""));
    out.field_opt(0, "IP Family Policy", spec.ip_family_policy.as_deref());
    out.field(0, "IP Families", joined(&spec.ip_families, ","));
    out.field(0, "IP", str_or(&spec.cluster_ip, ""));
    out.field(0, "IPs", joined(&spec.cluster_ips, ","));
    if spec.external_ips.as_ref().is_some_and(|e| !e.is_empty()) {
        out.field(0, "External IPs", joined(&spec.external_ips, ","));
    }
    out.field_opt(
        0,
        "Desired LoadBalancer IP",
        non_empty(&spec.load_balancer_ip),
    );
    out.field_opt(0, "External Name", non_empty(&spec.external_name));
    let lb: Vec<String> = svc
        .status
        .iter()
        .filter_map(|s| s.load_balancer.as_ref())
        .flat_map(|lb| lb.ingress.iter().flatten())
        .map(|i| match (&i.ip, &i.ip_mode) {
            (Some(ip), Some(mode)) if !ip.is_empty() => format!("{ip} ({mode})"),
            (Some(ip), None) if !ip.is_empty() => ip.clone(),
            _ => i.hostname.clone().unwrap_or_default(),
        })
        .collect();
    if !lb.is_empty() {
        out.field(0, "LoadBalancer Ingress", lb.join(", "));
    }
    let slices: Vec<EndpointSlice> = related.endpoint_slices.iter().filter_map(typed).collect();
    for p in spec.ports.iter().flatten() {
        let port_name = p.name.as_deref().unwrap_or("");
        let shown = if port_name.is_empty() {
            "<unset>"
        } else {
            port_name
        };
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        out.field(0, "Port", format!("{shown}\t{}/{proto}", p.port));
        let target = p
            .target_port
            .as_ref()
            .map_or(p.port.to_string(), int_or_string);
        out.field(0, "TargetPort", format!("{target}/{proto}"));
        out.field_opt(0, "AppProtocol", p.app_protocol.as_deref());
        if let Some(node_port) = p.node_port.filter(|n| *n != 0) {
            out.field(0, "NodePort", format!("{shown}\t{node_port}/{proto}"));
        }
        let endpoints = if slices.is_empty() {
            NONE.to_string()
        } else {
            format_addresses(&ingress_routes::ready_addresses(&slices, name, port_name))
        };
        out.field(0, "Endpoints", endpoints);
    }
    out.field(
        0,
        "Session Affinity",
        str_or(&spec.session_affinity, "None"),
    );
    out.field_opt(
        0,
        "External Traffic Policy",
        non_empty(&spec.external_traffic_policy),
    );
    out.field_opt(
        0,
        "Internal Traffic Policy",
        non_empty(&spec.internal_traffic_policy),
    );
    out.field_opt(
        0,
        "HealthCheck NodePort",
        spec.health_check_node_port.filter(|n| *n != 0),
    );
    if spec
        .load_balancer_source_ranges
        .as_ref()
        .is_some_and(|r| !r.is_empty())
    {
        out.field(
            0,
            "LoadBalancer Source Ranges",
            joined(&spec.load_balancer_source_ranges, ","),
        );
    }
    out.field_opt(
        0,
        "Traffic Distribution",
        non_empty(&spec.traffic_distribution),
    );
    events::section(&mut out, events, now);
    out.finish()
}

fn joined(list: &Option<Vec<String>>, sep: &str) -> String {
    match list {
        Some(l) if !l.is_empty() => l.join(sep),
        _ => NONE.into(),
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

pub(super) fn ingress(
    obj: &Value,
    ing: &Ingress,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = ing.spec.clone().unwrap_or_default();
    let routes = ingress_routes::routes(obj, &related.services, &related.endpoint_slices);
    out.field(0, "Name", str_or(&ing.metadata.name, ""));
    out.labels(0, "Labels", ing.metadata.labels.as_ref());
    out.field(0, "Namespace", str_or(&ing.metadata.namespace, ""));
    let mut addresses: Vec<String> = ing
        .status
        .iter()
        .filter_map(|s| s.load_balancer.as_ref())
        .flat_map(|lb| lb.ingress.iter().flatten())
        .filter_map(|i| {
            i.ip.clone()
                .filter(|ip| !ip.is_empty())
                .or_else(|| i.hostname.clone())
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    out.field(0, "Address", addresses.join(","));
    out.field(0, "Ingress Class", str_or(&spec.ingress_class_name, NONE));
    let default = routes
        .iter()
        .find(|r| r.is_default)
        .map_or_else(|| "<default>".to_string(), backend);
    out.field(0, "Default backend", &default);
    let tls = spec.tls.unwrap_or_default();
    if !tls.is_empty() {
        out.line(0, "TLS:");
        for t in &tls {
            let hosts = t.hosts.clone().unwrap_or_default().join(",");
            match t.secret_name.as_deref().filter(|s| !s.is_empty()) {
                Some(secret) => out.line(1, format!("{secret} terminates {hosts}")),
                None => out.line(1, format!("SNI routes {hosts}")),
            }
        }
    }
    out.line(0, "Rules:");
    out.table(1, &["Host", "Path", "Backends"], std::iter::empty());
    rules(&mut out, &routes, &default);
    out.annotations(0, "Annotations", ing.metadata.annotations.as_ref());
    events::section(&mut out, events, now);
    out.finish()
}

/// The rules table: each host on its own line, its paths under it.
fn rules(out: &mut Out, routes: &[Route], default: &str) {
    let mut host: Option<&str> = None;
    let mut any = false;
    for r in routes.iter().filter(|r| !r.is_default) {
        if host != Some(r.host.as_str()) {
            out.line(1, format!("{}\t", r.host));
            host = Some(r.host.as_str());
        }
        out.line(2, format!("\t{} \t{}", r.path, backend(r)));
        any = true;
    }
    if !any {
        out.line(1, format!("*\t*\t{default}"));
    }
}

/// kubectl's backend text: `svc:port (ip:port,…)`, with the error in place of the endpoints
/// when the Service is missing.
fn backend(r: &Route) -> String {
    if let Some(resource) = &r.resource {
        return resource.clone();
    }
    let endpoints = if r.problem.as_deref() == Some(SERVICE_NOT_FOUND) {
        format!("<error: services \"{}\" not found>", r.service)
    } else {
        format_addresses(&r.addresses)
    };
    format!("{}:{} ({endpoints})", r.service, r.port)
}
