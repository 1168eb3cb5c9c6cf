//! Pod volumes as kubectl's `describeVolumes` prints them: the common sources in kubectl's
//! words, any other source by its field name and scalar settings.

use k8s_openapi::api::core::v1::{ProjectedVolumeSource, Volume};
use serde_json::Value;

use super::text::Out;

type Lines = (String, Vec<(String, String)>);

/// `Volumes:` and each volume; `space` is `"  "` inside a pod template.
pub(super) fn volumes(out: &mut Out, space: &str, list: &[Volume]) {
    if list.is_empty() {
        out.line(0, format!("{space}Volumes:\t<none>"));
        return;
    }
    out.line(0, format!("{space}Volumes:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        out.line(1, format!("{name_indent}{}:", v.name));
        let (kind, fields) = source(v);
        out.field(2, "Type", kind);
        for (label, value) in fields {
            out.field(2, &label, value);
        }
    }
}

fn pairs<const N: usize>(kind: &str, fields: [(&str, String); N]) -> Lines {
    let fields = fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    (kind.to_string(), fields)
}

fn flag(b: Option<bool>) -> String {
    b.unwrap_or(false).to_string()
}

fn source(v: &Volume) -> Lines {
    if let Some(h) = &v.host_path {
        return pairs(
            "HostPath (bare host directory volume)",
            [
                ("Path", h.path.clone()),
                ("HostPathType", h.type_.clone().unwrap_or_default()),
            ],
        );
    }
    if let Some(e) = &v.empty_dir {
        let limit = e
            .size_limit
            .as_ref()
            .map(|q| q.0.clone())
            .filter(|q| q != "0");
        return pairs(
            "EmptyDir (a temporary directory that shares a pod's lifetime)",
            [
                ("Medium", e.medium.clone().unwrap_or_default()),
                ("SizeLimit", limit.unwrap_or_else(|| "<unset>".into())),
            ],
        );
    }
    if let Some(s) = &v.secret {
        return pairs(
            "Secret (a volume populated by a Secret)",
            [
                ("SecretName", s.secret_name.clone().unwrap_or_default()),
                ("Optional", flag(s.optional)),
            ],
        );
    }
    if let Some(c) = &v.config_map {
        return pairs(
            "ConfigMap (a volume populated by a ConfigMap)",
            [("Name", c.name.clone()), ("Optional", flag(c.optional))],
        );
    }
    if let Some(c) = &v.persistent_volume_claim {
        return pairs(
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            [
                ("ClaimName", c.claim_name.clone()),
                ("ReadOnly", flag(c.read_only)),
            ],
        );
    }
    if let Some(n) = &v.nfs {
        return pairs(
            "NFS (an NFS mount that lasts the lifetime of a pod)",
            [
                ("Server", n.server.clone()),
                ("Path", n.path.clone()),
                ("ReadOnly", flag(n.read_only)),
            ],
        );
    }
    if let Some(c) = &v.csi {
        return pairs(
            "CSI (a Container Storage Interface (CSI) volume source)",
            [
                ("Driver", c.driver.clone()),
                ("FSType", c.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", flag(c.read_only)),
            ],
        );
    }
    if let Some(p) = &v.projected {
        return projected(p);
    }
    if v.downward_api.is_some() {
        return pairs(
            "DownwardAPI (a volume populated by information about the pod)",
            [],
        );
    }
    if v.ephemeral.is_some() {
        return pairs(
            "EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)",
            [],
        );
    }
    other(v)
}

fn projected(p: &ProjectedVolumeSource) -> Lines {
    let mut fields = Vec::new();
    for s in p.sources.iter().flatten() {
        if let Some(sec) = &s.secret {
            fields.push(("SecretName".to_string(), sec.name.clone()));
            fields.push(("Optional".to_string(), flag(sec.optional)));
        } else if s.downward_api.is_some() {
            fields.push(("DownwardAPI".to_string(), "true".to_string()));
        } else if let Some(cm) = &s.config_map {
            fields.push(("ConfigMapName".to_string(), cm.name.clone()));
            fields.push(("Optional".to_string(), flag(cm.optional)));
        } else if let Some(t) = &s.service_account_token {
            let secs = t.expiration_seconds.unwrap_or(3600);
            fields.push(("TokenExpirationSeconds".to_string(), secs.to_string()));
        }
    }
    (
        "Projected (a volume that contains injected data from multiple sources)".to_string(),
        fields,
    )
}

/// Any other source: its field name, then its scalar settings.
fn other(v: &Volume) -> Lines {
    let value = serde_json::to_value(v).unwrap_or(Value::Null);
    let Some((kind, settings)) = value
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.as_str() != "name"))
    else {
        return ("<unknown>".to_string(), Vec::new());
    };
    let fields = settings
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| scalar(v).map(|s| (k.clone(), s)))
        .collect();
    (kind.clone(), fields)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
