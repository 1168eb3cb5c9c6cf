//! Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs, as kubectl's
//! describers print them.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};
use k8s_openapi::api::core::v1::{Event, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use super::containers::pod_template;
use super::text::{
    bool_word, controller, int_or_string, map_selector, selector, str_or, time, time_or, Out, NONE,
    UNSET,
};
use super::{controlled_by, events, typed, Related};
use crate::model::format::human_duration;

/// The label the ReplicaSet controller adds to a Deployment's template.
const HASH_LABEL: &str = "pod-template-hash";

pub(super) fn deployment(
    d: &Deployment,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&d.metadata.name, ""));
    out.field(0, "Namespace", str_or(&d.metadata.namespace, ""));
    out.field(
        0,
        "CreationTimestamp",
        time_or(d.metadata.creation_timestamp.as_ref(), UNSET),
    );
    out.labels(0, "Labels", d.metadata.labels.as_ref());
    out.annotations(0, "Annotations", d.metadata.annotations.as_ref());
    out.field(0, "Selector", selector(Some(&spec.selector)));
    out.field(
        0,
        "Replicas",
        format!(
            "{} desired | {} updated | {} total | {} available | {} unavailable",
            spec.replicas.unwrap_or(1),
            status.updated_replicas.unwrap_or(0),
            status.replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
            status.unavailable_replicas.unwrap_or(0)
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    out.field(0, "StrategyType", strategy.type_.as_deref().unwrap_or(""));
    out.field(0, "MinReadySeconds", spec.min_ready_seconds.unwrap_or(0));
    if let Some(ru) = &strategy.rolling_update {
        let show = |v: &Option<_>| v.as_ref().map_or("<nil>".to_string(), int_or_string);
        out.field(
            0,
            "RollingUpdateStrategy",
            format!(
                "{} max unavailable, {} max surge",
                show(&ru.max_unavailable),
                show(&ru.max_surge)
            ),
        );
    }
    pod_template(&mut out, &spec.template);
    let conditions = status.conditions.unwrap_or_default();
    conditions_table(
        &mut out,
        conditions.iter().map(|c| (&c.type_, &c.status, &c.reason)),
    );
    let (old, new) = replica_sets(d, &spec.template, &related.replica_sets);
    if !old.is_empty() || !new.is_empty() {
        out.field(0, "OldReplicaSets", rs_list(&old));
        out.field(0, "NewReplicaSet", rs_list(&new));
    }
    events::section(&mut out, events, now);
    out.finish()
}

/// `Type Status Reason` rows, as the workload describers print their conditions.
fn conditions_table<'a>(
    out: &mut Out,
    rows: impl ExactSizeIterator<Item = (&'a String, &'a String, &'a Option<String>)>,
) {
    if rows.len() == 0 {
        return;
    }
    out.line(0, "Conditions:");
    out.table(
        1,
        &["Type", "Status", "Reason"],
        rows.map(|(t, s, r)| format!("{t} \t{s}\t{}", r.as_deref().unwrap_or(""))),
    );
}

/// The Deployment's old ReplicaSets and its new one (the one whose template is the
/// Deployment's, the `pod-template-hash` label aside).
fn replica_sets(
    d: &Deployment,
    template: &PodTemplateSpec,
    all: &[Value],
) -> (Vec<ReplicaSet>, Vec<ReplicaSet>) {
    let uid = d.metadata.uid.as_deref().unwrap_or("");
    let mut owned: Vec<ReplicaSet> = all
        .iter()
        .filter(|rs| uid.is_empty() || controlled_by(rs, uid))
        .filter_map(typed::<ReplicaSet>)
        .collect();
    owned.sort_by_key(|rs| rs.metadata.creation_timestamp.as_ref().map(|t| t.0));
    let is_new = |rs: &ReplicaSet| {
        let mut t = rs
            .spec
            .as_ref()
            .and_then(|s| s.template.clone())
            .unwrap_or_default();
        if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
            labels.remove(HASH_LABEL);
        }
        &t == template
    };
    let new = owned.iter().rposition(is_new).or_else(|| {
        let want = revision(&d.metadata)?;
        owned
            .iter()
            .position(|rs| revision(&rs.metadata) == Some(want))
    });
    let new = new.map(|i| owned.remove(i)).into_iter().collect();
    (owned, new)
}

/// The rollout revision the Deployment controller writes on Deployments and ReplicaSets.
fn revision(meta: &ObjectMeta) -> Option<&str> {
    meta.annotations
        .as_ref()?
        .get("deployment.kubernetes.io/revision")
        .map(String::as_str)
}

fn rs_list(list: &[ReplicaSet]) -> String {
    if list.is_empty() {
        return NONE.into();
    }
    let texts: Vec<String> = list
        .iter()
        .map(|rs| {
            let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let current = rs.status.as_ref().map_or(0, |s| s.replicas);
            format!(
                "{} ({current}/{desired} replicas created)",
                str_or(&rs.metadata.name, "")
            )
        })
        .collect();
    texts.join(", ")
}

/// `1 Running / 0 Waiting / 0 Succeeded / 0 Failed` over the pods the object controls.
fn pods_status(pods: &[Value], uid: Option<&str>) -> String {
    let mut counts = [0usize; 4];
    for pod in pods
        .iter()
        .filter(|p| uid.is_none_or(|u| controlled_by(p, u)))
    {
        let slot = match pod.pointer("/status/phase").and_then(Value::as_str) {
            Some("Running") => 0,
            Some("Pending") => 1,
            Some("Succeeded") => 2,
            Some("Failed") => 3,
            _ => continue,
        };
        counts[slot] += 1;
    }
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        counts[0], counts[1], counts[2], counts[3]
    )
}

pub(super) fn replica_set(
    rs: &ReplicaSet,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = rs.spec.clone().unwrap_or_default();
    let status = rs.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&rs.metadata.name, ""));
    out.field(0, "Namespace", str_or(&rs.metadata.namespace, ""));
    out.field(0, "Selector", selector(Some(&spec.selector)));
    out.labels(0, "Labels", rs.metadata.labels.as_ref());
    out.annotations(0, "Annotations", rs.metadata.annotations.as_ref());
    out.field_opt(0, "Controlled By", controller(&rs.metadata));
    out.field(
        0,
        "Replicas",
        format!(
            "{} current / {} desired",
            status.replicas,
            spec.replicas.unwrap_or(1)
        ),
    );
    out.field(
        0,
        "Pods Status",
        pods_status(&related.pods, rs.metadata.uid.as_deref()),
    );
    pod_template(&mut out, &spec.template.unwrap_or_default());
    let conditions = status.conditions.unwrap_or_default();
    conditions_table(
        &mut out,
        conditions.iter().map(|c| (&c.type_, &c.status, &c.reason)),
    );
    events::section(&mut out, events, now);
    out.finish()
}

pub(super) fn stateful_set(
    s: &StatefulSet,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = s.spec.clone().unwrap_or_default();
    let status = s.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&s.metadata.name, ""));
    out.field(0, "Namespace", str_or(&s.metadata.namespace, ""));
    out.field(
        0,
        "CreationTimestamp",
        time_or(s.metadata.creation_timestamp.as_ref(), UNSET),
    );
    out.field(0, "Selector", selector(Some(&spec.selector)));
    out.labels(0, "Labels", s.metadata.labels.as_ref());
    out.annotations(0, "Annotations", s.metadata.annotations.as_ref());
    out.field(
        0,
        "Replicas",
        format!(
            "{} desired | {} total",
            spec.replicas.unwrap_or(1),
            status.replicas
        ),
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    out.field(
        0,
        "Update Strategy",
        strategy.type_.as_deref().unwrap_or(""),
    );
    if let Some(ru) = &strategy.rolling_update {
        if let Some(partition) = ru.partition {
            out.field(1, "Partition", partition);
            out.field_opt(
                1,
                "MaxUnavailable",
                ru.max_unavailable.as_ref().map(int_or_string),
            );
        }
    }
    out.field(
        0,
        "Pods Status",
        pods_status(&related.pods, s.metadata.uid.as_deref()),
    );
    pod_template(&mut out, &spec.template);
    let claims = spec.volume_claim_templates.unwrap_or_default();
    if claims.is_empty() {
        out.field(0, "Volume Claims", NONE);
    } else {
        out.line(0, "Volume Claims:");
    }
    for pvc in &claims {
        let pvc_spec = pvc.spec.clone().unwrap_or_default();
        out.field(1, "Name", str_or(&pvc.metadata.name, ""));
        out.field(1, "StorageClass", str_or(&pvc_spec.storage_class_name, ""));
        out.labels(1, "Labels", pvc.metadata.labels.as_ref());
        out.labels(1, "Annotations", pvc.metadata.annotations.as_ref());
        let capacity = pvc_spec
            .resources
            .and_then(|r| r.requests)
            .and_then(|r| r.get("storage").map(|q| q.0.clone()));
        out.field(
            1,
            "Capacity",
            capacity.unwrap_or_else(|| "<default>".into()),
        );
        let modes = pvc_spec.access_modes.unwrap_or_default();
        out.field(1, "Access Modes", format!("[{}]", modes.join(" ")));
    }
    events::section(&mut out, events, now);
    out.finish()
}

pub(super) fn daemon_set(
    ds: &DaemonSet,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&ds.metadata.name, ""));
    out.field(0, "Namespace", str_or(&ds.metadata.namespace, ""));
    out.field(0, "Selector", selector(Some(&spec.selector)));
    let node_selector = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref());
    out.field(0, "Node-Selector", map_selector(node_selector));
    out.labels(0, "Labels", ds.metadata.labels.as_ref());
    out.annotations(0, "Annotations", ds.metadata.annotations.as_ref());
    for (label, n) in [
        (
            "Desired Number of Nodes Scheduled",
            status.desired_number_scheduled,
        ),
        (
            "Current Number of Nodes Scheduled",
            status.current_number_scheduled,
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            status.updated_number_scheduled.unwrap_or(0),
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            status.number_available.unwrap_or(0),
        ),
        ("Number of Nodes Misscheduled", status.number_misscheduled),
    ] {
        out.line(0, format!("{label}: {n}"));
    }
    out.field(
        0,
        "Pods Status",
        pods_status(&related.pods, ds.metadata.uid.as_deref()),
    );
    pod_template(&mut out, &spec.template);
    events::section(&mut out, events, now);
    out.finish()
}

pub(super) fn job(j: &Job, events: &[Event], now: Timestamp) -> String {
    let mut out = Out::default();
    let spec = j.spec.clone().unwrap_or_default();
    let status = j.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&j.metadata.name, ""));
    out.field(0, "Namespace", str_or(&j.metadata.namespace, ""));
    out.field(0, "Selector", selector(spec.selector.as_ref()));
    out.labels(0, "Labels", j.metadata.labels.as_ref());
    out.annotations(0, "Annotations", j.metadata.annotations.as_ref());
    out.field_opt(0, "Controlled By", controller(&j.metadata));
    out.field_opt(0, "Parallelism", spec.parallelism);
    out.field(
        0,
        "Completions",
        spec.completions.map_or(UNSET.into(), |c| c.to_string()),
    );
    out.field_opt(0, "Completion Mode", spec.completion_mode.as_deref());
    out.field_opt(0, "Suspend", spec.suspend);
    out.field_opt(0, "Backoff Limit", spec.backoff_limit);
    out.field_opt(
        0,
        "TTL Seconds After Finished",
        spec.ttl_seconds_after_finished,
    );
    out.field_opt(0, "Start Time", status.start_time.as_ref().map(time));
    out.field_opt(0, "Completed At", status.completion_time.as_ref().map(time));
    if let (Some(start), Some(end)) = (&status.start_time, &status.completion_time) {
        out.field(
            0,
            "Duration",
            human_duration(end.0.duration_since(start.0).as_secs()),
        );
    }
    out.field_opt(
        0,
        "Active Deadline Seconds",
        spec.active_deadline_seconds.map(|s| format!("{s}s")),
    );
    let (active, succeeded, failed) = (
        status.active.unwrap_or(0),
        status.succeeded.unwrap_or(0),
        status.failed.unwrap_or(0),
    );
    let pods = match status.ready {
        None => format!("{active} Active / {succeeded} Succeeded / {failed} Failed"),
        Some(ready) => {
            format!("{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed")
        }
    };
    out.field(0, "Pods Statuses", pods);
    if spec.completion_mode.as_deref() == Some("Indexed") {
        let done = status.completed_indexes.filter(|s| !s.is_empty());
        out.field(0, "Completed Indexes", done.unwrap_or_else(|| NONE.into()));
    }
    pod_template(&mut out, &spec.template);
    events::section(&mut out, events, now);
    out.finish()
}

pub(super) fn cron_job(cj: &CronJob, events: &[Event], now: Timestamp) -> String {
    let mut out = Out::default();
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    out.meta(&cj.metadata);
    let or_unset = |v: Option<String>| v.unwrap_or_else(|| UNSET.into());
    out.field(0, "Schedule", &spec.schedule);
    out.field(
        0,
        "Concurrency Policy",
        spec.concurrency_policy.as_deref().unwrap_or("Allow"),
    );
    out.field(
        0,
        "Suspend",
        or_unset(spec.suspend.map(|s| bool_word(s).to_string())),
    );
    out.field(0, "Time Zone", or_unset(spec.time_zone.clone()));
    out.field(
        0,
        "Successful Job History Limit",
        or_unset(spec.successful_jobs_history_limit.map(|n| n.to_string())),
    );
    out.field(
        0,
        "Failed Job History Limit",
        or_unset(spec.failed_jobs_history_limit.map(|n| n.to_string())),
    );
    out.field(
        0,
        "Starting Deadline Seconds",
        or_unset(spec.starting_deadline_seconds.map(|n| format!("{n}s"))),
    );
    let job_spec: JobSpec = spec.job_template.spec.unwrap_or_default();
    let sel = job_spec.selector.as_ref().map(|s| selector(Some(s)));
    out.field(0, "Selector", or_unset(sel));
    out.field(
        0,
        "Parallelism",
        or_unset(job_spec.parallelism.map(|n| n.to_string())),
    );
    out.field(
        0,
        "Completions",
        or_unset(job_spec.completions.map(|n| n.to_string())),
    );
    out.field_opt(
        0,
        "Active Deadline Seconds",
        job_spec.active_deadline_seconds.map(|s| format!("{s}s")),
    );
    pod_template(&mut out, &job_spec.template);
    out.field(
        0,
        "Last Schedule Time",
        time_or(status.last_schedule_time.as_ref(), UNSET),
    );
    let active: Vec<String> = status
        .active
        .iter()
        .flatten()
        .filter_map(|r| r.name.clone())
        .collect();
    out.field(
        0,
        "Active Jobs",
        if active.is_empty() {
            NONE.into()
        } else {
            active.join(", ")
        },
    );
    events::section(&mut out, events, now);
    out.finish()
}
