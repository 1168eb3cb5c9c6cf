//! Finding and loading the kubeconfig the way kubectl does, and building the client.
//! Everything here runs before the terminal is touched, so its errors print plainly.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};

use crate::error::StartupError;
use crate::model::contexts::ContextRow;
use crate::model::ClusterInfo;

/// `--as` / `--as-group`: who every request acts as (kubectl's impersonation flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Impersonation {
    pub user: Option<String>,
    pub groups: Vec<String>,
}

/// What every connection of a session shares: where the kubeconfig is read from and who
/// the requests act as. Contexts switched to later read the files again (a context added
/// since the start is there).
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub paths: Vec<PathBuf>,
    pub impersonation: Impersonation,
}

/// Every context of the kubeconfig, in its order (names only).
pub fn context_rows(kubeconfig: &Kubeconfig) -> Vec<ContextRow> {
    kubeconfig
        .contexts
        .iter()
        .map(|named| {
            let ctx = named.context.as_ref();
            ContextRow {
                name: named.name.clone(),
                cluster: ctx.map(|c| c.cluster.clone()).unwrap_or_default(),
                user: ctx.and_then(|c| c.user.clone()).unwrap_or_default(),
                namespace: ctx.and_then(|c| c.namespace.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Where a kubeconfig came from, for messages.
#[derive(Debug, Clone)]
pub struct Source {
    pub paths: Vec<PathBuf>,
}

/// Which files to read: `--kubeconfig`, else every existing file in `$KUBECONFIG`, else
/// `~/.kube/config`. Returns what was tried when nothing is there.
pub fn kubeconfig_paths(explicit: Option<&Path>) -> Result<Vec<PathBuf>, StartupError> {
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(vec![p.to_path_buf()]);
        }
        return Err(StartupError::NoKubeconfig {
            tried: vec![format!("{} (--kubeconfig: not found)", p.display())],
        });
    }
    resolve_paths(
        std::env::var_os("KUBECONFIG"),
        dirs::home_dir().map(|h| h.join(".kube").join("config")),
    )
}

/// [`kubeconfig_paths`] without the process environment, for tests.
pub fn resolve_paths(
    kubeconfig_env: Option<std::ffi::OsString>,
    home_config: Option<PathBuf>,
) -> Result<Vec<PathBuf>, StartupError> {
    let mut tried = Vec::new();
    match kubeconfig_env {
        Some(value) if !value.is_empty() => {
            let listed: Vec<PathBuf> = std::env::split_paths(&value)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            let existing: Vec<PathBuf> = listed.iter().filter(|p| p.is_file()).cloned().collect();
            if !existing.is_empty() {
                return Ok(existing);
            }
            for p in listed {
                tried.push(format!("{} ($KUBECONFIG: not found)", p.display()));
            }
        }
        _ => tried.push("$KUBECONFIG (not set or empty)".into()),
    }
    match home_config {
        Some(p) if p.is_file() => return Ok(vec![p]),
        Some(p) => tried.push(format!("{} (not found)", p.display())),
        None => tried.push("~/.kube/config (no home directory)".into()),
    }
    Err(StartupError::NoKubeconfig { tried })
}
/// Reads and merges the files (first one to set a value wins, like kubectl).
pub fn load_kubeconfig(paths: &[PathBuf]) -> Result<Kubeconfig, StartupError> {
    let mut merged: Option<Kubeconfig> = None;
    for p in paths {
        let kc = Kubeconfig::read_from(p).map_err(|e| StartupError::BadKubeconfig {
            path: p.clone(),
            reason: read_problem(&e),
        })?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m.merge(kc).map_err(|e| StartupError::BadKubeconfig {
                path: p.clone(),
                reason: e.to_string(),
            })?,
        });
    }
    Ok(merged.unwrap_or_default())
}

/// Why a kubeconfig file could not be read, without repeating its path (the message names
/// it once, plainly) and on one line: kube's own text quotes the path as `'"path"'` and its
/// YAML errors carry a multi-line source snippet.
fn read_problem(e: &KubeconfigError) -> String {
    match e {
        KubeconfigError::ReadConfig(io, _) if io.kind() == std::io::ErrorKind::InvalidData => {
            format!("not a YAML text file ({})", io.to_string().to_lowercase())
        }
        KubeconfigError::ReadConfig(io, _) => format!("cannot read it: {io}"),
        KubeconfigError::Parse(yaml) => {
            let text = yaml.to_string();
            let first = text.lines().next().unwrap_or_default().trim();
            format!(
                "not a valid kubeconfig: {}",
                first.strip_prefix("error: ").unwrap_or(first)
            )
        }
        other => other.to_string(),
    }
}

/// A client plus what the header shows and the namespace to start in.
pub struct Connected {
    pub client: Client,
    pub info: ClusterInfo,
    /// The context's namespace (or "default").
    pub namespace: String,
}

/// The context to connect with (`context`, else the kubeconfig's current one) and its user
/// name; `files` names the kubeconfig files for the error.
pub fn chosen_context(
    kubeconfig: &Kubeconfig,
    context: Option<&str>,
    files: &str,
) -> Result<(String, String), StartupError> {
    let context_name = match context {
        Some(c) => c.to_string(),
        None => kubeconfig.current_context.clone().ok_or_else(|| {
            StartupError::Kubeconfig(format!(
                "no current-context in {files}; choose one with --context NAME"
            ))
        })?,
    };
    let Some(named) = kubeconfig.contexts.iter().find(|c| c.name == context_name) else {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(StartupError::Kubeconfig(format!(
            "context {context_name:?} not found in {files} (contexts: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    // The user's name only: the audit log says who, never with what credential.
    let user = named
        .context
        .as_ref()
        .and_then(|c| c.user.clone())
        .unwrap_or_default();
    Ok((context_name, user))
}

pub async fn connect(
    kubeconfig: Kubeconfig,
    context: Option<&str>,
    source: &[PathBuf],
    impersonation: &Impersonation,
) -> Result<Connected, StartupError> {
    let files = source
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let (context_name, user) = chosen_context(&kubeconfig, context, &files)?;
    let options = KubeConfigOptions {
        context: Some(context_name.clone()),
        cluster: None,
        user: None,
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| StartupError::Kubeconfig(format!("{files}: {e}")))?;
    if let Some(user) = &impersonation.user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !impersonation.groups.is_empty() {
        config.auth_info.impersonate_groups = Some(impersonation.groups.clone());
    }
    // kube-rs would retry 429/503/504 answers itself, silently, up to 15 times: a throttled
    // watch then looks connected while nothing arrives. rkt's own loops retry instead,
    // honouring Retry-After, and say "throttled" in the header meanwhile.
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let namespace = config.default_namespace.clone();
    // Building the client runs an exec credential plugin: off the async workers.
    let client = tokio::task::spawn_blocking(move || Client::try_from(config))
        .await
        .map_err(|e| StartupError::Kubeconfig(format!("cannot build a client: {e}")))?
        .map_err(|e| {
            StartupError::Kubeconfig(format!(
                "cannot build a client for {server}: {}",
                super::errors::describe_client(&e)
            ))
        })?;
    Ok(Connected {
        client,
        info: ClusterInfo {
            context: context_name,
            server: server.trim_end_matches('/').to_string(),
            user,
            protected: false,
            version: None,
            impersonate: impersonation.user.clone(),
        },
        namespace,
    })
}

/// A client for context `name` of the kubeconfig files (read again), and the server's
/// answer to `/version` (an unreachable server is an answer too: the error says why).
pub async fn switch(
    target: &Target,
    name: &str,
) -> Result<(Connected, Result<String, String>), String> {
    let kubeconfig = load_kubeconfig(&target.paths).map_err(|e| e.to_string())?;
    let connected = connect(kubeconfig, Some(name), &target.paths, &target.impersonation)
        .await
        .map_err(|e| e.to_string())?;
    let version = server_version(&connected.client).await;
    Ok((connected, version))
}

/// The server's version, e.g. `v1.33.0`.
pub async fn server_version(client: &Client) -> Result<String, String> {
    client
        .apiserver_version()
        .await
        .map(|v| v.git_version)
        .map_err(|e| crate::cluster::watch::describe_client(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, context: &str, ns: &str) -> PathBuf {
        let p = dir.join(name);
        let yaml = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {context}\n\
             clusters: [{{ name: {context}, cluster: {{ server: \"https://{context}.example:6443\" }} }}]\n\
             users: [{{ name: {context}, user: {{}} }}]\n\
             contexts: [{{ name: {context}, context: {{ cluster: {context}, user: {context}, namespace: {ns} }} }}]\n"
        );
        std::fs::write(&p, yaml).unwrap();
        p
    }

    #[test]
    fn kubeconfig_env_lists_several_files_and_the_first_wins() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.yaml", "alpha", "team-a");
        let b = write(dir.path(), "b.yaml", "beta", "team-b");
        let missing = dir.path().join("missing.yaml");
        let env = std::env::join_paths([&missing, &a, &b]).unwrap();
        let paths = resolve_paths(Some(env), None).unwrap();
        assert_eq!(paths, vec![a.clone(), b.clone()]);
        let merged = load_kubeconfig(&paths).unwrap();
        assert_eq!(merged.current_context.as_deref(), Some("alpha"));
        assert_eq!(merged.contexts.len(), 2);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let none = Impersonation::default();
        let c = rt
            .block_on(connect(merged.clone(), Some("beta"), &paths, &none))
            .unwrap();
        assert_eq!(c.info.context, "beta");
        assert_eq!(c.namespace, "team-b");
        assert_eq!(c.info.server, "https://beta.example:6443");
        let err = rt
            .block_on(connect(merged, Some("gamma"), &paths, &none))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("context \"gamma\" not found"),
            "{err}"
        );
    }

    /// A one-request HTTP server that answers `/version` and hands back what it was sent.
    fn one_request_server() -> (String, std::thread::JoinHandle<String>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = conn.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            let body = r#"{"major":"1","minor":"30","gitVersion":"v1.30.13","gitCommit":"","gitTreeState":"","buildDate":"","goVersion":"","compiler":"","platform":""}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            conn.write_all(answer.as_bytes()).unwrap();
            String::from_utf8_lossy(&seen).to_lowercase()
        });
        (url, handle)
    }

    #[test]
    fn as_and_as_group_reach_the_server_as_impersonation_headers() {
        let (url, server) = one_request_server();
        let yaml = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n\
             clusters: [{{ name: c, cluster: {{ server: \"{url}\" }} }}]\n\
             users: [{{ name: admin, user: {{ token: abc }} }}]\n\
             contexts: [{{ name: c, context: {{ cluster: c, user: admin }} }}]\n"
        );
        let kubeconfig = Kubeconfig::from_yaml(&yaml).unwrap();
        let who = Impersonation {
            user: Some("jane".into()),
            groups: vec!["devs".into(), "ops".into()],
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let connected = rt.block_on(connect(kubeconfig, None, &[], &who)).unwrap();
        assert_eq!(connected.info.impersonate.as_deref(), Some("jane"));
        assert_eq!(connected.info.user, "admin");
        let version = rt.block_on(server_version(&connected.client));
        assert_eq!(version.as_deref(), Ok("v1.30.13"));
        let request = server.join().unwrap();
        assert!(request.starts_with("get /version "), "{request}");
        assert!(request.contains("impersonate-user: jane\r\n"), "{request}");
        assert!(request.contains("impersonate-group: devs\r\n"), "{request}");
        assert!(request.contains("impersonate-group: ops\r\n"), "{request}");
        assert!(
            request.contains("authorization: bearer abc\r\n"),
            "{request}"
        );
    }

    #[test]
    fn https_to_a_server_that_speaks_no_tls_is_a_tls_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            use std::io::Write;
            for conn in listener.incoming().take(8) {
                let Ok(mut conn) = conn else { break };
                let _ = conn.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
            }
        });
        let yaml = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n\
             clusters: [{{ name: c, cluster: {{ server: \"{url}\" }} }}]\n\
             users: [{{ name: u, user: {{}} }}]\n\
             contexts: [{{ name: c, context: {{ cluster: c, user: u }} }}]\n"
        );
        let kubeconfig = Kubeconfig::from_yaml(&yaml).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let none = Impersonation::default();
        let connected = rt.block_on(connect(kubeconfig, None, &[], &none)).unwrap();
        let err = rt.block_on(server_version(&connected.client)).unwrap_err();
        assert!(
            err.starts_with("cannot reach the API server: TLS failed"),
            "{err}"
        );
    }

    #[test]
    fn a_garbage_kubeconfig_names_its_path_plainly_with_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = dir.path().join("garbage.yaml");
        std::fs::write(&bytes, [0x9f, 0x00, 0xc3, 0x28, 0xff, 0x12, 0x80]).unwrap();
        let text = load_kubeconfig(std::slice::from_ref(&bytes))
            .unwrap_err()
            .to_string();
        assert_eq!(
            text,
            format!(
                "kubeconfig {} is invalid: not a YAML text file (invalid utf-8)",
                bytes.display()
            )
        );
        let yaml = dir.path().join("broken.yaml");
        std::fs::write(&yaml, "foo: [unclosed\n").unwrap();
        let text = load_kubeconfig(std::slice::from_ref(&yaml))
            .unwrap_err()
            .to_string();
        assert!(
            text.starts_with(&format!(
                "kubeconfig {} is invalid: not a valid kubeconfig: line 1 column 6",
                yaml.display()
            )),
            "{text}"
        );
        assert!(!text.contains('\n') && !text.contains("'\""), "{text}");
    }

    #[test]
    fn home_config_is_the_fallback_and_nothing_names_what_was_tried() {
        let dir = tempfile::tempdir().unwrap();
        let home = write(dir.path(), "config", "home", "default");
        assert_eq!(resolve_paths(None, Some(home.clone())).unwrap(), vec![home]);
        let err = resolve_paths(Some("".into()), Some(dir.path().join("nope"))).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("nope (not found)") && text.contains("rkt --demo"),
            "{text}"
        );
    }
}
