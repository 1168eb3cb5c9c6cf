//! `rkt sim`: the simulated cluster, standalone, until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use anyhow::Context;

use super::{kubeconfig, Seed, SimConfig, Timing};
use crate::cli::{SeedKind, SimArgs, TimingKind};

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
        churn: args.churn,
    }
}

pub fn run(args: SimArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(serve(config(&args)))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(cfg: SimConfig) -> anyhow::Result<()> {
    let sim = super::start(cfg).await?;
    let path = sim.kubeconfig.display().to_string();
    println!(
        "rkt sim: serving the Kubernetes API on {}\nkubeconfig: {path} (context {})\ntry: KUBECONFIG={path} kubectl get pods -A\nPress Ctrl-C to stop.",
        sim.url,
        kubeconfig::CONTEXT
    );
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
