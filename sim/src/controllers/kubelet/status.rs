//! The pod status the kubelet reports, built from its runtime view of the containers.

use serde_json::{json, Value};

use super::{CState, ContainerRt, PodRt, Stage};
use crate::controllers::util::{fnv32a, now, set_pod_condition};

/// Writes phase, conditions, IPs and container statuses into `pod["status"]`.
pub fn apply(pod: &mut Value, rt: &PodRt, host_ip: &str, pod_ip: Option<&str>) {
    if matches!(rt.stage, Stage::Unscheduled | Stage::Terminating { .. }) {
        return;
    }
    if !pod["status"].is_object() {
        pod["status"] = json!({});
    }
    let never = pod["spec"]["restartPolicy"] == "Never";
    let init_containers = pod["spec"]["initContainers"].clone();
    let status = &mut pod["status"];
    let started = rt.stage == Stage::Started;
    let ever_ran = rt.containers.iter().any(|c| c.container_id.is_some());
    let unready: Vec<&str> = rt
        .containers
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.as_str())
        .collect();
    let all_ready = started && unready.is_empty();
    let all_exited = rt.containers.iter().all(|c| c.state == CState::Terminated);
    let phase = if started && never && all_exited {
        "Failed"
    } else if started && ever_ran {
        "Running"
    } else {
        "Pending"
    };
    status["phase"] = json!(phase);
    let mut conds: Vec<Value> = status["conditions"].as_array().cloned().unwrap_or_default();
    set_pod_condition(&mut conds, "PodReadyToStartContainers", started, None);
    set_pod_condition(&mut conds, "Initialized", true, None);
    let not_ready = (!all_ready).then_some("ContainersNotReady");
    let message = format!("containers with unready status: [{}]", unready.join(" "));
    for ty in ["Ready", "ContainersReady"] {
        set_pod_condition(&mut conds, ty, all_ready, not_ready);
        if let Some(c) = conds.iter_mut().find(|c| c["type"] == ty) {
            if !all_ready {
                c["message"] = json!(message);
            }
        }
    }
    set_pod_condition(&mut conds, "PodScheduled", true, None);
    status["conditions"] = json!(conds);
    if !host_ip.is_empty() {
        status["hostIP"] = json!(host_ip);
        status["hostIPs"] = json!([{"ip": host_ip}]);
    }
    if let Some(ip) = pod_ip {
        status["podIP"] = json!(ip);
        status["podIPs"] = json!([{"ip": ip}]);
    }
    if status["startTime"].is_null() {
        status["startTime"] = json!(now());
    }
    status["containerStatuses"] = rt.containers.iter().map(container_status).collect();
    if let Some(inits) = init_containers.as_array().filter(|i| !i.is_empty()) {
        let start = status["startTime"].clone();
        status["initContainerStatuses"] = inits
            .iter()
            .map(|c| {
                let image = c["image"].as_str().unwrap_or("");
                json!({
                    "name": c["name"], "image": image, "imageID": image_id(image),
                    "containerID": format!("docker://{}", hex_of(&format!("{}{}", c["name"], start))),
                    "ready": true, "restartCount": 0, "started": false, "lastState": {},
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": start, "finishedAt": start}}
                })
            })
            .collect();
    }
}

fn container_status(c: &ContainerRt) -> Value {
    let pulled = !matches!(
        &c.state,
        CState::Creating
            | CState::Waiting {
                reason: "ErrImagePull" | "ImagePullBackOff",
                ..
            }
    );
    let state = match &c.state {
        CState::Creating => json!({"waiting": {"reason": "ContainerCreating"}}),
        CState::Running { .. } => json!({"running": {"startedAt": c.started_at}}),
        CState::Waiting { reason, message } => {
            json!({"waiting": {"reason": reason, "message": message}})
        }
        CState::Terminated => json!({"terminated": c.last_terminated.clone().unwrap_or(json!({}))}),
    };
    let last_state = match (&c.state, &c.last_terminated) {
        (CState::Terminated, _) | (_, None) => json!({}),
        (_, Some(t)) => json!({"terminated": t}),
    };
    let mut s = json!({
        "name": c.name,
        "image": c.image,
        "imageID": if pulled || c.container_id.is_some() { image_id(&c.image) } else { String::new() },
        "ready": c.ready,
        "restartCount": c.restarts,
        "started": matches!(c.state, CState::Running { .. }),
        "state": state,
        "lastState": last_state,
    });
    if let Some(id) = &c.container_id {
        s["containerID"] = json!(id);
    }
    s
}

/// A stable digest-style image id, as docker reports it.
fn image_id(image: &str) -> String {
    let repo = image.split(':').next().unwrap_or(image);
    format!("docker-pullable://{repo}@sha256:{}", hex_of(image))
}

fn hex_of(seed: &str) -> String {
    (0u8..8)
        .map(|i| format!("{:08x}", fnv32a(format!("{i}{seed}").as_bytes())))
        .collect()
}
