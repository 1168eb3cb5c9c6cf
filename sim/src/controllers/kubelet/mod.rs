//! The simulated kubelet and scheduler: every pod goes Pending → scheduled onto a node →
//! ContainerCreating → Running → Ready, over simulated time; deleted pods terminate and
//! are removed; misbehaving containers (see [`rules`]) fail to pull, crash or fail their
//! liveness probe, with restarts, `lastState.terminated` and back-offs.
//!
//! Only pods that still have something to do hold a runtime entry here; a Ready pod
//! whose containers behave needs none, so 100 000 settled pods cost nothing.

mod rules;
mod status;
mod step;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use rules::{behaviour, Behaviour};

use super::util::{is_deleting, key_of, str_at, uid_of, Key};
use crate::Timing;

/// How long each simulated step takes.
#[derive(Debug, Clone)]
pub struct Pace {
    /// Scheduled → containers running.
    pub start: Duration,
    /// Running → Ready.
    pub ready: Duration,
    /// Longest a terminating pod lingers.
    pub termination: Duration,
    /// First back-off (image pulls, crash loops); doubles up to 16×.
    pub backoff: Duration,
    /// How long a crashing container runs before it exits.
    pub crash_after: Duration,
    /// How long a container with a failing liveness probe runs before its probe first fails.
    pub liveness_after: Duration,
    /// Between two probes of a failing liveness probe.
    pub probe_period: Duration,
}

impl Pace {
    pub fn from_timing(t: &Timing) -> Pace {
        Pace {
            start: t.pod_start,
            ready: t.pod_ready,
            termination: t.termination,
            backoff: (t.pod_ready * 2).max(Duration::from_millis(1)),
            crash_after: (t.pod_ready * 2).max(Duration::from_millis(1)),
            liveness_after: (t.pod_start + t.pod_ready * 2).max(Duration::from_millis(1)),
            probe_period: t.pod_ready.max(Duration::from_millis(1)),
        }
    }

    /// Normal pods start and become Ready at once (seeding); failures keep their pace.
    pub fn instant(t: &Timing) -> Pace {
        Pace {
            start: Duration::ZERO,
            ready: Duration::ZERO,
            termination: Duration::ZERO,
            ..Pace::from_timing(t)
        }
    }

    /// The `n`th back-off (n ≥ 1), doubling up to 16× the first.
    fn backoff(&self, n: i64) -> Duration {
        let exp = u32::try_from((n - 1).clamp(0, 4)).unwrap_or(0);
        self.backoff * 2u32.pow(exp)
    }
}

/// The kubelet's view of one container.
#[derive(Debug, Clone)]
struct ContainerRt {
    name: String,
    image: String,
    behaviour: Behaviour,
    state: CState,
    restarts: i64,
    last_terminated: Option<Value>,
    container_id: Option<String>,
    started_at: Option<String>,
    ready: bool,
    /// Failed pulls so far.
    pulls_failed: i64,
    /// Liveness probes failed in a row.
    probe_failures: i64,
    due: Option<Instant>,
}

#[derive(Debug, Clone, PartialEq)]
enum CState {
    Creating,
    Running {
        since: Instant,
    },
    Waiting {
        reason: &'static str,
        message: String,
    },
    /// Exited and not restarted (restartPolicy Never).
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Unscheduled,
    Creating,
    Started,
    Terminating { kill_events_sent: bool },
}

#[derive(Debug, Clone)]
struct PodRt {
    uid: String,
    stage: Stage,
    due: Instant,
    containers: Vec<ContainerRt>,
    /// Set by a status rewrite: the stored status must be replaced.
    dirty: bool,
}

/// What the scheduler and kubelet need to know about a node.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub ip: String,
    pub schedulable: bool,
}

pub struct Kubelet {
    pace: Pace,
    /// The cluster's nodes by name (kept from the change feed; scheduling must not list
    /// them for every pod).
    nodes: BTreeMap<String, NodeInfo>,
    pods: HashMap<Key, PodRt>,
    timers: BinaryHeap<Reverse<(Instant, u64, Key)>>,
    seq: u64,
    /// Images already on the node (pulled once, then "already present").
    images: HashSet<String>,
    next_node: usize,
}

impl Kubelet {
    pub fn new(pace: Pace) -> Kubelet {
        Kubelet {
            pace,
            nodes: BTreeMap::new(),
            pods: HashMap::new(),
            timers: BinaryHeap::new(),
            seq: 0,
            images: HashSet::new(),
            next_node: 0,
        }
    }

    pub fn has_due(&self, now: Instant) -> bool {
        self.timers
            .peek()
            .is_some_and(|Reverse((at, _, _))| *at <= now)
    }

    fn schedule(&mut self, key: Key, at: Instant) {
        self.seq += 1;
        self.timers.push(Reverse((at, self.seq, key)));
    }

    fn insert(&mut self, key: Key, rt: PodRt) {
        let at = rt.due;
        self.pods.insert(key.clone(), rt);
        self.schedule(key, at);
    }

    /// The next pod whose timer is due (skipping timers that were superseded).
    fn pop_due(&mut self, now: Instant) -> Option<Key> {
        while let Some(Reverse((at, _, _))) = self.timers.peek() {
            if *at > now {
                return None;
            }
            let Reverse((at, _, key)) = self.timers.pop()?;
            if self.pods.get(&key).is_some_and(|rt| rt.due == at) {
                return Some(key);
            }
        }
        None
    }

    /// Takes note of a node (or of its removal).
    pub fn observe_node(&mut self, node: &Value, removed: bool) {
        let name = str_at(node, &["metadata", "name"]).to_string();
        if removed {
            self.nodes.remove(&name);
            return;
        }
        let ip = node["status"]["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["type"] == "InternalIP")
            .and_then(|a| a["address"].as_str())
            .unwrap_or("192.168.49.2")
            .to_string();
        let schedulable = node["spec"]["unschedulable"].as_bool() != Some(true);
        self.nodes.insert(name, NodeInfo { ip, schedulable });
    }

    pub fn forget(&mut self, key: &Key) {
        self.pods.remove(key);
    }

    /// Takes note of a pod version: adopts pods that need work, starts termination.
    pub fn observe(&mut self, pod: &Value) {
        let key = key_of(pod);
        let now = Instant::now();
        if let Some(rt) = self.pods.get_mut(&key) {
            if rt.uid == uid_of(pod) {
                if is_deleting(pod) && !matches!(rt.stage, Stage::Terminating { .. }) {
                    rt.stage = Stage::Terminating {
                        kill_events_sent: false,
                    };
                    rt.due = now;
                    self.schedule(key, now);
                }
                return;
            }
        }
        match self.adopt(pod, now) {
            Some(rt) => self.insert(key, rt),
            None => {
                self.pods.remove(&key);
            }
        }
    }

    /// A runtime for a pod seen for the first time, or `None` when it needs no work.
    fn adopt(&self, pod: &Value, now: Instant) -> Option<PodRt> {
        let uid = uid_of(pod).to_string();
        let phase = str_at(pod, &["status", "phase"]);
        if is_deleting(pod) {
            return Some(PodRt {
                uid,
                stage: Stage::Terminating {
                    kill_events_sent: false,
                },
                due: now,
                containers: Vec::new(),
                dirty: false,
            });
        }
        if phase == "Succeeded" || phase == "Failed" {
            return None;
        }
        let statuses = pod["status"]["containerStatuses"].as_array();
        let specs: Vec<&Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let scheduled = !str_at(pod, &["spec", "nodeName"]).is_empty();
        let mut stage = if !scheduled {
            Stage::Unscheduled
        } else if statuses.is_none() {
            Stage::Creating
        } else {
            Stage::Started
        };
        let mut containers = Vec::new();
        for spec in specs {
            let name = str_at(spec, &["name"]).to_string();
            let status = statuses
                .into_iter()
                .flatten()
                .find(|s| s["name"].as_str() == Some(&name));
            containers.push(self.adopt_container(spec, status, now));
        }
        if stage == Stage::Started && containers.iter().all(|c| c.state == CState::Creating) {
            stage = Stage::Creating;
        }
        let settled = stage == Stage::Started
            && containers
                .iter()
                .all(|c| c.ready && c.behaviour == Behaviour::Normal);
        if settled {
            return None;
        }
        let due = match stage {
            Stage::Creating => now + self.pace.start,
            _ => containers.iter().filter_map(|c| c.due).min().unwrap_or(now),
        };
        Some(PodRt {
            uid,
            stage,
            due,
            containers,
            dirty: false,
        })
    }

    fn adopt_container(&self, spec: &Value, status: Option<&Value>, now: Instant) -> ContainerRt {
        let mut c = ContainerRt {
            name: str_at(spec, &["name"]).to_string(),
            image: str_at(spec, &["image"]).to_string(),
            behaviour: behaviour(spec),
            state: CState::Creating,
            restarts: 0,
            last_terminated: None,
            container_id: None,
            started_at: None,
            ready: false,
            pulls_failed: 0,
            probe_failures: 0,
            due: None,
        };
        let Some(s) = status else {
            return c;
        };
        c.restarts = s["restartCount"].as_i64().unwrap_or(0);
        c.ready = s["ready"].as_bool().unwrap_or(false);
        c.container_id = s["containerID"].as_str().map(str::to_string);
        c.last_terminated = s["lastState"].get("terminated").cloned();
        if let Some(running) = s["state"].get("running") {
            c.started_at = running["startedAt"].as_str().map(str::to_string);
            c.state = CState::Running { since: now };
            c.due = self.running_due(&c, now);
        } else if let Some(waiting) = s["state"].get("waiting") {
            let reason = match waiting["reason"].as_str() {
                Some("ErrImagePull") => "ErrImagePull",
                Some("ImagePullBackOff") => "ImagePullBackOff",
                Some("CrashLoopBackOff") => "CrashLoopBackOff",
                _ => return c,
            };
            c.state = CState::Waiting {
                reason,
                message: waiting["message"].as_str().unwrap_or("").to_string(),
            };
            c.pulls_failed = 1;
            c.due = Some(now + self.pace.backoff(c.restarts.max(1)));
        } else if s["state"].get("terminated").is_some() {
            c.state = CState::Terminated;
        }
        c
    }

    /// When a running container next changes: becomes Ready, crashes or is killed.
    fn running_due(&self, c: &ContainerRt, since: Instant) -> Option<Instant> {
        match c.behaviour {
            Behaviour::Crash => Some(since + self.pace.crash_after),
            Behaviour::LivenessFail if c.ready => Some(since + self.pace.liveness_after),
            _ if !c.ready => Some(since + self.pace.ready),
            _ => None,
        }
    }
}
