//! Well-formed objects of the kinds rkt converts, the starting points the fuzzers break.

use serde_json::{json, Value};

fn meta(name: &str) -> Value {
    json!({
        "name": name, "namespace": "default", "uid": "u-1", "resourceVersion": "7",
        "generation": 3, "creationTimestamp": "2024-05-01T10:00:00Z",
        "labels": {"app": "web", "pod-template-hash": "abc"},
        "annotations": {
            "deployment.kubernetes.io/revision": "2",
            "kubernetes.io/change-cause": "kubectl set image deploy/web web=nginx:2",
            "deployment.kubernetes.io/revision-history": "1"
        },
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc",
            "uid": "u-0", "controller": true}]
    })
}

fn container() -> Value {
    json!({
        "name": "web", "image": "nginx:1", "imagePullPolicy": "Always",
        "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
        "env": [{"name": "MODE", "value": "prod"}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 5},
        "livenessProbe": {"exec": {"command": ["true"]}, "failureThreshold": 3},
        "startupProbe": {"tcpSocket": {"port": "http"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}]
    })
}

fn pod_spec() -> Value {
    json!({
        "containers": [container()],
        "initContainers": [{"name": "init", "image": "busybox", "restartPolicy": "Always"}],
        "nodeName": "node-1", "serviceAccountName": "default",
        "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
            {"name": "cfg", "configMap": {"name": "cfg"}}],
        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
        "nodeSelector": {"disk": "ssd"}
    })
}

fn template() -> Value {
    json!({"metadata": {"labels": {"app": "web"}}, "spec": pod_spec()})
}

fn conditions() -> Value {
    json!([
        {"type": "Ready", "status": "True", "reason": "MinimumReplicasAvailable",
         "message": "Deployment has minimum availability.", "lastTransitionTime": "2024-05-01T10:00:00Z"},
        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
    ])
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": meta("web-abc-1"), "spec": pod_spec(),
        "status": {
            "phase": "Running", "podIP": "10.0.0.5", "hostIP": "192.168.1.2",
            "startTime": "2024-05-01T10:00:00Z", "qosClass": "Burstable",
            "conditions": conditions(),
            "initContainerStatuses": [{"name": "init", "ready": true, "restartCount": 0,
                "image": "busybox", "imageID": "", "started": true,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
            "containerStatuses": [{"name": "web", "ready": false, "restartCount": 4,
                "image": "nginx:1", "imageID": "sha", "started": true,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "Error", "signal": 9,
                    "finishedAt": "2024-05-01T11:00:00Z", "startedAt": "2024-05-01T10:59:00Z"}}}]
        }
    })
}

fn workload(kind: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": kind, "metadata": meta("web"),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
            "template": template(), "revisionHistoryLimit": 10, "serviceName": "web",
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "updateStrategy": {"type": "RollingUpdate"}},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2,
            "observedGeneration": 3, "currentRevision": "web-1", "updateRevision": "web-2",
            "desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
            "numberMisscheduled": 0, "updatedNumberScheduled": 3, "conditions": conditions()}
    })
}

fn service() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service", "metadata": meta("web"),
        "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
            "externalIPs": ["1.2.3.4"], "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080, "protocol": "TCP"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}, {"hostname": "lb.example"}]}}
    })
}

fn event() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event", "metadata": meta("web.1"),
        "involvedObject": {"kind": "Pod", "name": "web-abc-1", "namespace": "default", "uid": "u-1"},
        "reason": "Unhealthy", "message": "Liveness probe failed: HTTP probe failed with statuscode: 500",
        "type": "Warning", "count": 7, "firstTimestamp": "2024-05-01T10:00:00Z",
        "lastTimestamp": "2024-05-01T11:00:00Z", "source": {"component": "kubelet", "host": "node-1"}
    })
}

fn node() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node", "metadata": meta("node-1"),
        "spec": {"podCIDR": "10.244.0.0/24", "taints": [{"key": "k", "effect": "NoSchedule"}]},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "3800m", "memory": "7Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "False", "reason": "KubeletNotReady",
                "message": "container runtime down"}],
            "addresses": [{"type": "InternalIP", "address": "192.168.1.2"}],
            "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Linux", "kernelVersion": "6",
                "containerRuntimeVersion": "containerd://2", "architecture": "amd64",
                "operatingSystem": "linux", "machineID": "m", "systemUUID": "s", "bootID": "b",
                "kubeProxyVersion": "v1.33.0"}}
    })
}

fn table() -> Value {
    json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "9"},
        "columnDefinitions": [
            {"name": "Name", "type": "string", "format": "name", "priority": 0},
            {"name": "Status", "type": "string", "priority": 0},
            {"name": "Type", "type": "string", "priority": 1},
            {"name": "Restarts", "type": "integer", "priority": 0},
            {"name": "Age", "type": "string", "priority": 0}],
        "rows": [{"cells": ["web-abc-1", "NotReady", "Warning", 4, "5m"],
            "object": {"kind": "PartialObjectMetadata", "metadata": meta("web-abc-1")}}],
        "items": [{"metadata": meta("plain")}]
    })
}

fn other(api_version: &str, kind: &str, extra: Value) -> Value {
    let mut obj = json!({"apiVersion": api_version, "kind": kind, "metadata": meta("web")});
    if let (Some(map), Value::Object(more)) = (obj.as_object_mut(), extra) {
        map.extend(more);
    }
    obj
}

/// The samples: the kinds with row converters and describers, and a server Table.
pub fn all() -> Vec<Value> {
    vec![
        pod(),
        workload("Deployment"),
        workload("StatefulSet"),
        workload("DaemonSet"),
        workload("ReplicaSet"),
        other(
            "apps/v1",
            "ControllerRevision",
            json!({"revision": 2, "data": {"spec": {"template": template()}}}),
        ),
        service(),
        event(),
        node(),
        table(),
        other("v1", "Namespace", json!({"status": {"phase": "Active"}})),
        other(
            "v1",
            "ConfigMap",
            json!({"data": {"a": "b"}, "binaryData": {"c": "ZA=="}}),
        ),
        other(
            "v1",
            "Secret",
            json!({"type": "Opaque", "data": {"token": "c2VjcmV0"}}),
        ),
        other(
            "v1",
            "PersistentVolumeClaim",
            json!({"spec": {"accessModes": ["ReadWriteOnce"], "volumeName": "pv-1",
                "resources": {"requests": {"storage": "1Gi"}}}, "status": {"phase": "Bound"}}),
        ),
        other(
            "batch/v1",
            "Job",
            json!({"spec": {"completions": 1, "parallelism": 1, "template": template()},
                "status": {"succeeded": 1, "startTime": "2024-05-01T10:00:00Z"}}),
        ),
        other(
            "batch/v1",
            "CronJob",
            json!({"spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template()}}}}),
        ),
        other(
            "networking.k8s.io/v1",
            "Ingress",
            json!({"spec": {"rules": [{"host": "a.example", "http": {"paths": [{"path": "/",
                "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}}]}}],
                "tls": [{"hosts": ["a.example"], "secretName": "tls"}]}}),
        ),
        other(
            "discovery.k8s.io/v1",
            "EndpointSlice",
            json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.5"],
                "conditions": {"ready": true}}], "ports": [{"name": "http", "port": 80}]}),
        ),
        other(
            "example.com/v1",
            "Widget",
            json!({"spec": {"size": 3, "nested": {"list": [1, "two", null]}}}),
        ),
    ]
}
