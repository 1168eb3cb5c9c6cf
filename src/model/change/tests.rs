use super::create::*;

fn deploy(words: &str) -> DeploymentSpec {
    let words: Vec<&str> = words.split_whitespace().collect();
    match parse(&words) {
        Ok(CreateSpec::Deployment(d)) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn container_names_follow_kubectl() {
    assert_eq!(container_name("nginx"), "nginx");
    assert_eq!(container_name("nginx:1.25"), "nginx");
    assert_eq!(
        container_name("registry.k8s.io/echoserver:1.4"),
        "echoserver"
    );
    assert_eq!(container_name("localhost:5000/team/app@sha256:abcd"), "app");
    // `_` and `.` become `-`, with kubectl's random suffix.
    let n = container_name("quay.io/x/my_app.v2:3");
    assert!(
        n.starts_with("my-app-v2-") && n.len() == "my-app-v2-".len() + 5,
        "{n}"
    );
}

#[test]
fn parses_flags_in_both_spellings() {
    let d = deploy("deployment web --image nginx --image=busybox:1 --replicas=3 --port 8080");
    assert_eq!(d.name, "web");
    assert_eq!(d.images, ["nginx", "busybox:1"]);
    assert_eq!(d.replicas, 3);
    assert_eq!(d.port, Some(8080));
    assert_eq!(deploy("deploy a --image=x").replicas, 1);
}

#[test]
fn refuses_what_kubectl_or_the_server_refuses() {
    for bad in [
        "deployment web",
        "deployment --image=nginx",
        "deployment Web --image=nginx",
        "deployment web --image=nginx --replicas=-1",
        "deployment web --image=nginx --port=0",
        "deployment web --image=nginx --bogus=1",
        "deployment a b --image=nginx",
        "namespace -x",
        "namespace a.b",
        "secret x",
        "",
    ] {
        let words: Vec<&str> = bad.split_whitespace().collect();
        assert!(parse(&words).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn names_are_checked_as_the_api_server_does() {
    assert_eq!(invalid_name("web-1", NameRule::Label1123), None);
    assert_eq!(invalid_name("a.b", NameRule::Subdomain1123), None);
    assert!(invalid_name("a.b", NameRule::Label1123).is_some());
    assert!(invalid_name("1web", NameRule::Label1035).is_some());
    assert!(invalid_name("-web", NameRule::Label1123).is_some());
    assert!(invalid_name(&"a".repeat(64), NameRule::Label1123).is_some());
}

#[test]
fn command_line_round_trips() {
    let d = deploy("deployment web --image=nginx --image=redis --replicas=2 --port=80");
    let spec = CreateSpec::Deployment(d);
    let line = spec.command_line();
    assert_eq!(
        line,
        "create deployment web --image=nginx --image=redis --replicas=2 --port=80"
    );
    let words: Vec<&str> = line.split_whitespace().skip(1).collect();
    assert_eq!(parse(&words), Ok(spec));
}

#[test]
fn set_image_patch_is_kubectls() {
    use crate::model::change::image::{containers_of, patch};
    let obj = serde_json::json!({"spec": {"template": {"spec": {
        "initContainers": [{"name": "setup", "image": "busybox"}],
        "containers": [{"name": "web", "image": "nginx:1"}],
    }}}});
    let cs = containers_of(&obj);
    assert_eq!(cs.len(), 2);
    assert!(cs[0].init && !cs[1].init);
    assert_eq!(
        patch(&cs[1], "nginx:2"),
        serde_json::json!({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}})
    );
    assert_eq!(
        patch(&cs[0], "busybox:2"),
        serde_json::json!({"spec":{"template":{"spec":{"initContainers":[{"name":"setup","image":"busybox:2"}]}}}})
    );
}

#[test]
fn expose_defaults_come_from_the_object() {
    use crate::model::change::expose::{
        parse as parse_expose, service_object, source_of, ExposeKind,
    };
    let pod = serde_json::json!({"kind": "Pod", "metadata": {"name": "p", "labels": {"run": "p"}},
        "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 80}]}]}});
    let source = source_of(&pod).expect("pod");
    assert_eq!(source.default_port(), "53,80");
    let svc = service_object(&source, &Default::default()).expect("service");
    assert_eq!(
        svc["spec"]["ports"],
        serde_json::json!([
            {"name": "port-1", "protocol": "UDP", "port": 53, "targetPort": 53},
            {"name": "port-2", "protocol": "TCP", "port": 80, "targetPort": 80},
        ])
    );
    let cmd = parse_expose(&["deploy/web", "--port=80", "--type", "NodePort"]).expect("parse");
    assert_eq!(cmd.kind, ExposeKind::Deployment);
    assert_eq!(cmd.spec.port, "80");
    assert_eq!(cmd.spec.service_type, "NodePort");
    assert!(parse_expose(&["cm/x"]).is_err());
    let cm = serde_json::json!({"kind": "ConfigMap", "metadata": {"name": "x"}});
    assert!(source_of(&cm).is_err());
}

#[test]
fn apply_documents_split_and_lists_flatten() {
    use crate::model::change::apply::documents;
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
    let docs = documents("f.yaml", text).expect("docs");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["metadata"]["name"], "b");
    assert!(documents("f.yaml", "a: [").is_err());
    assert!(documents("f.yaml", "- 1\n").is_err());
}
