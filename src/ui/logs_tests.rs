use std::sync::Arc;

use super::*;
use crate::state::logs::{LogEvent, LogMsg, LogScope, LogSource, LogStreamKey, LogTarget};

fn pane(scope: LogScope) -> LogsState {
    let target = LogTarget {
        namespace: "default".into(),
        scope: scope.clone(),
        container: ContainerChoice::Default,
        previous: false,
    };
    let mut st = LogsState::new(target, LogStreamKey::default(), 1000);
    if let LogScope::Pod(pod) = scope {
        st.apply(LogMsg {
            key: st.key,
            event: LogEvent::Sources(vec![LogSource::new(pod, "app")]),
        });
    }
    st
}

fn push(st: &mut LogsState, src: &Arc<LogSource>, raw: &[&[u8]]) {
    let lines = raw.iter().map(|r| LogLine::parse(src, r)).collect();
    st.apply(LogMsg {
        key: st.key,
        event: LogEvent::Lines(lines),
    });
}

fn draw(st: &LogsState, w: u16, h: u16) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    render(st, &LogsStyles::default(), area, &mut buf);
    buf
}

fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf.cell((x, y)).map_or(" ", |c| c.symbol()))
        .collect::<String>()
}

fn screen(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height).map(|y| row_text(buf, y)).collect()
}

#[test]
fn follows_the_newest_lines_and_shows_the_title() {
    let mut st = pane(LogScope::Pod("web-1".into()));
    let src = LogSource::new("web-1", "app");
    let raw: Vec<Vec<u8>> = (0..50)
        .map(|i| format!("2024-05-01T10:00:{:02}Z line {i}", i % 60).into_bytes())
        .collect();
    let refs: Vec<&[u8]> = raw.iter().map(Vec::as_slice).collect();
    push(&mut st, &src, &refs);
    let buf = draw(&st, 60, 8);
    let s = screen(&buf);
    assert!(s[0].contains("Logs default/web-1 [app]"), "{s:#?}");
    assert!(s[1].contains("line 44"), "{s:#?}");
    assert!(s[6].contains("line 49"), "{s:#?}");
    // The selected (last) line carries the selection background.
    assert_eq!(buf.cell((5, 6)).map(|c| c.bg), Some(Color::Indexed(237)));
    st.toggle_timestamps();
    let s = screen(&draw(&st, 60, 8));
    assert!(
        s[6].contains("2024-05-01T10:00:49.000000000Z line 49"),
        "{s:#?}"
    );
}

#[test]
fn colours_survive_and_hostile_text_stays_inert() {
    let mut st = pane(LogScope::Pod("web-1".into()));
    let src = LogSource::new("web-1", "app");
    push(
        &mut st,
        &src,
        &[b"\x1b[31mred\x1b[0m \x1b[2J\x1b]52;c;aGk=\x07ok\x1b"],
    );
    let buf = draw(&st, 40, 4);
    let s = screen(&buf);
    assert!(s[1].starts_with("│red ok␛"), "{s:#?}");
    assert_eq!(buf.cell((1, 1)).map(|c| c.fg), Some(Color::Red));
    for row in &s {
        assert!(!row.chars().any(char::is_control), "{row:?}");
    }
}

#[test]
fn search_matches_are_highlighted_and_prompt_shown() {
    let mut st = pane(LogScope::Pod("web-1".into()));
    let src = LogSource::new("web-1", "app");
    push(&mut st, &src, &[b"GET /a 200", b"POST /b 500"]);
    st.set_pattern("post");
    let buf = draw(&st, 40, 5);
    let s = screen(&buf);
    let y = s.iter().position(|r| r.contains("POST")).unwrap() as u16;
    assert_eq!(buf.cell((1, y)).map(|c| c.bg), Some(Color::Yellow));
    assert_ne!(buf.cell((6, y)).map(|c| c.bg), Some(Color::Yellow));
    st.begin_search();
    st.search_push('x');
    let s = screen(&draw(&st, 40, 5));
    assert!(s[3].starts_with("│/x█"), "{s:#?}");
}

#[test]
fn several_pods_get_aligned_coloured_prefixes() {
    let mut st = pane(LogScope::OwnerOf("web-1".into()));
    let a = LogSource::new("web-1", "app");
    let b = LogSource::new("web-10", "app");
    st.apply(LogMsg {
        key: st.key,
        event: LogEvent::Sources(vec![a.clone(), b.clone()]),
    });
    push(&mut st, &a, &[b"from a"]);
    push(&mut st, &b, &[b"from b"]);
    let buf = draw(&st, 40, 4);
    let s = screen(&buf);
    assert!(s[1].starts_with("│web-1  from a"), "{s:#?}");
    assert!(s[2].starts_with("│web-10 from b"), "{s:#?}");
    let colours = (
        buf.cell((1, 1)).map(|c| c.fg),
        buf.cell((1, 2)).map(|c| c.fg),
    );
    assert_ne!(colours.0, colours.1);
}

#[test]
fn wrap_breaks_long_lines_and_keeps_the_newest_visible() {
    let mut st = pane(LogScope::Pod("web-1".into()));
    let src = LogSource::new("web-1", "app");
    let long = "x".repeat(50);
    push(&mut st, &src, &[b"first", long.as_bytes(), b"last"]);
    let s = screen(&draw(&st, 22, 6));
    assert!(s[3].contains("last"), "{s:#?}");
    assert!(
        !s.iter().any(|r| r.contains("xxxxxxxxxxxxxxxxxxxxxxx")),
        "no overflow"
    );
    st.toggle_wrap();
    let s = screen(&draw(&st, 22, 6));
    // 50 x's on a 20-wide line take 3 rows; with "last" that is all 4 rows.
    assert_eq!(s[1], format!("│{}│", "x".repeat(20)));
    assert_eq!(s[3], format!("│{}{}│", "x".repeat(10), " ".repeat(10)));
    assert!(s[4].contains("last"), "{s:#?}");
    st.go_top();
    let s = screen(&draw(&st, 22, 6));
    assert!(s[1].contains("first"), "{s:#?}");
}

#[test]
fn an_empty_pane_says_why() {
    let st = pane(LogScope::Pod("web-1".into()));
    let s = screen(&draw(&st, 40, 4));
    assert!(s[1].contains("connecting"), "{s:#?}");
    let mut failed = st.clone();
    failed.apply(LogMsg {
        key: failed.key,
        event: LogEvent::Failed("pods \"x\" not found".into()),
    });
    let s = screen(&draw(&failed, 40, 4));
    assert!(s[1].contains("error: pods \"x\" not found"), "{s:#?}");
}

#[test]
fn tiny_areas_do_not_panic() {
    let mut st = pane(LogScope::Pod("web-1".into()));
    let src = LogSource::new("web-1", "app");
    push(&mut st, &src, &[b"\xe6\x97\xa5\xe6\x9c\xac wide", b"x"]);
    st.toggle_wrap();
    for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 3), (4, 2), (5, 7)] {
        draw(&st, w, h);
    }
    st.begin_search();
    draw(&st, 3, 3);
}
