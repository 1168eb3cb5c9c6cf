//! The kubeconfig that points kubectl, kube-rs or another rkt at a simulated cluster.

use std::path::{Path, PathBuf};

/// The name of the context, cluster and user in the written kubeconfig.
pub const CONTEXT: &str = "rkt-sim";

/// A kubeconfig whose current context `rkt-sim` talks to `url` in namespace `default`.
pub fn render(url: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
preferences: {{}}
clusters:
- name: {CONTEXT}
  cluster:
    server: {url}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {CONTEXT}
    namespace: default
current-context: {CONTEXT}
users:
- name: {CONTEXT}
  user: {{}}
"
    )
}

/// Writes the kubeconfig to `path`, creating its directory.
pub fn write(path: &Path, url: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory {}", dir.display()))?;
    }
    std::fs::write(path, render(url))
        .with_context(|| format!("writing the kubeconfig {}", path.display()))
}

/// A private temporary directory removed when dropped (holds a kubeconfig nobody asked
/// to keep).
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> anyhow::Result<TempDir> {
        let base = std::env::temp_dir();
        for _ in 0..16 {
            let dir = base.join(format!(
                "rkt-sim-{}-{}",
                std::process::id(),
                super::store::random_suffix(8)
            ));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(anyhow::anyhow!("creating {}: {e}", dir.display())),
            }
        }
        anyhow::bail!(
            "could not create a temporary directory in {}",
            base.display()
        )
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover directory in /tmp is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_parses_with_kube_rs() {
        let text = render("http://127.0.0.1:4567");
        let cfg = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        assert_eq!(cfg.current_context.as_deref(), Some(CONTEXT));
        let cluster = cfg.clusters[0].cluster.as_ref().unwrap();
        assert_eq!(cluster.server.as_deref(), Some("http://127.0.0.1:4567"));
    }

    #[test]
    fn temp_dir_is_removed_on_drop() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().to_path_buf();
        write(&path.join("config"), "http://127.0.0.1:1").unwrap();
        drop(dir);
        assert!(!path.exists());
    }
}
