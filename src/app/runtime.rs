//! Carries out effects: watch tasks registered by slot (with their generation, so a
//! replaced watch is aborted and its late messages are recognisably stale), one-shot tasks,
//! the clipboard.

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::cluster::{connect, watch};
use crate::effect::{Effect, WatchKey, WatchSlot};
use crate::model::audit::AuditRecord;
use crate::msg::{Msg, Notice};
use crate::tui::Tui;

pub struct Runtime {
    client: kube::Client,
    tx: UnboundedSender<Msg>,
    watches: HashMap<WatchSlot, (WatchKey, JoinHandle<()>)>,
    /// The one running log stream.
    logs: Option<(crate::state::logs::LogStreamKey, JoinHandle<()>)>,
    clipboard: super::clipboard::Clipboard,
    forwards: super::forwards::Forwards,
    /// Sessions that need the terminal, for the event loop to run (in order), with their
    /// audit records.
    foreground: std::collections::VecDeque<(super::session::Foreground, Vec<AuditRecord>)>,
    /// `$XDG_STATE_HOME/rkt/audit.log`.
    audit_log: Option<std::path::PathBuf>,
    /// `ctrl-z` was pressed: the event loop stops the process once the effects are done.
    suspend: bool,
    /// Where `:ctx` connects from, and the clients its switches built, by generation,
    /// until `Effect::UseContext` takes one.
    contexts: super::contexts::Switcher,
}

impl Runtime {
    pub fn new(client: kube::Client, tx: UnboundedSender<Msg>) -> Runtime {
        Runtime {
            forwards: super::forwards::Forwards::new(client.clone(), tx.clone()),
            client,
            tx,
            watches: HashMap::new(),
            logs: None,
            clipboard: super::clipboard::Clipboard::default(),
            foreground: Default::default(),
            audit_log: super::audit::log_path(),
            suspend: false,
            contexts: super::contexts::Switcher::default(),
        }
    }

    /// Lets `:ctx` switch (the kubeconfig files, impersonation and protected patterns).
    pub fn with_contexts(mut self, switcher: super::contexts::Switcher) -> Runtime {
        self.contexts = switcher;
        self
    }

    /// The client, for sessions the event loop runs itself.
    pub fn client(&self) -> kube::Client {
        self.client.clone()
    }

    /// The next session that needs the terminal (`Effect::Edit`, `Effect::Exec`), with the
    /// audit records to complete once it ends ([`Runtime::record`]).
    pub fn take_foreground(&mut self) -> Option<(super::session::Foreground, Vec<AuditRecord>)> {
        self.foreground.pop_front()
    }

    /// Whether `ctrl-z` asked to stop the process (asked once).
    pub fn take_suspend(&mut self) -> bool {
        std::mem::take(&mut self.suspend)
    }

    /// Appends the audit lines of a change `msg` answered (a failure is a notice).
    pub fn record(&self, records: &[AuditRecord], msg: &Msg) {
        let text = super::audit::lines_for(records, msg);
        if let Some(notice) = super::audit::append(self.audit_log.as_deref(), &text) {
            let _ = self.tx.send(Msg::Notice(notice));
        }
    }

    /// Runs a one-shot task and sends its answer; for a change, its audit lines are
    /// written first (so the log has the line by the time the user sees the result).
    fn answer<F>(&self, audit: Option<Vec<AuditRecord>>, task: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let path = self.audit_log.clone();
        tokio::spawn(async move {
            let msg = task.await;
            let mut failed = None;
            if let Some(records) = audit {
                let text = super::audit::lines_for(&records, &msg);
                failed = tokio::task::spawn_blocking(move || {
                    super::audit::append(path.as_deref(), &text)
                })
                .await
                .unwrap_or_else(|e| Some(Notice::error(format!("audit log: {e}"))));
            }
            let _ = tx.send(msg);
            if let Some(notice) = failed {
                let _ = tx.send(Msg::Notice(notice));
            }
        });
    }

    pub fn apply(&mut self, effects: Vec<Effect>, tui: &mut Tui) {
        for effect in effects {
            self.apply_one(effect, tui);
        }
    }

    fn apply_one(&mut self, effect: Effect, tui: &mut Tui) {
        let (effect, audit) = match effect {
            Effect::Audited(a) => (a.effect.unaudited(), Some(a.records)),
            other => (other, None),
        };
        // The gate in `update` audits every change; one that comes without is refused.
        if audit.is_none() && crate::state::gate::mutations(&effect).is_some() {
            let _ = self.tx.send(Msg::Notice(Notice::error(
                "refused: a change that did not pass the audit gate",
            )));
            return;
        }
        match effect {
            // Unwrapped above.
            Effect::Audited(_) => {}
            Effect::Watch { key, target } => {
                if let Some((_, old)) = self.watches.remove(&key.slot) {
                    old.abort();
                }
                let handle = watch::spawn(self.client.clone(), key, target, self.tx.clone());
                self.watches.insert(key.slot, (key, handle));
            }
            Effect::WatchTable { key, target } => {
                if let Some((_, old)) = self.watches.remove(&key.slot) {
                    old.abort();
                }
                let handle = crate::cluster::tables::spawn(
                    self.client.clone(),
                    key,
                    target,
                    self.tx.clone(),
                );
                self.watches.insert(key.slot, (key, handle));
            }
            Effect::Discover => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let catalog = crate::cluster::discovery::discover(&client).await;
                    let _ = tx.send(Msg::Discovery(catalog));
                });
            }
            Effect::Unwatch(key) => {
                if self.watches.get(&key.slot).is_some_and(|(k, _)| *k == key) {
                    if let Some((_, handle)) = self.watches.remove(&key.slot) {
                        handle.abort();
                    }
                }
            }
            Effect::ReviewAccess(query) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let answer = crate::cluster::access::review(&client, &query).await;
                    let _ = tx.send(Msg::Access { query, answer });
                });
            }
            Effect::FetchServerVersion => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = connect::server_version(&client).await;
                    let _ = tx.send(Msg::ServerVersion(result));
                });
            }
            Effect::Rollout(effect) => {
                let client = self.client.clone();
                self.answer(audit, async move {
                    let msg = crate::cluster::rollout::run(&client, *effect).await;
                    Msg::Rollout(Box::new(msg))
                });
            }
            Effect::Helm(effect) => {
                let client = self.client.clone();
                self.answer(audit, async move {
                    let msg = crate::cluster::helm::run(&client, *effect).await;
                    Msg::Helm(Box::new(msg))
                });
            }
            Effect::Copy(text) => {
                let notice = self.clipboard.copy(&text, tui);
                let _ = self.tx.send(Msg::Notice(notice));
            }
            Effect::StreamLogs { key, request } => {
                if let Some((_, old)) = self.logs.take() {
                    old.abort();
                }
                let tx = self.tx.clone();
                let handle =
                    crate::cluster::logs::spawn(self.client.clone(), request, key, move |m| {
                        tx.send(Msg::Logs(m)).is_ok()
                    });
                self.logs = Some((key, handle));
            }
            Effect::StopLogs(key) => {
                if self.logs.as_ref().is_some_and(|(k, _)| *k == key) {
                    if let Some((_, handle)) = self.logs.take() {
                        handle.abort();
                    }
                }
            }
            Effect::FetchContainers(target) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let containers =
                        crate::cluster::logs::resolve::pod_containers(&client, &target)
                            .await
                            .map_err(|e| format!("{e:#}"));
                    let _ = tx.send(Msg::LogContainers { target, containers });
                });
            }
            Effect::WriteFile { path, contents } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let lines = contents.lines().count();
                    let notice = match write_private(&path, &contents) {
                        Ok(()) => {
                            Notice::info(format!("saved {lines} lines to {}", path.display()))
                        }
                        Err(e) => Notice::error(format!("cannot write {}: {e}", path.display())),
                    };
                    let _ = tx.send(Msg::Notice(notice));
                });
            }
            Effect::SaveForwards { path, contents } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let notice = match write_private(&path, &contents) {
                        Ok(()) => {
                            Notice::info(format!("port-forwards saved in {}", path.display()))
                        }
                        Err(e) => Notice::error(format!("cannot write {}: {e}", path.display())),
                    };
                    let _ = tx.send(Msg::Notice(notice));
                });
            }
            Effect::Suspend => self.suspend = true,
            Effect::SwitchContext { name, gen } => self.contexts.switch(name, gen, &self.tx),
            Effect::UseContext(gen) => {
                if let Some(client) = self.contexts.take(gen) {
                    // Running forwards keep the client they started with.
                    self.forwards.use_client(client.clone());
                    self.client = client;
                }
            }
            Effect::WriteState { path, contents } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = write_private(&path, &contents) {
                        let notice = Notice::error(format!("cannot write {}: {e}", path.display()));
                        let _ = tx.send(Msg::Notice(notice));
                    }
                });
            }
            Effect::OpenUrl(url) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = open_url(&url) {
                        let _ = tx.send(Msg::Notice(Notice::error(format!(
                            "cannot open {url}: {e} (c copies it)"
                        ))));
                    }
                });
            }
            Effect::Forward(e) => self.forwards.apply(e),
            Effect::Change(effect) => {
                let client = self.client.clone();
                self.answer(audit, async move {
                    let msg = crate::cluster::change::run(&client, *effect).await;
                    Msg::Change(Box::new(msg))
                });
            }
            Effect::Metrics(request) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let answer = crate::cluster::metrics::read(&client, request).await;
                    let _ = tx.send(Msg::Metrics(answer));
                });
            }
            Effect::Prepare(effect) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let msg = crate::cluster::change::prepare(&client, effect).await;
                    let _ = tx.send(Msg::Change(Box::new(msg)));
                });
            }
            Effect::Edit(obj) => self.foreground.push_back((
                super::session::Foreground::Edit(obj),
                audit.unwrap_or_default(),
            )),
            Effect::Exec(target) => self.foreground.push_back((
                super::session::Foreground::Exec(target),
                audit.unwrap_or_default(),
            )),
            Effect::Object(effect) => {
                let client = self.client.clone();
                self.answer(audit, async move {
                    Msg::Object(crate::cluster::objects::run(&client, effect).await)
                });
            }
        }
    }

    /// Stops every port-forward and waits for their listeners to close (on quit).
    pub async fn stop_forwards(&mut self) {
        self.forwards.stop_all().await;
    }

    /// Stops every task (on quit).
    pub fn shutdown(&mut self) {
        for (_, (_, handle)) in self.watches.drain() {
            handle.abort();
        }
        if let Some((_, handle)) = self.logs.take() {
            handle.abort();
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Writes a file only its owner may read (saved logs and forwards may name or hold
/// private things), creating its directory first.
pub(super) fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

/// Hands a URL to the desktop's opener (which returns once the browser has it), no shell.
fn open_url(url: &str) -> std::io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{opener} ended with {status}"
        )))
    }
}
