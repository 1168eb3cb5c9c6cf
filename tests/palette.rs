#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `:` palette: what is typed is matched fuzzily against commands, kinds and
//! namespaces as it is typed; `down`/`up` choose, `tab` takes, `enter` takes and runs.

mod common;

use common::tui_fixtures::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rkt::effect::Scope;
use rkt::msg::Msg;
use rkt::state::{update, AppState, MainView};
use rkt::theme::Theme;

fn press(st: &mut AppState, code: KeyCode) {
    update(st, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_text(st: &mut AppState, text: &str) {
    for c in text.chars() {
        press(st, KeyCode::Char(c));
    }
}

fn palette(st: &AppState) -> Vec<String> {
    st.prompt
        .as_ref()
        .map(|p| p.palette.clone())
        .unwrap_or_default()
}

fn screen(st: &mut AppState) -> String {
    st.size = (100, 30);
    st.refresh();
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let keymap = st.keymap.clone();
    term.draw(|f| {
        rkt::ui::render(st, &Theme::default_theme(), &keymap, f);
    })
    .unwrap();
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn letters_in_order_suggest_commands_and_a_chosen_one_runs_on_enter() {
    let mut st = kube_system_state();
    press(&mut st, KeyCode::Char(':'));
    type_text(&mut st, "dpl");
    let suggestions = palette(&st);
    assert_eq!(
        suggestions.first().map(String::as_str),
        Some("deploy"),
        "{suggestions:?}"
    );
    assert!(suggestions.iter().all(|s| s != "pods"), "{suggestions:?}");
    // The palette is drawn above the command line.
    let shown = screen(&mut st);
    assert!(shown.contains("│ deploy "), "{shown}");
    assert!(shown.contains(":dpl"), "{shown}");

    press(&mut st, KeyCode::Down);
    assert_eq!(st.prompt.as_ref().unwrap().chosen, Some(0));
    press(&mut st, KeyCode::Enter);
    assert!(st.prompt.is_none());
    assert_eq!(st.view, MainView::Deployments);
}

#[test]
fn tab_takes_the_best_suggestion_when_no_name_starts_with_the_word() {
    let mut st = kube_system_state();
    press(&mut st, KeyCode::Char(':'));
    type_text(&mut st, "ns kbpub");
    assert_eq!(
        palette(&st).first().map(String::as_str),
        Some("kube-public")
    );
    press(&mut st, KeyCode::Tab);
    assert_eq!(st.prompt.as_ref().unwrap().input, "ns kube-public");
    press(&mut st, KeyCode::Enter);
    assert_eq!(st.scope, Scope::Namespace("kube-public".into()));

    // Up from nothing chooses the last suggestion, and choices wrap round.
    press(&mut st, KeyCode::Char(':'));
    type_text(&mut st, "ns kube");
    let n = palette(&st).len();
    assert!(n >= 3, "{:?}", palette(&st));
    press(&mut st, KeyCode::Up);
    assert_eq!(st.prompt.as_ref().unwrap().chosen, Some(n - 1));
    press(&mut st, KeyCode::Down);
    assert_eq!(st.prompt.as_ref().unwrap().chosen, Some(0));
    // Typing again starts over: nothing chosen, and enter runs the line as typed, not the
    // first suggestion.
    press(&mut st, KeyCode::Backspace);
    assert_eq!(st.prompt.as_ref().unwrap().chosen, None);
    assert_eq!(st.prompt.as_ref().unwrap().input, "ns kub");
    press(&mut st, KeyCode::Enter);
    assert_ne!(st.scope, Scope::Namespace("kube-node-lease".into()));
}
