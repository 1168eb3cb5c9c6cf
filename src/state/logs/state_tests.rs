use super::*;

fn target() -> LogTarget {
    LogTarget {
        namespace: "default".into(),
        scope: LogScope::Pod("web-1".into()),
        container: ContainerChoice::Default,
        previous: false,
    }
}

fn key(generation: u64) -> LogStreamKey {
    LogStreamKey { id: 0, generation }
}

fn batch(source: &Arc<LogSource>, texts: &[&str]) -> LogEvent {
    LogEvent::Lines(
        texts
            .iter()
            .map(|t| LogLine::parse(source, format!("2024-05-01T10:00:00.5Z {t}").as_bytes()))
            .collect(),
    )
}

fn msg(generation: u64, event: LogEvent) -> LogMsg {
    LogMsg {
        key: key(generation),
        event,
    }
}

fn numbered(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("line {i}")).collect()
}

fn pane_with(lines: &[String]) -> (LogsState, Arc<LogSource>) {
    let mut st = LogsState::new(target(), key(1), 1000);
    let src = LogSource::new("web-1", "app");
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert!(st.apply(msg(1, batch(&src, &refs))));
    (st, src)
}

#[test]
fn following_keeps_the_last_line_selected() {
    let (mut st, src) = pane_with(&numbered(10));
    assert_eq!(st.selected(), Some(9));
    st.apply(msg(1, batch(&src, &["more"])));
    assert_eq!(st.selected(), Some(10));
    assert_eq!(st.view_top(5), 6);
}

#[test]
fn stale_generations_are_ignored() {
    let (mut st, src) = pane_with(&numbered(3));
    let new_key = st.retarget(LogTarget {
        previous: true,
        ..target()
    });
    assert_eq!(new_key, key(2));
    assert!(st.buffer.is_empty());
    assert!(!st.apply(msg(1, batch(&src, &["old stream"]))));
    assert!(st.buffer.is_empty());
    assert!(st.apply(msg(2, batch(&src, &["new stream"]))));
    assert_eq!(st.buffer.len(), 1);
}

#[test]
fn moving_up_stops_following_and_reaching_the_end_resumes() {
    let (mut st, src) = pane_with(&numbered(10));
    st.viewport = 4;
    st.move_by(-3);
    assert!(!st.follow);
    assert_eq!(st.selected(), Some(6));
    st.apply(msg(1, batch(&src, &["new"])));
    assert_eq!(
        st.selected(),
        Some(6),
        "selection stays put while not following"
    );
    assert_eq!(st.view_top(4), 6);
    st.move_by(100);
    assert!(st.follow);
    assert_eq!(st.selected(), Some(10));
    st.go_top();
    assert_eq!((st.selected(), st.view_top(4)), (Some(0), 0));
    st.page(1);
    assert_eq!(st.selected(), Some(3));
    st.toggle_follow();
    assert_eq!((st.follow, st.selected()), (true, Some(10)));
}

#[test]
fn the_buffer_cap_bounds_the_pane_and_selection_follows_eviction() {
    let mut st = LogsState::new(target(), key(1), 100);
    let src = LogSource::new("web-1", "app");
    st.set_pattern("7");
    st.move_by(0);
    for round in 0..100 {
        let texts: Vec<String> = (0..50).map(|i| format!("r{round} line {i}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        st.apply(msg(1, batch(&src, &refs)));
        assert!(st.buffer.len() <= 100);
    }
    assert_eq!(st.buffer.len(), 100);
    // The running match count equals a fresh count over what is kept.
    let fresh = st
        .buffer
        .iter()
        .filter(|(_, l)| l.text.text.contains('7'))
        .count();
    assert_eq!(st.match_count(), fresh);
    st.go_top();
    let top = st.selected();
    assert_eq!(top, Some(st.buffer.first_seq()));
    st.apply(msg(1, batch(&src, &["push one more"])));
    assert_eq!(
        st.selected(),
        Some(st.buffer.first_seq()),
        "clamped past eviction"
    );
}

#[test]
fn search_jumps_between_matches_and_wraps() {
    let lines: Vec<String> = ["GET /a", "POST /b", "get /c", "PUT /d", "GET /e"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (mut st, _) = pane_with(&lines);
    st.go_top();
    st.begin_search();
    for c in "get".chars() {
        st.search_push(c);
    }
    st.search_push('x');
    st.search_pop();
    st.confirm_search();
    assert!(st.search_input.is_none());
    assert_eq!(st.match_count(), 3);
    assert_eq!(st.selected(), Some(0));
    st.next_match(true);
    assert_eq!(st.selected(), Some(2));
    st.next_match(true);
    assert_eq!(st.selected(), Some(4));
    st.next_match(true);
    assert_eq!(st.selected(), Some(0), "wraps to the first match");
    st.next_match(false);
    assert_eq!(st.selected(), Some(4), "backwards wraps to the last");
    st.next_match(false);
    assert_eq!(st.selected(), Some(2));
    // Upper case in the pattern means case-sensitive.
    st.set_pattern("GET");
    assert_eq!(st.match_count(), 2);
    st.set_pattern("nothing-like-this");
    st.next_match(true);
    assert!(st
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("not found")));
    st.begin_search();
    st.confirm_search();
    assert!(st.pattern().is_none());
}

#[test]
fn title_shows_pod_container_and_state() {
    let (mut st, src) = pane_with(&numbered(2));
    st.apply(msg(
        1,
        LogEvent::State {
            source: Arc::clone(&src),
            state: StreamState::Streaming,
        },
    ));
    let title = st.title();
    assert!(title.contains("default/web-1 [app]"), "{title}");
    assert!(title.contains("streaming"), "{title}");
    assert!(title.contains("2 lines"), "{title}");
    st.apply(msg(
        1,
        LogEvent::State {
            source: src,
            state: StreamState::Reconnecting("stream closed".into()),
        },
    ));
    assert!(st.title().contains("reconnecting: stream closed"));
    st.apply(msg(1, LogEvent::Failed("pods \"web-1\" not found".into())));
    assert!(st.title().contains("error: pods \"web-1\" not found"));
}

#[test]
fn several_pods_are_prefixed_and_coloured_apart() {
    let mut st = LogsState::new(
        LogTarget {
            scope: LogScope::OwnerOf("web-1".into()),
            ..target()
        },
        key(1),
        1000,
    );
    let a = LogSource::new("web-1", "app");
    let b = LogSource::new("web-2", "app");
    st.apply(msg(1, LogEvent::Sources(vec![a.clone(), b.clone()])));
    st.apply(msg(1, batch(&b, &["from b"])));
    st.apply(msg(1, batch(&a, &["from a"])));
    assert!(st.prefixed());
    assert_eq!((st.source_index(&a), st.source_index(&b)), (0, 1));
    assert_eq!(st.export(), "web-2 from b\nweb-1 from a\n");
    assert!(st.title().contains("owner of web-1 (2 streams)"));
}

#[test]
fn an_owner_pane_names_the_workload_counts_streams_and_keeps_one_pods_trouble_apart() {
    let mut st = LogsState::new(
        LogTarget {
            scope: LogScope::OwnerOf("web-frontend-5c7b9d-aaaaa".into()),
            ..target()
        },
        key(1),
        1000,
    );
    assert!(st.title().contains("owner of web-frontend-5c7b9d-aaaaa"));
    let pods = ["web-frontend-5c7b9d-aaaaa", "web-frontend-5c7b9d-bbbbb"];
    let [a, b] = pods.map(|p| LogSource::new(p, "app"));
    st.apply(msg(1, LogEvent::Owner("deployment/web-frontend".into())));
    st.apply(msg(1, LogEvent::Sources(vec![a.clone(), b.clone()])));
    let set = |st: &mut LogsState, source: &Arc<LogSource>, state: StreamState| {
        st.apply(msg(
            1,
            LogEvent::State {
                source: Arc::clone(source),
                state,
            },
        ));
    };
    set(&mut st, &a, StreamState::Streaming);
    set(&mut st, &b, StreamState::Streaming);
    let title = st.title();
    assert!(
        title.starts_with("Logs default/deployment/web-frontend (2 streams) · streaming · 0 lines"),
        "{title}"
    );
    // A third pod appears (scaled to 3), then one pod's stream breaks: counted, not the title.
    let c = LogSource::new("web-frontend-5c7b9d-ccccc", "app");
    st.apply(msg(1, LogEvent::Sources(vec![c.clone()])));
    set(&mut st, &c, StreamState::Streaming);
    set(
        &mut st,
        &b,
        StreamState::Reconnecting("container is waiting to start".into()),
    );
    let title = st.title();
    assert!(
        title.contains("deployment/web-frontend (3 streams) · streaming, 1 reconnecting ·"),
        "{title}"
    );
    assert!(!title.contains("waiting to start"), "{title}");
    assert_eq!(st.state(), Some(StreamState::Streaming));
    // A deleted pod's stream ends: no longer counted.
    set(&mut st, &b, StreamState::Ended("pod deleted".into()));
    let title = st.title();
    assert!(title.contains("(2 streams) · streaming ·"), "{title}");
    // When every stream is in trouble, that is the state.
    for s in [&a, &c] {
        set(&mut st, s, StreamState::Reconnecting("eof".into()));
    }
    assert!(st.title().contains("(2 streams) · reconnecting: eof"));
    set(&mut st, &a, StreamState::Ended("pod deleted".into()));
    assert!(st.title().contains("(1 stream) · reconnecting: eof"));
    let now: jiff::Timestamp = "2024-05-01T10:11:12Z".parse().unwrap();
    assert_eq!(
        st.save_file_name(now),
        "rkt-logs-deployment_web-frontend-20240501T101112Z.log"
    );
}

#[test]
fn timestamps_toggle_changes_export_and_copy_without_refetching() {
    let (mut st, _) = pane_with(&numbered(2));
    assert_eq!(st.copy_text().as_deref(), Some("line 1"));
    st.toggle_timestamps();
    assert_eq!(
        st.copy_text().as_deref(),
        Some("2024-05-01T10:00:00.500000000Z line 1")
    );
    assert_eq!(st.export().lines().count(), 2);
}

#[test]
fn save_file_name_is_safe_and_dated() {
    let (st, _) = pane_with(&numbered(1));
    let now: jiff::Timestamp = "2024-05-01T10:11:12Z".parse().unwrap();
    assert_eq!(
        st.save_file_name(now),
        "rkt-logs-web-1-20240501T101112Z.log"
    );
    let mut owner = st.clone();
    owner.target.scope = LogScope::Workload {
        kind: "Deployment".into(),
        name: "../etc/x".into(),
    };
    let name = owner.save_file_name(now);
    assert!(!name.contains('/'), "{name}");
}
