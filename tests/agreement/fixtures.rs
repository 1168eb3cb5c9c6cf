//! The clusters the agreement tests compare: settled demo, extra and crafted pods, old
//! restarts.

use super::*;

/// A runtime for the kube client, next to the cluster's own.
pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Waits until no pod is on its way somewhere (Pending, ContainerCreating, Init:0/1,
/// Terminating) and every Deployment has observed its spec: the demo's steady state. The
/// pods that keep failing (ImagePullBackOff, a crash loop, a liveness probe) stay as they
/// are.
pub(super) async fn settle(client: &Client) {
    let transient = [
        "Pending",
        "ContainerCreating",
        "PodInitializing",
        "Terminating",
    ];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let pods = Api::<Pod>::all(client.clone())
            .list(&ListParams::default())
            .await
            .unwrap();
        let deployments = Api::<Deployment>::all(client.clone())
            .list(&ListParams::default())
            .await
            .unwrap();
        let mut interner = Interner::default();
        let busy: Vec<String> = pods
            .items
            .iter()
            .filter_map(|p| pod_row(p, &mut interner))
            .filter(|r| {
                let initializing = r.status.starts_with("Init:") && r.status.contains('/');
                transient.contains(&&*r.status) || initializing
            })
            .map(|r| format!("{}/{} {}", r.namespace, r.name, r.status))
            .collect();
        let observed = deployments.items.iter().all(|d| {
            d.status.as_ref().and_then(|s| s.observed_generation) == d.metadata.generation
        });
        if busy.is_empty() && observed && !pods.items.is_empty() {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the cluster did not settle: {busy:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Gives pods restarts that last happened `ago`, so the RESTARTS cell ("2 (3h5m ago)")
/// covers minutes, hours and days on both sides (AGE itself is seconds: the simulator
/// stamps creationTimestamp at creation, as the apiserver does).
pub(super) fn restarted_long_ago(cluster: &TestCluster, pods: &[(&str, &str, SignedDuration)]) {
    for (ns, name, ago) in pods {
        let finished = Timestamp::now()
            .checked_sub(*ago)
            .unwrap()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        cluster
            .sim
            .store
            .mutate(&PODS, ns, name, UpdateScope::Status, |pod| {
                let status = &mut pod["status"]["containerStatuses"][0];
                status["restartCount"] = json!(4);
                status["lastState"] = json!({"terminated": {"exitCode": 137,
                    "reason": "OOMKilled", "startedAt": finished, "finishedAt": finished}});
                Ok(())
            })
            .unwrap();
    }
}

/// Pods and a Service the demo seed lacks, run by the simulated kubelet: an init
/// container (which the simulation completes at once), a restartable init container
/// (counted in READY's total; the simulation completes it too, so it is not ready), a
/// crash loop next to a healthy container, a failed pod that is not restarted, and an
/// ExternalName Service (no cluster IP, no ports).
pub(super) async fn create_extras(client: &Client) {
    let pods = Api::<Pod>::namespaced(client.clone(), "default");
    let nginx = json!({"name": "app", "image": "nginx:1.27"});
    let extras = [
        json!({"metadata": {"name": "init-done"}, "spec": {
            "initContainers": [{"name": "setup", "image": "busybox:1.36"}],
            "containers": [nginx]}}),
        json!({"metadata": {"name": "native-sidecar"}, "spec": {
            "initContainers": [{"name": "proxy", "image": "envoyproxy/envoy:v1.31",
                                "restartPolicy": "Always"}],
            "containers": [nginx]}}),
        json!({"metadata": {"name": "crash-loop"}, "spec": {
            "containers": [nginx, {"name": "worker", "image": "busybox:crash"}]}}),
        json!({"metadata": {"name": "failed-once"}, "spec": {"restartPolicy": "Never",
            "containers": [{"name": "job", "image": "busybox:1.36", "command": ["false"]}]}}),
    ];
    for pod in extras {
        let pod: Pod = serde_json::from_value(pod).unwrap();
        pods.create(&PostParams::default(), &pod).await.unwrap();
    }
    let svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "external-db"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"}
    }))
    .unwrap();
    Api::<Service>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &svc)
        .await
        .unwrap();
}

/// Pods written straight into the store with statuses the simulated kubelet never
/// produces, for the rest of kubectl's STATUS, READY and RESTARTS rules (init container
/// failures and progress, signals and exit codes, evictions, completion, restartable init
/// containers). Their phase is terminal, so the simulated kubelet leaves them alone; the
/// printer rules do not depend on the phase except where noted.
pub(super) fn crafted_pods(cluster: &TestCluster) {
    let ago = |mins: i64| {
        Timestamp::now()
            .checked_sub(SignedDuration::from_mins(mins))
            .unwrap()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let running = json!({"running": {"startedAt": ago(30)}});
    let done = json!({"terminated": {"exitCode": 0, "reason": "Completed",
        "startedAt": ago(40), "finishedAt": ago(39)}});
    let status = |name: &str, ready: bool, restarts: i64, state: Value, last: Value| {
        json!({"name": name, "image": "busybox:1.36", "ready": ready, "restartCount": restarts,
               "state": state, "lastState": last})
    };
    let app = json!([{"name": "app", "image": "busybox:1.36"}]);
    let two_inits =
        json!([{"name": "i1", "image": "busybox:1.36"}, {"name": "i2", "image": "busybox:1.36"}]);
    let pods = [
        // Init:1/2 — the first init container done, the second running.
        (
            "init-progress",
            json!({"initContainers": two_inits, "containers": app}),
            json!({"phase": "Failed",
                "initContainerStatuses": [status("i1", false, 0, done.clone(), json!({})),
                                          status("i2", false, 0, running.clone(), json!({}))],
                "containerStatuses": [status("app", false, 0,
                    json!({"waiting": {"reason": "PodInitializing"}}), json!({}))]}),
        ),
        // Init:CrashLoopBackOff with the init container's restarts, 7 (12m ago).
        (
            "init-crashloop",
            json!({"initContainers": two_inits, "containers": app}),
            json!({"phase": "Failed",
                "initContainerStatuses": [
                    status("i1", false, 7, json!({"waiting": {"reason": "CrashLoopBackOff"}}),
                           json!({"terminated": {"exitCode": 1, "reason": "Error",
                                  "startedAt": ago(13), "finishedAt": ago(12)}})),
                    status("i2", false, 0, json!({"waiting": {"reason": "PodInitializing"}}), json!({}))],
                "containerStatuses": [status("app", false, 0,
                    json!({"waiting": {"reason": "PodInitializing"}}), json!({}))]}),
        ),
        // Init:ExitCode:3 and Init:Signal:9: failed init containers without a reason.
        (
            "init-exit-code",
            json!({"restartPolicy": "Never", "initContainers": two_inits, "containers": app}),
            json!({"phase": "Failed",
                "initContainerStatuses": [status("i1", false, 0,
                    json!({"terminated": {"exitCode": 3}}), json!({}))]}),
        ),
        (
            "init-signal",
            json!({"restartPolicy": "Never", "initContainers": two_inits, "containers": app}),
            json!({"phase": "Failed",
                "initContainerStatuses": [status("i1", false, 0,
                    json!({"terminated": {"exitCode": 137, "signal": 9}}), json!({}))]}),
        ),
        // Terminated containers: the reason, else Signal:N, else ExitCode:N.
        (
            "oom-killed",
            json!({"restartPolicy": "Never", "containers": app}),
            json!({"phase": "Failed", "containerStatuses": [status("app", false, 0,
             json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}}), json!({}))]}),
        ),
        (
            "exit-code",
            json!({"restartPolicy": "Never", "containers": app}),
            json!({"phase": "Failed", "containerStatuses": [status("app", false, 0,
             json!({"terminated": {"exitCode": 2}}), json!({}))]}),
        ),
        (
            "signal",
            json!({"restartPolicy": "Never", "containers": app}),
            json!({"phase": "Failed", "containerStatuses": [status("app", false, 0,
             json!({"terminated": {"exitCode": 143, "signal": 15}}), json!({}))]}),
        ),
        // The pod's own reason (an eviction) unless a container says more.
        (
            "evicted",
            json!({"containers": app}),
            json!({"phase": "Failed", "reason": "Evicted",
                "message": "The node was low on resource: memory."}),
        ),
        // Completed, and Completed with a container still running: Running when the pod
        // is Ready, NotReady when not.
        (
            "completed",
            json!({"restartPolicy": "Never", "containers": app}),
            json!({"phase": "Succeeded", "containerStatuses": [status("app", false, 0, done.clone(), json!({}))]}),
        ),
        (
            "completed-one-running",
            json!({"containers": [{"name": "a", "image": "busybox:1.36"}, {"name": "b", "image": "busybox:1.36"}]}),
            json!({"phase": "Succeeded", "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [status("a", true, 0, running.clone(), json!({})),
                                      status("b", false, 0, done.clone(), json!({}))]}),
        ),
        (
            "completed-not-ready",
            json!({"containers": [{"name": "a", "image": "busybox:1.36"}, {"name": "b", "image": "busybox:1.36"}]}),
            json!({"phase": "Succeeded", "conditions": [{"type": "Ready", "status": "False"}],
                "containerStatuses": [status("a", true, 0, running.clone(), json!({})),
                                      status("b", false, 0, done.clone(), json!({}))]}),
        ),
        // A restartable init container (native sidecar) that started counts in READY and
        // keeps its restarts once the pod is initialized: 2/2, 3 (2h5m ago)... the main
        // container's own restarts add to it.
        (
            "sidecar-started",
            json!({"initContainers": [{"name": "proxy", "image": "envoy:1.31", "restartPolicy": "Always"}],
                "containers": app}),
            json!({"phase": "Succeeded",
                "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
                "initContainerStatuses": [{"name": "proxy", "image": "envoy:1.31", "ready": true,
                    "started": true, "restartCount": 3, "state": running.clone(),
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                        "startedAt": ago(126), "finishedAt": ago(125)}}}],
                "containerStatuses": [status("app", true, 1, running.clone(),
                    json!({"terminated": {"exitCode": 1, "reason": "Error",
                           "startedAt": ago(200), "finishedAt": ago(199)}}))]}),
        ),
    ];
    for (name, spec, status) in pods {
        let mut spec = spec;
        spec["nodeName"] = json!("minikube");
        cluster
            .sim
            .store
            .create(
                &PODS,
                "default",
                json!({"metadata": {"name": name}, "spec": spec, "status": status}),
            )
            .unwrap();
    }
}

pub(super) fn pod_names(cluster: &TestCluster, ns: &str) -> Vec<String> {
    let (items, _) = cluster.sim.store.list(&PODS, Some(ns));
    items.iter().map(|o| o.name().to_string()).collect()
}
