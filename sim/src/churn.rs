//! The churn generator (`rkt sim --churn R`): changes about R pods per second, the way a
//! busy cluster does, for as long as it runs. Half the changes are readiness flips (a
//! container stops being ready; the simulated kubelet makes it ready again), a quarter are
//! container restarts, a quarter are deletions (the pod terminates within 2 s and its ReplicaSet
//! creates a replacement, which then goes Pending → Running). The controllers' own
//! reactions add events on top of the R direct changes.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::task::JoinHandle;

use super::resources::PODS;
use super::store::{now_rfc3339, DeleteOptions, Store, UpdateScope};

/// How often the generator wakes up to make the changes the clock says are due.
const TICKS_PER_SECOND: u32 = 20;
/// Changes made between two yields to the runtime.
const YIELD_EVERY: u64 = 32;
/// Grace period of the pods the generator deletes: short, so that terminating pods do
/// not pile up (at 1250 deletions a second, the default 30 s would keep 37 500 around).
const DELETE_GRACE_SECONDS: i64 = 2;
/// How often the list of pod names to pick from is refreshed.
const REFRESH_EVERY_TICKS: u32 = 2 * TICKS_PER_SECOND;

/// A running churn generator; dropping it (or [`Churn::stop`]) stops it.
pub struct Churn {
    task: JoinHandle<()>,
}

impl Churn {
    pub fn stop(self) {}
}

impl Drop for Churn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts changing `rate` pods per second in `store` (nothing happens for rate 0).
pub fn spawn(store: Arc<Store>, rate: u32) -> Churn {
    let task = tokio::spawn(async move {
        if rate == 0 {
            return;
        }
        let mut rng = StdRng::from_os_rng();
        let mut tick = tokio::time::interval(Duration::from_secs(1) / TICKS_PER_SECOND.max(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut names: Vec<(String, String)> = Vec::new();
        let mut ticks = 0u32;
        // Changes owed by the clock, so the rate holds even when ticks come late.
        let started = tokio::time::Instant::now();
        let mut done = 0u64;
        loop {
            tick.tick().await;
            if ticks.is_multiple_of(REFRESH_EVERY_TICKS) || names.is_empty() {
                names = pod_names(&store);
            }
            ticks = ticks.wrapping_add(1);
            let owed = (started.elapsed().as_secs_f64() * f64::from(rate)) as u64;
            let now_count = owed.saturating_sub(done);
            done = owed;
            if names.is_empty() {
                continue;
            }
            for i in 0..now_count {
                let (ns, name) = &names[rng.random_range(0..names.len())];
                change_one(&store, &mut rng, ns, name);
                // Let the API server's tasks in between: a tick's worth of changes takes
                // tens of milliseconds at thousands per second.
                if i % YIELD_EVERY == YIELD_EVERY - 1 {
                    tokio::task::yield_now().await;
                }
            }
        }
    });
    Churn { task }
}

fn pod_names(store: &Store) -> Vec<(String, String)> {
    let (pods, _) = store.list(&PODS, None);
    pods.iter()
        .map(|p| (p.namespace().to_string(), p.name().to_string()))
        .collect()
}

/// Makes one change to pod `ns/name`. A pod that is gone or terminating is left alone
/// (the change is simply skipped: the rate is approximate).
fn change_one(store: &Store, rng: &mut StdRng, ns: &str, name: &str) {
    let roll = rng.random_range(0..4u8);
    let result = match roll {
        0 => {
            let opts = DeleteOptions {
                grace_seconds: Some(DELETE_GRACE_SECONDS),
                ..DeleteOptions::default()
            };
            store.delete(&PODS, ns, name, &opts).map(|_| ())
        }
        1 => store
            .mutate(&PODS, ns, name, UpdateScope::Status, |pod| {
                restart(pod);
                Ok(())
            })
            .map(|_| ()),
        _ => store
            .mutate(&PODS, ns, name, UpdateScope::Status, |pod| {
                flip_ready(pod);
                Ok(())
            })
            .map(|_| ()),
    };
    // NotFound (deleted meanwhile) is expected under churn; nothing else can fail here.
    let _ = result;
}

fn is_running(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running" && pod["metadata"].get("deletionTimestamp").is_none()
}

/// The first container stops (or starts) being ready, with the pod's conditions to match.
pub fn flip_ready(pod: &mut Value) {
    if !is_running(pod) {
        return;
    }
    let Some(statuses) = pod["status"]["containerStatuses"].as_array_mut() else {
        return;
    };
    let Some(first) = statuses.first_mut() else {
        return;
    };
    let ready = !first["ready"].as_bool().unwrap_or(false);
    first["ready"] = json!(ready);
    let all_ready = statuses.iter().all(|s| s["ready"].as_bool() == Some(true));
    set_ready_conditions(pod, all_ready);
}

/// The first container exits and is restarted: restartCount + 1, lastState terminated.
pub fn restart(pod: &mut Value) {
    if !is_running(pod) {
        return;
    }
    let now = now_rfc3339();
    let Some(first) = pod["status"]["containerStatuses"]
        .as_array_mut()
        .and_then(|s| s.first_mut())
    else {
        return;
    };
    let count = first["restartCount"].as_i64().unwrap_or(0) + 1;
    let started = first["state"]["running"]["startedAt"].clone();
    first["restartCount"] = json!(count);
    first["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "Error",
        "startedAt": started, "finishedAt": now}});
    first["state"] = json!({"running": {"startedAt": now}});
}

fn set_ready_conditions(pod: &mut Value, ready: bool) {
    let now = now_rfc3339();
    let Some(conditions) = pod["status"]["conditions"].as_array_mut() else {
        return;
    };
    for c in conditions {
        if c["type"] == "Ready" || c["type"] == "ContainersReady" {
            let status = if ready { "True" } else { "False" };
            if c["status"] != status {
                c["status"] = json!(status);
                c["lastTransitionTime"] = json!(now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running_pod() -> Value {
        json!({
            "metadata": {"name": "p", "namespace": "default"},
            "status": {"phase": "Running",
                "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
                "containerStatuses": [{"name": "c", "ready": true, "restartCount": 2,
                    "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}]}
        })
    }

    #[test]
    fn flip_ready_toggles_container_and_conditions() {
        let mut pod = running_pod();
        flip_ready(&mut pod);
        assert_eq!(pod["status"]["containerStatuses"][0]["ready"], false);
        assert_eq!(pod["status"]["conditions"][0]["status"], "False");
        flip_ready(&mut pod);
        assert_eq!(pod["status"]["containerStatuses"][0]["ready"], true);
        assert_eq!(pod["status"]["conditions"][1]["status"], "True");
    }

    #[test]
    fn restart_counts_and_records_last_state() {
        let mut pod = running_pod();
        restart(&mut pod);
        let c = &pod["status"]["containerStatuses"][0];
        assert_eq!(c["restartCount"], 3);
        assert_eq!(c["lastState"]["terminated"]["reason"], "Error");
        assert_eq!(
            c["lastState"]["terminated"]["startedAt"],
            "2026-01-01T00:00:00Z"
        );
    }

    #[test]
    fn terminating_pods_are_left_alone() {
        let mut pod = running_pod();
        pod["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        let before = pod.clone();
        flip_ready(&mut pod);
        restart(&mut pod);
        assert_eq!(pod, before);
    }
}
