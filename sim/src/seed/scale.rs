//! The scale seed: `pods` Running pods spread over `namespaces` namespaces and enough
//! nodes (at most 110 pods each, as the kubelet allows), owned by Deployments through
//! ReplicaSets exactly as the controllers would have made them. Objects are built
//! from one template per Deployment, so 100 000 pods take seconds. `rkt sim --configmaps N`
//! adds N ConfigMaps to the first namespace, for the generic (server Table) view's benchmark.

use anyhow::Context as _;
use serde_json::{json, Value};

use super::objects::{container, deployment, node};
use super::Seeder;
use crate::controllers::util::{compute_hash, controller_ref, random_hex, POD_TEMPLATE_HASH};
use crate::defaults::apply_defaults;
use crate::resources::{CONFIGMAPS, DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS};
use crate::store::{now_rfc3339, random_suffix, Store};

const APPS: &[(&str, &str, i64)] = &[
    ("api", "ghcr.io/acme/api:2.14.1", 8080),
    ("web", "nginx:1.27", 80),
    ("worker", "ghcr.io/acme/worker:2.14.1", 9090),
    ("cache", "redis:7.4", 6379),
    ("auth", "ghcr.io/acme/auth:1.9.0", 8443),
    ("search", "ghcr.io/acme/search:3.2.0", 9200),
    ("billing", "ghcr.io/acme/billing:1.4.2", 8080),
    ("cart", "ghcr.io/acme/cart:0.18.5", 8080),
];
/// Pods per Deployment (the last one of a namespace takes the remainder).
const REPLICAS: usize = 25;
const PODS_PER_NODE: usize = 110;
/// The scale seed's first namespace, where the ConfigMaps go.
pub const FIRST_NAMESPACE: &str = "team-00";

fn namespace(n: usize) -> String {
    format!("team-{n:02}")
}

pub fn build(s: &mut Seeder, pods: usize, namespaces: usize) -> anyhow::Result<()> {
    let namespaces = namespaces.max(1);
    let nodes = pods.div_ceil(PODS_PER_NODE).max(1);
    let node_names: Vec<String> = (1..nodes)
        .map(|i| format!("minikube-m{:02}", i + 1))
        .collect();
    for (i, name) in node_names.iter().enumerate() {
        let ip = format!("192.168.{}.{}", 49 + (i + 3) / 250, (i + 3) % 250 + 2);
        s.create(&NODES, "", node(name, &ip))?;
    }
    let mut all_nodes = vec![(super::NODE.to_string(), super::NODE_IP.to_string())];
    all_nodes.extend(node_names.iter().enumerate().map(|(i, n)| {
        (
            n.clone(),
            format!("192.168.{}.{}", 49 + (i + 3) / 250, (i + 3) % 250 + 2),
        )
    }));
    let mut placed = 0usize;
    for n in 0..namespaces {
        let ns = namespace(n);
        s.create(&NAMESPACES, "", json!({"metadata": {"name": ns}}))?;
        let in_ns = pods / namespaces + usize::from(n < pods % namespaces);
        let mut left = in_ns;
        let mut index = 0;
        while left > 0 {
            let replicas = if left < 2 * REPLICAS { left } else { REPLICAS };
            let (app, image, port) = APPS[index % APPS.len()];
            let name = format!("{app}-{}", index / APPS.len() + 1);
            workload(
                s,
                &ns,
                &name,
                image,
                port,
                replicas,
                &all_nodes,
                &mut placed,
            )?;
            left -= replicas;
            index += 1;
        }
    }
    Ok(())
}

/// `count` ConfigMaps in [`FIRST_NAMESPACE`], named after the seed's apps
/// (`api-config-00001`), each with two small data keys. Stored directly from one template
/// (nothing to default, no controller cares), so 10 000 take a fraction of a second.
pub fn configmaps(store: &Store, count: usize) -> anyhow::Result<()> {
    debug_assert_eq!(namespace(0), FIRST_NAMESPACE);
    let template = json!({"metadata": {"labels": {"app.kubernetes.io/part-of": FIRST_NAMESPACE}},
        "data": {"LOG_LEVEL": "info"}});
    for i in 0..count {
        let (app, _, port) = APPS[i % APPS.len()];
        let mut cm = template.clone();
        cm["metadata"]["name"] = json!(format!("{app}-config-{:05}", i + 1));
        cm["metadata"]["labels"]["app"] = json!(app);
        cm["data"]["PORT"] = json!(port.to_string());
        store
            .create(&CONFIGMAPS, FIRST_NAMESPACE, cm)
            .with_context(|| format!("seeding ConfigMap {} in {FIRST_NAMESPACE}", i + 1))?;
    }
    Ok(())
}

/// One Deployment with its ReplicaSet and `replicas` Running, Ready pods.
#[allow(clippy::too_many_arguments)]
fn workload(
    s: &mut Seeder,
    ns: &str,
    name: &str,
    image: &str,
    port: i64,
    replicas: usize,
    nodes: &[(String, String)],
    placed: &mut usize,
) -> anyhow::Result<()> {
    let labels = json!({"app": name, "app.kubernetes.io/part-of": ns});
    let app = name.split('-').next().unwrap_or(name);
    let mut containers = vec![container(app, image, &[("http", port)])];
    if app == "web" || app == "api" {
        let mut sidecar = container("log-shipper", "fluent/fluent-bit:3.1", &[]);
        sidecar["resources"] = json!({"requests": {"cpu": "10m", "memory": "16Mi"}});
        containers.push(sidecar);
    }
    let mut d = deployment(name, replicas as i64, labels.clone(), containers);
    d["metadata"]["annotations"] = json!({"deployment.kubernetes.io/revision": "1"});
    apply_defaults(&DEPLOYMENTS, &mut d);
    let d = s.create(&DEPLOYMENTS, ns, d)?.value.clone();
    let hash = compute_hash(&d["spec"]["template"], None);
    let mut template = d["spec"]["template"].clone();
    template["metadata"]["labels"][POD_TEMPLATE_HASH] = json!(hash);
    let mut selector = d["spec"]["selector"].clone();
    selector["matchLabels"][POD_TEMPLATE_HASH] = json!(hash);
    let rs_name = format!("{name}-{hash}");
    let max = replicas + replicas.div_ceil(4);
    let rs = s.create(
        &REPLICASETS,
        ns,
        json!({
            "metadata": {"name": rs_name, "labels": template["metadata"]["labels"],
                "annotations": {"deployment.kubernetes.io/revision": "1",
                    "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                    "deployment.kubernetes.io/max-replicas": max.to_string()},
                "ownerReferences": [controller_ref(&d)]},
            "spec": {"replicas": replicas, "selector": selector, "template": template}
        }),
    )?;
    let mut pod = json!({
        "metadata": {"labels": template["metadata"]["labels"], "ownerReferences": [controller_ref(&rs.value)]},
        "spec": template["spec"],
    });
    apply_defaults(&PODS, &mut pod);
    let started = now_rfc3339();
    for _ in 0..replicas {
        let (node, host_ip) = &nodes[*placed / PODS_PER_NODE % nodes.len()];
        let ip = format!(
            "10.{}.{}.{}",
            244 + *placed / 64_516,
            *placed / 254 % 254,
            *placed % 254 + 1
        );
        *placed += 1;
        let mut p = pod.clone();
        p["metadata"]["name"] = json!(format!("{rs_name}-{}", random_suffix(5)));
        p["spec"]["nodeName"] = json!(node);
        p["status"] = running_status(&p, host_ip, &ip, &started);
        // Some pods have restarted before (an OOM kill, a crash), as in any real cluster.
        if (*placed).is_multiple_of(37) {
            let reason = if (*placed).is_multiple_of(2) {
                "OOMKilled"
            } else {
                "Error"
            };
            let status = &mut p["status"]["containerStatuses"][0];
            status["restartCount"] = json!(*placed % 5 + 1);
            status["lastState"] = json!({"terminated": {"exitCode": 137, "reason": reason,
                "startedAt": started, "finishedAt": started, "containerID": format!("docker://{}", random_hex(64))}});
        }
        // Name clashes of the random suffix are possible but rare: skip them.
        let _ = s.store.create(&PODS, ns, p);
    }
    Ok(())
}

fn running_status(pod: &Value, host_ip: &str, ip: &str, at: &str) -> Value {
    let cond = |ty: &str| json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": at});
    let containers: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let image = c["image"].as_str().unwrap_or("");
            json!({
                "name": c["name"], "image": image,
                "imageID": format!("docker-pullable://{}@sha256:{}", image.split(':').next().unwrap_or(image), random_hex(64)),
                "containerID": format!("docker://{}", random_hex(64)),
                "ready": true, "started": true, "restartCount": 0,
                "state": {"running": {"startedAt": at}}, "lastState": {}
            })
        })
        .collect();
    json!({
        "phase": "Running",
        "conditions": [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
        "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
        "podIP": ip, "podIPs": [{"ip": ip}],
        "startTime": at,
        "qosClass": pod["status"]["qosClass"],
        "containerStatuses": containers,
    })
}
