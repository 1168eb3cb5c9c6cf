//! Object → row conversion, done in the watch task so full objects are dropped at once.
//! Pod STATUS/READY/RESTARTS follow kubectl's pod printer
//! (kubernetes `pkg/printers/internalversion/printers.go`, `printPod`).

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Namespace, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::model::rows::{Health, NamespaceRow, PodRow, ProbeCue, RowKey};

/// Shares repeated strings (namespaces, node names, statuses) between rows.
#[derive(Default)]
pub struct Interner {
    set: HashSet<Arc<str>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(existing) = self.set.get(s) {
            return existing.clone();
        }
        let arc: Arc<str> = Arc::from(s);
        // Bounded: statuses and nodes are few; names are not interned.
        if self.set.len() < 100_000 {
            self.set.insert(arc.clone());
        }
        arc
    }
}

fn ts(t: &Time) -> Timestamp {
    t.0
}

fn is_restartable_init(c: Option<&Container>) -> bool {
    c.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

/// The pieces of kubectl's pod printer that rkt shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSummary {
    pub ready: u16,
    pub total: u16,
    pub status: String,
    pub restarts: u32,
    pub last_restart: Option<Timestamp>,
}

pub fn summarize_pod(pod: &Pod) -> PodSummary {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let containers = spec.map_or(0, |s| s.containers.len());
    let init_specs: &[Container] = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let mut total = containers;
    total += init_specs
        .iter()
        .filter(|c| is_restartable_init(Some(c)))
        .count();
    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let mut reason = match status.and_then(|s| s.reason.clone()) {
        Some(r) if !r.is_empty() => r,
        _ => phase.clone(),
    };
    let conditions = status.and_then(|s| s.conditions.as_deref()).unwrap_or(&[]);
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }

    let mut restarts: u32 = 0;
    let mut restartable_init_restarts: u32 = 0;
    let mut ready: u16 = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut last_restartable_init_restart: Option<Timestamp> = None;
    let later = |acc: &mut Option<Timestamp>, t: Option<Timestamp>| {
        if let Some(t) = t {
            if acc.is_none_or(|a| a < t) {
                *acc = Some(t);
            }
        }
    };
    let last_terminated = |c: &ContainerStatus| {
        c.last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(ts)
    };

    let mut initializing = false;
    let init_statuses: &[ContainerStatus] = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or(&[]);
    for (i, c) in init_statuses.iter().enumerate() {
        let spec_c = init_specs.iter().find(|s| s.name == c.name);
        let restartable = is_restartable_init(spec_c);
        restarts = restarts.saturating_add(c.restart_count.max(0) as u32);
        later(&mut last_restart, last_terminated(c));
        if restartable {
            restartable_init_restarts =
                restartable_init_restarts.saturating_add(c.restart_count.max(0) as u32);
            later(&mut last_restartable_init_restart, last_terminated(c));
        }
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if restartable && c.started == Some(true) {
            if c.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => match t.signal {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    let initialized = conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        let mut has_running = false;
        let statuses: &[ContainerStatus] = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or(&[]);
        for c in statuses.iter().rev() {
            restarts = restarts.saturating_add(c.restart_count.max(0) as u32);
            later(&mut last_restart, last_terminated(c));
            let state = c.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref() {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => match t.signal {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if c.ready && state.and_then(|s| s.running.as_ref()).is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.into();
        }
    }

    let deleting = pod.metadata.deletion_timestamp.is_some();
    let terminal = phase == "Succeeded" || phase == "Failed";
    if deleting && status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
        reason = "Unknown".into();
    } else if deleting && !terminal {
        reason = "Terminating".into();
    }

    PodSummary {
        ready,
        total: total.min(u16::MAX as usize) as u16,
        status: reason,
        restarts,
        last_restart: if restarts > 0 { last_restart } else { None },
    }
}

/// Colour class of a kubectl STATUS.
pub fn pod_health(status: &str, ready: u16, total: u16) -> Health {
    match status {
        "Terminating" => Health::Terminating,
        "Completed" | "Succeeded" => Health::Completed,
        "Running" if ready == total => Health::Ok,
        "Running" | "NotReady" => Health::Warn,
        "Pending" | "ContainerCreating" | "PodInitializing" | "SchedulingGated" => Health::Pending,
        s if s.starts_with("Init:") && s[5..].contains('/') => Health::Pending,
        _ => Health::Error,
    }
}

pub fn pod_row(pod: &Pod, interner: &mut Interner) -> Option<PodRow> {
    let name = pod.metadata.name.as_deref()?;
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let summary = summarize_pod(pod);
    let status = pod.status.as_ref();
    let ip = status
        .and_then(|s| s.pod_ip.as_deref())
        .and_then(|ip| ip.parse::<IpAddr>().ok());
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
        .map(|n| interner.get(n));
    Some(PodRow {
        namespace: interner.get(namespace),
        name: Arc::from(name),
        ready: summary.ready,
        total: summary.total,
        health: pod_health(&summary.status, summary.ready, summary.total),
        status: interner.get(&summary.status),
        restarts: summary.restarts,
        last_restart: summary.last_restart,
        created: pod.metadata.creation_timestamp.as_ref().map(ts),
        ip,
        node,
        probe: probe_cue(pod),
        resources: pod
            .spec
            .as_ref()
            .map(crate::model::metrics::PodResources::of_spec)
            .unwrap_or_default(),
    })
}

/// Which probe of the pod is failing, from its container statuses alone (rows carry no
/// events): a container with a readiness probe running but not ready, or one with a
/// liveness probe whose last run was killed (137) and restarted.
pub fn probe_cue(pod: &Pod) -> Option<ProbeCue> {
    let spec = pod.spec.as_ref()?;
    let statuses = pod.status.as_ref()?.container_statuses.as_deref()?;
    let status_of = |name: &str| statuses.iter().find(|s| s.name == name);
    let mut cue = None;
    for c in &spec.containers {
        let Some(s) = status_of(&c.name) else {
            continue;
        };
        let running = s.state.as_ref().is_some_and(|st| st.running.is_some());
        if c.readiness_probe.is_some() && running && !s.ready {
            return Some(ProbeCue::Readiness);
        }
        let killed = s
            .last_state
            .as_ref()
            .and_then(|l| l.terminated.as_ref())
            .is_some_and(|t| t.exit_code == 137);
        if c.liveness_probe.is_some() && s.restart_count > 0 && killed {
            cue = Some(ProbeCue::Liveness);
        }
    }
    cue
}

pub fn pod_key(pod: &Pod) -> Option<RowKey> {
    Some(RowKey::namespaced(
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref()?,
    ))
}

pub fn namespace_row(ns: &Namespace, interner: &mut Interner) -> Option<NamespaceRow> {
    let name = ns.metadata.name.as_deref()?;
    let phase = if ns.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else {
        ns.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Active")
    };
    Some(NamespaceRow {
        name: interner.get(name),
        phase: interner.get(phase),
        created: ns.metadata.creation_timestamp.as_ref().map(ts),
    })
}

pub fn namespace_key(ns: &Namespace) -> Option<RowKey> {
    Some(RowKey::cluster(ns.metadata.name.as_deref()?))
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
