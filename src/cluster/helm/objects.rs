//! The objects of a manifest in the cluster: brought to another manifest the way
//! `helm rollback` does (create what is missing, three-way merge patch what exists, delete
//! what the target no longer has unless it is kept), or deleted as `helm uninstall` does.

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::Client;
use serde_json::Value;

use crate::cluster::objects::resource;
use crate::cluster::watch::describe_client;
use crate::model::change::apply::{plan, ApplyDoc};
use crate::model::discovery::Catalog;
use crate::model::helm::{manifest, merge};

fn api(client: &Client, doc: &ApplyDoc) -> Api<DynamicObject> {
    let res = resource(&doc.obj.kind);
    match &doc.obj.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &res),
        None => Api::all_with(client.clone(), &res),
    }
}

/// The objects of a manifest, each resolved to its resource (namespaced ones default to the
/// release's namespace).
pub fn resolve(catalog: &Catalog, text: &str, namespace: &str) -> Result<Vec<ApplyDoc>, String> {
    manifest::objects(text)?
        .into_iter()
        .map(|doc| plan(catalog, doc, namespace))
        .collect()
}

fn same(a: &ApplyDoc, b: &ApplyDoc) -> bool {
    a.obj.kind.group == b.obj.kind.group
        && a.obj.kind.kind == b.obj.kind.kind
        && a.obj.namespace == b.obj.namespace
        && a.obj.name == b.obj.name
}

async fn live(client: &Client, doc: &ApplyDoc) -> Result<Option<Value>, String> {
    match api(client, doc).get(&doc.obj.name).await {
        Ok(obj) => serde_json::to_value(obj)
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(e) => Err(format!("{}: {}", doc.obj.label(), describe_client(&e))),
    }
}

/// What an update or deletion did, object by object.
#[derive(Debug, Default)]
pub struct Report {
    pub changed: usize,
    pub deleted: usize,
    /// Objects left in place by `helm.sh/resource-policy: keep`.
    pub kept: Vec<String>,
}

/// Brings the objects of `old` to `target` (release `name` in `namespace`).
pub async fn update(
    client: &Client,
    old: &[ApplyDoc],
    target: Vec<ApplyDoc>,
    name: &str,
    namespace: &str,
) -> Result<Report, String> {
    let mut report = Report::default();
    for mut doc in target.iter().cloned() {
        merge::adopt(&mut doc.body, name, namespace);
        let before = old.iter().find(|o| same(o, &doc)).map(|o| &o.body);
        let sent = match live(client, &doc).await? {
            None => api(client, &doc)
                .create(&PostParams::default(), &dynamic(&doc.body)?)
                .await
                .map(drop),
            Some(now) => match merge::three_way(before, &doc.body, &now) {
                None => continue,
                Some(patch) => api(client, &doc)
                    .patch(
                        &doc.obj.name,
                        &PatchParams::default(),
                        &Patch::Merge(&patch),
                    )
                    .await
                    .map(drop),
            },
        };
        sent.map_err(|e| format!("{}: {}", doc.obj.label(), describe_client(&e)))?;
        report.changed += 1;
    }
    let gone: Vec<&ApplyDoc> = old
        .iter()
        .filter(|o| !target.iter().any(|t| same(t, o)))
        .collect();
    delete(client, &gone, &mut report).await?;
    Ok(report)
}

/// Deletes `docs` (last first, as Helm uninstalls), except those annotated to be kept in
/// the manifest or in the cluster.
pub async fn delete(
    client: &Client,
    docs: &[&ApplyDoc],
    report: &mut Report,
) -> Result<(), String> {
    for doc in docs.iter().rev() {
        let Some(now) = live(client, doc).await? else {
            continue;
        };
        if merge::keeps(&doc.body) || merge::keeps(&now) {
            report.kept.push(doc.obj.label());
            continue;
        }
        match api(client, doc)
            .delete(&doc.obj.name, &DeleteParams::background())
            .await
        {
            Ok(_) => report.deleted += 1,
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(format!("{}: {}", doc.obj.label(), describe_client(&e))),
        }
    }
    Ok(())
}

fn dynamic(body: &Value) -> Result<DynamicObject, String> {
    serde_json::from_value(body.clone()).map_err(|e| format!("cannot encode the object: {e}"))
}
