//! The resource types the simulated cluster serves: the single table that discovery,
//! routing, the store and Table output all read from.

/// One API resource type, as discovery describes it.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ResourceType {
    /// API group; "" is the legacy core group served under `/api/v1`.
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    /// Discovery verbs.
    pub verbs: &'static [&'static str],
    /// Subresources served (e.g. "status", "scale", "log", "portforward").
    pub subresources: &'static [&'static str],
    pub categories: &'static [&'static str],
}

impl ResourceType {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The URL prefix of the group version: `/api/v1` or `/apis/apps/v1`.
    pub fn group_version_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }
}

const RW: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const ALL: &[&str] = &["all"];

macro_rules! resource {
    ($group:expr, $version:expr, $plural:expr, $singular:expr, $kind:expr, $namespaced:expr,
     short: $short:expr, sub: $sub:expr, cat: $cat:expr) => {
        ResourceType {
            group: $group,
            version: $version,
            plural: $plural,
            singular: $singular,
            kind: $kind,
            namespaced: $namespaced,
            short_names: $short,
            verbs: RW,
            subresources: $sub,
            categories: $cat,
        }
    };
}

pub static NAMESPACES: ResourceType = resource!("", "v1", "namespaces", "namespace", "Namespace", false, short: &["ns"], sub: &["status"], cat: &[]);
pub static NODES: ResourceType =
    resource!("", "v1", "nodes", "node", "Node", false, short: &["no"], sub: &["status"], cat: &[]);
pub static PODS: ResourceType = resource!("", "v1", "pods", "pod", "Pod", true, short: &["po"], sub: &["status", "log", "portforward", "exec", "eviction"], cat: ALL);
pub static SERVICES: ResourceType = resource!("", "v1", "services", "service", "Service", true, short: &["svc"], sub: &["status"], cat: ALL);
pub static ENDPOINTS: ResourceType = resource!("", "v1", "endpoints", "endpoints", "Endpoints", true, short: &["ep"], sub: &[], cat: &[]);
pub static EVENTS: ResourceType =
    resource!("", "v1", "events", "event", "Event", true, short: &["ev"], sub: &[], cat: &[]);
pub static CONFIGMAPS: ResourceType = resource!("", "v1", "configmaps", "configmap", "ConfigMap", true, short: &["cm"], sub: &[], cat: &[]);
pub static SECRETS: ResourceType =
    resource!("", "v1", "secrets", "secret", "Secret", true, short: &[], sub: &[], cat: &[]);
pub static SERVICE_ACCOUNTS: ResourceType = resource!("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, short: &["sa"], sub: &[], cat: &[]);
pub static DEPLOYMENTS: ResourceType = resource!("apps", "v1", "deployments", "deployment", "Deployment", true, short: &["deploy"], sub: &["status", "scale"], cat: ALL);
pub static REPLICASETS: ResourceType = resource!("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, short: &["rs"], sub: &["status", "scale"], cat: ALL);
pub static STATEFULSETS: ResourceType = resource!("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, short: &["sts"], sub: &["status", "scale"], cat: ALL);
pub static DAEMONSETS: ResourceType = resource!("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, short: &["ds"], sub: &["status"], cat: ALL);
pub static CONTROLLER_REVISIONS: ResourceType = resource!("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, short: &[], sub: &[], cat: &[]);
pub static INGRESSES: ResourceType = resource!("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, short: &["ing"], sub: &["status"], cat: &[]);

/// Every resource type the simulation serves, in discovery order.
pub static ALL_RESOURCES: &[&ResourceType] = &[
    &NAMESPACES,
    &NODES,
    &PODS,
    &SERVICES,
    &ENDPOINTS,
    &EVENTS,
    &CONFIGMAPS,
    &SECRETS,
    &SERVICE_ACCOUNTS,
    &DEPLOYMENTS,
    &REPLICASETS,
    &STATEFULSETS,
    &DAEMONSETS,
    &CONTROLLER_REVISIONS,
    &INGRESSES,
];

/// The resource served at `group`/`version`/`plural`, if any.
pub fn lookup(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    ALL_RESOURCES
        .iter()
        .copied()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The resource of a `kind` in `apiVersion` (as found in an object or an ownerReference).
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    ALL_RESOURCES
        .iter()
        .copied()
        .find(|r| r.api_version() == api_version && r.kind == kind)
}

/// The distinct API groups (besides core), in discovery order.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in ALL_RESOURCES {
        if !r.group.is_empty() && !out.contains(&r.group) {
            out.push(r.group);
        }
    }
    out
}
