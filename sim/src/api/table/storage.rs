//! Printers of the storage kinds: persistentvolumeclaims, persistentvolumes and
//! storageclasses (with the VolumeAttributesClass columns of 1.29+).

use serde_json::{json, Value};

use super::{col, Cells, Column, Now, AGE, NAME};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    Some(if is(&r::PERSISTENT_VOLUME_CLAIMS) {
        (PVC, pvc)
    } else if is(&r::PERSISTENT_VOLUMES) {
        (PV, pv)
    } else if is(&r::STORAGE_CLASSES) {
        (STORAGE_CLASS, storage_class)
    } else {
        return None;
    })
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// `RWO,ROX,RWX,RWOP`, in that order, as `GetAccessModesAsString`.
fn access_modes(modes: &Value) -> String {
    let has = |m: &str| modes.as_array().is_some_and(|a| a.iter().any(|v| v == m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| has(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The phase, or Terminating once deletion started.
fn phase(obj: &Value) -> &str {
    if obj["metadata"]["deletionTimestamp"].is_null() {
        s(&obj["status"]["phase"])
    } else {
        "Terminating"
    }
}

/// `spec.storageClassName`, or the beta annotation older objects have.
fn class(obj: &Value) -> &str {
    obj["spec"]["storageClassName"]
        .as_str()
        .or_else(|| {
            obj["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str()
        })
        .unwrap_or("")
}

fn unset(v: &Value) -> String {
    match v.as_str() {
        Some(x) if !x.is_empty() => x.to_string(),
        _ => "<unset>".to_string(),
    }
}

const PVC: &[Column] = &[
    NAME,
    col("Status", "string", 0),
    col("Volume", "string", 0),
    col("Capacity", "string", 0),
    col("Access Modes", "string", 0),
    col("StorageClass", "string", 0),
    col("VolumeAttributesClass", "string", 0),
    AGE,
    col("VolumeMode", "string", 1),
];

fn pvc(obj: &Value, now: &Now) -> Vec<Value> {
    let spec = &obj["spec"];
    let bound = !s(&spec["volumeName"]).is_empty();
    let (capacity, modes) = if bound {
        (
            s(&obj["status"]["capacity"]["storage"]).to_string(),
            access_modes(&obj["status"]["accessModes"]),
        )
    } else {
        (String::new(), String::new())
    };
    vec![
        super::name(obj),
        json!(phase(obj)),
        json!(s(&spec["volumeName"])),
        json!(capacity),
        json!(modes),
        json!(class(obj)),
        json!(unset(&spec["volumeAttributesClassName"])),
        now.age(obj),
        json!(unset(&spec["volumeMode"])),
    ]
}

const PV: &[Column] = &[
    NAME,
    col("Capacity", "string", 0),
    col("Access Modes", "string", 0),
    col("Reclaim Policy", "string", 0),
    col("Status", "string", 0),
    col("Claim", "string", 0),
    col("StorageClass", "string", 0),
    col("VolumeAttributesClass", "string", 0),
    col("Reason", "string", 0),
    AGE,
    col("VolumeMode", "string", 1),
];

fn pv(obj: &Value, now: &Now) -> Vec<Value> {
    let spec = &obj["spec"];
    let claim = match &spec["claimRef"] {
        Value::Object(c) => format!(
            "{}/{}",
            c.get("namespace").and_then(Value::as_str).unwrap_or(""),
            c.get("name").and_then(Value::as_str).unwrap_or("")
        ),
        _ => String::new(),
    };
    vec![
        super::name(obj),
        json!(s(&spec["capacity"]["storage"])),
        json!(access_modes(&spec["accessModes"])),
        json!(s(&spec["persistentVolumeReclaimPolicy"])),
        json!(phase(obj)),
        json!(claim),
        json!(class(obj)),
        json!(unset(&spec["volumeAttributesClassName"])),
        json!(s(&obj["status"]["reason"])),
        now.age(obj),
        json!(unset(&spec["volumeMode"])),
    ]
}

const STORAGE_CLASS: &[Column] = &[
    NAME,
    col("Provisioner", "string", 0),
    col("ReclaimPolicy", "string", 0),
    col("VolumeBindingMode", "string", 0),
    col("AllowVolumeExpansion", "string", 0),
    AGE,
];

fn storage_class(obj: &Value, now: &Now) -> Vec<Value> {
    let annotations = &obj["metadata"]["annotations"];
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| annotations[*a] == "true");
    let mut name = s(&obj["metadata"]["name"]).to_string();
    if default {
        name.push_str(" (default)");
    }
    let or = |v: &Value, d: &str| v.as_str().unwrap_or(d).to_string();
    vec![
        json!(name),
        json!(s(&obj["provisioner"])),
        json!(or(&obj["reclaimPolicy"], "Delete")),
        json!(or(&obj["volumeBindingMode"], "Immediate")),
        json!(obj["allowVolumeExpansion"].as_bool().unwrap_or(false)),
        now.age(obj),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T00:00:45Z".parse().unwrap())
    }

    #[test]
    fn bound_claim_and_volume() {
        let claim = json!({"metadata": {"name": "data"},
            "spec": {"volumeName": "pvc-1", "storageClassName": "standard", "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"]}});
        let cells = pvc(&claim, &now());
        assert_eq!(
            cells[1..7],
            [
                json!("Bound"),
                json!("pvc-1"),
                json!("1Gi"),
                json!("RWO,RWX"),
                json!("standard"),
                json!("<unset>")
            ]
        );
        let vol = json!({"metadata": {"name": "pvc-1"},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard",
                     "claimRef": {"namespace": "default", "name": "data"}},
            "status": {"phase": "Bound"}});
        assert_eq!(pv(&vol, &now())[5], "default/data");
        let sc = json!({"metadata": {"name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "k8s.io/minikube-hostpath"});
        assert_eq!(storage_class(&sc, &now())[0], "standard (default)");
    }
}
