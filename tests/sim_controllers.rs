#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulated cluster's controllers as kubectl sees them: pods that come up, the
//! Deployment lifecycle (scale, set image, rollout status/history/undo, delete),
//! StatefulSet history and undo, bad images and failing liveness probes.

mod common;

use common::{wait_for, TestCluster};
use rkt_sim::{Seed, SimConfig, Timing};

fn cluster(seed: Seed) -> TestCluster {
    TestCluster::start(SimConfig {
        seed,
        timing: Timing::fast(),
        ..SimConfig::demo()
    })
}

/// kubectl's stdout, or `None` on failure (for polling).
fn try_kubectl(c: &TestCluster, args: &[&str]) -> Option<String> {
    let out = c.kubectl(args)?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Rows of `kubectl get … --no-headers` split into columns.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect()
}

/// `kubectl create deployment ARGS` (kubectl sends it as protobuf).
fn create_deployment(c: &TestCluster, args: &[&str]) -> Option<String> {
    let mut full = vec!["create", "deployment"];
    full.extend_from_slice(args);
    c.kubectl_ok(&full)
}

#[test]
fn demo_cluster_shows_kube_system_running() {
    let c = cluster(Seed::Demo);
    let Some(_) = c.kubectl_ok(&["version"]) else {
        return;
    };
    let out = wait_for("kube-system pods Running", 30, || {
        let out = try_kubectl(&c, &["get", "pods", "-A", "--no-headers"])?;
        let system: Vec<Vec<String>> = rows(&out)
            .into_iter()
            .filter(|r| r[0] == "kube-system")
            .collect();
        (system.len() >= 7 && system.iter().all(|r| r[3] == "Running" && r[2] == "1/1"))
            .then_some(out)
    });
    for prefix in [
        "coredns-",
        "etcd-minikube",
        "kube-apiserver-minikube",
        "kube-controller-manager-minikube",
        "kube-proxy-",
        "kube-scheduler-minikube",
        "storage-provisioner",
    ] {
        assert!(
            out.contains(&format!(" {prefix}")),
            "{prefix} missing:\n{out}"
        );
    }
    let history = c
        .kubectl_ok(&["rollout", "history", "deployment/hello-minikube"])
        .unwrap();
    for line in ["1 ", "2 ", "3 ", "cozserver=sebcontents/cozserver:3.0"] {
        assert!(history.contains(line), "{line} not in\n{history}");
    }
    // The stuck rollout: past its deadline, the old revision still serving.
    let stuck = c
        .kubectl(&[
            "rollout",
            "status",
            "deployment/web-frontend",
            "--timeout=30s",
        ])
        .unwrap();
    let stderr = String::from_utf8_lossy(&stuck.stderr);
    assert!(
        !stuck.status.success() && stderr.contains("exceeded its progress deadline"),
        "{stderr}"
    );
    let frontend = c
        .kubectl_ok(&["get", "deploy", "web-frontend", "--no-headers"])
        .unwrap();
    assert_eq!(rows(&frontend)[0][1], "3/3", "{frontend}");
    let ds = c
        .kubectl_ok(&[
            "rollout",
            "history",
            "daemonset/kube-proxy",
            "-n",
            "kube-system",
        ])
        .unwrap();
    assert!(ds.lines().any(|l| l.starts_with("1 ")), "{ds}");
    let svc = c
        .kubectl_ok(&["get", "svc", "hello-minikube", "--no-headers"])
        .unwrap();
    assert!(svc.contains("NodePort") && svc.contains("8080:3"), "{svc}");
    let all = c
        .kubectl_ok(&["get", "ns,no,deploy,rs,svc,ep,sts,ds,ing,ev", "-A"])
        .unwrap();
    for needle in [
        "kube-node-lease",
        "minikube",
        "hello-minikube",
        "web",
        "kube-proxy",
    ] {
        assert!(all.contains(needle), "{needle} missing");
    }
}

#[test]
fn deployment_lifecycle_with_kubectl() {
    let c = cluster(Seed::Empty);
    let Some(_) = create_deployment(&c, &["hello", "--image=sebcontents/cozserver:1.0"]) else {
        return;
    };
    c.kubectl_ok(&[
        "expose",
        "deployment",
        "hello",
        "--type=NodePort",
        "--port=8080",
    ])
    .unwrap();
    wait_for("a Running pod", 30, || {
        let out = try_kubectl(&c, &["get", "pods", "-l", "app=hello", "--no-headers"])?;
        let r = rows(&out);
        (r.len() == 1 && r[0][1] == "1/1" && r[0][2] == "Running").then_some(())
    });
    let rs = c.kubectl_ok(&["get", "rs", "--no-headers"]).unwrap();
    assert!(rows(&rs)[0][0].starts_with("hello-"), "{rs}");
    let svc = c
        .kubectl_ok(&[
            "get",
            "svc",
            "hello",
            "-o",
            "jsonpath={.spec.ports[0].nodePort}",
        ])
        .unwrap();
    assert!(
        (30000..=32767).contains(&svc.parse::<i64>().unwrap()),
        "{svc}"
    );
    wait_for("endpoints", 30, || {
        let ep = try_kubectl(&c, &["get", "ep", "hello", "--no-headers"])?;
        ep.contains(":8080").then_some(())
    });

    c.kubectl_ok(&["scale", "deployment", "hello", "--replicas=3"])
        .unwrap();
    let status = c
        .kubectl_ok(&["rollout", "status", "deployment/hello", "--timeout=60s"])
        .unwrap();
    assert!(status.contains("successfully rolled out"), "{status}");
    let ready = c
        .kubectl_ok(&["get", "deploy", "hello", "--no-headers"])
        .unwrap();
    assert_eq!(rows(&ready)[0][1], "3/3", "{ready}");

    c.kubectl_ok(&[
        "set",
        "image",
        "deployment/hello",
        "cozserver=sebcontents/cozserver:2.0",
    ])
    .unwrap();
    c.kubectl_ok(&[
        "annotate",
        "deployment/hello",
        "kubernetes.io/change-cause=image 2.0",
    ])
    .unwrap();
    let status = c
        .kubectl_ok(&["rollout", "status", "deployment/hello", "--timeout=60s"])
        .unwrap();
    assert!(status.contains("successfully rolled out"), "{status}");
    let history = wait_for("revision 2 with its change-cause", 30, || {
        let h = try_kubectl(&c, &["rollout", "history", "deployment/hello"])?;
        h.contains("image 2.0").then_some(h)
    });
    let revs: Vec<String> = rows(&history)
        .into_iter()
        .skip(2)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(revs, ["1", "2"], "{history}");
    let rss = c.kubectl_ok(&["get", "rs", "--no-headers"]).unwrap();
    assert_eq!(rows(&rss).len(), 2, "{rss}");

    let undo = c
        .kubectl_ok(&["rollout", "undo", "deployment/hello"])
        .unwrap();
    assert!(undo.contains("rolled back"), "{undo}");
    c.kubectl_ok(&["rollout", "status", "deployment/hello", "--timeout=60s"])
        .unwrap();
    let history = c
        .kubectl_ok(&["rollout", "history", "deployment/hello"])
        .unwrap();
    let revs: Vec<String> = rows(&history)
        .into_iter()
        .skip(2)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(revs, ["2", "3"], "{history}");
    let image = c
        .kubectl_ok(&[
            "get",
            "deploy",
            "hello",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ])
        .unwrap();
    assert_eq!(image, "sebcontents/cozserver:1.0");
    let reused = c
        .kubectl_ok(&["get", "rs", "-o", "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}{\"\\n\"}{end}"])
        .unwrap();
    assert!(reused.lines().any(|l| l == "3=1"), "{reused}");

    let undo = c
        .kubectl_ok(&["rollout", "undo", "deployment/hello", "--to-revision=2"])
        .unwrap();
    assert!(undo.contains("rolled back"), "{undo}");
    c.kubectl_ok(&["rollout", "status", "deployment/hello", "--timeout=60s"])
        .unwrap();
    let history = c
        .kubectl_ok(&["rollout", "history", "deployment/hello"])
        .unwrap();
    let revs: Vec<String> = rows(&history)
        .into_iter()
        .skip(2)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(revs, ["3", "4"], "{history}");
    assert!(history.contains("image 2.0"), "{history}");

    c.kubectl_ok(&["delete", "deployment", "hello"]).unwrap();
    wait_for("ReplicaSets and pods gone", 30, || {
        let rs = try_kubectl(&c, &["get", "rs", "--no-headers"])?;
        let pods = try_kubectl(&c, &["get", "pods", "--no-headers"])?;
        (rs.trim().is_empty() && pods.trim().is_empty()).then_some(())
    });
}

#[test]
fn paused_deployment_waits_and_resumes() {
    let c = cluster(Seed::Empty);
    let Some(_) = create_deployment(&c, &["p", "--image=nginx:1.27", "--replicas=2"]) else {
        return;
    };
    c.kubectl_ok(&["rollout", "status", "deployment/p", "--timeout=60s"])
        .unwrap();
    c.kubectl_ok(&["rollout", "pause", "deployment/p"]).unwrap();
    c.kubectl_ok(&["set", "image", "deployment/p", "nginx=nginx:1.28"])
        .unwrap();
    wait_for("DeploymentPaused", 30, || {
        let reason = try_kubectl(
            &c,
            &[
                "get",
                "deploy",
                "p",
                "-o",
                "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}",
            ],
        )?;
        (reason == "DeploymentPaused").then_some(())
    });
    let rss = c.kubectl_ok(&["get", "rs", "--no-headers"]).unwrap();
    assert_eq!(
        rows(&rss).len(),
        1,
        "a paused deployment does not roll: {rss}"
    );
    c.kubectl_ok(&["rollout", "resume", "deployment/p"])
        .unwrap();
    c.kubectl_ok(&["rollout", "status", "deployment/p", "--timeout=60s"])
        .unwrap();
    let rss = c.kubectl_ok(&["get", "rs", "--no-headers"]).unwrap();
    assert_eq!(rows(&rss).len(), 2, "{rss}");
}

#[test]
fn statefulset_history_and_undo_with_kubectl() {
    let c = cluster(Seed::Demo);
    let Some(history) = c.kubectl_ok(&["rollout", "history", "statefulset/web"]) else {
        return;
    };
    let revs: Vec<String> = rows(&history)
        .into_iter()
        .skip(2)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(revs, ["1", "2"], "{history}");
    let undo = c
        .kubectl_ok(&["rollout", "undo", "statefulset/web"])
        .unwrap();
    assert!(undo.contains("rolled back"), "{undo}");
    wait_for("pods back on 0.24", 60, || {
        let out = try_kubectl(
            &c,
            &[
                "get",
                "pods",
                "web-0",
                "web-1",
                "-o",
                "jsonpath={.items[*].spec.containers[0].image}",
            ],
        )?;
        (out == "registry.k8s.io/nginx-slim:0.24 registry.k8s.io/nginx-slim:0.24").then_some(())
    });
    let status = c
        .kubectl_ok(&["rollout", "status", "statefulset/web", "--timeout=60s"])
        .unwrap();
    // With the defaulted `partition: 0`, kubectl reports a partitioned roll out.
    assert!(status.contains("roll out complete"), "{status}");
    let history = c
        .kubectl_ok(&["rollout", "history", "statefulset/web"])
        .unwrap();
    let revs: Vec<String> = rows(&history)
        .into_iter()
        .skip(2)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(revs, ["2", "3"], "{history}");

    // DaemonSets: a new template is revision 2; undo brings revision 1 back as 3.
    let ds = ["-n", "kube-system"];
    let with_ns = |args: &[&'static str]| -> Vec<&'static str> { [args, &ds[..]].concat() };
    c.kubectl_ok(&with_ns(&[
        "set",
        "image",
        "daemonset/kube-proxy",
        "kube-proxy=registry.k8s.io/kube-proxy:v1.33.2",
    ]))
    .unwrap();
    let status = c
        .kubectl_ok(&with_ns(&[
            "rollout",
            "status",
            "daemonset/kube-proxy",
            "--timeout=60s",
        ]))
        .unwrap();
    assert!(status.contains("successfully rolled out"), "{status}");
    c.kubectl_ok(&with_ns(&["rollout", "undo", "daemonset/kube-proxy"]))
        .unwrap();
    wait_for("kube-proxy back on v1.33.1 as revision 3", 60, || {
        let image = try_kubectl(
            &c,
            &with_ns(&[
                "get",
                "pods",
                "-l",
                "k8s-app=kube-proxy",
                "-o",
                "jsonpath={.items[*].spec.containers[0].image}",
            ]),
        )?;
        let history = try_kubectl(
            &c,
            &with_ns(&["rollout", "history", "daemonset/kube-proxy"]),
        )?;
        let revs: Vec<String> = rows(&history)
            .into_iter()
            .skip(2)
            .map(|r| r[0].clone())
            .collect();
        (image == "registry.k8s.io/kube-proxy:v1.33.1" && revs == ["2", "3"]).then_some(())
    });
}

#[test]
fn bad_images_and_failing_probes_show_in_kubectl() {
    let c = cluster(Seed::Empty);
    let Some(_) = create_deployment(&c, &["broken", "--image=nginx:does-not-exist"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("liveness.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: liveness\nspec:\n  containers:\n  - name: app\n    image: sebcontents/cozserver:1.0\n    livenessProbe:\n      httpGet:\n        path: /fail\n        port: 8080\n",
    )
    .unwrap();
    c.kubectl_ok(&["apply", "-f", manifest.to_str().unwrap()])
        .unwrap();
    wait_for("ImagePullBackOff", 30, || {
        let out = try_kubectl(&c, &["get", "pods", "-l", "app=broken", "--no-headers"])?;
        let r = rows(&out);
        (r.len() == 1 && r[0][1] == "0/1" && r[0][2] == "ImagePullBackOff").then_some(())
    });
    // A short progress deadline: the stuck rollout is reported as kubectl words it.
    c.kubectl_ok(&[
        "patch",
        "deployment",
        "broken",
        "-p",
        r#"{"spec":{"progressDeadlineSeconds":1}}"#,
    ])
    .unwrap();
    let status = c
        .kubectl(&["rollout", "status", "deployment/broken", "--timeout=30s"])
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        !status.status.success() && stderr.contains("exceeded its progress deadline"),
        "{stderr}"
    );
    wait_for("restarts", 30, || {
        let out = try_kubectl(&c, &["get", "pod", "liveness", "--no-headers"])?;
        let r = rows(&out);
        (r[0][3].parse::<u32>().unwrap_or(0) >= 2).then_some(())
    });
    let events = c
        .kubectl_ok(&[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=liveness",
        ])
        .unwrap();
    assert!(
        events.contains("Unhealthy") && events.contains("Liveness probe failed"),
        "{events}"
    );
}
