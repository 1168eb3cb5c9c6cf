#![allow(clippy::unwrap_used, clippy::expect_used)]
//! discovery.k8s.io/v1 EndpointSlices of the simulated cluster, judged by kubectl: listed
//! with the apiserver's columns, selected by `kubernetes.io/service-name`, following pods
//! that turn unready or are deleted, read by `kubectl describe service`, discovered, and
//! gone with their Service.

mod common;

use common::{wait_for, TestCluster};
use serde_json::Value;

fn json(out: &str) -> Value {
    serde_json::from_str(out).expect("kubectl printed JSON")
}

/// The slices of hello-minikube, as `kubectl get -l ... -o json` lists them.
fn hello_slices(c: &TestCluster) -> Vec<Value> {
    let out = c
        .kubectl_ok(&[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=hello-minikube",
            "-o",
            "json",
        ])
        .unwrap();
    json(&out)["items"].as_array().cloned().unwrap_or_default()
}

/// (address, ready, terminating, pod) of every endpoint of `slices`, sorted.
fn endpoints(slices: &[Value]) -> Vec<(String, bool, bool, String)> {
    let mut out: Vec<_> = slices
        .iter()
        .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["addresses"][0].as_str().unwrap_or("").to_string(),
                e["conditions"]["ready"] == true,
                e["conditions"]["terminating"] == true,
                e["targetRef"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// (name, IP) of the ready hello-minikube pods, sorted by IP.
fn ready_pods(c: &TestCluster) -> Vec<(String, String)> {
    let out = c
        .kubectl_ok(&["get", "pods", "-l", "app=hello-minikube", "-o", "json"])
        .unwrap();
    let mut pods: Vec<(String, String)> = json(&out)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .filter(|p| {
            p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["status"]["podIP"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pods.sort_by(|a, b| a.1.cmp(&b.1));
    pods
}

/// The `Endpoints:` line of `kubectl describe svc hello-minikube`.
fn described_endpoints(c: &TestCluster) -> String {
    let out = c
        .kubectl_ok(&["describe", "svc", "hello-minikube"])
        .unwrap();
    out.lines()
        .find_map(|l| l.strip_prefix("Endpoints:"))
        .unwrap_or_else(|| panic!("no Endpoints: line in\n{out}"))
        .trim()
        .to_string()
}

#[test]
fn kubectl_get_endpointslices_prints_the_apiserver_columns() {
    let c = TestCluster::demo();
    let Some(out) = c.kubectl_ok(&["get", "endpointslices", "-A"]) else {
        return;
    };
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "NAMESPACE",
            "NAME",
            "ADDRESSTYPE",
            "PORTS",
            "ENDPOINTS",
            "AGE"
        ],
        "{out}"
    );
    let row = |ns: &str, prefix: &str| {
        rows.iter()
            .find(|r| r[0] == ns && r[1].starts_with(prefix))
            .unwrap_or_else(|| panic!("no {ns}/{prefix}* in\n{out}"))
            .clone()
    };
    let hello = row("default", "hello-minikube-");
    assert_eq!(hello[1].len(), "hello-minikube-".len() + 5, "{out}");
    let ips: Vec<String> = ready_pods(&c).into_iter().map(|p| p.1).collect();
    assert_eq!(ips.len(), 2);
    assert_eq!(hello[2..5], ["IPv4", "8080", &ips.join(",")], "{out}");
    let dns = row("kube-system", "kube-dns-");
    assert_eq!(dns[2..4], ["IPv4", "53,53,9153"], "{out}");
    let kubernetes = row("default", "kubernetes");
    assert_eq!(
        kubernetes[1..5],
        ["kubernetes", "IPv4", "8443", "192.168.49.2"],
        "{out}"
    );
    // Discovered in the aggregated (api-resources) and the legacy documents.
    let api = c.kubectl_ok(&["api-resources"]).unwrap();
    assert!(
        api.lines().any(|l| {
            l.split_whitespace().collect::<Vec<_>>()
                == [
                    "endpointslices",
                    "discovery.k8s.io/v1",
                    "true",
                    "EndpointSlice",
                ]
        }),
        "{api}"
    );
    let legacy = c
        .kubectl_ok(&["get", "--raw", "/apis/discovery.k8s.io/v1"])
        .unwrap();
    let legacy = json(&legacy);
    assert_eq!(legacy["resources"][0]["name"], "endpointslices");
    assert_eq!(legacy["resources"][0]["kind"], "EndpointSlice");
    let groups = json(&c.kubectl_ok(&["get", "--raw", "/apis"]).unwrap());
    assert!(groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "discovery.k8s.io"));
}

#[test]
fn the_service_name_label_selects_a_services_slice() {
    let c = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    let slices = hello_slices(&c);
    assert_eq!(slices.len(), 1, "{slices:#?}");
    let s = &slices[0];
    assert_eq!(s["apiVersion"], "discovery.k8s.io/v1");
    assert_eq!(s["kind"], "EndpointSlice");
    assert_eq!(s["addressType"], "IPv4");
    assert_eq!(
        s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    assert_eq!(s["metadata"]["ownerReferences"][0]["kind"], "Service");
    assert_eq!(
        s["metadata"]["ownerReferences"][0]["name"],
        "hello-minikube"
    );
    assert_eq!(
        s["ports"],
        serde_json::json!([{"name": "", "port": 8080, "protocol": "TCP"}])
    );
    let want: Vec<(String, bool, bool, String)> = ready_pods(&c)
        .into_iter()
        .map(|(pod, ip)| (ip, true, false, pod))
        .collect();
    assert_eq!(endpoints(&slices), want);
    for e in s["endpoints"].as_array().unwrap() {
        assert_eq!(e["conditions"]["serving"], true);
        assert_eq!(e["nodeName"], "minikube");
        assert_eq!(e["targetRef"]["kind"], "Pod");
    }
    // Other selectors work on the list as well.
    let none = c
        .kubectl_ok(&[
            "get",
            "endpointslices",
            "-A",
            "-l",
            "kubernetes.io/service-name=no-such-service",
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(json(&none)["items"], serde_json::json!([]));
    let managed = c
        .kubectl_ok(&[
            "get",
            "endpointslices",
            "-A",
            "-l",
            "endpointslice.kubernetes.io/managed-by",
            "-o",
            "name",
        ])
        .unwrap();
    assert!(!managed.contains("endpointslice.discovery.k8s.io/kubernetes\n"));
    assert!(managed.contains("endpointslice.discovery.k8s.io/hello-minikube-"));
}

#[test]
fn a_slice_follows_a_pod_turning_unready_and_deleted() {
    let c = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    let pods = ready_pods(&c);
    let ((unready, unready_ip), (deleted, deleted_ip)) = (pods[0].clone(), pods[1].clone());
    assert_eq!(
        described_endpoints(&c),
        format!("{unready_ip}:8080,{deleted_ip}:8080")
    );

    // Unready: still in the slice, ready=false; describe lists only the ready one.
    let patch = r#"{"status": {"conditions": [{"type": "Ready", "status": "False"}]}}"#;
    c.kubectl_ok(&[
        "patch",
        "pod",
        &unready,
        "--subresource=status",
        "-p",
        patch,
    ])
    .unwrap();
    wait_for("the unready pod listed as not ready", 20, || {
        let e = endpoints(&hello_slices(&c));
        (e.iter()
            .any(|e| e.0 == unready_ip && !e.1 && e.3 == unready))
        .then_some(())
    });
    assert_eq!(endpoints(&hello_slices(&c)).len(), 2);
    assert_eq!(described_endpoints(&c), format!("{deleted_ip}:8080"));

    // Deleted: terminating, then gone, and the ReplicaSet's replacement comes in.
    c.kubectl_ok(&["delete", "pod", &deleted, "--wait=false"])
        .unwrap();
    wait_for("the deleted pod gone from the slice", 30, || {
        let e = endpoints(&hello_slices(&c));
        (!e.iter().any(|e| e.3 == deleted)).then_some(())
    });
    let replaced = wait_for("the replacement pod ready in the slice", 30, || {
        let e = endpoints(&hello_slices(&c));
        (e.len() == 2 && e.iter().any(|e| e.1 && e.3 != unready)).then_some(e)
    });
    let fresh = replaced.iter().find(|e| e.1).unwrap();
    assert_eq!(described_endpoints(&c), format!("{}:8080", fresh.0));
}

#[test]
fn slices_go_with_their_service() {
    let c = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    assert_eq!(hello_slices(&c).len(), 1);
    // A managed slice deleted by hand is made again.
    let name = hello_slices(&c)[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    c.kubectl_ok(&["delete", "endpointslice", &name]).unwrap();
    wait_for("the slice made again", 20, || {
        let s = hello_slices(&c);
        (s.len() == 1 && s[0]["metadata"]["name"] != name.as_str()).then_some(())
    });
    c.kubectl_ok(&["delete", "service", "hello-minikube"])
        .unwrap();
    wait_for("no hello-minikube slice", 20, || {
        hello_slices(&c).is_empty().then_some(())
    });
    let all = c.kubectl_ok(&["get", "endpointslices"]).unwrap();
    assert!(!all.contains("hello-minikube"), "{all}");
}
