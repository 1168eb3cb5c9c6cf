use serde_json::{json, Value};

use super::instance::PodView;
use super::*;

fn pod(containers: &[(&str, &str)], statuses: Value) -> Value {
    json!({
        "metadata": {"name": "web-1", "namespace": "default", "uid": "u-1"},
        "spec": {"containers": containers.iter().map(|(n, i)| json!({"name": n, "image": i})).collect::<Vec<_>>()},
        "status": {"phase": "Running", "containerStatuses": statuses},
    })
}

fn running(name: &str) -> Value {
    json!({"name": name, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-25T19:00:00Z"}}})
}

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn container_must_be_named_when_there_are_several() {
    let p = pod(&[("app", "nginx"), ("sidecar", "fluent-bit")], json!([]));
    let view = PodView {
        pod: &p,
        name: "web-1",
    };
    let e = view.container(None).unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "a container name must be specified for pod web-1, choose one of: [app sidecar]"
    );
    assert_eq!(view.container(Some("sidecar")).unwrap(), "sidecar");
    let e = view.container(Some("nope")).unwrap_err();
    assert_eq!(e.message, "container nope is not valid for pod web-1");

    let single = pod(&[("app", "nginx")], json!([]));
    let view = PodView {
        pod: &single,
        name: "web-1",
    };
    assert_eq!(view.container(None).unwrap(), "app");
}

#[test]
fn waiting_and_missing_previous_are_the_kubelets_errors() {
    let p = pod(
        &[("app", "nginx")],
        json!([{"name": "app", "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}]),
    );
    let view = PodView {
        pod: &p,
        name: "web-1",
    };
    let e = view.instance("app", false).unwrap_err();
    assert_eq!(
        e.message,
        "container \"app\" in pod \"web-1\" is waiting to start: ContainerCreating"
    );
    let e = view.instance("app", true).unwrap_err();
    assert_eq!(
        e.message,
        "previous terminated container \"app\" in pod \"web-1\" not found"
    );

    let pulling = pod(
        &[("app", "nginx")],
        json!([{"name": "app", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]),
    );
    let view = PodView {
        pod: &pulling,
        name: "web-1",
    };
    assert!(view
        .instance("app", false)
        .unwrap_err()
        .message
        .ends_with("is waiting to start: trying and failing to pull image"));
}

#[test]
fn previous_and_crashloop_read_the_last_run() {
    let last = json!({"terminated": {"startedAt": "2026-11-25T18:00:00Z", "finishedAt": "2026-11-25T18:00:03Z", "exitCode": 1, "reason": "Error"}});
    let p = pod(
        &[("app", "busybox")],
        json!([{"name": "app", "restartCount": 3, "state": {"running": {"startedAt": "2026-11-25T19:00:00Z"}}, "lastState": last}]),
    );
    let view = PodView {
        pod: &p,
        name: "web-1",
    };
    let prev = view.instance("app", true).unwrap();
    assert_eq!(prev.started_at, "2026-11-25T18:00:00Z");
    assert_eq!(prev.exit.as_ref().unwrap().code, 1);
    let current = view.instance("app", false).unwrap();
    assert_eq!(current.started_at, "2026-11-25T19:00:00Z");
    assert!(current.exit.is_none());
    assert_ne!(prev.seed, current.seed);
    // the crashed run ends with a panic
    let last_line = prev.line(prev.available(0) - 1);
    assert_eq!(last_line.text, b"\t/app/server.go:87 +0x2e");

    let crashloop = pod(
        &[("app", "busybox")],
        json!([{"name": "app", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "lastState": last}]),
    );
    let view = PodView {
        pod: &crashloop,
        name: "web-1",
    };
    assert_eq!(
        view.instance("app", false).unwrap().started_at,
        "2026-11-25T18:00:00Z"
    );
}

#[test]
fn interval_comes_from_the_annotation() {
    let mut p = pod(&[("app", "nginx")], json!([running("app")]));
    let view = PodView {
        pod: &p,
        name: "web-1",
    };
    assert_eq!(
        view.instance("app", false).unwrap().interval_ns,
        900_000_000
    );
    p["metadata"]["annotations"] = json!({LOG_INTERVAL_ANNOTATION: "250us"});
    let view = PodView {
        pod: &p,
        name: "web-1",
    };
    assert_eq!(view.instance("app", false).unwrap().interval_ns, 250_000);
    assert_eq!(parse_interval_ns("2s"), Some(2_000_000_000));
    assert_eq!(parse_interval_ns("1.5ms"), Some(1_500_000));
    assert_eq!(parse_interval_ns("10"), Some(10_000_000));
    assert_eq!(parse_interval_ns("0"), Some(1));
    assert_eq!(parse_interval_ns("fast"), None);
    assert_eq!(parse_interval_ns("3 parsecs"), None);
}

#[test]
fn options_are_parsed_and_validated() {
    let now = 1_000 * 1_000_000_000;
    let (o, c) = parse_options(
        &q(&[
            ("follow", "true"),
            ("tailLines", "10"),
            ("timestamps", "true"),
            ("container", "app"),
            ("sinceSeconds", "60"),
            ("limitBytes", "100"),
        ]),
        now,
    )
    .unwrap();
    assert!(o.follow && o.timestamps && !o.previous);
    assert_eq!(o.tail_lines, Some(10));
    assert_eq!(o.limit_bytes, Some(100));
    assert_eq!(o.since_ns, Some(940 * 1_000_000_000));
    assert_eq!(c.as_deref(), Some("app"));

    let (o, _) = parse_options(&q(&[("sinceTime", "2026-11-25T19:57:19.5Z")]), now).unwrap();
    assert_eq!(o.since_ns, Some(1_795_636_639_500_000_000));
    let (o, _) = parse_options(&q(&[("follow", "false"), ("previous", "1")]), now).unwrap();
    assert!(!o.follow && o.previous);

    for bad in [
        vec![("tailLines", "-1")],
        vec![("tailLines", "x")],
        vec![("limitBytes", "0")],
        vec![("sinceSeconds", "0")],
        vec![("sinceTime", "yesterday")],
        vec![("sinceSeconds", "5"), ("sinceTime", "2026-11-25T19:57:19Z")],
    ] {
        let e = parse_options(&q(&bad), now).unwrap_err();
        assert_eq!(e.code, 400, "{bad:?}");
    }
}
