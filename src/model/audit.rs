//! The audit trail of changes: one JSON line per change rkt sent to a cluster (who, where,
//! what, to which object, and how it ended), and which contexts are protected.
//!
//! A record holds names only: the kubeconfig *user name* of the context, never a token,
//! key or anything a Secret or a shell printed.

use jiff::Timestamp;
use serde::Serialize;

use crate::model::objects::ObjectRef;
use crate::model::rollout::effects::Target;
use crate::model::rollout::Workload;

/// What a change does, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verb {
    Delete,
    Rollback,
    Scale,
    Restart,
    Pause,
    Resume,
    Edit,
    Apply,
    Create,
    Expose,
    SetImage,
    Exec,
    /// A Helm release uninstalled.
    Uninstall,
}

impl Verb {
    /// `set-image`, as in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Delete => "delete",
            Verb::Rollback => "rollback",
            Verb::Scale => "scale",
            Verb::Restart => "restart",
            Verb::Pause => "pause",
            Verb::Resume => "resume",
            Verb::Edit => "edit",
            Verb::Apply => "apply",
            Verb::Create => "create",
            Verb::Expose => "expose",
            Verb::SetImage => "set-image",
            Verb::Exec => "exec",
            Verb::Uninstall => "uninstall",
        }
    }
}

/// The object a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditObject {
    pub api_version: String,
    pub kind: String,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
}

impl AuditObject {
    pub fn of(obj: &ObjectRef) -> AuditObject {
        AuditObject {
            api_version: obj.kind.api_version(),
            kind: obj.kind.kind.to_string(),
            namespace: obj.namespace.clone(),
            name: obj.name.clone(),
        }
    }

    pub fn workload(target: &Target) -> AuditObject {
        let kind = match target.kind {
            Workload::Deployment => "Deployment",
            Workload::StatefulSet => "StatefulSet",
            Workload::DaemonSet => "DaemonSet",
        };
        AuditObject {
            api_version: "apps/v1".into(),
            kind: kind.into(),
            namespace: Some(target.namespace.clone()),
            name: target.name.clone(),
        }
    }

    /// A Helm release (its records are `helm.sh/release.v1` Secrets).
    pub fn helm_release(release: &crate::model::helm::ReleaseRef) -> AuditObject {
        AuditObject {
            api_version: crate::model::helm::RELEASE_TYPE.into(),
            kind: "HelmRelease".into(),
            namespace: Some(release.namespace.clone()),
            name: release.name.clone(),
        }
    }

    /// A core (`v1`) object.
    pub fn core(kind: &str, namespace: Option<&str>, name: &str) -> AuditObject {
        AuditObject {
            api_version: "v1".into(),
            kind: kind.into(),
            namespace: namespace.map(str::to_string),
            name: name.into(),
        }
    }
}

/// One change, as the gate saw it before it was sent: what and where. The result and the
/// time are added when the answer is known ([`AuditRecord::line`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub context: String,
    pub server: String,
    /// The kubeconfig user name of the context (a name, never a credential).
    pub user: String,
    pub verb: Verb,
    pub object: AuditObject,
    /// The object's resourceVersion before the change, where the request knew it.
    pub resource_version: Option<String>,
}

/// What an audit line holds, in the order it is written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    time: String,
    context: &'a str,
    server: &'a str,
    user: &'a str,
    verb: Verb,
    object: &'a AuditObject,
    resource_version: Option<&'a str>,
    result: &'a str,
}

/// The result of a change that went through.
pub const OK: &str = "ok";

impl AuditRecord {
    /// The JSON line (without its newline): `result` is [`OK`] or the error message.
    pub fn line(&self, time: Timestamp, result: &str) -> String {
        let line = Line {
            time: time.to_string(),
            context: &self.context,
            server: &self.server,
            user: &self.user,
            verb: self.verb,
            object: &self.object,
            resource_version: self.resource_version.as_deref(),
            result,
        };
        // Strings and a map of strings: serialising cannot fail.
        serde_json::to_string(&line).unwrap_or_default()
    }
}

/// Whether a context is protected by one of the configured patterns. A pattern with `*` is
/// a glob over the whole name (`*` is any run of characters, `*-production`); a pattern
/// without one matches anywhere in the name (`prod` matches `eu-prod-1`). Case matters, as
/// in kubeconfig names.
pub fn is_protected(patterns: &[String], context: &str) -> bool {
    patterns.iter().any(|p| {
        if p.contains('*') {
            glob(p, context)
        } else {
            !p.is_empty() && context.contains(p.as_str())
        }
    })
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty(); // no `*` at all: the whole name
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn substring_and_glob_patterns() {
        let p = pats(&["prod", "*-production", "eu-*-db*"]);
        for yes in [
            "prod",
            "eu-prod-1",
            "shop-production",
            "eu-west-db",
            "eu-x-db-2",
        ] {
            assert!(is_protected(&p, yes), "{yes}");
        }
        for no in ["staging", "production-eu", "Prod", "eu-west-dc"] {
            assert!(
                !is_protected(&pats(&["*-production", "eu-*-db*"]), no),
                "{no}"
            );
        }
        assert!(!is_protected(&p, "staging"));
        assert!(
            !is_protected(&pats(&[""]), "anything"),
            "an empty pattern protects nothing"
        );
        assert!(is_protected(&pats(&["*"]), "anything"));
        assert!(
            !is_protected(&pats(&["a*a"]), "a"),
            "the ends may not overlap"
        );
    }

    #[test]
    fn a_line_is_json_with_every_field() {
        let record = AuditRecord {
            context: "prod".into(),
            server: "https://k8s.example:6443".into(),
            user: "admin".into(),
            verb: Verb::SetImage,
            object: AuditObject::core("Pod", Some("default"), "web-0"),
            resource_version: Some("42".into()),
        };
        let line = record.line(Timestamp::UNIX_EPOCH, "boom \"quoted\"\n");
        assert!(!line.contains('\n'), "one line: {line}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(v["time"], "1970-01-01T00:00:00Z");
        assert_eq!(v["context"], "prod");
        assert_eq!(v["server"], "https://k8s.example:6443");
        assert_eq!(v["user"], "admin");
        assert_eq!(v["verb"], "set-image");
        assert_eq!(v["object"]["apiVersion"], "v1");
        assert_eq!(v["object"]["kind"], "Pod");
        assert_eq!(v["object"]["namespace"], "default");
        assert_eq!(v["object"]["name"], "web-0");
        assert_eq!(v["resourceVersion"], "42");
        assert_eq!(v["result"], "boom \"quoted\"\n");
    }
}
