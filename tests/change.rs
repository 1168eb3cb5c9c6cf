#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Create, expose, set image and apply against the simulated cluster, judged by kubectl:
//! the objects rkt sends are the ones `kubectl … --dry-run=client -o json` prints for the
//! same inputs, and what rkt changed is what kubectl then sees.

mod common;

use std::path::Path;

use common::wait_for;
use rkt::cluster::change::{prepare, run};
use rkt::model::change::apply::{self, ApplyOutcome};
use rkt::model::change::create::{self, CreateSpec};
use rkt::model::change::expose::{self, ExposeSpec};
use rkt::model::change::image::ContainerImage;
use rkt::model::change::{ChangeEffect, ChangeMsg, PrepareEffect};
use rkt::model::objects::{ObjectKind, ObjectRef};
use serde_json::Value;

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

    fn run(&self, effect: ChangeEffect) -> ChangeMsg {
        self.rt.block_on(run(&self.client, effect))
    }

    fn prepare(&self, effect: PrepareEffect) -> ChangeMsg {
        self.rt.block_on(prepare(&self.client, effect))
    }
}

/// kubectl's random suffix of a sanitized container name (`my-app-v2-x7k2p`) masked.
fn mask_suffixes(mut v: Value) -> Value {
    for c in v["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        let image = c["image"].as_str().unwrap_or_default().to_string();
        let last = image.rsplit('/').next().unwrap().to_string();
        let base = last.split([':', '@']).next().unwrap().to_string();
        if base.contains(['_', '.']) {
            let name = c["name"].as_str().unwrap().to_string();
            let (stem, suffix) = name.split_at(name.len() - 5);
            assert_eq!(stem, format!("{}-", base.replace(['_', '.'], "-")));
            assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
            c["name"] = Value::String(format!("{stem}*****"));
        }
    }
    v
}

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn created_deployments_and_namespaces_are_kubectls() {
    let Some(h) = Harness::start() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    for (i, args) in [
        "--image=nginx",
        "--image=nginx:1.25 --replicas=3",
        "--image=registry.k8s.io/echoserver:1.4 --port=8080",
        "--image=localhost:5000/team/my_app.v2:3@sha256:0123 --image=busybox --replicas=0 --port=80",
        "--image=docker.io/library/redis@sha256:abcd --image=quay.io/a/b/c:latest",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("web-{i}");
        let line = format!("deployment {name} {args}");
        let spec = create::parse(&words(&line)).unwrap();
        let mut kubectl_args = vec!["create"];
        kubectl_args.extend(words(&line));
        kubectl_args.extend(["--dry-run=client", "-o", "json"]);
        let theirs = h.json(&kubectl_args);
        assert_eq!(
            mask_suffixes(spec.object()),
            mask_suffixes(theirs),
            "{line}"
        );
        // Sent to the server, it is what kubectl then reads.
        let msg = h.run(ChangeEffect::Create {
            namespace: Some("default".into()),
            spec: spec.clone(),
        });
        assert!(
            matches!(&msg, ChangeMsg::Created { result: Ok(()), .. }),
            "{msg:?}"
        );
        let CreateSpec::Deployment(d) = &spec else {
            unreachable!()
        };
        let images = h.kubectl(&[
            "get",
            "deploy",
            &name,
            "-o",
            "jsonpath={.spec.template.spec.containers[*].image}",
        ]);
        assert_eq!(images, d.images.join(" "));
        let labels = h.kubectl(&["get", "deploy", &name, "-o", "jsonpath={.metadata.labels.app}"]);
        assert_eq!(labels, name);
    }
    let spec = create::parse(&["namespace", "team-a"]).unwrap();
    let theirs = h.json(&[
        "create",
        "namespace",
        "team-a",
        "--dry-run=client",
        "-o",
        "json",
    ]);
    assert_eq!(spec.object(), theirs);
    let msg = h.run(ChangeEffect::Create {
        namespace: None,
        spec,
    });
    assert!(
        matches!(&msg, ChangeMsg::Created { result: Ok(()), .. }),
        "{msg:?}"
    );
    assert_eq!(
        h.kubectl(&["get", "ns", "team-a", "-o", "jsonpath={.metadata.name}"]),
        "team-a"
    );
    // A second create is refused with the API's words.
    let again = h.run(ChangeEffect::Create {
        namespace: None,
        spec: CreateSpec::Namespace("team-a".into()),
    });
    let ChangeMsg::Created { result: Err(e), .. } = again else {
        panic!("{again:?}")
    };
    assert!(e.contains("already exists"), "{e}");
}

fn obj(kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef {
        kind,
        namespace: Some("default".into()),
        name: name.into(),
    }
}

#[test]
fn exposed_services_are_kubectls_and_node_ports_are_allocated() {
    let Some(h) = Harness::start() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    let rs = ObjectKind::new("apps", "v1", "ReplicaSet", "replicasets", true);
    let pod_name = wait_for("a hello-minikube pod", 30, || {
        let out = h.kubectl(&["get", "pods", "-l", "app=hello-minikube", "-o", "name"]);
        out.lines()
            .next()
            .map(|l| l.trim_start_matches("pod/").to_string())
    });
    let rs_name = h
        .kubectl(&["get", "rs", "-l", "app=hello-minikube", "-o", "name"])
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("replicaset.apps/")
        .to_string();
    let cases: Vec<(ObjectRef, &str, ExposeSpec)> = vec![
        (
            obj(ObjectKind::deployment(), "hello-minikube"),
            "deployment",
            ExposeSpec {
                service_type: "NodePort".into(),
                port: "8080".into(),
                name: "hm-nodeport".into(),
                ..Default::default()
            },
        ),
        (
            obj(ObjectKind::deployment(), "my-nginx"),
            "deployment",
            ExposeSpec {
                name: "nginx-default".into(),
                ..Default::default()
            },
        ),
        (
            obj(ObjectKind::pod(), &pod_name),
            "pod",
            ExposeSpec {
                port: "80,443".into(),
                target_port: "http".into(),
                protocol: "UDP".into(),
                name: "pod-svc".into(),
                service_type: "LoadBalancer".into(),
            },
        ),
        (
            obj(rs, &rs_name),
            "rs",
            ExposeSpec {
                port: "9000".into(),
                target_port: "8080".into(),
                name: "rs-svc".into(),
                ..Default::default()
            },
        ),
        (
            obj(ObjectKind::service(), "hello-minikube"),
            "svc",
            ExposeSpec {
                name: "hm-again".into(),
                ..Default::default()
            },
        ),
    ];
    for (target, word, spec) in cases {
        let ChangeMsg::ExposeSource {
            result: Ok(found), ..
        } = h.prepare(PrepareEffect::ExposeSource(target.clone()))
        else {
            panic!("cannot read {}", target.label())
        };
        let source = expose::source_of(&found).unwrap();
        let ours = expose::service_object(&source, &spec).unwrap();
        let mut args = vec!["expose".to_string(), word.into(), target.name.clone()];
        for (flag, v) in [
            ("port", &spec.port),
            ("target-port", &spec.target_port),
            ("type", &spec.service_type),
            ("name", &spec.name),
            ("protocol", &spec.protocol),
        ] {
            if !v.is_empty() {
                args.push(format!("--{flag}={v}"));
            }
        }
        args.extend(["--dry-run=client", "-o", "json"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(ours, h.json(&args), "{args:?}");

        let msg = h.run(ChangeEffect::Expose {
            namespace: "default".into(),
            service: ours,
        });
        let ChangeMsg::Exposed {
            result: Ok(node_ports),
            ..
        } = msg
        else {
            panic!("{msg:?}")
        };
        let name = spec.service_name(&source).to_string();
        let seen = h.kubectl(&[
            "get",
            "svc",
            &name,
            "-o",
            "jsonpath={.spec.ports[*].nodePort}",
        ]);
        if spec.service_type.is_empty() {
            assert!(node_ports.is_empty() && seen.is_empty(), "{name}: {seen}");
        } else {
            assert!(!node_ports.is_empty(), "{name}: no node port");
            for p in &node_ports {
                assert!((30000..=32767).contains(p), "{name}: node port {p}");
            }
            let shown: Vec<String> = node_ports.iter().map(i64::to_string).collect();
            assert_eq!(seen, shown.join(" "), "{name}");
        }
    }
}

#[test]
fn set_image_makes_a_new_revision_kubectl_sees() {
    let Some(h) = Harness::start() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    h.kubectl(&["create", "deployment", "img", "--image=nginx:1.24"]);
    let target = obj(ObjectKind::deployment(), "img");
    let ChangeMsg::Containers {
        result: Ok(containers),
        ..
    } = h.prepare(PrepareEffect::Containers(target.clone()))
    else {
        panic!("containers")
    };
    assert_eq!(
        containers,
        [ContainerImage {
            name: "nginx".into(),
            image: "nginx:1.24".into(),
            init: false
        }]
    );
    wait_for("revision 1", 30, || {
        h.kubectl(&["rollout", "history", "deploy/img"])
            .contains("1 ")
            .then_some(())
    });
    let msg = h.run(ChangeEffect::SetImage {
        target: target.clone(),
        container: containers[0].clone(),
        image: "nginx:1.25".into(),
    });
    assert!(
        matches!(&msg, ChangeMsg::ImageSet { result: Ok(_), .. }),
        "{msg:?}"
    );
    let image = h.kubectl(&[
        "get",
        "deploy",
        "img",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    assert_eq!(image, "nginx:1.25");
    let history = wait_for("revision 2", 30, || {
        let out = h.kubectl(&["rollout", "history", "deploy/img"]);
        out.lines()
            .any(|l| l.trim_start().starts_with('2'))
            .then_some(out)
    });
    assert!(
        history.lines().any(|l| l.trim_start().starts_with('1')),
        "{history}"
    );
    // A container that does not exist is the server's error, shown as such.
    let msg = h.run(ChangeEffect::SetImage {
        target: obj(ObjectKind::deployment(), "nope"),
        container: containers[0].clone(),
        image: "x".into(),
    });
    let ChangeMsg::ImageSet { result: Err(e), .. } = msg else {
        panic!("{msg:?}")
    };
    assert!(e.contains("not found"), "{e}");
}

fn plan_dir(h: &Harness, dir: &Path) -> Vec<apply::ApplyDoc> {
    let catalog =
        h.rt.block_on(rkt::cluster::discovery::discover(&h.client))
            .unwrap();
    let files = rkt::cluster::change::read_files(dir).unwrap();
    files
        .iter()
        .flat_map(|(f, t)| apply::documents(f, t).unwrap())
        .map(|d| apply::plan(&catalog, d, "default").unwrap())
        .collect()
}

fn outcomes(msg: ChangeMsg) -> Vec<(String, Result<ApplyOutcome, String>)> {
    match msg {
        ChangeMsg::Applied { results, .. } => results,
        other => panic!("{other:?}"),
    }
}

#[test]
fn apply_creates_configures_and_leaves_unchanged() {
    let Some(h) = Harness::start() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: info\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: kube-public\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: api\n        image: nginx:1.25\n";
    std::fs::write(dir.path().join("a.yaml"), format!("{cm}---\n{deploy}")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not applied").unwrap();
    let docs = plan_dir(&h, dir.path());
    assert_eq!(docs.len(), 2);
    let results = outcomes(h.run(ChangeEffect::Apply {
        docs: docs.clone(),
        skipped: Vec::new(),
    }));
    assert_eq!(
        results,
        [
            ("configmap/settings".to_string(), Ok(ApplyOutcome::Created)),
            ("deployment.apps/api".to_string(), Ok(ApplyOutcome::Created)),
        ]
    );
    assert_eq!(
        h.kubectl(&["get", "cm", "settings", "-o", "jsonpath={.data.level}"]),
        "info"
    );
    assert_eq!(
        h.kubectl(&[
            "get",
            "deploy",
            "api",
            "-n",
            "kube-public",
            "-o",
            "jsonpath={.spec.replicas}"
        ]),
        "2"
    );
    // The same again: nothing changes.
    let results = outcomes(h.run(ChangeEffect::Apply {
        docs: docs.clone(),
        skipped: Vec::new(),
    }));
    assert!(
        results
            .iter()
            .all(|(_, r)| *r == Ok(ApplyOutcome::Unchanged)),
        "{results:?}"
    );
    // One field changed: configured, and kubectl sees it.
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("{}---\n{deploy}", cm.replace("info", "debug")),
    )
    .unwrap();
    let results = outcomes(h.run(ChangeEffect::Apply {
        docs: plan_dir(&h, dir.path()),
        skipped: Vec::new(),
    }));
    assert_eq!(results[0].1, Ok(ApplyOutcome::Configured));
    assert_eq!(results[1].1, Ok(ApplyOutcome::Unchanged));
    assert_eq!(
        h.kubectl(&["get", "cm", "settings", "-o", "jsonpath={.data.level}"]),
        "debug"
    );
    // What kubectl's own server-side apply makes of the same file agrees.
    let out = h.kubectl(&[
        "apply",
        "--server-side",
        "-f",
        dir.path().join("a.yaml").to_str().unwrap(),
    ]);
    assert!(
        out.contains("configmap/settings serverside-applied"),
        "{out}"
    );
    // An invalid document is the API's error, and the others still go.
    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Broken_Name\n";
    std::fs::write(dir.path().join("b.yaml"), bad).unwrap();
    let results = outcomes(h.run(ChangeEffect::Apply {
        docs: plan_dir(&h, dir.path()),
        skipped: Vec::new(),
    }));
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].1, Ok(ApplyOutcome::Unchanged));
    let (label, Err(e)) = &results[2] else {
        panic!("{results:?}")
    };
    assert_eq!(label, "configmap/Broken_Name");
    assert!(e.contains("Invalid value"), "{e}");
}

#[test]
fn kubectl_server_side_apply_works_against_the_simulation() {
    let Some(h) = Harness::start() else {
        eprintln!("kubectl not installed: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cm.yaml");
    let path = file.to_str().unwrap();
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n",
    )
    .unwrap();
    let out = h.kubectl(&["apply", "--server-side", "-f", path]);
    assert_eq!(out.trim(), "configmap/ssa serverside-applied");
    let rv = |h: &Harness| {
        h.kubectl(&[
            "get",
            "cm",
            "ssa",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ])
    };
    let first = rv(&h);
    h.kubectl(&["apply", "--server-side", "-f", path]);
    assert_eq!(
        rv(&h),
        first,
        "an apply that changes nothing keeps the resourceVersion"
    );
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n  b: \"3\"\n",
    )
    .unwrap();
    h.kubectl(&["apply", "--server-side", "-f", path]);
    assert_ne!(rv(&h), first);
    assert_eq!(
        h.kubectl(&["get", "cm", "ssa", "-o", "jsonpath={.data.a} {.data.b}"]),
        "2 3"
    );
    // A dry run creates nothing.
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-dry\n",
    )
    .unwrap();
    let out = h.kubectl(&["apply", "--server-side", "--dry-run=server", "-f", path]);
    assert!(out.contains("serverside-applied (server dry run)"), "{out}");
    let gone = h.cluster.kubectl(&["get", "cm", "ssa-dry"]).unwrap();
    assert!(!gone.status.success());
}
