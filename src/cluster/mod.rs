//! All cluster I/O: kubeconfig and client (`connect`), watch tasks (`watch`) that turn objects
//! into rows with `model::convert`, log streams (`logs`), port-forwards
//! (`portforward`), rollout history and rollback (`rollout`), Helm releases (`helm`). Named `cluster` so it does not
//! shadow the `kube` crate.

pub mod access;
pub mod change;
pub mod connect;
pub mod discovery;
pub mod edit;
pub mod errors;
pub mod exec;
pub mod helm;
pub mod logs;
pub mod metrics;
pub mod objects;
pub mod portforward;
pub mod related;
pub mod rollout;
pub mod tables;
pub mod watch;
