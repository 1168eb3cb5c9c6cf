#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A confirmation acts only on the object it named: an object deleted and recreated under
//! the same name since the user confirmed is left alone, and the simulated cluster enforces
//! the uid precondition as the API server does (judged by kubectl).

mod common;

use common::TestCluster;
use rkt::cluster::objects;
use rkt::cluster::rollout::api;
use rkt::model::objects::{Identity, ObjectKind, ObjectRef};
use rkt::model::rollout::plan::Change;
use rkt::model::rollout::{Outcome, Workload};

const IMAGE: &str = "kicbase/echo-server:1.0";

fn uid_of(cluster: &TestCluster, kind: &str, name: &str) -> String {
    cluster
        .kubectl_ok(&["get", kind, name, "-o", "jsonpath={.metadata.uid}"])
        .expect("kubectl present")
}

/// Deletes `deployment/NAME` and creates it again: same name, new uid.
fn recreate(cluster: &TestCluster, name: &str) {
    cluster
        .kubectl_ok(&["delete", "deployment", name, "--wait=true"])
        .expect("deleted");
    cluster
        .kubectl_ok(&["create", "deployment", name, &format!("--image={IMAGE}")])
        .expect("created");
}

/// An empty cluster with `deployment/web`; `None` without kubectl.
fn cluster_with_web() -> Option<TestCluster> {
    common::kubectl_path()?;
    let cluster = TestCluster::empty();
    cluster
        .kubectl_ok(&["create", "deployment", "web", &format!("--image={IMAGE}")])
        .expect("created");
    Some(cluster)
}

#[test]
fn a_replaced_object_is_neither_changed_nor_deleted() {
    let Some(cluster) = cluster_with_web() else {
        eprintln!("kubectl not found: skipped");
        return;
    };
    let confirmed_uid = uid_of(&cluster, "deployment", "web");
    recreate(&cluster, "web");
    let new_uid = uid_of(&cluster, "deployment", "web");
    assert_ne!(confirmed_uid, new_uid);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(common::kube_client(cluster.kubeconfig()));

    // A restart confirmed for the old object.
    let outcome = rt.block_on(api::change(
        &client,
        Workload::Deployment,
        "default",
        "web",
        Change::Restart {
            at: jiff::Timestamp::now(),
        },
        Some(&confirmed_uid),
    ));
    assert!(
        matches!(&outcome, Outcome::Conflict(m) if m.contains("not the object you confirmed")),
        "{outcome:?}"
    );
    let annotations = cluster
        .kubectl_ok(&[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.spec.template.metadata.annotations}",
        ])
        .unwrap();
    assert!(!annotations.contains("restartedAt"), "{annotations}");

    // A scale confirmed for the old object.
    let outcome = rt.block_on(api::change(
        &client,
        Workload::Deployment,
        "default",
        "web",
        Change::Scale {
            replicas: 5,
            seen: Some(1),
        },
        Some(&confirmed_uid),
    ));
    assert!(matches!(outcome, Outcome::Conflict(_)), "{outcome:?}");

    // A delete confirmed for the old object.
    let obj = ObjectRef {
        kind: ObjectKind::deployment(),
        namespace: Some("default".into()),
        name: "web".into(),
    };
    let stale = Identity {
        uid: confirmed_uid,
        resource_version: String::new(),
    };
    let result = rt.block_on(objects::delete(&client, &obj, &stale));
    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.contains("not the object you confirmed")),
        "{result:?}"
    );
    assert_eq!(
        uid_of(&cluster, "deployment", "web"),
        new_uid,
        "still there"
    );
    let replicas = cluster
        .kubectl_ok(&[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.spec.replicas}",
        ])
        .unwrap();
    assert_eq!(replicas, "1");

    // The identity rkt looks up when a confirmation opens is the current object's, and
    // deleting with it works.
    let current = rt.block_on(objects::identify(&client, &obj)).unwrap();
    assert_eq!(current.uid, new_uid);
    assert!(!current.resource_version.is_empty());
    let deleted = rt.block_on(objects::delete(&client, &obj, &current));
    assert_eq!(deleted, Ok("deployment.apps default/web deleted".into()));
}

#[test]
fn kubectl_sees_the_uid_precondition_refused_like_on_a_real_server() {
    let Some(cluster) = cluster_with_web() else {
        eprintln!("kubectl not found: skipped");
        return;
    };
    let uid = uid_of(&cluster, "deployment", "web");
    let out = cluster
        .kubectl(&[
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            r#"{"metadata":{"uid":"00000000-0000-0000-0000-000000000000"},"spec":{"replicas":4}}"#,
        ])
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Precondition failed: UID in precondition"),
        "{stderr}"
    );
    // The same uid as stored is no change of identity: the patch applies.
    cluster
        .kubectl_ok(&[
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            &format!(r#"{{"metadata":{{"uid":"{uid}"}},"spec":{{"replicas":2}}}}"#),
        ])
        .expect("patched");
    assert_eq!(uid_of(&cluster, "deployment", "web"), uid);
}
