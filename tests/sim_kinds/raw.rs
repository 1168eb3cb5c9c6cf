//! Server-side Tables as rkt will ask for them: raw HTTP requests with the Table Accept
//! header and `includeObject=Metadata`, lists and watches, checked against kubectl's
//! own view of the same cluster.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::common::{wait_for, TestCluster};

pub const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";
const AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// A GET over plain HTTP/1.1 to the cluster; the body, de-chunked, and the headers.
pub fn get(c: &TestCluster, path: &str, accept: &str) -> (String, String) {
    get_at(&c.sim.url, path, accept)
}

fn get_at(url: &str, path: &str, accept: &str) -> (String, String) {
    let hostport = url.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&hostport).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers");
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}\n{body}");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (head.to_string(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn names_of(table: &Value) -> Vec<String> {
    table["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            r["object"]["metadata"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn tables_with_include_object_metadata_carry_partial_object_metadata() {
    let c = TestCluster::demo();
    for path in [
        "/api/v1/configmaps",
        "/apis/batch/v1/namespaces/default/jobs",
        "/apis/stable.example.com/v1/namespaces/default/crontabs",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "/api/v1/persistentvolumes",
    ] {
        let (_, body) = get(&c, &format!("{path}?includeObject=Metadata"), TABLE);
        let table: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(table["kind"], "Table", "{path}: {body}");
        assert_eq!(table["apiVersion"], "meta.k8s.io/v1");
        assert!(table["metadata"]["resourceVersion"].is_string(), "{body}");
        let rows = table["rows"].as_array().expect("rows");
        assert!(!rows.is_empty(), "{path}: {body}");
        for row in rows {
            assert_eq!(row["object"]["kind"], "PartialObjectMetadata", "{row}");
            assert!(row["object"]["metadata"]["uid"].is_string(), "{row}");
            assert!(row["object"].get("spec").is_none(), "{row}");
            let columns = table["columnDefinitions"].as_array().expect("columns");
            assert_eq!(row["cells"].as_array().map(Vec::len), Some(columns.len()));
        }
    }
    // The Table of a custom resource: Name, then its printer columns.
    let (_, body) = get(
        &c,
        "/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object?includeObject=Metadata",
        TABLE,
    );
    let table: Value = serde_json::from_str(&body).expect("json");
    let columns: Vec<(&str, &str, i64)> = table["columnDefinitions"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["type"].as_str().unwrap_or(""),
                c["priority"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("Name", "string", 0),
            ("Spec", "string", 0),
            ("Replicas", "integer", 0),
            ("Age", "date", 0),
            ("Image", "string", 1)
        ]
    );
    let cells = &table["rows"][0]["cells"];
    assert_eq!(cells[0], "my-new-cron-object");
    assert_eq!(cells[1], "* * * * */5");
    assert_eq!(cells[2], 1);
    assert_eq!(cells[4], "my-awesome-cron-image");
    assert_eq!(names_of(&table), ["my-new-cron-object"]);
}

/// Watches `path` as Tables for a few seconds while `act` runs; the events seen.
pub fn watch_tables(c: &TestCluster, path: &str, act: impl FnOnce()) -> Vec<Value> {
    watch_tables_for(c, path, 4, act)
}

/// [`watch_tables`] with the watch's `timeoutSeconds`.
pub fn watch_tables_for(
    c: &TestCluster,
    path: &str,
    timeout: u64,
    act: impl FnOnce(),
) -> Vec<Value> {
    let url = format!("{path}?watch=true&includeObject=Metadata&timeoutSeconds={timeout}");
    let base = c.sim.url.clone();
    let body = std::thread::scope(|s| {
        let watcher = s.spawn(|| get_at(&base, &url, TABLE).1);
        std::thread::sleep(Duration::from_millis(800));
        act();
        watcher.join().expect("watcher")
    });
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("event json"))
        .collect()
}

#[test]
fn watches_of_tables_deliver_table_events() {
    let c = TestCluster::demo();
    let events = watch_tables(&c, "/api/v1/namespaces/default/configmaps", || {
        c.kubectl_ok(&["create", "configmap", "watched", "--from-literal=a=b"]);
    });
    if events.is_empty() {
        return; // no kubectl
    }
    // Initial ADDED events first (with column definitions), then the new one.
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[0]["object"]["kind"], "Table");
    assert!(!events[0]["object"]["columnDefinitions"]
        .as_array()
        .unwrap()
        .is_empty());
    let added = events
        .iter()
        .find(|e| names_of(&e["object"]) == ["watched"])
        .unwrap_or_else(|| panic!("no event for the new configmap: {events:?}"));
    assert_eq!(added["type"], "ADDED");
    assert_eq!(added["object"]["kind"], "Table");
    assert_eq!(added["object"]["rows"][0]["cells"][1], 1);
    assert_eq!(
        added["object"]["rows"][0]["object"]["kind"],
        "PartialObjectMetadata"
    );

    // Custom resources too.
    let events = watch_tables(&c, "/apis/stable.example.com/v1/crontabs", || {
        c.kubectl_stdin_ok(
            &["apply", "-f", "-"],
            "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: watched-tab\n  namespace: default\nspec:\n  cronSpec: '*/2 * * * *'\n  replicas: 2\n",
        );
        c.kubectl_ok(&["delete", "ct", "watched-tab"]);
    });
    let kinds: Vec<&str> = events
        .iter()
        .filter(|e| names_of(&e["object"]) == ["watched-tab"])
        .map(|e| e["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["ADDED", "DELETED"], "{events:?}");
}

#[test]
fn kubectl_watch_only_prints_table_rows() {
    let c = TestCluster::demo();
    let Some(mut cmd) = c.kubectl_command(&["get", "cm", "-A", "--watch-only"]) else {
        return;
    };
    let out_path = std::env::temp_dir().join(format!("rkt-sim-kinds-watch-{}", std::process::id()));
    let file = std::fs::File::create(&out_path).expect("file");
    let mut child = cmd
        .stdout(file)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kubectl starts");
    std::thread::sleep(Duration::from_millis(800));
    c.kubectl_ok(&[
        "create",
        "configmap",
        "seen-by-watch",
        "--from-literal=k=v",
        "-n",
        "kube-public",
    ]);
    let printed = wait_for("kubectl to print the new configmap", 20, || {
        let text = std::fs::read_to_string(&out_path).unwrap_or_default();
        text.contains("seen-by-watch").then_some(text)
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&out_path);
    let row = printed
        .lines()
        .find(|l| l.contains("seen-by-watch"))
        .unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>()[..3],
        ["kube-public", "seen-by-watch", "1"]
    );
}

#[test]
fn aggregated_discovery_describes_every_group() {
    let c = TestCluster::demo();
    let (head, body) = get(&c, "/apis", AGGREGATED);
    assert!(
        head.contains("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
        "{head}"
    );
    let doc: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(doc["kind"], "APIGroupDiscoveryList");
    let group = |name: &str| {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no group {name}: {body}"))
            .clone()
    };
    let stable = group("stable.example.com");
    let crontabs = &stable["versions"][0]["resources"][0];
    assert_eq!(crontabs["resource"], "crontabs");
    assert_eq!(crontabs["scope"], "Namespaced");
    assert_eq!(crontabs["shortNames"][0], "ct");
    assert_eq!(crontabs["responseKind"]["kind"], "CronTab");
    for name in [
        "batch",
        "storage.k8s.io",
        "rbac.authorization.k8s.io",
        "apiextensions.k8s.io",
    ] {
        group(name);
    }
    let (_, core) = get(&c, "/api", AGGREGATED);
    let core: Value = serde_json::from_str(&core).expect("json");
    let resources = &core["items"][0]["versions"][0]["resources"];
    assert!(
        resources
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["resource"] == "persistentvolumeclaims"),
        "{core}"
    );
    // Without the aggregated media type: the legacy documents.
    let (_, legacy) = get(&c, "/apis", "application/json");
    assert!(
        legacy.contains("\"APIGroupList\"") && legacy.contains("stable.example.com"),
        "{legacy}"
    );
}
