//! The kubeconfig that points kubectl, kube-rs or another rkt at a simulated cluster.

use std::path::{Path, PathBuf};

use crate::auth::Credentials;

/// The name of the context, cluster and user in the written kubeconfig.
pub const CONTEXT: &str = "rkt-sim";

/// A kubeconfig whose current context `rkt-sim` talks to `url` in namespace `default`.
pub fn render(url: &str) -> String {
    render_named(url, CONTEXT)
}

/// A kubeconfig whose current context `name` (its cluster and user named alike) talks to
/// `url` in namespace `default`.
pub fn render_named(url: &str, name: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
preferences: {{}}
clusters:
- name: {name}
  cluster:
    server: {url}
contexts:
- name: {name}
  context:
    cluster: {name}
    user: {name}
    namespace: default
current-context: {name}
users:
- name: {name}
  user: {{}}
"
    )
}

/// The context (and user) whose rights are limited, written with `--auth`.
pub const RESTRICTED_CONTEXT: &str = "rkt-sim-restricted";

/// The kubeconfig of a sim started with `--auth`: the cluster with its CA; context
/// `rkt-sim` (current) as the admin by client certificate, context `rkt-sim-restricted` as
/// user `restricted` by bearer token. Both in namespace `default`.
pub fn render_with_auth(url: &str, creds: &Credentials) -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let user = crate::auth::RESTRICTED_USER;
    let ns = crate::auth::RESTRICTED_NAMESPACE;
    format!(
        "apiVersion: v1
kind: Config
preferences: {{}}
clusters:
- name: {CONTEXT}
  cluster:
    server: {url}
    certificate-authority-data: {ca}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {CONTEXT}
    namespace: default
- name: {RESTRICTED_CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {user}
    namespace: {ns}
current-context: {CONTEXT}
users:
- name: {CONTEXT}
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
- name: {user}
  user:
    token: {token}
",
        ca = b64(&creds.ca_pem),
        cert = b64(&creds.admin.cert_pem),
        key = b64(&creds.admin.key_pem),
        token = creds.restricted_token,
    )
}

/// Writes the kubeconfig to `path` (replacing the file), creating its directory.
pub fn write(path: &Path, url: &str) -> anyhow::Result<()> {
    write_file(path, &render(url))
}

/// Adds a cluster, user and context all named `name` for `url` to the kubeconfig at `path`
/// and makes it the current context, as minikube and kind do: entries of other names stay,
/// ones of the same name are replaced. A missing file is created; one that is not a
/// kubeconfig is an error (never overwritten).
pub fn write_named(path: &Path, url: &str, name: &str) -> anyhow::Result<()> {
    write_merged(path, &render_named(url, name))
}

/// [`write_named`] for a sim with `--auth`: its two contexts, users and cluster (with the
/// CA, a client key and a token) are added to the kubeconfig at `path`.
pub fn write_with_auth(path: &Path, url: &str, creds: &Credentials) -> anyhow::Result<()> {
    write_merged(path, &render_with_auth(url, creds))
}

/// Adds the entries of the kubeconfig `add` to the file at `path` (created if missing).
fn write_merged(path: &Path, add: &str) -> anyhow::Result<()> {
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => anyhow::bail!("reading the kubeconfig {}: {e}", path.display()),
    };
    let text = match existing {
        None => add.to_string(),
        Some(text) => merge(Some(&text), add).map_err(|e| {
            anyhow::anyhow!("cannot add the sim's context to {}: {e}", path.display())
        })?,
    };
    write_file(path, &text)
}

/// `existing` (or an empty kubeconfig) with every cluster, context and user of the
/// kubeconfig `add` set by name, and `add`'s current context made current.
pub fn merge(existing: Option<&str>, add: &str) -> anyhow::Result<String> {
    use serde_yaml::{Mapping, Value};
    let add: Value = serde_yaml::from_str(add)?;
    let mut doc = match existing {
        Some(text) if !text.trim().is_empty() => serde_yaml::from_str::<Value>(text)?,
        _ => Value::Mapping(Mapping::new()),
    };
    let Some(root) = doc.as_mapping_mut() else {
        anyhow::bail!("not a kubeconfig (its top level is not a mapping)");
    };
    root.entry("apiVersion".into()).or_insert("v1".into());
    root.entry("kind".into()).or_insert("Config".into());
    for section in ["clusters", "contexts", "users"] {
        let added = add
            .get(section)
            .and_then(Value::as_sequence)
            .cloned()
            .unwrap_or_default();
        let list = root
            .entry(section.into())
            .or_insert(Value::Sequence(Vec::new()));
        if list.is_null() {
            *list = Value::Sequence(Vec::new());
        }
        let Some(items) = list.as_sequence_mut() else {
            anyhow::bail!("its {section} is not a list");
        };
        for item in added {
            let name = item.get("name").cloned();
            items.retain(|old| old.get("name") != name.as_ref());
            items.push(item);
        }
    }
    if let Some(current) = add.get("current-context") {
        root.insert("current-context".into(), current.clone());
    }
    Ok(serde_yaml::to_string(&doc)?)
}

/// Writes `text`, creating the directory; the file is its owner's alone (a kubeconfig may
/// hold credentials).
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(path).and_then(|mut f| {
        // A file that was there keeps its mode through `open`: narrow it too.
        #[cfg(unix)]
        f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        std::io::Write::write_all(&mut f, text.as_bytes())
    });
    written.with_context(|| format!("writing the kubeconfig {}", path.display()))
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
    fn the_auth_kubeconfig_has_two_contexts_and_parses_with_kube_rs() {
        let auth = crate::auth::Auth::new().unwrap();
        let text = render_with_auth("https://127.0.0.1:4567", &auth.credentials);
        let cfg = kube::config::Kubeconfig::from_yaml(&text).unwrap();
        let names: Vec<&str> = cfg.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, [CONTEXT, RESTRICTED_CONTEXT]);
        let cluster = cfg.clusters[0].cluster.as_ref().unwrap();
        assert!(cluster.certificate_authority_data.is_some());
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
