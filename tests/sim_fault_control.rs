#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The fault control (`rkt sim --fault-control PORT`) driven over HTTP, and each fault seen
//! from outside: by kubectl, or by a plain HTTP request where kubectl would only retry.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::http::{get, post};
use common::TestCluster;
use rkt_sim::SimConfig;

fn cluster() -> (TestCluster, String) {
    let c = TestCluster::start(SimConfig {
        fault_control: Some(0),
        ..SimConfig::test()
    });
    let control = c.sim.fault_control_url().expect("fault control asked for");
    (c, control)
}

#[test]
fn refusing_pods_makes_kubectl_fail_forbidden_until_cleared() {
    let (c, control) = cluster();
    let answer = post(&control, "/faults/refuse?code=403&resource=pods");
    assert_eq!(answer.status, 200, "{answer:?}");
    let in_force = answer.json();
    assert_eq!(in_force["refuse"]["code"], 403);
    assert_eq!(in_force["refuse"]["resource"], "pods");
    let Some(err) = c.kubectl_err(&["get", "pods", "-A"], "") else {
        return;
    };
    assert!(err.contains("Error from server (Forbidden)"), "{err}");
    c.kubectl_ok(&["get", "namespaces"]).unwrap();

    let answer = post(&control, "/faults/clear");
    assert_eq!(answer.status, 200);
    assert!(answer.json()["refuse"].is_null());
    c.kubectl_ok(&["get", "pods", "-A"]).unwrap();
}

#[test]
fn throttling_answers_429_with_retry_after_until_cleared() {
    let (c, control) = cluster();
    let in_force = post(&control, "/faults/throttle?seconds=3").json();
    assert_eq!(in_force["throttle_seconds"], 3);
    let answer = get(&c.sim.url, "/api/v1/namespaces");
    assert_eq!(answer.status, 429, "{answer:?}");
    assert_eq!(answer.header("retry-after"), Some("3"));
    let status = answer.json();
    assert_eq!(status["reason"], "TooManyRequests");
    assert_eq!(status["details"]["retryAfterSeconds"], 3);

    post(&control, "/faults/clear");
    assert_eq!(get(&c.sim.url, "/api/v1/namespaces").status, 200);
}

#[test]
fn a_stall_holds_requests_then_lifts_by_itself() {
    let (c, control) = cluster();
    let in_force = post(&control, "/faults/stall?seconds=2").json();
    assert_eq!(in_force["stalled"], true);
    let url = c.sim.url.clone();
    let held = std::thread::spawn(move || get(&url, "/api/v1/namespaces").status);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!held.is_finished(), "a request was served during the stall");
    // No clear: the stall ends by itself and the held request is served.
    assert_eq!(held.join().unwrap(), 200);
    assert_eq!(get(&control, "/faults").json()["stalled"], false);
}

#[test]
fn expire_answers_every_resume_with_410_gone() {
    let (c, control) = cluster();
    let list = get(&c.sim.url, "/api/v1/namespaces").json();
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(post(&control, "/faults/expire").json()["expire"], true);
    let path = format!("/api/v1/namespaces?watch=1&resourceVersion={rv}");
    let watch = get(&c.sim.url, &path);
    assert!(watch.body.contains("\"ERROR\""), "{watch:?}");
    assert_eq!(watch.json()["object"]["code"], 410);
    // Lists still work (clients relist), and after clear the resume is served.
    assert_eq!(get(&c.sim.url, "/api/v1/namespaces").status, 200);
    post(&control, "/faults/clear");
    let mut watch = open_watch(&c.sim.url, &format!("{path}&timeoutSeconds=1"));
    let mut body = String::new();
    watch.read_to_string(&mut body).unwrap();
    assert!(!body.contains("\"ERROR\""), "{body}");
}

/// A watch over HTTP/1.0 (the body ends with the watch); returns the open stream.
fn open_watch(url: &str, path: &str) -> std::net::TcpStream {
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
    )
    .unwrap();
    s
}

/// Reads until the server ends the stream; fails the test if it is still open after 30 s.
fn read_until_closed(mut s: std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(e) => panic!("the watch was not ended: {e}"),
        }
    }
}

#[test]
fn dropping_watches_and_restarting_end_open_watches() {
    let (c, control) = cluster();
    for action in ["drop-watches", "restart"] {
        let watch = open_watch(&c.sim.url, "/api/v1/pods?watch=1");
        // The watch is being served (its first ADDED events come) before the fault.
        let mut first = [0u8; 16];
        let mut reader = watch.try_clone().unwrap();
        reader.read_exact(&mut first).unwrap();
        assert_eq!(post(&control, &format!("/faults/{action}")).status, 200);
        read_until_closed(watch);
    }
    assert_eq!(get(&c.sim.url, "/api/v1/pods").status, 200);
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let (_c, control) = cluster();
    for (path, status, says) in [
        ("/faults/stall", 400, "missing seconds"),
        ("/faults/throttle?seconds=x", 400, "whole number"),
        ("/faults/refuse?code=999", 400, "400 to 599"),
        ("/faults/refuse", 400, "missing code"),
        ("/faults/explode", 404, "no fault \"explode\""),
        ("/nothing/here", 404, "no such path"),
    ] {
        let answer = post(&control, path);
        assert_eq!(answer.status, status, "{path}: {answer:?}");
        assert!(answer.body.contains(says), "{path}: {answer:?}");
    }
    let in_force = get(&control, "/faults").json();
    assert!(in_force["refuse"].is_null() && in_force["throttle_seconds"].is_null());
}
