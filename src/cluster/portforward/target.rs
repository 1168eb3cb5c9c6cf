//! What can be forwarded to: a pod, or the pods behind a Service, Deployment or
//! StatefulSet; which ports it offers; and how a chosen remote port maps to a pod port.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::ListParams;
use kube::{Api, Client};

use super::choose::{choose_pod, container_ports, ContainerPort, PodCandidate};
use super::{ForwardError, PodSelector, PortOption, TargetKind, TargetPort, TargetRef};

/// A resolved target: how to find its pods and the ports it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    pub target: TargetRef,
    pub selector: PodSelector,
    pub ports: Vec<PortOption>,
}

impl TargetInfo {
    /// The pod port a connection to `remote_port` uses on `pod` (kubectl's
    /// `LookupContainerPortNumberByServicePort` for Services; the number itself otherwise).
    pub fn pod_port(&self, remote_port: u16, pod: &PodCandidate) -> Result<u16, ForwardError> {
        if self.target.kind != TargetKind::Service {
            return Ok(remote_port);
        }
        let option = self
            .ports
            .iter()
            .find(|p| p.remote_port == remote_port)
            .ok_or_else(|| ForwardError::NoSuchServicePort {
                target: self.target.to_string(),
                port: remote_port,
            })?;
        match &option.target {
            None => Ok(remote_port),
            Some(TargetPort::Number(n)) => Ok(*n),
            Some(TargetPort::Name(name)) => {
                pod.port_named(name)
                    .ok_or_else(|| ForwardError::NoNamedPort {
                        pod: pod.name.clone(),
                        name: name.clone(),
                    })
            }
        }
    }

    /// Checks a remote port before a forward starts: a Service must have it, UDP is refused.
    pub fn check_port(&self, remote_port: u16) -> Result<(), ForwardError> {
        let option = self.ports.iter().find(|p| p.remote_port == remote_port);
        if let Some(option) = option {
            if option.protocol.eq_ignore_ascii_case("UDP") {
                return Err(ForwardError::Udp(remote_port));
            }
        } else if self.target.kind == TargetKind::Service {
            return Err(ForwardError::NoSuchServicePort {
                target: self.target.to_string(),
                port: remote_port,
            });
        }
        Ok(())
    }
}

/// A `LabelSelector` as the query-string form (`matchLabels` and `matchExpressions`).
pub fn selector_string(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            other => format!("{} {other} ({values})", e.key),
        });
    }
    parts.join(",")
}

fn map_selector(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn container_options(ports: Vec<ContainerPort>) -> Vec<PortOption> {
    let mut out: Vec<PortOption> = Vec::new();
    for p in ports {
        if out
            .iter()
            .any(|o| o.remote_port == p.port && o.protocol == p.protocol)
        {
            continue;
        }
        out.push(PortOption {
            remote_port: p.port,
            pod_port: Some(p.port),
            name: p.name,
            protocol: p.protocol,
            target: None,
        });
    }
    out
}

fn template_ports(template: Option<&PodTemplateSpec>) -> Vec<PortOption> {
    let ports = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| container_ports(&s.containers))
        .unwrap_or_default();
    container_options(ports)
}

fn workload_selector(
    target: &TargetRef,
    sel: Option<&LabelSelector>,
) -> Result<PodSelector, ForwardError> {
    let s = sel.map(selector_string).unwrap_or_default();
    if s.is_empty() {
        return Err(ForwardError::NoSelector(target.to_string()));
    }
    Ok(PodSelector::Labels(s))
}

fn api_error(target: &TargetRef, err: kube::Error) -> ForwardError {
    match &err {
        kube::Error::Api(s) if s.code == 404 => ForwardError::NotFound(target.to_string()),
        kube::Error::Api(s) if s.code == 403 => ForwardError::Forbidden(s.message.clone()),
        _ => ForwardError::Api(err.to_string()),
    }
}

/// Fetches the target and works out its pod selector and ports. For a Service with
/// named target ports, the names are resolved against the pod a connection would use now.
pub async fn resolve_target(
    client: &Client,
    target: &TargetRef,
) -> Result<TargetInfo, ForwardError> {
    let ns = target.namespace.as_str();
    let fail = |e| api_error(target, e);
    let (selector, ports) = match target.kind {
        TargetKind::Pod => {
            let pod = Api::<Pod>::namespaced(client.clone(), ns)
                .get(&target.name)
                .await
                .map_err(fail)?;
            let ports = container_options(PodCandidate::from_pod(&pod).container_ports);
            (PodSelector::Name(target.name.clone()), ports)
        }
        TargetKind::Deployment => {
            let d = Api::<Deployment>::namespaced(client.clone(), ns)
                .get(&target.name)
                .await
                .map_err(fail)?;
            let spec = d.spec.as_ref();
            let selector = workload_selector(target, spec.map(|s| &s.selector))?;
            (selector, template_ports(spec.map(|s| &s.template)))
        }
        TargetKind::StatefulSet => {
            let s = Api::<StatefulSet>::namespaced(client.clone(), ns)
                .get(&target.name)
                .await
                .map_err(fail)?;
            let spec = s.spec.as_ref();
            let selector = workload_selector(target, spec.map(|s| &s.selector))?;
            (selector, template_ports(spec.map(|s| &s.template)))
        }
        TargetKind::Service => {
            let svc = Api::<Service>::namespaced(client.clone(), ns)
                .get(&target.name)
                .await
                .map_err(fail)?;
            let spec = svc.spec.unwrap_or_default();
            let labels = spec.selector.unwrap_or_default();
            if labels.is_empty() {
                return Err(ForwardError::NoSelector(target.to_string()));
            }
            let selector = map_selector(&labels);
            let ports = service_ports(spec.ports.unwrap_or_default());
            let mut info = TargetInfo {
                target: target.clone(),
                selector: PodSelector::Labels(selector.clone()),
                ports,
            };
            resolve_named_ports(client, ns, &selector, &mut info).await;
            return Ok(info);
        }
    };
    Ok(TargetInfo {
        target: target.clone(),
        selector,
        ports,
    })
}

fn service_ports(ports: Vec<k8s_openapi::api::core::v1::ServicePort>) -> Vec<PortOption> {
    ports
        .into_iter()
        .filter_map(|p| {
            let remote_port = u16::try_from(p.port).ok()?;
            let target = match p.target_port {
                Some(IntOrString::Int(0)) | None => None,
                Some(IntOrString::Int(n)) => Some(TargetPort::Number(u16::try_from(n).ok()?)),
                Some(IntOrString::String(s)) => match s.parse::<u16>() {
                    Ok(n) => Some(TargetPort::Number(n)),
                    Err(_) => Some(TargetPort::Name(s)),
                },
            };
            let pod_port = match &target {
                None => Some(remote_port),
                Some(TargetPort::Number(n)) => Some(*n),
                Some(TargetPort::Name(_)) => None,
            };
            Some(PortOption {
                remote_port,
                name: p.name.filter(|n| !n.is_empty()),
                protocol: p.protocol.unwrap_or_else(|| "TCP".to_string()),
                target,
                pod_port,
            })
        })
        .collect()
}

/// Best effort: fills `pod_port` of named target ports from the pod kubectl would pick.
async fn resolve_named_ports(client: &Client, ns: &str, selector: &str, info: &mut TargetInfo) {
    if !info
        .ports
        .iter()
        .any(|p| matches!(p.target, Some(TargetPort::Name(_))))
    {
        return;
    }
    let api = Api::<Pod>::namespaced(client.clone(), ns);
    let Ok(list) = api.list(&ListParams::default().labels(selector)).await else {
        return;
    };
    let pods: Vec<PodCandidate> = list.items.iter().map(PodCandidate::from_pod).collect();
    let Some(pod) = choose_pod(&pods) else { return };
    for option in &mut info.ports {
        if let Some(TargetPort::Name(name)) = &option.target {
            option.pod_port = pod.port_named(name);
        }
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
