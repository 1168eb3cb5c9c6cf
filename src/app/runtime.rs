//! Carries out effects: watch tasks registered by slot (with their generation, so a
//! replaced watch is aborted and its late messages are recognisably stale), one-shot tasks,
//! the clipboard.

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::cluster::{connect, watch};
use crate::effect::{Effect, WatchKey, WatchSlot};
use crate::msg::Msg;
use crate::tui::Tui;

pub struct Runtime {
    client: kube::Client,
    tx: UnboundedSender<Msg>,
    watches: HashMap<WatchSlot, (WatchKey, JoinHandle<()>)>,
    clipboard: super::clipboard::Clipboard,
}

impl Runtime {
    pub fn new(client: kube::Client, tx: UnboundedSender<Msg>) -> Runtime {
        Runtime {
            client,
            tx,
            watches: HashMap::new(),
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
            Effect::Copy(text) => {
                let notice = self.clipboard.copy(&text, tui);
                let _ = self.tx.send(Msg::Notice(notice));
            }
        }
    }

    /// Stops every task (on quit).
    pub fn shutdown(&mut self) {
        for (_, (_, handle)) in self.watches.drain() {
            handle.abort();
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown();
    }
}
