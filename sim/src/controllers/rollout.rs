//! Deployment rollouts: the rolling-update and recreate arithmetic (maxSurge,
//! maxUnavailable), proportional scaling, and the status and conditions kubectl's
//! `rollout status` reads.

use serde_json::{json, Value};

use super::deployment::{
    condition, has_progress_deadline, remove_condition, revision_of, set_condition, DSync,
    DESIRED_REPLICAS,
};
use super::util::{scaled_value, spec_replicas, str_at, uid_of};
use super::Controllers;

fn is_rolling(d: &Value) -> bool {
    d["spec"]["strategy"]["type"] != "Recreate"
}

/// (maxSurge, maxUnavailable) resolved against the replica count; both zero is not
/// allowed to stall a rollout, so maxUnavailable becomes 1.
fn fenceposts(d: &Value) -> (i64, i64) {
    let desired = spec_replicas(d);
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let surge = scaled_value(&ru["maxSurge"], desired, true);
    let unavailable = scaled_value(&ru["maxUnavailable"], desired, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

pub fn max_surge_of(d: &Value) -> i64 {
    if is_rolling(d) {
        fenceposts(d).0
    } else {
        0
    }
}

pub fn max_unavailable_of(d: &Value) -> i64 {
    let desired = spec_replicas(d);
    if !is_rolling(d) || desired == 0 {
        return 0;
    }
    fenceposts(d).1.min(desired)
}

fn sum(rss: &[Value], f: impl Fn(&Value) -> i64) -> i64 {
    rss.iter().map(f).sum()
}

fn available(rs: &Value) -> i64 {
    rs["status"]["availableReplicas"].as_i64().unwrap_or(0)
}

impl Controllers {
    /// How many replicas the new ReplicaSet may have now.
    pub(super) fn new_rs_new_replicas(&self, s: &DSync, all: &[Value], new: &Value) -> i64 {
        let desired = s.replicas();
        if !is_rolling(&s.d) {
            return desired;
        }
        let current = sum(all, spec_replicas);
        let max_total = desired + max_surge_of(&s.d);
        let new_replicas = spec_replicas(new);
        if current >= max_total {
            return new_replicas;
        }
        new_replicas + (max_total - current).min(desired - new_replicas)
    }

    pub(super) fn rollout_rolling(&mut self, s: &mut DSync) {
        let new = self.new_replicaset(s, true);
        if let Some(n) = new {
            if self.reconcile_new_rs(s, n) || self.reconcile_old_rss(s, n) {
                self.sync_rollout_status(s, new);
                return;
            }
        }
        if deployment_complete(&s.d, &s.d["status"]) {
            self.cleanup_deployment(s, new);
        }
        self.sync_rollout_status(s, new);
    }

    fn reconcile_new_rs(&mut self, s: &mut DSync, n: usize) -> bool {
        let desired = s.replicas();
        let current = spec_replicas(&s.rss[n]);
        if current == desired {
            return false;
        }
        if current > desired {
            return self.scale_rs(s, n, desired);
        }
        let count = self.new_rs_new_replicas(s, &s.rss, &s.rss[n]);
        self.scale_rs(s, n, count)
    }

    fn reconcile_old_rss(&mut self, s: &mut DSync, n: usize) -> bool {
        let old: Vec<usize> = (0..s.rss.len()).filter(|i| *i != n).collect();
        let old_count: i64 = old.iter().map(|i| spec_replicas(&s.rss[*i])).sum();
        if old_count == 0 {
            return false;
        }
        let all_count = sum(&s.rss, spec_replicas);
        let min_available = s.replicas() - max_unavailable_of(&s.d);
        let new_unavailable = spec_replicas(&s.rss[n]) - available(&s.rss[n]);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        // Unhealthy old replicas go first, so they cannot block the rollout.
        let mut cleaned = 0;
        for &i in &old {
            let (replicas, avail) = (spec_replicas(&s.rss[i]), available(&s.rss[i]));
            if cleaned >= max_scaled_down || replicas == 0 || replicas == avail {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(replicas - avail);
            self.scale_rs(s, i, replicas - down);
            cleaned += down;
        }
        // Then healthy ones, as far as availability allows.
        let available_count = sum(&s.rss, available);
        let mut scaled = 0;
        if available_count > min_available {
            let total = available_count - min_available;
            for &i in &old {
                if scaled >= total {
                    break;
                }
                let replicas = spec_replicas(&s.rss[i]);
                if replicas == 0 {
                    continue;
                }
                let down = replicas.min(total - scaled);
                self.scale_rs(s, i, replicas - down);
                scaled += down;
            }
        }
        cleaned + scaled > 0
    }

    pub(super) fn rollout_recreate(&mut self, s: &mut DSync) {
        let mut new = self.new_replicaset(s, false);
        let old: Vec<usize> = (0..s.rss.len())
            .filter(|i| Some(*i) != new && spec_replicas(&s.rss[*i]) > 0)
            .collect();
        let mut scaled_down = false;
        for i in old {
            scaled_down |= self.scale_rs(s, i, 0);
        }
        let old_pods_running = (0..s.rss.len()).filter(|i| Some(*i) != new).any(|i| {
            self.pods
                .owned_by(uid_of(&s.rss[i]))
                .iter()
                .any(|(_, p)| p.phase != "Succeeded" && p.phase != "Failed")
        });
        if scaled_down || old_pods_running {
            self.sync_rollout_status(s, new);
            return;
        }
        if new.is_none() {
            new = self.new_replicaset(s, true);
        }
        if let Some(n) = new {
            let desired = s.replicas();
            self.scale_rs(s, n, desired);
        }
        if deployment_complete(&s.d, &s.d["status"]) {
            self.cleanup_deployment(s, new);
        }
        self.sync_rollout_status(s, new);
    }

    /// A change of `spec.replicas` alone (the active ReplicaSets were made for another
    /// size).
    pub(super) fn is_scaling_event(&mut self, s: &mut DSync) -> bool {
        self.new_replicaset(s, false);
        let desired = s.replicas();
        s.rss.iter().filter(|rs| spec_replicas(rs) > 0).any(|rs| {
            rs["metadata"]["annotations"][DESIRED_REPLICAS]
                .as_str()
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v != desired)
        })
    }

    /// The controller's `scale`: one active ReplicaSet takes the whole size; a
    /// saturated new one retires the old; otherwise sizes change proportionally.
    pub(super) fn scale_deployment(&mut self, s: &mut DSync, new: Option<usize>) {
        let desired = s.replicas();
        let active: Vec<usize> = (0..s.rss.len())
            .filter(|i| spec_replicas(&s.rss[*i]) > 0)
            .collect();
        let active_or_latest = match active.len() {
            0 => new.or_else(|| {
                (0..s.rss.len()).max_by(|a, b| {
                    str_at(&s.rss[*a], &["metadata", "creationTimestamp"])
                        .cmp(str_at(&s.rss[*b], &["metadata", "creationTimestamp"]))
                })
            }),
            1 => Some(active[0]),
            _ => None,
        };
        if let Some(i) = active_or_latest {
            self.scale_rs(s, i, desired);
            return;
        }
        if let Some(n) = new {
            let rs = &s.rss[n];
            let saturated = spec_replicas(rs) == desired
                && rs["metadata"]["annotations"][DESIRED_REPLICAS].as_str()
                    == Some(desired.to_string().as_str())
                && available(rs) == desired;
            if saturated {
                for i in active.into_iter().filter(|i| *i != n) {
                    self.scale_rs(s, i, 0);
                }
                return;
            }
        }
        if !is_rolling(&s.d) {
            return;
        }
        let total: i64 = active.iter().map(|i| spec_replicas(&s.rss[*i])).sum();
        let allowed = if desired > 0 {
            desired + max_surge_of(&s.d)
        } else {
            0
        };
        let to_add = allowed - total;
        if to_add == 0 || total == 0 {
            return;
        }
        // Largest first (newest on ties) gets the leftover, as the controller does.
        let mut order = active.clone();
        order.sort_by(|a, b| {
            spec_replicas(&s.rss[*b])
                .cmp(&spec_replicas(&s.rss[*a]))
                .then(revision_of(&s.rss[*b]).cmp(&revision_of(&s.rss[*a])))
        });
        let mut targets: Vec<(usize, i64)> = order
            .iter()
            .map(|i| (*i, spec_replicas(&s.rss[*i]) * to_add / total))
            .collect();
        let given: i64 = targets.iter().map(|t| t.1).sum();
        if let Some(first) = targets.first_mut() {
            first.1 += to_add - given;
        }
        for (i, delta) in targets {
            let count = (spec_replicas(&s.rss[i]) + delta).max(0);
            self.scale_rs(s, i, count);
        }
    }

    /// Progressing=Unknown with DeploymentPaused/DeploymentResumed on pause/resume.
    pub(super) fn check_paused_condition(&mut self, s: &mut DSync) {
        if !has_progress_deadline(&s.d) {
            return;
        }
        let reason = condition(&s.status, "Progressing")
            .and_then(|c| c["reason"].as_str())
            .unwrap_or("")
            .to_string();
        if reason == "ProgressDeadlineExceeded" {
            return;
        }
        let paused = s.d["spec"]["paused"].as_bool().unwrap_or(false);
        if paused && reason != "DeploymentPaused" {
            set_condition(
                &mut s.status,
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused",
            );
        } else if !paused && reason == "DeploymentPaused" {
            set_condition(
                &mut s.status,
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed",
            );
        }
    }

    pub(super) fn calculate_status(&self, s: &DSync, new: Option<usize>) -> Value {
        let desired = s.replicas();
        let avail = sum(&s.rss, available);
        let total = sum(&s.rss, spec_replicas);
        let field = |rs: &Value, f: &str| rs["status"][f].as_i64().unwrap_or(0);
        let mut status = json!({});
        let numbers = [
            (
                "observedGeneration",
                s.d["metadata"]["generation"].as_i64().unwrap_or(0),
            ),
            ("replicas", sum(&s.rss, |rs| field(rs, "replicas"))),
            (
                "updatedReplicas",
                new.map_or(0, |n| field(&s.rss[n], "replicas")),
            ),
            (
                "readyReplicas",
                sum(&s.rss, |rs| field(rs, "readyReplicas")),
            ),
            ("availableReplicas", avail),
            ("unavailableReplicas", (total - avail).max(0)),
        ];
        for (k, v) in numbers {
            if v != 0 {
                status[k] = json!(v);
            }
        }
        if let Some(c) = s.status.get("collisionCount") {
            status["collisionCount"] = c.clone();
        }
        if let Some(conds) = s.status.get("conditions") {
            status["conditions"] = conds.clone();
        }
        if avail >= desired - max_unavailable_of(&s.d) {
            set_condition(
                &mut status,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            );
        } else {
            set_condition(
                &mut status,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            );
        }
        status
    }

    /// The status with the Progressing condition estimated: complete, progressing, or
    /// past its deadline.
    pub(super) fn sync_rollout_status(&mut self, s: &mut DSync, new: Option<usize>) {
        let mut status = self.calculate_status(s, new);
        if !has_progress_deadline(&s.d) {
            remove_condition(&mut status, "Progressing");
        }
        let old = &s.d["status"];
        let current = condition(&s.status, "Progressing").cloned();
        let n = |v: &Value, f: &str| v[f].as_i64().unwrap_or(0);
        let complete_already = n(&status, "replicas") == n(&status, "updatedReplicas")
            && current
                .as_ref()
                .is_some_and(|c| c["reason"] == "NewReplicaSetAvailable");
        let rs_name = new.map(|i| str_at(&s.rss[i], &["metadata", "name"]).to_string());
        let subject = |what: &str| match &rs_name {
            Some(rs) => format!("ReplicaSet \"{rs}\" {what}"),
            None => format!(
                "Deployment \"{}\" {what}",
                str_at(&s.d, &["metadata", "name"])
            ),
        };
        if has_progress_deadline(&s.d) && !complete_already {
            if deployment_complete(&s.d, &status) {
                set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    &subject("has successfully progressed."),
                );
            } else if progressing(old, &status) {
                let keep = current
                    .as_ref()
                    .filter(|c| c["status"] == "True")
                    .map(|c| c["lastTransitionTime"].clone());
                remove_condition(&mut status, "Progressing");
                set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    &subject("is progressing."),
                );
                if let Some(t) = keep {
                    if let Some(c) = status["conditions"]
                        .as_array_mut()
                        .and_then(|cs| cs.last_mut())
                    {
                        c["lastTransitionTime"] = t;
                    }
                }
            } else if timed_out(&s.d, &status) {
                set_condition(
                    &mut status,
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    &subject("has timed out progressing."),
                );
            }
        }
        s.status = status;
    }
}

/// All replicas updated and available, and the latest spec observed.
pub fn deployment_complete(d: &Value, status: &Value) -> bool {
    let desired = spec_replicas(d);
    let n = |f: &str| status[f].as_i64().unwrap_or(0);
    n("updatedReplicas") == desired
        && n("replicas") == desired
        && n("availableReplicas") == desired
        && n("observedGeneration") >= d["metadata"]["generation"].as_i64().unwrap_or(0)
}

fn progressing(old: &Value, new: &Value) -> bool {
    let n = |v: &Value, f: &str| v[f].as_i64().unwrap_or(0);
    let old_old = n(old, "replicas") - n(old, "updatedReplicas");
    let new_old = n(new, "replicas") - n(new, "updatedReplicas");
    n(new, "updatedReplicas") > n(old, "updatedReplicas")
        || new_old < old_old
        || n(new, "readyReplicas") > n(old, "readyReplicas")
        || n(new, "availableReplicas") > n(old, "availableReplicas")
}

fn timed_out(d: &Value, status: &Value) -> bool {
    let Some(c) = condition(status, "Progressing") else {
        return false;
    };
    match c["reason"].as_str() {
        Some("NewReplicaSetAvailable") => return false,
        Some("ProgressDeadlineExceeded") => return true,
        _ => {}
    }
    let deadline = d["spec"]["progressDeadlineSeconds"].as_i64().unwrap_or(600);
    let Some(from) = c["lastUpdateTime"]
        .as_str()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    else {
        return false;
    };
    from.as_second() + deadline < jiff::Timestamp::now().as_second()
}
