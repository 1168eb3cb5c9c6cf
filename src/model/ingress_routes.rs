//! Where an Ingress sends traffic: each host and path, the Service and port behind it, and how
//! many ready endpoints that port has — with what is broken (no such Service, no such port,
//! nothing ready). Pure: the Ingress, the Services and EndpointSlices of its namespace in,
//! routes out. Ingress describe and the routing view both read these.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, IngressBackend};
use serde_json::Value;

/// The label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

pub const SERVICE_NOT_FOUND: &str = "service not found";
pub const NO_READY_ENDPOINTS: &str = "no ready endpoints";
pub const PORT_NOT_FOUND: &str = "port not found on service";

/// One way in: `host` + `path` → `service`:`port`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    /// The rule's host, `*` when it has none (and for the default backend).
    pub host: String,
    /// The rule's path as written (may be empty); `*` for the default backend.
    pub path: String,
    /// The backend Service's name; empty for a resource backend.
    pub service: String,
    /// The backend port, by number or name as the Ingress gives it.
    pub port: String,
    /// Ready endpoint addresses behind that port.
    pub ready: usize,
    /// Those addresses as `ip:port`, in EndpointSlice order.
    pub addresses: Vec<String>,
    /// What is wrong with the route, if anything.
    pub problem: Option<String>,
    /// The Ingress's default backend rather than one of its rules.
    pub is_default: bool,
    /// A non-Service backend, in kubectl's words (`APIGroup: …, Kind: …, Name: …`).
    pub resource: Option<String>,
}

/// Every route of the Ingress, rules first (in order), then its default backend if it has one.
/// `services` and `endpoint_slices` are those of the Ingress's namespace (others are ignored
/// only in that they will not match by name).
pub fn routes(ingress: &Value, services: &[Value], endpoint_slices: &[Value]) -> Vec<Route> {
    let Ok(ingress) = serde_json::from_value::<Ingress>(ingress.clone()) else {
        return Vec::new();
    };
    let services: Vec<Service> = parse_all(services);
    let slices: Vec<EndpointSlice> = parse_all(endpoint_slices);
    let spec = ingress.spec.unwrap_or_default();
    let mut routes = Vec::new();
    for rule in spec.rules.iter().flatten() {
        let host = rule
            .host
            .clone()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "*".into());
        for path in rule.http.iter().flat_map(|h| &h.paths) {
            let mut route = route(&path.backend, &services, &slices);
            route.host = host.clone();
            route.path = path.path.clone().unwrap_or_default();
            routes.push(route);
        }
    }
    if let Some(backend) = &spec.default_backend {
        let mut route = route(backend, &services, &slices);
        route.host = "*".into();
        route.path = "*".into();
        route.is_default = true;
        routes.push(route);
    }
    routes
}

fn parse_all<T: serde::de::DeserializeOwned>(values: &[Value]) -> Vec<T> {
    values
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect()
}

fn route(backend: &IngressBackend, services: &[Service], slices: &[EndpointSlice]) -> Route {
    let Some(svc) = &backend.service else {
        let resource = backend.resource.as_ref().map(|r| {
            let group = r.api_group.as_deref().unwrap_or("<none>");
            format!("APIGroup: {group}, Kind: {}, Name: {}", r.kind, r.name)
        });
        return Route {
            resource,
            ..Route::default()
        };
    };
    let number = svc.port.as_ref().and_then(|p| p.number).filter(|n| *n != 0);
    let name = svc
        .port
        .as_ref()
        .and_then(|p| p.name.clone())
        .filter(|n| !n.is_empty());
    let mut route = Route {
        service: svc.name.clone(),
        port: number
            .map(|n| n.to_string())
            .or(name.clone())
            .unwrap_or_default(),
        ..Route::default()
    };
    let Some(service) = services
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some(&svc.name))
    else {
        route.problem = Some(SERVICE_NOT_FOUND.into());
        return route;
    };
    // kubectl: the Service port matching the backend by number or name; its name selects the
    // EndpointSlice port ("" when unnamed, or when nothing matches).
    let port = service
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .find(|p| {
            number == Some(p.port) || (name.is_some() && p.name.as_deref() == name.as_deref())
        });
    let port_name = port.and_then(|p| p.name.clone()).unwrap_or_default();
    route.addresses = ready_addresses(slices, &svc.name, &port_name);
    route.ready = route.addresses.len();
    route.problem = if port.is_none() {
        Some(PORT_NOT_FOUND.into())
    } else if route.ready == 0 {
        Some(NO_READY_ENDPOINTS.into())
    } else {
        None
    };
    route
}

/// The ready addresses (`ip:port`) of the Service's EndpointSlices for the port named
/// `port_name` (kubectl's `formatEndpointSlices`); a slice without ports gives bare IPs.
/// An endpoint whose readiness is unknown counts as ready, as in kubectl.
pub fn ready_addresses(slices: &[EndpointSlice], service: &str, port_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for slice in slices.iter().filter(|s| of_service(s, service)) {
        let ready = slice.endpoints.iter().filter(|e| {
            e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true) && !e.addresses.is_empty()
        });
        let ports = slice.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            out.extend(ready.map(|e| e.addresses[0].clone()));
            continue;
        }
        for port in ports
            .iter()
            .filter(|p| p.name.as_deref().unwrap_or("") == port_name)
        {
            let number = port.port.unwrap_or(0);
            for e in ready.clone() {
                out.push(join_host_port(&e.addresses[0], number));
            }
        }
    }
    out
}

fn of_service(slice: &EndpointSlice, service: &str) -> bool {
    slice
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(SERVICE_NAME_LABEL))
        .is_some_and(|s| s == service)
}

/// Go's `net.JoinHostPort`: IPv6 addresses in brackets.
fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// kubectl's endpoint list: the first three, then `+ N more...`; `<none>` when empty.
pub fn format_addresses(addresses: &[String]) -> String {
    const MAX: usize = 3;
    if addresses.is_empty() {
        return "<none>".into();
    }
    let shown = addresses[..addresses.len().min(MAX)].join(",");
    if addresses.len() > MAX {
        format!("{shown} + {} more...", addresses.len() - MAX)
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ingress() -> Value {
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "hello", "namespace": "default"},
            "spec": {
                "defaultBackend": {"service": {"name": "fallback", "port": {"number": 80}}},
                "rules": [
                    {"host": "hello.local", "http": {"paths": [
                        {"path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 8080}}}},
                        {"path": "/api", "pathType": "Prefix",
                         "backend": {"service": {"name": "api", "port": {"number": 80}}}},
                        {"path": "/idle", "pathType": "Prefix",
                         "backend": {"service": {"name": "idle", "port": {"name": "http"}}}},
                        {"path": "/bad-port", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 9999}}}}
                    ]}},
                    {"http": {"paths": [
                        {"path": "/static", "pathType": "Prefix",
                         "backend": {"resource": {"apiGroup": "k8s.example.com", "kind": "Bucket", "name": "assets"}}}
                    ]}}
                ]
            }
        })
    }

    fn service(name: &str, port: i32, port_name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
               "spec": {"ports": [{"name": port_name, "port": port, "targetPort": port}]}})
    }

    fn slice(service: &str, port_name: &str, endpoints: Value) -> Value {
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
               "metadata": {"name": format!("{service}-abc"), "labels": {SERVICE_NAME_LABEL: service}},
               "ports": [{"name": port_name, "port": 8080, "protocol": "TCP"}],
               "endpoints": endpoints})
    }

    fn all_routes() -> Vec<Route> {
        let services = [
            service("web", 8080, ""),
            service("idle", 80, "http"),
            service("fallback", 80, ""),
        ];
        let slices = [
            slice(
                "web",
                "",
                json!([
                    {"addresses": ["10.244.0.5"], "conditions": {"ready": true}},
                    {"addresses": ["10.244.0.6"]},
                    {"addresses": ["10.244.0.7"], "conditions": {"ready": false}}
                ]),
            ),
            slice(
                "idle",
                "http",
                json!([{"addresses": ["10.244.0.9"], "conditions": {"ready": false}}]),
            ),
        ];
        routes(&ingress(), &services, &slices)
    }

    #[test]
    fn a_healthy_backend_counts_its_ready_endpoints() {
        let routes = all_routes();
        let web = &routes[0];
        assert_eq!((web.host.as_str(), web.path.as_str()), ("hello.local", "/"));
        assert_eq!((web.service.as_str(), web.port.as_str()), ("web", "8080"));
        assert_eq!(web.ready, 2);
        assert_eq!(web.addresses, ["10.244.0.5:8080", "10.244.0.6:8080"]);
        assert_eq!(web.problem, None);
    }

    #[test]
    fn a_missing_service_is_named_as_the_problem() {
        let api = &all_routes()[1];
        assert_eq!((api.service.as_str(), api.ready), ("api", 0));
        assert_eq!(api.problem.as_deref(), Some(SERVICE_NOT_FOUND));
    }

    #[test]
    fn a_service_without_ready_endpoints_is_a_problem() {
        let idle = &all_routes()[2];
        assert_eq!(
            (idle.service.as_str(), idle.port.as_str(), idle.ready),
            ("idle", "http", 0)
        );
        assert_eq!(idle.problem.as_deref(), Some(NO_READY_ENDPOINTS));
    }

    #[test]
    fn a_port_the_service_lacks_is_a_problem() {
        let bad = &all_routes()[3];
        assert_eq!(bad.port, "9999");
        assert_eq!(bad.problem.as_deref(), Some(PORT_NOT_FOUND));
    }

    #[test]
    fn hostless_rules_resource_backends_and_the_default_backend_are_routes() {
        let routes = all_routes();
        let resource = &routes[4];
        assert_eq!(
            (resource.host.as_str(), resource.path.as_str()),
            ("*", "/static")
        );
        assert_eq!(
            resource.resource.as_deref(),
            Some("APIGroup: k8s.example.com, Kind: Bucket, Name: assets")
        );
        let default = &routes[5];
        assert!(default.is_default);
        assert_eq!(
            (default.host.as_str(), default.service.as_str()),
            ("*", "fallback")
        );
        assert_eq!(default.problem.as_deref(), Some(NO_READY_ENDPOINTS));
    }

    #[test]
    fn endpoint_lists_stop_at_three() {
        let many: Vec<String> = (1..=5).map(|i| format!("10.0.0.{i}:80")).collect();
        assert_eq!(
            format_addresses(&many),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
        );
        assert_eq!(format_addresses(&[]), "<none>");
    }

    #[test]
    fn an_object_that_is_no_ingress_has_no_routes() {
        assert!(routes(&json!({"spec": {"rules": "nonsense"}}), &[], &[]).is_empty());
    }
}
