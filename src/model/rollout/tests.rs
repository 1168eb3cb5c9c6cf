#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Unit tests of the pure rollout logic against YAML fixtures in tests/fixtures/rollout.

use k8s_openapi::api::apps::v1::{ControllerRevision, Deployment, ReplicaSet, StatefulSet};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::history::{deployment_history, revision_history, template_key};
use super::plan::{
    plan_change, plan_deployment_rollback, plan_revision_rollback, Change, DeploymentView,
    PatchBody, RevisionedView, RollbackPlan,
};
use super::status::{daemonset_status, deployment_status, statefulset_status};
use super::{template_diff, Outcome, Workload};

const DEPLOYMENT: &str = include_str!("../../../tests/fixtures/rollout/deployment.yaml");
const REPLICA_SETS: &str = include_str!("../../../tests/fixtures/rollout/replicasets.yaml");
const STATEFULSET: &str = include_str!("../../../tests/fixtures/rollout/statefulset.yaml");
const REVISIONS: &str = include_str!("../../../tests/fixtures/rollout/controllerrevisions.yaml");

fn docs<T: DeserializeOwned>(yaml: &str) -> Vec<T> {
    serde_yaml::Deserializer::from_str(yaml)
        .map(|d| T::deserialize(d).expect("fixture parses"))
        .collect()
}

fn view() -> DeploymentView {
    DeploymentView {
        deployment: docs(DEPLOYMENT).remove(0),
        replica_sets: docs(REPLICA_SETS),
    }
}

fn sts_view() -> RevisionedView {
    let sts: StatefulSet = docs(STATEFULSET).remove(0);
    RevisionedView {
        kind: Workload::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        uid: sts.metadata.uid.clone().unwrap(),
        resource_version: sts.metadata.resource_version.clone().unwrap(),
        template: sts.spec.unwrap().template,
        revisions: docs(REVISIONS),
    }
}

fn patch_of(plan: RollbackPlan) -> super::PlannedPatch {
    match plan {
        RollbackPlan::Patch(p) => *p,
        other => panic!("expected a patch, got {other:?}"),
    }
}

fn rs_named<'a>(v: &'a DeploymentView, name: &str) -> &'a ReplicaSet {
    v.replica_sets
        .iter()
        .find(|r| r.metadata.name.as_deref() == Some(name))
        .unwrap()
}

#[test]
fn deployment_history_is_newest_first_with_kubectl_columns() {
    let v = view();
    let rows = deployment_history(&v.deployment, &v.replica_sets);
    let revisions: Vec<i64> = rows.iter().map(|r| r.revision).collect();
    assert_eq!(
        revisions,
        vec![3, 2, 1],
        "unowned RS (9) and unparsable revision are left out"
    );
    assert_eq!(rows[0].change_cause_text(), "<none>");
    assert_eq!(rows[1].change_cause_text(), "upgrade to 2.0");
    assert_eq!(rows[2].images, vec!["kicbase/echo-server:1.0"]);
    assert_eq!(rows[0].pods, Some((2, 1)));
    let current: Vec<bool> = rows.iter().map(|r| r.current).collect();
    assert_eq!(current, vec![true, false, false]);
    assert_eq!(rows[0].source, "hello-minikube-6b4c9f5d7c");
}

#[test]
fn history_after_rollback_shows_reused_replica_set_renumbered() {
    // What the controller does after `undo --to-revision=1`: revision 1's RS becomes 4.
    let mut v = view();
    let rs1 = v
        .replica_sets
        .iter_mut()
        .find(|r| r.metadata.name.as_deref() == Some("hello-minikube-5d9b964bfb"))
        .unwrap();
    let ann = rs1.metadata.annotations.as_mut().unwrap();
    ann.insert("deployment.kubernetes.io/revision".into(), "4".into());
    ann.insert(
        "deployment.kubernetes.io/revision-history".into(),
        "1".into(),
    );
    let template = rs1.spec.as_ref().unwrap().template.clone().unwrap();
    v.deployment.spec.as_mut().unwrap().template = template;
    let rows = deployment_history(&v.deployment, &v.replica_sets);
    let revisions: Vec<i64> = rows.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, vec![4, 3, 2]);
    assert!(
        rows[0].current,
        "template matches ignoring pod-template-hash"
    );
    assert_eq!(rows[0].former, vec![1]);
    assert!(!rows[1].current);
}

#[test]
fn rollback_patch_is_kubectls_with_a_resource_version_test_first() {
    let v = view();
    let plan = patch_of(plan_deployment_rollback(&v, 1));
    assert_eq!(plan.to_revision, 1);
    assert_eq!(plan.resource_version, "500");
    assert_eq!(
        plan.change_cause.as_deref(),
        Some("kubectl create deployment hello-minikube --image=kicbase/echo-server:1.0")
    );
    let PatchBody::Json(ops) = &plan.body else {
        panic!("deployment rollback is a JSON patch");
    };
    let ops = ops.as_array().unwrap();
    assert_eq!(ops.len(), 3);
    assert_eq!(
        ops[0],
        json!({"op": "test", "path": "/metadata/resourceVersion", "value": "500"})
    );
    assert_eq!(ops[1]["op"], "replace");
    assert_eq!(ops[1]["path"], "/spec/template");
    assert_eq!(
        ops[1]["value"]["metadata"]["labels"],
        json!({"app": "hello-minikube"})
    );
    assert_eq!(
        ops[1]["value"]["spec"]["containers"][0]["image"],
        "kicbase/echo-server:1.0"
    );
    assert_eq!(ops[2]["path"], "/metadata/annotations");
    // Skip-list keys come from the Deployment (the RS's desired/max-replicas are not
    // copied); everything else, the change-cause among it, from the RS.
    assert_eq!(
        ops[2]["value"],
        json!({
            "deployment.kubernetes.io/revision": "3",
            "kubectl.kubernetes.io/last-applied-configuration": "{\"kind\":\"Deployment\"}",
            "kubernetes.io/change-cause": "kubectl create deployment hello-minikube --image=kicbase/echo-server:1.0",
        })
    );
}

#[test]
fn rollback_patch_applies_and_its_precondition_guards_concurrent_changes() {
    let v = view();
    let plan = patch_of(plan_deployment_rollback(&v, 2));
    let PatchBody::Json(ops) = plan.body else {
        panic!("json patch")
    };
    let ops: json_patch::Patch = serde_json::from_value(ops).unwrap();
    let mut doc = serde_json::to_value(&v.deployment).unwrap();
    json_patch::patch(&mut doc, &ops).unwrap();
    let patched: Deployment = serde_json::from_value(doc).unwrap();
    let rs2 = rs_named(&v, "hello-minikube-7c6f8d8b5");
    assert!(super::templates_equal_ignoring_hash(
        &patched.spec.unwrap().template,
        rs2.spec.as_ref().unwrap().template.as_ref().unwrap()
    ));
    // Someone changed the Deployment (new resourceVersion): the same patch must fail.
    let mut moved = serde_json::to_value(&v.deployment).unwrap();
    moved["metadata"]["resourceVersion"] = json!("501");
    assert!(json_patch::patch(&mut moved, &ops).is_err());
}

#[test]
fn rollback_to_current_template_is_skipped() {
    assert_eq!(
        plan_deployment_rollback(&view(), 3),
        RollbackPlan::Skip("skipped rollback (current template already matches revision 3)".into())
    );
}

#[test]
fn rollback_refusals_use_kubectls_words() {
    let v = view();
    assert_eq!(
        plan_deployment_rollback(&v, 7),
        RollbackPlan::Refuse("unable to find specified revision 7 in history".into())
    );
    assert_eq!(
        plan_deployment_rollback(&v, -1),
        RollbackPlan::Refuse("unable to find specified revision -1 in history".into())
    );
    let mut paused = view();
    paused.deployment.spec.as_mut().unwrap().paused = Some(true);
    assert_eq!(
        plan_deployment_rollback(&paused, 1),
        RollbackPlan::Refuse(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
                .into()
        )
    );
    // kubectl looks the revision up before checking pause.
    assert!(
        matches!(plan_deployment_rollback(&paused, 7), RollbackPlan::Refuse(m) if m.contains("unable to find"))
    );
    let mut lonely = view();
    lonely
        .replica_sets
        .retain(|r| r.metadata.name.as_deref() == Some("hello-minikube-6b4c9f5d7c"));
    assert_eq!(
        plan_deployment_rollback(&lonely, 0),
        RollbackPlan::Refuse("no rollout history found for deployment \"hello-minikube\"".into())
    );
}

#[test]
fn rollback_to_zero_means_the_previous_revision() {
    assert_eq!(
        patch_of(plan_deployment_rollback(&view(), 0)).to_revision,
        2
    );
}

#[test]
fn rollback_diff_lists_what_changes() {
    let plan = patch_of(plan_deployment_rollback(&view(), 2));
    let lines: Vec<String> = plan.diff.iter().map(|c| c.line()).collect();
    let expected = [
        "image echo-server: kicbase/echo-server:2.1 → kicbase/echo-server:2.0",
        "- args echo-server: [--port 8080]",
        "env echo-server GREETING: \"hello\" → \"hi\"",
        "- env echo-server MODE: \"fast\"",
        "- resources echo-server limits.memory: 128Mi",
        "- readinessProbe echo-server: httpGet :8080/healthz every 5s",
    ];
    for line in expected {
        assert!(
            lines.contains(&line.to_string()),
            "missing {line:?} in {lines:#?}"
        );
    }
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
}

#[test]
fn diff_covers_ports_labels_containers_and_other_fields() {
    let v = view();
    let from = v.deployment.spec.clone().unwrap().template;
    let mut to = from.clone();
    let spec = to.spec.as_mut().unwrap();
    spec.containers[0].ports.as_mut().unwrap()[0].container_port = 9090;
    spec.containers[0].image_pull_policy = Some("Always".into());
    spec.containers.push(k8s_openapi::api::core::v1::Container {
        name: "sidecar".into(),
        image: Some("envoy:1".into()),
        ..Default::default()
    });
    spec.service_account_name = Some("robot".into());
    let labels = to.metadata.as_mut().unwrap().labels.as_mut().unwrap();
    labels.insert("track".into(), "canary".into());
    labels.insert("pod-template-hash".into(), "ignored".into());
    let lines: Vec<String> = template_diff(&from, &to).iter().map(|c| c.line()).collect();
    assert_eq!(
        lines,
        vec![
            "ports echo-server: 8080/TCP → 9090/TCP",
            "+ container echo-server imagePullPolicy: Always",
            "+ container sidecar: envoy:1",
            "+ label track: canary",
            "+ spec.serviceAccountName: robot",
        ]
    );
    assert!(template_diff(&from, &from).is_empty());
}

#[test]
fn template_key_ignores_the_hash_label_only() {
    let v = view();
    let deploy = v.deployment.spec.clone().unwrap().template;
    let rs3 = rs_named(&v, "hello-minikube-6b4c9f5d7c")
        .spec
        .clone()
        .unwrap()
        .template
        .unwrap();
    let rs2 = rs_named(&v, "hello-minikube-7c6f8d8b5")
        .spec
        .clone()
        .unwrap()
        .template
        .unwrap();
    assert_eq!(template_key(&deploy), template_key(&rs3));
    assert_ne!(template_key(&deploy), template_key(&rs2));
}

#[test]
fn deployment_status_in_kubectls_words() {
    let base: Deployment = docs(DEPLOYMENT).remove(0);
    assert_eq!(
        deployment_status(&base).text,
        "deployment \"hello-minikube\" successfully rolled out"
    );
    assert!(deployment_status(&base).done);

    let mut d = base.clone();
    d.metadata.generation = Some(4);
    assert_eq!(
        deployment_status(&d).text,
        "Waiting for deployment spec update to be observed..."
    );

    let mut d = base.clone();
    d.status.as_mut().unwrap().updated_replicas = Some(1);
    assert_eq!(
        deployment_status(&d).text,
        "Waiting for deployment \"hello-minikube\" rollout to finish: 1 out of 2 new replicas have been updated..."
    );
    d.spec.as_mut().unwrap().paused = Some(true);
    assert!(deployment_status(&d).line().ends_with("(paused)"));

    let mut d = base.clone();
    d.status.as_mut().unwrap().replicas = Some(3);
    assert_eq!(
        deployment_status(&d).text,
        "Waiting for deployment \"hello-minikube\" rollout to finish: 1 old replicas are pending termination..."
    );

    let mut d = base.clone();
    d.status.as_mut().unwrap().available_replicas = Some(1);
    let s = deployment_status(&d);
    assert_eq!(
        s.text,
        "Waiting for deployment \"hello-minikube\" rollout to finish: 1 of 2 updated replicas are available..."
    );
    assert!(s.in_progress());

    let mut d = base;
    d.status.as_mut().unwrap().available_replicas = Some(1);
    d.status.as_mut().unwrap().conditions =
        Some(vec![k8s_openapi::api::apps::v1::DeploymentCondition {
            type_: "Progressing".into(),
            status: "False".into(),
            reason: Some("ProgressDeadlineExceeded".into()),
            ..Default::default()
        }]);
    let s = deployment_status(&d);
    assert_eq!(
        s.text,
        "deployment \"hello-minikube\" exceeded its progress deadline"
    );
    assert!(s.failed && !s.done);
}

#[test]
fn statefulset_and_daemonset_status() {
    let sts: StatefulSet = docs(STATEFULSET).remove(0);
    assert_eq!(
        statefulset_status(&sts).text,
        "statefulset rolling update complete 2 pods at revision web-6c5f8d9b7..."
    );
    let mut s = sts.clone();
    s.status.as_mut().unwrap().ready_replicas = Some(1);
    assert_eq!(
        statefulset_status(&s).text,
        "Waiting for 1 pods to be ready..."
    );
    let ds: k8s_openapi::api::apps::v1::DaemonSet = serde_json::from_value(json!({
        "metadata": {"name": "kube-proxy", "generation": 1},
        "spec": {"selector": {}, "template": {}},
        "status": {"observedGeneration": 1, "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
                   "numberMisscheduled": 0, "numberReady": 0, "updatedNumberScheduled": 1, "numberAvailable": 0}
    }))
    .unwrap();
    assert_eq!(
        daemonset_status(&ds).text,
        "Waiting for daemon set \"kube-proxy\" rollout to finish: 0 of 1 updated pods are available..."
    );
}

#[test]
fn statefulset_history_from_controller_revisions() {
    let v = sts_view();
    let rows = revision_history(&v.uid, &v.template, &v.revisions);
    let summary: Vec<(i64, bool, &str)> = rows
        .iter()
        .map(|r| (r.revision, r.current, r.change_cause_text()))
        .collect();
    assert_eq!(summary, vec![(2, true, "<none>"), (1, false, "first")]);
    assert_eq!(rows[1].images, vec!["nginx:1.24"]);
}

#[test]
fn statefulset_rollback_is_the_revision_data_with_a_resource_version() {
    let v = sts_view();
    let plan = patch_of(plan_revision_rollback(&v, 1));
    let PatchBody::Strategic(body) = &plan.body else {
        panic!("strategic merge patch");
    };
    assert_eq!(body["metadata"], json!({"resourceVersion": "700"}));
    assert_eq!(body["spec"]["template"]["$patch"], "replace");
    assert_eq!(
        body["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.24"
    );
    let lines: Vec<String> = plan.diff.iter().map(|c| c.line()).collect();
    assert_eq!(lines, vec!["image nginx: nginx:1.25 → nginx:1.24"]);
    assert_eq!(
        plan_revision_rollback(&v, 0),
        RollbackPlan::Patch(Box::new(plan))
    );

    assert_eq!(
        plan_revision_rollback(&v, 2),
        RollbackPlan::Skip("skipped rollback (current template already matches revision 2)".into())
    );
    assert_eq!(
        plan_revision_rollback(&v, 3),
        RollbackPlan::Refuse("unable to find specified revision 3 in history".into()),
        "revision 3 belongs to another StatefulSet"
    );
    let mut lonely = sts_view();
    lonely.revisions.truncate(1);
    assert_eq!(
        plan_revision_rollback(&lonely, 0),
        RollbackPlan::Refuse("no last revision to roll back to".into())
    );
}

#[test]
fn restart_scale_pause_resume_plans() {
    let at: jiff::Timestamp = "2026-11-25T20:00:00Z".parse().unwrap();
    let d = Workload::Deployment;
    let restart = plan_change(d, "default", "web", false, &Change::Restart { at }).unwrap();
    assert_eq!(
        restart.body,
        PatchBody::Strategic(json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2026-11-25T20:00:00Z"}}}}}))
    );
    assert_eq!(restart.done, "deployment.apps/web restarted");
    assert_eq!(
        plan_change(d, "default", "web", true, &Change::Restart { at }),
        Err(Outcome::Refused(
            "can't restart paused deployment (run rollout resume first)".into()
        ))
    );
    let scale = plan_change(
        d,
        "default",
        "web",
        false,
        &Change::Scale {
            replicas: 5,
            seen: Some(2),
        },
    )
    .unwrap();
    let expected: Value = json!([
        {"op": "test", "path": "/spec/replicas", "value": 2},
        {"op": "replace", "path": "/spec/replicas", "value": 5},
    ]);
    assert_eq!(scale.body, PatchBody::Json(expected));
    assert_eq!(scale.done, "deployment.apps/web scaled");
    let pause = plan_change(d, "default", "web", false, &Change::Pause).unwrap();
    assert_eq!(
        pause.body,
        PatchBody::Strategic(json!({"spec": {"paused": true}}))
    );
    assert_eq!(pause.done, "deployment.apps/web paused");
    assert_eq!(
        plan_change(d, "default", "web", true, &Change::Pause),
        Err(Outcome::Skipped(
            "deployments.apps \"web\" is already paused".into()
        ))
    );
    assert_eq!(
        plan_change(d, "default", "web", false, &Change::Resume),
        Err(Outcome::Skipped(
            "deployments.apps \"web\" is not paused".into()
        ))
    );
    assert_eq!(
        plan_change(d, "default", "web", true, &Change::Resume)
            .unwrap()
            .done,
        "deployment.apps/web resumed"
    );
    assert!(plan_change(
        Workload::DaemonSet,
        "kube-system",
        "kube-proxy",
        false,
        &Change::Scale {
            replicas: 2,
            seen: None
        }
    )
    .is_err());
    let sts = plan_change(
        Workload::StatefulSet,
        "default",
        "web",
        false,
        &Change::Restart { at },
    )
    .unwrap();
    assert_eq!(sts.done, "statefulset.apps/web restarted");
}

#[test]
fn unchanged_controller_revision_with_go_empties_still_matches() {
    // Go writes "creationTimestamp": null and "resources": {}; k8s-openapi drops both.
    let v = sts_view();
    let cr: &ControllerRevision = &v.revisions[1];
    assert!(super::history::revision_matches(
        cr,
        &super::history::revision_patch(&v.template)
    ));
}

#[test]
fn workload_rows_carry_columns_status_and_history_keys() {
    use super::rows::{history_from_revision_rows, RevisionDataRow, WorkloadRow};
    let v = view();
    let row = WorkloadRow::from_deployment(&v.deployment);
    assert_eq!(
        (row.desired, row.ready, row.up_to_date, row.available),
        (2, 2, 2, 2)
    );
    assert_eq!(&*row.images, "kicbase/echo-server:2.1");
    assert_eq!(
        &*row.status,
        "deployment \"hello-minikube\" successfully rolled out"
    );
    assert!(!row.progressing && !row.paused);

    let sts: StatefulSet = docs(STATEFULSET).remove(0);
    let owner = WorkloadRow::from_statefulset(&sts);
    let revisions: Vec<ControllerRevision> = docs(REVISIONS);
    let rows: Vec<RevisionDataRow> = revisions
        .iter()
        .map(RevisionDataRow::from_controller_revision)
        .collect();
    let history = history_from_revision_rows(&owner, &rows);
    let summary: Vec<(i64, bool)> = history.iter().map(|r| (r.revision, r.current)).collect();
    assert_eq!(
        summary,
        vec![(2, true), (1, false)],
        "Go-encoded data matches the typed template"
    );
    assert_eq!(
        history,
        revision_history(&sts_view().uid, &sts_view().template, &revisions)
    );
}
