//! The demo's objects of the kinds beyond workloads, as a minikube with a few tutorials
//! applied has them: the `standard` StorageClass with a bound claim, a finished Job and
//! a CronJob, an IngressClass and an Ingress with a broken backend, a TLS Secret, RBAC
//! (minikube's bindings plus a tutorial Role), and the CronTab CRD of the Kubernetes
//! docs with a few objects.

use serde_json::{json, Value};

use super::objects::container;
use super::Seeder;
use crate::resources::{
    CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS, CRON_JOBS, CUSTOM_RESOURCE_DEFINITIONS, INGRESSES,
    INGRESS_CLASSES, JOBS, PERSISTENT_VOLUMES, PERSISTENT_VOLUME_CLAIMS, ROLES, ROLE_BINDINGS,
    SECRETS, STORAGE_CLASSES,
};
use crate::store::UpdateScope;

const RBAC: &str = "rbac.authorization.k8s.io";

pub fn build(s: &mut Seeder) -> anyhow::Result<()> {
    storage(s)?;
    batch(s)?;
    ingress(s)?;
    rbac(s)?;
    crontabs(s)?;
    let tls = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ1hlbGxvLmxvY2FsMAoGCCqGSM49BAMCMBYxFDASBgNV\n-----END CERTIFICATE-----\n";
    let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIDemoKeyNotARealKeyAtAllJustBytesForTheSimulation0000oAoGCCqG\n-----END EC PRIVATE KEY-----\n";
    let b64 = |v: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(v)
    };
    s.create(
        &SECRETS,
        "default",
        json!({
            "metadata": {"name": "hello-local-tls"}, "type": "kubernetes.io/tls",
            "data": {"tls.crt": b64(tls), "tls.key": b64(key)}
        }),
    )?;
    Ok(())
}

/// Seconds ago, as an RFC 3339 timestamp.
fn ago(seconds: i64) -> String {
    jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(seconds))
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn storage(s: &mut Seeder) -> anyhow::Result<()> {
    s.create(
        &STORAGE_CLASSES,
        "",
        json!({
            "metadata": {"name": "standard",
                "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
                "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "k8s.io/minikube-hostpath",
            "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"
        }),
    )?;
    let volume = "pvc-5b0f7c1e-3a52-4e0b-9d2a-6c1f0e8d4a21";
    let claim = s.create(&PERSISTENT_VOLUME_CLAIMS, "default", json!({
        "metadata": {"name": "postgres-data",
            "annotations": {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                "volume.beta.kubernetes.io/storage-provisioner": "k8s.io/minikube-hostpath",
                "volume.kubernetes.io/storage-provisioner": "k8s.io/minikube-hostpath"},
            "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                 "storageClassName": "standard", "volumeMode": "Filesystem", "volumeName": volume},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    }))?;
    let uid = claim.value["metadata"]["uid"].clone();
    s.create(&PERSISTENT_VOLUMES, "", json!({
        "metadata": {"name": volume,
            "annotations": {"hostPathProvisionerIdentity": "minikube", "pv.kubernetes.io/provisioned-by": "k8s.io/minikube-hostpath"},
            "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": "default",
                         "name": "postgres-data", "uid": uid},
            "hostPath": {"path": "/tmp/hostpath-provisioner/default/postgres-data", "type": ""},
            "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "lastPhaseTransitionTime": ago(0)}
    }))?;
    Ok(())
}

/// A Job as the apiserver stores it: selector and template labels on its uid, which
/// only exists once created, so they are set right after.
fn job(s: &mut Seeder, name: &str, mut job: Value, status: Value) -> anyhow::Result<()> {
    job["metadata"]["name"] = json!(name);
    let created = s.create(&JOBS, "default", job)?;
    let uid = created.value["metadata"]["uid"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let name = name.to_string();
    s.store
        .mutate(&JOBS, "default", &name, UpdateScope::All, |j| {
            let labels = json!({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                "controller-uid": uid, "job-name": name});
            j["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
            j["spec"]["template"]["metadata"]["labels"] = labels;
            // Created when it started, which was before the demo started.
            j["metadata"]["creationTimestamp"] = status["startTime"].clone();
            j["status"] = status;
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

fn batch(s: &mut Seeder) -> anyhow::Result<()> {
    let mut pi = container("pi", "perl:5.34.0", &[]);
    pi["command"] = json!(["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]);
    let template = |c: Value| json!({"spec": {"containers": [c], "restartPolicy": "Never"}});
    let (start, end) = (ago(42 * 60 + 47), ago(42 * 60));
    job(
        s,
        "pi",
        json!({"metadata": {}, "spec": {"backoffLimit": 4, "completions": 1, "parallelism": 1,
            "completionMode": "NonIndexed", "suspend": false, "template": template(pi)}}),
        json!({"startTime": start, "completionTime": end, "succeeded": 1, "ready": 0, "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": end, "lastTransitionTime": end},
                {"type": "Complete", "status": "True", "lastProbeTime": end, "lastTransitionTime": end}]}),
    )?;
    let mut hello = container("hello", "busybox:1.28", &[]);
    hello["command"] = json!([
        "/bin/sh",
        "-c",
        "date; echo Hello from the Kubernetes cluster"
    ]);
    let cron = s.create(&CRON_JOBS, "default", json!({
        "metadata": {"name": "hello"},
        "spec": {"schedule": "*/5 * * * *", "concurrencyPolicy": "Allow", "suspend": false,
            "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
            "jobTemplate": {"spec": {"template": {"spec": {"containers": [hello.clone()], "restartPolicy": "OnFailure"}}}}}
    }))?;
    // The last */5 slot at least a minute ago; the job is named after its minute.
    let now = jiff::Timestamp::now().as_second();
    let slot = (now - 60) - (now - 60).rem_euclid(300);
    let since_slot = now - slot;
    let (scheduled, done) = (ago(since_slot), ago(since_slot - 9));
    let (cron_created, sched) = (ago(2 * 3600 + 17 * 60), scheduled.clone());
    s.store
        .mutate(&CRON_JOBS, "default", "hello", UpdateScope::All, |c| {
            c["metadata"]["creationTimestamp"] = json!(cron_created);
            c["status"] = json!({"lastScheduleTime": sched, "lastSuccessfulTime": done});
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The CronJob's last run, owned by it.
    let owner = json!([{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello",
        "uid": cron.value["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
    let mut hello_template = template(hello);
    hello_template["spec"]["restartPolicy"] = json!("OnFailure");
    let (start, end) = (ago(since_slot - 1), ago(since_slot - 9));
    job(
        s,
        &format!("hello-{}", slot / 60),
        json!({"metadata": {"ownerReferences": owner}, "spec": {"backoffLimit": 6, "completions": 1,
            "parallelism": 1, "completionMode": "NonIndexed", "suspend": false, "template": hello_template}}),
        json!({"startTime": start, "completionTime": end, "succeeded": 1, "ready": 0, "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": end, "lastTransitionTime": end},
                {"type": "Complete", "status": "True", "lastProbeTime": end, "lastTransitionTime": end}]}),
    )?;
    Ok(())
}

fn ingress(s: &mut Seeder) -> anyhow::Result<()> {
    s.create(&INGRESS_CLASSES, "", json!({
        "metadata": {"name": "nginx",
            "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
                       "app.kubernetes.io/name": "ingress-nginx"}},
        "spec": {"controller": "k8s.io/ingress-nginx"}
    }))?;
    let backend =
        |svc: &str, port: u16| json!({"service": {"name": svc, "port": {"number": port}}});
    s.create(&INGRESSES, "default", json!({
        "metadata": {"name": "hello-local",
            "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}},
        "spec": {"ingressClassName": "nginx",
            "tls": [{"hosts": ["hello.local"], "secretName": "hello-local-tls"}],
            "rules": [{"host": "hello.local", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": backend("hello-minikube", 8080)},
                // No such Service: the broken backend.
                {"path": "/api", "pathType": "Prefix", "backend": backend("hello-api", 80)}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": super::NODE_IP}]}}
    }))?;
    Ok(())
}

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

fn role_ref(kind: &str, name: &str) -> Value {
    json!({"apiGroup": RBAC, "kind": kind, "name": name})
}

fn rbac(s: &mut Seeder) -> anyhow::Result<()> {
    let bootstrap = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
    let auto = json!({"rbac.authorization.kubernetes.io/autoupdate": "true"});
    let all = ["*"];
    let read = ["get", "list", "watch"];
    let cluster_roles = [
        ("cluster-admin", vec![rule(&all, &all, &all)]),
        (
            "admin",
            vec![rule(
                &["", "apps", "batch"],
                &["pods", "services", "deployments", "jobs", "secrets"],
                &all,
            )],
        ),
        (
            "edit",
            vec![rule(
                &["", "apps", "batch"],
                &["pods", "services", "deployments", "jobs"],
                &[
                    "create", "delete", "get", "list", "patch", "update", "watch",
                ],
            )],
        ),
        (
            "view",
            vec![rule(
                &["", "apps", "batch"],
                &["pods", "services", "deployments", "jobs", "configmaps"],
                &read,
            )],
        ),
        (
            "system:coredns",
            vec![rule(
                &[""],
                &["endpoints", "services", "pods", "namespaces"],
                &["list", "watch"],
            )],
        ),
        (
            "system:node-proxier",
            vec![rule(&[""], &["endpoints", "services", "nodes"], &read)],
        ),
        (
            "system:persistent-volume-provisioner",
            vec![rule(
                &[""],
                &["persistentvolumes"],
                &["create", "delete", "get", "list", "watch"],
            )],
        ),
    ];
    for (name, rules) in cluster_roles {
        let labels = if name.starts_with("system:coredns") {
            json!({})
        } else {
            bootstrap.clone()
        };
        s.create(
            &CLUSTER_ROLES,
            "",
            json!({
                "metadata": {"name": name, "labels": labels, "annotations": auto}, "rules": rules
            }),
        )?;
    }
    let sa =
        |ns: &str, name: &str| json!({"kind": "ServiceAccount", "name": name, "namespace": ns});
    let bindings = [
        (
            "cluster-admin",
            "cluster-admin",
            json!([{"apiGroup": RBAC, "kind": "Group", "name": "system:masters"}]),
        ),
        (
            "minikube-rbac",
            "cluster-admin",
            json!([sa("kube-system", "default")]),
        ),
        (
            "system:coredns",
            "system:coredns",
            json!([sa("kube-system", "coredns")]),
        ),
        (
            "kubeadm:node-proxier",
            "system:node-proxier",
            json!([sa("kube-system", "kube-proxy")]),
        ),
        (
            "storage-provisioner",
            "system:persistent-volume-provisioner",
            json!([sa("kube-system", "storage-provisioner")]),
        ),
    ];
    for (name, role, subjects) in bindings {
        s.create(&CLUSTER_ROLE_BINDINGS, "", json!({
            "metadata": {"name": name}, "roleRef": role_ref("ClusterRole", role), "subjects": subjects
        }))?;
    }
    s.create(&ROLES, "kube-system", json!({
        "metadata": {"name": "extension-apiserver-authentication-reader", "labels": bootstrap, "annotations": auto},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["extension-apiserver-authentication"], "verbs": ["get", "list", "watch"]}]
    }))?;
    s.create(&ROLE_BINDINGS, "kube-system", json!({
        "metadata": {"name": "system::extension-apiserver-authentication-reader", "labels": bootstrap, "annotations": auto},
        "roleRef": role_ref("Role", "extension-apiserver-authentication-reader"),
        "subjects": [{"apiGroup": RBAC, "kind": "User", "name": "system:kube-controller-manager"},
                     {"apiGroup": RBAC, "kind": "User", "name": "system:kube-scheduler"}]
    }))?;
    // The RBAC tutorial: jane may read pods in default.
    s.create(
        &ROLES,
        "default",
        json!({
            "metadata": {"name": "pod-reader"}, "rules": [rule(&[""], &["pods"], &read)]
        }),
    )?;
    s.create(&ROLE_BINDINGS, "default", json!({
        "metadata": {"name": "read-pods"}, "roleRef": role_ref("Role", "pod-reader"),
        "subjects": [{"apiGroup": RBAC, "kind": "User", "name": "jane"}, sa("default", "default")]
    }))?;
    Ok(())
}

/// The CronTab CustomResourceDefinition of the Kubernetes docs, with printer columns.
pub fn crontab_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "crontabs.stable.example.com"},
        "spec": {"group": "stable.example.com", "scope": "Namespaced",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "listKind": "CronTabList",
                      "shortNames": ["ct"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                    "cronSpec": {"type": "string"}, "image": {"type": "string"}, "replicas": {"type": "integer"}}}}}},
                "additionalPrinterColumns": [
                    {"name": "Spec", "type": "string", "description": "The cron spec defining the interval a CronJob is run", "jsonPath": ".spec.cronSpec"},
                    {"name": "Replicas", "type": "integer", "description": "The number of jobs launched by the CronJob", "jsonPath": ".spec.replicas"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                    {"name": "Image", "type": "string", "priority": 1, "jsonPath": ".spec.image"}]}]}
    })
}

fn crontabs(s: &mut Seeder) -> anyhow::Result<()> {
    let crd = s.create(&CUSTOM_RESOURCE_DEFINITIONS, "", crontab_crd())?;
    let Some(crontab) = crate::resources::custom::from_crd(&crd.value)
        .into_iter()
        .next()
    else {
        anyhow::bail!("the CronTab CRD defines no resource");
    };
    let objects = [
        (
            "my-new-cron-object",
            "* * * * */5",
            "my-awesome-cron-image",
            1,
        ),
        ("nightly-report", "0 2 * * *", "reports:2.4", 1),
        ("cache-warmer", "*/15 * * * *", "cache-warmer:1.0", 3),
    ];
    for (name, spec, image, replicas) in objects {
        s.create(crontab, "default", json!({
            "apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": name},
            "spec": {"cronSpec": spec, "image": image, "replicas": replicas}
        }))?;
    }
    Ok(())
}
