//! One read of `metrics.k8s.io`: the PodMetrics of a scope, or the NodeMetrics with each
//! node's allocatable, as dynamic objects through kube-rs, turned into the small usage maps
//! the state keeps. Bounded in time: a metrics server that does not answer (an aggregated
//! API whose backend is down) gives an error after [`TIMEOUT`], never a read that hangs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, DynamicObject, ListParams};
use kube::Client;

use crate::model::convert::Interner;
use crate::model::metrics::{
    self, MetricsAnswer, MetricsRequest, MetricsSample, MetricsScope, NodeUsage, Usage,
};
use crate::model::rows::RowKey;

/// Longest a read may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads what `request` asks for.
pub async fn read(client: &Client, request: MetricsRequest) -> MetricsAnswer {
    let sample = match tokio::time::timeout(TIMEOUT, sample(client, &request)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {}s", TIMEOUT.as_secs())),
    };
    MetricsAnswer {
        gen: request.gen,
        sample,
    }
}

fn describe(e: &kube::Error) -> String {
    format!("metrics: {}", super::watch::describe_client(e))
}

async fn sample(client: &Client, request: &MetricsRequest) -> Result<MetricsSample, String> {
    let resource = super::objects::resource(&request.kind);
    match &request.scope {
        MetricsScope::Pods { namespace, labels } => {
            let mut params = ListParams::default();
            if let Some(labels) = labels {
                params = params.labels(labels);
            }
            // Only the names and usage quantities are read out of the answer: at 100 000
            // pods a list of dynamic objects (metadata and a JSON tree each) peaked at
            // hundreds of MB for a moment every read.
            let path = <DynamicObject as kube::Resource>::url_path(&resource, namespace.as_deref());
            let request = kube::core::Request::new(path)
                .list(&params)
                .map_err(|e| format!("metrics: {e}"))?;
            let list: PodMetricsList = client.request(request).await.map_err(|e| describe(&e))?;
            let mut namespaces = Interner::default();
            let pods = list
                .items
                .into_iter()
                .filter_map(|m| {
                    let key = RowKey {
                        namespace: Some(namespaces.get(m.metadata.namespace.as_deref()?)),
                        name: Arc::from(m.metadata.name),
                    };
                    let usage = m.containers.iter().fold(Usage::default(), |sum, c| {
                        let one =
                            metrics::usage_from(c.usage.cpu.as_deref(), c.usage.memory.as_deref());
                        Usage {
                            cpu: sum.cpu.saturating_add(one.cpu),
                            memory: sum.memory.saturating_add(one.memory),
                        }
                    });
                    Some((key, usage))
                })
                .collect();
            Ok(MetricsSample::Pods(pods))
        }
        MetricsScope::Nodes => {
            let usage: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
            let nodes: Api<Node> = Api::all(client.clone());
            let params = ListParams::default();
            let (usage, nodes) = futures::join!(usage.list(&params), nodes.list(&params));
            let usage = usage.map_err(|e| describe(&e))?;
            // Without the nodes (not allowed to list them) the usage still shows.
            let allocatable: HashMap<String, metrics::Usage> = nodes
                .map(|list| list.items)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|n| {
                    let alloc = n.status?.allocatable?;
                    Some((n.metadata.name?, metrics::allocatable(&alloc)?))
                })
                .collect();
            let nodes = usage
                .items
                .iter()
                .filter_map(|m| {
                    let name = m.metadata.name.as_deref()?;
                    let node = NodeUsage {
                        usage: metrics::node_usage(&m.data),
                        allocatable: allocatable.get(name).copied(),
                    };
                    Some((Arc::from(name), node))
                })
                .collect();
            Ok(MetricsSample::Nodes(nodes))
        }
    }
}

/// A PodMetricsList as far as rkt reads it.
#[derive(serde::Deserialize)]
struct PodMetricsList {
    #[serde(default)]
    items: Vec<PodMetricsItem>,
}

#[derive(serde::Deserialize)]
struct PodMetricsItem {
    metadata: ItemMeta,
    #[serde(default)]
    containers: Vec<ContainerMetrics>,
}

#[derive(serde::Deserialize)]
struct ItemMeta {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(serde::Deserialize)]
struct ContainerMetrics {
    #[serde(default)]
    usage: UsageQuantities,
}

#[derive(serde::Deserialize, Default)]
struct UsageQuantities {
    #[serde(default)]
    cpu: Option<String>,
    #[serde(default)]
    memory: Option<String>,
}
