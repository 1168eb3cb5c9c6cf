//! Defaulting and allocation done on create and update, as the apiserver's defaulting and
//! admission do: service clusterIP/nodePort, deployment strategy, pod and container
//! defaults. Every function only fills what is missing, so applying defaults twice
//! changes nothing (the controllers compare defaulted templates).

use serde_json::{json, Value};

use super::resources;
use super::store::{Addresses, Res, Taken};

/// Fills in the fields the real apiserver defaults.
pub fn apply_defaults(res: Res, obj: &mut Value) {
    if !obj.is_object() {
        return;
    }
    let is = |r: &resources::ResourceType| std::ptr::eq(res, r);
    if is(&resources::PODS) {
        default_pod(obj);
    } else if is(&resources::DEPLOYMENTS) {
        default_deployment(obj);
    } else if is(&resources::REPLICASETS) {
        let spec = object_at(obj, "spec");
        fill(spec, "replicas", json!(1));
        default_template(obj);
    } else if is(&resources::STATEFULSETS) {
        default_statefulset(obj);
    } else if is(&resources::DAEMONSETS) {
        default_daemonset(obj);
    } else if is(&resources::SERVICES) {
        default_service(obj);
    } else if is(&resources::NAMESPACES) {
        let name = obj["metadata"]["name"].clone();
        if name.is_string() {
            let labels = object_at(object_at(obj, "metadata"), "labels");
            fill(labels, "kubernetes.io/metadata.name", name);
        }
        fill(object_at(obj, "spec"), "finalizers", json!(["kubernetes"]));
        fill(object_at(obj, "status"), "phase", json!("Active"));
    } else if is(&resources::SECRETS) {
        fill(obj, "type", json!("Opaque"));
    } else if is(&resources::INGRESSES) {
        fill(object_at(obj, "status"), "loadBalancer", json!({}));
    } else if is(&resources::JOBS) {
        default_job_spec(object_at(obj, "spec"));
        default_template(obj);
    } else if is(&resources::CRON_JOBS) {
        let spec = object_at(obj, "spec");
        fill(spec, "concurrencyPolicy", json!("Allow"));
        fill(spec, "suspend", json!(false));
        fill(spec, "successfulJobsHistoryLimit", json!(3));
        fill(spec, "failedJobsHistoryLimit", json!(1));
        let job_spec = object_at(object_at(spec, "jobTemplate"), "spec");
        default_job_spec(job_spec);
    } else if is(&resources::CUSTOM_RESOURCE_DEFINITIONS) {
        if obj["status"]["acceptedNames"].is_null() {
            resources::custom::accepted_status(obj, &super::store::now_rfc3339());
        }
    } else if is(&resources::PERSISTENT_VOLUME_CLAIMS) {
        fill(object_at(obj, "spec"), "volumeMode", json!("Filesystem"));
        fill(object_at(obj, "status"), "phase", json!("Pending"));
    } else if is(&resources::PERSISTENT_VOLUMES) {
        let spec = object_at(obj, "spec");
        fill(spec, "volumeMode", json!("Filesystem"));
        fill(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
        fill(object_at(obj, "status"), "phase", json!("Pending"));
    } else if is(&resources::STORAGE_CLASSES) {
        fill(obj, "reclaimPolicy", json!("Delete"));
        fill(obj, "volumeBindingMode", json!("Immediate"));
    }
}

/// `obj[field]`, made an object if it is not one.
fn object_at<'a>(obj: &'a mut Value, field: &str) -> &'a mut Value {
    if !obj[field].is_object() {
        obj[field] = json!({});
    }
    &mut obj[field]
}

/// Sets `obj[field]` unless it already has a non-null value.
fn fill(obj: &mut Value, field: &str, value: Value) {
    if obj.get(field).is_none_or(Value::is_null) {
        obj[field] = value;
    }
}

fn default_deployment(obj: &mut Value) {
    let spec = object_at(obj, "spec");
    fill(spec, "replicas", json!(1));
    fill(spec, "revisionHistoryLimit", json!(10));
    fill(spec, "progressDeadlineSeconds", json!(600));
    let strategy = object_at(spec, "strategy");
    fill(strategy, "type", json!("RollingUpdate"));
    if strategy["type"] == "RollingUpdate" {
        let ru = object_at(strategy, "rollingUpdate");
        fill(ru, "maxSurge", json!("25%"));
        fill(ru, "maxUnavailable", json!("25%"));
    }
    default_template(obj);
}

fn default_statefulset(obj: &mut Value) {
    let spec = object_at(obj, "spec");
    fill(spec, "replicas", json!(1));
    fill(spec, "podManagementPolicy", json!("OrderedReady"));
    fill(spec, "revisionHistoryLimit", json!(10));
    fill(
        spec,
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
    );
    let strategy = object_at(spec, "updateStrategy");
    fill(strategy, "type", json!("RollingUpdate"));
    if strategy["type"] == "RollingUpdate" {
        fill(object_at(strategy, "rollingUpdate"), "partition", json!(0));
    }
    default_template(obj);
}

/// Defaults that need the uid the store just gave a new object: a Job's selector and
/// pod labels name it (unless the Job chose its selector with `manualSelector`).
pub fn with_uid(res: Res, obj: &mut Value) {
    if !std::ptr::eq(res, &resources::JOBS) || obj["spec"]["manualSelector"] == true {
        return;
    }
    let uid = obj["metadata"]["uid"].clone();
    let name = obj["metadata"]["name"].clone();
    let spec = object_at(obj, "spec");
    if spec["selector"].is_null() {
        spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    }
    let template = object_at(spec, "template");
    let labels = object_at(object_at(template, "metadata"), "labels");
    for (key, value) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ] {
        fill(labels, key, value.clone());
    }
}

/// A Job's spec (also a CronJob's job template): one pod to completion, six retries.
fn default_job_spec(spec: &mut Value) {
    if spec["completions"].is_null() && spec["parallelism"].is_null() {
        spec["completions"] = json!(1);
    }
    fill(spec, "parallelism", json!(1));
    fill(spec, "backoffLimit", json!(6));
    fill(spec, "completionMode", json!("NonIndexed"));
    fill(spec, "suspend", json!(false));
    fill(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
}

fn default_daemonset(obj: &mut Value) {
    let spec = object_at(obj, "spec");
    fill(spec, "revisionHistoryLimit", json!(10));
    let strategy = object_at(spec, "updateStrategy");
    fill(strategy, "type", json!("RollingUpdate"));
    if strategy["type"] == "RollingUpdate" {
        let ru = object_at(strategy, "rollingUpdate");
        fill(ru, "maxSurge", json!(0));
        fill(ru, "maxUnavailable", json!(1));
    }
    default_template(obj);
}

/// Defaults of `spec.template.spec` in a workload.
fn default_template(obj: &mut Value) {
    let template = object_at(object_at(obj, "spec"), "template");
    object_at(template, "metadata");
    default_pod_spec(object_at(template, "spec"));
}

fn default_pod(obj: &mut Value) {
    let spec = object_at(obj, "spec");
    default_pod_spec(spec);
    fill(spec, "enableServiceLinks", json!(true));
    fill(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    fill(spec, "priority", json!(0));
    fill(
        spec,
        "tolerations",
        json!([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ]),
    );
    add_service_account_volume(spec);
    let status = object_at(obj, "status");
    fill(status, "phase", json!("Pending"));
    let qos = qos_class(&obj["spec"]);
    fill(&mut obj["status"], "qosClass", json!(qos));
}

fn default_pod_spec(spec: &mut Value) {
    fill(spec, "restartPolicy", json!("Always"));
    fill(spec, "terminationGracePeriodSeconds", json!(30));
    fill(spec, "dnsPolicy", json!("ClusterFirst"));
    fill(spec, "schedulerName", json!("default-scheduler"));
    fill(spec, "securityContext", json!({}));
    if spec["serviceAccountName"].is_null() {
        let sa = spec["serviceAccount"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        spec["serviceAccountName"] = json!(sa);
    }
    let sa = spec["serviceAccountName"].clone();
    fill(spec, "serviceAccount", sa);
    for list in ["containers", "initContainers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            containers.iter_mut().for_each(default_container);
        }
    }
}

fn default_container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or("");
    let policy = if image_tag(image).is_none_or(|t| t == "latest") {
        "Always"
    } else {
        "IfNotPresent"
    };
    fill(c, "imagePullPolicy", json!(policy));
    fill(c, "terminationMessagePath", json!("/dev/termination-log"));
    fill(c, "terminationMessagePolicy", json!("File"));
    fill(c, "resources", json!({}));
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            fill(p, "protocol", json!("TCP"));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if c[probe].is_object() {
            let p = &mut c[probe];
            fill(p, "timeoutSeconds", json!(1));
            fill(p, "periodSeconds", json!(10));
            fill(p, "successThreshold", json!(1));
            fill(p, "failureThreshold", json!(3));
            if p["httpGet"].is_object() {
                fill(&mut p["httpGet"], "scheme", json!("HTTP"));
            }
        }
    }
}

/// The tag of an image reference (`nginx:1.25` → `1.25`), ignoring a registry port.
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, t)| t)
}

/// The service-account token volume the ServiceAccount admission plugin adds to pods.
fn add_service_account_volume(spec: &mut Value) {
    if spec["automountServiceAccountToken"] == json!(false) {
        return;
    }
    let has = spec["volumes"].as_array().is_some_and(|vs| {
        vs.iter().any(|v| {
            v["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("kube-api-access-"))
        })
    });
    if has {
        return;
    }
    let name = format!("kube-api-access-{}", crate::store::random_suffix(5));
    let volume = json!({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
            ]
        }
    });
    match spec["volumes"].as_array_mut() {
        Some(vs) => vs.push(volume),
        None => spec["volumes"] = json!([volume]),
    }
    if let Some(containers) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for c in containers {
            let mount = json!({"name": name, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true});
            match c["volumeMounts"].as_array_mut() {
                Some(ms) => ms.push(mount),
                None => c["volumeMounts"] = json!([mount]),
            }
        }
    }
}

/// BestEffort without any requests or limits, Guaranteed when every container's requests
/// equal its limits for cpu and memory, Burstable otherwise.
fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let any = containers.iter().any(|c| {
        ["requests", "limits"].iter().any(|k| {
            c["resources"][*k]
                .as_object()
                .is_some_and(|m| !m.is_empty())
        })
    });
    if !any {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let r = &c["resources"];
        ["cpu", "memory"].iter().all(|k| {
            !r["limits"][*k].is_null()
                && (r["requests"][*k].is_null() || r["requests"][*k] == r["limits"][*k])
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Fills what the apiserver's allocators fill on create and update: a Service's cluster
/// IP and node ports, from this cluster's `addresses`. Call before [`apply_defaults`];
/// give back what it took if the write fails. With `reserve` false (a dry run) nothing
/// is taken.
pub fn allocate(addresses: &Addresses, res: Res, obj: &mut Value, reserve: bool) -> Taken {
    if !obj.is_object() || !std::ptr::eq(res, &resources::SERVICES) {
        return Taken::default();
    }
    let spec = object_at(obj, "spec");
    fill(spec, "type", json!("ClusterIP"));
    addresses.assign_service(spec, reserve)
}

fn default_service(obj: &mut Value) {
    let spec = object_at(obj, "spec");
    fill(spec, "type", json!("ClusterIP"));
    let ty = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
    if ty != "ExternalName" {
        // The cluster IP itself comes from `allocate`.
        let ip = spec["clusterIP"].clone();
        if ip.as_str().is_some_and(|ip| !ip.is_empty()) {
            fill(spec, "clusterIPs", json!([ip]));
        }
        fill(spec, "ipFamilies", json!(["IPv4"]));
        fill(spec, "ipFamilyPolicy", json!("SingleStack"));
        fill(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    fill(spec, "sessionAffinity", json!("None"));
    let wants_node_port = ty == "NodePort" || ty == "LoadBalancer";
    if wants_node_port {
        fill(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        fill(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            fill(p, "protocol", json!("TCP"));
            let port = p["port"].clone();
            fill(p, "targetPort", port);
        }
    }
    let status = object_at(obj, "status");
    fill(status, "loadBalancer", json!({}));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{DEPLOYMENTS, PODS, SERVICES};

    #[test]
    fn deployment_defaults_match_the_apiserver() {
        let mut d = json!({"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}});
        apply_defaults(&DEPLOYMENTS, &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
        let pod = &d["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Always");
        assert_eq!(pod["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(pod["containers"][0]["ports"][0]["protocol"], "TCP");
        // Templates get no service-account volume; that is added to pods only.
        assert!(pod["volumes"].is_null());
        let before = d.clone();
        apply_defaults(&DEPLOYMENTS, &mut d);
        assert_eq!(before, d, "defaulting is idempotent");
    }

    #[test]
    fn services_get_unique_ips_and_node_ports() {
        let addresses = Addresses::default();
        let mut a = json!({"spec": {"type": "NodePort", "ports": [{"port": 8080}]}});
        let mut b = a.clone();
        for svc in [&mut a, &mut b] {
            let _ = allocate(&addresses, &SERVICES, svc, true);
            apply_defaults(&SERVICES, svc);
        }
        assert_ne!(a["spec"]["clusterIP"], b["spec"]["clusterIP"]);
        assert!(a["spec"]["clusterIP"].as_str().unwrap().starts_with("10."));
        assert_eq!(a["spec"]["clusterIPs"][0], a["spec"]["clusterIP"]);
        let np = a["spec"]["ports"][0]["nodePort"].as_i64().unwrap();
        assert!((30000..=32767).contains(&np));
        assert_ne!(
            a["spec"]["ports"][0]["nodePort"],
            b["spec"]["ports"][0]["nodePort"]
        );
        assert_eq!(a["spec"]["ports"][0]["targetPort"], 8080);
        assert_eq!(a["spec"]["sessionAffinity"], "None");
        let mut headless = json!({"spec": {"clusterIP": "None", "ports": [{"port": 80}]}});
        let _ = allocate(&addresses, &SERVICES, &mut headless, true);
        apply_defaults(&SERVICES, &mut headless);
        assert_eq!(headless["spec"]["clusterIP"], "None");
    }

    #[test]
    fn pods_get_phase_qos_and_token_volume() {
        let mut p = json!({"spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}});
        apply_defaults(&PODS, &mut p);
        assert_eq!(p["status"]["phase"], "Pending");
        assert_eq!(p["status"]["qosClass"], "BestEffort");
        assert_eq!(
            p["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert_eq!(p["spec"]["volumes"].as_array().unwrap().len(), 1);
        apply_defaults(&PODS, &mut p);
        assert_eq!(p["spec"]["volumes"].as_array().unwrap().len(), 1);
        // Absent lists stay absent (no `ports: null` in YAML).
        assert!(p["spec"]["containers"][0].get("ports").is_none());
        assert!(p["spec"].get("initContainers").is_none());
        assert_eq!(image_tag("localhost:5000/app"), None);
        assert_eq!(image_tag("localhost:5000/app:v2"), Some("v2"));
    }
}
