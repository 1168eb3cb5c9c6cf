#![allow(clippy::unwrap_used)]
use super::*;

fn ts(secs: i64) -> Option<Timestamp> {
    Some(Timestamp::from_second(1_700_000_000 + secs).unwrap())
}

/// A healthy pod created at `created`, ready since `created + 10`.
fn pod(name: &str, created: i64) -> PodCandidate {
    PodCandidate {
        name: name.to_string(),
        assigned: true,
        phase: Phase::Running,
        ready: true,
        ready_since: ts(created + 10),
        max_restarts: 0,
        created: ts(created),
        terminating: false,
        container_ports: vec![],
    }
}

fn order(pods: &[PodCandidate]) -> Vec<&str> {
    let mut sorted: Vec<&PodCandidate> = pods.iter().collect();
    sorted.sort_by(|a, b| most_active_first(a, b));
    sorted.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn assigned_beats_unassigned_even_if_running() {
    let mut a = pod("a", 0);
    a.assigned = false;
    let mut b = pod("b", 0);
    b.phase = Phase::Pending;
    b.ready = false;
    assert_eq!(order(&[a, b]), ["b", "a"]);
}

#[test]
fn running_beats_unknown_beats_pending() {
    let mut p = pod("pending", 0);
    p.phase = Phase::Pending;
    let mut u = pod("unknown", 0);
    u.phase = Phase::Unknown;
    let r = pod("running", 5);
    assert_eq!(order(&[p, u, r]), ["running", "unknown", "pending"]);
}

#[test]
fn failed_and_succeeded_rank_like_pending() {
    let mut f = pod("failed", 0);
    f.phase = Phase::Failed;
    f.ready = false;
    let mut u = pod("unknown", 0);
    u.phase = Phase::Unknown;
    u.ready = false;
    assert_eq!(order(&[f, u]), ["unknown", "failed"]);
}

#[test]
fn ready_beats_not_ready() {
    let mut a = pod("a", 0);
    a.ready = false;
    a.ready_since = None;
    let b = pod("b", 100);
    assert_eq!(order(&[a, b]), ["b", "a"]);
}

#[test]
fn ready_longer_wins_over_fewer_restarts_and_age() {
    let mut early = pod("early", 50);
    early.ready_since = ts(60);
    early.max_restarts = 3;
    let mut late = pod("late", 0);
    late.ready_since = ts(200);
    assert_eq!(order(&[late, early]), ["early", "late"]);
}

#[test]
fn missing_ready_time_is_least_active_among_ready() {
    let mut a = pod("a", 0);
    a.ready_since = None;
    let b = pod("b", 0);
    assert_eq!(order(&[a, b]), ["b", "a"]);
}

#[test]
fn fewer_restarts_wins_when_ready_times_tie() {
    let mut a = pod("a", 0);
    a.max_restarts = 2;
    let mut b = pod("b", 10);
    b.ready_since = a.ready_since;
    b.max_restarts = 1;
    assert_eq!(order(&[a, b]), ["b", "a"]);
}

#[test]
fn older_wins_when_everything_else_ties() {
    let mut young = pod("young", 30);
    let old = pod("old", 0);
    young.ready_since = old.ready_since;
    assert_eq!(order(&[young, old]), ["old", "young"]);
}

#[test]
fn not_ready_pods_skip_the_ready_time_rule() {
    // Neither is ready, so ready times are ignored and restarts decide.
    let mut a = pod("a", 0);
    a.ready = false;
    a.ready_since = ts(1);
    a.max_restarts = 5;
    let mut b = pod("b", 0);
    b.ready = false;
    b.ready_since = ts(999);
    assert_eq!(order(&[a, b]), ["b", "a"]);
}

#[test]
fn choose_skips_terminating_pods() {
    let mut old = pod("old", 0);
    old.terminating = true;
    let new = pod("new", 100);
    let pods = [old, new];
    assert_eq!(choose_pod(&pods).unwrap().name, "new");
    assert!(choose_pod(&pods[..1]).is_none());
}

#[test]
fn choose_picks_the_most_active() {
    let mut crashing = pod("crashing", 0);
    crashing.max_restarts = 7;
    crashing.ready = false;
    let mut starting = pod("starting", 20);
    starting.phase = Phase::Pending;
    starting.ready = false;
    let healthy = pod("healthy", 40);
    let pods = [crashing, starting, healthy];
    assert_eq!(choose_pod(&pods).unwrap().name, "healthy");
    assert_eq!(order(&pods), ["healthy", "crashing", "starting"]);
}

#[test]
fn candidate_from_pod_object() {
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web-1", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"nodeName": "minikube", "containers": [
            {"name": "c", "image": "x", "ports": [
                {"name": "http", "containerPort": 8080},
                {"containerPort": 9090, "protocol": "UDP"}
            ]}
        ]},
        "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True",
                            "lastTransitionTime": "2024-01-01T00:00:05Z"}],
            "containerStatuses": [
                {"name": "c", "image": "x", "imageID": "", "ready": true, "restartCount": 2},
                {"name": "d", "image": "x", "imageID": "", "ready": true, "restartCount": 4}
            ]}
    }))
    .unwrap();
    let c = PodCandidate::from_pod(&pod);
    assert_eq!(c.name, "web-1");
    assert!(c.assigned && c.ready && c.serves_now());
    assert_eq!(c.phase, Phase::Running);
    assert_eq!(c.max_restarts, 4);
    assert_eq!(c.ready_since, Some("2024-01-01T00:00:05Z".parse().unwrap()));
    assert_eq!(c.port_named("http"), Some(8080));
    assert_eq!(c.port_named("grpc"), None);
    assert_eq!(c.container_ports[1].protocol, "UDP");
}
