//! The pod printer: the apiserver's `printPod`, including its STATUS and RESTARTS rules.

use serde_json::{json, Value};

use super::{col, int, or_none, Column, Now, AGE, NAME};

pub const COLUMNS: &[Column] = &[
    NAME,
    col("Ready", "string", 0),
    col("Status", "string", 0),
    col("Restarts", "string", 0),
    AGE,
    col("IP", "string", 1),
    col("Node", "string", 1),
    col("Nominated Node", "string", 1),
    col("Readiness Gates", "string", 1),
];

/// Row conditions the printer attaches to finished pods.
pub fn row_conditions(pod: &Value) -> Option<Value> {
    match pod["status"]["phase"].as_str() {
        Some("Succeeded") => Some(json!([{"type": "Completed", "status": "True",
            "reason": "Succeeded", "message": "The pod has completed successfully."}])),
        Some("Failed") => Some(json!([{"type": "Completed", "status": "True",
            "reason": "Failed", "message": "The pod failed."}])),
        _ => None,
    }
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn condition_true(pod: &Value, kind: &str) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

/// The later of two optional RFC 3339 timestamps.
fn later(a: Option<jiff::Timestamp>, b: &Value) -> Option<jiff::Timestamp> {
    let b = b.as_str().and_then(|s| s.parse::<jiff::Timestamp>().ok());
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn is_restartable_init(spec_init: &[Value], name: &str) -> bool {
    spec_init
        .iter()
        .any(|c| c["name"] == name && c["restartPolicy"] == "Always")
}

pub fn cells(pod: &Value, now: &Now) -> Vec<Value> {
    let spec = &pod["spec"];
    let status = &pod["status"];
    let empty = Vec::new();
    let init_specs = spec["initContainers"].as_array().unwrap_or(&empty);
    let mut total = spec["containers"].as_array().map_or(0, Vec::len);
    total += init_specs
        .iter()
        .filter(|c| c["restartPolicy"] == "Always")
        .count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<jiff::Timestamp> = None;
    let mut sidecar_restarts = 0;
    let mut last_sidecar_restart: Option<jiff::Timestamp> = None;

    let phase = str_of(&status["phase"]);
    let mut reason = match str_of(&status["reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    if status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    let init_statuses = status["initContainerStatuses"].as_array().unwrap_or(&empty);
    for (i, c) in init_statuses.iter().enumerate() {
        let name = str_of(&c["name"]);
        let sidecar = is_restartable_init(init_specs, name);
        restarts += int(&c["restartCount"]);
        last_restart = later(last_restart, &c["lastState"]["terminated"]["finishedAt"]);
        if sidecar {
            sidecar_restarts += int(&c["restartCount"]);
            last_sidecar_restart = later(
                last_sidecar_restart,
                &c["lastState"]["terminated"]["finishedAt"],
            );
        }
        let terminated = &c["state"]["terminated"];
        let waiting_reason = str_of(&c["state"]["waiting"]["reason"]);
        if terminated.is_object() && int(&terminated["exitCode"]) == 0 {
            continue;
        }
        if sidecar && c["started"] == true {
            if c["ready"] == true {
                ready += 1;
            }
            continue;
        }
        if terminated.is_object() {
            reason = match str_of(&terminated["reason"]) {
                "" if int(&terminated["signal"]) != 0 => {
                    format!("Init:Signal:{}", int(&terminated["signal"]))
                }
                "" => format!("Init:ExitCode:{}", int(&terminated["exitCode"])),
                r => format!("Init:{r}"),
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        let statuses = status["containerStatuses"].as_array().unwrap_or(&empty);
        for c in statuses.iter().rev() {
            restarts += int(&c["restartCount"]);
            last_restart = later(last_restart, &c["lastState"]["terminated"]["finishedAt"]);
            let state = &c["state"];
            let waiting = str_of(&state["waiting"]["reason"]);
            let terminated = &state["terminated"];
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if terminated.is_object() && !str_of(&terminated["reason"]).is_empty() {
                reason = str_of(&terminated["reason"]).to_string();
            } else if terminated.is_object() {
                reason = if int(&terminated["signal"]) != 0 {
                    format!("Signal:{}", int(&terminated["signal"]))
                } else {
                    format!("ExitCode:{}", int(&terminated["exitCode"]))
                };
            } else if c["ready"] == true && state["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    let deleting = pod["metadata"]["deletionTimestamp"].is_string();
    if deleting && str_of(&status["reason"]) == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }

    let restarts_cell = match last_restart {
        Some(t) if restarts != 0 => {
            format!("{restarts} ({} ago)", now.since(&json!(t.to_string())))
        }
        _ => restarts.to_string(),
    };

    let ip = status["podIPs"][0]["ip"]
        .as_str()
        .or_else(|| status["podIP"].as_str())
        .unwrap_or("");
    let gates = spec["readinessGates"].as_array().map(|gates| {
        let true_count = gates
            .iter()
            .filter(|g| condition_true(pod, str_of(&g["conditionType"])))
            .count();
        format!("{true_count}/{}", gates.len())
    });
    vec![
        super::name(pod),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_cell),
        now.age(pod),
        json!(or_none(ip)),
        json!(or_none(str_of(&spec["nodeName"]))),
        json!(or_none(str_of(&status["nominatedNodeName"]))),
        json!(gates.unwrap_or_else(|| "<none>".to_string())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T00:10:00Z".parse().unwrap())
    }

    fn pod(status: Value) -> Value {
        json!({
            "metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:05:00Z"},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}], "nodeName": "minikube"},
            "status": status,
        })
    }

    fn cell(p: &Value, i: usize) -> String {
        cells(p, &now())[i].as_str().unwrap().to_string()
    }

    #[test]
    fn running_pod_with_restarts() {
        let p = pod(json!({
            "phase": "Running", "podIP": "10.244.0.5",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
                 "lastState": {"terminated": {"finishedAt": "2026-01-01T00:08:00Z"}}},
                {"name": "b", "ready": false, "restartCount": 0, "state": {"running": {}}}
            ]
        }));
        let c = cells(&p, &now());
        assert_eq!(
            c,
            vec![
                json!("web"),
                json!("1/2"),
                json!("Running"),
                json!("2 (2m ago)"),
                json!("5m"),
                json!("10.244.0.5"),
                json!("minikube"),
                json!("<none>"),
                json!("<none>")
            ]
        );
    }

    #[test]
    fn waiting_reasons_win() {
        let p = pod(json!({"phase": "Running", "containerStatuses": [
            {"name": "a", "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
            {"name": "b", "ready": true, "state": {"running": {}}}]}));
        assert_eq!(cell(&p, 2), "CrashLoopBackOff");
        assert_eq!(cell(&p, 3), "5");
        let p = pod(json!({"phase": "Pending", "containerStatuses": [
            {"name": "a", "state": {"waiting": {"reason": "ContainerCreating"}}}]}));
        assert_eq!(cell(&p, 2), "ContainerCreating");
        assert_eq!(cell(&p, 1), "0/2");
    }

    #[test]
    fn init_containers_and_completion() {
        let mut p = pod(json!({"phase": "Pending", "initContainerStatuses": [
            {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
            {"name": "i2", "state": {"running": {}}}]}));
        p["spec"]["initContainers"] = json!([{"name": "i1"}, {"name": "i2"}]);
        assert_eq!(cell(&p, 2), "Init:1/2");
        p["status"]["initContainerStatuses"][1]["state"] =
            json!({"waiting": {"reason": "ImagePullBackOff"}});
        assert_eq!(cell(&p, 2), "Init:ImagePullBackOff");
        p["status"]["initContainerStatuses"][1]["state"] = json!({"terminated": {"exitCode": 3}});
        assert_eq!(cell(&p, 2), "Init:ExitCode:3");

        let done = pod(json!({"phase": "Succeeded", "containerStatuses": [
            {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}));
        assert_eq!(cell(&done, 2), "Completed");
        assert!(row_conditions(&done).is_some());
    }

    #[test]
    fn terminating_and_node_lost() {
        let mut p = pod(json!({"phase": "Running"}));
        p["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:09:00Z");
        assert_eq!(cell(&p, 2), "Terminating");
        p["status"]["reason"] = json!("NodeLost");
        assert_eq!(cell(&p, 2), "Unknown");
        let mut evicted = pod(json!({"phase": "Failed", "reason": "Evicted"}));
        assert_eq!(cell(&evicted, 2), "Evicted");
        evicted["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:09:00Z");
        assert_eq!(cell(&evicted, 2), "Evicted");
    }
}
