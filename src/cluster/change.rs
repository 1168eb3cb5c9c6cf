//! Carries out the changes of `model::change`: create, expose, set image, server-side
//! apply, and the reads that prepare them (the object to expose, a workload's containers,
//! the files to apply).

use std::path::Path;

use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::Client;
use serde_json::Value;

use crate::model::change::apply::{ApplyDoc, ApplyOutcome};
use crate::model::change::create::CreateSpec;
use crate::model::change::image::{self, ContainerImage};
use crate::model::change::{ChangeEffect, ChangeMsg, PrepareEffect};
use crate::model::objects::{ObjectKind, ObjectRef};

use super::objects::resource;
use super::watch::describe_client;

/// The field manager of rkt's server-side apply.
pub const FIELD_MANAGER: &str = "rkt";

fn api(client: &Client, kind: &ObjectKind, namespace: Option<&str>) -> Api<DynamicObject> {
    let res = resource(kind);
    match namespace {
        Some(ns) if kind.namespaced => Api::namespaced_with(client.clone(), ns, &res),
        _ => Api::all_with(client.clone(), &res),
    }
}

fn dynamic(body: &Value) -> Result<DynamicObject, String> {
    serde_json::from_value(body.clone()).map_err(|e| format!("cannot encode the object: {e}"))
}

async fn get_json(client: &Client, obj: &ObjectRef) -> Result<Value, String> {
    let got = api(client, &obj.kind, obj.namespace.as_deref())
        .get(&obj.name)
        .await
        .map_err(|e| format!("{}: {}", obj.label(), describe_client(&e)))?;
    serde_json::to_value(got).map_err(|e| e.to_string())
}

pub async fn prepare(client: &Client, effect: PrepareEffect) -> ChangeMsg {
    match effect {
        PrepareEffect::ExposeSource(obj) => ChangeMsg::ExposeSource {
            result: get_json(client, &obj).await,
            obj,
        },
        PrepareEffect::Containers(obj) => ChangeMsg::Containers {
            result: get_json(client, &obj)
                .await
                .map(|v| image::containers_of(&v)),
            obj,
        },
        PrepareEffect::ReadFiles(path) => {
            let p = path.clone();
            let result = tokio::task::spawn_blocking(move || read_files(&p))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            ChangeMsg::Files { path, result }
        }
    }
}

/// A file, or the `.yaml`, `.yml` and `.json` files of a directory in name order.
pub fn read_files(path: &Path) -> Result<Vec<(String, String)>, String> {
    let read = |p: &Path| {
        std::fs::read_to_string(p)
            .map(|text| (p.display().to_string(), text))
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![read(path)?]);
    }
    let mut files: Vec<_> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        })
        .collect();
    files.sort();
    files.iter().map(|p| read(p)).collect()
}

pub async fn run(client: &Client, effect: ChangeEffect) -> ChangeMsg {
    match effect {
        ChangeEffect::Create { namespace, spec } => {
            let kind = match &spec {
                CreateSpec::Deployment(_) => ObjectKind::deployment(),
                CreateSpec::Namespace(_) => ObjectKind::namespace(),
            };
            let obj = ObjectRef {
                namespace: namespace.filter(|_| kind.namespaced),
                name: spec.name().to_string(),
                kind,
            };
            let result = create(client, &obj, &spec.object()).await.map(|_| ());
            ChangeMsg::Created { obj, result }
        }
        ChangeEffect::Expose { namespace, service } => {
            let obj = ObjectRef {
                kind: ObjectKind::service(),
                namespace: Some(namespace),
                name: service["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            };
            let result = create(client, &obj, &service).await.map(|created| {
                created["spec"]["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p["nodePort"].as_i64())
                    .collect()
            });
            ChangeMsg::Exposed { obj, result }
        }
        ChangeEffect::SetImage {
            target,
            container,
            image,
        } => ChangeMsg::ImageSet {
            result: set_image(client, &target, &container, &image).await,
            target,
        },
        ChangeEffect::Apply { docs, skipped } => {
            let mut results = Vec::new();
            for doc in docs {
                let label = format!("{}/{}", doc.obj.kind.label(), doc.obj.name);
                results.push((label, apply_one(client, &doc).await));
            }
            ChangeMsg::Applied { results, skipped }
        }
    }
}

async fn create(client: &Client, obj: &ObjectRef, body: &Value) -> Result<Value, String> {
    let created = api(client, &obj.kind, obj.namespace.as_deref())
        .create(&PostParams::default(), &dynamic(body)?)
        .await
        .map_err(|e| describe_client(&e))?;
    serde_json::to_value(created).map_err(|e| e.to_string())
}

async fn set_image(
    client: &Client,
    target: &ObjectRef,
    container: &ContainerImage,
    new_image: &str,
) -> Result<String, String> {
    let patch = image::patch(container, new_image);
    api(client, &target.kind, target.namespace.as_deref())
        .patch(
            &target.name,
            &PatchParams::default(),
            &Patch::Strategic(patch),
        )
        .await
        .map_err(|e| format!("set image {}: {}", target.label(), describe_client(&e)))?;
    Ok(format!(
        "{}/{} image updated: {}={new_image}",
        target.kind.label(),
        target.name,
        container.name
    ))
}

/// Server-side apply of one document: created when it did not exist, unchanged when the
/// server kept its resourceVersion, configured otherwise.
async fn apply_one(client: &Client, doc: &ApplyDoc) -> Result<ApplyOutcome, String> {
    let api = api(client, &doc.obj.kind, doc.obj.namespace.as_deref());
    let before = match api.get_metadata_opt(&doc.obj.name).await {
        Ok(found) => found.and_then(|m| m.metadata.resource_version),
        Err(e) => return Err(describe_client(&e)),
    };
    let after = api
        .patch(
            &doc.obj.name,
            &PatchParams::apply(FIELD_MANAGER),
            &Patch::Apply(doc.body.clone()),
        )
        .await
        .map_err(|e| describe_client(&e))?;
    Ok(match before {
        None => ApplyOutcome::Created,
        Some(rv) if after.metadata.resource_version.as_deref() == Some(rv.as_str()) => {
            ApplyOutcome::Unchanged
        }
        Some(_) => ApplyOutcome::Configured,
    })
}
