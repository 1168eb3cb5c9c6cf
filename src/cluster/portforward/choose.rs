//! Which pod serves a connection: kubectl's "most active pod" rule
//! (`pkg/util/podutils` `ActivePods`, sorted in reverse), as a pure function.
//!
//! Pods are kept as compact [`PodCandidate`]s built from the watch stream; the full
//! objects are dropped.

use std::cmp::Ordering;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

/// A pod's phase as the ordering sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl Phase {
    fn parse(s: Option<&str>) -> Phase {
        match s {
            Some("Running") => Phase::Running,
            Some("Succeeded") => Phase::Succeeded,
            Some("Failed") => Phase::Failed,
            Some("Pending") => Phase::Pending,
            _ => Phase::Unknown,
        }
    }

    /// kubectl ranks Pending < Unknown < Running; any other phase counts like Pending
    /// (a missing key in its map reads as 0).
    fn activity_rank(self) -> u8 {
        match self {
            Phase::Running => 2,
            Phase::Unknown => 1,
            Phase::Pending | Phase::Succeeded | Phase::Failed => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
            Phase::Unknown => "Unknown",
        }
    }
}

/// A declared container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: String,
}

/// What the pod choice and the port lookup need to know about a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCandidate {
    pub name: String,
    /// `spec.nodeName` is set.
    pub assigned: bool,
    pub phase: Phase,
    pub ready: bool,
    /// When the Ready condition last became true (only meaningful when `ready`).
    pub ready_since: Option<Timestamp>,
    /// The highest restart count among its containers.
    pub max_restarts: i32,
    pub created: Option<Timestamp>,
    /// `metadata.deletionTimestamp` is set: the pod is on its way out.
    pub terminating: bool,
    pub container_ports: Vec<ContainerPort>,
}

impl PodCandidate {
    pub fn from_pod(pod: &Pod) -> PodCandidate {
        let meta = &pod.metadata;
        let status = pod.status.as_ref();
        let ready_condition = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let ready = ready_condition.is_some_and(|c| c.status == "True");
        let max_restarts = status
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().map(|c| c.restart_count).max())
            .unwrap_or(0);
        let container_ports = pod
            .spec
            .as_ref()
            .map(|s| container_ports(&s.containers))
            .unwrap_or_default();
        PodCandidate {
            name: meta.name.clone().unwrap_or_default(),
            assigned: pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .is_some_and(|n| !n.is_empty()),
            phase: Phase::parse(status.and_then(|s| s.phase.as_deref())),
            ready,
            ready_since: ready_condition
                .filter(|_| ready)
                .and_then(|c| c.last_transition_time.as_ref())
                .map(|t| t.0),
            max_restarts,
            created: meta.creation_timestamp.as_ref().map(|t| t.0),
            terminating: meta.deletion_timestamp.is_some(),
            container_ports,
        }
    }

    /// Running and ready: what a new connection prefers.
    pub fn serves_now(&self) -> bool {
        self.phase == Phase::Running && self.ready && !self.terminating
    }

    /// kubectl's named-port lookup: the first container port with that name.
    pub fn port_named(&self, name: &str) -> Option<u16> {
        self.container_ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .map(|p| p.port)
    }
}

/// The declared ports of a list of containers (from a pod or a pod template).
pub fn container_ports(containers: &[k8s_openapi::api::core::v1::Container]) -> Vec<ContainerPort> {
    containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            Some(ContainerPort {
                name: p.name.clone().filter(|n| !n.is_empty()),
                port: u16::try_from(p.container_port).ok()?,
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
            })
        })
        .collect()
}

/// kubectl's `afterOrZero`: a missing time counts as "after" everything.
fn after_or_zero(a: Option<Timestamp>, b: Option<Timestamp>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a > b,
        (a, _) => a.is_none(),
    }
}

/// `ActivePods.Less`: is `a` less active than `b`?
fn less_active(a: &PodCandidate, b: &PodCandidate) -> bool {
    // 1. Unassigned < assigned.
    if a.assigned != b.assigned {
        return !a.assigned;
    }
    // 2. Pending < Unknown < Running.
    let (ra, rb) = (a.phase.activity_rank(), b.phase.activity_rank());
    if ra != rb {
        return ra < rb;
    }
    // 3. Not ready < ready.
    if a.ready != b.ready {
        return !a.ready;
    }
    // 4. Both ready: the one that became ready later is less active.
    if a.ready && b.ready && a.ready_since != b.ready_since {
        return after_or_zero(a.ready_since, b.ready_since);
    }
    // 5. More restarts < fewer restarts.
    if a.max_restarts != b.max_restarts {
        return a.max_restarts > b.max_restarts;
    }
    // 6. Missing creation time < newer < older.
    if a.created != b.created {
        return after_or_zero(a.created, b.created);
    }
    false
}

/// Orders pods most active first, as kubectl's `sort.Reverse(ActivePods)` does.
/// Ties (which kubectl leaves to an unstable sort) are broken by name so the choice
/// is deterministic.
pub fn most_active_first(a: &PodCandidate, b: &PodCandidate) -> Ordering {
    if less_active(b, a) {
        Ordering::Less
    } else if less_active(a, b) {
        Ordering::Greater
    } else {
        a.name.cmp(&b.name)
    }
}

/// The pod kubectl would pick among `pods`, leaving out pods already being deleted
/// (rkt's one departure: a terminating pod is about to vanish, so a new connection
/// should not start on it).
pub fn choose_pod<'a, I>(pods: I) -> Option<&'a PodCandidate>
where
    I: IntoIterator<Item = &'a PodCandidate>,
{
    pods.into_iter()
        .filter(|p| !p.terminating)
        .min_by(|a, b| most_active_first(a, b))
}

#[cfg(test)]
#[path = "choose_tests.rs"]
mod tests;
