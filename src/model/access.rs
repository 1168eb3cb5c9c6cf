//! "May I?": one question to the API server's SelfSubjectAccessReview, asked before a
//! dialog for a change opens, and its answer.

use std::fmt;

/// What an action needs: a verb on a resource (or its subresource) in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessQuery {
    /// `delete`, `patch`, `create` …
    pub verb: &'static str,
    /// `""` for the core group.
    pub group: String,
    /// The plural: `pods`, `deployments`.
    pub resource: String,
    /// `exec`, `portforward`, or `""`.
    pub subresource: &'static str,
    /// `None` for a cluster-scoped resource.
    pub namespace: Option<String>,
}

impl AccessQuery {
    /// `pods`, `deployments.apps`, `pods/exec`, as kubectl names them.
    pub fn resource_label(&self) -> String {
        let mut label = self.resource.clone();
        if !self.group.is_empty() {
            label = format!("{label}.{}", self.group);
        }
        if !self.subresource.is_empty() {
            label = format!("{label}/{}", self.subresource);
        }
        label
    }
}

/// `delete pods in default`, `create pods/exec in web`, `delete namespaces`.
impl fmt::Display for AccessQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.resource_label())?;
        match &self.namespace {
            Some(ns) => write!(f, " in {ns}"),
            None => Ok(()),
        }
    }
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessAnswer {
    Allowed,
    /// Not allowed; the reviewer's reason when it gave one.
    Denied(String),
    /// The server has no SelfSubjectAccessReview (404): rkt acts as if it did not ask.
    Unsupported,
    /// The question could not be asked (network, the review itself refused): the action
    /// goes ahead and the server decides when it is sent.
    Unknown(String),
}
