//! `rkt sim`: the simulated cluster, standalone, until Ctrl-C or SIGTERM. The arguments are
//! the sim's own; the product's command line embeds them as its `sim` subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{kubeconfig, Seed, SimConfig, Timing};
use clap::{Args, ValueEnum};

/// The configuration `rkt sim` arguments ask for.
pub fn config(args: &SimArgs) -> SimConfig {
    SimConfig {
        port: args.port,
        seed: match args.seed {
            SeedKind::Demo => Seed::Demo,
            SeedKind::Empty => Seed::Empty,
            SeedKind::Scale => Seed::Scale {
                pods: args.pods,
                namespaces: args.namespaces,
            },
        },
        timing: match args.timing {
            TimingKind::Demo => Timing::demo(),
            TimingKind::Fast => Timing::fast(),
        },
        kubeconfig_path: args.write_kubeconfig.clone(),
        context_name: args.context_name.clone(),
        version: args.kube_version,
        churn: args.churn,
        metrics: !args.no_metrics,
        auth: args.auth,
        fault_control: args.fault_control,
    }
}

pub fn run(args: SimArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let configmaps = match args.seed {
        SeedKind::Scale => args.configmaps,
        SeedKind::Demo | SeedKind::Empty => 0,
    };
    runtime.block_on(serve(config(&args), configmaps))?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `cfg`, with `configmaps` ConfigMaps added to the scale seed's first namespace
/// before the address is printed (clients see them from their first request).
async fn serve(cfg: SimConfig, configmaps: usize) -> anyhow::Result<()> {
    let cfg_context = cfg.context_name.clone();
    let sim = super::start(cfg).await?;
    if configmaps > 0 {
        super::seed::scale_configmaps(&sim.store, configmaps)?;
    }
    let path = sim.kubeconfig.display().to_string();
    let contexts = if sim.url.starts_with("https://") {
        format!(
            "contexts {} (admin) and {} (reads pods in {} only)",
            kubeconfig::CONTEXT,
            kubeconfig::RESTRICTED_CONTEXT,
            super::auth::RESTRICTED_NAMESPACE
        )
    } else {
        format!("context {cfg_context}")
    };
    println!(
        "rkt sim: serving the Kubernetes API on {}\nkubeconfig: {path} ({contexts})\ntry: KUBECONFIG={path} kubectl get pods -A",
        sim.url,
    );
    if let Some(url) = sim.fault_control_url() {
        println!("fault control: {url} (try: curl -X POST {url}/faults/refuse?code=403)");
    }
    println!("Press Ctrl-C to stop.");
    wait_for_signal().await?;
    println!("rkt sim: shutting down");
    sim.shutdown();
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("listening for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("listening for Ctrl-C")
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Where to write a kubeconfig whose current context (--context-name) points at the
    /// server. An existing file keeps its other clusters, users and contexts.
    #[arg(long, value_name = "PATH")]
    pub write_kubeconfig: Option<PathBuf>,

    /// The Kubernetes release to answer as, 1.28 … 1.33 (`/version`, aggregated discovery
    /// v2 from 1.30, exec v5 from 1.30).
    #[arg(long, value_name = "1.N", default_value = "1.33", value_parser = crate::version::ServerVersion::parse)]
    pub kube_version: crate::version::ServerVersion,

    /// The name of the cluster, user and context written into the kubeconfig.
    #[arg(long, value_name = "NAME", default_value = kubeconfig::CONTEXT)]
    pub context_name: String,

    /// What the cluster starts with.
    #[arg(long, value_enum, default_value_t = SeedKind::Demo)]
    pub seed: SeedKind,

    /// Pods to create with `--seed scale`.
    #[arg(long, default_value_t = 10_000)]
    pub pods: usize,

    /// Namespaces to spread the scale pods over.
    #[arg(long, default_value_t = 10)]
    pub namespaces: usize,

    /// ConfigMaps to create with `--seed scale`, all in its first namespace (team-00).
    #[arg(long, default_value_t = 10_000)]
    pub configmaps: usize,

    /// Pod changes per second (status flips, restarts, deletes, creates) while running.
    #[arg(long, default_value_t = 0)]
    pub churn: u32,

    /// Serve no `metrics.k8s.io` (a cluster without metrics-server: `kubectl top` fails).
    #[arg(long)]
    pub no_metrics: bool,

    /// Serve HTTPS and require credentials: the kubeconfig gets the CA, an admin client
    /// certificate (context rkt-sim) and a second context, rkt-sim-restricted, whose user
    /// may only read pods and their logs in namespace default.
    #[arg(long)]
    pub auth: bool,
    /// Serve the fault switches over HTTP on 127.0.0.1:PORT (0 picks a free one), e.g.
    /// `curl -X POST http://127.0.0.1:PORT/faults/stall?seconds=5` (see the README).
    #[arg(long, value_name = "PORT")]
    pub fault_control: Option<u16>,

    /// Controller speed: `demo` looks alive to a person, `fast` is for tests.
    #[arg(long, value_enum, default_value_t = TimingKind::Demo)]
    pub timing: TimingKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedKind {
    /// A fresh minikube plus hello-minikube and a few workloads.
    Demo,
    /// Only the default namespaces and a node.
    Empty,
    /// Many pods, for benchmarks (see --pods, --namespaces, --configmaps).
    Scale,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimingKind {
    Demo,
    Fast,
}
