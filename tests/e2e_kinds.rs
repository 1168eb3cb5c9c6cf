#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: any kind the server serves is a `:` command away, with kubectl's columns.
//! The real binary in a pseudo-terminal, against the demo cluster.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

fn start(cluster: &TestCluster, ns: &str) -> PtyApp {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", ns], &[], 160, 45);
    app.wait_for_text("ns 4");
    app
}

/// The rows of the main table: the lines after its header line (the one containing
/// `header`), up to the pane's bottom border.
fn rows_after<'a>(screen: &'a str, header: &str) -> Vec<&'a str> {
    screen
        .lines()
        .skip_while(|l| !l.contains(header))
        .skip(1)
        .take_while(|l| !l.contains('╰'))
        .filter(|l| {
            !l.trim_matches(|c: char| c == '│' || c.is_whitespace())
                .is_empty()
        })
        .collect()
}

#[test]
fn ingresses_show_their_routes_and_broken_backends() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, "default");
    app.send(":ing\r");
    let screen = app.wait_for_text("hello-local");
    for header in ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"] {
        assert!(screen.contains(header), "{header}: {screen}");
    }
    // The details region: host and path → Service:port → readiness; the demo's
    // `/api` route points at a Service that does not exist.
    let screen = app.wait_for_text("ROUTES");
    let screen = if screen.contains("hello-api") {
        screen
    } else {
        app.wait_for_text("hello-api")
    };
    let api_route = screen
        .lines()
        .find(|l| l.contains("hello.local/api"))
        .unwrap_or_else(|| panic!("no /api route: {screen}"));
    assert!(api_route.contains("hello-api:80"), "{api_route}");
    assert!(api_route.contains("service not found"), "{api_route}");
    // The working route counts the ready endpoints (EndpointSlices) of hello-minikube.
    let screen = app.wait_for_text("2 ready endpoints");
    let root = screen
        .lines()
        .find(|l| l.contains("hello.local/ "))
        .unwrap_or_else(|| panic!("no / route: {screen}"));
    assert!(root.contains("hello-minikube:8080"), "{root}");
    assert!(root.contains("2 ready endpoints"), "{root}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn events_show_warnings_first_and_any_kind_opens_by_its_names() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, "default");
    app.send(":ev\r");
    app.wait_for_text("LAST SEEN");
    let screen = app.wait_for_text("Warning");
    let rows = rows_after(&screen, "LAST SEEN");
    assert!(!rows.is_empty(), "{screen}");
    assert!(rows[0].contains("Warning"), "warnings first: {screen}");
    let first_normal = rows.iter().position(|r| r.contains("Normal"));
    let last_warning = rows.iter().rposition(|r| r.contains("Warning"));
    if let (Some(n), Some(w)) = (first_normal, last_warning) {
        assert!(w < n, "every warning above every normal event: {screen}");
    }

    // Group-qualified, singular and short names, cluster-scoped kinds.
    app.send(":ingresses.networking.k8s.io\r");
    app.wait_for_text("ingresses(default)");
    app.send(":no\r");
    let screen = app.wait_for_text("control-plane");
    assert!(screen.contains("nodes["), "{screen}");
    assert!(screen.contains("ROLES"), "{screen}");
    app.send(":nothing-of-the-kind\r");
    app.wait_for_text("unknown command or resource \"nothing-of-the-kind\"");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_crd_leads_to_its_objects_and_a_new_crd_is_a_command_at_once() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, "default");
    app.send(":crd\r");
    app.wait_for_text("crontabs.stable.example.com");
    // enter on the CRD: its objects, with its printer columns.
    app.send("\r");
    let screen = app.wait_for_text("cache-warmer");
    for header in ["SPEC", "REPLICAS", "AGE"] {
        assert!(screen.contains(header), "{header}: {screen}");
    }
    assert!(screen.contains("*/15 * * * *"), "{screen}");
    // esc walks back to the CRDs.
    app.send("\x1b");
    app.wait_for_text("customresourcedefinitions[");

    // A CRD created while rkt runs: its short name works without a restart.
    let crd = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
"#;
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: blue-one, namespace: default}\nspec: {color: blue}\n";
    if cluster
        .kubectl_stdin_ok(&["create", "-f", "-"], crd)
        .is_none()
    {
        return; // no kubectl (skipped loudly by the helper)
    }
    cluster.kubectl_stdin_ok(&["create", "-f", "-"], widget);
    app.send(":wdg\r");
    let screen = app.wait_for_text("blue-one");
    assert!(screen.contains("COLOR"), "{screen}");
    assert!(screen.contains("blue"), "{screen}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_secret_stays_masked_until_revealed() {
    let cluster = TestCluster::demo();
    let created = cluster.kubectl_ok(&[
        "create",
        "secret",
        "generic",
        "db-pass",
        "-n",
        "default",
        "--from-literal=password=s3cr3t-value",
    ]);
    if created.is_none() {
        return;
    }
    let mut app = start(&cluster, "default");
    app.send(":secrets\r");
    app.wait_for_text("db-pass");
    app.send("/db-pass\r");
    app.wait_for_text("[1/");
    app.send("y");
    let screen = app.wait_for_text("<hidden: 12 bytes>");
    assert!(!screen.contains("s3cr3t-value"), "{screen}");
    assert!(
        !screen.contains("czNjcjN0LXZhbHVl"),
        "no base64 either: {screen}"
    );
    app.send("\x1b");
    app.wait_for_no_text("<hidden: 12 bytes>");
    app.send("d");
    let screen = app.wait_for_text("password:");
    assert!(screen.contains("12 bytes"), "{screen}");
    assert!(!screen.contains("s3cr3t-value"), "{screen}");
    app.send("\x1b");
    app.wait_for_no_text("password:");
    app.send("x");
    let screen = app.wait_for_text("s3cr3t-value");
    assert!(screen.contains("REVEALED"), "{screen}");
    app.send("\x1b");
    app.wait_for_no_text("REVEALED");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn a_forbidden_kind_says_so_and_an_unwatchable_one_is_relisted() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, "default");
    cluster.sim.faults.refuse_resource("configmaps", 403);
    app.send(":cm\r");
    let screen = app.wait_for_text("forbidden: configmaps is forbidden");
    assert!(
        !screen.contains("reconnecting"),
        "a refused kind is not a lost connection: {screen}"
    );

    // May list but not watch: the rows come, re-listed every few seconds, said in the title.
    cluster.sim.faults.refuse_watches("serviceaccounts", 403);
    app.send(":sa\r");
    let screen = app.wait_for_text("re-listed every 5s");
    let screen = if screen.contains("default ") {
        screen
    } else {
        app.wait_for_text("default ")
    };
    assert!(screen.contains("serviceaccounts"), "{screen}");
    cluster.kubectl_ok(&["create", "serviceaccount", "late-comer", "-n", "default"]);
    app.wait_for_text("late-comer");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
