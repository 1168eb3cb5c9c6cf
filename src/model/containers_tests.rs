use k8s_openapi::api::core::v1::{Event, Pod};
use serde_json::json;

use super::*;

fn now() -> Timestamp {
    "2026-11-25T12:00:00Z".parse().unwrap()
}

fn pod(status: serde_json::Value) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "liveness-http", "namespace": "default"},
        "spec": {"containers": [{
            "name": "liveness", "image": "registry.k8s.io/liveness",
            "ports": [{"containerPort": 8080}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                              "initialDelaySeconds": 3, "periodSeconds": 3},
            "readinessProbe": {"tcpSocket": {"port": "http"}, "timeoutSeconds": 2},
            "startupProbe": {"exec": {"command": ["cat", "/tmp/started"]}},
        }]},
        "status": {"containerStatuses": [status]},
    }))
    .unwrap()
}

fn unhealthy(message: &str, count: i32, at: &str) -> Event {
    serde_json::from_value(json!({
        "metadata": {"name": "e1"},
        "involvedObject": {"kind": "Pod", "name": "liveness-http", "fieldPath": "spec.containers{liveness}"},
        "reason": "Unhealthy", "type": "Warning", "message": message,
        "count": count, "lastTimestamp": at,
    }))
    .unwrap()
}

#[test]
fn targets_and_timing_read_like_kubectl() {
    let p = pod(
        json!({"name": "liveness", "ready": true, "restartCount": 0, "image": "x", "imageID": ""}),
    );
    let c = &p.spec.as_ref().unwrap().containers[0];
    let live = c.liveness_probe.as_ref().unwrap();
    assert_eq!(probe_target(live), "http-get :8080/healthz");
    assert_eq!(
        probe_timing(live),
        "delay=3s timeout=1s period=3s #success=1 #failure=3"
    );
    assert_eq!(
        probe_target(c.readiness_probe.as_ref().unwrap()),
        "tcp :http"
    );
    assert_eq!(
        probe_target(c.startup_probe.as_ref().unwrap()),
        "exec [cat /tmp/started]"
    );
}

#[test]
fn a_killed_container_with_unhealthy_events_fails_its_liveness_probe() {
    let p = pod(json!({
        "name": "liveness", "ready": false, "restartCount": 2, "started": false, "image": "x", "imageID": "",
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 137, "reason": "Error", "finishedAt": "2026-11-25T11:59:50Z"}},
    }));
    let events = [unhealthy(
        "Liveness probe failed: HTTP probe failed with statuscode: 500",
        6,
        "2026-11-25T11:59:48Z",
    )];
    let c = &p.spec.as_ref().unwrap().containers[0];
    let status = p
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap();
    let summary = probes(c, status.first(), &events, now());
    assert_eq!(summary.len(), 3);
    assert_eq!(summary[0].kind, ProbeKind::Liveness);
    assert!(summary[0].failing);
    assert_eq!(
        summary[0].last_failure.as_deref(),
        Some("(x6, 12s ago) Liveness probe failed: HTTP probe failed with statuscode: 500")
    );
    // Not running: readiness and startup are not being probed.
    assert!(!summary[1].failing && !summary[2].failing);
    assert_eq!(summary[1].last_failure, None);
    assert!(pod_probe_failing(&p, &events, now()));
    let text = containers_text(&p, &events, now());
    assert!(text.contains("liveness  [NOT READY]"), "{text}");
    assert!(
        text.contains("Last termination: Error, exit code 137, 10s ago"),
        "{text}"
    );
    assert!(
        text.contains("✗ FAILING  liveness  http-get :8080/healthz"),
        "{text}"
    );
    assert!(text.contains("Ports:            8080/TCP"), "{text}");
}

#[test]
fn a_healthy_running_container_passes_and_old_failures_are_history() {
    let p = pod(json!({
        "name": "liveness", "ready": true, "restartCount": 1, "started": true, "image": "x", "imageID": "",
        "state": {"running": {"startedAt": "2026-11-25T11:59:00Z"}},
    }));
    // Reported before the container restarted: not current.
    let events = [unhealthy(
        "Liveness probe failed: HTTP probe failed with statuscode: 500",
        3,
        "2026-11-25T11:58:00Z",
    )];
    let c = &p.spec.as_ref().unwrap().containers[0];
    let status = p
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap();
    let summary = probes(c, status.first(), &events, now());
    assert!(summary.iter().all(|p| !p.failing), "{summary:?}");
    assert!(summary[0].last_failure.is_some());
    assert!(!pod_probe_failing(&p, &events, now()));
}

#[test]
fn running_but_not_ready_fails_readiness_and_cluster_text_is_inert() {
    let p = pod(json!({
        "name": "liveness", "ready": false, "restartCount": 0, "started": true, "image": "x", "imageID": "",
        "state": {"running": {"startedAt": "2026-11-25T11:59:00Z"}},
    }));
    let events = [unhealthy(
        "Readiness probe failed: \u{1b}[31mdial tcp: refused",
        1,
        "2026-11-25T11:59:30Z",
    )];
    let c = &p.spec.as_ref().unwrap().containers[0];
    let status = p
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap();
    let summary = probes(c, status.first(), &events, now());
    assert!(!summary[0].failing && summary[1].failing && !summary[2].failing);
    let failure = summary[1].last_failure.as_deref().unwrap();
    assert!(!failure.contains('\u{1b}'), "{failure}");
    assert!(
        failure.starts_with("(30s ago) Readiness probe failed"),
        "{failure}"
    );
}

#[test]
fn the_pods_table_cue_comes_from_container_statuses() {
    use crate::model::convert::probe_cue;
    use crate::model::rows::ProbeCue;
    let killed = pod(json!({
        "name": "liveness", "ready": true, "restartCount": 1, "image": "x", "imageID": "",
        "state": {"running": {"startedAt": "2026-11-25T11:59:00Z"}},
        "lastState": {"terminated": {"exitCode": 137, "reason": "Error"}},
    }));
    assert_eq!(probe_cue(&killed), Some(ProbeCue::Liveness));
    let unready = pod(json!({
        "name": "liveness", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
        "state": {"running": {"startedAt": "2026-11-25T11:59:00Z"}},
    }));
    assert_eq!(probe_cue(&unready), Some(ProbeCue::Readiness));
    let fine = pod(json!({
        "name": "liveness", "ready": true, "restartCount": 0, "image": "x", "imageID": "",
        "state": {"running": {"startedAt": "2026-11-25T11:59:00Z"}},
    }));
    assert_eq!(probe_cue(&fine), None);
    assert_eq!(ProbeCue::Liveness.label(), "✗ liveness");
}
