//! A minimal server with only the log and port-forward routes over a store the test fills
//! with hand-made pods: the test decides every container state exactly.

use std::sync::Arc;

use rkt_sim::resources::{NAMESPACES, PODS};
use rkt_sim::store::UpdateScope;
use rkt_sim::{faults::Faults, SimState, Store, Timing};
use serde_json::{json, Value};

pub struct MiniSim {
    pub store: Arc<Store>,
    pub client: kube::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for MiniSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl MiniSim {
    pub async fn start() -> MiniSim {
        let store = Arc::new(Store::new());
        store
            .create(&NAMESPACES, "", json!({"metadata": {"name": "default"}}))
            .unwrap();
        let state = SimState {
            store: store.clone(),
            faults: Arc::new(Faults::default()),
            timing: Timing::fast(),
            metrics: Default::default(),
            version: Default::default(),
        };
        let app = rkt_sim::logs::routes()
            .merge(rkt_sim::portforward::routes())
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let config = kube::Config::new(url.parse().unwrap());
        let client = kube::Client::try_from(config).unwrap();
        MiniSim {
            store,
            client,
            server,
        }
    }

    pub fn pods(&self) -> kube::Api<k8s_openapi::api::core::v1::Pod> {
        kube::Api::namespaced(self.client.clone(), "default")
    }

    pub fn add_pod(&self, pod: Value) {
        self.store.create(&PODS, "default", pod).unwrap();
    }

    /// Replaces the status of one container.
    pub fn set_container_status(&self, pod: &str, status: Value) {
        self.store
            .mutate(&PODS, "default", pod, UpdateScope::All, |p| {
                let name = status["name"].clone();
                let list = p["status"]["containerStatuses"].as_array_mut().unwrap();
                for s in list.iter_mut() {
                    if s["name"] == name {
                        *s = status.clone();
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}

/// A time `secs_ago` seconds before now, as the API writes it.
pub fn ago(secs_ago: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(secs_ago);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn running(name: &str, started: &str) -> Value {
    json!({"name": name, "ready": true, "restartCount": 0, "image": "", "imageID": "",
           "state": {"running": {"startedAt": started}}})
}

/// A Running pod with the given (name, image, ports) containers, all running since `started`.
pub fn pod(name: &str, containers: &[(&str, &str, &[u16])], started: &str) -> Value {
    let specs: Vec<Value> = containers
        .iter()
        .map(|(n, image, ports)| {
            let ports: Vec<Value> = ports
                .iter()
                .map(|p| json!({"containerPort": p, "protocol": "TCP"}))
                .collect();
            json!({"name": n, "image": image, "ports": ports})
        })
        .collect();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|(n, _, _)| running(n, started))
        .collect();
    json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": specs, "nodeName": "minikube"},
        "status": {"phase": "Running", "podIP": "10.244.0.7", "startTime": started,
                   "containerStatuses": statuses},
    })
}
