//! CustomResourceDefinitions applied with kubectl: served at once (discovery, list, get
//! by plural, singular and short name, printer columns), gone once deleted.

use crate::common::{wait_for, TestCluster};
use crate::{api_resources, header};

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.rkt.dev
spec:
  group: demo.rkt.dev
  scope: Cluster
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
    subresources:
      status: {}
    additionalPrinterColumns:
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Created
      type: date
      jsonPath: .metadata.creationTimestamp
    - name: Owner
      type: string
      priority: 1
      jsonPath: .metadata.labels['demo.rkt.dev/owner']
";

const WIDGET: &str = "apiVersion: demo.rkt.dev/v1
kind: Widget
metadata:
  name: blue
  labels:
    demo.rkt.dev/owner: jane
spec:
  color: blue
  size: 3
";

#[test]
fn kubectl_applies_a_crd_and_it_is_served_until_deleted() {
    let c = TestCluster::empty();
    let Some(out) = c.kubectl_stdin_ok(&["apply", "-f", "-"], CRD) else {
        return;
    };
    assert!(
        out.contains("customresourcedefinition.apiextensions.k8s.io/widgets.demo.rkt.dev created"),
        "{out}"
    );
    c.kubectl_ok(&[
        "wait",
        "--for",
        "condition=established",
        "crd/widgets.demo.rkt.dev",
        "--timeout=10s",
    ]);
    let listed = c.kubectl_ok(&["api-resources"]).unwrap();
    let row = api_resources(&listed)
        .into_iter()
        .find(|r| r.0 == "widgets")
        .unwrap_or_else(|| panic!("widgets not listed:\n{listed}"));
    assert_eq!(
        row,
        (
            "widgets".into(),
            "wd".into(),
            "demo.rkt.dev/v1".into(),
            "false".into(),
            "Widget".into()
        )
    );
    let empty = c.kubectl_stdin(&["get", "widgets"], "").unwrap();
    assert!(
        String::from_utf8_lossy(&empty.stderr).contains("No resources found"),
        "{empty:?}"
    );

    let out = c.kubectl_stdin_ok(&["apply", "-f", "-"], WIDGET).unwrap();
    assert!(out.contains("widget.demo.rkt.dev/blue created"), "{out}");
    for kind in ["widgets", "widget", "wd", "widgets.demo.rkt.dev"] {
        let out = c.kubectl_ok(&["get", kind]).unwrap();
        assert_eq!(header(&out), "NAME COLOR SIZE CREATED", "{kind}: {out}");
        let row = header(out.lines().nth(1).unwrap_or(""));
        assert!(row.starts_with("blue blue 3 "), "{kind}: {out}");
    }
    let wide = c.kubectl_ok(&["get", "wd", "-o", "wide"]).unwrap();
    assert_eq!(header(&wide), "NAME COLOR SIZE CREATED OWNER", "{wide}");
    assert!(
        header(wide.lines().nth(1).unwrap_or("")).ends_with(" jane"),
        "{wide}"
    );
    // The other served version addresses the same objects.
    let beta = c
        .kubectl_ok(&["get", "widgets.v1beta1.demo.rkt.dev", "blue", "-o", "name"])
        .unwrap();
    assert_eq!(beta.trim(), "widget.demo.rkt.dev/blue");
    let yaml = c
        .kubectl_ok(&["get", "wd", "blue", "-o", "jsonpath={.spec.color}"])
        .unwrap();
    assert_eq!(yaml, "blue");
    let crds = c.kubectl_ok(&["get", "crd"]).unwrap();
    assert_eq!(header(&crds), "NAME CREATED AT", "{crds}");
    assert!(crds.contains("widgets.demo.rkt.dev"), "{crds}");

    let out = c
        .kubectl_ok(&["delete", "crd", "widgets.demo.rkt.dev"])
        .unwrap();
    assert!(out.contains("deleted"), "{out}");
    wait_for("widgets to leave api-resources", 10, || {
        let listed = c.kubectl_ok(&["api-resources"]).unwrap();
        (!api_resources(&listed).iter().any(|r| r.0 == "widgets")).then_some(())
    });
    let err = c.kubectl_err(&["get", "widgets"], "").unwrap();
    assert!(
        err.contains("the server doesn't have a resource type \"widgets\""),
        "{err}"
    );
    // Its objects went with it: a new definition starts empty.
    c.kubectl_stdin_ok(&["apply", "-f", "-"], CRD).unwrap();
    let again = c.kubectl_stdin(&["get", "widgets"], "").unwrap();
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("No resources found"),
        "{again:?}"
    );
}

#[test]
fn invalid_crds_are_rejected_like_the_apiserver_does() {
    let c = TestCluster::empty();
    let bad = CRD.replace("name: widgets.demo.rkt.dev", "name: widgets");
    let Some(err) = c.kubectl_err(&["apply", "-f", "-"], &bad) else {
        return;
    };
    assert!(
        err.contains("is invalid") && err.contains("metadata.name"),
        "{err}"
    );
    let listed = c.kubectl_ok(&["api-resources"]).unwrap();
    assert!(!listed.contains("widgets"), "{listed}");
}

#[test]
fn namespaced_custom_resources_live_in_namespaces() {
    let c = TestCluster::empty();
    let crd = CRD.replace("scope: Cluster", "scope: Namespaced");
    let Some(_) = c.kubectl_stdin_ok(&["apply", "-f", "-"], &crd) else {
        return;
    };
    c.kubectl_stdin_ok(&["apply", "-n", "kube-public", "-f", "-"], WIDGET)
        .unwrap();
    let all = c.kubectl_ok(&["get", "wd", "-A"]).unwrap();
    assert_eq!(header(&all), "NAMESPACE NAME COLOR SIZE CREATED", "{all}");
    assert!(all.contains("kube-public"), "{all}");
    let default = c.kubectl_stdin(&["get", "wd"], "").unwrap();
    assert!(
        String::from_utf8_lossy(&default.stderr)
            .contains("No resources found in default namespace"),
        "{default:?}"
    );
    // Deleting the namespace takes its custom objects with it.
    c.kubectl_ok(&["delete", "ns", "kube-public", "--wait=false"])
        .unwrap();
    wait_for("the widget to go with its namespace", 10, || {
        let out = c.kubectl_stdin(&["get", "wd", "-A"], "").unwrap();
        String::from_utf8_lossy(&out.stderr)
            .contains("No resources found")
            .then_some(())
    });
}

#[test]
fn deleting_a_crd_deletes_its_objects_then_ends_their_watches() {
    let c = TestCluster::empty();
    let Some(_) = c.kubectl_stdin_ok(&["apply", "-f", "-"], CRD) else {
        return;
    };
    c.kubectl_stdin_ok(&["apply", "-f", "-"], WIDGET).unwrap();
    let started = std::time::Instant::now();
    let events = crate::raw::watch_tables_for(&c, "/apis/demo.rkt.dev/v1/widgets", 30, || {
        c.kubectl_ok(&["delete", "crd", "widgets.demo.rkt.dev"])
            .unwrap();
    });
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the watch outlived its resource"
    );
    let seen: Vec<(String, Vec<String>)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_string(),
                crate::raw::names_of(&e["object"]),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("ADDED".to_string(), vec!["blue".to_string()]),
            ("DELETED".to_string(), vec!["blue".to_string()])
        ]
    );
}
