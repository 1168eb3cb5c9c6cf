#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end: CPU and memory from `metrics.k8s.io` in the pods and nodes views, the real
//! binary in a pseudo-terminal against the demo cluster; and against a cluster without
//! metrics, no such columns, no message and not one request to the metrics API.

mod common;

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

fn start(cluster: &TestCluster, ns: &str) -> PtyApp {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", ns], &[], 160, 45);
    app.wait_for_text("ns 4");
    app
}

/// The words of the screen line that contains `text`, in the main pane.
fn row<'a>(screen: &'a str, text: &str) -> Vec<&'a str> {
    let line = screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}"));
    let main = line.split_once("││").map_or(line, |(_, m)| m);
    main.split(|c: char| c == '│' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `15m` and the like.
fn is_cpu(cell: &str) -> bool {
    cell.strip_suffix('m')
        .is_some_and(|n| n.parse::<u64>().is_ok())
}

fn is_memory(cell: &str) -> bool {
    cell.strip_suffix("Mi")
        .is_some_and(|n| n.parse::<u64>().is_ok())
}

#[test]
fn pods_and_nodes_show_cpu_and_memory_from_the_metrics_api() {
    let cluster = TestCluster::demo();
    let mut app = start(&cluster, "kube-system");
    // The values arrive with the first read, right after discovery.
    // Every row this test reads has its values (a screen caught mid-frame has not).
    let screen = app.wait_until("coredns and kube-proxy with metrics", |s| {
        s.contains("%MEM/L")
            && ["coredns-", "kube-proxy-"]
                .iter()
                .all(|pod| s.lines().any(|l| l.contains(pod) && l.contains("Mi ")))
            && s.contains("of 100m request")
    });
    let header = row(&screen, "NAME↑");
    for title in ["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"] {
        assert!(header.contains(&title), "{title}: {screen}");
    }
    let at = |title: &str| header.iter().position(|h| *h == title).unwrap();
    let coredns = row(&screen, "coredns-");
    assert!(is_cpu(coredns[at("CPU")]), "{coredns:?}");
    assert!(is_memory(coredns[at("MEM")]), "{coredns:?}");
    // coredns requests 100m CPU and 70Mi with a 170Mi limit, and no CPU limit.
    assert!(coredns[at("%CPU/R")].parse::<u64>().is_ok(), "{coredns:?}");
    assert_eq!(coredns[at("%CPU/L")], "n/a", "{coredns:?}");
    assert!(
        coredns[at("%MEM/L")].parse::<u64>().unwrap() < 100,
        "{coredns:?}"
    );
    // kube-proxy has no requests at all.
    let proxy = row(&screen, "kube-proxy-");
    assert!(is_cpu(proxy[at("CPU")]), "{proxy:?}");
    assert_eq!(proxy[at("%CPU/R")], "n/a", "{proxy:?}");
    // The selected pod's usage against its requests, in the details region.
    assert!(screen.contains("of 100m request, no limit"), "{screen}");

    app.send(":nodes\r");
    let screen = app.wait_until("the node with metrics", |s| {
        s.contains("%MEM/A")
            && s.lines()
                .any(|l| l.contains("minikube") && l.contains("Mi "))
    });
    let header = row(&screen, "NAME↑");
    let at = |title: &str| {
        header
            .iter()
            .position(|h| *h == title)
            .unwrap_or_else(|| panic!("{title}: {screen}"))
    };
    let node = row(&screen, "control-plane");
    assert!(is_cpu(node[at("CPU")]), "{node:?}");
    assert!(is_memory(node[at("MEM")]), "{node:?}");
    let cpu_share: u64 = node[at("%CPU/A")].parse().unwrap();
    let mem_share: u64 = node[at("%MEM/A")].parse().unwrap();
    assert!(cpu_share < 100 && mem_share < 100, "{node:?}");
    assert!(cluster.sim.metrics_requests() >= 2);
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn without_the_metrics_api_there_are_no_columns_and_no_requests() {
    let cluster = TestCluster::demo_without_metrics();
    let mut app = start(&cluster, "kube-system");
    let screen = app.wait_for_text("coredns-");
    app.send(":nodes\r");
    // The nodes view opens only once discovery has answered: by then a read of the
    // metrics would have been asked.
    let nodes = app.wait_for_text("control-plane");
    app.send(":pods\r");
    let pods = app.wait_for_text("coredns-");
    for s in [&screen, &nodes, &pods] {
        for absent in ["CPU", "MEM", "%MEM", "n/a", "metrics"] {
            assert!(!s.contains(absent), "{absent}: {s}");
        }
    }
    assert_eq!(cluster.sim.metrics_requests(), 0);
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

#[test]
fn an_unavailable_metrics_server_shows_n_a_without_a_message() {
    let cluster = TestCluster::demo();
    // As when metrics-server is down: the APIService answers 503, discovery still lists it.
    // (kube-rs retries a 503 a few times, then the read's time limit ends it: about 10 s.)
    cluster.sim.faults.refuse_resource("metrics.k8s.io", 503);
    let mut app = start(&cluster, "kube-system");
    let screen = app.wait_until("n/a in the metrics columns", |s| {
        s.lines()
            .any(|l| l.contains("etcd-minikube") && l.contains("n/a"))
    });
    let header = row(&screen, "NAME↑");
    let cpu = header.iter().position(|h| *h == "CPU").unwrap();
    assert_eq!(row(&screen, "etcd-minikube")[cpu], "n/a", "{screen}");
    for absent in ["503", "injected", "metrics", "error"] {
        assert!(!screen.contains(absent), "{absent}: {screen}");
    }
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}
