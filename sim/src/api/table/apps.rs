//! Printers of the apps/v1 kinds: deployments, replicasets, statefulsets, daemonsets,
//! controllerrevisions.

use serde_json::{json, Value};

use super::{
    col, containers_and_images, int, label_selector_string, Cells, Column, Now, AGE, NAME,
};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    Some(if is(&r::DEPLOYMENTS) {
        (DEPLOYMENT, deployment)
    } else if is(&r::REPLICASETS) {
        (REPLICASET, replicaset)
    } else if is(&r::STATEFULSETS) {
        (STATEFULSET, statefulset)
    } else if is(&r::DAEMONSETS) {
        (DAEMONSET, daemonset)
    } else if is(&r::CONTROLLER_REVISIONS) {
        (CONTROLLER_REVISION, controller_revision)
    } else {
        return None;
    })
}

const DEPLOYMENT: &[Column] = &[
    NAME,
    col("Ready", "string", 0),
    col("Up-to-date", "integer", 0),
    col("Available", "integer", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
    col("Selector", "string", 1),
];

/// `spec.replicas`, which the apiserver defaults to 1.
fn desired(obj: &Value) -> i64 {
    obj["spec"]["replicas"].as_i64().unwrap_or(1)
}

/// CONTAINERS, IMAGES and SELECTOR: the wide columns every workload shares.
fn wide(obj: &Value) -> [Value; 3] {
    let (containers, images) = containers_and_images(&obj["spec"]["template"]["spec"]);
    [
        json!(containers),
        json!(images),
        json!(label_selector_string(&obj["spec"]["selector"])),
    ]
}

fn deployment(obj: &Value, now: &Now) -> Vec<Value> {
    let s = &obj["status"];
    let mut cells = vec![
        super::name(obj),
        json!(format!("{}/{}", int(&s["readyReplicas"]), desired(obj))),
        json!(int(&s["updatedReplicas"])),
        json!(int(&s["availableReplicas"])),
        now.age(obj),
    ];
    cells.extend(wide(obj));
    cells
}

const REPLICASET: &[Column] = &[
    NAME,
    col("Desired", "integer", 0),
    col("Current", "integer", 0),
    col("Ready", "integer", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
    col("Selector", "string", 1),
];

fn replicaset(obj: &Value, now: &Now) -> Vec<Value> {
    let s = &obj["status"];
    let mut cells = vec![
        super::name(obj),
        json!(desired(obj)),
        json!(int(&s["replicas"])),
        json!(int(&s["readyReplicas"])),
        now.age(obj),
    ];
    cells.extend(wide(obj));
    cells
}

const STATEFULSET: &[Column] = &[
    NAME,
    col("Ready", "string", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
];

fn statefulset(obj: &Value, now: &Now) -> Vec<Value> {
    let [containers, images, _] = wide(obj);
    vec![
        super::name(obj),
        json!(format!(
            "{}/{}",
            int(&obj["status"]["readyReplicas"]),
            desired(obj)
        )),
        now.age(obj),
        containers,
        images,
    ]
}

const DAEMONSET: &[Column] = &[
    NAME,
    col("Desired", "integer", 0),
    col("Current", "integer", 0),
    col("Ready", "integer", 0),
    col("Up-to-date", "integer", 0),
    col("Available", "integer", 0),
    col("Node Selector", "string", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
    col("Selector", "string", 1),
];

fn daemonset(obj: &Value, now: &Now) -> Vec<Value> {
    let s = &obj["status"];
    let node_selector = super::selector_string(&obj["spec"]["template"]["spec"]["nodeSelector"]);
    let mut cells = vec![
        super::name(obj),
        json!(int(&s["desiredNumberScheduled"])),
        json!(int(&s["currentNumberScheduled"])),
        json!(int(&s["numberReady"])),
        json!(int(&s["updatedNumberScheduled"])),
        json!(int(&s["numberAvailable"])),
        json!(super::or_none(&node_selector)),
        now.age(obj),
    ];
    cells.extend(wide(obj));
    cells
}

const CONTROLLER_REVISION: &[Column] = &[
    NAME,
    col("Controller", "string", 0),
    col("Revision", "integer", 0),
    AGE,
];

fn controller_revision(obj: &Value, now: &Now) -> Vec<Value> {
    let controller = obj["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["controller"] == true)
        .map(|o| {
            let group = o["apiVersion"]
                .as_str()
                .and_then(|av| av.split_once('/'))
                .map_or("", |(g, _)| g);
            let kind = o["kind"].as_str().unwrap_or("");
            let gk = if group.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}.{group}")
            };
            format!("{}/{}", gk.to_lowercase(), o["name"].as_str().unwrap_or(""))
        })
        .unwrap_or_else(|| "<none>".to_string());
    vec![
        super::name(obj),
        json!(controller),
        json!(int(&obj["revision"])),
        now.age(obj),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T01:00:00Z".parse().unwrap())
    }

    #[test]
    fn deployment_row() {
        let d = json!({
            "metadata": {"name": "hello", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}},
                     "template": {"spec": {"containers": [{"name": "c", "image": "img:1"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
        });
        assert_eq!(
            deployment(&d, &now()),
            vec![
                json!("hello"),
                json!("2/3"),
                json!(3),
                json!(2),
                json!("60m"),
                json!("c"),
                json!("img:1"),
                json!("app=hello")
            ]
        );
    }

    #[test]
    fn controller_revision_names_its_owner() {
        let cr = json!({
            "metadata": {"name": "web-5d8f", "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true}]},
            "revision": 2
        });
        let cells = controller_revision(&cr, &now());
        assert_eq!(cells[1], "statefulset.apps/web");
        assert_eq!(cells[2], 2);
        assert_eq!(cells[3], "<unknown>");
    }
}
