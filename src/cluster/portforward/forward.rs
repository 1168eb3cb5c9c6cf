//! One forward: the accept loop, the live pod view, and one pod stream per connection.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use k8s_openapi::api::core::v1::Pod;
use kube::client::UpgradeConnectionError;
use kube::{Api, Client};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::choose::{choose_pod, Phase, PodCandidate};
use super::counted::Counted;
use super::listen::Listeners;
use super::manager::{ForwardOptions, StatusSink};
use super::pods::{self, PodSet};
use super::target::{resolve_target, TargetInfo};
use super::PodSelector;
use super::{ForwardError, ForwardId, ForwardSpec, ForwardState, ForwardStatus};

pub(crate) struct ForwardCtx {
    pub id: ForwardId,
    pub spec: ForwardSpec,
    pub local: SocketAddr,
    pub client: Client,
    pub sink: StatusSink,
    pub opts: ForwardOptions,
    pub cancel: CancellationToken,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    open: AtomicU64,
    bytes_in: Arc<AtomicU64>,
    bytes_out: Arc<AtomicU64>,
}

impl Counters {
    fn snapshot(&self) -> [u64; 4] {
        [
            self.connections.load(Ordering::Relaxed),
            self.open.load(Ordering::Relaxed),
            self.bytes_in.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
        ]
    }
}

/// Keeps `open` right however a connection task ends (including abort).
struct OpenGuard(Arc<Counters>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

struct Reporter {
    ctx: ForwardCtx,
    status: ForwardStatus,
    counters: Arc<Counters>,
    sent: [u64; 4],
}

impl Reporter {
    fn emit(&mut self) {
        let [connections, open, bytes_in, bytes_out] = self.counters.snapshot();
        self.sent = [connections, open, bytes_in, bytes_out];
        self.status.connections = connections;
        self.status.open_connections = open;
        self.status.bytes_in = bytes_in;
        self.status.bytes_out = bytes_out;
        (self.ctx.sink)(self.status.clone());
    }

    fn emit_if_counters_moved(&mut self) {
        if self.counters.snapshot() != self.sent {
            self.emit();
        }
    }

    fn set_state(&mut self, state: ForwardState) {
        if let ForwardState::Error(msg) = &state {
            self.status.last_error = Some(msg.clone());
        }
        if self.status.state != state {
            self.status.state = state;
            self.emit();
        }
    }
}

/// Runs a forward until it is cancelled or its pod is gone. Always ends with the
/// listener dropped, every connection aborted and a final status sent.
pub(crate) async fn run(ctx: ForwardCtx, listener: Listeners) {
    let status = ForwardStatus {
        id: ctx.id,
        target: ctx.spec.target.clone(),
        local: ctx.local,
        remote_port: ctx.spec.remote_port,
        pod: None,
        pod_port: None,
        state: ForwardState::Starting,
        connections: 0,
        open_connections: 0,
        bytes_in: 0,
        bytes_out: 0,
        last_error: None,
    };
    let mut rep = Reporter {
        ctx,
        status,
        counters: Arc::new(Counters::default()),
        sent: [0; 4],
    };
    rep.emit();
    let cancel = rep.ctx.cancel.clone();
    let resolved = tokio::select! {
        _ = cancel.cancelled() => return rep.set_state(ForwardState::Stopped),
        r = resolve_target(&rep.ctx.client, &rep.ctx.spec.target) => r,
    };
    let info = match resolved.and_then(|i| i.check_port(rep.ctx.spec.remote_port).map(|()| i)) {
        Ok(info) => Arc::new(info),
        Err(e) => {
            drop(listener);
            return rep.set_state(ForwardState::Failed(e.to_string()));
        }
    };
    let end = serve(&mut rep, listener, info).await;
    rep.set_state(end);
}

async fn serve(rep: &mut Reporter, listener: Listeners, info: Arc<TargetInfo>) -> ForwardState {
    let api: Api<Pod> = Api::namespaced(rep.ctx.client.clone(), &rep.ctx.spec.target.namespace);
    let tracker = pods::track(api.clone(), &info.selector);
    let mut pods_rx = tracker.rx.clone();
    let mut conns: JoinSet<Result<(), ForwardError>> = JoinSet::new();
    let mut tick = tokio::time::interval(rep.ctx.opts.status_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let cancel = rep.ctx.cancel.clone();
    let remote = rep.ctx.spec.remote_port;
    rep.set_state(ForwardState::Active);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return ForwardState::Stopped,
            accepted = listener.accept() => match accepted {
                Ok((sock, _)) => {
                    rep.counters.connections.fetch_add(1, Ordering::Relaxed);
                    rep.counters.open.fetch_add(1, Ordering::Relaxed);
                    let conn = Connection {
                        api: api.clone(),
                        info: info.clone(),
                        remote,
                        pods: pods_rx.clone(),
                        counters: rep.counters.clone(),
                        wait: rep.ctx.opts.pod_wait,
                    };
                    conns.spawn(conn.serve(sock));
                    rep.emit();
                }
                Err(e) => {
                    rep.set_state(ForwardState::Error(format!("accepting a connection: {e}")));
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            changed = pods_rx.changed() => {
                if changed.is_err() {
                    return ForwardState::Failed("the pod watch ended".to_string());
                }
                let set = pods_rx.borrow_and_update().clone();
                if let PodSelector::Name(name) = &info.selector {
                    if set.synced && !set.pods.contains_key(name) {
                        return ForwardState::PodGone;
                    }
                }
                let (pod, pod_port) = match pick(&info, &set) {
                    Pick::Ready(p) | Pick::NotYet(Ok(p)) => {
                        let port = info.pod_port(remote, &p).ok();
                        (Some(p.name), port)
                    }
                    _ => (None, None),
                };
                if (&pod, pod_port) != (&rep.status.pod, rep.status.pod_port) {
                    rep.status.pod = pod;
                    rep.status.pod_port = pod_port;
                    rep.emit();
                }
            },
            Some(done) = conns.join_next() => {
                match done {
                    Ok(Ok(())) => rep.set_state(ForwardState::Active),
                    Ok(Err(e)) => rep.set_state(ForwardState::Error(e.to_string())),
                    Err(_) => {} // aborted or panicked: nothing to report
                }
                rep.emit_if_counters_moved();
            },
            _ = tick.tick() => rep.emit_if_counters_moved(),
        }
    }
}

/// The outcome of looking for a pod to serve a connection.
enum Pick {
    /// Running and ready (for a bare pod: running).
    Ready(PodCandidate),
    /// Nothing ready yet; after waiting, use this (kubectl's choice, running but not
    /// ready) or fail with this error.
    NotYet(Result<PodCandidate, ForwardError>),
    Gone(String),
}

fn pick(info: &TargetInfo, set: &PodSet) -> Pick {
    if !set.synced {
        let why = set
            .error
            .clone()
            .unwrap_or_else(|| "pods not listed yet".to_string());
        return Pick::NotYet(Err(ForwardError::Api(why)));
    }
    let best = match &info.selector {
        PodSelector::Name(name) => match set.pods.get(name) {
            None => return Pick::Gone(name.clone()),
            Some(p) if p.phase == Phase::Running => return Pick::Ready(p.clone()),
            Some(p) => p,
        },
        PodSelector::Labels(_) => match choose_pod(set.pods.values()) {
            None => return Pick::NotYet(Err(ForwardError::NoRunningPod(info.target.to_string()))),
            Some(p) if p.serves_now() => return Pick::Ready(p.clone()),
            Some(p) => p,
        },
    };
    if best.phase == Phase::Running {
        Pick::NotYet(Ok(best.clone()))
    } else {
        Pick::NotYet(Err(ForwardError::PodNotRunning {
            pod: best.name.clone(),
            phase: best.phase.as_str().to_string(),
        }))
    }
}

struct Connection {
    api: Api<Pod>,
    info: Arc<TargetInfo>,
    remote: u16,
    pods: watch::Receiver<Arc<PodSet>>,
    counters: Arc<Counters>,
    wait: Duration,
}

impl Connection {
    async fn serve(mut self, sock: TcpStream) -> Result<(), ForwardError> {
        let _open = OpenGuard(self.counters.clone());
        let pod = self.wait_for_pod().await?;
        let port = self.info.pod_port(self.remote, &pod)?;
        let mut pf = self
            .api
            .portforward(&pod.name, &[port])
            .await
            .map_err(|e| upgrade_error(&pod.name, e))?;
        let (Some(upstream), Some(errors)) = (pf.take_stream(port), pf.take_error(port)) else {
            pf.abort();
            return Err(ForwardError::Api("port-forward stream missing".to_string()));
        };
        let mut client = Counted::new(sock, self.counters.bytes_out.clone());
        let mut upstream = Counted::new(upstream, self.counters.bytes_in.clone());
        let errors = errors.fuse();
        tokio::pin!(errors);
        let not_exposed = |message: String| ForwardError::PortNotExposed {
            pod: pod.name.clone(),
            port,
            message,
        };
        let copied = tokio::select! {
            biased;
            Some(message) = &mut errors => Err(not_exposed(message)),
            r = tokio::io::copy_bidirectional(&mut client, &mut upstream) => match r {
                Ok(_) => Ok(()),
                Err(e) if client_went_away(&e) => Ok(()),
                Err(e) => Err(ForwardError::Api(format!("pod {}: {e}", pod.name))),
            },
        };
        // The pod side closes after sending its error, so look once more.
        let result = match (&mut errors).now_or_never() {
            Some(Some(message)) => Err(not_exposed(message)),
            _ => copied,
        };
        pf.abort();
        result
    }

    /// A ready pod, waiting up to `wait` for one (a replacement may be starting);
    /// then kubectl's choice if it is running, else the reason there is none.
    async fn wait_for_pod(&mut self) -> Result<PodCandidate, ForwardError> {
        let deadline = Instant::now() + self.wait;
        loop {
            let set = self.pods.borrow_and_update().clone();
            match pick(&self.info, &set) {
                Pick::Ready(p) => return Ok(p),
                Pick::Gone(name) => return Err(ForwardError::PodGone(name)),
                Pick::NotYet(fallback) if Instant::now() >= deadline => return fallback,
                Pick::NotYet(_) => {}
            }
            if let Ok(Err(_)) = tokio::time::timeout_at(deadline, self.pods.changed()).await {
                return Err(ForwardError::Api("the pod watch ended".to_string()));
            }
        }
    }
}

fn client_went_away(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    matches!(e.kind(), BrokenPipe | ConnectionReset | ConnectionAborted)
}

fn upgrade_error(pod: &str, e: kube::Error) -> ForwardError {
    match e {
        kube::Error::UpgradeConnection(UpgradeConnectionError::ProtocolSwitch(code)) => {
            match code.as_u16() {
                403 => ForwardError::Forbidden(format!("port-forward to pod {pod}")),
                404 => ForwardError::PodGone(pod.to_string()),
                _ => ForwardError::Api(format!("port-forward to pod {pod} refused (HTTP {code})")),
            }
        }
        kube::Error::Api(s) if s.code == 403 => ForwardError::Forbidden(s.message),
        other => ForwardError::Api(format!("port-forward to pod {pod}: {other}")),
    }
}
