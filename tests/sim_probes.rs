//! Probe failures in the simulated cluster read as a kubelet's do: `Unhealthy` warnings
//! counted up once per failed probe, then `Killing` and a restart (judged by kubectl).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{wait_for, TestCluster};
use serde_json::Value;

fn events_of(c: &TestCluster, pod: &str) -> Option<Vec<Value>> {
    let out = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={pod}"),
        "-o",
        "json",
    ])?;
    let list: Value = serde_json::from_str(&out).unwrap();
    Some(list["items"].as_array().cloned().unwrap_or_default())
}

#[test]
fn liveness_failures_are_unhealthy_events_then_a_kill() {
    let c = TestCluster::demo();
    if c.kubectl(&[]).is_none() {
        return;
    }
    let restarted = |c: &TestCluster| {
        let out = c
            .kubectl_ok(&[
                "get",
                "pod",
                "liveness-http",
                "-o",
                "jsonpath={.status.containerStatuses[0].restartCount}",
            ])
            .unwrap();
        out.parse::<u32>().unwrap_or(0)
    };
    wait_for("liveness-http restarted twice", 60, || {
        (restarted(&c) >= 2).then_some(())
    });
    let events = events_of(&c, "liveness-http").unwrap();
    let unhealthy: Vec<&Value> = events
        .iter()
        .filter(|e| e["reason"] == "Unhealthy")
        .collect();
    assert_eq!(unhealthy.len(), 1, "one event, counted up: {unhealthy:?}");
    let e = unhealthy[0];
    assert_eq!(e["type"], "Warning");
    assert_eq!(
        e["message"],
        "Liveness probe failed: HTTP probe failed with statuscode: 500"
    );
    assert_eq!(e["source"]["component"], "kubelet");
    assert_eq!(
        e["involvedObject"]["fieldPath"],
        "spec.containers{liveness}"
    );
    // failureThreshold 3 per restart, two restarts.
    assert!(e["count"].as_i64().unwrap() >= 6, "{e}");
    assert!(e["firstTimestamp"] != Value::Null && e["lastTimestamp"] != Value::Null);
    let killing = events
        .iter()
        .find(|e| e["reason"] == "Killing")
        .expect("a Killing event");
    assert_eq!(
        killing["message"],
        "Container liveness failed liveness probe, will be restarted"
    );
    assert!(killing["count"].as_i64().unwrap() >= 2, "{killing}");

    let describe = c.kubectl_ok(&["describe", "pod", "liveness-http"]).unwrap();
    let line = describe
        .lines()
        .find(|l| l.contains("Unhealthy"))
        .unwrap_or_else(|| panic!("{describe}"));
    assert!(
        line.contains("Warning") && line.contains("kubelet"),
        "{line}"
    );
    assert!(
        line.contains("Liveness probe failed: HTTP probe failed with statuscode: 500"),
        "{line}"
    );
    assert!(
        describe.contains("Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3"),
        "{describe}"
    );
}
