#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulated cluster's API surface, judged by kubectl and by kube-rs.

mod common;
#[path = "sim_api/faults.rs"]
mod faults;
#[path = "sim_api/kube_rs.rs"]
mod kube_rs;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use common::{wait_for, TestCluster};

fn pod_yaml(name: &str, labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: web\n    image: nginx:1.27\n"
    )
}

#[test]
fn kubectl_discovers_and_lists_every_kind() {
    let c = TestCluster::empty();
    let Some(out) = c.kubectl_ok(&["get", "ns,no"]) else {
        return;
    };
    assert!(
        out.contains("namespace/default") && out.contains("Active"),
        "{out}"
    );
    assert!(
        out.contains("node/minikube") && out.contains("Ready"),
        "{out}"
    );
    c.kubectl_ok(&[
        "get",
        "ns,no,deploy,rs,svc,ep,sts,ds,ing,ev,cm,secret,sa,controllerrevisions",
        "-A",
    ]);
    let version = c.kubectl_ok(&["version"]).unwrap();
    assert!(version.contains("Server Version: v1.33"), "{version}");
    let wide = c.kubectl_ok(&["get", "nodes", "-o", "wide"]).unwrap();
    assert!(
        wide.contains("INTERNAL-IP") && wide.contains("CONTAINER-RUNTIME"),
        "{wide}"
    );
}

#[test]
fn kubectl_errors_read_like_a_real_cluster() {
    let c = TestCluster::empty();
    let Some(err) = c.kubectl_err(&["get", "pod", "nosuch"], "") else {
        return;
    };
    assert_eq!(
        err.trim(),
        r#"Error from server (NotFound): pods "nosuch" not found"#
    );

    let pod = pod_yaml("web", "app: web");
    c.kubectl_stdin_ok(&["create", "-f", "-"], &pod).unwrap();
    let err = c.kubectl_err(&["create", "-f", "-"], &pod).unwrap();
    assert!(
        err.contains(r#"Error from server (AlreadyExists): error when creating "STDIN": pods "web" already exists"#),
        "{err}"
    );

    let stale = c.kubectl_ok(&["get", "pod", "web", "-o", "yaml"]).unwrap();
    c.kubectl_ok(&["label", "pod", "web", "changed=yes"])
        .unwrap();
    let err = c.kubectl_err(&["replace", "-f", "-"], &stale).unwrap();
    assert!(
        err.contains(r#"Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again"#),
        "{err}"
    );

    let err = c
        .kubectl_err(&["create", "-f", "-"], &pod_yaml("Bad_Name", ""))
        .unwrap();
    assert!(
        err.contains(r#"The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name""#),
        "{err}"
    );
    let err = c
        .kubectl_err(&["get", "pods", "-l", "app in (a"], "")
        .unwrap();
    assert!(err.contains("unable to parse requirement"), "{err}");
}

#[test]
fn kubectl_label_annotate_patch_and_apply() {
    let c = TestCluster::empty();
    let Some(_) = c.kubectl_stdin_ok(&["create", "-f", "-"], &pod_yaml("web", "app: web")) else {
        return;
    };
    c.kubectl_ok(&["label", "pod", "web", "tier=front"])
        .unwrap();
    c.kubectl_ok(&["annotate", "pod", "web", "note=hello"])
        .unwrap();
    c.kubectl_ok(&[
        "patch",
        "pod",
        "web",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/metadata/labels/app","value":"web2"}]"#,
    ])
    .unwrap();
    c.kubectl_ok(&[
        "patch",
        "pod",
        "web",
        "--type=merge",
        "-p",
        r#"{"metadata":{"labels":{"merged":"1"}}}"#,
    ])
    .unwrap();
    c.kubectl_ok(&[
        "patch",
        "pod",
        "web",
        "--type=strategic",
        "-p",
        r#"{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}"#,
    ])
    .unwrap();
    let got = c
        .kubectl_ok(&[
            "get",
            "pod",
            "web",
            "-o",
            "jsonpath={.metadata.labels.app} {.metadata.labels.tier} {.metadata.labels.merged} {.metadata.annotations.note} {.spec.containers[0].image}",
        ])
        .unwrap();
    assert_eq!(got, "web2 front 1 hello nginx:2");
    c.kubectl_ok(&["label", "pod", "web", "tier-"]).unwrap();
    let labels = c
        .kubectl_ok(&["get", "pod", "web", "-o", "jsonpath={.metadata.labels}"])
        .unwrap();
    assert!(!labels.contains("tier"), "{labels}");

    // Client-side apply: create, then a three-way strategic merge patch.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n  b: \"2\"\n";
    let out = c.kubectl_stdin_ok(&["apply", "-f", "-"], cm).unwrap();
    assert!(out.contains("configmap/settings created"), "{out}");
    let cm2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"3\"\n";
    let out = c.kubectl_stdin_ok(&["apply", "-f", "-"], cm2).unwrap();
    assert!(out.contains("configmap/settings configured"), "{out}");
    let data = c
        .kubectl_ok(&["get", "cm", "settings", "-o", "jsonpath={.data}"])
        .unwrap();
    assert_eq!(data, r#"{"a":"3"}"#);
}

#[test]
fn kubectl_selects_and_pages() {
    let c = TestCluster::empty();
    let mut docs = String::new();
    for (name, labels) in [
        ("p1", "app: a, tier: front"),
        ("p2", "app: a"),
        ("p3", "app: b, tier: back"),
        ("p4", "app: b"),
        ("p5", "app: c"),
    ] {
        docs.push_str(&pod_yaml(name, labels));
        docs.push_str("---\n");
    }
    let Some(_) = c.kubectl_stdin_ok(&["create", "-f", "-"], &docs) else {
        return;
    };
    let names = |args: &[&str]| {
        let mut all = vec!["get", "pods", "-o", "name"];
        all.extend_from_slice(args);
        c.kubectl_ok(&all)
            .unwrap()
            .split_whitespace()
            .map(|s| s.trim_start_matches("pod/").to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(names(&["-l", "app=a"]), "p1,p2");
    assert_eq!(names(&["-l", "app!=a"]), "p3,p4,p5");
    assert_eq!(names(&["-l", "app in (b,c)"]), "p3,p4,p5");
    assert_eq!(names(&["-l", "app notin (b,c),tier"]), "p1");
    assert_eq!(names(&["-l", "!tier"]), "p2,p4,p5");
    assert_eq!(names(&["--field-selector", "metadata.name=p3"]), "p3");
    assert_eq!(
        names(&[
            "--field-selector",
            "metadata.namespace=default,metadata.name!=p1"
        ]),
        "p2,p3,p4,p5"
    );
    assert_eq!(names(&["--field-selector", "spec.nodeName=nosuch"]), "");

    // Pagination: kubectl follows the continue token page by page.
    let out = c
        .kubectl(&["get", "pods", "--chunk-size=2", "-v=6"])
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for p in ["p1", "p2", "p3", "p4", "p5"] {
        assert!(stdout.contains(p), "{stdout}");
    }
    assert_eq!(stderr.matches("continue=").count(), 2, "{stderr}");
    assert_eq!(stdout.matches("NAME").count(), 1, "{stdout}");
}

#[test]
fn kubectl_delete_collects_dependents() {
    let c = TestCluster::empty();
    let owner = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owner\n";
    let Some(_) = c.kubectl_stdin_ok(&["create", "-f", "-"], owner) else {
        return;
    };
    let uid = c
        .kubectl_ok(&["get", "cm", "owner", "-o", "jsonpath={.metadata.uid}"])
        .unwrap();
    let owned = |kind: &str, name: &str| {
        format!(
            "apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: {uid}\n"
        )
    };
    let dependents = format!(
        "{}---\n{}---\n{}",
        owned("ConfigMap", "child"),
        owned("Secret", "child-secret"),
        owned("ConfigMap", "orphan-me")
    );
    c.kubectl_stdin_ok(&["create", "-f", "-"], &dependents)
        .unwrap();
    c.kubectl_ok(&["delete", "cm", "owner"]).unwrap();
    let left = c.kubectl_ok(&["get", "cm,secret", "-o", "name"]).unwrap();
    assert!(!left.contains("child"), "{left}");
    assert!(!left.contains("orphan-me"), "{left}");

    // --cascade=orphan keeps the dependents and drops their owner reference.
    c.kubectl_stdin_ok(&["create", "-f", "-"], owner).unwrap();
    let uid2 = c
        .kubectl_ok(&["get", "cm", "owner", "-o", "jsonpath={.metadata.uid}"])
        .unwrap();
    c.kubectl_stdin_ok(
        &["create", "-f", "-"],
        &owned("ConfigMap", "kept").replace(&uid, &uid2),
    )
    .unwrap();
    c.kubectl_ok(&["delete", "cm", "owner", "--cascade=orphan"])
        .unwrap();
    let refs = c
        .kubectl_ok(&[
            "get",
            "cm",
            "kept",
            "-o",
            "jsonpath={.metadata.ownerReferences}",
        ])
        .unwrap();
    assert_eq!(refs, "");
}

#[test]
fn kubectl_get_watch_streams_changes() {
    let c = TestCluster::empty();
    let Some(_) = c.kubectl_stdin_ok(&["create", "-f", "-"], &pod_yaml("web", "app: web")) else {
        return;
    };
    let mut cmd = c.kubectl_command(&["get", "pods", "-w"]).unwrap();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let seen = seen.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                seen.lock().unwrap().push(line);
            }
        })
    };
    wait_for("the initial listing", 30, || {
        let s = seen.lock().unwrap();
        (s.iter().any(|l| l.starts_with("NAME")) && s.iter().any(|l| l.starts_with("web ")))
            .then_some(())
    });
    c.kubectl_stdin_ok(&["create", "-f", "-"], &pod_yaml("other", "app: other"))
        .unwrap();
    wait_for("the new pod in the watch output", 30, || {
        seen.lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("other "))
            .then_some(())
    });
    c.kubectl_ok(&["delete", "pod", "web", "--grace-period=0", "--force"]);
    wait_for("a second row for web (its deletion)", 30, || {
        (seen
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("web "))
            .count()
            >= 2)
            .then_some(())
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    let headers = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("NAME"))
        .count();
    assert_eq!(headers, 1, "{:?}", seen.lock().unwrap());
}

#[test]
fn kubectl_create_subcommands_send_protobuf_that_the_server_decodes() {
    let c = TestCluster::empty();
    let Some(out) = c.kubectl_ok(&[
        "create",
        "deployment",
        "hello",
        "--image=sebcontents/cozserver:1.0",
        "--replicas=2",
        "--port=8080",
    ]) else {
        return;
    };
    assert!(out.contains("deployment.apps/hello created"), "{out}");
    let spec = c
        .kubectl_ok(&[
            "get",
            "deploy",
            "hello",
            "-o",
            "jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}",
        ])
        .unwrap();
    assert_eq!(spec, "2 hello sebcontents/cozserver:1.0 8080");
    c.kubectl_ok(&["create", "namespace", "team-a"]).unwrap();
    c.kubectl_ok(&["create", "configmap", "cm1", "--from-literal=a=b"])
        .unwrap();
    c.kubectl_ok(&["create", "secret", "generic", "s1", "--from-literal=a=b"])
        .unwrap();
    c.kubectl_ok(&["create", "service", "nodeport", "svc1", "--tcp=80:8080"])
        .unwrap();
    c.kubectl_ok(&["create", "serviceaccount", "sa1"]).unwrap();
    let got = c
        .kubectl_ok(&[
            "get",
            "cm/cm1",
            "secret/s1",
            "svc/svc1",
            "-o",
            "jsonpath={.items[0].data.a} {.items[1].data.a} {.items[2].spec.ports[0].port}:{.items[2].spec.ports[0].targetPort}",
        ])
        .unwrap();
    assert_eq!(got, "b Yg== 80:8080");
    let ns = c
        .kubectl_ok(&["get", "ns", "team-a", "--no-headers"])
        .unwrap();
    assert!(ns.starts_with("team-a"), "{ns}");
}

#[test]
fn rkt_sim_serves_until_terminated() {
    let Some(kubectl) = common::kubectl_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rkt"))
        .args(["sim", "--port", "0", "--seed", "empty", "--timing", "fast"])
        .arg("--write-kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with("rkt sim: serving the Kubernetes API on http://127.0.0.1:"),
        "{first}"
    );
    let second = lines.next().unwrap().unwrap();
    assert!(second.contains("(context rkt-sim)"), "{second}");
    let out = std::process::Command::new(kubectl)
        .args(["get", "ns", "default", "-o", "name"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "namespace/default"
    );
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_for("rkt sim to exit", 30, || child.try_wait().unwrap());
    assert!(status.success(), "{status:?}");
}

#[test]
fn server_dry_runs_change_nothing() {
    let c = TestCluster::empty();
    let Some(_) = c.kubectl_stdin_ok(&["create", "-f", "-"], &pod_yaml("web", "app: web")) else {
        return;
    };
    // Let the simulated kubelet finish starting the pod, so only a dry run could change it.
    let ready = "jsonpath={.status.containerStatuses[0].ready}";
    wait_for("pod web to be ready", 30, || {
        (c.kubectl_ok(&["get", "pod", "web", "-o", ready]).unwrap() == "true").then_some(())
    });
    let before = c.kubectl_ok(&["get", "pod", "web", "-o", "json"]).unwrap();
    let out = c
        .kubectl_ok(&["create", "deployment", "x", "--image=y", "--dry-run=server"])
        .unwrap();
    assert!(out.contains("created (server dry run)"), "{out}");
    c.kubectl_ok(&["label", "pod", "web", "a=b", "--dry-run=server"])
        .unwrap();
    c.kubectl_ok(&["delete", "pod", "web", "--dry-run=server"])
        .unwrap();
    let err = c.kubectl_err(&["get", "deployment", "x"], "").unwrap();
    assert!(err.contains("NotFound"), "{err}");
    let after = c.kubectl_ok(&["get", "pod", "web", "-o", "json"]).unwrap();
    assert_eq!(before, after);
    assert_eq!(c.kubectl_ok(&["get", "--raw", "/readyz"]).unwrap(), "ok");
}
