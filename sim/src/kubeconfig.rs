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
    write_text(path, &render(url))
}

fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing the kubeconfig {}", path.display()))
}

/// Adds a cluster, user and context all named `name` for `url` to the kubeconfig at `path`
/// and makes it the current context, as minikube and kind do: entries of other names stay,
/// ones of the same name are replaced. A missing file is created; one that is not a
/// kubeconfig is an error (never overwritten).
pub fn write_named(path: &Path, url: &str, name: &str) -> anyhow::Result<()> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => anyhow::bail!("reading the kubeconfig {}: {e}", path.display()),
    };
    let text = match existing {
        None if name == CONTEXT => render(url),
        None => merge_named(None, url, name)?,
        Some(text) => merge_named(Some(&text), url, name)
            .map_err(|e| anyhow::anyhow!("cannot add context {name} to {}: {e}", path.display()))?,
    };
    write_text(path, &text)
}

/// `existing` (or an empty kubeconfig) with the entries of `name` set for `url`.
pub fn merge_named(existing: Option<&str>, url: &str, name: &str) -> anyhow::Result<String> {
    use serde_yaml::{Mapping, Value};
    let mut doc = match existing {
        Some(text) if !text.trim().is_empty() => serde_yaml::from_str::<Value>(text)?,
        _ => Value::Mapping(Mapping::new()),
    };
    let Some(root) = doc.as_mapping_mut() else {
        anyhow::bail!("not a kubeconfig (its top level is not a mapping)");
    };
    root.entry("apiVersion".into()).or_insert("v1".into());
    root.entry("kind".into()).or_insert("Config".into());
    let entry = |section: &str, body: Value| -> Value {
        let mut m = Mapping::new();
        m.insert("name".into(), name.into());
        m.insert(section.into(), body);
        Value::Mapping(m)
    };
    let mut cluster = Mapping::new();
    cluster.insert("server".into(), url.into());
    let mut context = Mapping::new();
    context.insert("cluster".into(), name.into());
    context.insert("user".into(), name.into());
    context.insert("namespace".into(), "default".into());
    let sections = [
        ("clusters", entry("cluster", Value::Mapping(cluster))),
        ("contexts", entry("context", Value::Mapping(context))),
        ("users", entry("user", Value::Mapping(Mapping::new()))),
    ];
    for (section, value) in sections {
        let list = root
            .entry(section.into())
            .or_insert(Value::Sequence(Vec::new()));
        if list.is_null() {
            *list = Value::Sequence(Vec::new());
        }
        let Some(items) = list.as_sequence_mut() else {
            anyhow::bail!("its {section} is not a list");
        };
        items.retain(|item| item.get("name").and_then(Value::as_str) != Some(name));
        items.push(value);
    }
    root.insert("current-context".into(), name.into());
    Ok(serde_yaml::to_string(&doc)?)
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
    fn a_named_context_is_added_beside_the_others_and_replaces_its_namesake() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("config");
        write_named(&path, "http://127.0.0.1:1", "one").unwrap();
        write_named(&path, "http://127.0.0.1:2", "two").unwrap();
        write_named(&path, "http://127.0.0.1:3", "one").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let cfg = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        assert_eq!(cfg.current_context.as_deref(), Some("one"));
        let names: Vec<&str> = cfg.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["two", "one"]);
        let server = |n: &str| {
            let c = cfg.clusters.iter().find(|c| c.name == n).unwrap();
            c.cluster.as_ref().unwrap().server.clone().unwrap()
        };
        assert_eq!(server("one"), "http://127.0.0.1:3");
        assert_eq!(server("two"), "http://127.0.0.1:2");
        assert_eq!(cfg.auth_infos.len(), 2);
        std::fs::write(&path, "- not\n- a kubeconfig\n").unwrap();
        let err = write_named(&path, "http://127.0.0.1:4", "one").unwrap_err();
        assert!(err.to_string().contains("not a kubeconfig"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "- not\n- a kubeconfig\n"
        );
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
