//! The authorization model: what a request asks to do (its attributes, read off the path
//! and method as the apiserver's request-info resolver does) and whether a user may.

use super::{Grants, Identity};
use crate::error::ApiError;

/// A request's authorization attributes. `resource` is empty for a non-resource path
/// (`/version`, `/api`, `/openapi/v3`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    /// The path, for non-resource requests.
    pub path: String,
}

/// Subresources that open a stream to a pod: asked for with GET (a WebSocket upgrade),
/// authorized as `create`, as current apiservers do.
const CONNECT: [&str; 4] = ["exec", "attach", "portforward", "proxy"];

impl Attributes {
    /// Reads the attributes off a request line.
    pub fn of_request(method: &http::Method, path: &str, query: Option<&str>) -> Attributes {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (group, rest) = match segs.as_slice() {
            ["api", _version, rest @ ..] => ("", rest),
            ["apis", group, _version, rest @ ..] => (*group, rest),
            _ => ("", &[][..]),
        };
        let mut a = Attributes {
            group: group.to_string(),
            path: path.to_string(),
            ..Attributes::default()
        };
        match rest {
            [] => {}
            ["namespaces", ns, sub @ ("status" | "finalize")] => {
                a.resource = "namespaces".into();
                a.name = ns.to_string();
                a.subresource = sub.to_string();
            }
            ["namespaces", ns, resource, tail @ ..] => {
                a.namespace = ns.to_string();
                a.resource = resource.to_string();
                a.name = tail.first().map(|s| s.to_string()).unwrap_or_default();
                a.subresource = tail.get(1).map(|s| s.to_string()).unwrap_or_default();
            }
            [resource, tail @ ..] => {
                a.resource = resource.to_string();
                a.name = tail.first().map(|s| s.to_string()).unwrap_or_default();
                a.subresource = tail.get(1).map(|s| s.to_string()).unwrap_or_default();
            }
        }
        let watch =
            query.is_some_and(|q| q.split('&').any(|p| p == "watch=1" || p == "watch=true"));
        a.verb = match *method {
            _ if CONNECT.contains(&a.subresource.as_str()) => "create",
            http::Method::GET | http::Method::HEAD if a.resource.is_empty() => "get",
            http::Method::GET | http::Method::HEAD if watch => "watch",
            http::Method::GET | http::Method::HEAD if a.name.is_empty() => "list",
            http::Method::GET | http::Method::HEAD => "get",
            http::Method::POST => "create",
            http::Method::PUT => "update",
            http::Method::PATCH => "patch",
            http::Method::DELETE if a.name.is_empty() => "deletecollection",
            http::Method::DELETE => "delete",
            _ => "unknown",
        }
        .to_string();
        a
    }

    /// `pods`, `pods/log`, `deployments.apps`, `deployments.apps/scale` as the message names it.
    fn qualified(&self) -> String {
        match self.group.as_str() {
            "" => self.resource.clone(),
            g => format!("{}.{g}", self.resource),
        }
    }
}

/// Whether `who` may do `what`.
pub fn allows(who: &Identity, what: &Attributes) -> bool {
    if who.grants == Grants::All {
        return true;
    }
    if what.resource.is_empty() {
        // Discovery, version, OpenAPI and health: readable by every authenticated user
        // (the system:discovery and system:public-info-viewer roles).
        return matches!(what.verb.as_str(), "get" | "head");
    }
    if is_self_review(what) {
        return true;
    }
    match &who.grants {
        Grants::All => true,
        Grants::PodsReadIn(ns) => {
            what.group.is_empty()
                && what.resource == "pods"
                && matches!(what.subresource.as_str(), "" | "log")
                && what.namespace == *ns
                && matches!(what.verb.as_str(), "get" | "list" | "watch")
        }
    }
}

/// Asking who one is and what one may do is allowed to every user (system:basic-user).
fn is_self_review(what: &Attributes) -> bool {
    what.verb == "create"
        && matches!(
            (what.group.as_str(), what.resource.as_str()),
            (
                "authorization.k8s.io",
                "selfsubjectaccessreviews" | "selfsubjectrulesreviews"
            ) | ("authentication.k8s.io", "selfsubjectreviews")
        )
}

/// The 403 the apiserver answers, in its words:
/// `pods is forbidden: User "restricted" cannot list resource "pods" in API group "" in the namespace "kube-system"`.
pub fn forbidden(who: &Identity, what: &Attributes) -> ApiError {
    if what.resource.is_empty() {
        return ApiError::forbidden(format!(
            "forbidden: User \"{}\" cannot {} path \"{}\"",
            who.name, what.verb, what.path
        ));
    }
    let mut resource = what.resource.clone();
    if !what.subresource.is_empty() {
        resource = format!("{resource}/{}", what.subresource);
    }
    let subject = match what.name.as_str() {
        "" => what.qualified(),
        name => format!("{} \"{name}\"", what.qualified()),
    };
    let scope = match what.namespace.as_str() {
        "" => "at the cluster scope".to_string(),
        ns => format!("in the namespace \"{ns}\""),
    };
    let mut err = ApiError::forbidden(format!(
        "{subject} is forbidden: User \"{}\" cannot {} resource \"{resource}\" in API group \"{}\" {scope}",
        who.name, what.verb, what.group
    ));
    err.details = Some(serde_json::json!({
        "name": what.name, "group": what.group, "kind": what.resource
    }));
    err
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http::Method;

    fn restricted() -> Identity {
        Identity {
            name: "restricted".into(),
            groups: vec![],
            grants: Grants::PodsReadIn("default".into()),
        }
    }

    #[test]
    fn attributes_follow_the_apiservers_request_info() {
        let a = Attributes::of_request(
            &Method::GET,
            "/api/v1/namespaces/default/pods",
            Some("watch=1"),
        );
        assert_eq!(
            (a.verb.as_str(), a.resource.as_str(), a.namespace.as_str()),
            ("watch", "pods", "default")
        );
        let a = Attributes::of_request(
            &Method::GET,
            "/api/v1/namespaces/default/pods/web/log",
            None,
        );
        assert_eq!(
            (a.verb.as_str(), a.name.as_str(), a.subresource.as_str()),
            ("get", "web", "log")
        );
        let a = Attributes::of_request(
            &Method::GET,
            "/api/v1/namespaces/default/pods/web/exec",
            None,
        );
        assert_eq!(a.verb, "create");
        let a = Attributes::of_request(
            &Method::DELETE,
            "/apis/apps/v1/namespaces/x/deployments/web",
            None,
        );
        assert_eq!((a.verb.as_str(), a.group.as_str()), ("delete", "apps"));
        let a = Attributes::of_request(&Method::GET, "/api/v1/namespaces", None);
        assert_eq!(
            (a.verb.as_str(), a.resource.as_str(), a.namespace.as_str()),
            ("list", "namespaces", "")
        );
        let a = Attributes::of_request(&Method::GET, "/apis/apps/v1", None);
        assert!(a.resource.is_empty());
    }

    #[test]
    fn the_restricted_user_reads_pods_in_its_namespace_only() {
        let who = restricted();
        let ok = |m: Method, p: &str| allows(&who, &Attributes::of_request(&m, p, None));
        assert!(ok(Method::GET, "/api/v1/namespaces/default/pods"));
        assert!(ok(Method::GET, "/api/v1/namespaces/default/pods/web/log"));
        assert!(ok(Method::GET, "/version"));
        assert!(!ok(Method::GET, "/api/v1/namespaces/kube-system/pods"));
        assert!(!ok(Method::GET, "/api/v1/pods"));
        assert!(!ok(Method::DELETE, "/api/v1/namespaces/default/pods/web"));
        assert!(!ok(Method::GET, "/api/v1/namespaces/default/pods/web/exec"));
        assert!(!ok(
            Method::GET,
            "/apis/apps/v1/namespaces/default/deployments"
        ));
        let a = Attributes::of_request(&Method::GET, "/api/v1/namespaces/kube-system/pods", None);
        assert_eq!(
            forbidden(&who, &a).message,
            "pods is forbidden: User \"restricted\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\""
        );
        let a = Attributes::of_request(&Method::GET, "/api/v1/namespaces", None);
        assert_eq!(
            forbidden(&who, &a).message,
            "namespaces is forbidden: User \"restricted\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
        );
    }
}
