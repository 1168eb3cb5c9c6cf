//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rkt — a terminal cluster explorer for Kubernetes.
#[derive(Debug, Parser)]
#[command(name = "rkt", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Kubeconfig file to use (otherwise $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context to use instead of the current one.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// Namespace to start in (otherwise the context's namespace, then "default").
    #[arg(short = 'n', long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Start with pods of all namespaces.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Start a simulated cluster in-process and explore it (no real cluster needed).
    #[arg(long)]
    pub demo: bool,

    /// Theme: a built-in name (default, light, high-contrast) or a path to a YAML file.
    #[arg(long, value_name = "NAME|PATH")]
    pub theme: Option<String>,

    /// Refuse every action that would change the cluster.
    #[arg(long)]
    pub readonly: bool,

    /// Config file (otherwise <config dir>/rkt/config.yaml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated Kubernetes cluster on 127.0.0.1 until interrupted.
    Sim(SimArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Where to write a kubeconfig whose current context (rkt-sim) points at the server.
    #[arg(long, value_name = "PATH")]
    pub write_kubeconfig: Option<PathBuf>,

    /// What the cluster starts with.
    #[arg(long, value_enum, default_value_t = SeedKind::Demo)]
    pub seed: SeedKind,

    /// Pods to create with `--seed scale`.
    #[arg(long, default_value_t = 10_000)]
    pub pods: usize,

    /// Namespaces to spread the scale pods over.
    #[arg(long, default_value_t = 10)]
    pub namespaces: usize,

    /// Pod changes per second (status flips, restarts, deletes, creates) while running.
    #[arg(long, default_value_t = 0)]
    pub churn: u32,

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
    /// Many pods, for benchmarks (see --pods, --namespaces).
    Scale,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimingKind {
    Demo,
    Fast,
}
