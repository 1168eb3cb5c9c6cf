//! ConfigMaps, Namespaces and PersistentVolumeClaims, as kubectl's describers print them.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Namespace, PersistentVolumeClaim};
use serde_json::Value;

use super::text::{str_or, time_or, Out};
use super::{events, meta_of, Related};

/// kubectl's ConfigMap description: each key, a `----` rule and the value as is; binary keys
/// by size.
pub(super) fn config_map(obj: &Value, events: &[Event], now: Timestamp) -> String {
    let mut out = Out::default();
    let meta = meta_of(obj);
    out.meta(&meta);
    out.blank();
    out.line(0, "Data");
    out.line(0, "====");
    for (k, v) in sorted(obj.get("data")) {
        out.line(0, format!("{k}:"));
        out.line(0, "----");
        out.line(0, v.as_str().unwrap_or(""));
        out.blank();
    }
    out.blank();
    out.line(0, "BinaryData");
    out.line(0, "====");
    for (k, v) in sorted(obj.get("binaryData")) {
        let len = v.as_str().map_or(0, |s| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_or(s.len(), |b| b.len())
        });
        out.line(0, format!("{k}: {len} bytes"));
    }
    out.blank();
    events::section(&mut out, events, now);
    out.finish()
}

fn sorted(map: Option<&Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

pub(super) fn namespace(ns: &Namespace) -> String {
    let mut out = Out::default();
    out.field(0, "Name", str_or(&ns.metadata.name, ""));
    out.labels(0, "Labels", ns.metadata.labels.as_ref());
    out.annotations(0, "Annotations", ns.metadata.annotations.as_ref());
    let status = ns.status.clone().unwrap_or_default();
    out.field(0, "Status", status.phase.as_deref().unwrap_or(""));
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        out.line(0, "Conditions:");
        out.table(
            1,
            &["Type", "Status", "LastTransitionTime", "Reason", "Message"],
            conditions.iter().map(|c| {
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.type_,
                    c.status,
                    time_or(c.last_transition_time.as_ref(), ""),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                )
            }),
        );
    }
    out.finish()
}

/// kubectl's access-mode abbreviations, in its order.
fn access_modes(modes: &[String]) -> String {
    let known = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    let short: Vec<&str> = known
        .iter()
        .filter(|(long, _)| modes.iter().any(|m| m == long))
        .map(|(_, s)| *s)
        .collect();
    short.join(",")
}

pub(super) fn pvc(
    pvc: &PersistentVolumeClaim,
    events: &[Event],
    related: &Related,
    now: Timestamp,
) -> String {
    let mut out = Out::default();
    let meta = &pvc.metadata;
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let name = str_or(&meta.name, "");
    out.field(0, "Name", name);
    out.field(0, "Namespace", str_or(&meta.namespace, ""));
    out.field(0, "StorageClass", str_or(&spec.storage_class_name, ""));
    match &meta.deletion_timestamp {
        Some(ts) => out.field(
            0,
            "Status",
            format!(
                "Terminating (lasts {})",
                crate::model::format::age(Some(ts.0), now)
            ),
        ),
        None => out.field(0, "Status", status.phase.as_deref().unwrap_or("")),
    }
    out.field(0, "Volume", str_or(&spec.volume_name, ""));
    out.labels(0, "Labels", meta.labels.as_ref());
    out.annotations(0, "Annotations", meta.annotations.as_ref());
    let finalizers = meta.finalizers.clone().unwrap_or_default();
    out.field(0, "Finalizers", format!("[{}]", finalizers.join(" ")));
    let bound = spec.volume_name.as_deref().is_some_and(|v| !v.is_empty());
    let capacity = status
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map(|q| q.0.clone());
    out.field(
        0,
        "Capacity",
        if bound {
            capacity.unwrap_or_default()
        } else {
            String::new()
        },
    );
    let modes = status.access_modes.clone().unwrap_or_default();
    out.field(
        0,
        "Access Modes",
        if bound {
            access_modes(&modes)
        } else {
            String::new()
        },
    );
    out.field_opt(0, "VolumeMode", spec.volume_mode.as_deref());
    if let Some(ds) = &spec.data_source {
        out.line(0, "DataSource:");
        out.field_opt(1, "APIGroup", ds.api_group.as_deref());
        out.field(1, "Kind", &ds.kind);
        out.field(1, "Name", &ds.name);
    }
    let users = crate::model::drill::claim_users(name, &related.pods);
    out.list(0, "Used By", &users);
    let conditions = status
        .conditions
        .unwrap_or_default()
        .iter()
        .map(|c| {
            [
                c.type_.clone(),
                c.status.clone(),
                time_or(c.last_probe_time.as_ref(), ""),
                time_or(c.last_transition_time.as_ref(), ""),
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.conditions("LastProbeTime", conditions);
    events::section(&mut out, events, now);
    out.finish()
}
