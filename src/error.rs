//! Errors shown to the user (startup problems that end the program before the TUI).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "no kubeconfig found. Tried:\n{}\nPoint rkt at a cluster with --kubeconfig PATH or KUBECONFIG, \
         or explore a simulated cluster with: rkt --demo",
        .tried.iter().map(|t| format!("  - {t}")).collect::<Vec<_>>().join("\n")
    )]
    NoKubeconfig { tried: Vec<String> },
    #[error("kubeconfig {} is invalid: {reason}", .path.display())]
    BadKubeconfig { path: PathBuf, reason: String },
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
}
