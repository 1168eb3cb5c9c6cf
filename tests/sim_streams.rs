//! Pod logs and port-forward of the simulated cluster, through kube-rs and kubectl.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "streams/kubectl.rs"]
mod kubectl;
#[path = "streams/mini.rs"]
mod mini;

use std::time::Duration;

use futures::{AsyncBufReadExt, TryStreamExt};
use kube::api::LogParams;
use mini::{ago, pod, running, MiniSim};
use rkt_sim::logs::LOG_INTERVAL_ANNOTATION;
use serde_json::json;

/// Generous bound for anything that should happen within a second or two.
const DEADLINE: Duration = Duration::from_secs(20);

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

fn fast(mut p: serde_json::Value, interval: &str) -> serde_json::Value {
    p["metadata"]["annotations"] = json!({ LOG_INTERVAL_ANNOTATION: interval });
    p
}

fn api_error(e: kube::Error) -> (u16, String) {
    match e {
        kube::Error::Api(s) => (s.code, s.message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn logs_of_a_running_container() {
    let sim = MiniSim::start().await;
    sim.add_pod(pod(
        "hello",
        &[("echo", "sebcontents/cozserver:1.0", &[8080])],
        &ago(30),
    ));
    let text = sim
        .pods()
        .logs("hello", &LogParams::default())
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // 0.7 s per line for 30 s
    assert!((40..=46).contains(&lines.len()), "{} lines", lines.len());
    assert!(lines[0].contains("cozserver starting"));
    assert!(lines[5].contains("HTTP/1.1\""), "{}", lines[5]);
    // Deterministic: asking again gives the same lines (plus maybe a new one).
    let again = sim
        .pods()
        .logs("hello", &LogParams::default())
        .await
        .unwrap();
    assert!(again.starts_with(&text));

    let tail = LogParams {
        tail_lines: Some(3),
        timestamps: true,
        ..LogParams::default()
    };
    let t = sim.pods().logs("hello", &tail).await.unwrap();
    let t: Vec<&str> = t.lines().collect();
    assert_eq!(t.len(), 3);
    for (line, original) in t.iter().zip(&lines[lines.len() - 3..]) {
        let (ts, rest) = line.split_once(' ').unwrap();
        assert_eq!(ts.len(), 30, "{ts}");
        assert!(ts.ends_with('Z'));
        assert_eq!(rest, *original);
    }

    let limited = LogParams {
        limit_bytes: Some(10),
        ..LogParams::default()
    };
    let l = sim.pods().logs("hello", &limited).await.unwrap();
    assert_eq!(l, text[..10]);
}

#[tokio::test]
async fn follow_streams_new_lines_and_ends_with_the_container() {
    let sim = MiniSim::start().await;
    let started = ago(1);
    sim.add_pod(fast(
        pod("worker", &[("app", "busybox", &[])], &started),
        "20ms",
    ));
    let follow = LogParams {
        follow: true,
        tail_lines: Some(0),
        timestamps: true,
        ..LogParams::default()
    };
    let mut lines = sim
        .pods()
        .log_stream("worker", &follow)
        .await
        .unwrap()
        .lines();
    let mut seen = Vec::new();
    while seen.len() < 10 {
        seen.push(
            within("followed lines", lines.try_next())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let stamps: Vec<&str> = seen.iter().map(|l| l.split_once(' ').unwrap().0).collect();
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:?}");

    // The container crashes: the stream ends with its last words.
    sim.set_container_status(
        "worker",
        json!({"name": "app", "restartCount": 0, "state": {"terminated": {
            "startedAt": started, "finishedAt": ago(0), "exitCode": 2, "reason": "Error"}}}),
    );
    let rest: Vec<String> = within("the end of the stream", lines.try_collect())
        .await
        .unwrap();
    assert!(
        rest.iter().any(|l| l.contains("panic: runtime error")),
        "{rest:?}"
    );
}

#[tokio::test]
async fn follow_ends_when_the_pod_is_deleted() {
    let sim = MiniSim::start().await;
    sim.add_pod(fast(
        pod("gone", &[("app", "nginx:1.27", &[80])], &ago(5)),
        "50ms",
    ));
    let follow = LogParams {
        follow: true,
        ..LogParams::default()
    };
    let mut lines = sim
        .pods()
        .log_stream("gone", &follow)
        .await
        .unwrap()
        .lines();
    within("a line", lines.try_next()).await.unwrap().unwrap();
    sim.store
        .remove(&rkt_sim::resources::PODS, "default", "gone");
    let mut count = 0;
    while within("the stream to end", lines.try_next())
        .await
        .unwrap()
        .is_some()
    {
        count += 1;
        assert!(count < 10_000, "the stream did not end");
    }
}

#[tokio::test]
async fn containers_previous_runs_and_errors() {
    let sim = MiniSim::start().await;
    sim.add_pod(pod(
        "web",
        &[
            ("nginx", "nginx:1.27", &[80]),
            ("shipper", "fluent/fluent-bit:3.1", &[]),
        ],
        &ago(60),
    ));
    let e = sim
        .pods()
        .logs("web", &LogParams::default())
        .await
        .unwrap_err();
    assert_eq!(
        api_error(e),
        (
            400,
            "a container name must be specified for pod web, choose one of: [nginx shipper]"
                .to_string()
        )
    );
    let c = |name: &str| LogParams {
        container: Some(name.to_string()),
        ..LogParams::default()
    };
    let nginx = sim.pods().logs("web", &c("nginx")).await.unwrap();
    assert!(nginx.contains("Configuration complete; ready for start up"));
    let shipper = sim.pods().logs("web", &c("shipper")).await.unwrap();
    assert!(shipper.contains("[fluent bit]"));

    let previous = LogParams {
        previous: true,
        ..c("nginx")
    };
    let e = sim.pods().logs("web", &previous).await.unwrap_err();
    assert_eq!(
        api_error(e).1,
        "previous terminated container \"nginx\" in pod \"web\" not found"
    );

    // After a crash and restart the previous run is there, ending in its error.
    let mut status = running("nginx", &ago(2));
    status["restartCount"] = json!(1);
    status["lastState"] = json!({"terminated": {"startedAt": ago(60), "finishedAt": ago(3),
        "exitCode": 1, "reason": "Error"}});
    sim.set_container_status("web", status);
    let prev = sim.pods().logs("web", &previous).await.unwrap();
    assert!(
        prev.trim_end().ends_with("(98: Address already in use)"),
        "{prev}"
    );
    let now = sim.pods().logs("web", &c("nginx")).await.unwrap();
    assert!(now.lines().count() < 10, "{now}");

    sim.add_pod(pod("new", &[("app", "nginx:1.27", &[80])], &ago(0)));
    sim.set_container_status(
        "new",
        json!({"name": "app", "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}),
    );
    let e = sim
        .pods()
        .logs("new", &LogParams::default())
        .await
        .unwrap_err();
    assert_eq!(
        api_error(e),
        (
            400,
            "container \"app\" in pod \"new\" is waiting to start: ContainerCreating".to_string()
        )
    );
    let e = sim
        .pods()
        .logs("nosuch", &LogParams::default())
        .await
        .unwrap_err();
    assert_eq!(api_error(e), (404, "pods \"nosuch\" not found".to_string()));
}

#[tokio::test]
async fn since_time_is_exact() {
    let sim = MiniSim::start().await;
    sim.add_pod(fast(
        pod("p", &[("app", "busybox", &[])], &ago(10)),
        "100ms",
    ));
    let all = sim
        .pods()
        .logs(
            "p",
            &LogParams {
                timestamps: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    let lines: Vec<&str> = all.lines().collect();
    // sinceTime has whole seconds on the wire (metav1.Time).
    let stamp = |l: &str| {
        l.split_once(' ')
            .unwrap()
            .0
            .parse::<jiff::Timestamp>()
            .unwrap()
    };
    let second = stamp(lines[lines.len() / 2]).as_second();
    let expected = lines
        .iter()
        .find(|l| stamp(l).as_second() >= second)
        .unwrap();
    let since = LogParams {
        timestamps: true,
        since_time: Some(k8s_openapi::jiff::Timestamp::from_second(second).unwrap()),
        ..LogParams::default()
    };
    let from = sim.pods().logs("p", &since).await.unwrap();
    assert_eq!(from.lines().next(), Some(*expected));
    assert!(all.ends_with(&from) || from.starts_with(&all[all.find(expected).unwrap()..]));
}

#[tokio::test]
async fn hostile_logger_writes_raw_control_bytes() {
    let sim = MiniSim::start().await;
    sim.add_pod(fast(
        pod("evil", &[("app", "rkt/hostile-logger", &[])], &ago(3)),
        "10ms",
    ));
    let mut stream = sim
        .pods()
        .log_stream("evil", &LogParams::default())
        .await
        .unwrap();
    let mut bytes = Vec::new();
    futures::AsyncReadExt::read_to_end(&mut stream, &mut bytes)
        .await
        .unwrap();
    assert!(bytes.windows(4).any(|w| w == b"\x1b]52"), "OSC 52");
    assert!(bytes.windows(4).any(|w| w == b"\x1b[2J"), "clear screen");
    assert!(bytes.contains(&0x9b), "raw C1 byte");
    assert!(String::from_utf8(bytes).is_err(), "invalid UTF-8");
}

/// Reads one HTTP response (head and Content-Length body) from a forwarded stream.
async fn read_response(stream: &mut (impl tokio::io::AsyncRead + Unpin)) -> (String, String) {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = within("a response head", stream.read(&mut byte))
            .await
            .unwrap();
        assert_eq!(n, 1, "stream ended inside a response head: {buf:?}");
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    within("a response body", stream.read_exact(&mut body))
        .await
        .unwrap();
    (head, String::from_utf8(body).unwrap())
}

#[tokio::test]
async fn portforward_serves_the_pods_page() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = MiniSim::start().await;
    sim.add_pod(pod(
        "hello-minikube-5d8b7c6f9-x2lmp",
        &[("cozserver", "sebcontents/cozserver:1.0", &[8080])],
        &ago(60),
    ));
    let mut pf = sim
        .pods()
        .portforward("hello-minikube-5d8b7c6f9-x2lmp", &[8080])
        .await
        .unwrap();
    let mut stream = pf.take_stream(8080).unwrap();
    stream
        .write_all(b"GET /path?q=1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")
        .await
        .unwrap();
    let (head, body) = read_response(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        body.starts_with(
            "Hello from hello-minikube-5d8b7c6f9-x2lmp (sebcontents/cozserver:1.0)\nrequest: GET /path?q=1\n"
        ),
        "{body}"
    );
    assert!(body.contains("pod IP: 10.244.0.7"));

    // A second request on the same connection, asking to close afterwards.
    stream
        .write_all(b"GET /second HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (head, body) = read_response(&mut stream).await;
    assert!(head.contains("Connection: close"));
    assert!(body.contains("request: GET /second"));
    let mut rest = Vec::new();
    within("the forward to close", stream.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(rest.is_empty());
    // The forwarder's task finishes once the stream is gone (kube-rs may report that the
    // socket was already closed by the server, which is how the kubelet ends it too).
    drop(stream);
    let _ = within("the forwarder to finish", pf.join()).await;
}

#[tokio::test]
async fn portforward_to_a_closed_port_reports_the_kubelets_error() {
    use tokio::io::AsyncWriteExt;
    let sim = MiniSim::start().await;
    sim.add_pod(pod("web", &[("app", "nginx:1.27", &[80])], &ago(10)));
    let mut pf = sim.pods().portforward("web", &[80, 9999]).await.unwrap();
    let error = pf.take_error(9999).unwrap();
    let message = within("the error channel", error).await.unwrap();
    assert!(
        message.starts_with("error forwarding port 9999 to pod ")
            && message.contains("connect: connection refused"),
        "{message}"
    );
    // The other port of the same connection still works.
    let mut stream = pf.take_stream(80).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let (_, body) = read_response(&mut stream).await;
    assert!(body.starts_with("Hello from web (nginx:1.27)"), "{body}");
}

#[tokio::test]
async fn portforward_refuses_pods_that_are_not_running() {
    let sim = MiniSim::start().await;
    let mut p = pod("pending", &[("app", "nginx:1.27", &[80])], &ago(0));
    p["status"] = json!({"phase": "Pending"});
    sim.add_pod(p);
    let e = sim
        .pods()
        .portforward("pending", &[80])
        .await
        .err()
        .unwrap();
    assert_eq!(
        api_error(e),
        (
            400,
            "unable to forward port because pod is not running. Current status=Pending".to_string()
        )
    );
    let e = sim.pods().portforward("nosuch", &[80]).await.err().unwrap();
    assert_eq!(api_error(e).0, 404);
}

#[tokio::test]
async fn portforward_ends_when_the_pod_is_deleted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = MiniSim::start().await;
    sim.add_pod(pod("doomed", &[("app", "nginx:1.27", &[80])], &ago(10)));
    let mut pf = sim.pods().portforward("doomed", &[80]).await.unwrap();
    let mut stream = pf.take_stream(80).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    read_response(&mut stream).await;
    sim.store
        .remove(&rkt_sim::resources::PODS, "default", "doomed");
    let mut rest = Vec::new();
    within("the forward to end", stream.read_to_end(&mut rest))
        .await
        .unwrap();
    assert!(rest.is_empty());
}

#[tokio::test]
async fn spdy_and_plain_requests_are_refused_clearly() {
    let sim = MiniSim::start().await;
    sim.add_pod(pod("web", &[("app", "nginx:1.27", &[80])], &ago(10)));
    let url = "/api/v1/namespaces/default/pods/web/portforward";
    let spdy = http::Request::post(url)
        .header(http::header::UPGRADE, "SPDY/3.1")
        .header(http::header::CONNECTION, "Upgrade")
        .body(Vec::new())
        .unwrap();
    let (code, message) = api_error(sim.client.request_text(spdy).await.unwrap_err());
    assert_eq!(code, 400);
    assert!(
        message.contains("SPDY port-forwarding (kubectl port-forward) is not supported"),
        "{message}"
    );
    let plain = http::Request::get(format!("{url}?ports=80"))
        .body(Vec::new())
        .unwrap();
    let (code, message) = api_error(sim.client.request_text(plain).await.unwrap_err());
    assert_eq!((code, message.as_str()), (400, "Upgrade request required"));
}
