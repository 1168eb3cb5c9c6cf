//! The simulated cluster: a Kubernetes API server on 127.0.0.1, good enough that kubectl
//! accepts it. `rkt --demo` and the tests start it in-process with [`start`]; `rkt sim`
//! runs it standalone. rkt itself talks to it only through kube-rs and a kubeconfig.

pub mod api;
pub mod auth;
pub mod churn;
pub mod cli;
pub mod controllers;
pub mod defaults;
pub mod error;
pub mod exec;
pub mod fault_control;
pub mod faults;
pub mod kubeconfig;
pub mod logs;
pub mod metrics;
pub mod portforward;
pub mod resources;
pub mod seed;
pub mod server;
pub mod store;
pub mod version;
pub mod wsproto;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use error::ApiError;
pub use store::Store;

/// What the cluster starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// A fresh minikube plus hello-minikube (with rollout history) and a few workloads.
    Demo,
    /// Node `minikube` and the four standard namespaces, nothing else.
    Empty,
    /// `pods` realistic pods spread over `namespaces` namespaces, for benchmarks.
    Scale { pods: usize, namespaces: usize },
}

/// How fast simulated time goes. Controllers step every `step`; a new pod becomes
/// Running after `pod_start` and Ready after `pod_ready` more.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub step: Duration,
    pub pod_start: Duration,
    pub pod_ready: Duration,
    /// Longest a deleted pod stays Terminating (capped by its grace period).
    pub termination: Duration,
    /// How often the metrics server "scrapes": metrics values change once per this.
    pub metrics: Duration,
}

impl Timing {
    /// Slow enough that a person sees pods go Pending → ContainerCreating → Running.
    pub fn demo() -> Self {
        Timing {
            step: Duration::from_millis(200),
            pod_start: Duration::from_millis(1500),
            pod_ready: Duration::from_millis(1000),
            termination: Duration::from_millis(2000),
            // metrics-server's default --metric-resolution.
            metrics: Duration::from_secs(15),
        }
    }

    /// For tests: everything settles within a fraction of a second.
    pub fn fast() -> Self {
        Timing {
            step: Duration::from_millis(20),
            pod_start: Duration::from_millis(60),
            pod_ready: Duration::from_millis(60),
            termination: Duration::from_millis(60),
            metrics: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub seed: Seed,
    pub timing: Timing,
    /// Where to write the kubeconfig; `None` writes one into a fresh temporary directory.
    pub kubeconfig_path: Option<PathBuf>,
    /// The name of the cluster, user and context in the kubeconfig. The written file keeps
    /// the other entries of an existing one (see `kubeconfig::write_named`).
    pub context_name: String,
    /// The Kubernetes release to answer as (`/version`, discovery and exec protocols).
    pub version: version::ServerVersion,
    /// Pod changes per second made by the churn generator (0 = off).
    pub churn: u32,
    /// Serve `metrics.k8s.io` (as metrics-server does); `false` is a cluster without it.
    pub metrics: bool,
    /// HTTPS with authentication (an admin client certificate, a restricted user's token)
    /// and authorization; `false` serves plain HTTP to anyone (see [`auth`]).
    pub auth: bool,
    /// Serve the fault switches over HTTP on 127.0.0.1:PORT (0 = any free port); `None`
    /// serves no such thing (see [`fault_control`]).
    pub fault_control: Option<u16>,
}

impl SimConfig {
    pub fn demo() -> Self {
        SimConfig {
            port: 0,
            seed: Seed::Demo,
            timing: Timing::demo(),
            kubeconfig_path: None,
            context_name: kubeconfig::CONTEXT.to_string(),
            version: version::ServerVersion::default(),
            churn: 0,
            metrics: true,
            auth: false,
            fault_control: None,
        }
    }

    /// The demo seed with fast timing: what most tests start.
    pub fn test() -> Self {
        SimConfig {
            timing: Timing::fast(),
            ..Self::demo()
        }
    }
}

pub use server::{start, SimHandle};

/// What every request handler and controller shares.
#[derive(Clone)]
pub struct SimState {
    pub store: Arc<Store>,
    pub faults: Arc<faults::Faults>,
    pub timing: Timing,
    /// The metrics API (`metrics.k8s.io`), on or off, and its request count.
    pub metrics: Arc<metrics::Metrics>,
    /// The Kubernetes release the simulation answers as.
    pub version: version::ServerVersion,
}
