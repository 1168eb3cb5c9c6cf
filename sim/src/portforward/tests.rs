use serde_json::json;

use super::*;

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn pod(app_state: serde_json::Value) -> Value {
    json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "3f1c"},
        "spec": {"nodeName": "minikube", "containers": [
            {"name": "app", "image": "sebcontents/cozserver:1.0", "ports": [{"containerPort": 8080}]},
            {"name": "metrics", "image": "prom/exporter", "ports": [{"containerPort": 9100, "protocol": "TCP"},
                                                                      {"containerPort": 53, "protocol": "UDP"}]},
        ]},
        "status": {"phase": "Running", "podIP": "10.244.0.9", "containerStatuses": [
            {"name": "app", "state": app_state},
            {"name": "metrics", "state": {"running": {"startedAt": "2026-11-25T19:00:00Z"}}},
        ]},
    })
}

#[test]
fn ports_in_both_spellings() {
    assert_eq!(
        parse_ports(&q(&[("ports", "8080,9090")])).unwrap(),
        [8080, 9090]
    );
    assert_eq!(
        parse_ports(&q(&[("ports", "80"), ("ports", "443")])).unwrap(),
        [80, 443]
    );
    assert_eq!(parse_ports(&q(&[("port", "80")])).unwrap(), [80]);
    for bad in [
        vec![],
        vec![("ports", "")],
        vec![("ports", "http")],
        vec![("ports", "0")],
        vec![("ports", "70000")],
        vec![("ports", "80,80")],
    ] {
        assert_eq!(parse_ports(&q(&bad)).unwrap_err().code, 400, "{bad:?}");
    }
    assert_eq!(
        parse_ports(&q(&[])).unwrap_err().message,
        "query parameter \"port\" is required"
    );
}

#[test]
fn declared_ports_of_running_containers_listen() {
    let p = pod(json!({"running": {"startedAt": "2026-11-25T19:00:00Z"}}));
    match port_target(&p, "web", 8080) {
        PortTarget::Listening(page) => {
            assert_eq!(page.container, "app");
            assert_eq!(page.image, "sebcontents/cozserver:1.0");
            assert_eq!(page.pod_ip, "10.244.0.9");
            assert_eq!(page.port, 8080);
        }
        PortTarget::Refused(m) => panic!("refused: {m}"),
    }
    assert!(matches!(
        port_target(&p, "web", 9100),
        PortTarget::Listening(Page { ref container, .. }) if container == "metrics"
    ));
    // UDP and undeclared ports: nothing accepts a TCP connection.
    for port in [53, 9999] {
        assert!(matches!(
            port_target(&p, "web", port),
            PortTarget::Refused(_)
        ));
    }
    // A container that is not running does not listen.
    let crashed = pod(json!({"waiting": {"reason": "CrashLoopBackOff"}}));
    assert!(matches!(
        port_target(&crashed, "web", 8080),
        PortTarget::Refused(_)
    ));
}

#[test]
fn refused_message_is_the_kubelets() {
    let p = pod(json!({"running": {}}));
    let m = refused_message(&p, 9999);
    assert!(m.starts_with("error forwarding port 9999 to pod "), "{m}");
    assert!(m.contains(
        ", uid : failed to execute portforward in network namespace \"/var/run/netns/cni-"
    ));
    assert!(m.contains("dial tcp4 127.0.0.1:9999: connect: connection refused"));
    // Stable for one pod.
    assert_eq!(m, refused_message(&p, 9999));
    let sandbox = m
        .trim_start_matches("error forwarding port 9999 to pod ")
        .split(',')
        .next()
        .unwrap();
    assert_eq!(sandbox.len(), 64);
    assert!(sandbox.chars().all(|c| c.is_ascii_hexdigit()));
}
