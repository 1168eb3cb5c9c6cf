#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The log stream task against the simulated cluster over real HTTP: follow, tail,
//! previous, containers, owners, batching, and reconnects that neither duplicate nor drop.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use kube::Client;
use rkt::cluster::logs::{self, LogRequest};
use rkt::state::logs::line::split_timestamp;
use rkt::state::logs::{
    ContainerChoice, LogEvent, LogLine, LogMsg, LogScope, LogStreamKey, LogTarget, StreamState,
};
use rkt_sim::{SimConfig, SimHandle};
use serde_json::json;
use tokio::time::Instant;

const DEADLINE: Duration = Duration::from_secs(60);

async fn start() -> (SimHandle, Client) {
    let sim = rkt_sim::start(SimConfig::test()).await.expect("sim starts");
    let client = common::kube_client(&sim.kubeconfig).await;
    (sim, client)
}

/// Creates a running pod whose container logs a line every `interval`.
async fn fast_pod(client: &Client, name: &str, containers: &[&str], interval: &str) {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let spec: Vec<_> = containers
        .iter()
        .map(|c| json!({"name": c, "image": "registry.k8s.io/echoserver:1.10"}))
        .collect();
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "annotations": {"sim.rkt.dev/log-interval": interval}},
        "spec": {"containers": spec}
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    wait_for(|| async {
        let p = pods.get(name).await.ok()?;
        (p.status?.phase.as_deref() == Some("Running")).then_some(())
    })
    .await;
}

async fn wait_for<T, F, Fut>(mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let end = Instant::now() + DEADLINE;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            Instant::now() < end,
            "condition not met within {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn target(scope: LogScope, container: ContainerChoice, previous: bool) -> LogTarget {
    LogTarget {
        namespace: "default".into(),
        scope,
        container,
        previous,
    }
}

/// Everything a stream delivered, as the pane would receive it.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<LogMsg>>>);

impl Sink {
    fn start(&self, client: &Client, req: LogRequest) -> tokio::task::JoinHandle<()> {
        let sink = self.0.clone();
        logs::spawn(client.clone(), req, KEY, move |m| {
            sink.lock().unwrap().push(m);
            true
        })
    }

    fn events(&self) -> Vec<LogEvent> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|m| m.event.clone())
            .collect()
    }

    fn lines(&self) -> Vec<LogLine> {
        self.events()
            .into_iter()
            .flat_map(|e| match e {
                LogEvent::Lines(l) => l,
                _ => Vec::new(),
            })
            .collect()
    }

    fn states(&self) -> Vec<StreamState> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                LogEvent::State { state, .. } => Some(state),
                _ => None,
            })
            .collect()
    }

    async fn until(&self, what: impl Fn(&Sink) -> bool) {
        wait_for(|| async { what(self).then_some(()) }).await;
    }
}

const KEY: LogStreamKey = LogStreamKey {
    id: 7,
    generation: 3,
};

fn ended(s: &Sink) -> bool {
    s.states()
        .iter()
        .any(|st| matches!(st, StreamState::Ended(_) | StreamState::Error(_)))
}

/// (timestamp, text) of each line, to compare streams.
fn keyed(lines: &[LogLine]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| {
            (
                l.timestamp.map(|t| t.to_string()).unwrap_or_default(),
                l.text.text.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn follow_delivers_the_tail_then_keeps_going_in_batches() {
    let (_sim, client) = start().await;
    fast_pod(&client, "chatty", &["app"], "2ms").await;
    let sink = Sink::default();
    let req = LogRequest::follow(
        target(
            LogScope::Pod("chatty".into()),
            ContainerChoice::Default,
            false,
        ),
        Some(10),
    );
    let task = sink.start(&client, req);
    sink.until(|s| s.lines().len() >= 500).await;
    task.abort();

    let msgs = sink.0.lock().unwrap().clone();
    assert!(msgs.iter().all(|m| m.key == KEY));
    match &msgs[0].event {
        LogEvent::Sources(s) => {
            assert_eq!(
                (s[0].pod.as_str(), s[0].container.as_str()),
                ("chatty", "app")
            )
        }
        other => panic!("first event should name the sources: {other:?}"),
    }
    assert!(sink.states().contains(&StreamState::Streaming));
    let lines = sink.lines();
    // Timestamps always come, in order; the text never carries them.
    let stamps: Vec<_> = lines
        .iter()
        .map(|l| l.timestamp.expect("timestamp"))
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));
    assert!(lines
        .iter()
        .all(|l| split_timestamp(l.text.text.as_bytes()).0.is_none()));
    // Lines came in bursts, not one message per line.
    let batches = sink
        .events()
        .iter()
        .filter(|e| matches!(e, LogEvent::Lines(_)))
        .count();
    assert!(
        batches < lines.len(),
        "{batches} batches for {} lines",
        lines.len()
    );
}

#[tokio::test]
async fn tail_lines_without_follow_ends() {
    let (_sim, client) = start().await;
    fast_pod(&client, "tailed", &["app"], "1ms").await;
    // Wait until there is more history than the tail asks for.
    let all = LogRequest {
        follow: false,
        tail_lines: None,
        ..LogRequest::new(target(
            LogScope::Pod("tailed".into()),
            ContainerChoice::Default,
            false,
        ))
    };
    wait_for(|| async {
        let s = Sink::default();
        s.start(&client, all.clone());
        s.until(ended).await;
        (s.lines().len() > 50).then_some(())
    })
    .await;
    let sink = Sink::default();
    sink.start(
        &client,
        LogRequest {
            tail_lines: Some(7),
            ..all.clone()
        },
    );
    sink.until(ended).await;
    assert_eq!(sink.lines().len(), 7);
    assert_eq!(
        sink.states().last(),
        Some(&StreamState::Ended("end of log".into()))
    );
}

#[tokio::test]
async fn reconnects_resume_without_duplicates_or_gaps() {
    let (_sim, client) = start().await;
    fast_pod(&client, "flaky", &["app"], "1ms").await;
    let sink = Sink::default();
    // Every connection ends after ~8 KiB, mid-line: the task must reconnect many times.
    let req = LogRequest {
        limit_bytes: Some(8192),
        ..LogRequest::follow(
            target(
                LogScope::Pod("flaky".into()),
                ContainerChoice::Default,
                false,
            ),
            Some(20),
        )
    };
    let task = sink.start(&client, req);
    sink.until(|s| {
        s.lines().len() >= 1000
            && s.states()
                .iter()
                .filter(|st| matches!(st, StreamState::Reconnecting(_)))
                .count()
                >= 5
    })
    .await;
    task.abort();
    let followed = keyed(&sink.lines());

    // The whole log, read in one piece afterwards, must contain the followed lines as one
    // contiguous run: nothing repeated, nothing skipped, no cut-off fragments.
    let full = Sink::default();
    full.start(
        &client,
        LogRequest {
            follow: false,
            tail_lines: None,
            ..LogRequest::new(target(
                LogScope::Pod("flaky".into()),
                ContainerChoice::Default,
                false,
            ))
        },
    );
    full.until(ended).await;
    let whole = keyed(&full.lines());
    let start = whole
        .iter()
        .position(|l| *l == followed[0])
        .expect("first followed line is in the full log");
    assert_eq!(
        &whole[start..start + followed.len()],
        &followed[..],
        "followed lines differ from the log"
    );
}

#[tokio::test]
async fn all_containers_and_owner_pods_are_merged_with_sources() {
    let (_sim, client) = start().await;
    fast_pod(&client, "duo", &["web", "shipper"], "5ms").await;
    let sink = Sink::default();
    let task = sink.start(
        &client,
        LogRequest::new(target(
            LogScope::Pod("duo".into()),
            ContainerChoice::All,
            false,
        )),
    );
    sink.until(|s| {
        let lines = s.lines();
        lines.iter().any(|l| l.source.container == "web")
            && lines.iter().any(|l| l.source.container == "shipper")
    })
    .await;
    task.abort();
    let named = Sink::default();
    named.start(
        &client,
        LogRequest {
            follow: false,
            ..LogRequest::new(target(
                LogScope::Pod("duo".into()),
                ContainerChoice::Named("shipper".into()),
                false,
            ))
        },
    );
    named.until(ended).await;
    assert!(!named.lines().is_empty());
    assert!(named
        .lines()
        .iter()
        .all(|l| l.source.container == "shipper"));

    // `L` on a hello-minikube pod: every pod of the Deployment.
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let hello: Vec<String> = wait_for(|| async {
        let list = pods
            .list(&kube::api::ListParams::default().labels("app=hello-minikube"))
            .await
            .ok()?;
        let names: Vec<String> = list
            .items
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        (!names.is_empty()).then_some(names)
    })
    .await;
    let owner = Sink::default();
    let task = owner.start(
        &client,
        LogRequest::new(target(
            LogScope::OwnerOf(hello[0].clone()),
            ContainerChoice::Default,
            false,
        )),
    );
    owner.until(|s| s.events().len() >= 2).await;
    task.abort();
    assert_eq!(
        owner.events()[0],
        LogEvent::Owner("deployment/hello-minikube".into())
    );
    match &owner.events()[1] {
        LogEvent::Sources(s) => {
            let mut got: Vec<String> = s.iter().map(|s| s.pod.clone()).collect();
            got.sort();
            let mut want = hello.clone();
            want.sort();
            assert_eq!(got, want);
        }
        other => panic!("expected sources, got {other:?}"),
    }
}

#[tokio::test]
async fn previous_logs_and_errors() {
    let (_sim, client) = start().await;
    // A pod that never restarted has no previous container: an error the pane shows.
    fast_pod(&client, "fresh", &["app"], "10ms").await;
    let sink = Sink::default();
    sink.start(
        &client,
        LogRequest::new(target(
            LogScope::Pod("fresh".into()),
            ContainerChoice::Default,
            true,
        )),
    );
    sink.until(ended).await;
    assert!(
        matches!(sink.states().last(), Some(StreamState::Error(m)) if m.contains("previous")),
        "{:?}",
        sink.states()
    );

    // A missing pod fails before streaming.
    let missing = Sink::default();
    missing.start(
        &client,
        LogRequest::new(target(
            LogScope::Pod("nope".into()),
            ContainerChoice::Default,
            false,
        )),
    );
    missing.until(|s| !s.events().is_empty()).await;
    assert!(
        matches!(&missing.events()[0], LogEvent::Failed(m) if m.contains("not found")),
        "{:?}",
        missing.events()
    );

    // The demo's liveness-http pod restarts; its previous container has logs, then ends.
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    wait_for(|| async {
        let p = pods.get("liveness-http").await.ok()?;
        let restarts = p.status?.container_statuses?.first()?.restart_count;
        (restarts >= 1).then_some(())
    })
    .await;
    let prev = Sink::default();
    prev.start(
        &client,
        LogRequest::new(target(
            LogScope::Pod("liveness-http".into()),
            ContainerChoice::Default,
            true,
        )),
    );
    prev.until(ended).await;
    assert!(!prev.lines().is_empty());
    assert_eq!(
        prev.states().last(),
        Some(&StreamState::Ended("previous container".into()))
    );
}

#[tokio::test]
async fn a_deleted_pod_ends_the_stream() {
    let (_sim, client) = start().await;
    fast_pod(&client, "doomed", &["app"], "5ms").await;
    let sink = Sink::default();
    sink.start(
        &client,
        LogRequest::new(target(
            LogScope::Pod("doomed".into()),
            ContainerChoice::Default,
            false,
        )),
    );
    sink.until(|s| !s.lines().is_empty()).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    pods.delete("doomed", &Default::default()).await.unwrap();
    sink.until(ended).await;
    assert!(
        matches!(sink.states().last(), Some(StreamState::Ended(_))),
        "{:?}",
        sink.states()
    );
}

#[tokio::test]
async fn owner_logs_follow_the_deployments_pods_as_it_scales() {
    use k8s_openapi::api::apps::v1::Deployment;
    use kube::api::{Patch, PatchParams};
    let (_sim, client) = start().await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let deployment: Deployment = serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "scaling-web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "scaling-web"}},
            "template": {
                "metadata": {
                    "labels": {"app": "scaling-web"},
                    "annotations": {"sim.rkt.dev/log-interval": "20ms"}
                },
                "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/echoserver:1.10"}]}
            }
        }
    }))
    .unwrap();
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let running = || async {
        let list = pods
            .list(&kube::api::ListParams::default().labels("app=scaling-web"))
            .await
            .ok()?;
        let names: Vec<String> = list
            .items
            .iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        Some(names)
    };
    let first: Vec<String> = wait_for(|| async { running().await.filter(|n| n.len() == 2) }).await;

    // `L` on one of its pods.
    let sink = Sink::default();
    let task = sink.start(
        &client,
        LogRequest::new(target(
            LogScope::OwnerOf(first[0].clone()),
            ContainerChoice::Default,
            false,
        )),
    );
    let streamed_pods = |s: &Sink| -> Vec<String> {
        let mut pods: Vec<String> = s
            .events()
            .into_iter()
            .flat_map(|e| match e {
                LogEvent::Sources(v) => v.iter().map(|s| s.pod.clone()).collect(),
                _ => Vec::new(),
            })
            .collect();
        pods.sort();
        pods.dedup();
        pods
    };
    let lines_from = |s: &Sink, pod: &str| s.lines().iter().any(|l| l.source.pod == pod);
    sink.until(|s| first.iter().all(|p| lines_from(s, p))).await;
    assert_eq!(
        sink.events().first(),
        Some(&LogEvent::Owner("deployment/scaling-web".into()))
    );
    assert_eq!(streamed_pods(&sink), first);

    // Scaled to 3: the third pod's stream appears and delivers.
    deployments
        .patch(
            "scaling-web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    sink.until(|s| streamed_pods(s).len() == 3).await;
    let third = streamed_pods(&sink)
        .into_iter()
        .find(|p| !first.contains(p))
        .unwrap();
    sink.until(|s| lines_from(s, &third)).await;

    // One pod deleted: its stream ends; the others go on.
    pods.delete(&first[1], &Default::default()).await.unwrap();
    sink.until(|s| {
        s.events().iter().any(|e| {
            matches!(e, LogEvent::State { source, state: StreamState::Ended(_) } if source.pod == first[1])
        })
    })
    .await;
    let before = sink.lines().len();
    sink.until(|s| s.lines()[before..].iter().any(|l| l.source.pod == third))
        .await;
    task.abort();
}

/// The logs view's title row.
fn title(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("Logs default/"))
        .unwrap_or_default()
        .to_string()
}

/// The number in the logs title's "· N lines".
fn title_line_count(screen: &str) -> Option<u64> {
    let title = title(screen);
    let before = title.split(" lines").next()?;
    before.rsplit(' ').next()?.parse().ok()
}

#[test]
fn e2e_logs_view_streams_searches_and_goes_back() {
    use common::pty::{path_arg, PtyApp};
    let cluster = common::TestCluster::demo();
    let mut app = PtyApp::spawn(
        &[
            "--kubeconfig",
            path_arg(cluster.kubeconfig()),
            "-n",
            "default",
        ],
        &[],
        160,
        45,
    );
    app.wait_until("a running hello-minikube pod", |s| {
        s.lines()
            .any(|l| l.contains("hello-minikube") && l.contains("Running"))
    });
    // Narrow the table to hello-minikube, keep the filter, open the logs.
    app.send("/hello-minikube\r");
    app.wait_until("filter applied", |s| {
        !s.contains("coredns") && !s.contains("web-with-sidecar")
    });
    app.send("l");
    let screen = app.wait_until("log lines in the logs view", |s| {
        s.contains("Logs default/hello-minikube") && s.contains("HTTP/1.1")
    });
    assert!(screen.contains("streaming"), "{screen}");
    let first = title_line_count(&screen).expect("line count in the title");
    app.wait_until("more lines arriving", |s| {
        title_line_count(s).is_some_and(|n| n > first)
    });

    // Search: the prompt counts matches, the title keeps the pattern.
    app.send("/HTTP");
    app.wait_until("search prompt with matches", |s| {
        s.contains("matching lines")
    });
    app.send("\r");
    app.wait_until("search applied", |s| {
        s.contains("/HTTP ") && s.contains("matches")
    });
    app.send("n");

    // Timestamps on: lines start with an RFC 3339 time, off again without refetching.
    app.send("t");
    app.wait_until("timestamps shown", |s| {
        title(s).contains("timestamps")
            && s.lines().any(|l| {
                l.contains("HTTP/1.1")
                    && l.contains("Z ")
                    && l.contains(&format!("{}-", jiff::Timestamp::now().strftime("%Y")))
            })
    });
    app.send("t");
    app.wait_until("timestamps hidden", |s| {
        !title(s).is_empty() && !title(s).contains("timestamps")
    });

    // Esc leaves the logs view; the pods table is back.
    app.send("\x1b");
    app.wait_until("back to pods", |s| {
        !s.contains("Logs default/") && s.contains("hello-minikube")
    });
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
}

mod keys {
    //! The logs view's keys through the app's real key table and `update`.
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use rkt::effect::Effect;
    use rkt::keymap::parse_keys;
    use rkt::msg::Msg;
    use rkt::state::logs::{ContainerChoice, LogScope};
    use rkt::state::prompt::PromptKind;
    use rkt::state::{update, AppState};

    use super::common::tui_fixtures::kube_system_state;

    fn press(st: &mut AppState, spec: &str) -> Vec<Effect> {
        let mut effects = Vec::new();
        for seq in parse_keys(spec).unwrap() {
            for chord in seq {
                effects.extend(update(st, Msg::Key(KeyEvent::new(chord.code, chord.mods))));
            }
        }
        effects
    }

    fn type_text(st: &mut AppState, text: &str) {
        for c in text.chars() {
            update(
                st,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
        }
    }

    #[test]
    fn l_opens_the_selected_pods_logs_and_esc_closes_them() {
        let mut st = kube_system_state();
        st.refresh();
        let pod = st.pods.selected_row().unwrap().name.to_string();
        let effects = press(&mut st, "l");
        let key = match &effects[..] {
            [Effect::StreamLogs { key, request }] => {
                assert_eq!(request.target.namespace, "kube-system");
                assert_eq!(request.target.scope, LogScope::Pod(pod.clone()));
                assert_eq!(request.target.container, ContainerChoice::Default);
                assert!(request.follow && !request.target.previous);
                *key
            }
            other => panic!("{other:?}"),
        };
        // The view's own keys.
        press(&mut st, "t");
        press(&mut st, "w");
        press(&mut st, "s");
        let logs = st.logs.as_ref().unwrap();
        assert!(logs.show_timestamps && logs.wrap && !logs.follow);
        // `/` searches the logs (not the pods filter); Esc drops the search only.
        press(&mut st, "/");
        assert_eq!(st.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Search));
        type_text(&mut st, "err");
        assert_eq!(
            st.logs.as_ref().unwrap().pattern().map(|p| p.as_str()),
            Some("err")
        );
        assert_eq!(st.pods.filter(), "");
        press(&mut st, "esc");
        assert!(st.prompt.is_none() && st.logs.is_some());
        assert!(st.logs.as_ref().unwrap().pattern().is_none());
        assert_eq!(press(&mut st, "esc"), vec![Effect::StopLogs(key)]);
        assert!(st.logs.is_none());
        // Shift-L: the owner's pods; p: the previous container.
        match &press(&mut st, "L")[..] {
            [Effect::StreamLogs { request, .. }] => {
                assert_eq!(request.target.scope, LogScope::OwnerOf(pod.clone()))
            }
            other => panic!("{other:?}"),
        }
        press(&mut st, "esc");
        match &press(&mut st, "p")[..] {
            [Effect::StreamLogs { request, .. }] => assert!(request.target.previous),
            other => panic!("{other:?}"),
        }
    }
}
