//! Release records in the cluster: read a release's revisions, write the records a rollback
//! makes, remove them on uninstall. The Secret driver, as Helm 3's default.

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::Client;
use serde_json::Value;

use crate::cluster::watch::describe_client;
use crate::model::helm::storage::{self, RecordWrite};
use crate::model::helm::{release, ReleaseRef};

fn api(client: &Client, namespace: &str) -> Api<Secret> {
    Api::namespaced(client.clone(), namespace)
}

/// Every revision of `rel`, decoded, oldest first. Records that do not decode are skipped
/// (as Helm's driver skips them); none at all is an error.
pub async fn history(client: &Client, rel: &ReleaseRef) -> Result<Vec<Value>, String> {
    let list = api(client, &rel.namespace)
        .list(&ListParams::default().labels(&rel.selector()))
        .await
        .map_err(|e| format!("reading release {}: {}", rel.label(), describe_client(&e)))?;
    let mut out: Vec<Value> = list
        .items
        .iter()
        .filter_map(|s| s.data.as_ref()?.get("release"))
        .filter_map(|b| storage::decode(&b.0).ok())
        .filter(|r| release::name(r) == rel.name)
        .collect();
    if out.is_empty() {
        return Err(format!("release {}: not found", rel.label()));
    }
    out.sort_by_key(release::version);
    Ok(out)
}

fn secret(release: &Value, write: RecordWrite) -> Result<Secret, String> {
    let unix = jiff::Timestamp::now().as_second();
    let body = storage::record(release, write, unix)?;
    serde_json::from_value(body).map_err(|e| e.to_string())
}

/// Stores a new revision (fails if its record exists: someone else made that revision).
pub async fn create(client: &Client, release: &Value) -> Result<(), String> {
    let s = secret(release, RecordWrite::Create)?;
    api(client, release::namespace(release))
        .create(&PostParams::default(), &s)
        .await
        .map(drop)
        .map_err(|e| format!("storing the new revision: {}", describe_client(&e)))
}

/// Rewrites a revision's record (its status changed).
pub async fn update(client: &Client, release: &Value) -> Result<(), String> {
    let s = secret(release, RecordWrite::Update)?;
    let name = s.metadata.name.clone().unwrap_or_default();
    api(client, release::namespace(release))
        .replace(&name, &PostParams::default(), &s)
        .await
        .map(drop)
        .map_err(|e| format!("updating record {name}: {}", describe_client(&e)))
}

/// Removes a revision's record.
pub async fn delete(client: &Client, release: &Value) -> Result<(), String> {
    let name = crate::model::helm::record_name(release::name(release), release::version(release));
    match api(client, release::namespace(release))
        .delete(&name, &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(format!("removing record {name}: {}", describe_client(&e))),
    }
}
