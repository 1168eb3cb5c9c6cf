//! Helm 3's record format: the `release` entry of the record holds base64 (standard
//! alphabet) of the gzip of the release JSON (Helm's `encodeRelease`); Kubernetes then
//! base64-encodes the Secret's data once more on the wire, which the client undoes. Helm
//! reads records that are not gzipped too (`decodeRelease` checks the gzip magic), and so
//! does rkt. Labels: `name`, `owner=helm`, `status`, `version`, and `createdAt` (set on
//! create) or `modifiedAt` (set on update).

use std::io::{Read, Write};

use base64::Engine as _;
use serde_json::{json, Value};

use super::RELEASE_TYPE;

/// The most a release may inflate to: a record is at most 1 MiB, a release JSON a few MiB;
/// more is refused rather than read (a hostile record must not exhaust memory).
const MAX_RELEASE_BYTES: u64 = 64 * 1024 * 1024;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The release JSON from a record's `release` entry (Helm's base64 text).
pub fn decode(release: &[u8]) -> Result<Value, String> {
    decode_as(release)
}

/// The release from a record's `release` entry, read into `T`: a type with a few fields
/// skips the rest (the manifest, the chart's templates) without keeping them.
pub fn decode_as<T: serde::de::DeserializeOwned>(release: &[u8]) -> Result<T, String> {
    let text: Vec<u8> = release
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("release is not base64: {e}"))?;
    let json = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .take(MAX_RELEASE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("release is not gzip: {e}"))?;
        if out.len() as u64 > MAX_RELEASE_BYTES {
            return Err("release is larger than 64 MiB".into());
        }
        out
    } else {
        bytes
    };
    serde_json::from_slice(&json).map_err(|e| format!("release is not a release JSON: {e}"))
}

/// A record's `release` entry for `release`: base64 of gzip of its JSON.
pub fn encode(release: &Value) -> Result<String, String> {
    let json = serde_json::to_vec(release).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&json).map_err(|e| e.to_string())?;
    let bytes = gz.finish().map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Which time label a write sets, as Helm's driver does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordWrite {
    /// `createdAt`.
    Create,
    /// `modifiedAt`.
    Update,
}

/// The Secret that stores `release` (its `data.release` already base64 for the API), with
/// Helm's labels; `unix` is the time label's value.
pub fn record(release: &Value, write: RecordWrite, unix: i64) -> Result<Value, String> {
    let name = release["name"].as_str().unwrap_or_default();
    let version = release["version"].as_i64().unwrap_or_default();
    let status = release["info"]["status"].as_str().unwrap_or_default();
    let inner = encode(release)?;
    let time_label = match write {
        RecordWrite::Create => "createdAt",
        RecordWrite::Update => "modifiedAt",
    };
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": super::record_name(name, version),
            "namespace": release["namespace"],
            "labels": {
                "name": name,
                "owner": "helm",
                "status": status,
                "version": version.to_string(),
                time_label: unix.to_string(),
            }
        },
        "type": RELEASE_TYPE,
        "data": {"release": base64::engine::general_purpose::STANDARD.encode(inner)}
    }))
}
