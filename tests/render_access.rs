#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rendering for a user who may do little: the namespaces pane when namespaces cannot be
//! listed, and the hint line once the server said "no" to a delete.

mod common;

use common::tui_fixtures::*;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use rkt::effect::{Effect, WatchSlot};
use rkt::model::access::AccessAnswer;
use rkt::model::rows::Rows;
use rkt::msg::{Msg, WatchEvent, FORBIDDEN};

use rkt::state::update;
fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn the_namespaces_pane_says_it_cannot_list_them_and_how_to_name_one() {
    let (mut st, _) = started(Some("default"));
    let ns = key_of(&st, WatchSlot::Namespaces);
    let refusal = format!(
        "{FORBIDDEN}namespaces is forbidden: User \"restricted\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"
    );
    update(&mut st, kube(ns, WatchEvent::Error(refusal)));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    let screen = lines(&draw_screen(&mut st, 160, 30)).join("\n");
    assert!(screen.contains("cannot list namespaces:"), "{screen}");
    assert!(screen.contains("● default"), "{screen}");
    assert!(screen.contains(":ns NAME"), "{screen}");
    assert!(!screen.contains("reconnecting"), "{screen}");
    assert!(!screen.contains("Namespaces[…]"), "not loading: {screen}");
}

#[test]
fn a_refused_delete_is_dimmed_and_marked_in_the_hints() {
    let (mut st, _) = started(Some("default"));
    st.access.enable();
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    st.refresh();
    let asked = update(&mut st, Msg::Tick(now()));
    let delete = asked
        .into_iter()
        .find_map(|e| match e {
            Effect::ReviewAccess(q) if q.verb == "delete" => Some(q),
            _ => None,
        })
        .expect("delete asked ahead");
    update(
        &mut st,
        Msg::Access {
            query: delete,
            answer: AccessAnswer::Denied(String::new()),
        },
    );
    let buf = draw_screen(&mut st, 160, 30);
    let hints = &lines(&buf)[1];
    let at = hints.find("<ctrl-d> delete✗").expect(hints);
    let x = hints[..at].chars().count() as u16;
    assert!(buf[(x, 1)].modifier.contains(Modifier::CROSSED_OUT));
    assert!(hints.contains("<y> yaml"), "{hints}");
    let yx = hints[..hints.find("<y>").unwrap()].chars().count() as u16;
    assert!(!buf[(yx, 1)].modifier.contains(Modifier::CROSSED_OUT));
}
