//! The containers view of a pod (`enter` on a pod): per container its image, readiness,
//! state, last termination, restarts, ports and each probe — what it checks, its timing,
//! whether it is failing, and the last failure the kubelet reported (`Unhealthy` events).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Event, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::model::format::{age, inert};

/// Which probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub fn label(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Startup => "startup",
        }
    }

    /// How the kubelet's `Unhealthy` messages for this probe start.
    fn event_prefix(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness probe failed",
            ProbeKind::Readiness => "Readiness probe failed",
            ProbeKind::Startup => "Startup probe failed",
        }
    }
}

/// One probe of one container, summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSummary {
    pub kind: ProbeKind,
    /// `http-get :8080/healthz`, `exec [cat /tmp/healthy]`, `tcp :80`, `grpc :9000`.
    pub target: String,
    /// `delay=3s timeout=1s period=3s #success=1 #failure=3`
    pub timing: String,
    pub failing: bool,
    /// The latest `Unhealthy` message for this probe, with how often and when.
    pub last_failure: Option<String>,
}

fn port(p: &IntOrString) -> String {
    match p {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// What a probe checks, in the words of `kubectl describe` (without the scheme for HTTP).
pub fn probe_target(probe: &Probe) -> String {
    if let Some(h) = &probe.http_get {
        let scheme = match h.scheme.as_deref() {
            Some(s) if s.eq_ignore_ascii_case("https") => "https ",
            _ => "",
        };
        let host = h.host.as_deref().unwrap_or("");
        let path = h.path.as_deref().unwrap_or("");
        return format!("http-get {scheme}{host}:{}{path}", port(&h.port));
    }
    if let Some(e) = &probe.exec {
        return format!("exec [{}]", e.command.clone().unwrap_or_default().join(" "));
    }
    if let Some(t) = &probe.tcp_socket {
        return format!("tcp {}:{}", t.host.as_deref().unwrap_or(""), port(&t.port));
    }
    if let Some(g) = &probe.grpc {
        let service = g
            .service
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        return format!("grpc :{}{service}", g.port);
    }
    "unknown".to_string()
}

/// The probe's timing with the API's defaults, as `kubectl describe` prints it.
pub fn probe_timing(probe: &Probe) -> String {
    format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(1),
        probe.period_seconds.unwrap_or(10),
        probe.success_threshold.unwrap_or(1),
        probe.failure_threshold.unwrap_or(3),
    )
}

fn event_when(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
}

/// The latest `Unhealthy` event about `kind` of container `name`.
fn latest_failure<'a>(events: &'a [Event], name: &str, kind: ProbeKind) -> Option<&'a Event> {
    let field = format!("spec.containers{{{name}}}");
    events
        .iter()
        .filter(|e| e.reason.as_deref() == Some("Unhealthy"))
        .filter(|e| e.involved_object.field_path.as_deref() == Some(field.as_str()))
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with(kind.event_prefix()))
        })
        .max_by_key(|e| event_when(e))
}

/// The probes of `container`, judged from its status and the pod's events.
pub fn probes(
    container: &Container,
    status: Option<&ContainerStatus>,
    events: &[Event],
    now: Timestamp,
) -> Vec<ProbeSummary> {
    let state = status.and_then(|s| s.state.as_ref());
    let running_since = state
        .and_then(|s| s.running.as_ref())
        .map(|r| r.started_at.as_ref().map(|t| t.0));
    let ready = status.is_some_and(|s| s.ready);
    let started = status.and_then(|s| s.started).unwrap_or(false);
    let restarted = status.is_some_and(|s| s.restart_count > 0);
    [
        (ProbeKind::Liveness, &container.liveness_probe),
        (ProbeKind::Readiness, &container.readiness_probe),
        (ProbeKind::Startup, &container.startup_probe),
    ]
    .into_iter()
    .filter_map(|(kind, probe)| Some((kind, probe.as_ref()?)))
    .map(|(kind, probe)| {
        let event = latest_failure(events, &container.name, kind);
        // A failure reported since the container (re)started is current.
        let failed_lately = event.is_some_and(|e| match running_since {
            // (Seconds: a failure in the second of the restart is the one that killed it.)
            Some(Some(since)) => event_when(e).is_some_and(|t| t > since),
            _ => true,
        });
        let failing = match kind {
            ProbeKind::Liveness => {
                failed_lately || (running_since.is_none() && restarted && event.is_some())
            }
            ProbeKind::Readiness => running_since.is_some() && (!ready || failed_lately),
            ProbeKind::Startup => running_since.is_some() && !started,
        };
        let last_failure = event.map(|e| {
            let count = e.count.unwrap_or(1);
            let times = if count > 1 {
                format!("x{count}, ")
            } else {
                String::new()
            };
            format!(
                "({times}{} ago) {}",
                age(event_when(e), now),
                inert(e.message.as_deref().unwrap_or(""))
            )
        });
        ProbeSummary {
            kind,
            target: inert(&probe_target(probe)).into_owned(),
            timing: probe_timing(probe),
            failing,
            last_failure,
        }
    })
    .collect()
}

/// Whether any probe of the pod is failing (for the pods table's cue).
pub fn pod_probe_failing(pod: &Pod, events: &[Event], now: Timestamp) -> bool {
    let spec = pod.spec.as_ref();
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref());
    spec.into_iter().flat_map(|s| s.containers.iter()).any(|c| {
        let status = statuses.into_iter().flatten().find(|s| s.name == c.name);
        probes(c, status, events, now).iter().any(|p| p.failing)
    })
}

fn state_text(status: Option<&ContainerStatus>, now: Timestamp) -> String {
    let Some(state) = status.and_then(|s| s.state.as_ref()) else {
        return "Waiting (no status yet)".to_string();
    };
    if let Some(r) = &state.running {
        return format!(
            "Running since {} ago",
            age(r.started_at.as_ref().map(|t| t.0), now)
        );
    }
    if let Some(w) = &state.waiting {
        let reason = inert(w.reason.as_deref().unwrap_or("")).into_owned();
        return match w.message.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => format!("Waiting: {reason} — {}", inert(m)),
            None => format!("Waiting: {reason}"),
        };
    }
    if let Some(t) = &state.terminated {
        return format!(
            "Terminated: {}, exit code {}",
            inert(t.reason.as_deref().unwrap_or("")),
            t.exit_code
        );
    }
    "Unknown".to_string()
}

fn last_termination(status: Option<&ContainerStatus>, now: Timestamp) -> String {
    let t = status
        .and_then(|s| s.last_state.as_ref())
        .and_then(|l| l.terminated.as_ref());
    match t {
        Some(t) => format!(
            "{}, exit code {}, {} ago",
            inert(t.reason.as_deref().unwrap_or("")),
            t.exit_code,
            age(t.finished_at.as_ref().map(|f| f.0), now)
        ),
        None => "<none>".to_string(),
    }
}

/// The whole view as text lines.
pub fn containers_text(pod: &Pod, events: &[Event], now: Timestamp) -> String {
    let mut out = String::new();
    let spec = pod.spec.clone().unwrap_or_default();
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    out.push_str(&format!(
        "Pod {}/{} · {} container(s)\n",
        inert(pod.metadata.namespace.as_deref().unwrap_or("")),
        inert(pod.metadata.name.as_deref().unwrap_or("")),
        spec.containers.len()
    ));
    for c in &spec.containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        let ready = if status.is_some_and(|s| s.ready) {
            "ready"
        } else {
            "NOT READY"
        };
        out.push_str(&format!("\n{}  [{ready}]\n", inert(&c.name)));
        let ports: Vec<String> = c
            .ports
            .iter()
            .flatten()
            .map(|p| {
                format!(
                    "{}/{}",
                    p.container_port,
                    p.protocol.as_deref().unwrap_or("TCP")
                )
            })
            .collect();
        let fields = [
            (
                "Image",
                inert(c.image.as_deref().unwrap_or("")).into_owned(),
            ),
            ("State", state_text(status, now)),
            ("Last termination", last_termination(status, now)),
            (
                "Restarts",
                status.map_or(0, |s| s.restart_count).to_string(),
            ),
            (
                "Ports",
                if ports.is_empty() {
                    "<none>".into()
                } else {
                    ports.join(", ")
                },
            ),
        ];
        for (k, v) in fields {
            out.push_str(&format!("  {:<17} {v}\n", format!("{k}:")));
        }
        let probes = probes(c, status, events, now);
        if probes.is_empty() {
            out.push_str("  Probes:           <none>\n");
            continue;
        }
        out.push_str("  Probes:\n");
        for p in probes {
            let verdict = if p.failing {
                "✗ FAILING"
            } else {
                "✓ passing"
            };
            out.push_str(&format!(
                "    {verdict}  {:<9} {}  {}\n",
                p.kind.label(),
                p.target,
                p.timing
            ));
            if let Some(f) = p.last_failure {
                out.push_str(&format!("        last failure {f}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "containers_tests.rs"]
mod tests;
