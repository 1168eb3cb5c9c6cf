//! The demo seed: a fresh minikube (kube-system as `minikube start` leaves it) plus the
//! workloads of a Kubernetes bootcamp: hello-minikube with three revisions, a
//! StatefulSet, an Ingress, a broken rollout, a pod failing its liveness probe, a pod
//! with a sidecar, config, and a Helm release.

use base64::Engine as _;
use serde_json::json;

use super::objects::{container, deployment, service, static_pod};
use super::{Seeder, NODE, NODE_IP};
use crate::resources::{
    CONFIGMAPS, DAEMONSETS, DEPLOYMENTS, ENDPOINTS, ENDPOINT_SLICES, INGRESSES, NODES, PODS,
    SECRETS, SERVICES, SERVICE_ACCOUNTS, STATEFULSETS,
};
use crate::store::UpdateScope;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const HELLO_IMAGES: [&str; 3] = [
    "sebcontents/cozserver:1.0",
    "sebcontents/cozserver:2.0",
    "sebcontents/cozserver:3.0",
];

pub fn build(s: &mut Seeder) -> anyhow::Result<()> {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        s.create(
            &SERVICE_ACCOUNTS,
            ns,
            json!({"metadata": {"name": "default"}}),
        )?;
        s.create(&CONFIGMAPS, ns, json!({"metadata": {"name": "kube-root-ca.crt"},
            "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBjCCAe6gAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwptaW5p\na3ViZUNBMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFow\n-----END CERTIFICATE-----\n"}}))?;
    }
    kube_system(s)?;
    s.settle();
    hello_minikube(s)?;
    statefulset(s)?;
    extras(s)?;
    s.settle();
    broken_rollout(s)?;
    super::kinds::build(s)?;
    Ok(())
}

fn kube_system(s: &mut Seeder) -> anyhow::Result<()> {
    let ks = "kube-system";
    let node = s.store.get(&NODES, "", NODE)?.value.clone();
    let statics = [
        (
            "etcd",
            "registry.k8s.io/etcd:3.5.21-0",
            vec![
                "etcd",
                "--advertise-client-urls=https://192.168.49.2:2379",
                "--data-dir=/var/lib/minikube/etcd",
            ],
        ),
        (
            "kube-apiserver",
            "registry.k8s.io/kube-apiserver:v1.33.1",
            vec![
                "kube-apiserver",
                "--advertise-address=192.168.49.2",
                "--secure-port=8443",
                "--service-cluster-ip-range=10.96.0.0/12",
            ],
        ),
        (
            "kube-controller-manager",
            "registry.k8s.io/kube-controller-manager:v1.33.1",
            vec![
                "kube-controller-manager",
                "--allocate-node-cidrs=true",
                "--cluster-cidr=10.244.0.0/16",
            ],
        ),
        (
            "kube-scheduler",
            "registry.k8s.io/kube-scheduler:v1.33.1",
            vec!["kube-scheduler", "--leader-elect=false"],
        ),
    ];
    for (component, image, command) in statics {
        s.create(&PODS, ks, static_pod(component, image, &node, command))?;
    }
    for sa in ["coredns", "kube-proxy", "storage-provisioner"] {
        s.create(&SERVICE_ACCOUNTS, ks, json!({"metadata": {"name": sa}}))?;
    }
    s.create(&CONFIGMAPS, ks, json!({"metadata": {"name": "coredns"}, "data": {"Corefile":
        ".:53 {\n    log\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    hosts {\n       192.168.49.1 host.minikube.internal\n       fallthrough\n    }\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"}}))?;
    s.create(&CONFIGMAPS, ks, json!({"metadata": {"name": "kube-proxy", "labels": {"app": "kube-proxy"}},
        "data": {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nmode: \"\"\n"}}))?;
    let dns_labels = json!({"k8s-app": "kube-dns"});
    let mut dns = container("coredns", "registry.k8s.io/coredns/coredns:v1.12.0", &[]);
    dns["args"] = json!(["-conf", "/etc/coredns/Corefile"]);
    dns["ports"] = json!([
        {"name": "dns", "containerPort": 53, "protocol": "UDP"},
        {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}
    ]);
    dns["resources"] =
        json!({"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}});
    dns["livenessProbe"] = json!({"httpGet": {"path": "/health", "port": 8080}, "initialDelaySeconds": 60, "failureThreshold": 5});
    dns["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": 8181}});
    dns["volumeMounts"] =
        json!([{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": true}]);
    let mut coredns = deployment("coredns", 1, dns_labels.clone(), vec![dns]);
    let spec = &mut coredns["spec"]["template"]["spec"];
    spec["dnsPolicy"] = json!("Default");
    spec["priorityClassName"] = json!("system-cluster-critical");
    spec["serviceAccountName"] = json!("coredns");
    spec["nodeSelector"] = json!({"kubernetes.io/os": "linux"});
    spec["volumes"] = json!([{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}], "defaultMode": 420}}]);
    coredns["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}});
    s.create(&DEPLOYMENTS, ks, coredns)?;
    let mut kube_dns = service("kube-dns", "ClusterIP", dns_labels.clone(), 53, 53);
    kube_dns["metadata"]["labels"] = json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"});
    kube_dns["spec"]["clusterIP"] = json!("10.96.0.10");
    kube_dns["spec"]["ports"] = json!([
        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}
    ]);
    s.create(&SERVICES, ks, kube_dns)?;

    let proxy_labels = json!({"k8s-app": "kube-proxy"});
    let mut proxy = container("kube-proxy", "registry.k8s.io/kube-proxy:v1.33.1", &[]);
    proxy["command"] = json!([
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)"
    ]);
    proxy["env"] = json!([{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]);
    proxy["securityContext"] = json!({"privileged": true});
    s.create(&DAEMONSETS, ks, json!({
        "metadata": {"name": "kube-proxy", "labels": proxy_labels},
        "spec": {"selector": {"matchLabels": proxy_labels},
            "template": {"metadata": {"labels": proxy_labels}, "spec": {
                "containers": [proxy], "hostNetwork": true, "priorityClassName": "system-node-critical",
                "serviceAccountName": "kube-proxy", "nodeSelector": {"kubernetes.io/os": "linux"},
                "tolerations": [{"operator": "Exists"}]}}}
    }))?;
    s.create(&PODS, ks, json!({
        "metadata": {"name": "storage-provisioner", "labels": {"addonmanager.kubernetes.io/mode": "Reconcile", "integration-test": "storage-provisioner"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"storage-provisioner\",\"namespace\":\"kube-system\"}}\n"}},
        "spec": {"hostNetwork": true, "serviceAccountName": "storage-provisioner",
            "containers": [{"name": "storage-provisioner", "image": "gcr.io/k8s-minikube/storage-provisioner:v5",
                "command": ["/storage-provisioner"], "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}],
            "volumes": [{"name": "tmp", "hostPath": {"path": "/tmp", "type": "Directory"}}]}
    }))?;
    // The apiserver's own service and endpoints in default.
    let kubernetes = json!({
        "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1",
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443}]}
    });
    s.create(&SERVICES, "default", kubernetes)?;
    s.create(&ENDPOINTS, "default", json!({
        "metadata": {"name": "kubernetes", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": NODE_IP}], "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]}]
    }))?;
    // The apiserver keeps this slice itself: no managed-by label, no owner.
    s.create(&ENDPOINT_SLICES, "default", json!({
        "metadata": {"name": "kubernetes", "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [NODE_IP], "conditions": {"ready": true}}],
        "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]
    }))?;
    Ok(())
}

/// Rolls a deployment's first container to `image`, recording `cause`, and lets the
/// controllers finish the rollout.
fn roll(s: &mut Seeder, ns: &str, name: &str, image: &str, cause: &str) -> anyhow::Result<()> {
    let (image, cause) = (image.to_string(), cause.to_string());
    s.update(&DEPLOYMENTS, ns, name, move |d| {
        d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
        d["metadata"]["annotations"][CHANGE_CAUSE] = json!(cause);
    })?;
    s.settle();
    Ok(())
}

fn hello_minikube(s: &mut Seeder) -> anyhow::Result<()> {
    let labels = json!({"app": "hello-minikube"});
    let mut d = deployment(
        "hello-minikube",
        2,
        labels.clone(),
        vec![container("cozserver", HELLO_IMAGES[0], &[("", 8080)])],
    );
    d["metadata"]["annotations"] = json!({CHANGE_CAUSE:
        "kubectl create deployment hello-minikube --image=sebcontents/cozserver:1.0 --replicas=2"});
    s.create(&DEPLOYMENTS, "default", d)?;
    s.settle();
    for image in &HELLO_IMAGES[1..] {
        let cause = format!("kubectl set image deployment/hello-minikube cozserver={image}");
        roll(s, "default", "hello-minikube", image, &cause)?;
    }
    s.create(
        &SERVICES,
        "default",
        service("hello-minikube", "NodePort", labels, 8080, 8080),
    )?;
    s.create(&INGRESSES, "default", json!({
        "metadata": {"name": "hello-minikube"},
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "hello-minikube.info", "http": {"paths": [
            {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "hello-minikube", "port": {"number": 8080}}}}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": NODE_IP}]}}
    }))?;
    Ok(())
}

fn statefulset(s: &mut Seeder) -> anyhow::Result<()> {
    let labels = json!({"app": "nginx"});
    let mut headless = service("nginx", "ClusterIP", labels.clone(), 80, 80);
    headless["spec"]["clusterIP"] = json!("None");
    headless["spec"]["ports"][0]["name"] = json!("web");
    s.create(&SERVICES, "default", headless)?;
    s.create(&STATEFULSETS, "default", json!({
        "metadata": {"name": "web", "annotations": {CHANGE_CAUSE: "kubectl apply --filename=web.yaml"}},
        "spec": {"serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                container("nginx", "registry.k8s.io/nginx-slim:0.24", &[("web", 80)])]}}}
    }))?;
    s.settle();
    s.update(&STATEFULSETS, "default", "web", |sts| {
        sts["spec"]["template"]["spec"]["containers"][0]["image"] =
            json!("registry.k8s.io/nginx-slim:0.27");
        sts["metadata"]["annotations"][CHANGE_CAUSE] =
            json!("kubectl set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.27");
    })?;
    s.settle();
    Ok(())
}

fn extras(s: &mut Seeder) -> anyhow::Result<()> {
    let ns = "default";
    // The Kubernetes tutorial's liveness example: /healthz starts failing, the kubelet
    // kills and restarts the container.
    s.create(&PODS, ns, json!({
        "metadata": {"name": "liveness-http", "labels": {"test": "liveness"}},
        "spec": {"containers": [{"name": "liveness", "image": "registry.k8s.io/liveness", "args": ["/server"],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "httpHeaders": [{"name": "Custom-Header", "value": "Awesome"}]},
                              "initialDelaySeconds": 3, "periodSeconds": 3}}]}
    }))?;
    let mut web = container("web", HELLO_IMAGES[0], &[("http", 8080)]);
    web["volumeMounts"] = json!([{"name": "logs", "mountPath": "/var/log/app"}]);
    let mut shipper = container("log-shipper", "busybox:1.36", &[]);
    shipper["args"] = json!(["/bin/sh", "-c", "tail -n+1 -F /var/log/app/access.log"]);
    shipper["volumeMounts"] = json!([{"name": "logs", "mountPath": "/var/log/app"}]);
    s.create(
        &PODS,
        ns,
        json!({
            "metadata": {"name": "web-with-sidecar", "labels": {"app": "web-with-sidecar"}},
            "spec": {"containers": [web, shipper], "volumes": [{"name": "logs", "emptyDir": {}}]}
        }),
    )?;
    // A logger that writes escape sequences, bells and invalid UTF-8 (the simulation's
    // `hostile` image rule): opening its logs shows that rkt keeps the terminal safe.
    s.create(
        &PODS,
        ns,
        json!({
            "metadata": {"name": "hostile-logger", "labels": {"app": "hostile-logger"}},
            "spec": {"containers": [container("logger", "rkt/hostile-logger:1.0", &[])]}
        }),
    )?;
    s.create(&CONFIGMAPS, ns, json!({"metadata": {"name": "app-config"},
        "data": {"APP_MODE": "demo", "LOG_LEVEL": "info", "app.properties": "greeting=hello\nport=8080\n"}}))?;
    let b64 = |v: &str| base64::engine::general_purpose::STANDARD.encode(v);
    s.create(
        &SECRETS,
        ns,
        json!({"metadata": {"name": "db-credentials"}, "type": "Opaque",
        "data": {"username": b64("app"), "password": b64("s3cr3t-passw0rd")}}),
    )?;
    super::helm::build(s)?;
    Ok(())
}

/// A rollout to an image that does not exist: the new ReplicaSet's pod never pulls, the
/// previous revision keeps serving, and the rollout is past its progress deadline (it
/// started before the demo did), so rolling back has a reason.
fn broken_rollout(s: &mut Seeder) -> anyhow::Result<()> {
    let ns = "default";
    let labels = json!({"app": "web-frontend"});
    let mut d = deployment(
        "web-frontend",
        3,
        labels,
        vec![container("nginx", "nginx:1.27", &[("http", 80)])],
    );
    d["metadata"]["annotations"] =
        json!({CHANGE_CAUSE: "kubectl apply --filename=web-frontend.yaml"});
    s.create(&DEPLOYMENTS, ns, d)?;
    s.settle();
    roll(
        s,
        ns,
        "web-frontend",
        "nginx:1.28-does-not-exist",
        "kubectl set image deployment/web-frontend nginx=nginx:1.28-does-not-exist",
    )?;
    let started = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_mins(11))
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    s.store
        .mutate(&DEPLOYMENTS, ns, "web-frontend", UpdateScope::All, |d| {
            if let Some(conds) = d["status"]["conditions"].as_array_mut() {
                for c in conds.iter_mut().filter(|c| c["type"] == "Progressing") {
                    c["lastUpdateTime"] = json!(started);
                    c["lastTransitionTime"] = json!(started);
                }
            }
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
