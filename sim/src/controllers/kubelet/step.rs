//! The kubelet's (and scheduler's) transitions, run when a pod's timer is due.

use std::time::Instant;

use serde_json::{json, Value};

use super::{Behaviour, CState, ContainerRt, PodRt, Stage};
use crate::controllers::events::{Ev, Source};
use crate::controllers::util::{now, random_hex, str_at, Key};
use crate::controllers::Controllers;
use crate::resources::PODS;
use crate::store::UpdateScope;

/// Simulated seconds of the first crash back-off, as the real kubelet prints it.
const BACKOFF_SECONDS: [i64; 6] = [10, 20, 40, 80, 160, 300];

impl Controllers {
    /// Runs every pod transition that is due.
    pub(in crate::controllers) fn run_kubelet(&mut self, now: Instant) {
        while let Some(key) = self.kubelet.pop_due(now) {
            self.step_pod(&key, now);
        }
    }

    fn step_pod(&mut self, key: &Key, now: Instant) {
        let Ok(stored) = self.store.get(&PODS, &key.0, &key.1) else {
            self.kubelet.forget(key);
            return;
        };
        let pod = stored.value.clone();
        let Some(mut rt) = self.kubelet.pods.remove(key) else {
            return;
        };
        if rt.uid != str_at(&pod, &["metadata", "uid"]) {
            self.kubelet.observe(&pod);
            return;
        }
        let mut node_name = None;
        match rt.stage {
            Stage::Terminating { kill_events_sent } => {
                if !kill_events_sent {
                    self.kill_events(&pod);
                    let grace = pod["metadata"]["deletionGracePeriodSeconds"]
                        .as_u64()
                        .unwrap_or(30);
                    let linger = self
                        .kubelet
                        .pace
                        .termination
                        .min(std::time::Duration::from_secs(grace));
                    rt.stage = Stage::Terminating {
                        kill_events_sent: true,
                    };
                    rt.due = now + linger;
                    self.kubelet.insert(key.clone(), rt);
                    return;
                }
                if let Some(removed) = self.store.remove(&PODS, &key.0, &key.1) {
                    self.removed_pod(&removed);
                }
                return;
            }
            Stage::Unscheduled => match self.pick_node(&pod) {
                Some(node) => {
                    self.event(Ev {
                        object: &pod,
                        field_path: None,
                        warning: false,
                        reason: "Scheduled",
                        message: format!("Successfully assigned {}/{} to {node}", key.0, key.1),
                        source: Source::Scheduler,
                    });
                    rt.stage = Stage::Creating;
                    rt.due = now + self.kubelet.pace.start;
                    rt.dirty = true;
                    node_name = Some(node);
                }
                None => {
                    rt.due = now + std::time::Duration::from_secs(1);
                }
            },
            Stage::Creating => {
                let node = str_at(&pod, &["spec", "nodeName"]).to_string();
                for c in &mut rt.containers {
                    self.start_container(&pod, &node, c, now, true);
                }
                rt.stage = Stage::Started;
                rt.dirty = true;
            }
            Stage::Started => {
                let node = str_at(&pod, &["spec", "nodeName"]).to_string();
                let never = pod["spec"]["restartPolicy"] == "Never";
                for c in &mut rt.containers {
                    if c.due.is_some_and(|d| d <= now) {
                        self.advance_container(&pod, &node, c, now, never);
                        rt.dirty = true;
                    }
                }
            }
        }
        if rt.stage == Stage::Started {
            rt.due = rt
                .containers
                .iter()
                .filter_map(|c| c.due)
                .min()
                .unwrap_or(now);
        }
        let settled = rt.stage == Stage::Started && rt.containers.iter().all(|c| c.due.is_none());
        let write = rt.dirty;
        rt.dirty = false;
        let status_rt = rt.clone();
        if !settled {
            self.kubelet.insert(key.clone(), rt);
        }
        if write {
            self.write_pod_status(key, &status_rt, node_name, &pod);
        }
    }

    fn write_pod_status(&mut self, key: &Key, rt: &PodRt, node_name: Option<String>, pod: &Value) {
        let node = node_name
            .clone()
            .unwrap_or_else(|| str_at(pod, &["spec", "nodeName"]).to_string());
        let host_ip = if node.is_empty() {
            String::new()
        } else {
            self.node_ip(&node)
        };
        let needs_ip = rt.stage == Stage::Started && str_at(pod, &["status", "podIP"]).is_empty();
        let host_network = pod["spec"]["hostNetwork"] == json!(true);
        let pod_ip = match needs_ip {
            true if host_network => Some(host_ip.clone()),
            true => self.store.addresses().take_pod_ip(),
            false => None,
        };
        let result = self
            .store
            .mutate(&PODS, &key.0, &key.1, UpdateScope::All, |pod| {
                if let Some(n) = &node_name {
                    pod["spec"]["nodeName"] = json!(n);
                }
                super::status::apply(pod, rt, &host_ip, pod_ip.as_deref());
                Ok(())
            });
        match (result, pod_ip) {
            (Ok(stored), _) => self.wrote_pod(&stored),
            // The pod is gone: the IP it was to get is free again.
            (Err(_), Some(ip)) if !host_network => self.store.addresses().give_back_pod_ip(&ip),
            (Err(_), _) => {}
        }
    }

    /// The node for a pod: the one its affinity names (DaemonSet pods), else the next
    /// schedulable node in turn.
    fn pick_node(&mut self, pod: &Value) -> Option<String> {
        let pinned = pod["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|t| t["matchFields"].as_array().into_iter().flatten())
            .find(|f| f["key"] == "metadata.name")
            .and_then(|f| f["values"][0].as_str())
            .map(str::to_string);
        if pinned.is_some() {
            return pinned;
        }
        let k = &mut self.kubelet;
        let schedulable: Vec<&String> = k
            .nodes
            .iter()
            .filter(|(_, n)| n.schedulable)
            .map(|(name, _)| name)
            .collect();
        if schedulable.is_empty() {
            return None;
        }
        k.next_node = (k.next_node + 1) % schedulable.len();
        schedulable.get(k.next_node).map(|n| n.to_string())
    }

    fn node_ip(&self, node: &str) -> String {
        self.kubelet
            .nodes
            .get(node)
            .map(|n| n.ip.clone())
            .unwrap_or_else(|| "192.168.49.2".to_string())
    }

    fn container_event(
        &mut self,
        pod: &Value,
        node: &str,
        c: &ContainerRt,
        warning: bool,
        reason: &str,
        message: String,
    ) {
        self.event(Ev {
            object: pod,
            field_path: Some(format!("spec.containers{{{}}}", c.name)),
            warning,
            reason,
            message,
            source: Source::Kubelet(node),
        });
    }

    /// Pulls the image (or fails to) and starts the container.
    fn start_container(
        &mut self,
        pod: &Value,
        node: &str,
        c: &mut ContainerRt,
        now: Instant,
        first: bool,
    ) {
        let image = c.image.clone();
        let policy = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["name"].as_str() == Some(&c.name))
            .and_then(|s| s["imagePullPolicy"].as_str())
            .unwrap_or("IfNotPresent");
        let present = self.kubelet.images.contains(&image);
        if c.behaviour == Behaviour::BadImage {
            self.pull_failed(pod, node, c, now);
            return;
        }
        if !present || policy == "Always" {
            if first || policy == "Always" {
                self.container_event(
                    pod,
                    node,
                    c,
                    false,
                    "Pulling",
                    format!("Pulling image \"{image}\""),
                );
            }
            let millis = 400 + (rand::random::<u64>() % 4000);
            let secs = millis as f64 / 1000.0;
            let size = 20_000_000
                + u64::from(crate::controllers::util::fnv32a(image.as_bytes())) % 180_000_000;
            self.container_event(
                pod,
                node,
                c,
                false,
                "Pulled",
                format!("Successfully pulled image \"{image}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {size} bytes."),
            );
            self.kubelet.images.insert(image.clone());
        } else {
            self.container_event(
                pod,
                node,
                c,
                false,
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            );
        }
        self.container_event(
            pod,
            node,
            c,
            false,
            "Created",
            format!("Created container: {}", c.name),
        );
        self.container_event(
            pod,
            node,
            c,
            false,
            "Started",
            format!("Started container {}", c.name),
        );
        c.state = CState::Running { since: now };
        c.started_at = Some(now_string());
        c.container_id = Some(format!("docker://{}", random_hex(64)));
        c.ready = false;
        c.due = self.kubelet.running_due(c, now);
    }

    fn pull_failed(&mut self, pod: &Value, node: &str, c: &mut ContainerRt, now: Instant) {
        let image = c.image.clone();
        let detail = format!(
            "Error response from daemon: manifest for {image} not found: manifest unknown: manifest unknown"
        );
        self.container_event(
            pod,
            node,
            c,
            false,
            "Pulling",
            format!("Pulling image \"{image}\""),
        );
        self.container_event(
            pod,
            node,
            c,
            true,
            "Failed",
            format!("Failed to pull image \"{image}\": {detail}"),
        );
        self.container_event(
            pod,
            node,
            c,
            true,
            "Failed",
            "Error: ErrImagePull".to_string(),
        );
        c.pulls_failed += 1;
        c.state = CState::Waiting {
            reason: "ErrImagePull",
            message: detail,
        };
        c.ready = false;
        c.due = Some(now + self.kubelet.pace.backoff(1));
    }

    fn advance_container(
        &mut self,
        pod: &Value,
        node: &str,
        c: &mut ContainerRt,
        now: Instant,
        never_restart: bool,
    ) {
        match c.state.clone() {
            CState::Creating => self.start_container(pod, node, c, now, true),
            CState::Waiting {
                reason: "ErrImagePull",
                ..
            } => {
                let message = format!("Back-off pulling image \"{}\"", c.image);
                self.container_event(pod, node, c, false, "BackOff", message.clone());
                self.container_event(
                    pod,
                    node,
                    c,
                    true,
                    "Failed",
                    "Error: ImagePullBackOff".to_string(),
                );
                c.state = CState::Waiting {
                    reason: "ImagePullBackOff",
                    message,
                };
                c.due = Some(now + self.kubelet.pace.backoff(c.pulls_failed));
            }
            CState::Waiting {
                reason: "ImagePullBackOff",
                ..
            } => self.pull_failed(pod, node, c, now),
            CState::Waiting { .. } => self.start_container(pod, node, c, now, false),
            CState::Running { since } => match c.behaviour {
                Behaviour::Crash => self.container_exited(pod, node, c, now, 1, never_restart),
                Behaviour::LivenessFail if c.ready => {
                    self.probe_failed(pod, node, c, now, never_restart)
                }
                _ => {
                    c.ready = true;
                    c.due = self.kubelet.running_due(c, since);
                }
            },
            CState::Terminated => c.due = None,
        }
    }

    /// One failed liveness probe: an `Unhealthy` event (the same event counted up, as the
    /// kubelet's recorder does), another probe a period later, and at the probe's
    /// `failureThreshold` (default 3) the kill and restart.
    fn probe_failed(
        &mut self,
        pod: &Value,
        node: &str,
        c: &mut ContainerRt,
        now: Instant,
        never_restart: bool,
    ) {
        let probe = liveness_probe(pod, &c.name);
        let message = match probe.get("exec") {
            Some(_) => {
                "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
                    .to_string()
            }
            None => "Liveness probe failed: HTTP probe failed with statuscode: 500".to_string(),
        };
        self.container_event(pod, node, c, true, "Unhealthy", message);
        c.probe_failures += 1;
        let threshold = probe["failureThreshold"].as_i64().unwrap_or(3).max(1);
        if c.probe_failures < threshold {
            c.due = Some(now + self.kubelet.pace.probe_period);
            return;
        }
        c.probe_failures = 0;
        self.container_event(
            pod,
            node,
            c,
            false,
            "Killing",
            format!(
                "Container {} failed liveness probe, will be restarted",
                c.name
            ),
        );
        self.container_exited(pod, node, c, now, 137, never_restart);
    }

    /// A container stopped: record its last state and restart it, immediately the first
    /// time, after a growing back-off afterwards.
    fn container_exited(
        &mut self,
        pod: &Value,
        node: &str,
        c: &mut ContainerRt,
        now: Instant,
        exit_code: i64,
        never_restart: bool,
    ) {
        c.last_terminated = Some(json!({
            "exitCode": exit_code,
            "reason": "Error",
            "startedAt": c.started_at,
            "finishedAt": now_string(),
            "containerID": c.container_id,
        }));
        c.ready = false;
        if never_restart {
            c.state = CState::Terminated;
            c.due = None;
            return;
        }
        c.restarts += 1;
        if c.behaviour == Behaviour::LivenessFail && c.restarts < 2 {
            self.start_container(pod, node, c, now, false);
            return;
        }
        let index = usize::try_from(c.restarts - 1)
            .unwrap_or(0)
            .min(BACKOFF_SECONDS.len() - 1);
        let (ns, name, uid) = (
            str_at(pod, &["metadata", "namespace"]),
            str_at(pod, &["metadata", "name"]),
            str_at(pod, &["metadata", "uid"]),
        );
        let message = format!(
            "back-off {}s restarting failed container={} pod={name}_{ns}({uid})",
            BACKOFF_SECONDS[index], c.name
        );
        self.container_event(
            pod,
            node,
            c,
            true,
            "BackOff",
            format!(
                "Back-off restarting failed container {} in pod {name}_{ns}({uid})",
                c.name
            ),
        );
        c.state = CState::Waiting {
            reason: "CrashLoopBackOff",
            message,
        };
        c.due = Some(now + self.kubelet.pace.backoff(c.restarts));
    }

    fn kill_events(&mut self, pod: &Value) {
        let node = str_at(pod, &["spec", "nodeName"]).to_string();
        if node.is_empty() {
            return;
        }
        let running: Vec<String> = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["state"].get("running").is_some())
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect();
        for name in running {
            self.event(Ev {
                object: pod,
                field_path: Some(format!("spec.containers{{{name}}}")),
                warning: false,
                reason: "Killing",
                message: format!("Stopping container {name}"),
                source: Source::Kubelet(&node),
            });
        }
    }
}

/// The liveness probe of `container` in `pod` (`null` without one).
fn liveness_probe<'a>(pod: &'a Value, container: &str) -> &'a Value {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"].as_str() == Some(container))
        .map_or(&Value::Null, |c| &c["livenessProbe"])
}

fn now_string() -> String {
    now()
}
