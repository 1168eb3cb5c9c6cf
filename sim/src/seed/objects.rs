//! Builders for the objects the seeds create.

use serde_json::{json, Value};

pub fn node(name: &str, ip: &str) -> Value {
    let now = crate::store::now_rfc3339();
    let cond = |ty: &str, status: &str, reason: &str, message: &str| {
        json!({"type": ty, "status": status, "reason": reason, "message": message,
               "lastHeartbeatTime": now, "lastTransitionTime": now})
    };
    json!({
        "metadata": {
            "name": name,
            "labels": {
                "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                "minikube.k8s.io/name": "minikube", "minikube.k8s.io/primary": "true",
                "minikube.k8s.io/version": "v1.36.0",
                "node-role.kubernetes.io/control-plane": "",
                "node.kubernetes.io/exclude-from-external-load-balancers": ""
            },
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true"
            }
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "2", "ephemeral-storage": "61202244Ki", "hugepages-1Gi": "0",
                          "hugepages-2Mi": "0", "memory": "8129892Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "ephemeral-storage": "61202244Ki", "hugepages-1Gi": "0",
                             "hugepages-2Mi": "0", "memory": "8129892Ki", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": "2f0c4c1e-6a8e-4f55-9b4e-0d0c1a7f3e21",
                "containerRuntimeVersion": "docker://28.1.1", "kernelVersion": "6.8.0-57-generic",
                "kubeProxyVersion": "", "kubeletVersion": "v1.33.1",
                "machineID": "8d3f5b1f0e6c4b6fa0c5d1b2e3f4a5b6", "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS", "systemUUID": "8d3f5b1f-0e6c-4b6f-a0c5-d1b2e3f4a5b6"
            }
        }
    })
}

/// A container with a name, image and optional TCP container ports `(name, port)`.
pub fn container(name: &str, image: &str, ports: &[(&str, i64)]) -> Value {
    let mut c = json!({"name": name, "image": image});
    if !ports.is_empty() {
        c["ports"] = ports
            .iter()
            .map(|(n, p)| {
                let mut port = json!({"containerPort": p, "protocol": "TCP"});
                if !n.is_empty() {
                    port["name"] = json!(n);
                }
                port
            })
            .collect();
    }
    c
}

/// A Deployment with `labels` as selector and template labels.
pub fn deployment(name: &str, replicas: i64, labels: Value, containers: Vec<Value>) -> Value {
    json!({
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}
        }
    })
}

/// A Service selecting `selector` with one port.
pub fn service(name: &str, ty: &str, selector: Value, port: i64, target: i64) -> Value {
    json!({
        "metadata": {"name": name, "labels": selector},
        "spec": {"type": ty, "selector": selector,
                 "ports": [{"port": port, "targetPort": target, "protocol": "TCP"}]}
    })
}

/// A static (mirror) pod of the control plane, owned by the node.
pub fn static_pod(component: &str, image: &str, node: &Value, command: Vec<&str>) -> Value {
    let node_name = node["metadata"]["name"].as_str().unwrap_or("minikube");
    let hash = crate::controllers::util::random_hex(32);
    json!({
        "metadata": {
            "name": format!("{component}-{node_name}"),
            "labels": {"component": component, "tier": "control-plane"},
            "annotations": {
                "kubernetes.io/config.hash": hash,
                "kubernetes.io/config.mirror": hash,
                "kubernetes.io/config.seen": crate::store::now_rfc3339(),
                "kubernetes.io/config.source": "file"
            },
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node_name,
                                 "uid": node["metadata"]["uid"], "controller": true}]
        },
        "spec": {
            "nodeName": node_name,
            "hostNetwork": true,
            "priorityClassName": "system-node-critical",
            "priority": 2000001000,
            "automountServiceAccountToken": false,
            "containers": [{"name": component, "image": image, "command": command,
                            "resources": {"requests": {"cpu": "100m"}}}],
            "tolerations": [{"operator": "Exists", "effect": "NoExecute"}]
        }
    })
}
