//! Controller behaviour against the store, without the HTTP server: the demo seed, a
//! Deployment's revisions and rollback, misbehaving containers, StatefulSets.

use std::sync::Arc;

use serde_json::{json, Value};

use super::kubelet::Pace;
use super::Controllers;
use crate::resources::{CONTROLLER_REVISIONS, DEPLOYMENTS, ENDPOINTS, PODS, REPLICASETS};
use crate::store::{Store, UpdateScope};
use crate::{faults::Faults, Seed, SimState, Timing};

mod slices;

struct Harness {
    store: Arc<Store>,
    ctl: Controllers,
    rx: crate::store::Feed,
}

impl Harness {
    fn new(seed: Seed) -> Harness {
        let store = Arc::new(Store::new());
        let state = SimState {
            store: store.clone(),
            faults: Arc::new(Faults::default()),
            timing: Timing::fast(),
            metrics: Default::default(),
            version: Default::default(),
        };
        crate::seed::apply(&state, &seed).unwrap();
        let rx = store.feed();
        let mut ctl = Controllers::new(store.clone(), Pace::instant(&Timing::fast()));
        ctl.resync();
        let mut h = Harness { store, ctl, rx };
        h.settle();
        h
    }

    fn settle(&mut self) {
        self.ctl.settle(&mut self.rx);
    }

    fn list(&self, res: crate::store::Res, ns: &str) -> Vec<Value> {
        self.store
            .list(res, Some(ns))
            .0
            .iter()
            .map(|o| o.value.clone())
            .collect()
    }

    fn pods_of(&self, ns: &str, prefix: &str) -> Vec<Value> {
        self.list(&PODS, ns)
            .into_iter()
            .filter(|p| p["metadata"]["name"].as_str().unwrap().starts_with(prefix))
            .collect()
    }

    /// ReplicaSets of a deployment as (revision, image, replicas, annotations).
    fn revisions(&self, name: &str) -> Vec<(i64, String, i64, Value)> {
        let mut out: Vec<_> = self
            .list(&REPLICASETS, "default")
            .into_iter()
            .filter(|rs| rs["metadata"]["ownerReferences"][0]["name"] == name)
            .map(|rs| {
                (
                    super::deployment::revision_of(&rs),
                    rs["spec"]["template"]["spec"]["containers"][0]["image"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    rs["spec"]["replicas"].as_i64().unwrap(),
                    rs["metadata"]["annotations"].clone(),
                )
            })
            .collect();
        out.sort_by_key(|r| r.0);
        out
    }

    /// What `kubectl rollout undo --to-revision=N` patches into the deployment.
    fn undo(&mut self, name: &str, revision: i64) {
        let rs = self
            .list(&REPLICASETS, "default")
            .into_iter()
            .find(|rs| {
                rs["metadata"]["ownerReferences"][0]["name"] == name
                    && super::deployment::revision_of(rs) == revision
            })
            .unwrap();
        let mut template = rs["spec"]["template"].clone();
        template["metadata"]["labels"]
            .as_object_mut()
            .unwrap()
            .remove("pod-template-hash");
        self.store
            .mutate(&DEPLOYMENTS, "default", name, UpdateScope::Main, |d| {
                let mut annotations = serde_json::Map::new();
                for (k, v) in d["metadata"]["annotations"].as_object().unwrap() {
                    if super::deployment::skip_copy(k) {
                        annotations.insert(k.clone(), v.clone());
                    }
                }
                for (k, v) in rs["metadata"]["annotations"].as_object().unwrap() {
                    if !super::deployment::skip_copy(k) {
                        annotations.insert(k.clone(), v.clone());
                    }
                }
                d["spec"]["template"] = template;
                d["metadata"]["annotations"] = json!(annotations);
                Ok(())
            })
            .unwrap();
        self.settle();
    }
}

fn ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running"
        && pod["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

#[test]
fn demo_seed_has_a_running_minikube() {
    let h = Harness::new(Seed::Demo);
    let pods = h.list(&PODS, "kube-system");
    for prefix in [
        "coredns-",
        "etcd-minikube",
        "kube-apiserver-minikube",
        "kube-controller-manager-minikube",
        "kube-proxy-",
        "kube-scheduler-minikube",
        "storage-provisioner",
    ] {
        let pod = pods
            .iter()
            .find(|p| p["metadata"]["name"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no pod {prefix}"));
        assert!(ready(pod), "{prefix} not ready: {}", pod["status"]);
    }
    let coredns = h.pods_of("kube-system", "coredns-");
    let name = coredns[0]["metadata"]["name"].as_str().unwrap();
    assert_eq!(
        name.split('-').count(),
        3,
        "coredns-<hash>-<suffix>: {name}"
    );
    let node_events: Vec<Value> = h
        .list(&crate::resources::EVENTS, "default")
        .into_iter()
        .filter(|e| e["involvedObject"]["kind"] == "Node")
        .collect();
    assert!(node_events.iter().any(|e| e["reason"] == "RegisteredNode"));
    let dns = h.store.get(&ENDPOINTS, "kube-system", "kube-dns").unwrap();
    assert_eq!(
        dns.value["subsets"][0]["ports"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn hello_minikube_has_three_revisions_with_change_causes() {
    let h = Harness::new(Seed::Demo);
    let revs = h.revisions("hello-minikube");
    let summary: Vec<(i64, &str, i64)> = revs.iter().map(|r| (r.0, r.1.as_str(), r.2)).collect();
    assert_eq!(
        summary,
        vec![
            (1, "sebcontents/cozserver:1.0", 0),
            (2, "sebcontents/cozserver:2.0", 0),
            (3, "sebcontents/cozserver:3.0", 2)
        ]
    );
    assert!(revs[1].3["kubernetes.io/change-cause"]
        .as_str()
        .unwrap()
        .contains("cozserver=sebcontents/cozserver:2.0"));
    let d = h
        .store
        .get(&DEPLOYMENTS, "default", "hello-minikube")
        .unwrap();
    assert_eq!(
        d.value["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(d.value["status"]["availableReplicas"], 2);
    assert_eq!(d.value["status"]["updatedReplicas"], 2);
    let pods = h.pods_of("default", "hello-minikube-");
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(ready));
    let ep = h
        .store
        .get(&ENDPOINTS, "default", "hello-minikube")
        .unwrap();
    assert_eq!(
        ep.value["subsets"][0]["addresses"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn rollback_reuses_the_old_replicaset_as_the_newest_revision() {
    let mut h = Harness::new(Seed::Demo);
    h.undo("hello-minikube", 1);
    let revs = h.revisions("hello-minikube");
    let summary: Vec<(i64, &str, i64)> = revs.iter().map(|r| (r.0, r.1.as_str(), r.2)).collect();
    assert_eq!(
        summary,
        vec![
            (2, "sebcontents/cozserver:2.0", 0),
            (3, "sebcontents/cozserver:3.0", 0),
            (4, "sebcontents/cozserver:1.0", 2)
        ]
    );
    assert_eq!(revs[2].3["deployment.kubernetes.io/revision-history"], "1");
    h.undo("hello-minikube", 3);
    let revs = h.revisions("hello-minikube");
    assert_eq!(revs.last().unwrap().0, 5);
    assert_eq!(
        revs.last().unwrap().3["deployment.kubernetes.io/revision-history"],
        "3"
    );
    let pods = h.pods_of("default", "hello-minikube-");
    assert!(pods
        .iter()
        .all(|p| p["spec"]["containers"][0]["image"] == "sebcontents/cozserver:3.0"));
}

#[test]
fn a_bad_image_is_stuck_and_the_old_revision_keeps_serving() {
    let h = Harness::new(Seed::Demo);
    let revs = h.revisions("web-frontend");
    assert_eq!(revs.len(), 2);
    assert_eq!((revs[0].2, revs[1].2), (3, 1));
    let stuck: Vec<Value> = h
        .pods_of("default", "web-frontend-")
        .into_iter()
        .filter(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28-does-not-exist")
        .collect();
    assert_eq!(stuck.len(), 1);
    let waiting = &stuck[0]["status"]["containerStatuses"][0]["state"]["waiting"]["reason"];
    assert!(
        waiting == "ErrImagePull" || waiting == "ImagePullBackOff",
        "{waiting}"
    );
    assert_eq!(stuck[0]["status"]["phase"], "Pending");
}

#[test]
fn statefulset_has_ordinal_pods_and_two_revisions() {
    let h = Harness::new(Seed::Demo);
    let crs = h.list(&CONTROLLER_REVISIONS, "default");
    let web: Vec<&Value> = crs
        .iter()
        .filter(|c| c["metadata"]["ownerReferences"][0]["name"] == "web")
        .collect();
    assert_eq!(web.len(), 2);
    assert!(web
        .iter()
        .all(|c| c["metadata"]["labels"]["app"] == "nginx"));
    assert_eq!(
        web.iter().map(|c| c["revision"].as_i64().unwrap()).max(),
        Some(2)
    );
    assert_eq!(web[0]["data"]["spec"]["template"]["$patch"], "replace");
    let pods: Vec<Value> = h
        .pods_of("default", "web-")
        .into_iter()
        .filter(|p| {
            p["metadata"]["name"].as_str().unwrap()[4..]
                .parse::<u32>()
                .is_ok()
        })
        .collect();
    let names: Vec<&str> = pods
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"web-0") && names.contains(&"web-1"),
        "{names:?}"
    );
    let sts = h
        .store
        .get(&crate::resources::STATEFULSETS, "default", "web")
        .unwrap();
    assert!(
        pods.iter()
            .all(|p| p["spec"]["containers"][0]["image"] == "registry.k8s.io/nginx-slim:0.27"),
        "{pods:#?} {:#}",
        sts.value["status"]
    );
}

/// Polls the store until `check` holds (the controllers run on the tokio runtime).
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn running_cluster() -> (Arc<Store>, super::Running) {
    let store = Arc::new(Store::new());
    let state = SimState {
        store: store.clone(),
        faults: Arc::new(Faults::default()),
        timing: Timing::fast(),
        metrics: Default::default(),
        version: Default::default(),
    };
    crate::seed::apply(&state, &Seed::Empty).unwrap();
    let running = super::spawn(state);
    (store, running)
}

fn create(store: &Store, res: crate::store::Res, mut obj: Value) {
    let _ = crate::defaults::allocate(store.addresses(), res, &mut obj, true);
    crate::defaults::apply_defaults(res, &mut obj);
    store.create(res, "default", obj).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_progress_over_time_and_misbehaving_containers_show() {
    let (store, cancel) = running_cluster();
    let pod = |name: &str, container: Value| json!({"metadata": {"name": name}, "spec": {"containers": [container]}});
    create(
        &store,
        &PODS,
        pod("good", json!({"name": "c", "image": "nginx:1.27"})),
    );
    create(
        &store,
        &PODS,
        pod("bad", json!({"name": "c", "image": "nginx:bad"})),
    );
    create(
        &store,
        &PODS,
        pod("crash", json!({"name": "c", "image": "busybox:crash"})),
    );
    create(
        &store,
        &PODS,
        pod(
            "probe",
            json!({"name": "c", "image": "app:1", "livenessProbe": {"httpGet": {"path": "/fail", "port": 80}}}),
        ),
    );
    let get = |n: &str| store.get(&PODS, "default", n).unwrap().value.clone();
    eventually("good pod ready", || ready(&get("good"))).await;
    let good = get("good");
    assert_eq!(good["spec"]["nodeName"], "minikube");
    assert!(good["status"]["podIP"]
        .as_str()
        .unwrap()
        .starts_with("10.244."));
    assert!(good["status"]["containerStatuses"][0]["state"]["running"]["startedAt"].is_string());
    eventually("ImagePullBackOff", || {
        get("bad")["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
            == "ImagePullBackOff"
    })
    .await;
    assert!(!ready(&get("bad")));
    eventually("crash loop", || {
        let s = &get("crash")["status"]["containerStatuses"][0];
        s["restartCount"].as_i64().unwrap_or(0) >= 2
            && s["lastState"]["terminated"]["exitCode"] == 1
    })
    .await;
    eventually("CrashLoopBackOff", || {
        get("crash")["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
            == "CrashLoopBackOff"
    })
    .await;
    eventually("liveness restarts", || {
        let s = &get("probe")["status"]["containerStatuses"][0];
        s["restartCount"].as_i64().unwrap_or(0) >= 1
            && s["lastState"]["terminated"]["exitCode"] == 137
    })
    .await;
    let events = store.list(&crate::resources::EVENTS, Some("default")).0;
    let reasons: Vec<String> = events
        .iter()
        .map(|e| e.value["reason"].as_str().unwrap_or("").to_string())
        .collect();
    for r in [
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
        "Failed",
        "BackOff",
        "Unhealthy",
        "Killing",
    ] {
        assert!(
            reasons.iter().any(|x| x == r),
            "no {r} event in {reasons:?}"
        );
    }
    store
        .delete(&PODS, "default", "good", &Default::default())
        .unwrap();
    eventually("deleted pod removed", || {
        store.get(&PODS, "default", "good").is_err()
    })
    .await;
    cancel.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_roll_step_by_step_and_scale() {
    let (store, cancel) = running_cluster();
    let labels = json!({"app": "hello"});
    create(
        &store,
        &DEPLOYMENTS,
        crate::seed::objects::deployment(
            "hello",
            4,
            labels,
            vec![json!({"name": "cozserver", "image": "sebcontents/cozserver:1.0"})],
        ),
    );
    let dep = || {
        store
            .get(&DEPLOYMENTS, "default", "hello")
            .unwrap()
            .value
            .clone()
    };
    eventually("4 available", || dep()["status"]["availableReplicas"] == 4).await;
    store
        .mutate(&DEPLOYMENTS, "default", "hello", UpdateScope::Main, |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] =
                json!("sebcontents/cozserver:2.0");
            Ok(())
        })
        .unwrap();
    // Never more than replicas + maxSurge pods, never fewer than replicas - maxUnavailable
    // available, while the rollout runs.
    let mut max_total = 0;
    let mut min_available = i64::MAX;
    eventually("rollout complete", || {
        let d = dep();
        let total: i64 = store
            .list(&REPLICASETS, Some("default"))
            .0
            .iter()
            .map(|rs| rs.value["spec"]["replicas"].as_i64().unwrap_or(0))
            .sum();
        max_total = max_total.max(total);
        min_available = min_available.min(d["status"]["availableReplicas"].as_i64().unwrap_or(0));
        super::rollout::deployment_complete(&d, &d["status"])
            && d["status"]["conditions"]
                .to_string()
                .contains("NewReplicaSetAvailable")
    })
    .await;
    assert!(max_total <= 5, "surge exceeded: {max_total}");
    assert!(min_available >= 3, "too many unavailable: {min_available}");
    assert_eq!(
        dep()["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    store
        .mutate(&DEPLOYMENTS, "default", "hello", UpdateScope::Main, |d| {
            d["spec"]["replicas"] = json!(1);
            Ok(())
        })
        .unwrap();
    eventually("scaled down", || {
        store.list(&PODS, Some("default")).0.len() == 1 && dep()["status"]["replicas"] == 1
    })
    .await;
    cancel.stop();
}

#[test]
fn scale_seed_builds_consistent_workloads_quickly() {
    let started = std::time::Instant::now();
    let h = Harness::new(Seed::Scale {
        pods: 2000,
        namespaces: 3,
    });
    eprintln!("scale seed of 2000 pods: {:?}", started.elapsed());
    assert_eq!(h.store.count(&PODS), 2000);
    let ns = h.list(&PODS, "team-00");
    assert!(ns.len() >= 666);
    assert!(ns.iter().all(ready));
    let deployments = h.list(&DEPLOYMENTS, "team-01");
    assert!(deployments.iter().all(|d| {
        super::rollout::deployment_complete(d, &d["status"])
            && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    }));
    let rs = h.list(&REPLICASETS, "team-01");
    assert!(rs
        .iter()
        .all(|r| r["status"]["readyReplicas"] == r["spec"]["replicas"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recreate_stops_old_pods_before_starting_new_ones() {
    let (store, running) = running_cluster();
    let mut d = crate::seed::objects::deployment(
        "re",
        2,
        json!({"app": "re"}),
        vec![json!({"name": "c", "image": "app:1"})],
    );
    d["spec"]["strategy"] = json!({"type": "Recreate"});
    create(&store, &DEPLOYMENTS, d);
    let dep = || {
        store
            .get(&DEPLOYMENTS, "default", "re")
            .unwrap()
            .value
            .clone()
    };
    eventually("2 available", || dep()["status"]["availableReplicas"] == 2).await;
    store
        .mutate(&DEPLOYMENTS, "default", "re", UpdateScope::Main, |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("app:2");
            Ok(())
        })
        .unwrap();
    let mut mixed = false;
    eventually("recreated", || {
        let images: Vec<String> = store
            .list(&PODS, Some("default"))
            .0
            .iter()
            .map(|p| {
                p.value["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        mixed |= images.iter().any(|i| i == "app:1") && images.iter().any(|i| i == "app:2");
        let d = dep();
        super::rollout::deployment_complete(&d, &d["status"]) && images.iter().all(|i| i == "app:2")
    })
    .await;
    assert!(!mixed, "old and new pods ran at the same time");
    running.stop();
}
