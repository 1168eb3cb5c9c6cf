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
    self, MetricsAnswer, MetricsRequest, MetricsSample, MetricsScope, NodeUsage,
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
            let api: Api<DynamicObject> = match namespace {
                Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
                None => Api::all_with(client.clone(), &resource),
            };
            let mut params = ListParams::default();
            if let Some(labels) = labels {
                params = params.labels(labels);
            }
            let list = api.list(&params).await.map_err(|e| describe(&e))?;
            let mut namespaces = Interner::default();
            let pods = list
                .items
                .iter()
                .filter_map(|m| {
                    let key = RowKey {
                        namespace: Some(namespaces.get(m.metadata.namespace.as_deref()?)),
                        name: Arc::from(m.metadata.name.as_deref()?),
                    };
                    Some((key, metrics::pod_usage(&m.data)))
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
