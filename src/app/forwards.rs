//! The runtime side of port-forward: the forward manager and the effects that drive it.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::cluster::portforward::{resolve_target, suggest_local_port, ForwardManager, StatusSink};
use crate::model::portforward::DialogPort;
use crate::model::portforward::{PfEffect, PfMsg};
use crate::msg::Msg;
use crate::state::pf_dialog::DEFAULT_ADDRESS;

pub struct Forwards {
    manager: ForwardManager,
    client: kube::Client,
    tx: UnboundedSender<Msg>,
}

impl Forwards {
    pub fn new(client: kube::Client, tx: UnboundedSender<Msg>) -> Forwards {
        let status_tx = tx.clone();
        let sink: StatusSink = Arc::new(move |s| {
            let _ = status_tx.send(Msg::Forward(PfMsg::Status(s)));
        });
        Forwards {
            manager: ForwardManager::new(client.clone(), sink),
            client,
            tx,
        }
    }

    pub fn apply(&mut self, effect: PfEffect) {
        match effect {
            PfEffect::LoadPorts(target) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match resolve_target(&client, &target).await {
                        Ok(info) => {
                            let address = DEFAULT_ADDRESS.parse().unwrap_or([127, 0, 0, 1].into());
                            Ok(info
                                .ports
                                .into_iter()
                                .map(|option| DialogPort {
                                    suggested_local: suggest_local_port(
                                        address,
                                        option.remote_port,
                                    ),
                                    option,
                                })
                                .collect())
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Msg::Forward(PfMsg::Ports { target, result }));
                });
            }
            PfEffect::Start(spec) => {
                let msg = match self.manager.start(spec.clone()) {
                    Ok(started) => PfMsg::Started { spec, started },
                    Err(e) => PfMsg::StartFailed {
                        target: spec.target,
                        error: e.to_string(),
                    },
                };
                let _ = self.tx.send(Msg::Forward(msg));
            }
            PfEffect::Stop(id) => {
                self.manager.stop(id);
            }
        }
    }

    /// Forwards started from now on use `client` (another context's); running ones keep
    /// theirs.
    pub fn use_client(&mut self, client: kube::Client) {
        self.manager.use_client(client.clone());
        self.client = client;
    }

    /// Stops every forward and waits until their listeners are closed (on quit).
    pub async fn stop_all(&mut self) {
        self.manager.stop_all().await;
    }
}
