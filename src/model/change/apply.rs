//! `:apply -f PATH`: the documents of the files, each resolved to a resource through
//! discovery, and the per-document outcome of server-side apply.

use serde::Deserialize;
use serde_json::Value;

use crate::model::discovery::Catalog;
use crate::model::objects::{ObjectKind, ObjectRef};

/// One document to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyDoc {
    pub obj: ObjectRef,
    pub body: Value,
}

/// What server-side apply did to one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

impl ApplyOutcome {
    pub fn word(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// The documents of one file (`---`-separated YAML, or JSON), `List`s flattened, empty
/// documents skipped.
pub fn documents(file: &str, text: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value =
            Value::deserialize(doc).map_err(|e| format!("{file}: document {}: {e}", i + 1))?;
        match value {
            Value::Null => {}
            Value::Object(_) if is_list(&value) => {
                out.extend(value["items"].as_array().into_iter().flatten().cloned())
            }
            Value::Object(_) => out.push(value),
            _ => return Err(format!("{file}: document {} is not an object", i + 1)),
        }
    }
    Ok(out)
}

fn is_list(v: &Value) -> bool {
    v["kind"].as_str().is_some_and(|k| k.ends_with("List")) && v["items"].is_array()
}

/// `Kind name` of a document as written (for the question and for errors).
pub fn doc_label(doc: &Value) -> String {
    format!(
        "{} {}",
        doc["kind"].as_str().unwrap_or("(no kind)"),
        doc["metadata"]["name"].as_str().unwrap_or("(no name)")
    )
}

/// The resource a document's apiVersion and kind name, in the version it was written in.
pub fn resolve_kind(catalog: &Catalog, api_version: &str, kind: &str) -> Option<ObjectKind> {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let found = catalog
        .kinds()
        .iter()
        .find(|k| &*k.object.group == group && &*k.object.kind == kind)?;
    let mut object = found.object.clone();
    object.version = version.into();
    Some(object)
}

/// Turns a document into what to send: its resource, namespace (the document's, else
/// `default_ns` for namespaced kinds) and name.
pub fn plan(catalog: &Catalog, doc: Value, default_ns: &str) -> Result<ApplyDoc, String> {
    let label = doc_label(&doc);
    let api_version = doc["apiVersion"].as_str().unwrap_or_default();
    let kind_name = doc["kind"].as_str().unwrap_or_default();
    if api_version.is_empty() || kind_name.is_empty() {
        return Err(format!("{label}: apiVersion and kind are required"));
    }
    let name = doc["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("{label}: metadata.name is required"))?
        .to_string();
    let kind = resolve_kind(catalog, api_version, kind_name).ok_or_else(|| {
        format!("{label}: the server does not serve kind {kind_name:?} in version {api_version:?}")
    })?;
    let namespace = kind.namespaced.then(|| {
        doc["metadata"]["namespace"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(default_ns)
            .to_string()
    });
    Ok(ApplyDoc {
        obj: ObjectRef {
            kind,
            namespace,
            name,
        },
        body: doc,
    })
}
