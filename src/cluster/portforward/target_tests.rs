#![allow(clippy::unwrap_used)]
use super::*;
use crate::cluster::portforward::choose::Phase;
use k8s_openapi::api::core::v1::ServicePort;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

fn svc_port(port: i32, target: Option<IntOrString>, name: Option<&str>) -> ServicePort {
    ServicePort {
        port,
        target_port: target,
        name: name.map(str::to_string),
        ..Default::default()
    }
}

fn service_info(ports: Vec<ServicePort>) -> TargetInfo {
    TargetInfo {
        target: TargetRef::new(TargetKind::Service, "default", "web"),
        selector: PodSelector::Labels("app=web".to_string()),
        ports: service_ports(ports),
    }
}

fn pod_with(ports: &[(&str, u16)]) -> PodCandidate {
    PodCandidate {
        name: "web-1".to_string(),
        assigned: true,
        phase: Phase::Running,
        ready: true,
        ready_since: None,
        max_restarts: 0,
        created: None,
        terminating: false,
        container_ports: ports
            .iter()
            .map(|(n, p)| ContainerPort {
                name: Some(n.to_string()),
                port: *p,
                protocol: "TCP".to_string(),
            })
            .collect(),
    }
}

#[test]
fn service_target_ports_resolve_like_kubectl() {
    let info = service_info(vec![
        svc_port(80, Some(IntOrString::Int(8080)), Some("web")),
        svc_port(81, None, None),
        svc_port(82, Some(IntOrString::Int(0)), None),
        svc_port(443, Some(IntOrString::String("https".into())), None),
        svc_port(90, Some(IntOrString::String("9090".into())), None),
    ]);
    let pod = pod_with(&[("https", 8443)]);
    assert_eq!(info.pod_port(80, &pod).unwrap(), 8080);
    assert_eq!(info.pod_port(81, &pod).unwrap(), 81);
    assert_eq!(info.pod_port(82, &pod).unwrap(), 82);
    assert_eq!(info.pod_port(443, &pod).unwrap(), 8443);
    assert_eq!(info.pod_port(90, &pod).unwrap(), 9090);
    assert_eq!(
        info.pod_port(443, &pod_with(&[])).unwrap_err(),
        ForwardError::NoNamedPort {
            pod: "web-1".into(),
            name: "https".into()
        }
    );
    assert!(matches!(
        info.pod_port(8080, &pod),
        Err(ForwardError::NoSuchServicePort { port: 8080, .. })
    ));
}

#[test]
fn check_port_refuses_unknown_service_ports_and_udp() {
    let mut udp = svc_port(53, None, Some("dns"));
    udp.protocol = Some("UDP".into());
    let info = service_info(vec![svc_port(80, None, None), udp]);
    assert!(info.check_port(80).is_ok());
    assert_eq!(info.check_port(53), Err(ForwardError::Udp(53)));
    let err = info.check_port(81).unwrap_err();
    assert_eq!(
        err.to_string(),
        "service/web does not have a service port 81"
    );
    // Pods and workloads may forward any port, as kubectl allows.
    let pod_info = TargetInfo {
        target: TargetRef::new(TargetKind::Pod, "default", "p"),
        selector: PodSelector::Name("p".into()),
        ports: vec![],
    };
    assert!(pod_info.check_port(12345).is_ok());
    assert_eq!(pod_info.pod_port(12345, &pod_with(&[])).unwrap(), 12345);
}

#[test]
fn port_labels() {
    let info = service_info(vec![
        svc_port(80, Some(IntOrString::Int(8080)), Some("web")),
        svc_port(8080, Some(IntOrString::Int(8080)), None),
        svc_port(443, Some(IntOrString::String("https".into())), None),
    ]);
    let labels: Vec<String> = info.ports.iter().map(PortOption::label).collect();
    assert_eq!(labels, ["80→8080/TCP (web)", "8080/TCP", "443→https/TCP"]);
}

#[test]
fn label_selectors_render_as_query_strings() {
    let sel = LabelSelector {
        match_labels: Some([("app".to_string(), "web".to_string())].into()),
        match_expressions: Some(vec![
            LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: Some(vec!["a".into(), "b".into()]),
            },
            LabelSelectorRequirement {
                key: "canary".into(),
                operator: "DoesNotExist".into(),
                values: None,
            },
        ]),
    };
    assert_eq!(selector_string(&sel), "app=web,tier in (a,b),!canary");
}

#[test]
fn kinds_parse_kubectl_names() {
    assert_eq!(TargetKind::parse("svc"), Some(TargetKind::Service));
    assert_eq!(
        TargetKind::parse("Deployment"),
        Some(TargetKind::Deployment)
    );
    assert_eq!(TargetKind::parse("po"), Some(TargetKind::Pod));
    assert_eq!(TargetKind::parse("sts"), Some(TargetKind::StatefulSet));
    assert_eq!(TargetKind::parse("job"), None);
    let t = TargetRef::new(TargetKind::Service, "default", "hello-minikube");
    assert_eq!(t.to_string(), "service/hello-minikube");
}

#[test]
fn duplicate_container_ports_are_offered_once() {
    let ports = vec![
        ContainerPort {
            name: Some("http".into()),
            port: 8080,
            protocol: "TCP".into(),
        },
        ContainerPort {
            name: None,
            port: 8080,
            protocol: "TCP".into(),
        },
        ContainerPort {
            name: None,
            port: 9000,
            protocol: "TCP".into(),
        },
    ];
    let opts = container_options(ports);
    assert_eq!(opts.len(), 2);
    assert_eq!(opts[0].label(), "8080/TCP (http)");
}
