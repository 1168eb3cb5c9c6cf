#![allow(clippy::unwrap_used, clippy::expect_used)]
//! rkt's rollout code against the simulated cluster, judged by kubectl: a Deployment rolled
//! back by rkt must end up exactly like its twin rolled back by `kubectl rollout undo`.

mod common;

use common::wait_for;
use rkt::cluster::rollout::api::{self, execute_rollback, plan_rollback};
use rkt::model::rollout::plan::Change;
use rkt::model::rollout::{deployment_history, Outcome, RollbackPlan, Workload};
use serde_json::Value;

const IMAGE: &str = "kicbase/echo-server";

/// The shared harness, with this file's helpers on top.
struct Harness(common::ApiHarness);

impl std::ops::Deref for Harness {
    type Target = common::ApiHarness;
    fn deref(&self) -> &common::ApiHarness {
        &self.0
    }
}

impl Harness {
    fn start() -> Option<Harness> {
        common::ApiHarness::start().map(Harness)
    }

    /// kubectl's exit status, stdout and stderr, for commands expected to fail.
    fn kubectl_any(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.cluster.kubectl(args).expect("kubectl present");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn deployment(&self, name: &str) -> Value {
        serde_json::from_str(&self.kubectl(&["get", "deployment", name, "-o", "json"])).unwrap()
    }

    /// Waits until the controller has observed the last change and the rollout is done.
    fn settle(&self, name: &str) {
        self.kubectl(&[
            "rollout",
            "status",
            &format!("deployment/{name}"),
            "--timeout=60s",
        ]);
    }

    /// Creates `name` and takes it through revisions 1..=3, each with a change-cause.
    fn deployment_with_history(&self, name: &str) {
        self.kubectl(&[
            "create",
            "deployment",
            name,
            &format!("--image={IMAGE}:1.0"),
            "--replicas=2",
        ]);
        self.settle(name);
        self.change_cause(name, "create 1.0");
        for version in ["2.0", "3.0"] {
            self.kubectl(&[
                "set",
                "image",
                &format!("deployment/{name}"),
                &format!("echo-server={IMAGE}:{version}"),
            ]);
            self.settle(name);
            self.change_cause(name, &format!("upgrade to {version}"));
        }
    }

    fn change_cause(&self, name: &str, cause: &str) {
        self.kubectl(&[
            "annotate",
            &format!("deployment/{name}"),
            &format!("kubernetes.io/change-cause={cause}"),
            "--overwrite",
        ]);
    }

    /// `kubectl rollout history` rows (REVISION, CHANGE-CAUSE), header dropped.
    fn history(&self, name: &str) -> Vec<String> {
        let out = self.kubectl(&["rollout", "history", &format!("deployment/{name}")]);
        out.lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Waits until the history's change-causes are all recorded on the ReplicaSets.
    fn wait_history(&self, name: &str, expected: &[&str]) {
        wait_for(&format!("history of {name} to be {expected:?}"), 30, || {
            (self.history(name) == expected).then_some(())
        });
    }

    fn rkt_rollback(&self, name: &str, to: i64) -> Outcome {
        self.rt.block_on(api::rollback(
            &self.client,
            Workload::Deployment,
            "default",
            name,
            to,
        ))
    }
}

/// Removes `null` members: kubectl's patch carries Go's `"creationTimestamp": null`, which
/// means the same as no field at all.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// A Deployment's pod template and annotations with its name replaced, so twins compare.
fn comparable(deployment: &Value, name: &str) -> (String, String) {
    let template = without_nulls(&deployment["spec"]["template"])
        .to_string()
        .replace(name, "TWIN");
    let mut annotations = deployment["metadata"]["annotations"].clone();
    if let Some(map) = annotations.as_object_mut() {
        map.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    (template, annotations.to_string().replace(name, "TWIN"))
}

#[test]
fn twin_rolled_back_by_rkt_and_by_kubectl_end_up_identical() {
    let Some(h) = Harness::start() else { return };
    for twin in ["twin-rkt", "twin-kubectl"] {
        h.deployment_with_history(twin);
        h.wait_history(
            twin,
            &["1 create 1.0", "2 upgrade to 2.0", "3 upgrade to 3.0"],
        );
    }

    // First rollback: to revision 1, which the controller renumbers to 4.
    let outcome = h.rkt_rollback("twin-rkt", 1);
    assert_eq!(
        outcome,
        Outcome::RolledBack {
            to: 1,
            message: "deployment.apps/twin-rkt rolled back".into()
        }
    );
    let out = h.kubectl(&[
        "rollout",
        "undo",
        "deployment/twin-kubectl",
        "--to-revision=1",
    ]);
    assert!(
        out.contains("deployment.apps/twin-kubectl rolled back"),
        "{out}"
    );
    for twin in ["twin-rkt", "twin-kubectl"] {
        h.settle(twin);
        h.wait_history(
            twin,
            &["2 upgrade to 2.0", "3 upgrade to 3.0", "4 create 1.0"],
        );
    }

    // Second rollback: to revision 2, renumbered to 5.
    assert!(matches!(
        h.rkt_rollback("twin-rkt", 2),
        Outcome::RolledBack { to: 2, .. }
    ));
    h.kubectl(&[
        "rollout",
        "undo",
        "deployment/twin-kubectl",
        "--to-revision=2",
    ]);
    for twin in ["twin-rkt", "twin-kubectl"] {
        h.settle(twin);
        h.wait_history(
            twin,
            &["3 upgrade to 3.0", "4 create 1.0", "5 upgrade to 2.0"],
        );
    }
    assert_eq!(h.history("twin-rkt"), h.history("twin-kubectl"));
    let (a, b) = (h.deployment("twin-rkt"), h.deployment("twin-kubectl"));
    assert_eq!(comparable(&a, "twin-rkt"), comparable(&b, "twin-kubectl"));
    assert_eq!(
        a["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("{IMAGE}:2.0")
    );

    // rkt's own history view agrees with kubectl's, and marks the current revision.
    let view =
        h.rt.block_on(api::fetch_deployment_view(&h.client, "default", "twin-rkt"))
            .unwrap();
    let rows = deployment_history(&view.deployment, &view.replica_sets);
    let ours: Vec<String> = rows
        .iter()
        .rev()
        .map(|r| format!("{} {}", r.revision, r.change_cause_text()))
        .collect();
    assert_eq!(ours, h.history("twin-kubectl"));
    assert!(rows[0].current && rows[0].revision == 5);
    assert_eq!(rows[0].former, vec![2]);
}

#[test]
fn paused_deployment_is_refused_like_kubectl_and_no_op_is_skipped() {
    let Some(h) = Harness::start() else { return };
    h.deployment_with_history("paused");
    h.kubectl(&["rollout", "pause", "deployment/paused"]);
    let before = h.deployment("paused");
    let outcome = h.rkt_rollback("paused", 1);
    let (ok, _, stderr) =
        h.kubectl_any(&["rollout", "undo", "deployment/paused", "--to-revision=1"]);
    assert!(!ok, "kubectl refuses too");
    match &outcome {
        Outcome::Refused(msg) => assert!(
            stderr.contains(msg.as_str()),
            "rkt: {msg}\nkubectl: {stderr}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        h.deployment("paused")["spec"]["template"],
        before["spec"]["template"]
    );

    // Pause and resume through rkt; a second resume is skipped like kubectl's "is not paused".
    let resumed = h.rt.block_on(api::change(
        &h.client,
        Workload::Deployment,
        "default",
        "paused",
        Change::Resume,
        None,
    ));
    assert_eq!(
        resumed,
        Outcome::Done("deployment.apps/paused resumed".into())
    );
    let again = h.rt.block_on(api::change(
        &h.client,
        Workload::Deployment,
        "default",
        "paused",
        Change::Resume,
        None,
    ));
    assert_eq!(
        again,
        Outcome::Skipped("deployments.apps \"paused\" is not paused".into())
    );
    h.settle("paused");

    // The current template is revision 3: nothing to do, in kubectl's words.
    let skipped = h.rkt_rollback("paused", 3);
    let out = h.kubectl(&["rollout", "undo", "deployment/paused", "--to-revision=3"]);
    match &skipped {
        Outcome::Skipped(msg) => assert!(out.contains(msg.as_str()), "rkt: {msg}\nkubectl: {out}"),
        other => panic!("expected a skip, got {other:?}"),
    }
    h.wait_history(
        "paused",
        &["1 create 1.0", "2 upgrade to 2.0", "3 upgrade to 3.0"],
    );

    let missing = h.rkt_rollback("paused", 9);
    let (_, _, stderr) =
        h.kubectl_any(&["rollout", "undo", "deployment/paused", "--to-revision=9"]);
    assert!(
        stderr.contains(missing.message()),
        "rkt: {missing:?}\nkubectl: {stderr}"
    );
}

#[test]
fn change_between_view_and_confirm_is_a_conflict_and_survives() {
    let Some(h) = Harness::start() else { return };
    h.deployment_with_history("raced");
    h.wait_history(
        "raced",
        &["1 create 1.0", "2 upgrade to 2.0", "3 upgrade to 3.0"],
    );

    // The user opens the rollback dialog (the plan is made from what they see) …
    let plan =
        h.rt.block_on(plan_rollback(
            &h.client,
            Workload::Deployment,
            "default",
            "raced",
            1,
        ))
        .unwrap();
    assert!(matches!(plan, RollbackPlan::Patch(_)));
    // … someone else deploys meanwhile …
    h.kubectl(&[
        "set",
        "image",
        "deployment/raced",
        &format!("echo-server={IMAGE}:4.0"),
    ]);
    // … and the user confirms: rkt must not overwrite that change.
    let outcome = h.rt.block_on(execute_rollback(&h.client, plan));
    assert!(matches!(outcome, Outcome::Conflict(_)), "{outcome:?}");
    assert!(
        outcome.message().contains("changed since you looked"),
        "{outcome:?}"
    );
    let d = h.deployment("raced");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("{IMAGE}:4.0")
    );
    h.settle("raced");
    h.wait_history(
        "raced",
        &[
            "1 create 1.0",
            "2 upgrade to 2.0",
            "3 upgrade to 3.0",
            "4 upgrade to 3.0",
        ],
    );
}

#[test]
fn restart_and_scale_like_kubectl() {
    let Some(h) = Harness::start() else { return };
    h.kubectl(&[
        "create",
        "deployment",
        "web",
        &format!("--image={IMAGE}:1.0"),
        "--replicas=1",
    ]);
    h.settle("web");
    let restarted = h.rt.block_on(api::change(
        &h.client,
        Workload::Deployment,
        "default",
        "web",
        Change::Restart {
            at: jiff::Timestamp::now(),
        },
        None,
    ));
    assert_eq!(
        restarted,
        Outcome::Done("deployment.apps/web restarted".into())
    );
    let d = h.deployment("web");
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string()
    );
    h.settle("web");

    let scaled = h.rt.block_on(api::change(
        &h.client,
        Workload::Deployment,
        "default",
        "web",
        Change::Scale {
            replicas: 3,
            seen: Some(1),
        },
        None,
    ));
    assert_eq!(scaled, Outcome::Done("deployment.apps/web scaled".into()));
    assert_eq!(h.deployment("web")["spec"]["replicas"], 3);
    // Scaling from a stale view (the user saw 1, it is 3 now) is a conflict.
    let stale = h.rt.block_on(api::change(
        &h.client,
        Workload::Deployment,
        "default",
        "web",
        Change::Scale {
            replicas: 2,
            seen: Some(1),
        },
        None,
    ));
    assert!(matches!(stale, Outcome::Conflict(_)), "{stale:?}");
    assert_eq!(h.deployment("web")["spec"]["replicas"], 3);
}

/// The screen line that contains every one of `parts`, if any.
fn line_with<'a>(screen: &'a str, parts: &[&str]) -> Option<&'a str> {
    screen.lines().find(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn e2e_history_and_rollback_by_keys_then_kubectl_agrees() {
    let Some(h) = Harness::start() else { return };
    let before = h.history("hello-minikube");
    assert_eq!(
        before.len(),
        3,
        "the demo seeds three revisions: {before:?}"
    );
    let kubeconfig = common::pty::path_arg(h.cluster.kubeconfig()).to_string();
    let mut app = common::pty::PtyApp::spawn(
        &["--kubeconfig", &kubeconfig, "-n", "default"],
        &[],
        160,
        45,
    );
    app.wait_for_text("hello-minikube");
    app.send(":deploy\r");
    app.wait_until("the deployments view", |s| {
        s.contains("Deployments(default)")
            && line_with(s, &["hello-minikube", "cozserver:3.0"]).is_some()
    });

    // History of hello-minikube (the first row): three revisions, change-causes, current marked.
    app.send("h");
    let screen = app.wait_until("the history with three revisions", |s| {
        s.contains("History deployment.apps/hello-minikube[3]")
    });
    assert!(
        line_with(&screen, &["* 3", "kubectl set image"]).is_some(),
        "{screen}"
    );
    assert!(
        line_with(
            &screen,
            &["  1", "kubectl create deployment hello-minikube"]
        )
        .is_some(),
        "{screen}"
    );

    // Roll back to revision 1: the dialog names it and its image change; y confirms.
    app.send("G");
    app.send("u");
    // Waits for the diff line too: a screen caught mid-frame can hold half a dialog.
    app.wait_until("the rollback question with its image change", |s| {
        s.contains("to revision 1?")
            && line_with(s, &["image", "cozserver:3.0 → ", "cozserver:1.0"]).is_some()
    });
    app.send("y");
    app.wait_for_text("deployment.apps/hello-minikube rolled back");
    // Revision 1's ReplicaSet is now the newest revision, 4; the view shows the old image.
    let screen = app.wait_until(
        "revision 4 on top and the image in the deployments view",
        |s| {
            line_with(s, &["* 4", "kubectl create deployment", "was 1"]).is_some()
                && line_with(s, &["hello-minikube", "cozserver:1.0"]).is_some()
                && !s.contains("cozserver:3.0 → ")
        },
    );
    assert!(
        line_with(&screen, &["  1 ", "kubectl create deployment"]).is_none(),
        "{screen}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    // kubectl sees the same: revisions 2, 3, 4 with 4 = revision 1's change-cause.
    let after = h.history("hello-minikube");
    let cause_of_1 = before[0]
        .split_once(' ')
        .map(|(_, c)| c.to_string())
        .unwrap();
    assert_eq!(after.len(), 3, "{after:?}");
    assert_eq!(after[2], format!("4 {cause_of_1}"));
    assert!(
        after[0].starts_with("2 ") && after[1].starts_with("3 "),
        "{after:?}"
    );
    let image =
        &h.deployment("hello-minikube")["spec"]["template"]["spec"]["containers"][0]["image"];
    assert!(image.as_str().unwrap().ends_with(":1.0"), "{image}");
}

#[test]
fn statefulset_and_daemonset_rollback_like_kubectl() {
    let Some(h) = Harness::start() else { return };
    let revisions = |args: &[&str]| -> Vec<String> {
        let out = h.kubectl(args);
        out.lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect()
    };
    // The demo's StatefulSet web has revisions 1 and 2; rkt rolls it back to 1.
    assert_eq!(
        revisions(&["rollout", "history", "statefulset/web"]),
        ["1", "2"]
    );
    let outcome = h.rt.block_on(api::rollback(
        &h.client,
        Workload::StatefulSet,
        "default",
        "web",
        1,
    ));
    assert_eq!(
        outcome,
        Outcome::RolledBack {
            to: 1,
            message: "statefulset.apps/web rolled back".into()
        }
    );
    h.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    wait_for("revision 1 to come back as 3", 60, || {
        (revisions(&["rollout", "history", "statefulset/web"]) == ["2", "3"]).then_some(())
    });
    // Now at revision 3: rkt and kubectl both skip a rollback to it.
    let skipped = h.rt.block_on(api::rollback(
        &h.client,
        Workload::StatefulSet,
        "default",
        "web",
        3,
    ));
    let out = h.kubectl(&["rollout", "undo", "statefulset/web", "--to-revision=3"]);
    assert!(
        out.contains(skipped.message()),
        "rkt: {skipped:?}\nkubectl: {out}"
    );
    let view =
        h.rt.block_on(api::fetch_revisioned_view(
            &h.client,
            Workload::StatefulSet,
            "default",
            "web",
        ))
        .unwrap();
    let rows = rkt::model::rollout::revision_history(&view.uid, &view.template, &view.revisions);
    let ours: Vec<(i64, bool)> = rows.iter().map(|r| (r.revision, r.current)).collect();
    assert_eq!(ours, [(3, true), (2, false)]);

    // DaemonSet kube-proxy: a new image is revision 2; rkt brings revision 1 back as 3.
    let ns = ["-n", "kube-system"];
    let with_ns = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(ns.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: &[&str]| {
        let owned = with_ns(args);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        h.kubectl(&refs)
    };
    run(&[
        "set",
        "image",
        "daemonset/kube-proxy",
        "kube-proxy=registry.k8s.io/kube-proxy:v1.33.2",
    ]);
    run(&["rollout", "status", "daemonset/kube-proxy", "--timeout=60s"]);
    let outcome = h.rt.block_on(api::rollback(
        &h.client,
        Workload::DaemonSet,
        "kube-system",
        "kube-proxy",
        1,
    ));
    assert!(
        matches!(outcome, Outcome::RolledBack { to: 1, .. }),
        "{outcome:?}"
    );
    wait_for("kube-proxy revision 1 back as 3", 60, || {
        let out = run(&["rollout", "history", "daemonset/kube-proxy"]);
        let revs: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        (revs == ["2", "3"]).then_some(())
    });
    let image = run(&[
        "get",
        "daemonset/kube-proxy",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    assert_eq!(image, "registry.k8s.io/kube-proxy:v1.33.1");
}
