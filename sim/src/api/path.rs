//! URL paths of the API, parsed into what they address.

use crate::resources::{self, ResourceType, NAMESPACES};

/// What a request path addresses.
#[derive(Debug, PartialEq)]
pub enum Route {
    Version,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/{group}`
    Group(String),
    /// `/api/v1`, `/apis/{group}/{version}`
    Resources {
        group: String,
        version: String,
    },
    Resource(Target),
    /// `/healthz`, `/livez`, `/readyz` (and their checks)
    Health,
    /// `/openapi/v3`
    OpenApiRoot,
    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`
    OpenApi(String),
    Unknown,
}

/// A resource collection, object or subresource.
#[derive(Debug, PartialEq)]
pub struct Target {
    pub res: &'static ResourceType,
    /// The namespace in the path (`None` for cluster-scoped types and all-namespace lists).
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// Finds the type served at a group, version and plural.
pub type Finder<'a> = &'a dyn Fn(&str, &str, &str) -> Option<&'static ResourceType>;

/// Parses a path against the built-in types only.
pub fn parse(path: &str) -> Route {
    parse_with(path, &resources::lookup)
}

/// Parses a path, finding resource types with `find` (built-in and custom ones).
pub fn parse_with(path: &str, find: Finder<'_>) -> Route {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        ["version"] => Route::Version,
        ["healthz" | "livez" | "readyz", ..] => Route::Health,
        ["openapi", "v3"] => Route::OpenApiRoot,
        ["openapi", "v3", gv @ ..] => Route::OpenApi(gv.join("/")),
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group(group.to_string()),
        ["api", version] => Route::Resources {
            group: String::new(),
            version: version.to_string(),
        },
        ["apis", group, version] => Route::Resources {
            group: group.to_string(),
            version: version.to_string(),
        },
        ["api", version, rest @ ..] => resource_route(find, "", version, rest),
        ["apis", group, version, rest @ ..] => resource_route(find, group, version, rest),
        _ => Route::Unknown,
    }
}

fn resource_route(finder: Finder<'_>, group: &str, version: &str, rest: &[&str]) -> Route {
    let find = |plural: &str| finder(group, version, plural);
    let target = |res, ns: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        Route::Resource(Target {
            res,
            namespace: ns.map(str::to_string),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
        })
    };
    let core = group.is_empty();
    match rest {
        // `/api/v1/namespaces/{ns}` and `/api/v1/namespaces/{ns}/status|finalize` address
        // the namespace object itself.
        ["namespaces", ns] if core => target(&NAMESPACES, None, Some(ns), None),
        ["namespaces", ns, sub @ ("status" | "finalize")] if core => {
            target(&NAMESPACES, None, Some(ns), Some(sub))
        }
        ["namespaces", ns, plural, tail @ ..] if tail.len() <= 2 => match find(plural) {
            Some(res) if res.namespaced => {
                target(res, Some(ns), tail.first().copied(), tail.get(1).copied())
            }
            _ => Route::Unknown,
        },
        [plural, tail @ ..] if tail.len() <= 2 => match find(plural) {
            // A namespaced type without a namespace: only its all-namespaces collection.
            Some(res) if res.namespaced && tail.is_empty() => target(res, None, None, None),
            Some(res) if !res.namespaced => {
                target(res, None, tail.first().copied(), tail.get(1).copied())
            }
            _ => Route::Unknown,
        },
        _ => Route::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{DEPLOYMENTS, NODES, PODS};

    fn target(path: &str) -> Target {
        match parse(path) {
            Route::Resource(t) => t,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn paths_resolve_to_targets() {
        let t = target("/api/v1/namespaces/default/pods/web-1/status");
        assert_eq!(t.res, &PODS);
        assert_eq!(t.namespace.as_deref(), Some("default"));
        assert_eq!(t.name.as_deref(), Some("web-1"));
        assert_eq!(t.subresource.as_deref(), Some("status"));
        let t = target("/apis/apps/v1/deployments");
        assert_eq!((t.res, t.namespace, t.name), (&DEPLOYMENTS, None, None));
        let t = target("/api/v1/namespaces/kube-system");
        assert_eq!(
            (t.res, t.name.as_deref()),
            (&NAMESPACES, Some("kube-system"))
        );
        let t = target("/api/v1/nodes/minikube/status");
        assert_eq!((t.res, t.subresource.as_deref()), (&NODES, Some("status")));
        let t = target("/api/v1/namespaces");
        assert_eq!((t.res, t.name), (&NAMESPACES, None));
    }

    #[test]
    fn discovery_and_unknown_paths() {
        assert_eq!(parse("/version"), Route::Version);
        assert_eq!(parse("/readyz"), Route::Health);
        assert_eq!(parse("/apis/apps"), Route::Group("apps".into()));
        assert_eq!(
            parse("/api/v1"),
            Route::Resources {
                group: String::new(),
                version: "v1".into()
            }
        );
        assert_eq!(parse("/api/v1/pods/x"), Route::Unknown);
        assert_eq!(parse("/api/v1/namespaces/default/nodes"), Route::Unknown);
        assert_eq!(parse("/apis/apps/v1/nosuch"), Route::Unknown);
        assert_eq!(parse("/openapi/v2"), Route::Unknown);
        assert_eq!(parse("/api/v1/namespaces/a/pods/b/c/d"), Route::Unknown);
    }
}
