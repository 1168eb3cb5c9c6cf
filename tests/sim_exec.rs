//! Exec in the simulated cluster: kubectl (≥ 1.30 speaks the WebSocket channel protocol)
//! and a raw WebSocket client for the parts kubectl does not show (v5 close of stdin,
//! resize, the protocol chosen).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{wait_for, TestCluster};
use futures::{SinkExt, StreamExt};
use rkt_sim::resources::PODS;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// A fixed-name demo pod: container `web` (a Debian-like image with bash) and
/// `log-shipper` (busybox: sh only).
const POD: &str = "web-with-sidecar";

fn running(c: &TestCluster, pod: &str) {
    wait_for(&format!("{pod} running"), 30, || {
        let p = c.sim.store.get(&PODS, "default", pod).ok()?;
        let statuses = p.value["status"]["containerStatuses"].as_array()?.clone();
        (!statuses.is_empty() && statuses.iter().all(|s| s["state"]["running"].is_object()))
            .then_some(())
    });
}

#[test]
fn kubectl_exec_runs_programs_in_the_container() {
    let c = TestCluster::demo();
    running(&c, POD);
    let Some(host) = c.kubectl_ok(&["exec", POD, "-c", "web", "--", "hostname"]) else {
        return;
    };
    assert_eq!(host, format!("{POD}\n"));
    let os = c
        .kubectl_ok(&["exec", POD, "-c", "web", "--", "cat", "/etc/os-release"])
        .unwrap();
    assert!(os.contains("PRETTY_NAME=\"Debian GNU/Linux"), "{os}");
    // Without -c kubectl picks the default container itself (and says so).
    let out = c.kubectl(&["exec", POD, "--", "pwd"]).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "/\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Defaulted container \"web\""));
}

#[test]
fn kubectl_exec_pipes_stdin_to_a_shell_and_returns_its_exit_code() {
    let c = TestCluster::demo();
    running(&c, POD);
    let Some(out) = c.kubectl_stdin_ok(
        &["exec", "-i", POD, "-c", "log-shipper", "--", "sh"],
        "hostname\necho $HOSTNAME\n",
    ) else {
        return;
    };
    assert_eq!(out, format!("{POD}\n{POD}\n"));
    let out = c
        .kubectl_stdin(
            &["exec", "-i", POD, "-c", "web", "--", "sh"],
            "echo before\nnope\nexit 3\necho after\n",
        )
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sh: nope: not found"), "{err}");
    assert!(err.contains("command terminated with exit code 3"), "{err}");
}

#[test]
fn kubectl_exec_errors_read_like_a_real_clusters() {
    let c = TestCluster::demo();
    running(&c, POD);
    // busybox has no bash: containerd's error, through the error channel.
    let Some(err) = c.kubectl_err(&["exec", POD, "-c", "log-shipper", "--", "bash"], "") else {
        return;
    };
    assert!(
        err.contains("exec: \"bash\": executable file not found in $PATH"),
        "{err}"
    );
    let err = c
        .kubectl_err(&["exec", POD, "-c", "db", "--", "ls"], "")
        .unwrap();
    assert!(
        err.contains("container db is not valid for pod web-with-sidecar"),
        "{err}"
    );
    let err = c
        .kubectl_err(&["exec", "nosuchpod", "--", "ls"], "")
        .unwrap();
    assert!(err.contains("pods \"nosuchpod\" not found"), "{err}");
}

/// kubectl before 1.30 speaks SPDY only: it gets a message that says so.
#[test]
fn spdy_exec_is_refused_with_a_clear_message() {
    let c = TestCluster::demo();
    running(&c, POD);
    let Some(kubectl) = common::kubectl_path() else {
        return;
    };
    let old = std::fs::canonicalize(&kubectl)
        .ok()
        .and_then(|p| Some(p.parent()?.join("kubectl.1.29")))
        .filter(|p| p.is_file());
    let Some(old) = old else {
        eprintln!("SKIPPED: no kubectl 1.29 beside {}", kubectl.display());
        return;
    };
    let out = std::process::Command::new(old)
        .args(["exec", POD, "-c", "web", "--", "hostname"])
        .env("KUBECONFIG", c.kubeconfig())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SPDY exec"), "{err}");
    assert!(err.contains("only over WebSocket"), "{err}");
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(c: &TestCluster, query: &str, protocols: &str) -> (Ws, Option<String>) {
    let url = format!(
        "{}/api/v1/namespaces/default/pods/{POD}/exec?{query}",
        c.sim.url.replace("http://", "ws://")
    );
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", protocols.parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    let proto = resp
        .headers()
        .get("Sec-WebSocket-Protocol")
        .map(|v| v.to_str().unwrap().to_string());
    (ws, proto)
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = vec![channel];
    v.extend_from_slice(data);
    Message::Binary(v.into())
}

/// Reads frames until `channel`'s text (so far) contains `want`; returns it all.
async fn read_until(ws: &mut Ws, channel: u8, want: &str) -> String {
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(20), async {
        while !seen.contains(want) {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) if b.first() == Some(&channel) => {
                    seen.push_str(&String::from_utf8_lossy(&b[1..]));
                }
                Some(Ok(_)) => {}
                other => panic!("stream ended before {want:?}: {other:?}; saw {seen:?}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {want:?} on channel {channel}; saw {seen:?}"));
    seen
}

#[test]
fn raw_websocket_v5_resize_and_close_of_stdin() {
    let c = TestCluster::demo();
    running(&c, POD);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let query = "command=sh&container=web&stdin=true&stdout=true&tty=true";
        let (mut ws, proto) = connect(&c, query, "v4.channel.k8s.io, v5.channel.k8s.io").await;
        assert_eq!(proto.as_deref(), Some("v5.channel.k8s.io"));
        ws.send(frame(4, br#"{"Width":100,"Height":30}"#))
            .await
            .unwrap();
        read_until(&mut ws, 1, "/ # ").await;
        ws.send(frame(0, b"stty size\r")).await.unwrap();
        let out = read_until(&mut ws, 1, "30 100\r\n/ # ").await;
        assert!(
            out.starts_with("stty size\r\n"),
            "typed characters are echoed: {out:?}"
        );
        ws.send(frame(4, br#"{"Width":132,"Height":50}"#))
            .await
            .unwrap();
        ws.send(frame(0, b"tput lines; tput cols\r")).await.unwrap();
        read_until(&mut ws, 1, "50\r\n132\r\n").await;
        // v5: the client closes stdin; the shell reaches end of input and exits 0.
        ws.send(Message::Binary(vec![255, 0].into())).await.unwrap();
        let status = read_until(&mut ws, 3, "}").await;
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        assert_eq!(status["status"], "Success");
        match ws.next().await {
            Some(Ok(Message::Close(Some(f)))) => assert_eq!(u16::from(f.code), 1000),
            other => panic!("expected a normal close, got {other:?}"),
        }
    });
}

#[test]
fn raw_websocket_v4_exit_status_and_separate_stderr() {
    let c = TestCluster::demo();
    running(&c, POD);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let query = "command=sh&command=-c&command=echo%20out%3B%20nope%3B%20exit%2042\
                     &container=web&stdout=true&stderr=true";
        let (mut ws, proto) = connect(&c, query, "v4.channel.k8s.io").await;
        assert_eq!(proto.as_deref(), Some("v4.channel.k8s.io"));
        let mut by_channel = [String::new(), String::new(), String::new(), String::new()];
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Binary(b) = msg {
                let ch = usize::from(b[0]);
                by_channel[ch].push_str(&String::from_utf8_lossy(&b[1..]));
            }
        }
        assert_eq!(by_channel[1], "out\n");
        assert_eq!(by_channel[2], "sh: nope: not found\n");
        let status: serde_json::Value = serde_json::from_str(&by_channel[3]).unwrap();
        assert_eq!(status["reason"], "NonZeroExitCode");
        assert_eq!(status["details"]["causes"][0]["message"], "42");
    });
}
