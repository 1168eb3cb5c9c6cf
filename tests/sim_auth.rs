#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `rkt sim --auth`, judged by kubectl and kube-rs: the admin's client certificate and the
//! restricted user's token are accepted, anything else is 401; the restricted user reads
//! pods in `default` and is refused (403, in the apiserver's words) everything else;
//! `kubectl auth can-i` and `whoami` get truthful answers.

mod common;

use common::TestCluster;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, LogParams};
use kube::config::{KubeConfigOptions, Kubeconfig};

const RESTRICTED: &str = "rkt-sim-restricted";

/// A kube-rs client for `context`, its user's credentials replaced by `token` (`Some("")`
/// = no credentials at all).
async fn client(cluster: &TestCluster, context: &str, token: Option<&str>) -> kube::Client {
    let mut kc = Kubeconfig::read_from(cluster.kubeconfig()).unwrap();
    if let Some(token) = token {
        for user in &mut kc.auth_infos {
            user.auth_info = Some(kube::config::AuthInfo {
                token: (!token.is_empty()).then(|| token.to_string().into()),
                ..Default::default()
            });
        }
    }
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kc, &options)
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

fn code<T: std::fmt::Debug>(r: Result<T, kube::Error>) -> u16 {
    match r {
        Err(kube::Error::Api(s)) => s.code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn without_valid_credentials_every_route_is_401() {
    let cluster = TestCluster::with_auth();
    assert!(cluster.sim.url.starts_with("https://127.0.0.1:"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    for token in ["", "not-the-token"] {
        rt.block_on(async {
            let client = client(&cluster, "rkt-sim", Some(token)).await;
            let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
            assert_eq!(code(pods.list(&ListParams::default()).await), 401);
            assert_eq!(code(pods.logs("web-0", &LogParams::default()).await), 401);
            assert_eq!(code(client.apiserver_version().await), 401);
        });
    }
    let Some(err) = cluster.kubectl_err(&["--token=not-the-token", "get", "pods"], "") else {
        return;
    };
    assert!(err.contains("You must be logged in to the server"), "{err}");
}

#[test]
fn the_admin_certificate_is_accepted_by_kubectl_and_may_do_anything() {
    let cluster = TestCluster::with_auth();
    // A client that never starts its handshake holds up nobody.
    let addr = cluster.sim.url.trim_start_matches("https://");
    let _idle = std::net::TcpStream::connect(addr).unwrap();
    let Some(out) = cluster.kubectl_ok(&["get", "pods", "-n", "kube-system"]) else {
        return;
    };
    assert!(out.contains("coredns"), "{out}");
    cluster.kubectl_ok(&["create", "namespace", "made-by-admin"]);
    let yes = cluster.kubectl_ok(&["auth", "can-i", "delete", "pods", "-n", "default"]);
    assert_eq!(yes.as_deref().map(str::trim), Some("yes"));
    let who = cluster.kubectl(&["auth", "whoami"]).unwrap();
    if who.status.success() {
        let who = String::from_utf8_lossy(&who.stdout);
        assert!(
            who.contains("admin") && who.contains("system:masters"),
            "{who}"
        );
    }
}

#[test]
fn the_restricted_user_reads_pods_in_default_and_nothing_else() {
    let cluster = TestCluster::with_auth();
    fn with<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--context", RESTRICTED][..], args].concat()
    }
    let Some(out) = cluster.kubectl_ok(&with(&["get", "pods"])) else {
        return;
    };
    assert!(out.contains("hello-minikube"), "{out}");
    let err = cluster
        .kubectl_err(&with(&["get", "pods", "-n", "kube-system"]), "")
        .unwrap();
    assert!(
        err.contains(r#"pods is forbidden: User "restricted" cannot list resource "pods" in API group "" in the namespace "kube-system""#),
        "{err}"
    );
    let err = cluster
        .kubectl_err(&with(&["get", "deployments"]), "")
        .unwrap();
    assert!(err.contains("deployments.apps is forbidden"), "{err}");
    let err = cluster
        .kubectl_err(&with(&["get", "namespaces"]), "")
        .unwrap();
    assert!(err.contains("at the cluster scope"), "{err}");
    let err = cluster
        .kubectl_err(&with(&["delete", "pod", "web-0"]), "")
        .unwrap();
    assert!(err.contains(r#"cannot delete resource "pods""#), "{err}");
    let logs = cluster.kubectl_ok(&with(&["logs", "web-0", "--tail=1"]));
    assert!(logs.is_some());

    // Truthful answers to "may I?", yes and no.
    let can = |args: &[&str]| {
        let out = cluster
            .kubectl(&with(&[&["auth", "can-i"][..], args].concat()))
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(can(&["list", "pods", "-n", "default"]), "yes");
    assert_eq!(can(&["watch", "pods", "-n", "default"]), "yes");
    assert_eq!(
        can(&["get", "pods", "--subresource=log", "-n", "default"]),
        "yes"
    );
    assert_eq!(can(&["delete", "pods", "-n", "default"]), "no");
    assert_eq!(can(&["list", "pods", "-n", "kube-system"]), "no");
    assert_eq!(
        can(&["create", "pods", "--subresource=exec", "-n", "default"]),
        "no"
    );
    assert_eq!(can(&["list", "deployments", "-n", "default"]), "no");

    // Exec is refused before anything runs; the token works for kube-rs too.
    let err = cluster
        .kubectl_err(&with(&["exec", "web-0", "--", "ls"]), "")
        .unwrap();
    assert!(
        err.contains(r#"cannot create resource "pods/exec""#),
        "{err}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listed = rt.block_on(async {
        let pods: Api<Pod> = Api::namespaced(client(&cluster, RESTRICTED, None).await, "default");
        pods.list(&ListParams::default()).await.unwrap()
    });
    assert!(!listed.items.is_empty());
}

#[test]
fn without_auth_everyone_may_and_the_review_says_so() {
    let cluster = TestCluster::demo();
    assert!(cluster.sim.url.starts_with("http://"));
    let Some(out) = cluster.kubectl_ok(&["auth", "can-i", "delete", "pods"]) else {
        return;
    };
    assert_eq!(out.trim(), "yes");
}
