//! The runtime side of `:ctx`: builds a client for the chosen context off the event loop
//! and keeps it until `update` says to use it (a client is no message: `Msg` is data).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;

use crate::cluster::connect;
use crate::model::contexts::ContextMsg;
use crate::msg::Msg;

#[derive(Default)]
pub struct Switcher {
    target: connect::Target,
    protected: Vec<String>,
    ready: Arc<Mutex<HashMap<u64, kube::Client>>>,
}

impl Switcher {
    pub fn new(target: connect::Target, protected: Vec<String>) -> Switcher {
        Switcher {
            target,
            protected,
            ready: Arc::default(),
        }
    }

    /// Connects to context `name` in a task; answers `Msg::Context` with `gen`.
    pub fn switch(&self, name: String, gen: u64, tx: &UnboundedSender<Msg>) {
        let (target, protected, ready, tx) = (
            self.target.clone(),
            self.protected.clone(),
            self.ready.clone(),
            tx.clone(),
        );
        tokio::spawn(async move {
            let msg = match connect::switch(&target, &name).await {
                Ok((connected, version)) => {
                    if let Ok(mut ready) = ready.lock() {
                        ready.insert(gen, connected.client);
                    }
                    let mut info = connected.info;
                    info.protected = crate::model::audit::is_protected(&protected, &info.context);
                    ContextMsg::Connected {
                        gen,
                        info,
                        namespace: connected.namespace,
                        version,
                    }
                }
                Err(error) => ContextMsg::Failed { gen, name, error },
            };
            let _ = tx.send(Msg::Context(msg));
        });
    }

    /// The client of switch `gen`; the clients of switches replaced by it are dropped.
    pub fn take(&self, gen: u64) -> Option<kube::Client> {
        let mut ready = self.ready.lock().ok()?;
        let client = ready.remove(&gen);
        ready.retain(|g, _| *g > gen);
        client
    }
}
