//! One run of a container (an "instance"): when it started, whether and how it ended, how
//! often it logs. Its log is a pure function of these, so nothing is stored: line `k` is due
//! at `start + k * interval` (plus a small deterministic jitter that keeps lines ordered),
//! and a terminated instance ends with its exit lines stamped at `finishedAt`.

use jiff::Timestamp;
use serde_json::Value;

use super::lines::{self, Workload};
use crate::ApiError;

/// Pod annotation that sets the log-line interval of all its containers, e.g. `"1ms"`,
/// `"250us"`, `"2s"` or a bare number of milliseconds. Benchmarks use it for fast producers.
pub const LOG_INTERVAL_ANNOTATION: &str = "sim.rkt.dev/log-interval";

/// How many lines a container keeps before older ones are "rotated away", like the
/// kubelet's 10 MiB log file limit. Keeps `kubectl logs` of an old fast producer bounded.
pub const RETAINED_LINES: u64 = 100_000;

const NANOS_PER_MILLI: i64 = 1_000_000;

/// How a terminated instance ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub at_ns: i64,
    pub code: i64,
}

/// One log line: its time and its text without the newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub ts_ns: i64,
    pub text: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub workload: Workload,
    /// The container's `startedAt` as written in the pod status: identifies the instance.
    pub started_at: String,
    pub start_ns: i64,
    pub interval_ns: i64,
    pub seed: u64,
    pub exit: Option<Exit>,
}

impl Instance {
    pub fn new(workload: Workload, started_at: &str, start_ns: i64, interval_ns: i64) -> Self {
        Instance {
            workload,
            started_at: started_at.to_string(),
            start_ns,
            interval_ns: interval_ns.max(1),
            seed: 0,
            exit: None,
        }
    }

    fn jitter(&self, k: u64) -> i64 {
        let half = self.interval_ns / 2;
        // Line 0 comes right at the start, so every run has written at least that.
        if half < 1 || k == 0 {
            return 0;
        }
        // Below half an interval, so line k+1 is always later than line k.
        (lines::mix(self.seed ^ k.wrapping_mul(0x9e37_79b9_7f4a_7c15)) % half as u64) as i64
    }

    fn regular_ts(&self, k: u64) -> i64 {
        self.start_ns
            .saturating_add((k as i64).saturating_mul(self.interval_ns))
            .saturating_add(self.jitter(k))
    }

    /// Number of regular lines stamped at or before `t`.
    fn regular_upto(&self, t: i64) -> u64 {
        if t < self.start_ns {
            return 0;
        }
        let q = ((t - self.start_ns) / self.interval_ns) as u64;
        if self.regular_ts(q) <= t {
            q + 1
        } else {
            q
        }
    }

    /// Regular lines of a terminated instance (those before it exited); at least the
    /// first, even when `startedAt` and `finishedAt` fall in the same second.
    fn regular_total(&self, exit: &Exit) -> u64 {
        self.regular_upto(exit.at_ns - 1).max(1)
    }

    fn exit_lines(&self, exit: &Exit) -> u64 {
        lines::exit_line_count(self.workload, exit.code)
    }

    /// Lines written by time `now`; a terminated instance has written all of them.
    pub fn available(&self, now_ns: i64) -> u64 {
        match &self.exit {
            Some(exit) => self.regular_total(exit) + self.exit_lines(exit),
            None => self.regular_upto(now_ns),
        }
    }

    /// Index of the first line stamped at or after `t`.
    pub fn first_at_or_after(&self, t: i64) -> u64 {
        let before = self.regular_upto(t.saturating_sub(1));
        match &self.exit {
            Some(exit) if t > exit.at_ns => self.regular_total(exit) + self.exit_lines(exit),
            Some(exit) => before.min(self.regular_total(exit)),
            None => before,
        }
    }

    /// When line `k` is (or was) due.
    pub fn due_ns(&self, k: u64) -> i64 {
        match &self.exit {
            Some(exit) if k >= self.regular_total(exit) => exit.at_ns,
            _ => self.regular_ts(k),
        }
    }

    pub fn line(&self, k: u64) -> Line {
        let ts_ns = self.due_ns(k);
        let text = match &self.exit {
            Some(exit) if k >= self.regular_total(exit) => lines::exit_line(
                self.workload,
                exit.code,
                k - self.regular_total(exit),
                ts_ns,
            ),
            _ => lines::line(self.workload, self.seed, k, ts_ns),
        };
        Line { ts_ns, text }
    }
}

/// The parts of a pod the log endpoint needs.
pub struct PodView<'a> {
    pub pod: &'a Value,
    pub name: &'a str,
}

impl PodView<'_> {
    fn spec_containers(&self) -> impl Iterator<Item = &Value> {
        let spec = &self.pod["spec"];
        spec["containers"]
            .as_array()
            .into_iter()
            .chain(spec["initContainers"].as_array())
            .flatten()
    }

    fn names(&self, key: &str) -> Vec<&str> {
        self.pod["spec"][key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["name"].as_str())
            .collect()
    }

    /// The container the request means: the named one, or the only one.
    pub fn container(&self, requested: Option<&str>) -> Result<String, ApiError> {
        let containers = self.names("containers");
        let inits = self.names("initContainers");
        match requested.filter(|c| !c.is_empty()) {
            Some(c) if containers.contains(&c) || inits.contains(&c) => Ok(c.to_string()),
            Some(c) => Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {}",
                self.name
            ))),
            None if containers.len() == 1 => Ok(containers[0].to_string()),
            None => {
                let mut msg = format!(
                    "a container name must be specified for pod {}, choose one of: [{}]",
                    self.name,
                    containers.join(" ")
                );
                if !inits.is_empty() {
                    msg.push_str(&format!(
                        " or one of the init containers: [{}]",
                        inits.join(" ")
                    ));
                }
                Err(ApiError::bad_request(msg))
            }
        }
    }

    fn status(&self, container: &str) -> Option<&Value> {
        let status = &self.pod["status"];
        status["containerStatuses"]
            .as_array()
            .into_iter()
            .chain(status["initContainerStatuses"].as_array())
            .flatten()
            .find(|s| s["name"].as_str() == Some(container))
    }

    fn image(&self, container: &str) -> &str {
        self.spec_containers()
            .find(|c| c["name"].as_str() == Some(container))
            .and_then(|c| c["image"].as_str())
            .unwrap_or("")
    }

    fn interval_ns(&self, workload: Workload) -> i64 {
        self.pod["metadata"]["annotations"][LOG_INTERVAL_ANNOTATION]
            .as_str()
            .and_then(parse_interval_ns)
            .unwrap_or(workload.default_interval_ms() * NANOS_PER_MILLI)
    }

    /// The instance whose log a request reads, chosen as the kubelet does
    /// (`validateContainerLogStatus`), with its error messages.
    pub fn instance(&self, container: &str, previous: bool) -> Result<Instance, ApiError> {
        let not_found_previous = || {
            ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{}\" not found",
                self.name
            ))
        };
        let waiting = |reason: &str| {
            ApiError::bad_request(format!(
                "container \"{container}\" in pod \"{}\" is waiting to start: {reason}",
                self.name
            ))
        };
        let Some(status) = self.status(container) else {
            if previous {
                return Err(not_found_previous());
            }
            return Err(waiting("ContainerCreating"));
        };
        let state = &status["state"];
        let last = &status["lastState"]["terminated"];
        let chosen = if previous {
            if !last.is_object() {
                return Err(not_found_previous());
            }
            last
        } else if state["running"].is_object() {
            &state["running"]
        } else if state["terminated"].is_object() {
            &state["terminated"]
        } else if last.is_object() {
            // Waiting to restart (CrashLoopBackOff): the kubelet shows the last run.
            last
        } else {
            let reason = match state["waiting"]["reason"].as_str() {
                Some("ErrImagePull") => "image can't be pulled",
                Some("ImagePullBackOff") => "trying and failing to pull image",
                Some(r) if !r.is_empty() => r,
                _ => "ContainerCreating",
            };
            return Err(waiting(reason));
        };
        Ok(self.build(container, chosen))
    }

    /// An instance from a `running` or `terminated` state object.
    pub fn build(&self, container: &str, state: &Value) -> Instance {
        let workload = Workload::detect(container, self.image(container));
        let started_at = state["startedAt"]
            .as_str()
            .or_else(|| self.pod["status"]["startTime"].as_str())
            .or_else(|| self.pod["metadata"]["creationTimestamp"].as_str())
            .unwrap_or("");
        let start_ns = parse_time_ns(started_at).unwrap_or(0);
        let mut inst = Instance::new(workload, started_at, start_ns, self.interval_ns(workload));
        let uid = self.pod["metadata"]["uid"].as_str().unwrap_or("");
        inst.seed = lines::hash_str(&format!("{uid}/{container}/{started_at}"));
        inst.exit = exit_of(state, start_ns);
        inst
    }

    /// The state object of `container` whose run started at `started_at`, if the pod
    /// still knows it (as current or last state).
    pub fn state_started_at(&self, container: &str, started_at: &str) -> Option<&Value> {
        let status = self.status(container)?;
        let state = &status["state"];
        [
            &state["running"],
            &state["terminated"],
            &status["lastState"]["terminated"],
        ]
        .into_iter()
        .find(|s| s["startedAt"].as_str() == Some(started_at))
    }
}

/// The exit of a `terminated` state; `None` for a running one.
pub fn exit_of(state: &Value, start_ns: i64) -> Option<Exit> {
    state.get("exitCode")?;
    let at_ns = state["finishedAt"]
        .as_str()
        .and_then(parse_time_ns)
        .unwrap_or(start_ns)
        .max(start_ns);
    Some(Exit {
        at_ns,
        code: state["exitCode"].as_i64().unwrap_or(0),
    })
}

/// An RFC 3339 time as Unix nanoseconds.
pub fn parse_time_ns(s: &str) -> Option<i64> {
    let ts: Timestamp = s.parse().ok()?;
    i64::try_from(ts.as_nanosecond()).ok()
}

/// `"2ms"`, `"250us"`, `"1.5s"`, `"0.5"` (milliseconds) → nanoseconds (at least 1).
pub fn parse_interval_ns(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "" | "ms" => 1e6,
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "s" => 1e9,
        _ => return None,
    };
    let ns = value * scale;
    (0.0..1e15).contains(&ns).then(|| (ns as i64).max(1))
}
