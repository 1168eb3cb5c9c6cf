//! Workloads, Services, Ingresses, Nodes, Jobs, CronJobs, Namespaces and claims, on fixtures.

use serde_json::json;

use super::tests::{assert_lines, describe};
use super::*;

fn owner(kind: &str, name: &str, uid: &str) -> Value {
    json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid, "controller": true}])
}

fn template(image: &str) -> Value {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {"serviceAccountName": "default", "containers": [{
            "name": "nginx", "image": image,
            "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}],
            "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}},
            "readinessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5},
            "env": [
                {"name": "MODE", "value": "demo"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}
            ],
            "volumeMounts": [{"name": "config", "mountPath": "/etc/web", "readOnly": true}]
        }],
        "volumes": [{"name": "config", "configMap": {"name": "web-config"}}]}
    })
}

fn replica_set(name: &str, owner_uid: &str, image: &str, replicas: i32) -> Value {
    let mut t = template(image);
    t["metadata"]["labels"]["pod-template-hash"] = json!("abc");
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default", "uid": format!("{name}-uid"),
            "creationTimestamp": "2026-11-26T10:00:00Z",
            "ownerReferences": owner("Deployment", "web", owner_uid)},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": t},
        "status": {"replicas": replicas}
    })
}

fn pod(name: &str, owner_uid: &str, phase: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "ownerReferences": owner("StatefulSet", "web", owner_uid)},
        "spec": {"containers": [{"name": "c"}]}, "status": {"phase": phase}})
}

#[test]
fn a_deployment_reads_like_kubectl() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "dep-uid",
            "creationTimestamp": "2026-11-26T09:00:00Z",
            "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "template": template("nginx:1.27")},
        "status": {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 2, "unavailableReplicas": 1,
            "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                           {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
    });
    let related = Related {
        replica_sets: vec![
            replica_set("web-old", "dep-uid", "nginx:1.26", 0),
            replica_set("web-new", "dep-uid", "nginx:1.27", 3),
            replica_set("other-new", "someone-else", "nginx:1.27", 3),
        ],
        ..Related::default()
    };
    let text = describe(deployment, &related);
    assert!(text.starts_with("Name:                   web\n"), "{text}");
    assert_lines(
        &text,
        &[
            "CreationTimestamp: Thu, 26 Nov 2026 09:00:00 +0000",
            "Annotations: deployment.kubernetes.io/revision: 2",
            "Selector: app=web",
            "Replicas: 3 desired | 3 updated | 3 total | 2 available | 1 unavailable",
            "StrategyType: RollingUpdate\nMinReadySeconds: 0\nRollingUpdateStrategy: 25% max unavailable, 25% max surge",
            "Pod Template:\n  Labels: app=web\n  Service Account: default\n  Containers:\n   nginx:\n    Image: nginx:1.27",
            "    Port: 80/TCP (http)",
            "    Limits:\n      memory: 128Mi\n    Requests:\n      cpu: 100m\n      memory: 64Mi",
            "    Readiness: tcp-socket :80 delay=0s timeout=1s period=5s #success=1 #failure=3",
            "    Environment:\n      MODE: demo\n      DB_PASSWORD: <set to the key 'password' in secret 'db'> Optional: false",
            "    Mounts:\n      /etc/web from config (ro)",
            "  Volumes:\n   config:\n    Type: ConfigMap (a volume populated by a ConfigMap)\n    Name: web-config",
            "Conditions:\n  Type Status Reason\n  ---- ------ ------\n  Available True MinimumReplicasAvailable",
            "OldReplicaSets: web-old (0/0 replicas created)\nNewReplicaSet: web-new (3/3 replicas created)\nEvents: <none>",
        ],
    );
    assert!(!text.contains("other-new"), "{text}");
}

#[test]
fn stateful_daemon_and_replica_sets_count_the_pods_they_control() {
    let pods = vec![
        pod("web-0", "sts-uid", "Running"),
        pod("web-1", "sts-uid", "Pending"),
        pod("stranger", "other", "Running"),
    ];
    let related = Related {
        pods,
        ..Related::default()
    };
    let sts = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "sts-uid"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "serviceName": "web",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": template("nginx:1.27")},
        "status": {"replicas": 2}
    });
    assert_lines(
        &describe(sts, &related),
        &[
            "Replicas: 2 desired | 2 total",
            "Update Strategy: RollingUpdate\n  Partition: 0",
            "Pods Status: 1 Running / 1 Waiting / 0 Succeeded / 0 Failed",
            "Volume Claims: <none>",
        ],
    );
    let ds = json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "proxy", "namespace": "kube-system", "uid": "sts-uid"},
        "spec": {"selector": {"matchLabels": {"k8s-app": "proxy"}}, "template": template("proxy:1")},
        "status": {"desiredNumberScheduled": 1, "currentNumberScheduled": 1, "numberMisscheduled": 0,
            "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1}
    });
    assert_lines(
        &describe(ds, &related),
        &[
            "Selector: k8s-app=proxy",
            "Desired Number of Nodes Scheduled: 1",
            "Number of Nodes Misscheduled: 0",
            "Pods Status: 1 Running / 1 Waiting / 0 Succeeded / 0 Failed",
        ],
    );
    let rs = replica_set("web-new", "dep-uid", "nginx:1.27", 3);
    assert_lines(
        &describe(rs, &Related::default()),
        &[
            "Controlled By: Deployment/web",
            "Replicas: 3 current / 3 desired",
            "Pods Status: 0 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        ],
    );
}

fn slice(service: &str, port_name: &str, port: i32, endpoints: Value) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
        "metadata": {"name": format!("{service}-x"), "namespace": "default",
            "labels": {"kubernetes.io/service-name": service}},
        "ports": [{"name": port_name, "port": port, "protocol": "TCP"}], "endpoints": endpoints})
}

fn service(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "clusterIP": "10.96.0.20",
            "clusterIPs": ["10.96.0.20"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "sessionAffinity": "None", "externalTrafficPolicy": "Cluster",
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}]}
    })
}

#[test]
fn a_service_lists_its_ready_endpoints_per_port() {
    let endpoints = json!([
        {"addresses": ["10.244.0.5"], "conditions": {"ready": true}},
        {"addresses": ["10.244.0.6"], "conditions": {"ready": false}},
        {"addresses": ["10.244.0.7"]}
    ]);
    let related = Related {
        endpoint_slices: vec![slice("web", "http", 8080, endpoints)],
        ..Related::default()
    };
    assert_lines(
        &describe(service("web"), &related),
        &[
            "Selector: app=web\nType: NodePort\nIP Family Policy: SingleStack\nIP Families: IPv4",
            "IP: 10.96.0.20\nIPs: 10.96.0.20",
            "Port: http 80/TCP\nTargetPort: 8080/TCP\nNodePort: http 30080/TCP",
            "Endpoints: 10.244.0.5:8080,10.244.0.7:8080",
            "Session Affinity: None\nExternal Traffic Policy: Cluster",
        ],
    );
    assert_lines(
        &describe(service("web"), &Related::default()),
        &["Endpoints: <none>"],
    );
}

#[test]
fn an_ingress_names_broken_backends_as_kubectl_does() {
    let ingress = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {"ingressClassName": "nginx",
            "tls": [{"hosts": ["hello.local"], "secretName": "hello-tls"}],
            "rules": [{"host": "hello.local", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                {"path": "/idle", "pathType": "Prefix", "backend": {"service": {"name": "idle", "port": {"number": 80}}}},
                {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}
            ]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}
    });
    let related = Related {
        services: vec![service("web"), service("idle")],
        endpoint_slices: vec![
            slice("web", "http", 8080, json!([{"addresses": ["10.244.0.5"]}])),
            slice(
                "idle",
                "http",
                8080,
                json!([{"addresses": ["10.244.0.9"], "conditions": {"ready": false}}]),
            ),
        ],
        ..Related::default()
    };
    assert_lines(
        &describe(ingress, &related),
        &[
            "Address: 192.168.49.2\nIngress Class: nginx\nDefault backend: <default>",
            "TLS:\n  hello-tls terminates hello.local",
            "Rules:\n  Host Path Backends\n  ---- ---- --------\n  hello.local\n",
            " / web:80 (10.244.0.5:8080)\n",
            " /idle idle:80 (<none>)\n",
            " /api api:80 (<error: services \"api\" not found>)\n",
        ],
    );
}

#[test]
fn a_node_sums_the_requests_of_its_running_pods() {
    let node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "minikube", "creationTimestamp": "2026-11-26T08:00:00Z",
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/os": "linux"}},
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"],
            "taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
                "lastHeartbeatTime": "2026-11-26T11:59:00Z", "lastTransitionTime": "2026-11-26T08:00:00Z"}],
            "addresses": [{"type": "InternalIP", "address": "192.168.49.2"}, {"type": "Hostname", "address": "minikube"}],
            "capacity": {"cpu": "2", "memory": "8129892Ki", "pods": "110", "hugepages-2Mi": "0"},
            "allocatable": {"cpu": "2", "memory": "8129892Ki", "pods": "110", "hugepages-2Mi": "0"},
            "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "6.8.0",
                "osImage": "Ubuntu 22.04.5 LTS", "containerRuntimeVersion": "docker://28.1.1",
                "kubeletVersion": "v1.33.1", "kubeProxyVersion": "", "operatingSystem": "linux",
                "architecture": "amd64"}
        }
    });
    let running = |name: &str, ns: &str, resources: Value, phase: &str| {
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": "2026-11-26T11:00:00Z"},
            "spec": {"nodeName": "minikube", "containers": [{"name": "c", "resources": resources}]},
            "status": {"phase": phase}})
    };
    let pods = vec![
        running(
            "coredns",
            "kube-system",
            json!({"requests": {"cpu": "100m", "memory": "70Mi"}, "limits": {"memory": "170Mi"}}),
            "Running",
        ),
        running(
            "web",
            "default",
            json!({"requests": {"cpu": "250m"}}),
            "Running",
        ),
        running(
            "done",
            "default",
            json!({"requests": {"cpu": "1"}}),
            "Succeeded",
        ),
    ];
    let text = describe(
        node,
        &Related {
            pods,
            ..Related::default()
        },
    );
    assert_lines(
        &text,
        &[
            "Roles: control-plane",
            "Taints: dedicated=infra:NoSchedule\nUnschedulable: false",
            "  Ready True Thu, 26 Nov 2026 11:59:00 +0000 Thu, 26 Nov 2026 08:00:00 +0000 KubeletReady kubelet is posting ready status",
            "Addresses:\n  InternalIP: 192.168.49.2\n  Hostname: minikube",
            "Capacity:\n  cpu: 2\n  hugepages-2Mi: 0\n  memory: 8129892Ki\n  pods: 110",
            "System Info:\n  Machine ID: m",
            "  Kubelet Version: v1.33.1\nPodCIDR: 10.244.0.0/24\nPodCIDRs: 10.244.0.0/24",
            "Non-terminated Pods: (2 in total)",
            "  kube-system coredns 100m (5%) 0 (0%) 70Mi (0%) 170Mi (2%) 60m",
            "  default web 250m (12%) 0 (0%) 0 (0%) 0 (0%) 60m",
            "  cpu 350m (17%) 0 (0%)\n  memory 70Mi (0%) 170Mi (2%)\n  ephemeral-storage 0 (0%) 0 (0%)\n  hugepages-2Mi 0 (0%) 0 (0%)",
        ],
    );
    assert!(!text.contains("done"), "{text}");
}

#[test]
fn jobs_and_cron_jobs_show_their_runs() {
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"parallelism": 1, "completions": 3, "completionMode": "NonIndexed", "backoffLimit": 4,
            "suspend": false, "selector": {"matchLabels": {"job-name": "pi"}}, "template": template("perl:5.34")},
        "status": {"startTime": "2026-11-26T11:00:00Z", "completionTime": "2026-11-26T11:00:47Z",
            "active": 1, "ready": 1, "succeeded": 2}
    });
    assert_lines(
        &describe(job, &Related::default()),
        &[
            "Selector: job-name=pi",
            "Parallelism: 1\nCompletions: 3\nCompletion Mode: NonIndexed\nSuspend: false\nBackoff Limit: 4",
            "Start Time: Thu, 26 Nov 2026 11:00:00 +0000\nCompleted At: Thu, 26 Nov 2026 11:00:47 +0000\nDuration: 47s",
            "Pods Statuses: 1 Active (1 Ready) / 2 Succeeded / 0 Failed",
            "Pod Template:",
        ],
    );
    let cron = json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {"schedule": "*/5 * * * *", "suspend": false, "successfulJobsHistoryLimit": 3,
            "jobTemplate": {"spec": {"template": template("busybox:1.28")}}},
        "status": {"active": [{"name": "hello-29000000"}]}
    });
    assert_lines(
        &describe(cron, &Related::default()),
        &[
            "Schedule: */5 * * * *\nConcurrency Policy: Allow\nSuspend: False\nTime Zone: <unset>",
            "Successful Job History Limit: 3\nFailed Job History Limit: <unset>",
            "Selector: <unset>\nParallelism: <unset>\nCompletions: <unset>\nPod Template:",
            "Last Schedule Time: <unset>\nActive Jobs: hello-29000000",
        ],
    );
}

#[test]
fn namespaces_and_claims_read_like_kubectl() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
        "status": {"phase": "Active"}});
    assert_eq!(
        describe(ns, &Related::default()),
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\n\
         Annotations:  <none>\nStatus:       Active\n"
    );
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default", "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"storageClassName": "standard", "volumeName": "pv-1", "volumeMode": "Filesystem",
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}});
    let user = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db-0", "namespace": "default"},
        "spec": {"containers": [{"name": "c"}],
            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}});
    let related = Related {
        pods: vec![user, pod("web-0", "x", "Running")],
        ..Related::default()
    };
    assert_lines(
        &describe(pvc, &related),
        &[
            "StorageClass: standard\nStatus: Bound\nVolume: pv-1",
            "Finalizers: [kubernetes.io/pvc-protection]\nCapacity: 1Gi\nAccess Modes: RWO\nVolumeMode: Filesystem",
            "Used By: db-0\nEvents: <none>",
        ],
    );
}

#[test]
fn a_known_kind_that_does_not_parse_falls_back_to_the_field_tree() {
    let odd = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "odd", "namespace": "default"}, "spec": {"replicas": "three"}});
    assert_lines(
        &describe(odd, &Related::default()),
        &["Kind: Deployment", "Spec:\n  Replicas: three"],
    );
}

#[test]
fn a_kind_of_another_group_is_not_taken_for_a_core_one() {
    let knative = json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
        "metadata": {"name": "hello", "namespace": "default"}, "spec": {"template": {}}});
    let text = describe(knative, &Related::default());
    assert_lines(
        &text,
        &["API Version: serving.knative.dev/v1", "Kind: Service"],
    );
    assert!(!text.contains("Session Affinity"), "{text}");
}
