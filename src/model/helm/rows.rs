//! The compact rows of the Helm view: one per release record (revision), made as the
//! record arrives and the decoded release dropped at once, so a cluster with thousands of
//! releases costs rows, not manifests.

use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Secret;

use serde::Deserialize;

use super::{release, storage};
use crate::model::convert::Interner;
use crate::model::format::inert;
use crate::model::rows::{Health, RowKey};

/// One revision of a release, as `helm history` prints it (and `helm list` its latest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRecord {
    pub namespace: Arc<str>,
    /// The record (Secret) holding it.
    pub record: Arc<str>,
    pub name: Arc<str>,
    pub revision: i64,
    pub updated: Option<Timestamp>,
    pub status: Arc<str>,
    /// `nginx-15.14.0`.
    pub chart: Arc<str>,
    pub app_version: Arc<str>,
    pub description: Arc<str>,
}

impl ReleaseRecord {
    pub fn key(&self) -> RowKey {
        RowKey::of(&self.namespace, &self.record)
    }

    /// Failed releases red, pending ones (an operation under way or interrupted) yellow.
    pub fn health(&self) -> Health {
        match &*self.status {
            release::FAILED => Health::Error,
            s if s.starts_with("pending") || s == "uninstalling" => Health::Pending,
            release::SUPERSEDED | "uninstalled" => Health::Completed,
            _ => Health::Ok,
        }
    }
}

/// The part of a release a row shows: the manifest, values and templates are skipped while
/// parsing, never held.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Head {
    name: String,
    version: i64,
    info: HeadInfo,
    chart: HeadChart,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HeadInfo {
    status: String,
    description: String,
    last_deployed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HeadChart {
    metadata: HeadMeta,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct HeadMeta {
    name: String,
    version: String,
    app_version: String,
}

/// The row of a release record, from its labels and its decoded release. A record that
/// does not decode still shows, from its labels, with the reason as its description.
pub fn record_row(secret: &Secret, interner: &mut Interner) -> Option<ReleaseRecord> {
    let meta = &secret.metadata;
    let labels = meta.labels.as_ref()?;
    if labels.get("owner").map(String::as_str) != Some("helm") {
        return None;
    }
    let namespace = interner.get(meta.namespace.as_deref().unwrap_or(""));
    let record: Arc<str> = inert(meta.name.as_deref().unwrap_or("")).into();
    let label = |k: &str| labels.get(k).map(String::as_str).unwrap_or("");
    let decoded = secret
        .data
        .as_ref()
        .and_then(|d| d.get("release"))
        .ok_or_else(|| "no release data".to_string())
        .and_then(|b| storage::decode_as::<Head>(&b.0));
    let row = match decoded {
        Ok(r) => {
            let chart = match (&r.chart.metadata.name, &r.chart.metadata.version) {
                (n, _) if n.is_empty() => String::new(),
                (n, v) => format!("{n}-{v}"),
            };
            ReleaseRecord {
                namespace,
                record,
                name: inert(&r.name).into(),
                revision: r.version,
                updated: r.info.last_deployed.parse().ok(),
                status: interner.get(&inert(&r.info.status)),
                chart: interner.get(&inert(&chart)),
                app_version: interner.get(&inert(&r.chart.metadata.app_version)),
                description: inert(&r.info.description).into(),
            }
        }
        Err(e) => ReleaseRecord {
            namespace,
            record,
            name: inert(label("name")).into(),
            revision: label("version").parse().unwrap_or(0),
            updated: None,
            status: interner.get(&inert(label("status"))),
            chart: "".into(),
            app_version: "".into(),
            description: inert(&format!("cannot read the record: {e}")).into(),
        },
    };
    Some(row)
}

/// The key of a record (for deletions).
pub fn record_key(secret: &Secret) -> Option<RowKey> {
    Some(RowKey::namespaced(
        secret.metadata.namespace.as_deref()?,
        secret.metadata.name.as_deref()?,
    ))
}
