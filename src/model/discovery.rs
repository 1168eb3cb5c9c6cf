//! What the API server serves, from its discovery documents, and how a name typed after `:`
//! picks one resource the way kubectl's does: plural, singular, short names and kind, the
//! core group first, then the groups in the server's order of preference; a
//! group-qualified name (`ingresses.networking.k8s.io`, `crontabs.v1.stable.example.com`)
//! picks exactly.

use std::sync::Arc;

use serde_json::Value;

use crate::model::objects::ObjectKind;

/// What may be done with a resource (the discovery verbs rkt cares about).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verbs {
    pub list: bool,
    pub watch: bool,
    pub get: bool,
    pub delete: bool,
}

impl Verbs {
    fn from_json(verbs: Option<&Value>) -> Verbs {
        let has = |verb: &str| {
            verbs
                .and_then(Value::as_array)
                .is_some_and(|v| v.iter().any(|x| x.as_str() == Some(verb)))
        };
        Verbs {
            list: has("list"),
            watch: has("watch"),
            get: has("get"),
            delete: has("delete"),
        }
    }
}

/// One resource the server serves, with every name it answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKind {
    pub object: ObjectKind,
    pub singular: Arc<str>,
    pub short_names: Vec<Arc<str>>,
    pub verbs: Verbs,
}

impl ApiKind {
    /// Whether `name` (lower case) is its plural, singular or one of its short names.
    fn answers_to(&self, name: &str) -> bool {
        *self.object.plural == *name
            || *self.singular == *name
            || self.short_names.iter().any(|s| **s == *name)
    }

    fn kind_is(&self, name: &str) -> bool {
        self.object.kind.eq_ignore_ascii_case(name)
    }

    /// `ingresses.networking.k8s.io`; the plural alone for the core group.
    pub fn qualified_name(&self) -> String {
        if self.object.group.is_empty() {
            self.object.plural.to_string()
        } else {
            format!("{}.{}", self.object.plural, self.object.group)
        }
    }
}

/// Every resource the server listed, in its order of preference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    kinds: Vec<Arc<ApiKind>>,
}

impl Catalog {
    pub fn kinds(&self) -> &[Arc<ApiKind>] {
        &self.kinds
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The resource `name` means, as kubectl resolves it; `None` if the server serves none.
    pub fn resolve(&self, name: &str) -> Option<Arc<ApiKind>> {
        let name = name.to_ascii_lowercase();
        let simple = self
            .kinds
            .iter()
            .find(|k| k.answers_to(&name))
            .or_else(|| self.kinds.iter().find(|k| k.kind_is(&name)));
        if let Some(found) = simple {
            return Some(found.clone());
        }
        let (resource, qualifier) = name.split_once('.')?;
        self.kinds
            .iter()
            .find(|k| {
                let group = &*k.object.group;
                let in_group = qualifier == group
                    || qualifier
                        .strip_prefix(&*k.object.version)
                        .and_then(|rest| rest.strip_prefix('.'))
                        == Some(group);
                in_group && (k.answers_to(resource) || k.kind_is(resource))
            })
            .cloned()
    }

    /// Every name `:` accepts for a resource, for completion: plural, singular, short
    /// names and the group-qualified plural. Sorted, without repeats.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .kinds
            .iter()
            .filter(|k| k.verbs.list)
            .flat_map(|k| {
                let mut own = vec![k.object.plural.to_string(), k.singular.to_string()];
                own.extend(k.short_names.iter().map(|s| s.to_string()));
                if !k.object.group.is_empty() {
                    own.push(k.qualified_name());
                }
                own
            })
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Adds the resources of an aggregated discovery document (`APIGroupDiscoveryList`,
    /// v2 or v2beta1, from `/api` or `/apis`). Versions are listed most preferred first;
    /// a resource is taken from the first version that serves it.
    pub fn add_aggregated(&mut self, doc: &Value) -> Result<(), String> {
        if doc.get("kind").and_then(Value::as_str) != Some("APIGroupDiscoveryList") {
            return Err("not an aggregated discovery document".to_string());
        }
        for group in items(doc, "items") {
            let group_name = group
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let mut seen: Vec<String> = Vec::new();
            for version in items(group, "versions") {
                let version_name = str_at(version, "version");
                for res in items(version, "resources") {
                    let plural = str_at(res, "resource");
                    if plural.is_empty() || seen.iter().any(|s| s == plural) {
                        continue;
                    }
                    seen.push(plural.to_string());
                    let kind = res
                        .pointer("/responseKind/kind")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let namespaced = str_at(res, "scope") == "Namespaced";
                    self.push(ApiKind {
                        object: ObjectKind::new(group_name, version_name, kind, plural, namespaced),
                        singular: singular_or_kind(str_at(res, "singularResource"), kind),
                        short_names: short_names(res),
                        verbs: Verbs::from_json(res.get("verbs")),
                    });
                }
            }
        }
        Ok(())
    }

    /// Adds the resources of one legacy `APIResourceList` (`/api/v1`, `/apis/apps/v1`),
    /// leaving out subresources (`pods/log`) and resources already known from a more
    /// preferred version.
    pub fn add_legacy(&mut self, list: &Value) {
        let group_version = str_at(list, "groupVersion");
        let (group, version) = match group_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", group_version),
        };
        for res in items(list, "resources") {
            let plural = str_at(res, "name");
            if plural.is_empty() || plural.contains('/') {
                continue;
            }
            let kind = str_at(res, "kind");
            self.push(ApiKind {
                object: ObjectKind::new(
                    group,
                    version,
                    kind,
                    plural,
                    res.get("namespaced").and_then(Value::as_bool) == Some(true),
                ),
                singular: singular_or_kind(str_at(res, "singularName"), kind),
                short_names: short_names(res),
                verbs: Verbs::from_json(res.get("verbs")),
            });
        }
    }

    fn push(&mut self, kind: ApiKind) {
        let known = self
            .kinds
            .iter()
            .any(|k| k.object.same_resource(&kind.object));
        if !known {
            self.kinds.push(Arc::new(kind));
        }
    }
}

/// The group versions a legacy `/apis` (`APIGroupList`) document names, preferred first
/// within each group.
pub fn legacy_group_versions(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for group in items(doc, "groups") {
        let preferred = group
            .pointer("/preferredVersion/groupVersion")
            .and_then(Value::as_str);
        if let Some(p) = preferred {
            out.push(p.to_string());
        }
        for v in items(group, "versions") {
            let gv = str_at(v, "groupVersion");
            if !gv.is_empty() && Some(gv) != preferred {
                out.push(gv.to_string());
            }
        }
    }
    out
}

fn items<'a>(doc: &'a Value, field: &str) -> impl Iterator<Item = &'a Value> {
    doc.get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn str_at<'a>(doc: &'a Value, field: &str) -> &'a str {
    doc.get(field).and_then(Value::as_str).unwrap_or("")
}

fn short_names(res: &Value) -> Vec<Arc<str>> {
    items(res, "shortNames")
        .filter_map(Value::as_str)
        .map(Arc::from)
        .collect()
}

/// Old servers leave `singularName` empty; kubectl then uses the lower-case kind.
fn singular_or_kind(singular: &str, kind: &str) -> Arc<str> {
    if singular.is_empty() {
        kind.to_ascii_lowercase().into()
    } else {
        singular.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(plural: &str, singular: &str, kind: &str, short: &[&str]) -> Value {
        json!({
            "resource": plural, "singularResource": singular, "scope": "Namespaced",
            "responseKind": {"kind": kind}, "shortNames": short,
            "verbs": ["get", "list", "watch", "delete"],
        })
    }

    fn catalog() -> Catalog {
        let core = json!({"kind": "APIGroupDiscoveryList", "items": [{
        "metadata": {}, "versions": [{"version": "v1", "resources": [
            resource("pods", "pod", "Pod", &["po"]),
            resource("events", "event", "Event", &["ev"]),
        ]}]}]});
        let groups = json!({"kind": "APIGroupDiscoveryList", "items": [
            {"metadata": {"name": "networking.k8s.io"}, "versions": [
                {"version": "v1", "resources": [resource("ingresses", "ingress", "Ingress", &["ing"])]}]},
            {"metadata": {"name": "events.k8s.io"}, "versions": [
                {"version": "v1", "resources": [resource("events", "event", "Event", &["ev"])]}]},
            {"metadata": {"name": "stable.example.com"}, "versions": [
                {"version": "v2", "resources": [resource("crontabs", "crontab", "CronTab", &["ct"])]},
                {"version": "v1", "resources": [resource("crontabs", "crontab", "CronTab", &["ct"])]}]},
        ]});
        let mut c = Catalog::default();
        c.add_aggregated(&core).unwrap();
        c.add_aggregated(&groups).unwrap();
        c
    }

    fn resolved(c: &Catalog, name: &str) -> Option<(String, String, String)> {
        c.resolve(name).map(|k| {
            (
                k.object.group.to_string(),
                k.object.version.to_string(),
                k.object.plural.to_string(),
            )
        })
    }

    #[test]
    fn names_resolve_like_kubectl_with_the_core_group_first() {
        let c = catalog();
        let core_events = Some((String::new(), "v1".into(), "events".into()));
        assert_eq!(resolved(&c, "ev"), core_events);
        assert_eq!(resolved(&c, "Event"), core_events);
        assert_eq!(
            resolved(&c, "events.events.k8s.io").map(|r| r.0),
            Some("events.k8s.io".to_string())
        );
        assert_eq!(resolved(&c, "ing").map(|r| r.2), Some("ingresses".into()));
        assert_eq!(
            resolved(&c, "ingress").map(|r| r.2),
            Some("ingresses".into())
        );
        assert_eq!(
            resolved(&c, "ingresses.networking.k8s.io").map(|r| r.2),
            Some("ingresses".into())
        );
        // The preferred version, unless the name asks for another one.
        assert_eq!(resolved(&c, "ct").map(|r| r.1), Some("v2".into()));
        assert_eq!(
            resolved(&c, "crontabs.stable.example.com").map(|r| r.1),
            Some("v2".into())
        );
        assert_eq!(
            resolved(&c, "CronTab").map(|r| r.2),
            Some("crontabs".into())
        );
        assert_eq!(resolved(&c, "nothing"), None);
        assert_eq!(resolved(&c, "ingresses.apps"), None);
    }

    #[test]
    fn legacy_documents_give_the_same_catalog_without_subresources() {
        let mut c = Catalog::default();
        c.add_legacy(&json!({"groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
             "verbs": ["list", "watch"], "shortNames": ["po"]},
            {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
            {"name": "nodes", "singularName": "", "namespaced": false, "kind": "Node", "verbs": ["list"]},
        ]}));
        assert_eq!(c.kinds().len(), 2);
        let nodes = c.resolve("node").unwrap();
        assert!(!nodes.object.namespaced);
        assert!(nodes.verbs.list && !nodes.verbs.watch);
        assert!(c.names().contains(&"po".to_string()));
        let groups = json!({"groups": [{"name": "apps",
            "preferredVersion": {"groupVersion": "apps/v1"},
            "versions": [{"groupVersion": "apps/v1"}, {"groupVersion": "apps/v1beta1"}]}]});
        assert_eq!(legacy_group_versions(&groups), ["apps/v1", "apps/v1beta1"]);
    }
}
