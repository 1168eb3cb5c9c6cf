#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The port-forward engine against the simulated cluster over real HTTP/WebSocket.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, ListParams};
use kube::{Api, Client};
use rkt::cluster::portforward::{
    resolve_target, ForwardError, ForwardManager, ForwardSpec, ForwardState, ForwardStatus,
    TargetKind, TargetRef,
};
use rkt_sim::{SimConfig, SimHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedReceiver;

const WAIT: Duration = Duration::from_secs(30);

async fn cluster() -> (SimHandle, Client) {
    let sim = rkt_sim::start(SimConfig::test()).await.expect("sim starts");
    let client = common::kube_client(&sim.kubeconfig).await;
    (sim, client)
}

fn hello() -> TargetRef {
    TargetRef::new(TargetKind::Service, "default", "hello-minikube")
}

/// Waits for a status matching `pred`, failing the test after [`WAIT`].
async fn status_where(
    rx: &mut UnboundedReceiver<ForwardStatus>,
    what: &str,
    pred: impl Fn(&ForwardStatus) -> bool,
) -> ForwardStatus {
    let found = tokio::time::timeout(WAIT, async {
        while let Some(s) = rx.recv().await {
            if pred(&s) {
                return s;
            }
        }
        panic!("status channel closed while waiting for {what}");
    })
    .await;
    found.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// One HTTP GET over a plain TCP connection; the whole response (the server closes).
async fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr).await?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    let mut out = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("response timed out"))??;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Names of the pods matching `selector`; Terminating ones only with `terminating`.
async fn pods_of(client: &Client, selector: &str, terminating: bool) -> Vec<String> {
    let api: Api<Pod> = Api::namespaced(client.clone(), "default");
    let list = api
        .list(&ListParams::default().labels(selector))
        .await
        .unwrap();
    list.items
        .into_iter()
        .filter(|p| terminating || p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| p.metadata.name)
        .collect()
}

/// Polls an async check until it returns `Some`, failing the test after `secs` seconds.
async fn poll<T, F, Fut>(what: &str, secs: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {secs}s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_refused(addr: SocketAddr) {
    let refused = tokio::time::timeout(WAIT, async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "{addr} still accepts connections");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_forward_follows_pod_replacement_and_stops() {
    let (_sim, client) = cluster().await;
    let (mut pf, mut rx) = ForwardManager::with_channel(client.clone());
    let started = pf.start(ForwardSpec::new(hello(), 0, 8080)).unwrap();
    assert_ne!(started.local.port(), 0);
    let first = status_where(&mut rx, "a serving pod", |s| s.pod.is_some()).await;
    let serving = first.pod.clone().unwrap();
    assert_eq!(first.pod_port, Some(8080));

    let page = http_get(started.local, "/hello").await.unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains(&serving),
        "page should name {serving}: {page}"
    );
    assert!(page.contains("/hello"), "{page}");

    // Delete the serving pod: the next connection goes to another pod, untouched by us.
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.delete(&serving, &DeleteParams::default())
        .await
        .unwrap();
    // Every hello-minikube pod of this moment, Terminating ones too: the demo may still be
    // rolling out, and an old pod may serve until it is gone.
    let before = pods_of(&client, "app=hello-minikube", true).await;
    let page = poll("a page from another pod", 30, || async {
        let page = http_get(started.local, "/").await.ok()?;
        (page.starts_with("HTTP/1.1 200") && !page.contains(&serving)).then_some(page)
    })
    .await;
    let mut known = pods_of(&client, "app=hello-minikube", true).await;
    known.extend(before);
    assert!(
        known
            .iter()
            .any(|p| *p != serving && page.contains(p.as_str())),
        "page names none of {known:?}: {page}"
    );
    // The pane's view: another pod serving now, and both connections counted.
    status_where(&mut rx, "the new serving pod and 2 connections", |s| {
        s.pod.as_deref().is_some_and(|p| p != serving) && s.connections >= 2
    })
    .await;

    assert!(pf.stop(started.id));
    let last = status_where(&mut rx, "Stopped", |s| s.state == ForwardState::Stopped).await;
    assert!(last.bytes_in > 0 && last.bytes_out > 0, "{last:?}");
    wait_refused(started.local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_in_use_fails_before_anything_else() {
    let (_sim, client) = cluster().await;
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (mut pf, mut rx) = ForwardManager::with_channel(client);
    let err = pf.start(ForwardSpec::new(hello(), port, 8080)).unwrap_err();
    assert_eq!(err, ForwardError::PortInUse(taken.local_addr().unwrap()));
    assert_eq!(
        err.to_string(),
        format!("local port 127.0.0.1:{port} is already in use")
    );
    assert!(rx.try_recv().is_err(), "no forward should have started");
    assert!(pf.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bare_pod_forward_reports_its_pod_gone() {
    let (_sim, client) = cluster().await;
    let pod = poll("a hello-minikube pod", 30, || async {
        pods_of(&client, "app=hello-minikube", false)
            .await
            .into_iter()
            .next()
    })
    .await;
    let (mut pf, mut rx) = ForwardManager::with_channel(client.clone());
    let target = TargetRef::new(TargetKind::Pod, "default", &pod);
    let started = pf.start(ForwardSpec::new(target, 0, 8080)).unwrap();
    status_where(&mut rx, "the pod", |s| {
        s.pod.as_deref() == Some(pod.as_str())
    })
    .await;
    let page = http_get(started.local, "/").await.unwrap();
    assert!(page.contains(&pod), "{page}");

    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.delete(&pod, &DeleteParams::default()).await.unwrap();
    status_where(&mut rx, "PodGone", |s| s.state == ForwardState::PodGone).await;
    wait_refused(started.local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_errors_are_state_and_the_forward_survives() {
    let (_sim, client) = cluster().await;
    let (mut pf, mut rx) = ForwardManager::with_channel(client.clone());
    // Nothing listens on 9999 in the pod: the connection fails, the forward stays.
    let deploy = TargetRef::new(TargetKind::Deployment, "default", "hello-minikube");
    let started = pf.start(ForwardSpec::new(deploy, 0, 9999)).unwrap();
    status_where(&mut rx, "a serving pod", |s| s.pod.is_some()).await;
    let _ = http_get(started.local, "/").await;
    let failed = status_where(&mut rx, "an error", |s| {
        matches!(s.state, ForwardState::Error(_))
    })
    .await;
    let ForwardState::Error(msg) = &failed.state else {
        unreachable!()
    };
    assert!(msg.contains("9999"), "{msg}");
    assert_eq!(failed.last_error.as_deref(), Some(msg.as_str()));
    // Still listening.
    assert!(TcpStream::connect(started.local).await.is_ok());

    // A missing target fails the forward and closes its listener.
    let missing = TargetRef::new(TargetKind::Service, "default", "nope");
    let gone = pf.start(ForwardSpec::new(missing, 0, 80)).unwrap();
    let s = status_where(&mut rx, "Failed", |s| {
        s.id == gone.id && s.state.is_finished()
    })
    .await;
    assert_eq!(
        s.state,
        ForwardState::Failed("service/nope not found".into())
    );
    wait_refused(gone.local).await;

    // A service port the Service does not have.
    let bad_port = pf.start(ForwardSpec::new(hello(), 0, 1234)).unwrap();
    let s = status_where(&mut rx, "Failed", |s| {
        s.id == bad_port.id && s.state.is_finished()
    })
    .await;
    assert_eq!(
        s.state,
        ForwardState::Failed("service/hello-minikube does not have a service port 1234".into())
    );

    pf.stop_all().await;
    wait_refused(started.local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_resolve_their_ports() {
    let (_sim, client) = cluster().await;
    let svc = resolve_target(&client, &hello()).await.unwrap();
    let port = svc
        .ports
        .iter()
        .find(|p| p.remote_port == 8080)
        .expect("service port 8080");
    assert_eq!(port.pod_port, Some(8080));
    let deploy = TargetRef::new(TargetKind::Deployment, "default", "hello-minikube");
    let d = resolve_target(&client, &deploy).await.unwrap();
    assert!(
        d.ports.iter().any(|p| p.remote_port == 8080),
        "{:?}",
        d.ports
    );
    let err = resolve_target(&client, &TargetRef::new(TargetKind::Pod, "default", "nope"))
        .await
        .unwrap_err();
    assert_eq!(err, ForwardError::NotFound("pod/nope".into()));
}

// ---------------------------------------------------------------------------------------
// End to end: the real rkt binary in a pseudo-terminal.

use common::get_page;

/// The pod a page comes from: `Hello from POD (image)`.
fn page_pod(page: &str) -> String {
    let after = page.split("Hello from ").nth(1).expect("a pod page");
    after.split_whitespace().next().unwrap().to_string()
}

#[test]
fn e2e_forward_a_service_by_keys_survives_pod_deletion_and_stops() {
    let cluster = common::TestCluster::demo();
    let kubeconfig = common::pty::path_arg(cluster.kubeconfig()).to_string();
    let mut app = common::pty::PtyApp::spawn(
        &["--kubeconfig", &kubeconfig, "-n", "default"],
        &[],
        160,
        40,
    );
    app.wait_for_text("hello-minikube");

    // The Services view, the hello-minikube row, shift-f: the dialog for the Service.
    app.send(":svc\r");
    app.wait_for_text("Services(default)");
    app.send("/hello-minikube\r");
    app.wait_until("the service row", |s| {
        s.contains("8080:") && s.contains("NodePort")
    });
    app.send("F");
    app.wait_for_text("Port-forward service/hello-minikube");
    let port = app.start_forward_on_any_port("8080/TCP");

    let first = common::wait_for("a page through the forward", 30, || get_page(port));
    let first_pod = page_pod(&first);
    assert!(first_pod.starts_with("hello-minikube-"), "{first}");

    // Delete the serving pod through the API; the next connection reaches another pod.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = common::kube_client(cluster.kubeconfig()).await;
        let pods: Api<Pod> = Api::namespaced(client, "default");
        pods.delete(&first_pod, &DeleteParams::default())
            .await
            .unwrap();
    });
    let second = common::wait_for("a page from the replacement pod", 30, || {
        get_page(port).filter(|p| page_pod(p) != first_pod)
    });
    assert!(page_pod(&second).starts_with("hello-minikube-"), "{second}");

    // The forwards pane shows it, now served by the new pod; ctrl-d, y stops it.
    app.send(":pf\r");
    app.wait_until("the forward in the pane", |s| {
        s.contains("Port-forwards[1]") && s.contains(&page_pod(&second))
    });
    app.send("\x04");
    app.wait_for_text("(y stops it");
    app.send("y");
    // Stopped, it stays listed as inactive, to start again.
    app.wait_until("the stopped forward inactive", |s| {
        s.contains("Port-forwards[1]") && s.contains("Inactive")
    });
    wait_closed(port);

    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

fn wait_closed(port: u16) {
    common::wait_for("the local port to close", 30, || {
        std::net::TcpStream::connect(("127.0.0.1", port))
            .is_err()
            .then_some(())
    });
}

#[test]
fn e2e_a_saved_forward_is_listed_in_the_next_run_and_enter_starts_it() {
    let cluster = common::TestCluster::demo();
    let kubeconfig = common::pty::path_arg(cluster.kubeconfig()).to_string();
    let state = tempfile::tempdir().unwrap();
    let state_home = common::pty::path_arg(state.path()).to_string();
    let env = [("XDG_STATE_HOME", state_home.as_str())];
    let args = ["--kubeconfig", kubeconfig.as_str(), "-n", "default"];

    let mut app = common::pty::PtyApp::spawn(&args, &env, 160, 40);
    app.wait_for_text("hello-minikube");
    app.send(":pf svc/hello-minikube\r");
    let port = app.start_forward_on_any_port("8080/TCP");
    app.send(":pf\r");
    app.wait_for_text("Port-forwards[1]");
    app.send("s");
    app.wait_for_text("port-forwards saved in");
    let file = std::fs::read_to_string(state.path().join("rkt/forwards.yaml")).unwrap();
    assert!(file.contains("target: service/hello-minikube"), "{file}");
    assert!(file.contains(&format!("local: 127.0.0.1:{port}")), "{file}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    wait_closed(port);

    // The next run lists it, marked saved and inactive; enter starts it on the same port.
    let mut app = common::pty::PtyApp::spawn(&args, &env, 160, 40);
    app.wait_for_text("hello-minikube");
    app.send(":pf\r");
    app.wait_until("the saved forward, inactive", |s| {
        s.contains("★ service/hello-minikube") && s.contains("Inactive")
    });
    app.send("\r");
    app.wait_until("the forward running again", |s| s.contains("Active"));
    let page = common::wait_for("a page through the forward", 30, || get_page(port));
    assert!(page_pod(&page).starts_with("hello-minikube-"), "{page}");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
