//! The shared machinery (alignment, events), Pods, Secrets, ConfigMaps and the generic listing.

use serde_json::json;

use super::*;
use crate::model::quantity;

pub(super) fn now() -> Timestamp {
    "2026-11-26T12:00:00Z".parse().unwrap()
}

/// Each line with its runs of spaces after the indentation squeezed to one, so assertions
/// read as kubectl's lines without depending on column widths.
pub(super) fn squash(text: &str) -> String {
    text.lines()
        .map(|l| {
            let body = l.trim_start_matches(' ');
            let words: Vec<&str> = body.split(' ').filter(|w| !w.is_empty()).collect();
            format!("{}{}", &l[..l.len() - body.len()], words.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn assert_lines(text: &str, expected: &[&str]) {
    let squashed = squash(text);
    for line in expected {
        assert!(squashed.contains(line), "missing {line:?} in\n{text}");
    }
}

pub(super) fn describe(obj: Value, related: &Related) -> String {
    object(&obj, &[], related, now())
}

fn event(reason: &str, count: i32, first: &str, last: &str) -> Event {
    serde_json::from_value(json!({
        "metadata": {"name": "e"},
        "involvedObject": {"kind": "Pod", "name": "web-0", "fieldPath": "spec.containers{nginx}"},
        "type": "Warning", "reason": reason, "message": "Liveness probe failed\n", "count": count,
        "firstTimestamp": first, "lastTimestamp": last, "source": {"component": "kubelet"}
    }))
    .unwrap()
}

fn pod_fixture() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "web"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                "uid": "u", "controller": true}]},
        "spec": {"nodeName": "minikube", "serviceAccountName": "default",
            "containers": [{"name": "nginx", "image": "nginx:1.25",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "env": [{"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}}}]},
        "status": {"phase": "Running", "podIP": "10.244.0.5", "hostIP": "192.168.49.2",
            "startTime": "2026-11-25T09:59:00Z",
            "qosClass": "BestEffort",
            "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 2, "image": "nginx:1.25",
                "imageID": "", "state": {"running": {"startedAt": "2026-11-25T10:00:00Z"}}}],
            "conditions": [{"type": "Ready", "status": "True"}]}
    })
}

#[test]
fn a_value_full_of_tabs_is_aligned_without_overflowing_the_stack() {
    // Found by the `object` fuzz target: an annotation of 50 000 tabs nested one call per
    // column and overflowed the stack (an abort that skips the terminal's restore).
    let text = format!("Name:\tweb\nNote:\t{}end\n", "\t".repeat(50_000));
    let aligned = text::align(&text);
    assert!(aligned.starts_with("Name:  web\nNote:  "));
    assert!(aligned.ends_with("end\n"));
}

#[test]
fn cells_align_per_block_as_go_tabwriter_does() {
    let text = "a:\tx\nlonger:\ty\nbreak\nz:\tw\n  k:\tv\tmore\n";
    assert_eq!(
        text::align(text),
        "a:       x\nlonger:  y\nbreak\nz:    w\n  k:  v\tmore\n".replace("\tmore", "  more")
    );
}

#[test]
fn pod_description_has_the_facts_people_look_for() {
    let events = [event(
        "Unhealthy",
        3,
        "2026-11-26T11:50:00Z",
        "2026-11-26T11:58:00Z",
    )];
    let text = object(&pod_fixture(), &events, &Related::default(), now());
    assert!(text.starts_with("Name:             web-0\n"), "{text}");
    assert_lines(
        &text,
        &[
            "Node: minikube/192.168.49.2",
            "Start Time: Wed, 25 Nov 2026 09:59:00 +0000",
            "Labels: app=web",
            "Status: Running",
            "Controlled By: StatefulSet/web",
            "Containers:\n  nginx:\n    Container ID:\n    Image: nginx:1.25",
            "    Port: 80/TCP\n    Host Port: 0/TCP",
            "    State: Running\n      Started: Wed, 25 Nov 2026 10:00:00 +0000",
            "    Ready: True\n    Restart Count: 2",
            "Liveness: http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3",
            "    Environment:\n      POD: web-0 (v1:metadata.name)",
            "Mounts: <none>",
            "Conditions:\n  Type Status\n  Ready True",
            "Volumes: <none>",
            "QoS Class: BestEffort",
            "Events:\n  Type Reason Age From Message",
            "Warning Unhealthy 2m (x3 over 10m) kubelet spec.containers{nginx}: Liveness probe failed",
        ],
    );
}

#[test]
fn no_events_says_none() {
    let text = describe(pod_fixture(), &Related::default());
    assert!(squash(&text).ends_with("\nEvents: <none>"), "{text}");
}

#[test]
fn a_typed_pod_describes_like_its_json() {
    let pod: Pod = serde_json::from_value(pod_fixture()).unwrap();
    assert!(pod_at(&pod, &[], now()).contains("nginx:1.25"));
}

fn crontab() -> Value {
    json!({
        "apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": "my-cron", "namespace": "default", "uid": "6fd9",
            "creationTimestamp": "2026-11-26T11:00:00Z", "labels": {"team": "a"},
            "managedFields": [{"manager": "kubectl"}]},
        "spec": {"cronSpec": "* * * * */5", "replicas": 1, "podIP": "10.0.0.1",
            "image": "my-awesome-cron-image", "tags": ["a", "b"], "script": "echo a\necho b",
            "targets": [{"name": "one", "weight": 1}, {"name": "two", "weight": 2}]},
        "status": {"active": true, "note": null}
    })
}

#[test]
fn any_other_kind_is_a_readable_field_tree() {
    let text = describe(crontab(), &Related::default());
    assert!(
        text.starts_with("Name:         my-cron\nNamespace:    default\nLabels:       team=a\n"),
        "{text}"
    );
    for line in [
        "API Version:  stable.example.com/v1\n",
        "Kind:         CronTab\n",
        "Metadata:\n  Creation Timestamp:  2026-11-26T11:00:00Z\n  UID:                 6fd9\n",
        "Spec:\n  Cron Spec:  * * * * */5\n",
        "  Pod IP:     10.0.0.1\n",
        "  Tags:\n    - a\n    - b\n",
        "  Targets:\n    - Name:    one\n      Weight:  1\n    - Name:    two\n      Weight:  2\n",
        "Status:\n  Active:  true\n  Note:    <nil>\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(
        !text.contains("Managed Fields") && !text.contains("managedFields"),
        "{text}"
    );
    assert!(squash(&text).ends_with("\nEvents: <none>"), "{text}");
    assert!(
        text.contains("  Script:     echo a\n              echo b\n"),
        "a multi-line value continues under itself\n{text}"
    );
}

#[test]
fn labels_follow_kubectl_smart_labels() {
    for (field, label) in [
        ("apiVersion", "API Version"),
        ("creationTimestamp", "Creation Timestamp"),
        ("uid", "UID"),
        ("podIP", "Pod IP"),
        ("PDFLoader", "PDF Loader"),
        ("kubernetes.io/name", "kubernetes.io/name"),
    ] {
        assert_eq!(generic::smart_label(field), label);
    }
}

fn secret() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "db", "namespace": "default", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration":
                "{\"apiVersion\":\"v1\",\"data\":{\"password\":\"czNjcjN0LXBhc3N3MHJk\"},\"kind\":\"Secret\"}"
        }},
        // "s3cr3t-passw0rd" and "app"; a key that is not UTF-8.
        "data": {"password": "czNjcjN0LXBhc3N3MHJk", "username": "YXBw", "blob": "/w=="},
        "stringData": {"token": "plain-text-token"}
    })
}

#[test]
fn a_secret_shows_sizes_never_values() {
    let text = describe(secret(), &Related::default());
    assert_lines(
        &text,
        &[
            "Type: Opaque",
            "Data\n====",
            "blob: 1 bytes",
            "password: 15 bytes",
            "token: 16 bytes",
            "username: 3 bytes",
        ],
    );
    for secret in [
        "czNjcjN0",
        "s3cr3t",
        "YXBw",
        "plain-text-token",
        "last-applied",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into\n{text}");
    }
    assert!(
        !text.contains("Events"),
        "kubectl shows no events for a Secret\n{text}"
    );
}

#[test]
fn a_secret_that_fails_to_parse_still_leaks_nothing() {
    let mut broken = secret();
    broken["metadata"] = json!("not an object");
    let text = describe(broken, &Related::default());
    assert!(
        !text.contains("czNjcjN0") && !text.contains("s3cr3t"),
        "{text}"
    );
    assert!(text.contains("password:"), "{text}");
}

#[test]
fn masking_hides_data_string_data_and_the_last_applied_copy() {
    let mut masked = secret();
    mask_secret(&mut masked);
    assert_eq!(masked["data"]["password"], "<hidden: 15 bytes>");
    assert_eq!(masked["data"]["username"], "<hidden: 3 bytes>");
    assert_eq!(masked["stringData"]["token"], "<hidden: 16 bytes>");
    let text = masked.to_string();
    assert!(
        !text.contains("czNjcjN0") && !text.contains("plain-text-token"),
        "{text}"
    );
    let applied = masked["metadata"]["annotations"]
        ["kubectl.kubernetes.io/last-applied-configuration"]
        .as_str()
        .unwrap();
    assert!(applied.contains("<hidden: 15 bytes>"), "{applied}");
}

#[test]
fn revealing_decodes_text_and_names_binary() {
    let mut revealed = secret();
    reveal_secret(&mut revealed);
    assert_eq!(revealed["data"]["password"], "s3cr3t-passw0rd");
    assert_eq!(revealed["data"]["username"], "app");
    assert_eq!(revealed["data"]["blob"], "<binary: 1 bytes>");
}

#[test]
fn other_kinds_are_neither_masked_nor_revealed() {
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "YXBw"}});
    let before = cm.clone();
    mask_secret(&mut cm);
    reveal_secret(&mut cm);
    assert_eq!(cm, before);
}

#[test]
fn a_config_map_shows_each_value_under_a_rule() {
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "app-config", "namespace": "default"},
        "data": {"LOG_LEVEL": "info", "app.properties": "greeting=hello\nport=8080\n"},
        "binaryData": {"logo.png": "AAEC"}
    });
    let text = describe(cm, &Related::default());
    for part in [
        "\nData\n====\nLOG_LEVEL:\n----\ninfo\n\napp.properties:\n----\ngreeting=hello\nport=8080\n",
        "\nBinaryData\n====\nlogo.png: 3 bytes\n\nEvents:  <none>\n",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
}

#[test]
fn quantities_sum_and_print_in_their_own_suffixes() {
    let q = |s: &str| quantity::parse(s).unwrap();
    assert_eq!(q("1.5").to_string(), "1500m");
    assert_eq!((q("100m") + q("250m")).to_string(), "350m");
    assert_eq!((q("1Gi") + q("512Mi")).to_string(), "1536Mi");
    assert_eq!(q("500M").to_string(), "500M");
    assert_eq!(q("2").to_string(), "2");
    assert_eq!(q("0").to_string(), "0");
    assert_eq!(q("350m").percent_of(q("2")), 17);
    assert!(quantity::parse("lots").is_none());
}

#[test]
fn repeated_events_show_their_series() {
    let e: Event = serde_json::from_value(json!({
        "metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "web-0"},
        "type": "Normal", "reason": "Pulled", "message": "done", "reportingComponent": "kubelet",
        "eventTime": "2026-11-26T11:00:00.000000Z",
        "series": {"count": 4, "lastObservedTime": "2026-11-26T11:59:30.000000Z"}
    }))
    .unwrap();
    let text = object(&pod_fixture(), &[e], &Related::default(), now());
    assert_lines(&text, &["  Normal Pulled 30s (x4 over 60m) kubelet done"]);
}
