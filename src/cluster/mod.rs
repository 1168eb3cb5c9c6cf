//! All cluster I/O: kubeconfig and client (`connect`), watch tasks (`watch`), object → row
//! conversion (`convert`) into compact rows (`rows`), log streams (`logs`), port-forwards
//! (`portforward`), rollout history and rollback (`rollout`). Named `cluster` so it does not
//! shadow the `kube` crate.

pub mod connect;
pub mod convert;
pub mod describe;
pub mod logs;
pub mod objects;
pub mod portforward;
pub mod rollout;
pub mod rows;
pub mod services;
pub mod watch;
