#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Helm release records, checked with tools that are not rkt: the demo's records and the
//! ones rkt writes are decoded with `base64 -d` and `gzip -d` (Helm 3's storage format:
//! base64 of gzip of the release JSON, inside the Secret's own base64) and their fields
//! and labels compared with what Helm 3 reads. Rollback and uninstall run through
//! `cluster::helm` against the simulated cluster, checked with kubectl.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::TestCluster;
use rkt::model::helm::effects::{HelmEffect, HelmMsg};
use rkt::model::helm::ReleaseRef;
use serde_json::Value;

/// `printf %s INPUT | PROGRAM ARGS`, the output bytes.
fn pipe(program: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} {args:?} failed");
    out.stdout
}

/// The release in a record as the API returns it, decoded with base64(1) and gzip(1).
fn decode_independently(secret: &Value) -> Value {
    let wire = secret["data"]["release"].as_str().expect("data.release");
    let helm_text = pipe("base64", &["-d"], wire.as_bytes());
    let gzipped = pipe("base64", &["-d"], &helm_text);
    assert_eq!(&gzipped[..2], &[0x1f, 0x8b], "gzip magic");
    let json = pipe("gzip", &["-d", "-c"], &gzipped);
    serde_json::from_slice(&json).expect("release JSON")
}

fn records(cluster: &TestCluster) -> Vec<(Value, Value)> {
    let text = cluster
        .kubectl_ok(&[
            "get",
            "secret",
            "-n",
            "default",
            "-l",
            "owner=helm",
            "-o",
            "json",
        ])
        .expect("kubectl");
    let list: Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<(Value, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s.clone(), decode_independently(s)))
        .collect();
    out.sort_by_key(|(_, r)| r["version"].as_i64());
    out
}

/// The fields `helm list`, `history`, `get` and `rollback` read, and the record's labels.
fn check_record(secret: &Value, rel: &Value, version: i64, status: &str) {
    let name = format!("sh.helm.release.v1.my-nginx.v{version}");
    assert_eq!(secret["metadata"]["name"], name.as_str());
    assert_eq!(secret["type"], "helm.sh/release.v1");
    let labels = &secret["metadata"]["labels"];
    assert_eq!(labels["owner"], "helm");
    assert_eq!(labels["name"], "my-nginx");
    assert_eq!(labels["status"], status);
    assert_eq!(labels["version"], version.to_string().as_str());
    assert!(
        labels["createdAt"].is_string() || labels["modifiedAt"].is_string(),
        "{labels}"
    );
    assert_eq!(rel["name"], "my-nginx");
    assert_eq!(rel["namespace"], "default");
    assert_eq!(rel["version"], version);
    assert_eq!(rel["info"]["status"], status);
    for time in ["first_deployed", "last_deployed"] {
        let t = rel["info"][time].as_str().unwrap_or_default();
        assert!(t.parse::<jiff::Timestamp>().is_ok(), "{time}: {t:?}");
    }
    assert!(rel["info"]["description"].is_string());
    let meta = &rel["chart"]["metadata"];
    assert_eq!(meta["name"], "nginx");
    assert_eq!(meta["apiVersion"], "v2");
    assert!(meta["version"].is_string() && meta["appVersion"].is_string());
    assert!(rel["config"].is_object());
    assert!(rel["manifest"]
        .as_str()
        .unwrap()
        .contains("# Source: nginx/templates/deployment.yaml"));
}

/// The Deployment of a release's manifest.
fn manifest_deployment(rel: &Value) -> Value {
    let text = rel["manifest"].as_str().unwrap();
    serde_yaml::Deserializer::from_str(text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .find(|d: &Value| d["kind"] == "Deployment")
        .expect("a Deployment in the manifest")
}

/// What of the live Deployment the manifest decides: replicas, image, pod labels.
fn deployed_shape(cluster: &TestCluster) -> (i64, String, Value) {
    let live: Value = serde_json::from_str(
        &cluster
            .kubectl_ok(&["get", "deploy", "my-nginx", "-o", "json"])
            .unwrap(),
    )
    .unwrap();
    shape(&live)
}

fn shape(d: &Value) -> (i64, String, Value) {
    (
        d["spec"]["replicas"].as_i64().unwrap(),
        d["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_string(),
        d["spec"]["template"]["metadata"]["labels"].clone(),
    )
}

fn run(cluster: &TestCluster, effect: HelmEffect) -> HelmMsg {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = common::kube_client(cluster.kubeconfig()).await;
        rkt::cluster::helm::run(&client, effect).await
    })
}

fn release() -> ReleaseRef {
    ReleaseRef::new("default", "my-nginx")
}

#[test]
fn the_demo_release_is_stored_as_helm_3_stores_it_and_its_objects_match_the_deployed_revision() {
    let cluster = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    let all = records(&cluster);
    assert_eq!(all.len(), 3);
    for (i, (secret, rel)) in all.iter().enumerate() {
        let status = if i == 2 { "deployed" } else { "superseded" };
        check_record(secret, rel, i as i64 + 1, status);
    }
    assert_eq!(all[0].1["info"]["description"], "Install complete");
    assert_eq!(all[2].1["info"]["description"], "Upgrade complete");
    // Each upgrade changed something the manifest shows.
    let shapes: Vec<_> = all
        .iter()
        .map(|(_, r)| shape(&manifest_deployment(r)))
        .collect();
    assert_ne!(shapes[0], shapes[1]);
    assert_ne!(shapes[1], shapes[2]);
    assert_eq!(deployed_shape(&cluster), shapes[2]);
    let listed = cluster
        .kubectl_ok(&["get", "secret", "-A", "-l", "owner=helm", "-o", "name"])
        .unwrap();
    assert_eq!(listed.lines().count(), 3, "{listed}");
}

#[test]
fn rollback_writes_a_new_revision_helm_can_read_and_brings_the_objects_back() {
    let cluster = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    let HelmMsg::Planned { plan: Ok(plan), .. } = run(
        &cluster,
        HelmEffect::PlanRollback {
            release: release(),
            revision: 1,
        },
    ) else {
        panic!("no plan")
    };
    assert_eq!((plan.to, plan.latest), (1, 3));
    assert!(plan
        .diff
        .iter()
        .any(|l| l.starts_with("+ ") && l.contains("replicas: 2")));

    // A plan made before another revision appeared is refused, and changes nothing.
    let stale = rkt::model::helm::effects::RollbackPlan {
        latest: 2,
        ..plan.clone()
    };
    let HelmMsg::Done {
        result: Err(why), ..
    } = run(&cluster, HelmEffect::Rollback(Box::new(stale)))
    else {
        panic!("a stale plan must be refused")
    };
    assert!(why.contains("changed since"), "{why}");
    assert_eq!(records(&cluster).len(), 3);

    let HelmMsg::Done { result, .. } = run(&cluster, HelmEffect::Rollback(Box::new(plan))) else {
        panic!("no answer")
    };
    result.expect("rolled back");
    let all = records(&cluster);
    assert_eq!(all.len(), 4);
    for (i, (secret, rel)) in all.iter().enumerate() {
        let status = if i == 3 { "deployed" } else { "superseded" };
        check_record(secret, rel, i as i64 + 1, status);
    }
    let (v1, v3, v4) = (&all[0].1, &all[2].1, &all[3].1);
    assert_eq!(v4["info"]["description"], "Rollback to 1");
    assert_eq!(v4["config"], v1["config"]);
    assert_eq!(v4["manifest"], v1["manifest"]);
    assert_eq!(v4["chart"], v1["chart"]);
    assert_eq!(v4["info"]["first_deployed"], v3["info"]["first_deployed"]);
    assert_ne!(v4["info"]["last_deployed"], v3["info"]["last_deployed"]);
    assert!(all[3].0["metadata"]["labels"]["modifiedAt"].is_string());
    // The cluster has revision 1's objects: replicas, image and the pod label it had.
    let want = shape(&manifest_deployment(v1));
    common::wait_for("the Deployment at revision 1", 10, || {
        (deployed_shape(&cluster) == want).then_some(())
    });
    // The merge patch replaced the containers list; the server defaulted the new items, as
    // a real API server defaults every write.
    let policy = cluster
        .kubectl_ok(&[
            "get",
            "deploy",
            "my-nginx",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].terminationMessagePolicy}",
        ])
        .unwrap();
    assert_eq!(policy, "File");
}

#[test]
fn uninstall_deletes_the_objects_but_kept_ones_and_every_record() {
    let cluster = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    cluster
        .kubectl_ok(&[
            "annotate",
            "svc",
            "my-nginx",
            "helm.sh/resource-policy=keep",
        ])
        .unwrap();
    let HelmMsg::Done { result, .. } = run(
        &cluster,
        HelmEffect::Uninstall {
            release: release(),
            latest: 3,
        },
    ) else {
        panic!("no answer")
    };
    let text = result.expect("uninstalled");
    assert!(
        text.contains("kept by resource policy: service default/my-nginx"),
        "{text}"
    );
    assert!(records(&cluster).is_empty());
    assert!(cluster.kubectl_ok(&["get", "svc", "my-nginx"]).is_some());
    let gone = cluster.kubectl(&["get", "deploy", "my-nginx"]).unwrap();
    assert!(!gone.status.success(), "the Deployment is deleted");
}

/// The issue's walk, by keys in the real binary: `:helm`, `h`, roll back to revision 1;
/// then the Deployment is revision 1's, the history shows revision 4 "Rollback to 1", and
/// the audit log has the rollback.
#[test]
fn by_keys_helm_history_roll_back_to_revision_1() {
    use common::pty::{path_arg, PtyApp};
    let cluster = TestCluster::demo();
    if common::kubectl_path().is_none() {
        return;
    }
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let state = tempfile::tempdir().unwrap();
    let state_home = path_arg(state.path()).to_owned();
    let mut app = PtyApp::spawn(
        &["--kubeconfig", &kc],
        &[("XDG_STATE_HOME", &state_home)],
        160,
        45,
    );
    app.wait_for_text("ns 4");
    app.send(":helm\r");
    app.wait_until("the release listed", |s| {
        s.contains("Helm(default)")
            && s.lines()
                .any(|l| l.contains("my-nginx") && l.contains(" 3 ") && l.contains("deployed"))
    });
    app.send("h");
    app.wait_until("its three revisions", |s| {
        s.contains("History my-nginx(default)[3]")
            && s.lines().any(|l| l.contains("Install complete"))
    });
    app.send("G");
    app.send("u");
    let dialog = app.wait_until("the rollback question with its diff", |s| {
        s.contains("Roll back my-nginx to revision 1 (as revision 4)?") && s.contains("roll back")
    });
    for fact in [
        "rkt-sim",
        "namespace default",
        "helm release",
        "+   replicas: 2",
    ] {
        assert!(dialog.contains(fact), "{fact:?} missing:\n{dialog}");
    }
    app.send("y");
    app.wait_until("revision 4 deployed, Rollback to 1", |s| {
        s.lines().any(|l| {
            // The main pane's part of the row: the namespaces pane is left of it.
            l.split("││").nth(1).is_some_and(|m| m.starts_with("4 "))
                && l.contains("deployed")
                && l.contains("Rollback to 1")
        })
    });
    let all = records(&cluster);
    assert_eq!(all.len(), 4);
    let want = shape(&manifest_deployment(&all[0].1));
    common::wait_for("the Deployment at revision 1", 10, || {
        (deployed_shape(&cluster) == want).then_some(())
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);

    let log = std::fs::read_to_string(state.path().join("rkt/audit.log")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert_eq!(lines[0]["verb"], "rollback");
    assert_eq!(lines[0]["object"]["kind"], "HelmRelease");
    assert_eq!(lines[0]["object"]["name"], "my-nginx");
    assert_eq!(lines[0]["result"], "ok");
}
