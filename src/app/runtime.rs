//! Carries out effects: watch tasks registered by slot (with their generation, so a
//! replaced watch is aborted and its late messages are recognisably stale), one-shot tasks,
//! the clipboard.

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::cluster::{connect, watch};
use crate::effect::{Effect, WatchKey, WatchSlot};
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
        }
    }

    pub fn apply(&mut self, effects: Vec<Effect>, tui: &mut Tui) {
        for effect in effects {
            self.apply_one(effect, tui);
        }
    }

    fn apply_one(&mut self, effect: Effect, tui: &mut Tui) {
        match effect {
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
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let msg = crate::cluster::rollout::run(&client, *effect).await;
                    let _ = tx.send(Msg::Rollout(Box::new(msg)));
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
                    let notice = match std::fs::write(&path, contents) {
                        Ok(()) => {
                            Notice::info(format!("saved {lines} lines to {}", path.display()))
                        }
                        Err(e) => Notice::error(format!("cannot write {}: {e}", path.display())),
                    };
                    let _ = tx.send(Msg::Notice(notice));
                });
            }
            Effect::Forward(e) => self.forwards.apply(e),
            Effect::Metrics(request) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let answer = crate::cluster::metrics::read(&client, request).await;
                    let _ = tx.send(Msg::Metrics(answer));
                });
            }
            Effect::Object(effect) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let msg = crate::cluster::objects::run(&client, effect).await;
                    let _ = tx.send(Msg::Object(msg));
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
