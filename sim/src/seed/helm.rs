//! A Helm 3 release made the way Helm makes one: `helm install my-nginx bitnami/nginx`
//! then two upgrades, each revision stored as Helm's Secret driver stores it (type
//! `helm.sh/release.v1`, labels `name`, `owner=helm`, `status`, `version` and
//! `createdAt`/`modifiedAt`, `data.release` = base64 of gzip of the release JSON) and the
//! objects in the cluster those of the deployed revision, labelled and annotated as Helm
//! leaves them.
//!
//! Revisions: 1 installs with user values (`replicaCount: 2`, a pod label), 2 changes the
//! image tag, 3 goes back to the chart's replica count with a new values file (the pod
//! label gone). Revisions 1 and 2 are superseded, 3 is deployed.

use std::io::Write as _;

use base64::Engine as _;
use serde_json::{json, Value};

use super::Seeder;
use crate::resources::{DEPLOYMENTS, SECRETS, SERVICES};

pub const RELEASE: &str = "my-nginx";
pub const NAMESPACE: &str = "default";
pub const CHART_VERSION: &str = "18.2.4";
pub const APP_VERSION: &str = "1.27.1";
/// The image of each revision.
pub const IMAGES: [&str; 3] = [
    "docker.io/bitnami/nginx:1.27.1-debian-12-r2",
    "docker.io/bitnami/nginx:1.27.2-debian-12-r1",
    "docker.io/bitnami/nginx:1.27.2-debian-12-r1",
];
const REPOSITORY: &str = "bitnami/nginx";

/// The user-supplied values of each revision.
fn config(revision: usize) -> Value {
    match revision {
        1 => json!({"replicaCount": 2, "podLabels": {"tier": "web"}}),
        2 => json!({"replicaCount": 2, "podLabels": {"tier": "web"},
                    "image": {"tag": "1.27.2-debian-12-r1"}}),
        _ => json!({"image": {"tag": "1.27.2-debian-12-r1"}}),
    }
}

/// The chart's default values (the part its templates use here).
fn chart_values() -> Value {
    json!({
        "replicaCount": 1,
        "image": {"registry": "docker.io", "repository": REPOSITORY, "tag": "1.27.1-debian-12-r2",
                  "pullPolicy": "IfNotPresent"},
        "podLabels": {},
        "containerPorts": {"http": 8080},
        "resourcesPreset": "nano",
        "service": {"type": "LoadBalancer", "ports": {"http": 80}},
    })
}

fn replicas(revision: usize) -> i64 {
    config(revision)["replicaCount"].as_i64().unwrap_or(1)
}

/// The objects the chart renders for `revision`, with their template paths.
fn render(revision: usize) -> Vec<(&'static str, Value)> {
    let selector =
        json!({"app.kubernetes.io/instance": RELEASE, "app.kubernetes.io/name": "nginx"});
    let mut labels = selector.clone();
    labels["app.kubernetes.io/managed-by"] = json!("Helm");
    labels["app.kubernetes.io/version"] = json!(APP_VERSION);
    labels["helm.sh/chart"] = json!(format!("nginx-{CHART_VERSION}"));
    let mut pod_labels = labels.clone();
    if let Some(extra) = config(revision)["podLabels"].as_object() {
        for (k, v) in extra {
            pod_labels[k] = v.clone();
        }
    }
    let image = IMAGES[revision.clamp(1, 3) - 1];
    let service = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": RELEASE, "namespace": NAMESPACE, "labels": labels},
        "spec": {"type": "ClusterIP", "sessionAffinity": "None",
                 "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                 "selector": selector}
    });
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": RELEASE, "namespace": NAMESPACE, "labels": labels},
        "spec": {
            "replicas": replicas(revision),
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {"containers": [{
                    "name": "nginx", "image": image, "imagePullPolicy": "IfNotPresent",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "50Mi"},
                        "limits": {"cpu": "150m", "memory": "192Mi", "ephemeral-storage": "2Gi"}}
                }]}
            }
        }
    });
    vec![
        ("nginx/templates/svc.yaml", service),
        ("nginx/templates/deployment.yaml", deployment),
    ]
}

/// The manifest Helm stores: each document under its `# Source:` comment.
fn manifest(revision: usize) -> String {
    render(revision)
        .iter()
        .map(|(source, obj)| {
            let yaml = serde_yaml::to_string(obj).unwrap_or_default();
            format!("---\n# Source: {source}\n{yaml}")
        })
        .collect()
}

/// Go's `time.Time` in JSON: RFC 3339 with nanoseconds.
fn go_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

fn release(revision: usize, status: &str, first: jiff::Timestamp, at: jiff::Timestamp) -> Value {
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    json!({
        "name": RELEASE,
        "namespace": NAMESPACE,
        "version": revision,
        "info": {
            "first_deployed": go_time(first),
            "last_deployed": go_time(at),
            "deleted": "",
            "description": if revision == 1 { "Install complete" } else { "Upgrade complete" },
            "status": status,
            "notes": format!("CHART NAME: nginx\nCHART VERSION: {CHART_VERSION}\nAPP VERSION: {APP_VERSION}\n\n\
                ** Please be patient while the chart is being deployed **\n\
                NGINX can be accessed through the following DNS name from within your cluster:\n\n    \
                {RELEASE}.{NAMESPACE}.svc.cluster.local (port 80)\n"),
        },
        "chart": {
            "metadata": {
                "name": "nginx", "version": CHART_VERSION, "appVersion": APP_VERSION,
                "apiVersion": "v2", "type": "application",
                "description": "NGINX Open Source is a web server that can be also used as a reverse proxy, load balancer, and HTTP cache.",
                "home": "https://bitnami.com", "keywords": ["nginx", "http", "web", "www", "reverse proxy"],
                "dependencies": [{"name": "common", "version": "2.x.x", "repository": "oci://registry-1.docker.io/bitnamicharts", "tags": ["bitnami-common"]}]
            },
            "lock": null,
            "templates": [
                {"name": "templates/svc.yaml", "data": encode("apiVersion: v1\nkind: Service\n# …\n")},
                {"name": "templates/deployment.yaml", "data": encode("apiVersion: apps/v1\nkind: Deployment\n# …\n")},
                {"name": "templates/NOTES.txt", "data": encode("CHART NAME: {{ .Chart.Name }}\n")}
            ],
            "values": chart_values(),
            "schema": null,
            "files": []
        },
        "config": config(revision),
        "manifest": manifest(revision),
    })
}

/// Helm's `encodeRelease`: gzip (best compression) of the JSON, then base64.
fn encode(release: &Value) -> anyhow::Result<String> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(release.to_string().as_bytes())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(gz.finish()?))
}

/// The Secret holding `release` (Helm's `newSecretsObject`); `data` is base64 once more
/// because that is how the API carries Secret bytes.
fn record(release: &Value, time_label: &str, unix: i64) -> anyhow::Result<Value> {
    let version = release["version"].as_i64().unwrap_or(0);
    let inner = encode(release)?;
    Ok(json!({
        "metadata": {
            "name": format!("sh.helm.release.v1.{RELEASE}.v{version}"),
            "labels": {"name": RELEASE, "owner": "helm", "status": release["info"]["status"],
                       "version": version.to_string(), time_label: unix.to_string()}
        },
        "type": "helm.sh/release.v1",
        "data": {"release": base64::engine::general_purpose::STANDARD.encode(inner)}
    }))
}

pub fn build(s: &mut Seeder) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    let ago = |mins: i64| {
        now.checked_sub(jiff::SignedDuration::from_mins(mins))
            .unwrap_or(now)
    };
    let times = [ago(3 * 24 * 60), ago(26 * 60), ago(45)];
    for revision in 1..=3 {
        let status = if revision == 3 {
            "deployed"
        } else {
            "superseded"
        };
        let at = times[revision - 1];
        let rel = release(revision, status, times[0], at);
        // Superseded revisions were rewritten by the next upgrade (Update sets modifiedAt).
        let (label, when) = if revision == 3 {
            ("createdAt", at)
        } else {
            ("modifiedAt", times[revision])
        };
        s.create(&SECRETS, NAMESPACE, record(&rel, label, when.as_second())?)?;
    }
    // Installed at revision 1, then upgraded: the Deployment's ReplicaSets are the
    // upgrades' history, as in a cluster where Helm ran.
    for (_, mut obj) in render(1) {
        obj["metadata"]["annotations"] = json!({"meta.helm.sh/release-name": RELEASE,
                                                "meta.helm.sh/release-namespace": NAMESPACE});
        let res = if obj["kind"] == "Service" {
            &SERVICES
        } else {
            &DEPLOYMENTS
        };
        s.create(res, NAMESPACE, obj)?;
    }
    s.settle();
    for revision in 2..=3 {
        let Some((_, next)) = render(revision)
            .into_iter()
            .find(|(_, o)| o["kind"] == "Deployment")
        else {
            continue;
        };
        s.update(&DEPLOYMENTS, NAMESPACE, RELEASE, move |d| {
            d["spec"] = next["spec"].clone();
            d["metadata"]["labels"] = next["metadata"]["labels"].clone();
        })?;
        s.settle();
    }
    Ok(())
}
