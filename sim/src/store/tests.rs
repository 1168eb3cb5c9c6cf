//! Unit tests of the object store.

use super::*;
use crate::resources::{DEPLOYMENTS, NAMESPACES, PODS, REPLICASETS};

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

#[test]
fn cascade_follows_owner_references_as_they_change() {
    let s = store_with_ns();
    let rs = |name: &str| {
        s.create(
            &REPLICASETS,
            "default",
            json!({"metadata": {"name": name}, "spec": {}}),
        )
        .unwrap()
    };
    let (a, b) = (rs("a"), rs("b"));
    let owner = |o: &Arc<Stored>| json!([{"uid": o.value["metadata"]["uid"], "kind": "ReplicaSet", "name": o.name()}]);
    let pod = json!({"metadata": {"name": "p", "ownerReferences": owner(&a)},
        "spec": {"terminationGracePeriodSeconds": 0}});
    s.create(&PODS, "default", pod).unwrap();
    // Re-owned by b (adoption): deleting a leaves it, deleting b takes it.
    s.mutate(&PODS, "default", "p", UpdateScope::Main, |p| {
        p["metadata"]["ownerReferences"] = owner(&b);
        Ok(())
    })
    .unwrap();
    s.delete(&REPLICASETS, "default", "a", &DeleteOptions::default())
        .unwrap();
    assert_eq!(s.count(&PODS), 1);
    // Orphaning removes the reference, so a later owner delete no longer reaches it.
    let orphan = DeleteOptions {
        propagation: Propagation::Orphan,
        ..DeleteOptions::default()
    };
    s.delete(&REPLICASETS, "default", "b", &orphan).unwrap();
    let p = s.get(&PODS, "default", "p").unwrap();
    assert!(p.value["metadata"].get("ownerReferences").is_none());
    assert!(s.lock().dependents.is_empty());
}

#[test]
fn list_pages_walk_in_key_order_and_count_what_follows() {
    let s = store_with_ns();
    s.create(&NAMESPACES, "", json!({"metadata": {"name": "other"}}))
        .unwrap();
    for (ns, name) in [
        ("default", "c"),
        ("default", "a"),
        ("other", "b"),
        ("default", "b"),
    ] {
        s.create(&PODS, ns, json!({"metadata": {"name": name}, "spec": {}}))
            .unwrap();
    }
    let names = |p: &ListPage| {
        p.items
            .iter()
            .map(|o| format!("{}/{}", o.namespace(), o.name()))
            .collect::<Vec<_>>()
    };
    let first = s.list_page(&PODS, None, None, 2, None);
    assert_eq!(names(&first), ["default/a", "default/b"]);
    assert!(first.more);
    assert_eq!(first.remaining, Some(2));
    let rest = s.list_page(&PODS, None, Some(("default", "b")), 2, None);
    assert_eq!(names(&rest), ["default/c", "other/b"]);
    assert!(!rest.more);
    // One namespace, with a filter: no count, only whether more follow.
    let not_a = |o: &Stored| o.name() != "a";
    let in_default = s.list_page(&PODS, Some("default"), None, 1, Some(&not_a));
    assert_eq!(names(&in_default), ["default/b"]);
    assert!(in_default.more);
    assert_eq!(in_default.remaining, None);
    let last = s.list_page(
        &PODS,
        Some("default"),
        Some(("default", "b")),
        1,
        Some(&not_a),
    );
    assert_eq!(names(&last), ["default/c"]);
    assert!(!last.more);
}
