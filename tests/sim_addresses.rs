#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Addresses in the simulated cluster: every running pod has its own IP, a deleted pod's
//! IP and a deleted Service's node port are free again, and two clusters in one process
//! allocate independently.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use rkt_sim::{Seed, SimConfig, SimHandle};
use serde_json::json;

const DEADLINE: Duration = Duration::from_secs(60);

async fn empty_cluster() -> (SimHandle, kube::Client) {
    let sim = rkt_sim::start(SimConfig {
        seed: Seed::Empty,
        ..SimConfig::test()
    })
    .await
    .unwrap();
    let client = common::kube_client(&sim.kubeconfig).await;
    (sim, client)
}

/// Running pods (not terminating) by name with their pod IPs (empty until assigned);
/// host-network pods, which show their node's address, are left out.
async fn running(pods: &Api<Pod>, selector: &str) -> BTreeMap<String, String> {
    let list = pods
        .list(&ListParams::default().labels(selector))
        .await
        .unwrap();
    list.items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.spec.as_ref().and_then(|s| s.host_network) != Some(true))
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .map(|p| {
            let ip = p.status.and_then(|s| s.pod_ip).unwrap_or_default();
            (p.metadata.name.unwrap_or_default(), ip)
        })
        .collect()
}

/// Polls `check` until it returns `Some`, failing the test after [`DEADLINE`].
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {DEADLINE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for `n` running pods of the `app=many` ReplicaSet, each with an IP, then fails
/// the test if any two running pods of the cluster share an IP.
async fn running_with_distinct_ips(
    pods: &Api<Pod>,
    all: &Api<Pod>,
    n: usize,
) -> BTreeMap<String, String> {
    let many = eventually(&format!("{n} running pods with IPs"), || async {
        let now = running(pods, "app=many").await;
        (now.len() == n && now.values().all(|ip| !ip.is_empty())).then_some(now)
    })
    .await;
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for (name, ip) in running(all, "").await {
        assert!(
            ip.is_empty() || ip.starts_with("10.244."),
            "{name} has {ip}"
        );
        if ip.is_empty() {
            continue;
        }
        if let Some(other) = owners.insert(ip.clone(), name.clone()) {
            panic!("{name} and {other} both have {ip}");
        }
    }
    many
}

/// Pods that hold a pod-network IP, terminating or not.
async fn holding_ips(all: &Api<Pod>) -> usize {
    let list = all.list(&ListParams::default()).await.unwrap().items;
    list.iter()
        .filter(|p| p.spec.as_ref().and_then(|s| s.host_network) != Some(true))
        .filter(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_ref()).is_some())
        .count()
}

/// On the demo cluster (whose seeded pods already have IPs), a ReplicaSet's 100 pods, half
/// of them deleted twice (200 pods in all), never share an IP with a running pod; when
/// they are gone their IPs are free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_pods_have_distinct_ips_through_deletions_and_ips_are_freed() {
    let sim = rkt_sim::start(SimConfig::test()).await.unwrap();
    let client = common::kube_client(&sim.kubeconfig).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let all: Api<Pod> = Api::all(client.clone());
    let sets: Api<ReplicaSet> = Api::namespaced(client, "default");
    let replicas = 100;
    let rs: ReplicaSet = serde_json::from_value(json!({
        "metadata": {"name": "many"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "many"}},
            "template": {"metadata": {"labels": {"app": "many"}},
                "spec": {"terminationGracePeriodSeconds": 0,
                    "containers": [{"name": "c", "image": "nginx:1.27"}]}}}
    }))
    .unwrap();
    sets.create(&PostParams::default(), &rs).await.unwrap();
    let mut now = running_with_distinct_ips(&pods, &all, replicas).await;

    // Delete half, twice: replacements start while others terminate.
    for _ in 0..2 {
        let victims: Vec<String> = now.keys().step_by(2).cloned().collect();
        for name in &victims {
            pods.delete(name, &DeleteParams::default().grace_period(0))
                .await
                .unwrap();
        }
        eventually("the deleted pods replaced", || async {
            let now = running(&pods, "app=many").await;
            let replaced = victims.iter().all(|v| !now.contains_key(v));
            (replaced && now.len() == replicas).then_some(())
        })
        .await;
        now = running_with_distinct_ips(&pods, &all, replicas).await;
    }

    // Scaled to zero, their IPs are free again: only the other pods hold any.
    sets.patch(
        "many",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 0}})),
    )
    .await
    .unwrap();
    eventually("the ReplicaSet's pods gone, their IPs free", || async {
        let left = pods
            .list(&ListParams::default().labels("app=many"))
            .await
            .unwrap()
            .items;
        let holding = holding_ips(&all).await;
        (left.is_empty() && sim.store.addresses().in_use().pod_ips == holding).then_some(())
    })
    .await;
}

/// Each cluster has its own allocators: a fresh cluster's first pod gets the first pod
/// IP whatever another cluster in the process handed out, and node ports are taken and
/// freed per cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clusters_in_one_process_allocate_independently() {
    let (a, a_client) = empty_cluster().await;
    let (b, b_client) = empty_cluster().await;
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "first"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    }))
    .unwrap();
    let mut ips = Vec::new();
    for client in [&a_client, &b_client] {
        let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
        pods.create(&PostParams::default(), &pod).await.unwrap();
        let ip = eventually("the pod's IP", || async {
            let now = running(&pods, "").await;
            now.get("first").filter(|ip| !ip.is_empty()).cloned()
        })
        .await;
        ips.push(ip);
    }
    assert_eq!(ips, ["10.244.0.2", "10.244.0.2"]);

    let svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}
    }))
    .unwrap();
    let services: Api<Service> = Api::namespaced(a_client, "default");
    let created = services.create(&PostParams::default(), &svc).await.unwrap();
    let spec = created.spec.unwrap();
    assert!(spec.ports.unwrap()[0].node_port.is_some());
    assert!(spec.cluster_ip.is_some());
    assert_eq!(a.store.addresses().in_use().node_ports, 1);
    assert_eq!(b.store.addresses().in_use().node_ports, 0);
    services
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    eventually("the service gone", || async {
        services
            .get_opt("web")
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    let in_use = a.store.addresses().in_use();
    assert_eq!((in_use.node_ports, in_use.cluster_ips), (0, 0));
}
