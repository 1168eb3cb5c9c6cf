//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
    Sim(rkt_sim::cli::SimArgs),
}
