//! Pod STATUS/READY/RESTARTS against kubectl's printer, from YAML objects.

use super::*;

const NOW_YAML: &str = "2026-01-01T12:00:00Z";

fn pod(yaml: &str) -> Pod {
    serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("fixture: {e}\n{yaml}"))
}

fn summary(yaml: &str) -> (String, String, u32) {
    let s = summarize_pod(&pod(yaml));
    (format!("{}/{}", s.ready, s.total), s.status, s.restarts)
}

const RUNNING: &str = r#"
metadata: { name: web-1, namespace: default, creationTimestamp: "2026-01-01T10:00:00Z" }
spec:
  nodeName: minikube
  containers: [{ name: app, image: nginx }, { name: sidecar, image: envoy }]
status:
  phase: Running
  podIP: 10.244.0.5
  conditions: [{ type: Ready, status: "True" }, { type: Initialized, status: "True" }]
  containerStatuses:
  - name: app
    ready: true
    restartCount: 2
    image: nginx
    imageID: ""
    state: { running: { startedAt: "2026-01-01T11:00:00Z" } }
    lastState: { terminated: { exitCode: 1, finishedAt: "2026-01-01T11:55:00Z" } }
  - name: sidecar
    ready: true
    restartCount: 1
    image: envoy
    imageID: ""
    state: { running: { startedAt: "2026-01-01T10:00:00Z" } }
    lastState: { terminated: { exitCode: 1, finishedAt: "2026-01-01T11:30:00Z" } }
"#;

#[test]
fn running_pod_row_like_kubectl() {
    let p = pod(RUNNING);
    let s = summarize_pod(&p);
    assert_eq!(
        (s.ready, s.total, s.status.as_str(), s.restarts),
        (2, 2, "Running", 3)
    );
    // The latest termination of any container is the "ago" of RESTARTS.
    assert_eq!(
        s.last_restart,
        Some("2026-01-01T11:55:00Z".parse().unwrap())
    );
    let now: Timestamp = NOW_YAML.parse().unwrap();
    assert_eq!(
        crate::model::format::restarts(s.restarts, s.last_restart, now),
        "3 (5m ago)"
    );
    let row = pod_row(&p, &mut Interner::default()).unwrap();
    assert_eq!(row.health, Health::Ok);
    assert_eq!(row.ip, Some("10.244.0.5".parse().unwrap()));
    assert_eq!(row.node.as_deref(), Some("minikube"));
    assert_eq!(crate::model::format::age(row.created, now), "120m"); // kubectl: minutes up to 3h
}

#[test]
fn waiting_reasons_win() {
    let yaml = r#"
metadata: { name: crashy, namespace: default }
spec: { containers: [{ name: app }] }
status:
  phase: Running
  containerStatuses:
  - name: app
    ready: false
    restartCount: 5
    image: x
    imageID: ""
    state: { waiting: { reason: CrashLoopBackOff } }
"#;
    assert_eq!(summary(yaml), ("0/1".into(), "CrashLoopBackOff".into(), 5));
    let pull = yaml.replace("CrashLoopBackOff", "ImagePullBackOff");
    assert_eq!(summary(&pull).1, "ImagePullBackOff");
    let creating = yaml
        .replace("CrashLoopBackOff", "ContainerCreating")
        .replace("phase: Running", "phase: Pending");
    assert_eq!(summary(&creating).1, "ContainerCreating");
    let s = summarize_pod(&pod(&creating));
    assert_eq!(pod_health(&s.status, s.ready, s.total), Health::Pending);
    let s = summarize_pod(&pod(yaml));
    assert_eq!(pod_health(&s.status, s.ready, s.total), Health::Error);
}

#[test]
fn terminated_completed_and_exit_codes() {
    let yaml = r#"
metadata: { name: job, namespace: default }
spec: { containers: [{ name: app }] }
status:
  phase: Succeeded
  containerStatuses:
  - name: app
    ready: false
    restartCount: 0
    image: x
    imageID: ""
    state: { terminated: { exitCode: 0, reason: Completed } }
"#;
    assert_eq!(summary(yaml), ("0/1".into(), "Completed".into(), 0));
    let no_reason = yaml
        .replace(", reason: Completed", "")
        .replace("exitCode: 0", "exitCode: 3");
    assert_eq!(summary(&no_reason).1, "ExitCode:3");
    let signal = yaml
        .replace(", reason: Completed", ", signal: 9")
        .replace("exitCode: 0", "exitCode: 137");
    assert_eq!(summary(&signal).1, "Signal:9");
}

#[test]
fn init_containers_progress() {
    let yaml = r#"
metadata: { name: init, namespace: default }
spec:
  initContainers: [{ name: one }, { name: two }]
  containers: [{ name: app }]
status:
  phase: Pending
  initContainerStatuses:
  - { name: one, ready: false, restartCount: 0, image: x, imageID: "", state: { terminated: { exitCode: 0, reason: Completed } } }
  - { name: two, ready: false, restartCount: 0, image: x, imageID: "", state: { running: {} } }
  containerStatuses:
  - { name: app, ready: false, restartCount: 0, image: x, imageID: "", state: { waiting: { reason: PodInitializing } } }
"#;
    assert_eq!(summary(yaml), ("0/1".into(), "Init:1/2".into(), 0));
    let crashing = yaml.replace(
        "state: { running: {} }",
        "state: { waiting: { reason: CrashLoopBackOff } }",
    );
    assert_eq!(summary(&crashing).1, "Init:CrashLoopBackOff");
    let failed = yaml.replace(
        "state: { running: {} }",
        "state: { terminated: { exitCode: 2 } }",
    );
    assert_eq!(summary(&failed).1, "Init:ExitCode:2");
}

#[test]
fn sidecar_init_containers_count_as_containers() {
    let yaml = r#"
metadata: { name: sidecar, namespace: default }
spec:
  initContainers: [{ name: proxy, restartPolicy: Always }]
  containers: [{ name: app }]
status:
  phase: Running
  conditions: [{ type: Initialized, status: "True" }, { type: Ready, status: "True" }]
  initContainerStatuses:
  - { name: proxy, ready: true, started: true, restartCount: 4, image: x, imageID: "", state: { running: {} } }
  containerStatuses:
  - { name: app, ready: true, restartCount: 1, image: x, imageID: "", state: { running: {} } }
"#;
    assert_eq!(summary(yaml), ("2/2".into(), "Running".into(), 5));
}

#[test]
fn deletion_means_terminating_unless_finished() {
    let deleting = RUNNING.replace(
        "creationTimestamp: \"2026-01-01T10:00:00Z\" }",
        "creationTimestamp: \"2026-01-01T10:00:00Z\", deletionTimestamp: \"2026-01-01T11:59:00Z\" }",
    );
    let s = summarize_pod(&pod(&deleting));
    assert_eq!(s.status, "Terminating");
    assert_eq!(pod_health(&s.status, s.ready, s.total), Health::Terminating);
    let finished = deleting.replace("phase: Running", "phase: Succeeded");
    assert_ne!(summarize_pod(&pod(&finished)).status, "Terminating");
}

#[test]
fn missing_fields_never_panic() {
    let s = summarize_pod(&Pod::default());
    assert_eq!((s.ready, s.total, s.restarts), (0, 0, 0));
    assert!(pod_row(&Pod::default(), &mut Interner::default()).is_none());
    let minimal = pod("metadata: { name: x }\n");
    let row = pod_row(&minimal, &mut Interner::default()).unwrap();
    assert_eq!(row.namespace.as_ref(), "default");
    assert_eq!(row.ip, None);
}

#[test]
fn interner_shares_strings() {
    let mut i = Interner::default();
    let a = i.get("minikube");
    let b = i.get("minikube");
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}
