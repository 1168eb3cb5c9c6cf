//! Resource types defined at run time by CustomResourceDefinitions. Each served version
//! of a stored CRD is one [`ResourceType`]; types are interned (leaked once per distinct
//! definition, shared by every simulated cluster in the process), so the rest of the
//! simulation keeps working with `&'static ResourceType` whatever defined it.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use super::{PrinterColumn, ResourceType, CUSTOM_RESOURCE_DEFINITIONS, RW};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ColumnDef {
    name: String,
    kind: String,
    format: String,
    description: String,
    priority: u8,
    json_path: String,
}

/// Everything a custom resource type is made of, owned (the interning key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TypeDef {
    group: String,
    version: String,
    plural: String,
    singular: String,
    kind: String,
    namespaced: bool,
    short_names: Vec<String>,
    categories: Vec<String>,
    status: bool,
    columns: Vec<ColumnDef>,
}

type Interned = HashMap<TypeDef, &'static ResourceType>;

fn interned() -> std::sync::MutexGuard<'static, Interned> {
    static INTERNED: OnceLock<Mutex<Interned>> = OnceLock::new();
    INTERNED
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_all(v: &[String]) -> &'static [&'static str] {
    Box::leak(
        v.iter()
            .map(|s| leak(s))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

fn intern(def: TypeDef) -> &'static ResourceType {
    let mut map = interned();
    if let Some(found) = map.get(&def) {
        return found;
    }
    let columns: Vec<PrinterColumn> = def
        .columns
        .iter()
        .map(|c| PrinterColumn {
            name: leak(&c.name),
            kind: leak(&c.kind),
            format: leak(&c.format),
            description: leak(&c.description),
            priority: c.priority,
            json_path: leak(&c.json_path),
        })
        .collect();
    let res: &'static ResourceType = Box::leak(Box::new(ResourceType {
        group: leak(&def.group),
        version: leak(&def.version),
        plural: leak(&def.plural),
        singular: leak(&def.singular),
        kind: leak(&def.kind),
        namespaced: def.namespaced,
        short_names: leak_all(&def.short_names),
        verbs: RW,
        subresources: if def.status { &["status"] } else { &[] },
        categories: leak_all(&def.categories),
        custom: true,
        printer_columns: Box::leak(columns.into_boxed_slice()),
    }));
    map.insert(def, res);
    res
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn texts(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The printer columns of a version; the apiserver serves an Age column when none are given.
fn columns(version: &Value) -> Vec<ColumnDef> {
    let given = version["additionalPrinterColumns"].as_array();
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return vec![ColumnDef {
            name: "Age".into(),
            kind: "date".into(),
            format: String::new(),
            description: String::new(),
            priority: 0,
            json_path: ".metadata.creationTimestamp".into(),
        }];
    };
    given
        .iter()
        .map(|c| ColumnDef {
            name: text(&c["name"]),
            kind: text(&c["type"]),
            format: text(&c["format"]),
            description: text(&c["description"]),
            priority: u8::try_from(c["priority"].as_u64().unwrap_or(0)).unwrap_or(u8::MAX),
            json_path: text(&c["jsonPath"]),
        })
        .collect()
}

/// The resource types a CRD object serves: one per served version, by version priority.
pub fn from_crd(crd: &Value) -> Vec<&'static ResourceType> {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let plural = text(&names["plural"]);
    let kind = text(&names["kind"]);
    if plural.is_empty() || kind.is_empty() {
        return Vec::new();
    }
    let singular = match text(&names["singular"]) {
        s if s.is_empty() => kind.to_ascii_lowercase(),
        s => s,
    };
    let mut out: Vec<&'static ResourceType> = spec["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["served"].as_bool().unwrap_or(true))
        .map(|v| {
            intern(TypeDef {
                group: text(&spec["group"]),
                version: text(&v["name"]),
                plural: plural.clone(),
                singular: singular.clone(),
                kind: kind.clone(),
                namespaced: spec["scope"].as_str() != Some("Cluster"),
                short_names: texts(&names["shortNames"]),
                categories: texts(&names["categories"]),
                status: v["subresources"]["status"].is_object(),
                columns: columns(v),
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(version_priority(r.version)));
    out
}

/// Every custom resource type served now by `store`'s CRDs.
pub fn served(store: &Store) -> Vec<&'static ResourceType> {
    let (crds, _) = store.list(&CUSTOM_RESOURCE_DEFINITIONS, None);
    crds.iter().flat_map(|crd| from_crd(&crd.value)).collect()
}

/// Why a CRD object is not acceptable, if it is not (a subset of the apiserver's checks).
pub fn invalid(crd: &Value) -> Option<(&'static str, String)> {
    let spec = &crd["spec"];
    let group = spec["group"].as_str().unwrap_or("");
    let plural = spec["names"]["plural"].as_str().unwrap_or("");
    let name = crd["metadata"]["name"].as_str().unwrap_or("");
    if group.is_empty() || !group.contains('.') {
        return Some((
            "spec.group",
            format!("Invalid value: \"{group}\": should be a domain with at least one dot"),
        ));
    }
    if plural.is_empty() {
        return Some(("spec.names.plural", "Required value".into()));
    }
    if spec["names"]["kind"].as_str().unwrap_or("").is_empty() {
        return Some(("spec.names.kind", "Required value".into()));
    }
    if name != format!("{plural}.{group}") {
        return Some((
            "metadata.name",
            format!("Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"),
        ));
    }
    match spec["scope"].as_str() {
        Some("Namespaced" | "Cluster") => {}
        other => {
            return Some((
                "spec.scope",
                format!(
                    "Unsupported value: \"{}\": supported values: \"Cluster\", \"Namespaced\"",
                    other.unwrap_or("")
                ),
            ))
        }
    }
    let versions = spec["versions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if versions.is_empty() {
        return Some((
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version".into(),
        ));
    }
    let storage = versions
        .iter()
        .filter(|v| v["storage"].as_bool() == Some(true))
        .count();
    if storage != 1 {
        return Some((
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version".into(),
        ));
    }
    None
}

/// The status the apiserver gives an accepted CRD: its names accepted, Established.
pub fn accepted_status(crd: &mut Value, now: &str) {
    let names = crd["spec"]["names"].clone();
    let storage: Vec<Value> = crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["storage"].as_bool() == Some(true))
        .map(|v| v["name"].clone())
        .collect();
    let mut accepted = names;
    if accepted["singular"].as_str().unwrap_or("").is_empty() {
        let kind = accepted["kind"].as_str().unwrap_or("").to_ascii_lowercase();
        accepted["singular"] = Value::String(kind);
    }
    if accepted["listKind"].as_str().unwrap_or("").is_empty() {
        let list = format!("{}List", accepted["kind"].as_str().unwrap_or(""));
        accepted["listKind"] = Value::String(list);
    }
    crd["spec"]["names"] = accepted.clone();
    let condition = |kind: &str, reason: &str, message: &str| {
        serde_json::json!({"type": kind, "status": "True", "lastTransitionTime": now,
            "reason": reason, "message": message})
    };
    crd["status"] = serde_json::json!({
        "acceptedNames": accepted,
        "conditions": [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
        "storedVersions": storage,
    });
}

/// kube-aware version priority: GA above beta above alpha, higher numbers first, and
/// versions that do not look like Kubernetes versions last.
pub fn version_priority(v: &str) -> (u8, u32, u32) {
    let Some(rest) = v.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(major) = digits.parse::<u32>() else {
        return (0, 0, 0);
    };
    let tail = &rest[digits.len()..];
    let minor = |prefix: &str| {
        tail.strip_prefix(prefix)
            .and_then(|m| m.parse::<u32>().ok())
    };
    if tail.is_empty() {
        (3, major, 0)
    } else if let Some(m) = minor("beta") {
        (2, major, m)
    } else if let Some(m) = minor("alpha") {
        (1, major, m)
    } else {
        (0, 0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd() -> Value {
        json!({"metadata": {"name": "crontabs.stable.example.com"},
            "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"]},
                "versions": [
                    {"name": "v1beta1", "served": true, "storage": false},
                    {"name": "v1", "served": true, "storage": true,
                     "additionalPrinterColumns": [{"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"}]}]}})
    }

    #[test]
    fn crds_define_interned_types_per_served_version() {
        let types = from_crd(&crd());
        assert_eq!(types.len(), 2);
        assert_eq!(types[0].version, "v1");
        assert_eq!(types[0].printer_columns[0].json_path, ".spec.cronSpec");
        assert_eq!(types[1].printer_columns[0].name, "Age");
        assert!(std::ptr::eq(types[0], from_crd(&crd())[0]));
        assert_eq!(types[0].short_names, &["ct"]);
        assert!(invalid(&crd()).is_none());
        let mut bad = crd();
        bad["metadata"]["name"] = json!("crontabs");
        assert_eq!(invalid(&bad).map(|b| b.0), Some("metadata.name"));
    }

    #[test]
    fn groups_list_the_preferred_version_first() {
        let mut types: Vec<&'static ResourceType> = crate::resources::ALL_RESOURCES.to_vec();
        let mut defined = from_crd(&crd());
        defined.reverse();
        types.extend(defined);
        let groups = crate::resources::groups(&types);
        let stable = groups.iter().find(|(g, _)| *g == "stable.example.com");
        assert_eq!(stable.map(|(_, v)| v.clone()), Some(vec!["v1", "v1beta1"]));
        assert_eq!(groups[0], ("apps", vec!["v1"]));
        assert!(crate::resources::same_type(
            types[types.len() - 1],
            types[types.len() - 2]
        ));
    }

    #[test]
    fn versions_sort_like_kubernetes() {
        let mut v = vec!["v1alpha1", "v2", "v1beta2", "v1", "foo", "v1beta1"];
        v.sort_by_key(|v| std::cmp::Reverse(version_priority(v)));
        assert_eq!(v, ["v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]);
    }
}
