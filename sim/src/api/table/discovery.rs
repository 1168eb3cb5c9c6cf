//! Printer of discovery.k8s.io/v1 EndpointSlices (`printEndpointSlice`): the address
//! type, up to three ports and up to three addresses, then `+ N more...`.

use serde_json::{json, Value};

use super::{col, Cells, Column, Now, AGE, NAME};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    std::ptr::eq(res, &r::ENDPOINT_SLICES).then_some((ENDPOINT_SLICE, endpoint_slice))
}

const ENDPOINT_SLICE: &[Column] = &[
    NAME,
    col("AddressType", "string", 0),
    col("Ports", "string", 0),
    col("Endpoints", "string", 0),
    AGE,
];

fn endpoint_slice(slice: &Value, now: &Now) -> Vec<Value> {
    let ports: Vec<String> = slice["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses: Vec<String> = slice["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["addresses"].as_array().into_iter().flatten())
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    vec![
        super::name(slice),
        json!(slice["addressType"].as_str().unwrap_or("")),
        json!(list_with_more(ports)),
        json!(list_with_more(addresses)),
        now.age(slice),
    ]
}

/// kubectl's `listWithMoreString` over at most three items: `a,b,c + 2 more...`, or
/// `<unset>` for none.
fn list_with_more(mut items: Vec<String>) -> String {
    const MAX: usize = 3;
    let count = items.len();
    if count > MAX {
        items.truncate(MAX);
        format!("{} + {} more...", items.join(","), count - MAX)
    } else if items.is_empty() {
        "<unset>".to_string()
    } else {
        items.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T00:00:45Z".parse().unwrap())
    }

    #[test]
    fn ports_and_addresses_as_kubectl_prints_them() {
        let slice = json!({"metadata": {"name": "web-x7k2p", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 443}],
            "endpoints": [
                {"addresses": ["10.244.0.7"], "conditions": {"ready": true}},
                {"addresses": ["10.244.0.8"], "conditions": {"ready": false}}]});
        assert_eq!(
            endpoint_slice(&slice, &now()),
            vec![
                json!("web-x7k2p"),
                json!("IPv4"),
                json!("80,443"),
                json!("10.244.0.7,10.244.0.8"),
                json!("45s")
            ]
        );
    }

    #[test]
    fn more_than_three_and_none() {
        let endpoints: Vec<Value> = (1..=5)
            .map(|i| json!({"addresses": [format!("10.0.0.{i}")]}))
            .collect();
        let ports: Vec<Value> = (0..4)
            .map(|i| json!({"port": 8080 + i}))
            .chain([json!({"name": "named"}), json!({})])
            .collect();
        let slice = json!({"metadata": {"name": "s"}, "addressType": "IPv4",
            "endpoints": endpoints, "ports": ports});
        let cells = endpoint_slice(&slice, &now());
        assert_eq!(cells[2], "8080,8081,8082 + 3 more...");
        assert_eq!(cells[3], "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...");
        let empty = json!({"metadata": {"name": "s"}, "addressType": "IPv4",
            "endpoints": null, "ports": null});
        let cells = endpoint_slice(&empty, &now());
        assert_eq!(
            (&cells[2], &cells[3]),
            (&json!("<unset>"), &json!("<unset>"))
        );
        let named = json!({"ports": [{"name": "dns"}, {}]});
        assert_eq!(endpoint_slice(&named, &now())[2], "dns,*");
    }
}
