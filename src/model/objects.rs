//! Objects picked in a table, which object exactly a confirmation names, and the one-shot
//! object effects (delete, YAML, describe) with their answers.

/// The kinds whose objects can be deleted, shown as YAML or described.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    Service,
    Namespace,
}

impl ObjectKind {
    /// As kubectl names it in messages (`pod`, `deployment.apps`).
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Pod => "pod",
            ObjectKind::Deployment => "deployment.apps",
            ObjectKind::StatefulSet => "statefulset.apps",
            ObjectKind::DaemonSet => "daemonset.apps",
            ObjectKind::Service => "service",
            ObjectKind::Namespace => "namespace",
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
    Yaml(ObjectRef),
    Describe(ObjectRef),
}

impl ObjectEffect {
    /// The text view's title for what this effect fetches.
    pub fn title(&self) -> String {
        match self {
            ObjectEffect::Identify(o) => format!("identify {}", o.label()),
            ObjectEffect::Delete { obj, .. } => format!("delete {}", obj.label()),
            ObjectEffect::Yaml(o) => format!("YAML {}", o.label()),
            ObjectEffect::Describe(o) => format!("describe {}", o.label()),
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
}
