//! Printers of the core and networking kinds: services, endpoints, nodes, namespaces,
//! events, ingresses, configmaps, secrets, serviceaccounts.

use serde_json::{json, Value};

use super::{col, int, or_none, selector_string, Cells, Column, Now, AGE, NAME};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    Some(if is(&r::SERVICES) {
        (SERVICE, service)
    } else if is(&r::ENDPOINTS) {
        (ENDPOINTS, endpoints)
    } else if is(&r::NODES) {
        (NODE, node)
    } else if is(&r::NAMESPACES) {
        (NAMESPACE, namespace)
    } else if is(&r::EVENTS) || is(&r::EVENTS_V1) {
        (EVENT, event)
    } else if is(&r::INGRESSES) {
        (INGRESS, ingress)
    } else if is(&r::CONFIGMAPS) {
        (CONFIGMAP, configmap)
    } else if is(&r::SECRETS) {
        (SECRET, secret)
    } else if is(&r::SERVICE_ACCOUNTS) {
        (SERVICE_ACCOUNT, service_account)
    } else {
        return None;
    })
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn len(v: &Value) -> usize {
    v.as_object()
        .map(|m| m.len())
        .or_else(|| v.as_array().map(Vec::len))
        .unwrap_or(0)
}

const SERVICE: &[Column] = &[
    NAME,
    col("Type", "string", 0),
    col("Cluster-IP", "string", 0),
    col("External-IP", "string", 0),
    col("Port(s)", "string", 0),
    AGE,
    col("Selector", "string", 1),
];

/// Load-balancer ingress IPs and hostnames, comma-joined.
fn load_balancer(status: &Value) -> String {
    status["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ip"].as_str().or_else(|| i["hostname"].as_str()))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

fn service_external_ip(svc: &Value) -> String {
    let spec = &svc["spec"];
    let external = strings(&spec["externalIPs"]);
    match s(&spec["type"]) {
        "" | "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "" | "ClusterIP" | "NodePort" => "<none>".to_string(),
        "LoadBalancer" => {
            let lb = load_balancer(&svc["status"]);
            let mut all: Vec<&str> = lb.split(',').filter(|x| !x.is_empty()).collect();
            all.extend(external);
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => s(&spec["externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    }
}

fn service_ports(spec: &Value) -> String {
    let ports: Vec<String> = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let protocol = p["protocol"].as_str().unwrap_or("TCP");
            match int(&p["nodePort"]) {
                0 => format!("{}/{protocol}", int(&p["port"])),
                node_port => format!("{}:{node_port}/{protocol}", int(&p["port"])),
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    }
}

fn service(svc: &Value, now: &Now) -> Vec<Value> {
    let spec = &svc["spec"];
    vec![
        super::name(svc),
        json!(spec["type"].as_str().unwrap_or("ClusterIP")),
        json!(or_none(s(&spec["clusterIP"]))),
        json!(service_external_ip(svc)),
        json!(service_ports(spec)),
        now.age(svc),
        json!(or_none(&selector_string(&spec["selector"]))),
    ]
}

const ENDPOINTS: &[Column] = &[NAME, col("Endpoints", "string", 0), AGE];

fn endpoints(ep: &Value, now: &Now) -> Vec<Value> {
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut count = 0;
    for subset in ep["subsets"].as_array().into_iter().flatten() {
        let addresses: Vec<&str> = subset["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| s(&a["ip"]))
            .collect();
        let ports: Vec<i64> = subset["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| int(&p["port"]))
            .collect();
        if ports.is_empty() {
            count += addresses.len();
            list.extend(addresses.iter().map(|a| a.to_string()));
        } else {
            for port in ports {
                count += addresses.len();
                list.extend(addresses.iter().map(|a| format!("{a}:{port}")));
            }
        }
    }
    let more = list.len() > MAX;
    list.truncate(MAX);
    let text = if more {
        format!("{} + {} more...", list.join(","), count - MAX)
    } else {
        or_none(&list.join(","))
    };
    vec![super::name(ep), json!(text), now.age(ep)]
}

const NODE: &[Column] = &[
    NAME,
    col("Status", "string", 0),
    col("Roles", "string", 0),
    AGE,
    col("Version", "string", 0),
    col("Internal-IP", "string", 1),
    col("External-IP", "string", 1),
    col("OS-Image", "string", 1),
    col("Kernel-Version", "string", 1),
    col("Container-Runtime", "string", 1),
];

fn node(node: &Value, now: &Now) -> Vec<Value> {
    let status = &node["status"];
    let mut state: Vec<String> = status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == "Ready")
        .take(1)
        .map(|c| {
            if c["status"] == "True" {
                "Ready".to_string()
            } else {
                "NotReady".to_string()
            }
        })
        .collect();
    if state.is_empty() {
        state.push("Unknown".to_string());
    }
    if node["spec"]["unschedulable"] == true {
        state.push("SchedulingDisabled".to_string());
    }
    let mut roles: Vec<String> = node["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(role.to_string())
            } else if k == "kubernetes.io/role" {
                v.as_str().map(str::to_string)
            } else {
                None
            }
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    let address = |kind: &str| {
        status["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["type"] == kind)
            .map_or("<none>".to_string(), |a| s(&a["address"]).to_string())
    };
    let info = &status["nodeInfo"];
    let unknown = |v: &Value| match s(v) {
        "" => "<unknown>".to_string(),
        x => x.to_string(),
    };
    vec![
        super::name(node),
        json!(state.join(",")),
        json!(or_none(&roles.join(","))),
        now.age(node),
        json!(s(&info["kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(unknown(&info["osImage"])),
        json!(unknown(&info["kernelVersion"])),
        json!(unknown(&info["containerRuntimeVersion"])),
    ]
}

const NAMESPACE: &[Column] = &[NAME, col("Status", "string", 0), AGE];

fn namespace(ns: &Value, now: &Now) -> Vec<Value> {
    vec![
        super::name(ns),
        json!(s(&ns["status"]["phase"])),
        now.age(ns),
    ]
}

const EVENT: &[Column] = &[
    col("Last Seen", "string", 0),
    col("Type", "string", 0),
    col("Reason", "string", 0),
    col("Object", "string", 0),
    col("Subobject", "string", 1),
    col("Source", "string", 1),
    col("Message", "string", 0),
    col("First Seen", "string", 1),
    col("Count", "integer", 1),
    col("Name", "string", 1),
];

fn event(ev: &Value, now: &Now) -> Vec<Value> {
    let first = match ev["firstTimestamp"].as_str() {
        Some(_) => now.since(&ev["firstTimestamp"]),
        None => now.since(&ev["eventTime"]),
    };
    let mut last = match ev["lastTimestamp"].as_str() {
        Some(_) => now.since(&ev["lastTimestamp"]),
        None => first.clone(),
    };
    let mut count = int(&ev["count"]);
    if ev["series"].is_object() {
        last = now.since(&ev["series"]["lastObservedTime"]);
        count = int(&ev["series"]["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = &ev["involvedObject"];
    let kind = s(&involved["kind"]).to_lowercase();
    let target = match s(&involved["name"]) {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let first_non_empty = |a: &str, b: &Value| {
        if a.is_empty() {
            s(b).to_string()
        } else {
            a.to_string()
        }
    };
    let component = first_non_empty(s(&ev["source"]["component"]), &ev["reportingComponent"]);
    let instance = first_non_empty(s(&ev["source"]["host"]), &ev["reportingInstance"]);
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        ev["type"].clone(),
        ev["reason"].clone(),
        json!(target),
        json!(s(&involved["fieldPath"])),
        json!(source),
        json!(s(&ev["message"]).trim()),
        json!(first),
        json!(count),
        super::name(ev),
    ]
}

const INGRESS: &[Column] = &[
    NAME,
    col("Class", "string", 0),
    col("Hosts", "string", 0),
    col("Address", "string", 0),
    col("Ports", "string", 0),
    AGE,
];

fn ingress(ing: &Value, now: &Now) -> Vec<Value> {
    let spec = &ing["spec"];
    let rules = spec["rules"].as_array().map_or(&[][..], Vec::as_slice);
    let hosts: Vec<&str> = rules
        .iter()
        .map(|r| s(&r["host"]))
        .filter(|h| !h.is_empty())
        .collect();
    let hosts = match hosts.len() {
        0 => "*".to_string(),
        n if n <= 3 => hosts.join(","),
        _ => format!("{} + {} more...", hosts[..3].join(","), rules.len() - 3),
    };
    let ports = if len(&spec["tls"]) > 0 {
        "80, 443"
    } else {
        "80"
    };
    vec![
        super::name(ing),
        json!(spec["ingressClassName"].as_str().unwrap_or("<none>")),
        json!(hosts),
        json!(load_balancer(&ing["status"])),
        json!(ports),
        now.age(ing),
    ]
}

const CONFIGMAP: &[Column] = &[NAME, col("Data", "integer", 0), AGE];

fn configmap(cm: &Value, now: &Now) -> Vec<Value> {
    let data = len(&cm["data"]) + len(&cm["binaryData"]);
    vec![super::name(cm), json!(data), now.age(cm)]
}

const SECRET: &[Column] = &[
    NAME,
    col("Type", "string", 0),
    col("Data", "integer", 0),
    AGE,
];

fn secret(sec: &Value, now: &Now) -> Vec<Value> {
    vec![
        super::name(sec),
        json!(sec["type"].as_str().unwrap_or("Opaque")),
        json!(len(&sec["data"])),
        now.age(sec),
    ]
}

const SERVICE_ACCOUNT: &[Column] = &[NAME, col("Secrets", "integer", 0), AGE];

fn service_account(sa: &Value, now: &Now) -> Vec<Value> {
    vec![super::name(sa), json!(len(&sa["secrets"])), now.age(sa)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T00:00:45Z".parse().unwrap())
    }

    #[test]
    fn node_port_service() {
        let svc = json!({
            "metadata": {"name": "hello", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"type": "NodePort", "clusterIP": "10.96.12.7", "selector": {"app": "hello"},
                     "ports": [{"port": 8080, "nodePort": 31234, "protocol": "TCP"}]}
        });
        assert_eq!(
            service(&svc, &now()),
            vec![
                json!("hello"),
                json!("NodePort"),
                json!("10.96.12.7"),
                json!("<none>"),
                json!("8080:31234/TCP"),
                json!("45s"),
                json!("app=hello")
            ]
        );
    }

    #[test]
    fn endpoints_list_three_then_more() {
        let ep = json!({"metadata": {"name": "e"}, "subsets": [{
            "addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}],
            "ports": [{"port": 80}]}]});
        assert_eq!(
            endpoints(&ep, &now())[1],
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
        );
        assert_eq!(
            endpoints(&json!({"metadata": {"name": "e"}}), &now())[1],
            "<none>"
        );
    }

    #[test]
    fn node_status_and_roles() {
        let n = json!({"metadata": {"name": "minikube", "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "nodeInfo": {"kubeletVersion": "v1.33.1"}}});
        let cells = node(&n, &now());
        assert_eq!(cells[1], "Ready,SchedulingDisabled");
        assert_eq!(cells[2], "control-plane");
        assert_eq!(cells[4], "v1.33.1");
        assert_eq!(cells[5], "<none>");
        assert_eq!(cells[7], "<unknown>");
    }

    #[test]
    fn event_row() {
        let ev = json!({"metadata": {"name": "hello.1"}, "type": "Normal", "reason": "Scheduled",
            "involvedObject": {"kind": "Pod", "name": "hello-abc"},
            "source": {"component": "default-scheduler"},
            "message": "Successfully assigned default/hello-abc to minikube ",
            "firstTimestamp": "2026-01-01T00:00:05Z", "lastTimestamp": "2026-01-01T00:00:15Z", "count": 2});
        let cells = event(&ev, &now());
        assert_eq!(cells[0], "30s");
        assert_eq!(cells[3], "pod/hello-abc");
        assert_eq!(cells[5], "default-scheduler");
        assert_eq!(
            cells[6],
            "Successfully assigned default/hello-abc to minikube"
        );
        assert_eq!(cells[7], "40s");
        assert_eq!(cells[8], 2);
    }
}
