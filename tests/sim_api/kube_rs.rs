//! kube-rs against the simulated cluster: watcher (list-watch and streaming lists),
//! pagination, and recovery from an expired resourceVersion.

use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::runtime::watcher::{self, Event};
use rkt_sim::{Seed, SimConfig, SimHandle};
use serde_json::json;

pub async fn empty_cluster() -> (SimHandle, kube::Client) {
    let sim = rkt_sim::start(SimConfig {
        seed: Seed::Empty,
        ..SimConfig::test()
    })
    .await
    .unwrap();
    let client = crate::common::kube_client(&sim.kubeconfig).await;
    (sim, client)
}

pub fn pod(name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"app": "kube-rs"}},
        "spec": {"terminationGracePeriodSeconds": 0,
                 "containers": [{"name": "c", "image": "nginx:1.27"}]}
    }))
    .unwrap()
}

type Events = std::pin::Pin<Box<dyn Stream<Item = watcher::Result<Event<Pod>>> + Send>>;

/// The next watcher item, failing the test after a generous deadline.
async fn next(stream: &mut Events) -> watcher::Result<Event<Pod>> {
    tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("a watcher event within 30s")
        .expect("the watcher stream does not end")
}

fn name(p: &Pod) -> &str {
    p.metadata.name.as_deref().unwrap_or("")
}

/// Reads events until `want` matches one; returns every event name seen on the way.
async fn until(stream: &mut Events, what: &str, want: impl Fn(&Event<Pod>) -> bool) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..10_000 {
        match next(stream).await {
            Ok(event) => {
                let label = match &event {
                    Event::Init => "Init".to_string(),
                    Event::InitApply(p) => format!("InitApply({})", name(p)),
                    Event::InitDone => "InitDone".to_string(),
                    Event::Apply(p) => format!("Apply({})", name(p)),
                    Event::Delete(p) => format!("Delete({})", name(p)),
                };
                seen.push(label);
                if want(&event) {
                    return seen;
                }
            }
            Err(e) => seen.push(format!("Err({e})")),
        }
    }
    panic!("never saw {what}: {seen:?}");
}

async fn watcher_sees_the_lifecycle(config: watcher::Config) {
    let (_sim, client) = empty_cluster().await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    pods.create(&PostParams::default(), &pod("before"))
        .await
        .unwrap();
    let mut stream: Events = watcher::watcher(pods.clone(), config).boxed();
    let seen = until(&mut stream, "InitDone", |e| matches!(e, Event::InitDone)).await;
    assert_eq!(seen.first().map(String::as_str), Some("Init"), "{seen:?}");
    assert!(seen.contains(&"InitApply(before)".to_string()), "{seen:?}");

    pods.create(&PostParams::default(), &pod("after"))
        .await
        .unwrap();
    until(
        &mut stream,
        "Apply(after)",
        |e| matches!(e, Event::Apply(p) if name(p) == "after"),
    )
    .await;
    pods.delete("after", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    until(
        &mut stream,
        "Delete(after)",
        |e| matches!(e, Event::Delete(p) if name(p) == "after"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_watcher_lists_then_watches() {
    watcher_sees_the_lifecycle(watcher::Config::default()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_watcher_with_streaming_lists() {
    watcher_sees_the_lifecycle(watcher::Config::default().streaming_lists()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_list_pages_with_limit_and_continue() {
    let (_sim, client) = empty_cluster().await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    for i in 0..5 {
        pods.create(&PostParams::default(), &pod(&format!("p{i}")))
            .await
            .unwrap();
    }
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(2);
    let mut pages = 0;
    loop {
        let page = pods.list(&params).await.unwrap();
        pages += 1;
        if pages == 1 {
            assert_eq!(page.metadata.remaining_item_count, Some(3));
        }
        names.extend(page.items.iter().map(|p| name(p).to_string()));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["p0", "p1", "p2", "p3", "p4"]);

    let selected = pods
        .list(&ListParams::default().fields("metadata.name=p3"))
        .await
        .unwrap();
    assert_eq!(selected.items.len(), 1);
    let err = pods
        .list(&ListParams::default().labels("app in (x"))
        .await
        .unwrap_err();
    assert!(matches!(err, kube::Error::Api(s) if s.code == 400));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_watcher_recovers_from_an_expired_resource_version() {
    let (sim, client) = empty_cluster().await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let mut stream: Events = watcher::watcher(pods.clone(), watcher::Config::default()).boxed();
    until(&mut stream, "InitDone", |e| matches!(e, Event::InitDone)).await;

    // Hold the watcher's reconnect, change the cluster behind its back, forget history.
    sim.faults.set_stalled(true);
    sim.faults.drop_watches();
    sim.store
        .create(
            &rkt_sim::resources::PODS,
            "default",
            serde_json::to_value(pod("late")).unwrap(),
        )
        .unwrap();
    sim.expire_resource_versions();
    sim.faults.set_stalled(false);

    let seen = until(
        &mut stream,
        "a relist with the late pod",
        |e| matches!(e, Event::InitApply(p) if name(p) == "late"),
    )
    .await;
    assert!(
        seen.iter()
            .any(|s| s.starts_with("Err(") && s.contains("too old resource version")),
        "{seen:?}"
    );
    assert!(seen.contains(&"Init".to_string()), "{seen:?}");
}

/// A watch from a resourceVersion the server has not issued yet (one from a cluster that
/// used to be at this address) is accepted, as by the apiserver, and sends only the
/// changes after it: resuming cannot tell a client that the history is another one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_from_a_future_version_skips_changes_up_to_it() {
    use k8s_openapi::api::core::v1::ConfigMap;
    use kube::api::{WatchEvent, WatchParams};
    use rkt_sim::resources::CONFIGMAPS;

    let (sim, client) = empty_cluster().await;
    let maps: Api<ConfigMap> = Api::namespaced(client, "default");
    let since = sim.store.resource_version() + 5;
    let mut stream = maps
        .watch(&WatchParams::default(), &since.to_string())
        .await
        .unwrap()
        .boxed();
    let mut after = Vec::new();
    for i in 0..10 {
        let name = format!("cm-{i}");
        let stored = sim
            .store
            .create(&CONFIGMAPS, "default", json!({"metadata": {"name": name}}))
            .unwrap();
        if stored.rv > since {
            after.push(name);
        }
    }
    assert!(!after.is_empty() && after.len() < 10, "{after:?}");
    let mut seen = Vec::new();
    while seen.last() != Some(&"cm-9".to_string()) {
        let event = tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .expect("an event within 30s")
            .expect("the watch goes on")
            .unwrap();
        match event {
            WatchEvent::Added(cm) => seen.push(cm.metadata.name.unwrap_or_default()),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, after);
}

/// A streaming list (`sendInitialEvents`) from a version the server has not reached
/// fails as the apiserver's watch cache does after waiting for it: 504 Timeout,
/// "Too large resource version", as an ERROR event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_list_from_a_future_version_times_out() {
    use kube::api::{WatchEvent, WatchParams};

    let (sim, client) = empty_cluster().await;
    let pods: Api<Pod> = Api::namespaced(client, "default");
    let since = sim.store.resource_version() + 1000;
    let mut stream = pods
        .watch(&WatchParams::streaming_lists(), &since.to_string())
        .await
        .unwrap()
        .boxed();
    let event = tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("an answer within 30s")
        .expect("one event")
        .unwrap();
    let WatchEvent::Error(status) = event else {
        panic!("expected an ERROR event, got {event:?}");
    };
    assert_eq!((status.code, status.reason.as_str()), (504, "Timeout"));
    assert!(
        status.message.starts_with("Too large resource version"),
        "{status:?}"
    );
}
