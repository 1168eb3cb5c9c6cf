//! Which pods and containers a log target means: one pod, or every pod of its owner.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, ListParams};
use kube::Client;

use crate::model::logs::{ContainerChoice, LogScope, LogSource, LogTarget};

const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// What a log target means now: its pods and, for an owner or a workload, the selector
/// that finds its pods (so they can be followed as they come and go) and what it is, as
/// `kind/name` (`deployment/web` for `L` on one of web's pods).
#[derive(Debug, Default)]
pub struct Resolved {
    pub pods: Vec<Pod>,
    pub selector: Option<String>,
    pub owner: Option<String>,
}

/// Resolves a target to its pods (sorted by name, none being deleted).
pub async fn resolve(client: &Client, target: &LogTarget) -> anyhow::Result<Resolved> {
    let pods_api: Api<Pod> = Api::namespaced(client.clone(), &target.namespace);
    let resolved = match &target.scope {
        LogScope::Pod(name) => Resolved {
            pods: vec![pods_api.get(name).await?],
            ..Resolved::default()
        },
        LogScope::OwnerOf(name) => {
            let pod = pods_api.get(name).await?;
            match owner_of(client, &target.namespace, &pod).await? {
                Some((owner, selector)) => Resolved {
                    pods: list_pods(&pods_api, &selector).await?,
                    selector: Some(selector),
                    owner: Some(owner),
                },
                None => Resolved {
                    pods: vec![pod],
                    owner: Some(name.clone()),
                    ..Resolved::default()
                },
            }
        }
        LogScope::Workload { kind, name } => {
            let selector = workload_selector(client, &target.namespace, kind, name)
                .await?
                .ok_or_else(|| anyhow::anyhow!("{kind}/{name} has no pod selector"))?;
            Resolved {
                pods: list_pods(&pods_api, &selector).await?,
                selector: Some(selector),
                owner: Some(target.scope.name()),
            }
        }
    };
    if resolved.pods.is_empty() {
        anyhow::bail!("no pods found for {}", target.scope.name());
    }
    Ok(resolved)
}

/// The sources of one pod: one per container the choice names.
pub fn pod_sources(pod: &Pod, choice: &ContainerChoice) -> Vec<Arc<LogSource>> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    containers(pod, choice)
        .into_iter()
        .map(|container| LogSource::new(pod_name.clone(), container))
        .collect()
}

/// Every container of the target's pod, for the container picker.
pub async fn pod_containers(client: &Client, target: &LogTarget) -> anyhow::Result<Vec<String>> {
    let name = match &target.scope {
        LogScope::Pod(name) | LogScope::OwnerOf(name) => name,
        LogScope::Workload { .. } => anyhow::bail!("containers are picked per pod"),
    };
    let pod = Api::<Pod>::namespaced(client.clone(), &target.namespace)
        .get(name)
        .await?;
    Ok(containers(&pod, &ContainerChoice::All))
}

/// The containers of `pod` the choice names (the default one as kubectl picks it).
pub fn containers(pod: &Pod, choice: &ContainerChoice) -> Vec<String> {
    let names: Vec<String> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    match choice {
        ContainerChoice::Named(c) => vec![c.clone()],
        ContainerChoice::All => names,
        ContainerChoice::Default => {
            let annotated = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CONTAINER_ANNOTATION))
                .filter(|c| names.contains(c));
            annotated.or(names.first()).cloned().into_iter().collect()
        }
    }
}

async fn list_pods(api: &Api<Pod>, selector: &str) -> anyhow::Result<Vec<Pod>> {
    let mut pods = api
        .list(&ListParams::default().labels(selector))
        .await?
        .items;
    pods.retain(|p| p.metadata.deletion_timestamp.is_none());
    pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(pods)
}

/// The workload that ultimately controls `pod` (a ReplicaSet's Deployment, a StatefulSet, a
/// DaemonSet, a Job), as `kind/name`, with its label selector; `None` for a bare pod or an
/// owner without a pod selector rkt knows.
async fn owner_of(
    client: &Client,
    ns: &str,
    pod: &Pod,
) -> anyhow::Result<Option<(String, String)>> {
    let Some(owner) = controller_of(pod.metadata.owner_references.as_deref()) else {
        return Ok(None);
    };
    if owner.kind == "ReplicaSet" {
        let rs: ReplicaSet = Api::namespaced(client.clone(), ns).get(&owner.name).await?;
        if let Some(dep) = controller_of(rs.metadata.owner_references.as_deref()) {
            if dep.kind == "Deployment" {
                let selector = workload_selector(client, ns, "Deployment", &dep.name).await?;
                return Ok(selector.map(|s| (dep.label(), s)));
            }
        }
        let selector = rs
            .spec
            .map(|s| selector_string(&s.selector))
            .filter(|s| !s.is_empty());
        return Ok(selector.map(|s| (owner.label(), s)));
    }
    let selector = workload_selector(client, ns, &owner.kind, &owner.name).await?;
    Ok(selector.map(|s| (owner.label(), s)))
}

struct Owner {
    kind: String,
    name: String,
}

impl Owner {
    /// `deployment/web`, as kubectl names objects.
    fn label(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.name)
    }
}

fn controller_of(
    refs: Option<&[k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference]>,
) -> Option<Owner> {
    refs?
        .iter()
        .find(|r| r.controller == Some(true))
        .map(|r| Owner {
            kind: r.kind.clone(),
            name: r.name.clone(),
        })
}

/// The pod selector of a workload by kind and name.
pub async fn workload_selector(
    client: &Client,
    ns: &str,
    kind: &str,
    name: &str,
) -> anyhow::Result<Option<String>> {
    let c = client.clone();
    let selector = match kind {
        "Deployment" => Api::<Deployment>::namespaced(c, ns)
            .get(name)
            .await?
            .spec
            .map(|s| s.selector),
        "ReplicaSet" => Api::<ReplicaSet>::namespaced(c, ns)
            .get(name)
            .await?
            .spec
            .map(|s| s.selector),
        "StatefulSet" => Api::<StatefulSet>::namespaced(c, ns)
            .get(name)
            .await?
            .spec
            .map(|s| s.selector),
        "DaemonSet" => Api::<DaemonSet>::namespaced(c, ns)
            .get(name)
            .await?
            .spec
            .map(|s| s.selector),
        "Job" => Api::<Job>::namespaced(c, ns)
            .get(name)
            .await?
            .spec
            .and_then(|s| s.selector),
        _ => None,
    };
    Ok(selector
        .map(|s| selector_string(&s))
        .filter(|s| !s.is_empty()))
}

/// `matchLabels` and the set-based `matchExpressions` as a label selector string.
pub fn selector_string(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .as_ref()
        .unwrap_or(&BTreeMap::new())
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        match e.operator.as_str() {
            "In" => parts.push(format!("{} in ({values})", e.key)),
            "NotIn" => parts.push(format!("{} notin ({values})", e.key)),
            "Exists" => parts.push(e.key.clone()),
            "DoesNotExist" => parts.push(format!("!{}", e.key)),
            _ => {}
        }
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn pod(containers: &[&str], default: Option<&str>) -> Pod {
        let mut p = Pod {
            spec: Some(PodSpec {
                containers: containers
                    .iter()
                    .map(|n| Container {
                        name: n.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        };
        if let Some(d) = default {
            p.metadata.annotations = Some(BTreeMap::from([(
                DEFAULT_CONTAINER_ANNOTATION.to_string(),
                d.to_string(),
            )]));
        }
        p
    }

    #[test]
    fn default_container_follows_kubectl() {
        let p = pod(&["app", "sidecar"], None);
        assert_eq!(containers(&p, &ContainerChoice::Default), vec!["app"]);
        let annotated = pod(&["app", "sidecar"], Some("sidecar"));
        assert_eq!(
            containers(&annotated, &ContainerChoice::Default),
            vec!["sidecar"]
        );
        let bogus = pod(&["app"], Some("nope"));
        assert_eq!(containers(&bogus, &ContainerChoice::Default), vec!["app"]);
        assert_eq!(
            containers(&p, &ContainerChoice::All),
            vec!["app", "sidecar"]
        );
        assert_eq!(
            containers(&p, &ContainerChoice::Named("x".into())),
            vec!["x"]
        );
    }

    #[test]
    fn selectors_render_like_kubectl() {
        let sel = LabelSelector {
            match_labels: Some(BTreeMap::from([("app".into(), "web".into())])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: Some(vec!["a".into(), "b".into()]),
            }]),
        };
        assert_eq!(selector_string(&sel), "app=web,tier in (a,b)");
    }
}
