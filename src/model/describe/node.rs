//! A Node as kubectl's `describeNode` prints it, with the requests and limits of the pods on it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, Event, Node, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::text::{str_or, time_or, Out, NONE, UNSET};
use super::{events, typed, Related};
use crate::model::format::age;
use crate::model::quantity::{parse, Milli};

const ROLE_PREFIX: &str = "node-role.kubernetes.io/";
const ROLE_LABEL: &str = "kubernetes.io/role";

type Resources = BTreeMap<String, Milli>;

pub(super) fn describe(node: &Node, events: &[Event], related: &Related, now: Timestamp) -> String {
    let mut out = Out::default();
    let meta = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    out.field(0, "Name", str_or(&meta.name, ""));
    out.field(0, "Roles", roles(node));
    out.labels(0, "Labels", meta.labels.as_ref());
    out.annotations(0, "Annotations", meta.annotations.as_ref());
    out.field(
        0,
        "CreationTimestamp",
        time_or(meta.creation_timestamp.as_ref(), UNSET),
    );
    let mut taints = spec.taints.clone().unwrap_or_default();
    taints.sort_by(|a, b| (&a.effect, &a.key).cmp(&(&b.effect, &b.key)));
    let taints: Vec<String> = taints
        .iter()
        .map(|t| match t.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{}={v}:{}", t.key, t.effect),
            None => format!("{}:{}", t.key, t.effect),
        })
        .collect();
    out.list(0, "Taints", &taints);
    out.field(0, "Unschedulable", spec.unschedulable.unwrap_or(false));
    let conditions = status
        .conditions
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            [
                c.type_.clone(),
                c.status.clone(),
                time_or(c.last_heartbeat_time.as_ref(), ""),
                time_or(c.last_transition_time.as_ref(), ""),
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.conditions("LastHeartbeatTime", conditions);
    out.line(0, "Addresses:");
    for a in status.addresses.iter().flatten() {
        out.field(1, &a.type_, &a.address);
    }
    resource_list(&mut out, "Capacity", status.capacity.as_ref());
    resource_list(&mut out, "Allocatable", status.allocatable.as_ref());
    if let Some(info) = &status.node_info {
        out.line(0, "System Info:");
        for (label, value) in [
            ("Machine ID", &info.machine_id),
            ("System UUID", &info.system_uuid),
            ("Boot ID", &info.boot_id),
            ("Kernel Version", &info.kernel_version),
            ("OS Image", &info.os_image),
            ("Operating System", &info.operating_system),
            ("Architecture", &info.architecture),
            ("Container Runtime Version", &info.container_runtime_version),
            ("Kubelet Version", &info.kubelet_version),
        ] {
            out.field(1, label, value);
        }
    }
    out.field_opt(
        0,
        "PodCIDR",
        spec.pod_cidr.as_deref().filter(|s| !s.is_empty()),
    );
    let cidrs = spec.pod_cidrs.clone().unwrap_or_default();
    if !cidrs.is_empty() {
        out.field(0, "PodCIDRs", cidrs.join(","));
    }
    out.field_opt(
        0,
        "ProviderID",
        spec.provider_id.as_deref().filter(|s| !s.is_empty()),
    );
    let empty = BTreeMap::new();
    let allocatable = status
        .allocatable
        .as_ref()
        .filter(|a| !a.is_empty())
        .or(status.capacity.as_ref())
        .unwrap_or(&empty);
    pods(&mut out, allocatable, related, now);
    events::section(&mut out, events, now);
    out.finish()
}

/// kubectl's roles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`.
fn roles(node: &Node) -> String {
    let mut roles: Vec<&str> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix(ROLE_PREFIX) {
            Some(role) if !role.is_empty() => Some(role),
            _ if k == ROLE_LABEL && !v.is_empty() => Some(v.as_str()),
            _ => None,
        })
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        NONE.into()
    } else {
        roles.join(",")
    }
}

fn resource_list(out: &mut Out, title: &str, list: Option<&BTreeMap<String, Quantity>>) {
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        return;
    };
    out.line(0, format!("{title}:"));
    for (name, q) in list {
        out.field(1, name, &q.0);
    }
}

/// The `Non-terminated Pods` table and the `Allocated resources` totals.
fn pods(
    out: &mut Out,
    allocatable: &BTreeMap<String, Quantity>,
    related: &Related,
    now: Timestamp,
) {
    let pods: Vec<Pod> = related
        .pods
        .iter()
        .filter_map(typed::<Pod>)
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .collect();
    let alloc = |name: &str| {
        allocatable
            .get(name)
            .and_then(|q| parse(&q.0))
            .unwrap_or_default()
    };
    let cell = |r: &Resources, name: &str| {
        let v = r.get(name).copied().unwrap_or_default();
        format!("{v} ({}%)", v.percent_of(alloc(name)))
    };
    out.field(
        0,
        "Non-terminated Pods",
        format!("({} in total)", pods.len()),
    );
    let headers =
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge";
    out.line(1, headers);
    out.line(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let (mut total_req, mut total_lim) = (Resources::new(), Resources::new());
    for pod in &pods {
        let (req, lim) = (
            pod_resources(pod, Which::Requests),
            pod_resources(pod, Which::Limits),
        );
        out.line(
            1,
            format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}",
                str_or(&pod.metadata.namespace, ""),
                str_or(&pod.metadata.name, ""),
                cell(&req, "cpu"),
                cell(&lim, "cpu"),
                cell(&req, "memory"),
                cell(&lim, "memory"),
                age(pod.metadata.creation_timestamp.as_ref().map(|t| t.0), now)
            ),
        );
        add_into(&mut total_req, &req);
        add_into(&mut total_lim, &lim);
    }
    out.line(0, "Allocated resources:");
    out.line(
        1,
        "(Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    let hugepages = allocatable
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("hugepages-"));
    let mut rows: Vec<String> = ["cpu", "memory", "ephemeral-storage"]
        .into_iter()
        .chain(hugepages)
        .map(|name| {
            format!(
                "{name}\t{}\t{}",
                cell(&total_req, name),
                cell(&total_lim, name)
            )
        })
        .collect();
    for ext in allocatable.keys().filter(|k| is_extended(k)) {
        let value = |r: &Resources| r.get(ext.as_str()).copied().unwrap_or_default().to_string();
        rows.push(format!(
            "{ext}\t{}\t{}",
            value(&total_req),
            value(&total_lim)
        ));
    }
    out.table(1, &["Resource", "Requests", "Limits"], rows);
}

fn is_extended(name: &str) -> bool {
    !matches!(
        name,
        "cpu" | "memory" | "ephemeral-storage" | "storage" | "pods"
    ) && !name.starts_with("hugepages-")
}

#[derive(Clone, Copy)]
enum Which {
    Requests,
    Limits,
}

/// A pod's requests or limits: its containers summed, or its largest init container where
/// that is more (kubectl's `PodRequests`/`PodLimits`).
fn pod_resources(pod: &Pod, which: Which) -> Resources {
    let spec = pod.spec.clone().unwrap_or_default();
    let mut total = Resources::new();
    for c in &spec.containers {
        add_into(&mut total, &container_resources(c, which));
    }
    for c in spec.init_containers.iter().flatten() {
        for (name, v) in container_resources(c, which) {
            let entry = total.entry(name).or_default();
            *entry = entry.max(v);
        }
    }
    total
}

fn container_resources(c: &Container, which: Which) -> Resources {
    let r = c.resources.as_ref();
    let map = match which {
        Which::Requests => r.and_then(|r| r.requests.as_ref()),
        Which::Limits => r.and_then(|r| r.limits.as_ref()),
    };
    map.into_iter()
        .flatten()
        .filter_map(|(k, q)| parse(&q.0).map(|m| (k.clone(), m)))
        .collect()
}

fn add_into(total: &mut Resources, more: &Resources) {
    for (name, v) in more {
        let entry = total.entry(name.clone()).or_default();
        *entry = *entry + *v;
    }
}
