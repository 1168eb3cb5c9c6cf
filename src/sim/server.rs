//! The HTTP server.
use std::path::PathBuf;
use std::sync::Arc;

use super::{SimConfig, Store};

pub struct SimHandle {
    pub url: String,
    pub kubeconfig: PathBuf,
    pub store: Arc<Store>,
}

pub async fn start(_cfg: SimConfig) -> anyhow::Result<SimHandle> {
    anyhow::bail!("not built yet")
}
