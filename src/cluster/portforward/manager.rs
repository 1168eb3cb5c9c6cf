//! The runtime's handle on all forwards: start (bind first, then run in a task),
//! stop one, stop all at exit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::forward::{self, ForwardCtx};
use super::listen::Listeners;
use super::{ForwardError, ForwardId, ForwardSpec, ForwardStarted, ForwardStatus};

/// Where status snapshots go (the runtime turns them into its own messages).
pub type StatusSink = Arc<dyn Fn(ForwardStatus) + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardOptions {
    /// How long a connection waits for a ready pod (e.g. while a replacement starts)
    /// before it takes a running-but-unready one or fails.
    pub pod_wait: Duration,
    /// How often moving byte counters are reported.
    pub status_interval: Duration,
}

impl Default for ForwardOptions {
    fn default() -> Self {
        ForwardOptions {
            pod_wait: Duration::from_secs(20),
            status_interval: Duration::from_millis(500),
        }
    }
}

struct Running {
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

pub struct ForwardManager {
    client: Client,
    sink: StatusSink,
    opts: ForwardOptions,
    next_id: ForwardId,
    running: HashMap<ForwardId, Running>,
}

impl ForwardManager {
    pub fn new(client: Client, sink: StatusSink) -> Self {
        ForwardManager {
            client,
            sink,
            opts: ForwardOptions::default(),
            next_id: 1,
            running: HashMap::new(),
        }
    }

    /// A manager whose statuses arrive on a channel.
    pub fn with_channel(client: Client) -> (Self, mpsc::UnboundedReceiver<ForwardStatus>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let sink: StatusSink = Arc::new(move |s| {
            let _ = tx.send(s);
        });
        (Self::new(client, sink), rx)
    }

    /// Forwards started from now on use `client`; running ones keep the one they have.
    pub fn use_client(&mut self, client: Client) {
        self.client = client;
    }

    /// Binds the local port (a port in use fails here, before anything else happens)
    /// and starts the forward. Must be called inside a tokio runtime.
    pub fn start(&mut self, spec: ForwardSpec) -> Result<ForwardStarted, ForwardError> {
        self.running.retain(|_, r| !r.task.is_finished());
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ForwardError::Api(
                "port-forward needs a tokio runtime".to_string(),
            ));
        }
        let listener = Listeners::bind(spec.address, spec.local_port)?;
        let local = listener.local_addr().map_err(|e| ForwardError::Bind {
            addr: SocketAddr::new(spec.address, spec.local_port),
            message: e.to_string(),
        })?;
        let id = self.next_id;
        self.next_id += 1;
        let cancel = CancellationToken::new();
        let ctx = ForwardCtx {
            id,
            spec,
            local,
            client: self.client.clone(),
            sink: self.sink.clone(),
            opts: self.opts.clone(),
            cancel: cancel.clone(),
        };
        let task = tokio::spawn(forward::run(ctx, listener));
        self.running.insert(id, Running { cancel, task });
        Ok(ForwardStarted { id, local })
    }

    /// Stops a forward: its listener closes and its connections end; a final `Stopped`
    /// status follows. False if there is no such running forward.
    pub fn stop(&mut self, id: ForwardId) -> bool {
        match self.running.remove(&id) {
            Some(r) => {
                // Asked before cancelling: once cancelled, the task may end at once on
                // another thread, and a forward that was running would look as if it was not.
                let was_running = !r.task.is_finished();
                r.cancel.cancel();
                was_running
            }
            None => false,
        }
    }

    /// Stops every forward and waits until their listeners are closed.
    pub async fn stop_all(&mut self) {
        let all: Vec<Running> = self.running.drain().map(|(_, r)| r).collect();
        for r in &all {
            r.cancel.cancel();
        }
        for r in all {
            let _ = r.task.await;
        }
    }

    /// Forwards still running.
    pub fn len(&self) -> usize {
        self.running
            .values()
            .filter(|r| !r.task.is_finished())
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for ForwardManager {
    fn drop(&mut self) {
        for r in self.running.values() {
            r.cancel.cancel();
            r.task.abort();
        }
    }
}
