//! What a simulated cluster starts with: the node and namespaces of a fresh minikube,
//! the demo workloads (with real rollout history, built by running the controllers
//! through the revisions), or many pods for benchmarks.

mod demo;
pub mod helm;
mod kinds;
pub(crate) mod objects;
mod scale;

use std::sync::Arc;

use anyhow::Context as _;
use serde_json::{json, Value};

use super::controllers::kubelet::Pace;
use super::controllers::Controllers;
use super::defaults::{allocate, apply_defaults};
use super::resources::{NAMESPACES, NODES};
use super::store::{Res, Store, Stored, UpdateScope};
use super::{Seed, SimState};

/// The node every seed has.
pub const NODE: &str = "minikube";
pub const NODE_IP: &str = "192.168.49.2";

/// Fills the store for `seed`. Called once, before the controllers start.
pub fn apply(state: &SimState, seed: &Seed) -> anyhow::Result<()> {
    let mut seeder = Seeder::new(state);
    seeder.base()?;
    match seed {
        Seed::Empty => {}
        Seed::Demo => {
            let node = seeder.store.get(&NODES, "", NODE)?.value.clone();
            seeder.ctl.node_started(&node);
            demo::build(&mut seeder)?
        }
        Seed::Scale { pods, namespaces } => {
            scale::build(&mut seeder, *pods, *namespaces)?;
        }
    }
    seeder.settle();
    Ok(())
}

/// Adds `count` ConfigMaps to the scale seed's first namespace (`team-00`): `rkt sim
/// --seed scale --configmaps N`. Applied to the running store after [`apply`], since the
/// seed description ([`Seed::Scale`]) names only pods and namespaces.
pub fn scale_configmaps(store: &Store, count: usize) -> anyhow::Result<()> {
    scale::configmaps(store, count)
}

/// Creates objects as the API server would (defaults applied) and runs the controllers
/// synchronously, with pods starting instantly, so history is what they produce.
pub struct Seeder {
    pub store: Arc<Store>,
    ctl: Controllers,
    rx: super::store::Feed,
}

impl Seeder {
    fn new(state: &SimState) -> Seeder {
        let store = state.store.clone();
        let rx = store.feed();
        Seeder {
            ctl: Controllers::new(store.clone(), Pace::instant(&state.timing)),
            store,
            rx,
        }
    }

    pub fn create(&mut self, res: Res, ns: &str, mut obj: Value) -> anyhow::Result<Arc<Stored>> {
        let taken = allocate(self.store.addresses(), res, &mut obj, true);
        apply_defaults(res, &mut obj);
        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
        let created = self.store.create(res, ns, obj);
        if created.is_err() {
            self.store.addresses().give_back(taken);
        }
        created.with_context(|| format!("seeding {} {ns}/{name}", res.kind))
    }

    /// Changes an object as a client's update would (spec and metadata, defaults applied).
    pub fn update(
        &mut self,
        res: Res,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> anyhow::Result<()> {
        self.store
            .mutate(res, ns, name, UpdateScope::Main, |obj| {
                f(obj);
                apply_defaults(res, obj);
                Ok(())
            })
            .with_context(|| format!("updating {} {ns}/{name}", res.kind))?;
        Ok(())
    }

    /// Lets the controllers act until nothing more happens right now.
    pub fn settle(&mut self) {
        self.ctl.settle(&mut self.rx);
    }

    /// Node `minikube` and the four namespaces of every cluster.
    fn base(&mut self) -> anyhow::Result<()> {
        self.create(&NODES, "", objects::node(NODE, NODE_IP))?;
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            self.create(&NAMESPACES, "", json!({"metadata": {"name": ns}}))?;
        }
        Ok(())
    }
}
