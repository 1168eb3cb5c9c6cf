//! Fault switches: refusals as proper Status objects, stalls, dropped watches, restarts.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use rkt_sim::SimHandle;

use super::kube_rs::{empty_cluster, pod};
use crate::common::TestCluster;

#[test]
fn kubectl_sees_refusals_as_status_errors() {
    let c = TestCluster::empty();
    c.sim.faults.refuse_resource("pods", 403);
    let Some(err) = c.kubectl_err(&["get", "pods"], "") else {
        return;
    };
    assert!(err.contains("Error from server (Forbidden)"), "{err}");
    c.kubectl_ok(&["get", "namespaces"]).unwrap();

    c.sim.faults.refuse_resource("pods", 500);
    let err = c.kubectl_err(&["get", "pods"], "").unwrap();
    assert!(err.contains("Error from server (InternalError)"), "{err}");

    c.sim.faults.refuse_all(403);
    let err = c.kubectl_err(&["get", "namespaces"], "").unwrap();
    assert!(err.contains("Forbidden"), "{err}");

    c.sim.faults.reset();
    c.kubectl_ok(&["get", "pods"]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_requests_wait_until_released() {
    let (sim, client) = empty_cluster().await;
    let namespaces: Api<Namespace> = Api::all(client);
    sim.faults.set_stalled(true);
    let list = tokio::spawn({
        let namespaces = namespaces.clone();
        async move { namespaces.list(&ListParams::default()).await }
    });
    // Still held after a while (the request cannot have been answered).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!list.is_finished());
    sim.faults.set_stalled(false);
    let listed = tokio::time::timeout(Duration::from_secs(30), list)
        .await
        .expect("released within 30s")
        .unwrap()
        .unwrap();
    assert_eq!(listed.items.len(), 4);
}

fn drop_watches(sim: &SimHandle) {
    sim.faults.drop_watches();
}

fn restart(sim: &SimHandle) {
    sim.faults.restart();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_watches_and_restarting_end_open_streams() {
    let (sim, client) = empty_cluster().await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let faults: [fn(&SimHandle); 2] = [drop_watches, restart];
    for (i, fault) in faults.into_iter().enumerate() {
        let rv = pods
            .list(&ListParams::default())
            .await
            .unwrap()
            .metadata
            .resource_version
            .unwrap();
        let mut stream = pods
            .watch(&WatchParams::default(), &rv)
            .await
            .unwrap()
            .boxed();
        pods.create(&Default::default(), &pod(&format!("p{i}")))
            .await
            .unwrap();
        // The stream is live: the new pod's ADDED arrives (other pods' status changes and
        // bookmarks may come first).
        let name = format!("p{i}");
        let added = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(item) = stream.next().await {
                if let Ok(WatchEvent::Added(p)) = item {
                    if p.metadata.name.as_deref() == Some(name.as_str()) {
                        return true;
                    }
                }
            }
            false
        })
        .await;
        assert_eq!(added, Ok(true), "ADDED {name} on the open watch");
        fault(&sim);
        let end = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(item) = stream.next().await {
                if item.is_err() {
                    break;
                }
            }
        })
        .await;
        assert!(end.is_ok(), "the watch did not end after fault {i}");
    }
    // The cluster still serves after a restart. The first request may meet a pooled
    // connection the restart closed (as with a real server); a new one must succeed.
    let served = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if pods.list(&ListParams::default()).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(served.is_ok(), "the cluster serves again after a restart");
}
