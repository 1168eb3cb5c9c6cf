//! Command-line interface.

pub mod tools;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// `rkt --version`: the crate version, the git commit it was built from (`-dirty` with
/// uncommitted changes, "unknown" outside a git checkout) and the Kubernetes API version of
/// the k8s-openapi types (its `v1_*` feature). Both come from `build.rs`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("RKT_GIT_COMMIT"),
    ", Kubernetes API ",
    env!("RKT_K8S_API"),
    ")"
);

/// rkt — a terminal cluster explorer for Kubernetes.
#[derive(Debug, Parser)]
#[command(name = "rkt", version = VERSION, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Kubeconfig file to use (otherwise $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context to use instead of the current one.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// Act as this user: every request impersonates it (kubectl's --as; the credential in
    /// the kubeconfig must be allowed to impersonate).
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,

    /// Act as a member of this group (kubectl's --as-group; repeat for several).
    #[arg(long = "as-group", value_name = "GROUP", requires = "as_user")]
    pub as_group: Vec<String>,

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
    /// Print a shell completion script to stdout (e.g. `rkt completions bash > ~/.local/share/bash-completion/completions/rkt`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print rkt's man page (roff) to stdout (e.g. `rkt man | man -l -`).
    Man,
    /// Print a commented default config, or check a config file.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print every config field with its default and a comment (a valid config file).
    Default,
    /// Check a config file as rkt does at startup: its fields, theme and keys. Prints
    /// `ok: PATH` (exit 0) or each problem as FILE:LINE:COLUMN (exit 2).
    Check {
        /// The file to check (otherwise `--config`, then <config dir>/rkt/config.yaml).
        path: Option<PathBuf>,
    },
}
