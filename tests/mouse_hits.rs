#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The mouse, without a terminal: the frame says what it drew where (`ui::render`'s hit
//! map), and a click or wheel turn on that spot changes the state as the matching key would.

mod common;

use common::tui_fixtures::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use rkt::effect::{Effect, Scope, WatchSlot};
use rkt::model::rows::RowKey;
use rkt::msg::Msg;
use rkt::state::mouse::{MouseInput, Spot};
use rkt::state::overlay::Overlay;
use rkt::state::{update, AppState, Pane};
use rkt::theme::Theme;
use rkt::ui::hit::HitMap;

fn draw(st: &mut AppState) -> (Buffer, HitMap) {
    st.size = (120, 30);
    st.refresh();
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let keymap = st.keymap.clone();
    let theme = Theme::default_theme();
    let mut hits = HitMap::default();
    term.draw(|f| hits = rkt::ui::render(st, &theme, &keymap, f))
        .unwrap();
    (term.backend().buffer().clone(), hits)
}

/// The first cell of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(byte) = line.find(needle) {
            return (line[..byte].chars().count() as u16, y);
        }
    }
    panic!("{needle:?} not on screen");
}

/// What the mouse finds on `needle`'s first cell.
fn spot_on(st: &mut AppState, needle: &str) -> Spot {
    let (buf, hits) = draw(st);
    let (x, y) = find(&buf, needle);
    hits.at(x, y).cloned().expect("a spot")
}

fn click(st: &mut AppState, spot: Spot, double: bool) -> Vec<Effect> {
    update(st, Msg::Mouse(MouseInput::Click { spot, double }))
}

fn selected(st: &AppState) -> Option<String> {
    st.main_table().selected_name()
}

fn pod_key(name: &str) -> RowKey {
    RowKey {
        namespace: Some("kube-system".into()),
        name: name.into(),
    }
}

#[test]
fn rows_and_headers_are_where_they_were_drawn() {
    let mut st = kube_system_state();
    assert_eq!(
        spot_on(&mut st, "etcd-minikube"),
        Spot::Row {
            pane: Pane::Main,
            key: pod_key("etcd-minikube")
        }
    );
    // The sorted column's title is drawn with its arrow; the spot names the plain title.
    assert_eq!(
        spot_on(&mut st, "NAME↑"),
        Spot::Column {
            pane: Pane::Main,
            title: "NAME".into()
        }
    );
    assert_eq!(
        spot_on(&mut st, "RESTARTS"),
        Spot::Column {
            pane: Pane::Main,
            title: "RESTARTS".into()
        }
    );
    match spot_on(&mut st, "kube-public") {
        Spot::Row {
            pane: Pane::Namespaces,
            key,
        } => assert_eq!(&*key.name, "kube-public"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_click_selects_the_row_it_names_and_focuses_its_pane() {
    let mut st = kube_system_state();
    st.focus = Pane::Namespaces;
    let spot = spot_on(&mut st, "kube-scheduler-minikube");
    click(&mut st, spot, false);
    assert_eq!(st.focus, Pane::Main);
    assert_eq!(selected(&st).as_deref(), Some("kube-scheduler-minikube"));
    // A row that is gone since the frame was drawn selects nothing else.
    click(
        &mut st,
        Spot::Row {
            pane: Pane::Main,
            key: pod_key("deleted-meanwhile"),
        },
        false,
    );
    assert_eq!(selected(&st).as_deref(), Some("kube-scheduler-minikube"));
}

#[test]
fn a_header_click_sorts_by_its_column_and_again_turns_the_order_round() {
    let mut st = kube_system_state();
    let spot = spot_on(&mut st, "RESTARTS");
    click(&mut st, spot.clone(), false);
    let (buf, _) = draw(&mut st);
    let (_, header_y) = find(&buf, "RESTARTS");
    assert!(find(&buf, "RESTARTS↓").1 == header_y || find(&buf, "RESTARTS↑").1 == header_y);
    let first = |st: &mut AppState| {
        st.refresh();
        st.pods.visible_row(0).unwrap().name.to_string()
    };
    let order_one = first(&mut st);
    click(&mut st, spot, false);
    let order_two = first(&mut st);
    assert_ne!(order_one, order_two, "the second click reverses the order");
    // storage-provisioner is the one pod with a restart: first one way, last the other.
    assert!(
        [order_one.as_str(), order_two.as_str()].contains(&"storage-provisioner"),
        "{order_one} {order_two}"
    );
}

#[test]
fn a_double_click_does_what_enter_does() {
    let mut st = kube_system_state();
    let spot = spot_on(&mut st, "kube-public");
    click(&mut st, spot.clone(), false);
    assert_eq!(st.scope, Scope::Namespace("kube-system".into()));
    let effects = click(&mut st, spot, true);
    assert_eq!(st.scope, Scope::Namespace("kube-public".into()));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Watch { key, .. } if key.slot == WatchSlot::Main)),
        "the pods watch restarts in the new namespace: {effects:?}"
    );
}

#[test]
fn the_wheel_moves_the_selection_and_scrolls_help_but_clicks_do_not_reach_behind_it() {
    let mut st = kube_system_state();
    let spot = spot_on(&mut st, "etcd-minikube");
    let before = selected(&st);
    update(
        &mut st,
        Msg::Mouse(MouseInput::Wheel {
            spot: spot.clone(),
            down: true,
        }),
    );
    assert_ne!(selected(&st), before);
    let under_help = selected(&st);

    update(
        &mut st,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    let (_, hits) = draw(&mut st);
    let covered = hits.at(30, 10).cloned().unwrap();
    assert_eq!(covered, Spot::Scrolling, "help covers the panes");
    click(&mut st, spot, true);
    assert_eq!(
        selected(&st),
        under_help,
        "a click behind help does nothing"
    );
    assert!(matches!(st.overlays.top(), Some(Overlay::Help(h)) if h.scroll == 0));
    update(
        &mut st,
        Msg::Mouse(MouseInput::Wheel {
            spot: covered,
            down: true,
        }),
    );
    assert!(
        matches!(st.overlays.top(), Some(Overlay::Help(h)) if h.scroll > 0),
        "the wheel scrolls help"
    );
}
