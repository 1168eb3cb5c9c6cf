//! kubectl (the judge of fidelity) and kube-rs against a whole simulated cluster.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{wait_for, TestCluster};

/// The name of the first Running pod with `selector`, once there is one.
fn running_pod(c: &TestCluster, ns: &str, selector: &str) -> Option<String> {
    c.kubectl(&[])?;
    Some(wait_for(&format!("a running {selector} pod"), 30, || {
        let out = c.kubectl_ok(&[
            "get",
            "pods",
            "-n",
            ns,
            "-l",
            selector,
            "--field-selector=status.phase=Running",
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ])?;
        out.split_whitespace().next().map(str::to_string)
    }))
}

#[test]
fn kubectl_logs_tail_timestamps_since_and_containers() {
    let c = TestCluster::demo();
    let Some(pod) = running_pod(&c, "default", "app=hello-minikube") else {
        return;
    };
    let all = wait_for("three log lines", 30, || {
        let out = c.kubectl_ok(&["logs", &pod]).unwrap();
        (out.lines().count() >= 3).then_some(out)
    });
    assert!(
        all.lines().next().unwrap().contains("cozserver starting"),
        "{all}"
    );

    let tail = c.kubectl_ok(&["logs", &pod, "--tail=2"]).unwrap();
    assert_eq!(tail.lines().count(), 2, "{tail}");

    let stamped = c
        .kubectl_ok(&["logs", &pod, "--tail=1", "--timestamps"])
        .unwrap();
    let (ts, line) = stamped.trim_end().split_once(' ').unwrap();
    assert!(
        ts.parse::<jiff::Timestamp>().is_ok() && ts.len() == 30,
        "{ts}"
    );
    assert!(all.contains(line) || line.contains("HTTP/1.1"), "{line}");

    let since = c.kubectl_ok(&["logs", &pod, "--since=1h"]).unwrap();
    assert!(since.starts_with(&all[..all.len().min(40)]));

    // Two containers: kubectl picks the first by itself; -c picks another.
    let sidecar = c
        .kubectl_ok(&["logs", "web-with-sidecar", "-c", "log-shipper"])
        .unwrap();
    assert!(sidecar.contains("[fluent bit]"), "{sidecar}");
    let main = c.kubectl_ok(&["logs", "web-with-sidecar"]).unwrap();
    assert!(main.contains("cozserver starting"), "{main}");

    let err = c.kubectl_err(&["logs", &pod, "-p"], "").unwrap();
    assert!(
        err.contains(&format!(
            "previous terminated container \"cozserver\" in pod \"{pod}\" not found"
        )),
        "{err}"
    );
}

#[test]
fn kubectl_logs_previous_of_a_restarted_container() {
    let c = TestCluster::demo();
    if c.kubectl(&[]).is_none() {
        return;
    }
    // liveness-http fails its probe and is restarted by the simulated kubelet.
    let previous = wait_for("a previous run of liveness-http", 60, || {
        let out = c.kubectl(&["logs", "liveness-http", "-p"]).unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    });
    assert!(
        previous
            .lines()
            .next()
            .unwrap_or("")
            .contains("starting worker"),
        "{previous}"
    );
}

#[test]
fn kubectl_logs_follow_streams_until_the_pod_is_deleted() {
    let c = TestCluster::demo();
    let annotation = format!("{}=20ms", rkt_sim::logs::LOG_INTERVAL_ANNOTATION);
    let Some(_) = c.kubectl_ok(&[
        "run",
        "chatty",
        "--image=busybox:1.36",
        "--restart=Never",
        &format!("--annotations={annotation}"),
    ]) else {
        return;
    };
    wait_for("chatty to run", 30, || {
        let phase = c
            .kubectl_ok(&["get", "pod", "chatty", "-o", "jsonpath={.status.phase}"])
            .unwrap();
        (phase == "Running").then_some(())
    });
    let mut child = c
        .kubectl_command(&["logs", "-f", "chatty", "--tail=1"])
        .unwrap()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let deadline = Duration::from_secs(30);
    for _ in 0..20 {
        let line = rx
            .recv_timeout(deadline)
            .expect("kubectl logs -f keeps printing");
        assert!(line.contains("level="), "{line}");
    }
    c.kubectl_ok(&["delete", "pod", "chatty", "--wait=false"])
        .unwrap();
    let exited = wait_for("kubectl logs -f to end with the pod", 60, || {
        while rx.try_recv().is_ok() {}
        child.try_wait().unwrap()
    });
    assert!(exited.success(), "{exited:?}");
    reader.join().unwrap();
}

#[test]
fn kubectl_port_forward_is_refused_with_a_clear_error() {
    let c = TestCluster::demo();
    let Some(pod) = running_pod(&c, "default", "app=hello-minikube") else {
        return;
    };
    let err = c
        .kubectl_err(&["port-forward", &pod, "0:8080"], "")
        .unwrap();
    assert!(
        err.contains("SPDY port-forwarding (kubectl port-forward) is not supported"),
        "{err}"
    );
}

#[test]
fn kube_rs_port_forward_to_a_demo_pod() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let c = TestCluster::demo();
    let Some(pod) = running_pod(&c, "default", "app=hello-minikube") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let client = crate::common::kube_client(c.kubeconfig()).await;
        let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
            kube::Api::namespaced(client, "default");

        let mut pf = pods.portforward(&pod, &[8080]).await.unwrap();
        let mut stream = pf.take_stream(8080).unwrap();
        stream
            .write_all(
                b"GET /from-kube-rs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .await
            .unwrap();
        let mut page = String::new();
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_string(&mut page))
            .await
            .expect("the page within the deadline")
            .unwrap();
        assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
        assert!(
            page.contains(&format!("Hello from {pod} (sebcontents/cozserver:")),
            "{page}"
        );
        assert!(page.contains("request: GET /from-kube-rs"));

        let mut pf = pods.portforward(&pod, &[9999]).await.unwrap();
        let error = tokio::time::timeout(Duration::from_secs(20), pf.take_error(9999).unwrap())
            .await
            .expect("the error within the deadline")
            .unwrap();
        assert!(
            error.starts_with("error forwarding port 9999 to pod "),
            "{error}"
        );
    });
}
