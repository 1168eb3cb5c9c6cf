//! The words every layer shares: rows, object references, kinds, and the payloads of
//! `Msg` and `Effect`, with the pure Kubernetes logic that makes them (object → row, describe
//! text, rollout history, diff and plans). Nothing here does I/O, and nothing here imports
//! `state`, `cluster` or `ui`.

pub mod access;
pub mod audit;
pub mod change;
pub mod containers;
pub mod contexts;
pub mod convert;
pub mod describe;
pub mod discovery;
pub mod drill;
pub mod edit;
pub mod exec;
pub mod filter;
pub mod format;
pub mod fuzzy;
pub mod helm;
pub mod ingress_routes;
pub mod insight;
pub mod logs;
pub mod metrics;
pub mod objects;
pub mod portforward;
pub mod quantity;
pub mod rollout;
pub mod rows;
pub mod saved_forwards;
pub mod services;
pub mod table;

/// What the header says about the cluster; known before any network answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterInfo {
    pub context: String,
    pub server: String,
    /// The kubeconfig user name of the context (for the audit log; never a credential).
    pub user: String,
    /// The context matches a `protected_contexts` pattern: deletes and rollbacks ask for
    /// the object's name, and the header says so.
    pub protected: bool,
    pub version: Option<String>,
    /// `--as`: the user every request impersonates (shown in the header).
    pub impersonate: Option<String>,
}
