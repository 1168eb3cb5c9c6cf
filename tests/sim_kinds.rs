#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every kind the simulated cluster serves, judged by kubectl: `kubectl get` prints the
//! apiserver's columns, `kubectl api-resources` lists each kind right, CRDs are served
//! as soon as they are applied and no more once deleted, and server-side Tables come
//! with PartialObjectMetadata rows and as watch events.

mod common;
#[path = "sim_kinds/crds.rs"]
mod crds;
#[path = "sim_kinds/raw.rs"]
mod raw;

use common::TestCluster;

/// The header line kubectl prints, with runs of spaces collapsed.
fn header(out: &str) -> String {
    out.lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `kubectl get KIND -A` and the header it must print (after NAMESPACE for namespaced kinds).
const HEADERS: &[(&str, &str)] = &[
    ("pods", "NAMESPACE NAME READY STATUS RESTARTS AGE"),
    (
        "services",
        "NAMESPACE NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE",
    ),
    ("endpoints", "NAMESPACE NAME ENDPOINTS AGE"),
    ("namespaces", "NAME STATUS AGE"),
    ("nodes", "NAME STATUS ROLES AGE VERSION"),
    (
        "events",
        "NAMESPACE LAST SEEN TYPE REASON OBJECT MESSAGE",
    ),
    (
        "events.events.k8s.io",
        "NAMESPACE LAST SEEN TYPE REASON OBJECT MESSAGE",
    ),
    ("configmaps", "NAMESPACE NAME DATA AGE"),
    ("secrets", "NAMESPACE NAME TYPE DATA AGE"),
    ("serviceaccounts", "NAMESPACE NAME SECRETS AGE"),
    (
        "persistentvolumeclaims",
        "NAMESPACE NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE",
    ),
    (
        "persistentvolumes",
        "NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE",
    ),
    (
        "deployments",
        "NAMESPACE NAME READY UP-TO-DATE AVAILABLE AGE",
    ),
    ("replicasets", "NAMESPACE NAME DESIRED CURRENT READY AGE"),
    ("statefulsets", "NAMESPACE NAME READY AGE"),
    (
        "daemonsets",
        "NAMESPACE NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE",
    ),
    (
        "controllerrevisions",
        "NAMESPACE NAME CONTROLLER REVISION AGE",
    ),
    (
        "jobs",
        "NAMESPACE NAME STATUS COMPLETIONS DURATION AGE",
    ),
    (
        "cronjobs",
        "NAMESPACE NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE",
    ),
    (
        "ingresses",
        "NAMESPACE NAME CLASS HOSTS ADDRESS PORTS AGE",
    ),
    ("ingressclasses", "NAME CONTROLLER PARAMETERS AGE"),
    (
        "storageclasses",
        "NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE",
    ),
    ("roles", "NAMESPACE NAME CREATED AT"),
    ("rolebindings", "NAMESPACE NAME ROLE AGE"),
    ("clusterroles", "NAME CREATED AT"),
    ("clusterrolebindings", "NAME ROLE AGE"),
    ("customresourcedefinitions", "NAME CREATED AT"),
    ("crontabs", "NAMESPACE NAME SPEC REPLICAS AGE"),
];

#[test]
fn kubectl_get_prints_the_apiserver_columns_of_every_kind() {
    let c = TestCluster::demo();
    for (kind, want) in HEADERS {
        let Some(out) = c.kubectl_ok(&["get", kind, "-A"]) else {
            return;
        };
        assert_eq!(header(&out), *want, "kubectl get {kind} -A:\n{out}");
        assert!(out.lines().count() > 1, "no {kind} in the demo:\n{out}");
    }
}

#[test]
fn kubectl_get_wide_adds_the_priority_columns() {
    let c = TestCluster::demo();
    let wide: &[(&str, &str)] = &[
        (
            "nodes",
            "NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME",
        ),
        (
            "jobs",
            "NAMESPACE NAME STATUS COMPLETIONS DURATION AGE CONTAINERS IMAGES SELECTOR",
        ),
        (
            "cronjobs",
            "NAMESPACE NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE CONTAINERS IMAGES SELECTOR",
        ),
        (
            "pvc",
            "NAMESPACE NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE VOLUMEMODE",
        ),
        (
            "rolebindings",
            "NAMESPACE NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS",
        ),
        ("ct", "NAMESPACE NAME SPEC REPLICAS AGE IMAGE"),
    ];
    for (kind, want) in wide {
        let Some(out) = c.kubectl_ok(&["get", kind, "-A", "-o", "wide"]) else {
            return;
        };
        assert_eq!(header(&out), *want, "kubectl get {kind} -A -o wide:\n{out}");
    }
}

#[test]
fn demo_rows_read_like_a_minikube() {
    let c = TestCluster::demo();
    let Some(pvc) = c.kubectl_ok(&["get", "pvc", "postgres-data"]) else {
        return;
    };
    let row = header(pvc.lines().nth(1).unwrap_or(""));
    assert!(
        row.starts_with("postgres-data Bound pvc-") && row.contains(" 1Gi RWO standard <unset> "),
        "{pvc}"
    );
    let pv = c.kubectl_ok(&["get", "pv"]).unwrap();
    assert!(
        pv.contains("Delete") && pv.contains("default/postgres-data"),
        "{pv}"
    );
    let sc = c.kubectl_ok(&["get", "sc"]).unwrap();
    assert!(
        sc.contains("standard (default)") && sc.contains("k8s.io/minikube-hostpath"),
        "{sc}"
    );
    let jobs = c.kubectl_ok(&["get", "jobs"]).unwrap();
    let pi = jobs.lines().find(|l| l.starts_with("pi ")).unwrap_or("");
    assert_eq!(
        header(pi).split(' ').take(4).collect::<Vec<_>>(),
        ["pi", "Complete", "1/1", "47s"],
        "{jobs}"
    );
    let cj = c.kubectl_ok(&["get", "cj", "hello"]).unwrap();
    assert!(cj.contains("*/5 * * * *") && cj.contains("<none>"), "{cj}");
    let ing = c.kubectl_ok(&["get", "ing", "hello-local"]).unwrap();
    assert!(
        ing.contains("nginx") && ing.contains("hello.local") && ing.contains("80, 443"),
        "{ing}"
    );
    let broken = c.kubectl_ok(&["describe", "ing", "hello-local"]).unwrap();
    assert!(broken.contains("hello-api:80"), "{broken}");
    let secrets = c.kubectl_ok(&["get", "secrets"]).unwrap();
    assert!(
        secrets.contains("kubernetes.io/tls") && secrets.contains("Opaque"),
        "{secrets}"
    );
    let cms = c.kubectl_ok(&["get", "cm", "-A"]).unwrap();
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        assert!(
            cms.lines()
                .any(|l| l.starts_with(ns) && l.contains("kube-root-ca.crt")),
            "{cms}"
        );
    }
    let crontabs = c.kubectl_ok(&["get", "ct"]).unwrap();
    assert!(
        crontabs.contains("my-new-cron-object") && crontabs.contains("* * * * */5"),
        "{crontabs}"
    );
    // The failing rollout and the liveness probe warn, as the kubelet does.
    let warnings = c
        .kubectl_ok(&["get", "events", "-A", "--field-selector", "type=Warning"])
        .unwrap();
    assert!(
        warnings.contains("liveness-http") || warnings.contains("web-frontend"),
        "{warnings}"
    );
}

/// (name, shortnames, apiVersion, namespaced, kind) of `kubectl api-resources`.
const API_RESOURCES: &[(&str, &str, &str, &str, &str)] = &[
    ("pods", "po", "v1", "true", "Pod"),
    ("services", "svc", "v1", "true", "Service"),
    ("endpoints", "ep", "v1", "true", "Endpoints"),
    ("namespaces", "ns", "v1", "false", "Namespace"),
    ("nodes", "no", "v1", "false", "Node"),
    ("events", "ev", "v1", "true", "Event"),
    ("events", "ev", "events.k8s.io/v1", "true", "Event"),
    ("configmaps", "cm", "v1", "true", "ConfigMap"),
    ("secrets", "", "v1", "true", "Secret"),
    ("serviceaccounts", "sa", "v1", "true", "ServiceAccount"),
    (
        "persistentvolumeclaims",
        "pvc",
        "v1",
        "true",
        "PersistentVolumeClaim",
    ),
    ("persistentvolumes", "pv", "v1", "false", "PersistentVolume"),
    ("deployments", "deploy", "apps/v1", "true", "Deployment"),
    ("replicasets", "rs", "apps/v1", "true", "ReplicaSet"),
    ("statefulsets", "sts", "apps/v1", "true", "StatefulSet"),
    ("daemonsets", "ds", "apps/v1", "true", "DaemonSet"),
    (
        "controllerrevisions",
        "",
        "apps/v1",
        "true",
        "ControllerRevision",
    ),
    ("jobs", "", "batch/v1", "true", "Job"),
    ("cronjobs", "cj", "batch/v1", "true", "CronJob"),
    (
        "ingresses",
        "ing",
        "networking.k8s.io/v1",
        "true",
        "Ingress",
    ),
    (
        "ingressclasses",
        "",
        "networking.k8s.io/v1",
        "false",
        "IngressClass",
    ),
    (
        "storageclasses",
        "sc",
        "storage.k8s.io/v1",
        "false",
        "StorageClass",
    ),
    ("roles", "", "rbac.authorization.k8s.io/v1", "true", "Role"),
    (
        "rolebindings",
        "",
        "rbac.authorization.k8s.io/v1",
        "true",
        "RoleBinding",
    ),
    (
        "clusterroles",
        "",
        "rbac.authorization.k8s.io/v1",
        "false",
        "ClusterRole",
    ),
    (
        "clusterrolebindings",
        "",
        "rbac.authorization.k8s.io/v1",
        "false",
        "ClusterRoleBinding",
    ),
    (
        "customresourcedefinitions",
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
    ),
    ("crontabs", "ct", "stable.example.com/v1", "true", "CronTab"),
];

/// The rows of `kubectl api-resources -o wide`-less output as
/// (name, shortnames, apiVersion, namespaced, kind), the SHORTNAMES column possibly blank.
pub fn api_resources(out: &str) -> Vec<(String, String, String, String, String)> {
    let mut lines = out.lines();
    let head = lines.next().unwrap_or("");
    let at = |col: &str| head.find(col).unwrap_or(0);
    let (short, version, namespaced, kind) = (
        at("SHORTNAMES"),
        at("APIVERSION"),
        at("NAMESPACED"),
        at("KIND"),
    );
    let cut =
        |l: &str, a: usize, b: usize| l.get(a..b.min(l.len())).unwrap_or("").trim().to_string();
    lines
        .map(|l| {
            (
                cut(l, 0, short),
                cut(l, short, version),
                cut(l, version, namespaced),
                cut(l, namespaced, kind),
                cut(l, kind, l.len()),
            )
        })
        .collect()
}

#[test]
fn kubectl_api_resources_lists_every_kind() {
    let c = TestCluster::demo();
    let Some(out) = c.kubectl_ok(&["api-resources"]) else {
        return;
    };
    let rows = api_resources(&out);
    for (name, short, version, namespaced, kind) in API_RESOURCES {
        let want = (
            name.to_string(),
            short.to_string(),
            version.to_string(),
            namespaced.to_string(),
            kind.to_string(),
        );
        assert!(rows.contains(&want), "{want:?} missing from:\n{out}");
    }
    // Categories: `kubectl get all` still means the workloads and services only.
    let all = c.kubectl_ok(&["get", "all", "-n", "default"]).unwrap();
    assert!(
        all.contains("job.batch/pi") && all.contains("cronjob.batch/hello"),
        "{all}"
    );
    assert!(
        !all.contains("configmap/") && !all.contains("crontab"),
        "{all}"
    );
}

#[test]
fn kubectl_create_subcommands_of_the_new_kinds_are_decoded() {
    // kubectl 1.33 sends these as protobuf, with no JSON fallback.
    let c = TestCluster::demo();
    let creates: &[&[&str]] = &[
        &[
            "create",
            "job",
            "from-cli",
            "--image=busybox",
            "--",
            "echo",
            "hi",
        ],
        &["create", "job", "manual-run", "--from=cronjob/hello"],
        &[
            "create",
            "cronjob",
            "every-minute",
            "--image=busybox",
            "--schedule=*/1 * * * *",
        ],
        &[
            "create",
            "role",
            "r1",
            "--verb=get",
            "--resource=pods",
            "--resource-name=x",
        ],
        &[
            "create",
            "rolebinding",
            "rb1",
            "--role=r1",
            "--user=bob",
            "--serviceaccount=default:default",
        ],
        &[
            "create",
            "clusterrole",
            "cr1",
            "--verb=get,list",
            "--resource=nodes",
        ],
        &[
            "create",
            "clusterrolebinding",
            "crb1",
            "--clusterrole=cr1",
            "--group=ops",
        ],
        &[
            "create",
            "ingress",
            "ing2",
            "--class=nginx",
            "--rule=foo.com/bar*=svc1:8080,tls=my-cert",
        ],
    ];
    for args in creates {
        let Some(out) = c.kubectl_ok(args) else {
            return;
        };
        assert!(out.contains("created"), "{args:?}: {out}");
    }
    let jobs = c.kubectl_ok(&["get", "jobs", "-o", "wide"]).unwrap();
    let row = jobs
        .lines()
        .find(|l| l.starts_with("from-cli "))
        .unwrap_or("");
    assert!(
        row.contains("Running")
            && row.contains("0/1")
            && row.contains("batch.kubernetes.io/controller-uid="),
        "{jobs}"
    );
    let owner = c
        .kubectl_ok(&[
            "get",
            "job",
            "manual-run",
            "-o",
            "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}",
        ])
        .unwrap();
    assert_eq!(owner, "CronJob/hello");
    let rb = c
        .kubectl_ok(&["get", "rolebinding", "rb1", "-o", "wide"])
        .unwrap();
    assert!(
        rb.contains("Role/r1") && rb.contains("bob") && rb.contains("default:default"),
        "{rb}"
    );
    let ing = c
        .kubectl_ok(&["get", "ing", "ing2", "-o", "jsonpath={.spec.rules[0].http.paths[0].backend.service.port.number} {.spec.tls[0].secretName}"])
        .unwrap();
    assert_eq!(ing, "8080 my-cert");
    let cj = c.kubectl_ok(&["get", "cj", "every-minute"]).unwrap();
    assert!(cj.contains("*/1 * * * *") && cj.contains("false"), "{cj}");
}

#[test]
fn events_k8s_io_serves_the_core_events_in_its_shape() {
    let c = TestCluster::demo();
    let Some(note) = c.kubectl_ok(&[
        "get",
        "events.v1.events.k8s.io",
        "-A",
        "--field-selector",
        "type=Warning",
        "-o",
        "jsonpath={.items[0].apiVersion} {.items[0].regarding.kind} {.items[0].note}",
    ]) else {
        return;
    };
    assert!(note.starts_with("events.k8s.io/v1 Pod "), "{note}");
    let created = "apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: hello.deploy-note
  namespace: default
eventTime: 2026-01-01T00:00:00.000000Z
reportingController: rkt.dev/tests
reportingInstance: rkt-test
action: Deploy
reason: Deployed
type: Normal
note: rolled out by the tests
regarding:
  kind: Deployment
  name: hello-minikube
  namespace: default
";
    c.kubectl_stdin_ok(&["create", "-f", "-"], created).unwrap();
    // The same object through core/v1, in its shape.
    let core = c
        .kubectl_ok(&[
            "get",
            "events",
            "hello.deploy-note",
            "-o",
            "jsonpath={.apiVersion} {.involvedObject.name} {.message} {.source.component}",
        ])
        .unwrap();
    assert_eq!(
        core,
        "v1 hello-minikube rolled out by the tests rkt.dev/tests"
    );
    let listed = c.kubectl_ok(&["get", "events.events.k8s.io"]).unwrap();
    assert!(
        listed.contains("deployment/hello-minikube") && listed.contains("Deployed"),
        "{listed}"
    );
    c.kubectl_ok(&[
        "patch",
        "events.events.k8s.io",
        "hello.deploy-note",
        "--type=merge",
        "-p",
        r#"{"note": "patched note"}"#,
    ])
    .unwrap();
    let message = c
        .kubectl_ok(&[
            "get",
            "ev",
            "hello.deploy-note",
            "-o",
            "jsonpath={.message}",
        ])
        .unwrap();
    assert_eq!(message, "patched note");
    c.kubectl_ok(&["delete", "events.events.k8s.io", "hello.deploy-note"])
        .unwrap();
    let gone = c
        .kubectl_stdin(&["get", "ev", "hello.deploy-note"], "")
        .unwrap();
    assert!(!gone.status.success());
}
