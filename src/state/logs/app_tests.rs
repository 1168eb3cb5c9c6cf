use std::sync::Arc;

use super::*;
use crate::keymap::Keymap;
use crate::state::logs::{LogEvent, LogLine, LogSource};

fn app() -> AppState {
    let now: jiff::Timestamp = "2024-05-01T10:00:00Z".parse().unwrap();
    AppState::new(
        Arc::new(Keymap::default()),
        crate::state::ClusterInfo::default(),
        crate::effect::Scope::Namespace("default".into()),
        now,
    )
}

fn target(previous: bool) -> LogTarget {
    LogTarget {
        namespace: "default".into(),
        scope: LogScope::Pod("web-1".into()),
        container: ContainerChoice::Default,
        previous,
    }
}

fn lines(st: &AppState, texts: &[&str]) -> LogMsg {
    let src = LogSource::new("web-1", "app");
    LogMsg {
        key: st.logs.as_ref().unwrap().key,
        event: LogEvent::Lines(
            texts
                .iter()
                .map(|t| LogLine::parse(&src, t.as_bytes()))
                .collect(),
        ),
    }
}

#[test]
fn opening_streams_and_closing_stops() {
    let mut st = app();
    let effects = open(&mut st, target(false));
    let key = st.logs.as_ref().unwrap().key;
    match &effects[..] {
        [Effect::StreamLogs { key: k, request }] => {
            assert_eq!(*k, key);
            assert!(request.follow);
            assert_eq!(request.tail_lines, Some(super::super::DEFAULT_TAIL_LINES));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(key_ctx(&st), Some(Ctx::Logs));
    // Opening another replaces the stream.
    let effects = open(&mut st, target(false));
    assert_eq!(effects[0], Effect::StopLogs(key));
    let key2 = st.logs.as_ref().unwrap().key;
    assert_ne!(key, key2);
    assert_eq!(
        on_action(&mut st, Action::Back),
        Some(vec![Effect::StopLogs(key2)])
    );
    assert!(st.logs.is_none());
    assert_eq!(key_ctx(&st), None);
}

#[test]
fn messages_fill_the_view_and_stale_ones_are_ignored() {
    let mut st = app();
    open(&mut st, target(false));
    let old = lines(&st, &["old"]);
    open(&mut st, target(false));
    on_msg(&mut st, old);
    assert!(st.logs.as_ref().unwrap().buffer.is_empty());
    st.dirty = false;
    let m = lines(&st, &["a", "b"]);
    on_msg(&mut st, m);
    assert!(st.dirty);
    assert_eq!(st.logs.as_ref().unwrap().buffer.len(), 2);
}

#[test]
fn previous_toggle_restarts_the_stream() {
    let mut st = app();
    open(&mut st, target(false));
    let key = st.logs.as_ref().unwrap().key;
    let effects = on_action(&mut st, Action::LogsPrevious).unwrap();
    match &effects[..] {
        [Effect::StopLogs(old), Effect::StreamLogs { key: new, request }] => {
            assert_eq!(*old, key);
            assert_ne!(*new, key);
            assert!(request.target.previous);
        }
        other => panic!("{other:?}"),
    }
    assert!(st.logs.as_ref().unwrap().title().contains("(previous)"));
}

#[test]
fn view_keys_copy_and_save() {
    let mut st = app();
    open(&mut st, target(false));
    let m = lines(&st, &["first", "second"]);
    on_msg(&mut st, m);
    assert_eq!(
        on_action(&mut st, Action::Copy),
        Some(vec![Effect::Copy("second".into())])
    );
    on_action(&mut st, Action::Up);
    assert_eq!(
        on_action(&mut st, Action::Copy),
        Some(vec![Effect::Copy("first".into())])
    );
    on_action(&mut st, Action::ToggleWrap);
    on_action(&mut st, Action::ToggleTimestamps);
    let logs = st.logs.as_ref().unwrap();
    assert!(logs.wrap && logs.show_timestamps && !logs.follow);
    match on_action(&mut st, Action::SaveLogs).as_deref() {
        Some([Effect::WriteFile { path, contents }]) => {
            assert!(path.starts_with(&st.log_settings.save_dir));
            assert!(path
                .to_string_lossy()
                .ends_with("rkt-logs-web-1-20240501T100000Z.log"));
            assert_eq!(contents, "first\nsecond\n");
        }
        other => panic!("{other:?}"),
    }
    // Quit and help are not the logs view's business.
    assert_eq!(on_action(&mut st, Action::Quit), None);
}

/// The state after asking for the containers of `target(false)`.
fn asked(mut st: AppState) -> AppState {
    st.awaiting = Some(crate::state::Awaiting::Containers(target(false)));
    st
}

#[test]
fn an_answer_nobody_awaits_opens_nothing() {
    let mut st = app();
    let effects = on_containers(
        &mut st,
        target(false),
        Ok(vec!["web".into(), "log-shipper".into()]),
    );
    assert!(effects.is_empty() && !st.overlays.is_open::<ContainerPicker>());
}

#[test]
fn several_containers_go_through_the_picker() {
    let mut st = asked(app());
    let effects = on_containers(
        &mut st,
        target(false),
        Ok(vec!["web".into(), "log-shipper".into()]),
    );
    assert!(effects.is_empty());
    assert_eq!(st.key_ctx(), Ctx::LogPicker);
    on_picker_action(&mut st, Action::Up);
    let effects = on_picker_action(&mut st, Action::Select).unwrap();
    assert!(!st.overlays.is_open::<ContainerPicker>());
    match &effects[..] {
        [Effect::StreamLogs { request, .. }] => {
            assert_eq!(request.target.container, ContainerChoice::All)
        }
        other => panic!("{other:?}"),
    }
    // One container: straight to the logs.
    let mut st = asked(app());
    let effects = on_containers(&mut st, target(false), Ok(vec!["only".into()]));
    assert!(matches!(&effects[..], [Effect::StreamLogs { .. }]));
    // A failure is a notice, not a crash.
    let mut st = asked(app());
    on_containers(&mut st, target(false), Err("pods \"x\" not found".into()));
    assert!(st
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("not found")));
    assert!(st.logs.is_none());
}

#[test]
fn search_prompt_highlights_and_jumps() {
    let mut st = app();
    open(&mut st, target(false));
    let m = lines(&st, &["GET /a", "POST /b", "GET /c"]);
    on_msg(&mut st, m);
    on_search_edit(&mut st, "get");
    assert_eq!(st.logs.as_ref().unwrap().match_count(), 2);
    on_search_submit(&mut st, "get");
    let logs = st.logs.as_mut().unwrap();
    logs.next_match(true);
    assert_eq!(logs.selected(), Some(0));
    on_search_cancel(&mut st);
    assert!(st.logs.as_ref().unwrap().pattern().is_none());
}

#[test]
fn a_command_to_another_view_closes_the_logs() {
    let mut st = app();
    open(&mut st, target(false));
    let key = st.logs.as_ref().unwrap().key;
    st.prompt = Some(crate::state::Prompt::new(
        crate::state::PromptKind::Command,
        "pods".into(),
    ));
    let effects = crate::state::update(&mut st, crate::msg::Msg::Action(Action::Submit));
    assert!(st.logs.is_none());
    assert!(effects.contains(&Effect::StopLogs(key)), "{effects:?}");
}
