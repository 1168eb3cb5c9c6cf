//! The EndpointSlice controller against the store: the demo's slices, a slice following
//! pods that turn unready, terminate and go, named target ports, placeholders, more than
//! 100 endpoints, and slices going with their Service.

use serde_json::{json, Value};

use super::{create, eventually, running_cluster, Harness};
use crate::resources::{DEPLOYMENTS, ENDPOINTS, ENDPOINT_SLICES, PODS, SERVICES};
use crate::store::{Store, UpdateScope};
use crate::Seed;

/// The slices the controller keeps for `service`.
fn slices_of(store: &Store, ns: &str, service: &str) -> Vec<Value> {
    store
        .list(&ENDPOINT_SLICES, Some(ns))
        .0
        .iter()
        .map(|s| s.value.clone())
        .filter(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == service)
        .collect()
}

/// (address, ready, serving, terminating) of every endpoint of `slices`.
fn endpoints(slices: &[Value]) -> Vec<(String, bool, bool, bool)> {
    slices
        .iter()
        .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            let c = &e["conditions"];
            (
                e["addresses"][0].as_str().unwrap().to_string(),
                c["ready"] == true,
                c["serving"] == true,
                c["terminating"] == true,
            )
        })
        .collect()
}

#[test]
fn every_demo_service_with_a_selector_has_one_slice() {
    let h = Harness::new(Seed::Demo);
    for svc in h
        .store
        .list(&SERVICES, None)
        .0
        .iter()
        .filter(|s| s.value["spec"]["selector"].is_object())
    {
        let (ns, name) = (svc.namespace(), svc.name());
        let slices = slices_of(&h.store, ns, name);
        assert_eq!(slices.len(), 1, "{ns}/{name}: {slices:#?}");
        let s = &slices[0];
        let slice_name = s["metadata"]["name"].as_str().unwrap();
        let suffix = slice_name.strip_prefix(&format!("{name}-")).unwrap();
        assert!(
            suffix.len() == 5
                && suffix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{slice_name}"
        );
        assert_eq!(s["addressType"], "IPv4");
        assert_eq!(
            s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
            "endpointslice-controller.k8s.io"
        );
        let owner = &s["metadata"]["ownerReferences"][0];
        assert_eq!(
            (
                &owner["kind"],
                &owner["name"],
                &owner["uid"],
                &owner["controller"]
            ),
            (
                &json!("Service"),
                &json!(name),
                &svc.value["metadata"]["uid"],
                &json!(true)
            )
        );
        // The same ready addresses as the Endpoints object.
        let ep = h.store.get(&ENDPOINTS, ns, name).unwrap();
        let mut ready: Vec<String> = ep.value["subsets"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["addresses"].as_array().cloned().unwrap_or_default())
            .map(|a| a["ip"].as_str().unwrap().to_string())
            .collect();
        ready.sort();
        let mut slice_ready: Vec<String> = endpoints(&slices)
            .into_iter()
            .filter(|e| e.1)
            .map(|e| e.0)
            .collect();
        slice_ready.sort();
        assert_eq!(slice_ready, ready, "{ns}/{name}");
    }
    let hello = &slices_of(&h.store, "default", "hello-minikube")[0];
    assert_eq!(
        hello["ports"],
        json!([{"name": "", "port": 8080, "protocol": "TCP"}])
    );
    assert_eq!(endpoints(std::slice::from_ref(hello)).len(), 2);
    for e in hello["endpoints"].as_array().unwrap() {
        assert_eq!(
            e["conditions"],
            json!({"ready": true, "serving": true, "terminating": false})
        );
        assert_eq!(e["nodeName"], "minikube");
        assert_eq!(e["targetRef"]["kind"], "Pod");
        let pod = e["targetRef"]["name"].as_str().unwrap();
        let stored = h.store.get(&PODS, "default", pod).unwrap();
        assert_eq!(e["targetRef"]["uid"], stored.value["metadata"]["uid"]);
        assert_eq!(e["addresses"][0], stored.value["status"]["podIP"]);
    }
    let dns = &slices_of(&h.store, "kube-system", "kube-dns")[0];
    let names: Vec<&str> = dns["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dns", "dns-tcp", "metrics"]);
    // The StatefulSet's pods carry their hostname in the headless service's slice.
    let nginx = &slices_of(&h.store, "default", "nginx")[0];
    assert_eq!(
        nginx["metadata"]["labels"]["service.kubernetes.io/headless"],
        ""
    );
    let mut hostnames: Vec<&str> = nginx["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["hostname"].as_str().unwrap())
        .collect();
    hostnames.sort();
    assert_eq!(hostnames, ["web-0", "web-1"]);
    // The apiserver's own slice, which no controller manages.
    let kubernetes = h
        .store
        .get(&ENDPOINT_SLICES, "default", "kubernetes")
        .unwrap();
    assert_eq!(
        kubernetes.value["endpoints"][0]["addresses"][0],
        "192.168.49.2"
    );
    assert!(kubernetes.value["metadata"]["labels"]
        .get("endpointslice.kubernetes.io/managed-by")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slice_follows_its_pods_and_goes_with_its_service() {
    let (store, running) = running_cluster();
    let labels = json!({"app": "web"});
    let container = json!({"name": "c", "image": "app:1",
        "ports": [{"name": "http", "containerPort": 8081, "protocol": "TCP"}]});
    create(
        &store,
        &DEPLOYMENTS,
        crate::seed::objects::deployment("web", 2, labels.clone(), vec![container]),
    );
    let mut svc = crate::seed::objects::service("web", "ClusterIP", labels, 80, 80);
    svc["spec"]["ports"] =
        json!([{"name": "web", "port": 80, "protocol": "TCP", "targetPort": "http"}]);
    create(&store, &SERVICES, svc);
    let slices = || slices_of(&store, "default", "web");
    eventually("two ready endpoints", || {
        let e = endpoints(&slices());
        e.len() == 2 && e.iter().all(|e| e.1 && e.2 && !e.3)
    })
    .await;
    let first = slices();
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0]["ports"],
        json!([{"name": "web", "port": 8081, "protocol": "TCP"}])
    );
    let name = first[0]["metadata"]["name"].as_str().unwrap().to_string();
    let generation = first[0]["metadata"]["generation"].as_i64().unwrap();

    // A pod turning unready stays in the slice with ready=false.
    let pod = first[0]["endpoints"][0]["targetRef"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let ip = first[0]["endpoints"][0]["addresses"][0].clone();
    store
        .mutate(&PODS, "default", &pod, UpdateScope::Status, |p| {
            for c in p["status"]["conditions"].as_array_mut().unwrap() {
                if c["type"] == "Ready" {
                    c["status"] = json!("False");
                }
            }
            Ok(())
        })
        .unwrap();
    eventually("the unready pod listed as not ready", || {
        endpoints(&slices())
            .iter()
            .any(|e| json!(e.0) == ip && !e.1 && !e.2 && !e.3)
    })
    .await;
    let now = slices();
    assert_eq!(now[0]["metadata"]["name"], name.as_str());
    assert!(now[0]["metadata"]["generation"].as_i64().unwrap() > generation);

    // A deleted pod is terminating, then gone; its replacement comes in.
    store
        .delete(&PODS, "default", &pod, &Default::default())
        .unwrap();
    eventually("the deleted pod terminating", || {
        endpoints(&slices())
            .iter()
            .any(|e| json!(e.0) == ip && !e.1 && e.3)
    })
    .await;
    eventually("the deleted pod gone and replaced", || {
        let e = endpoints(&slices());
        e.len() == 2 && e.iter().all(|e| json!(e.0) != ip && e.1)
    })
    .await;
    assert_eq!(slices()[0]["metadata"]["name"], name.as_str());

    // A managed slice deleted by someone else is made again, under a new name.
    store
        .delete(&ENDPOINT_SLICES, "default", &name, &Default::default())
        .unwrap();
    eventually("the slice made again", || {
        let s = slices();
        s.len() == 1 && s[0]["metadata"]["name"] != name.as_str() && endpoints(&s).len() == 2
    })
    .await;

    // Scaled to zero: one placeholder without endpoints or ports.
    store
        .mutate(&DEPLOYMENTS, "default", "web", UpdateScope::Main, |d| {
            d["spec"]["replicas"] = json!(0);
            Ok(())
        })
        .unwrap();
    eventually("a placeholder slice", || {
        let s = slices();
        s.len() == 1 && s[0]["endpoints"].is_null() && s[0]["ports"].is_null()
    })
    .await;

    // Deleted through the API, the Service takes its slice along.
    store
        .delete(&SERVICES, "default", "web", &Default::default())
        .unwrap();
    eventually("no slice left", || slices().is_empty()).await;
    running.stop();
}

#[test]
fn more_than_100_endpoints_take_more_slices() {
    let mut h = Harness::new(Seed::Empty);
    let labels = json!({"app": "big"});
    create(
        &h.store,
        &DEPLOYMENTS,
        crate::seed::objects::deployment(
            "big",
            150,
            labels.clone(),
            vec![json!({"name": "c", "image": "app:1"})],
        ),
    );
    create(
        &h.store,
        &SERVICES,
        crate::seed::objects::service("big", "ClusterIP", labels, 80, 8080),
    );
    h.settle();
    let slices = slices_of(&h.store, "default", "big");
    let mut sizes: Vec<usize> = slices
        .iter()
        .map(|s| s["endpoints"].as_array().map_or(0, Vec::len))
        .collect();
    sizes.sort();
    assert_eq!(sizes, [50, 100]);
    let mut all: Vec<String> = endpoints(&slices).into_iter().map(|e| e.0).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 150);
}
