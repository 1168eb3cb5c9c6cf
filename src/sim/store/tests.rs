//! Unit tests of the object store.

use super::*;
use crate::sim::resources::{DEPLOYMENTS, NAMESPACES, PODS, REPLICASETS};

fn store_with_ns() -> Store {
    let s = Store::new();
    s.create(&NAMESPACES, "", json!({"metadata": {"name": "default"}}))
        .unwrap();
    s
}

#[test]
fn create_fills_server_fields_and_rejects_duplicates() {
    let s = store_with_ns();
    let o = s
        .create(
            &PODS,
            "default",
            json!({"metadata": {"generateName": "web-"}, "spec": {}}),
        )
        .unwrap();
    assert!(o.name().starts_with("web-") && o.name().len() == 9);
    assert_eq!(o.value["kind"], "Pod");
    assert_eq!(o.value["metadata"]["namespace"], "default");
    let name = o.name().to_string();
    let err = s
        .create(&PODS, "default", json!({"metadata": {"name": name}}))
        .unwrap_err();
    assert_eq!(err.code, 409);
    let err = s
        .create(&PODS, "nosuch", json!({"metadata": {"name": "x"}}))
        .unwrap_err();
    assert_eq!(err.code, 404);
    let err = s
        .create(&PODS, "default", json!({"metadata": {"name": "Bad_Name"}}))
        .unwrap_err();
    assert_eq!(err.code, 422);
}

#[test]
fn stale_update_conflicts_and_spec_change_bumps_generation() {
    let s = store_with_ns();
    let d = s
        .create(
            &DEPLOYMENTS,
            "default",
            json!({"metadata": {"name": "d"}, "spec": {"replicas": 1}}),
        )
        .unwrap();
    let mut v = d.value.clone();
    v["spec"]["replicas"] = json!(2);
    let d2 = s
        .update(&DEPLOYMENTS, "default", "d", v.clone(), UpdateScope::Main)
        .unwrap();
    assert_eq!(d2.value["metadata"]["generation"], 2);
    let err = s
        .update(&DEPLOYMENTS, "default", "d", v, UpdateScope::Main)
        .unwrap_err();
    assert_eq!(err.reason, "Conflict");
}

#[test]
fn delete_cascades_through_owner_references() {
    let s = store_with_ns();
    let d = s
        .create(
            &DEPLOYMENTS,
            "default",
            json!({"metadata": {"name": "d"}, "spec": {}}),
        )
        .unwrap();
    let owner = |o: &Arc<Stored>| json!([{"uid": o.value["metadata"]["uid"], "kind": "x", "name": o.name()}]);
    let rs = s
        .create(
            &REPLICASETS,
            "default",
            json!({"metadata": {"name": "d-1", "ownerReferences": owner(&d)}}),
        )
        .unwrap();
    s.create(&PODS, "default", json!({"metadata": {"name": "d-1-a", "ownerReferences": owner(&rs)}, "spec": {"terminationGracePeriodSeconds": 0}}))
        .unwrap();
    s.delete(&DEPLOYMENTS, "default", "d", &DeleteOptions::default())
        .unwrap();
    assert_eq!(s.count(&REPLICASETS), 0);
    assert_eq!(s.count(&PODS), 0);
}

#[test]
fn watch_resumes_from_history_and_expires() {
    let s = store_with_ns();
    let rv = s.resource_version();
    s.create(&PODS, "default", json!({"metadata": {"name": "a"}}))
        .unwrap();
    let sub = s.subscribe(&PODS, Some("default"), Some(rv)).unwrap();
    assert_eq!(sub.backlog.len(), 1);
    assert_eq!(sub.backlog[0].kind, EventType::Added);
    s.expire_history();
    assert_eq!(
        s.subscribe(&PODS, None, Some(rv)).err().map(|e| e.code),
        Some(410)
    );
}
