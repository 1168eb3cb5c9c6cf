//! Objects picked in a table, which object exactly a confirmation names, and the one-shot
//! object effects (delete, YAML, describe) with their answers.

use std::sync::Arc;

/// The API resource an object belongs to: enough to address it (group, version, plural,
/// scope) and to name it as kubectl does. Typed views use the constructors below; every
/// other kind comes from discovery (`model::discovery`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKind {
    /// `""` for the core group.
    pub group: Arc<str>,
    pub version: Arc<str>,
    /// `Deployment`, `CronTab`.
    pub kind: Arc<str>,
    /// `deployments`: the path segment.
    pub plural: Arc<str>,
    pub namespaced: bool,
}

impl ObjectKind {
    pub fn new(group: &str, version: &str, kind: &str, plural: &str, namespaced: bool) -> Self {
        ObjectKind {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
        }
    }

    pub fn pod() -> Self {
        Self::new("", "v1", "Pod", "pods", true)
    }
    pub fn service() -> Self {
        Self::new("", "v1", "Service", "services", true)
    }
    pub fn namespace() -> Self {
        Self::new("", "v1", "Namespace", "namespaces", false)
    }
    pub fn deployment() -> Self {
        Self::new("apps", "v1", "Deployment", "deployments", true)
    }
    pub fn statefulset() -> Self {
        Self::new("apps", "v1", "StatefulSet", "statefulsets", true)
    }
    pub fn daemonset() -> Self {
        Self::new("apps", "v1", "DaemonSet", "daemonsets", true)
    }

    /// As kubectl names it in messages (`pod`, `deployment.apps`).
    pub fn label(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group)
        }
    }

    /// `v1`, `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether this is `kind` of `group` (any version).
    pub fn is(&self, group: &str, kind: &str) -> bool {
        &*self.group == group && &*self.kind == kind
    }

    /// Whether both name the same resource (versions aside).
    pub fn same_resource(&self, other: &ObjectKind) -> bool {
        self.group == other.group && self.plural == other.plural
    }
}

/// Narrows a list as `kubectl get -l … --field-selector …` does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    pub labels: Option<String>,
    pub fields: Option<String>,
}

impl Selector {
    /// Both selectors at once: objects must match each (requirements joined by `,`).
    pub fn and(&self, other: &Selector) -> Selector {
        fn join(a: &Option<String>, b: &Option<String>) -> Option<String> {
            match (
                a.as_deref().filter(|s| !s.is_empty()),
                b.as_deref().filter(|s| !s.is_empty()),
            ) {
                (Some(a), Some(b)) => Some(format!("{a},{b}")),
                (Some(s), None) | (None, Some(s)) => Some(s.to_string()),
                (None, None) => None,
            }
        }
        Selector {
            labels: join(&self.labels, &other.labels),
            fields: join(&self.fields, &other.fields),
        }
    }
}

/// An object picked in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// `pod default/web-0`, `namespace dev`.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.label(), self.name),
            None => format!("{} {}", self.kind.label(), self.name),
        }
    }
}

/// Which object, exactly, a confirmation was about: a name can be reused by a new object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub uid: String,
    pub resource_version: String,
}

/// How the containers view's title starts.
pub const CONTAINERS_TITLE: &str = "containers of";

/// What the runtime does for these actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectEffect {
    /// Learn the uid and resourceVersion of the object a confirmation names.
    Identify(ObjectRef),
    /// Delete the object, only if it is still the one confirmed.
    Delete {
        obj: ObjectRef,
        confirmed: Identity,
    },
    /// The object as YAML; a Secret's values masked.
    Yaml(ObjectRef),
    /// A Secret as YAML with its values decoded: only when the user asks (`x`).
    Reveal(ObjectRef),
    Describe(ObjectRef),
    /// A pod's containers and probes (`model::containers`).
    Containers(ObjectRef),
    /// Where `enter` on the object leads (`model::drill`).
    Drill(ObjectRef),
    /// What the details region shows about the selected object (`model::insight`).
    Insight(ObjectRef),
}

impl ObjectEffect {
    /// The text view's title for what this effect fetches.
    pub fn title(&self) -> String {
        match self {
            ObjectEffect::Identify(o) => format!("identify {}", o.label()),
            ObjectEffect::Delete { obj, .. } => format!("delete {}", obj.label()),
            ObjectEffect::Yaml(o) => format!("YAML {}", o.label()),
            ObjectEffect::Reveal(o) => format!("YAML {} [REVEALED]", o.label()),
            ObjectEffect::Describe(o) => format!("describe {}", o.label()),
            ObjectEffect::Containers(o) => format!("{CONTAINERS_TITLE} {}", o.label()),
            ObjectEffect::Drill(o) => format!("open {}", o.label()),
            ObjectEffect::Insight(o) => format!("details of {}", o.label()),
        }
    }
}

/// The runtime's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectMsg {
    Identified {
        obj: ObjectRef,
        result: Result<Identity, String>,
    },
    Deleted(Result<String, String>),
    Text {
        title: String,
        result: Result<String, String>,
    },
    Drilled {
        from: ObjectRef,
        result: Result<crate::model::drill::Drill, String>,
    },
    Insight {
        obj: ObjectRef,
        result: Result<crate::model::insight::Insight, String>,
    },
}
