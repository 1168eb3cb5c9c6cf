//! The HTTP server: binds loopback, writes the kubeconfig, seeds the store, starts the
//! controllers, and serves the API until the [`SimHandle`] is shut down or dropped.

use std::any::Any;
use std::future::Future as _;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::Context as _;
use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::WaitForCancellationFutureOwned;

use super::auth::{self, tls::TlsListener, Auth};
use super::fault_control::{self, FaultControl};
use super::faults::{self, Faults};
use super::kubeconfig::{self, TempDir};
use super::metrics::Metrics;
use super::{api, churn, controllers, exec, logs, portforward, seed, SimConfig, SimState, Store};

/// A running simulated cluster. Dropping it stops the server and the controllers.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// A kubeconfig whose current context (`rkt-sim`) points at `url`.
    pub kubeconfig: PathBuf,
    pub store: Arc<Store>,
    pub faults: Arc<Faults>,
    pub state: SimState,
    server: Option<JoinHandle<()>>,
    /// Whatever `controllers::spawn` returned; dropping it stops the controllers.
    controllers: Option<Box<dyn Any + Send>>,
    churn: Option<super::churn::Churn>,
    fault_control: Option<FaultControl>,
    _temp_dir: Option<TempDir>,
}

impl SimHandle {
    /// Stops serving: every connection and watch ends, the controllers stop.
    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Fault switch: every watch resuming from a resourceVersion older than now gets 410 Gone.
    pub fn expire_resource_versions(&self) {
        self.store.expire_history();
    }

    /// Requests that reached `/apis/metrics.k8s.io` so far, served or not (a client of a
    /// cluster without metrics should make none).
    pub fn metrics_requests(&self) -> u64 {
        self.state.metrics.requests()
    }

    /// Where the fault control listens (`http://127.0.0.1:PORT`), if it was asked for.
    pub fn fault_control_url(&self) -> Option<String> {
        self.fault_control
            .as_ref()
            .map(|c| format!("http://{}", c.addr))
    }

    /// Stops the churn generator (if `--churn` started one); the controllers keep going.
    pub fn stop_churn(&mut self) {
        self.churn.take();
    }

    fn stop(&mut self) {
        self.churn.take();
        self.fault_control.take();
        self.faults.shutdown();
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.controllers.take();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("url", &self.url)
            .field("kubeconfig", &self.kubeconfig)
            .finish_non_exhaustive()
    }
}

/// Starts a simulated cluster on 127.0.0.1:`cfg.port` (0 = any free port). Works on a
/// multi-thread or a current-thread tokio runtime.
pub async fn start(cfg: SimConfig) -> anyhow::Result<SimHandle> {
    let listener = TcpListener::bind(("127.0.0.1", cfg.port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{}", cfg.port))?;
    let addr = listener.local_addr()?;
    let auth = if cfg.auth {
        Some(Arc::new(Auth::new()?))
    } else {
        None
    };
    let url = match auth {
        Some(_) => format!("https://{addr}"),
        None => format!("http://{addr}"),
    };

    let (kubeconfig_path, temp_dir) = match &cfg.kubeconfig_path {
        Some(path) => (path.clone(), None),
        None => {
            let dir = TempDir::new()?;
            (dir.path().join("kubeconfig"), Some(dir))
        }
    };
    match &auth {
        Some(auth) => kubeconfig::write_with_auth(&kubeconfig_path, &url, &auth.credentials)?,
        None => kubeconfig::write_named(&kubeconfig_path, &url, &cfg.context_name)?,
    }

    let state = SimState {
        store: Arc::new(Store::new()),
        faults: Arc::new(Faults::default()),
        timing: cfg.timing.clone(),
        metrics: Arc::new(Metrics::new(cfg.metrics, cfg.timing.metrics)),
        version: cfg.version,
    };
    seed::apply(&state, &cfg.seed).context("seeding the simulated cluster")?;

    let server = match auth {
        None => serve_plain(listener, &state),
        Some(auth) => serve_tls(listener, &state, auth)?,
    };
    let controllers: Box<dyn Any + Send> = Box::new(controllers::spawn(state.clone()));
    let churn = (cfg.churn > 0).then(|| churn::spawn(state.store.clone(), cfg.churn));
    let fault_control = match cfg.fault_control {
        Some(port) => Some(fault_control::start(port, state.faults.clone()).await?),
        None => None,
    };

    Ok(SimHandle {
        url,
        kubeconfig: kubeconfig_path,
        store: state.store.clone(),
        faults: state.faults.clone(),
        state,
        server: Some(server),
        controllers: Some(controllers),
        churn,
        fault_control,
        _temp_dir: temp_dir,
    })
}

fn serve_plain(listener: TcpListener, state: &SimState) -> JoinHandle<()> {
    let app = router(state.clone());
    let listener = KillableListener {
        inner: listener,
        faults: state.faults.clone(),
    };
    tokio::spawn(async move {
        // serve only returns on an accept error it cannot retry; nothing to do then.
        let _ = axum::serve(listener, app).await;
    })
}

/// HTTPS, every request authenticated (401) and authorized (403) before it is served.
fn serve_tls(
    listener: TcpListener,
    state: &SimState,
    auth: Arc<Auth>,
) -> anyhow::Result<JoinHandle<()>> {
    let listener = TlsListener::new(
        listener,
        tokio_rustls::TlsAcceptor::from(auth.authority.server.clone()),
        state.faults.clone(),
    )?;
    let app = auth::protect(router(state.clone()), auth)
        .into_make_service_with_connect_info::<auth::tls::Peer>();
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    }))
}

/// The whole application: the stream routes (logs, port-forward) and the generic API.
pub fn router(state: SimState) -> Router {
    Router::new()
        .merge(logs::routes())
        .merge(portforward::routes())
        .merge(exec::routes())
        .merge(auth::routes())
        .merge(api::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::layer,
        ))
        .with_state(state)
}

/// Accepts connections whose I/O fails once the fault switch "restart" or shutdown
/// cancels the token they were accepted under, so the connection is closed.
struct KillableListener {
    inner: TcpListener,
    faults: Arc<Faults>,
}

impl axum::serve::Listener for KillableListener {
    type Io = KillableIo<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Small writes (watch events) should leave at once.
                    let _ = stream.set_nodelay(true);
                    return (KillableIo::new(stream, &self.faults), addr);
                }
                // Out of file descriptors and the like: back off briefly, then retry.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection whose I/O fails once the fault switch "restart" or shutdown cancels the
/// token it was accepted under.
pub struct KillableIo<S> {
    inner: S,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<S> KillableIo<S> {
    pub fn new(inner: S, faults: &Faults) -> KillableIo<S> {
        KillableIo {
            inner,
            cancelled: Box::pin(faults.connection_token().cancelled_owned()),
        }
    }

    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.cancelled.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the simulated apiserver closed the connection",
            )),
            Poll::Pending => Ok(()),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for KillableIo<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check(cx)?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for KillableIo<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check(cx)?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check(cx)?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
