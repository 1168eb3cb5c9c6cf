//! Helm 3 releases, read and written natively: Helm keeps every revision of a release in the
//! cluster (a Secret of type `helm.sh/release.v1` per revision, by default), so rkt lists,
//! shows and rolls them back without a helm binary.
//!
//! [`storage`] is the record format (base64 of gzip of the release JSON), [`release`] the
//! release JSON (fields Helm reads, the release a rollback writes), [`rows`] the compact rows
//! the list and history keep, [`manifest`] the rendered objects and their diff, [`merge`]
//! the three-way patch a rollback sends, [`effects`] what the TUI asks of the cluster.

pub mod effects;
pub mod manifest;
pub mod merge;
pub mod release;
pub mod rows;
pub mod storage;
#[cfg(test)]
mod tests;

/// The Secret type Helm 3 gives its release records.
pub const RELEASE_TYPE: &str = "helm.sh/release.v1";
/// The label selector of every Helm release record.
pub const OWNER_SELECTOR: &str = "owner=helm";
/// The annotation that keeps an object when Helm would delete it.
pub const RESOURCE_POLICY: &str = "helm.sh/resource-policy";
pub const KEEP: &str = "keep";

/// The record name of revision `version` of release `name` (Helm's storage key).
pub fn record_name(name: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{name}.v{version}")
}

/// A release by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReleaseRef {
    pub namespace: String,
    pub name: String,
}

impl ReleaseRef {
    pub fn new(namespace: &str, name: &str) -> ReleaseRef {
        ReleaseRef {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// `default/my-nginx`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The label selector of this release's records.
    pub fn selector(&self) -> String {
        format!("{OWNER_SELECTOR},name={}", self.name)
    }
}
