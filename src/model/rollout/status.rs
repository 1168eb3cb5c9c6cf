//! `kubectl rollout status` in kubectl's words (pkg/polymorphichelpers/rollout_status.go),
//! computed from one object instead of a watch.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};

/// The state of a rollout, as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStatus {
    /// kubectl's message, without the trailing newline.
    pub text: String,
    /// The rollout finished (kubectl would exit 0).
    pub done: bool,
    /// The rollout failed (progress deadline exceeded; kubectl exits with this error).
    pub failed: bool,
    /// `spec.paused`: the controller will not progress until resumed.
    pub paused: bool,
}

impl RolloutStatus {
    /// The text, marked when paused.
    pub fn line(&self) -> String {
        if self.paused {
            format!("{} (paused)", self.text)
        } else {
            self.text.clone()
        }
    }

    /// In progress: neither done nor failed.
    pub fn in_progress(&self) -> bool {
        !self.done && !self.failed
    }
}

fn waiting(text: String, paused: bool) -> RolloutStatus {
    RolloutStatus {
        text,
        done: false,
        failed: false,
        paused,
    }
}

pub fn deployment_status(d: &Deployment) -> RolloutStatus {
    let name = d.metadata.name.as_deref().unwrap_or_default();
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let paused = spec.paused.unwrap_or(false);
    let generation = d.metadata.generation.unwrap_or(0);
    if generation > status.observed_generation.unwrap_or(0) {
        return waiting(
            "Waiting for deployment spec update to be observed...".into(),
            paused,
        );
    }
    let deadline_exceeded = status.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if deadline_exceeded {
        return RolloutStatus {
            text: format!("deployment {name:?} exceeded its progress deadline"),
            done: false,
            failed: true,
            paused,
        };
    }
    let updated = status.updated_replicas.unwrap_or(0);
    let replicas = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let prefix = format!("Waiting for deployment {name:?} rollout to finish");
    if let Some(desired) = spec.replicas.filter(|&r| updated < r) {
        return waiting(
            format!("{prefix}: {updated} out of {desired} new replicas have been updated..."),
            paused,
        );
    }
    if replicas > updated {
        let old = replicas - updated;
        return waiting(
            format!("{prefix}: {old} old replicas are pending termination..."),
            paused,
        );
    }
    if available < updated {
        return waiting(
            format!("{prefix}: {available} of {updated} updated replicas are available..."),
            paused,
        );
    }
    RolloutStatus {
        text: format!("deployment {name:?} successfully rolled out"),
        done: true,
        failed: false,
        paused,
    }
}

pub fn statefulset_status(s: &StatefulSet) -> RolloutStatus {
    let spec = s.spec.clone().unwrap_or_default();
    let status = s.status.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref().unwrap_or("RollingUpdate") != "RollingUpdate" {
        return RolloutStatus {
            text: "rollout status is only available for RollingUpdate strategy type".into(),
            done: true,
            failed: false,
            paused: false,
        };
    }
    let observed = status.observed_generation.unwrap_or(0);
    if observed == 0 || s.metadata.generation.unwrap_or(0) > observed {
        return waiting(
            "Waiting for statefulset spec update to be observed...".into(),
            false,
        );
    }
    let ready = status.ready_replicas.unwrap_or(0);
    let updated = status.updated_replicas.unwrap_or(0);
    if let Some(desired) = spec.replicas.filter(|&r| ready < r) {
        return waiting(
            format!("Waiting for {} pods to be ready...", desired - ready),
            false,
        );
    }
    let partition = strategy.rolling_update.as_ref().map(|r| r.partition);
    if let Some(partition) = partition {
        if let (Some(replicas), Some(partition)) = (spec.replicas, partition) {
            if updated < replicas - partition {
                return waiting(
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                        replicas - partition
                    ),
                    false,
                );
            }
        }
        return RolloutStatus {
            text: format!("partitioned roll out complete: {updated} new pods have been updated..."),
            done: true,
            failed: false,
            paused: false,
        };
    }
    let update_rev = status.update_revision.unwrap_or_default();
    let current_rev = status.current_revision.unwrap_or_default();
    if update_rev != current_rev {
        return waiting(
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."),
            false,
        );
    }
    RolloutStatus {
        text: format!(
            "statefulset rolling update complete {} pods at revision {current_rev}...",
            status.current_replicas.unwrap_or(0)
        ),
        done: true,
        failed: false,
        paused: false,
    }
}

pub fn daemonset_status(d: &DaemonSet) -> RolloutStatus {
    let name = d.metadata.name.as_deref().unwrap_or_default();
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let strategy = spec
        .update_strategy
        .and_then(|s| s.type_)
        .unwrap_or_else(|| "RollingUpdate".into());
    if strategy != "RollingUpdate" {
        return RolloutStatus {
            text: "rollout status is only available for RollingUpdate strategy type".into(),
            done: true,
            failed: false,
            paused: false,
        };
    }
    if d.metadata.generation.unwrap_or(0) > status.observed_generation.unwrap_or(0) {
        return waiting(
            "Waiting for daemon set spec update to be observed...".into(),
            false,
        );
    }
    let desired = status.desired_number_scheduled;
    let updated = status.updated_number_scheduled.unwrap_or(0);
    let available = status.number_available.unwrap_or(0);
    let prefix = format!("Waiting for daemon set {name:?} rollout to finish");
    if updated < desired {
        return waiting(
            format!("{prefix}: {updated} out of {desired} new pods have been updated..."),
            false,
        );
    }
    if available < desired {
        return waiting(
            format!("{prefix}: {available} of {desired} updated pods are available..."),
            false,
        );
    }
    RolloutStatus {
        text: format!("daemon set {name:?} successfully rolled out"),
        done: true,
        failed: false,
        paused: false,
    }
}
