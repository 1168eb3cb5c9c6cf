//! Secrets: described with byte counts only, as kubectl does — never a value — and masked or
//! revealed for the YAML view.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;

use super::meta_of;
use super::text::Out;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn is_secret(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("Secret")
}

/// The decoded length of a `data` value (base64); its raw length if it is not base64.
fn data_len(v: &Value) -> usize {
    let text = v.as_str().unwrap_or("");
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_or(text.len(), |b| b.len())
}

fn string_data_len(v: &Value) -> usize {
    v.as_str().map_or(0, str::len)
}

/// kubectl's Secret description: metadata, type and `key:  N bytes` per key.
pub(super) fn describe(obj: &Value) -> String {
    let mut out = Out::default();
    let meta = meta_of(obj);
    out.meta(&meta);
    out.blank();
    out.field(
        0,
        "Type",
        obj.get("type").and_then(Value::as_str).unwrap_or(""),
    );
    out.blank();
    out.line(0, "Data");
    out.line(0, "====");
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for (field, len) in [
        ("data", data_len as fn(&Value) -> usize),
        ("stringData", string_data_len),
    ] {
        for (k, v) in obj
            .get(field)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            sizes.insert(k, len(v));
        }
    }
    for (k, n) in sizes {
        out.field(0, k, format!("{n} bytes"));
    }
    out.finish()
}

/// Replaces every value under a Secret's `data` and `stringData` — and in the copy of the
/// object kubectl keeps in its last-applied annotation — with `<hidden: N bytes>`.
/// Objects of other kinds are left alone.
pub fn mask_secret(obj: &mut Value) {
    if !is_secret(obj) {
        return;
    }
    mask_fields(obj);
    let Some(annotation) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
        .and_then(|a| a.get_mut(LAST_APPLIED))
    else {
        return;
    };
    let masked = annotation
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .map(|mut applied| {
            mask_fields(&mut applied);
            applied.to_string()
        });
    *annotation = Value::String(masked.unwrap_or_else(|| "<hidden>".into()));
}

fn mask_fields(obj: &mut Value) {
    for (field, len) in [
        ("data", data_len as fn(&Value) -> usize),
        ("stringData", string_data_len),
    ] {
        for v in obj
            .get_mut(field)
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            *v = Value::String(format!("<hidden: {} bytes>", len(v)));
        }
    }
}

/// Replaces each value under a Secret's `data` by its decoded text, or `<binary: N bytes>`
/// when that is not UTF-8. Objects of other kinds are left alone.
pub fn reveal_secret(obj: &mut Value) {
    if !is_secret(obj) {
        return;
    }
    let values = obj
        .get_mut("data")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|m| m.values_mut());
    for v in values {
        let decoded = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or(""));
        *v = Value::String(match decoded {
            Ok(bytes) => String::from_utf8(bytes)
                .unwrap_or_else(|e| format!("<binary: {} bytes>", e.as_bytes().len())),
            Err(_) => "<binary: not base64>".to_string(),
        });
    }
}
