//! The resource types the simulated cluster serves: the single table that discovery,
//! routing, the store and Table output all read from, plus the types that the cluster's
//! CustomResourceDefinitions add ([`custom`]).

pub mod custom;

use crate::store::Store;

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
    /// Served for a CustomResourceDefinition: its Table follows `printer_columns`.
    pub custom: bool,
    /// The `additionalPrinterColumns` of a custom resource's version.
    pub printer_columns: &'static [PrinterColumn],
}

/// One `additionalPrinterColumns` entry of a CustomResourceDefinition version.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PrinterColumn {
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: &'static str,
    pub format: &'static str,
    pub description: &'static str,
    pub priority: u8,
    pub json_path: &'static str,
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
            custom: false,
            printer_columns: &[],
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
/// events.k8s.io/v1 Events: the same objects as core/v1 events, in the newer shape.
pub static EVENTS_V1: ResourceType = resource!("events.k8s.io", "v1", "events", "event", "Event", true, short: &["ev"], sub: &[], cat: &[]);
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
pub static PERSISTENT_VOLUME_CLAIMS: ResourceType = resource!("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, short: &["pvc"], sub: &["status"], cat: &[]);
pub static PERSISTENT_VOLUMES: ResourceType = resource!("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, short: &["pv"], sub: &["status"], cat: &[]);
pub static JOBS: ResourceType =
    resource!("batch", "v1", "jobs", "job", "Job", true, short: &[], sub: &["status"], cat: ALL);
pub static CRON_JOBS: ResourceType = resource!("batch", "v1", "cronjobs", "cronjob", "CronJob", true, short: &["cj"], sub: &["status"], cat: ALL);
/// discovery.k8s.io/v1 EndpointSlices, kept by the controllers for every Service with a selector.
pub static ENDPOINT_SLICES: ResourceType = resource!("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, short: &[], sub: &[], cat: &[]);
pub static INGRESS_CLASSES: ResourceType = resource!("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, short: &[], sub: &[], cat: &[]);
pub static ROLES: ResourceType = resource!("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, short: &[], sub: &[], cat: &[]);
pub static ROLE_BINDINGS: ResourceType = resource!("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, short: &[], sub: &[], cat: &[]);
pub static CLUSTER_ROLES: ResourceType = resource!("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, short: &[], sub: &[], cat: &[]);
pub static CLUSTER_ROLE_BINDINGS: ResourceType = resource!("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, short: &[], sub: &[], cat: &[]);
pub static STORAGE_CLASSES: ResourceType = resource!("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, short: &["sc"], sub: &[], cat: &[]);
pub static CUSTOM_RESOURCE_DEFINITIONS: ResourceType = resource!("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, short: &["crd", "crds"], sub: &["status"], cat: &["api-extensions"]);

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
    &PERSISTENT_VOLUME_CLAIMS,
    &PERSISTENT_VOLUMES,
    &DEPLOYMENTS,
    &REPLICASETS,
    &STATEFULSETS,
    &DAEMONSETS,
    &CONTROLLER_REVISIONS,
    &EVENTS_V1,
    &JOBS,
    &CRON_JOBS,
    &INGRESSES,
    &INGRESS_CLASSES,
    &ROLES,
    &ROLE_BINDINGS,
    &CLUSTER_ROLES,
    &CLUSTER_ROLE_BINDINGS,
    &STORAGE_CLASSES,
    &CUSTOM_RESOURCE_DEFINITIONS,
    &ENDPOINT_SLICES,
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

/// Every resource type served by the cluster of `store`: the built-in ones, then those
/// its CustomResourceDefinitions define.
pub fn all(store: &Store) -> Vec<&'static ResourceType> {
    let mut out: Vec<&'static ResourceType> = ALL_RESOURCES.to_vec();
    out.extend(custom::served(store));
    out
}

/// Every resource type the cluster of `st` serves now: [`all`], then the metrics API's
/// types when it is on (discovery lists them; they are not stored).
pub fn served(st: &crate::SimState) -> Vec<&'static ResourceType> {
    let mut out = all(&st.store);
    out.extend(st.metrics.types());
    out
}

/// The resource served at `group`/`version`/`plural` by the cluster of `store`, if any.
pub fn find(
    store: &Store,
    group: &str,
    version: &str,
    plural: &str,
) -> Option<&'static ResourceType> {
    lookup(group, version, plural).or_else(|| {
        custom::served(store)
            .into_iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
    })
}

/// The built-in type stored under `group` and `plural` (the store's key).
pub fn by_type_key(group: &str, plural: &str) -> Option<&'static ResourceType> {
    ALL_RESOURCES
        .iter()
        .copied()
        .find(|r| r.group == group && r.plural == plural)
}

/// The type whose storage holds `res`'s objects: core/v1 events for events.k8s.io/v1,
/// `res` itself for every other type.
pub fn storage_of(res: &ResourceType) -> &ResourceType {
    if std::ptr::eq(res, &EVENTS_V1) {
        &EVENTS
    } else {
        res
    }
}

/// Whether two types address the same stored objects (every version of a custom
/// resource, and its definitions before and after a change of the CRD, do; so do both
/// Event APIs).
pub fn same_type(a: &ResourceType, b: &ResourceType) -> bool {
    let (a, b) = (storage_of(a), storage_of(b));
    std::ptr::eq(a, b) || (a.custom && b.custom && a.group == b.group && a.plural == b.plural)
}

/// The distinct API groups (besides core) of `types`, in order, each with its versions
/// from the preferred one down.
pub fn groups(types: &[&'static ResourceType]) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for r in types.iter().filter(|r| !r.group.is_empty()) {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => versions.push(r.version),
            Some(_) => {}
            None => out.push((r.group, vec![r.version])),
        }
    }
    for (_, versions) in &mut out {
        versions.sort_by_key(|v| std::cmp::Reverse(custom::version_priority(v)));
    }
    out
}
