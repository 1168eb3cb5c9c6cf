#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Pure state tests: messages in, state and effects out. No cluster, no terminal.

mod common;

use rkt::state::objects::DeleteConfirm;
use rkt::state::objects::TextView;
use rkt::state::HelpState;
use std::collections::HashSet;

use common::tui_fixtures::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rkt::action::Action;
use rkt::effect::{Effect, ResourceKind, Scope, WatchSlot, WatchTarget};
use rkt::keymap::{parse_keys, Ctx, DEFAULTS};
use rkt::model::rows::{RowKey, Rows};
use rkt::msg::{Level, Msg, WatchEvent};
use rkt::state::{update, AppState, Connection, Pane};

fn press(st: &mut AppState, spec: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for seq in parse_keys(spec).unwrap() {
        for chord in seq {
            let ev = KeyEvent::new(chord.code, chord.mods);
            effects.extend(update(st, Msg::Key(ev)));
        }
    }
    effects
}

fn type_text(st: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(
            st,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        ));
    }
    effects
}

fn visible_names(st: &mut AppState) -> Vec<String> {
    st.refresh();
    (0..st.pods.visible_len())
        .map(|i| st.pods.visible_row(i).unwrap().name.to_string())
        .collect()
}

#[test]
fn start_watches_namespaces_and_pods_and_asks_the_version() {
    let (st, effects) = started(Some("kube-system"));
    let ns_key = st.ns_watch.key.unwrap();
    let main_key = st.main_watch.key.unwrap();
    assert_eq!(
        effects,
        vec![
            Effect::Watch {
                key: ns_key,
                target: WatchTarget {
                    kind: ResourceKind::Namespaces,
                    scope: Scope::All,
                    selector: Default::default(),
                },
            },
            Effect::Watch {
                key: main_key,
                target: WatchTarget {
                    kind: ResourceKind::Pods,
                    scope: Scope::Namespace("kube-system".into()),
                    selector: Default::default(),
                },
            },
            Effect::FetchServerVersion,
            Effect::Discover,
        ]
    );
    assert_eq!(st.connection(), Connection::Connecting);
}

#[test]
fn enter_on_a_namespace_aborts_the_old_pods_watch_and_starts_a_new_one() {
    let mut st = kube_system_state();
    let old = st.main_watch.key.unwrap();
    press(&mut st, "shift-tab"); // focus namespaces
    assert_eq!(st.focus, Pane::Namespaces);
    st.refresh();
    // Namespaces are sorted: default is first.
    let effects = press(&mut st, "g g, enter");
    let new = st.main_watch.key.unwrap();
    assert_ne!(old, new);
    assert!(new.gen > old.gen);
    assert_eq!(
        effects,
        vec![
            Effect::Unwatch(old),
            Effect::Watch {
                key: new,
                target: WatchTarget {
                    kind: ResourceKind::Pods,
                    scope: Scope::Namespace("default".into()),
                    selector: Default::default(),
                },
            },
        ]
    );
    assert_eq!(st.scope, Scope::Namespace("default".into()));
    assert_eq!(st.pods.len(), 0, "the old namespace's pods are gone");
    assert_eq!(st.focus, Pane::Main);
}

#[test]
fn messages_from_a_replaced_watch_are_ignored() {
    let mut st = kube_system_state();
    let old = st.main_watch.key.unwrap();
    press(&mut st, ":");
    type_text(&mut st, "ns default");
    let effects = press(&mut st, "enter");
    assert!(effects.contains(&Effect::Unwatch(old)));
    // A late burst from the kube-system watch must not leak into the default view.
    update(
        &mut st,
        kube(old, WatchEvent::Upsert(Rows::Pods(pods(KUBE_SYSTEM)))),
    );
    update(&mut st, kube(old, WatchEvent::Error("boom".into())));
    assert_eq!(st.pods.len(), 0);
    assert_eq!(st.main_watch.error, None);
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    assert_eq!(st.pods.len(), DEFAULT.len());
}

#[test]
fn unknown_namespace_is_refused_with_a_message() {
    let mut st = kube_system_state();
    press(&mut st, ":");
    type_text(&mut st, "ns nope");
    let effects = press(&mut st, "enter");
    assert!(effects.is_empty());
    let notice = st.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Error);
    assert!(notice.text.contains("nope"), "{notice:?}");
    assert_eq!(st.scope, Scope::Namespace("kube-system".into()));
}

#[test]
fn all_namespaces_by_command_and_key() {
    let mut st = kube_system_state();
    press(&mut st, ":");
    type_text(&mut st, "pods all");
    let effects = press(&mut st, "enter");
    assert_eq!(st.scope, Scope::All);
    assert!(
        matches!(effects.last(), Some(Effect::Watch { target, .. }) if target.scope == Scope::All)
    );
    press(&mut st, "shift-tab, g g, enter");
    assert_eq!(st.scope, Scope::Namespace("default".into()));
    let effects = press(&mut st, "0");
    assert_eq!(st.scope, Scope::All);
    assert_eq!(effects.len(), 2);
}

#[test]
fn filter_narrows_incrementally_shows_count_and_esc_clears() {
    let mut st = kube_system_state();
    press(&mut st, "/");
    type_text(&mut st, "kube-");
    assert_eq!(visible_names(&mut st).len(), 4);
    type_text(&mut st, "s");
    assert_eq!(visible_names(&mut st), vec!["kube-scheduler-minikube"]);
    press(&mut st, "backspace");
    assert_eq!(visible_names(&mut st).len(), 4);
    // Enter keeps the filter; Esc in the table clears it.
    press(&mut st, "enter");
    assert!(st.prompt.is_none());
    assert_eq!(st.pods.filter(), "kube-");
    // New rows are filtered as they arrive.
    let key = st.main_watch.key.unwrap();
    update(
        &mut st,
        kube(key, WatchEvent::Upsert(Rows::Pods(pods(DEFAULT)))),
    );
    let names = visible_names(&mut st);
    assert_eq!(names.len(), 6, "{names:?}"); // + the two hello-minikube pods
    press(&mut st, "esc");
    assert_eq!(
        visible_names(&mut st).len(),
        KUBE_SYSTEM.len() + DEFAULT.len()
    );
}

#[test]
fn filter_is_case_insensitive_and_cancel_restores_everything() {
    let mut st = kube_system_state();
    press(&mut st, "/");
    type_text(&mut st, "ETCD");
    assert_eq!(visible_names(&mut st), vec!["etcd-minikube"]);
    press(&mut st, "esc");
    assert!(st.prompt.is_none());
    assert_eq!(visible_names(&mut st).len(), KUBE_SYSTEM.len());
}

#[test]
fn sort_by_column_and_flip_direction() {
    let (mut st, _) = started(Some("default"));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    assert_eq!(visible_names(&mut st)[0], "batch-job-29x7q"); // by name
    press(&mut st, "shift-a"); // youngest first
    assert_eq!(visible_names(&mut st)[0], "hello-minikube-5c898d8489-9mzq2");
    press(&mut st, "A"); // again: oldest first
    assert_eq!(visible_names(&mut st)[0], "old-web-6b7f9c-zz1k9");
    press(&mut st, "T"); // restarts: most first
    assert_eq!(visible_names(&mut st)[0], "crashy-7d9f8b6c5d-abcde");
    press(&mut st, "S"); // by status text: Completed < ContainerCreating < CrashLoopBackOff …
    let names = visible_names(&mut st);
    assert_eq!(names[0], "batch-job-29x7q");
    assert_eq!(names[2], "crashy-7d9f8b6c5d-abcde");
}

#[test]
fn selection_follows_its_row_when_rows_arrive() {
    let (mut st, _) = started(Some("default"));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    press(&mut st, "j, j");
    st.refresh();
    let selected = st.pods.selected_row().unwrap().name.to_string();
    let key = st.main_watch.key.unwrap();
    let mut early = DEFAULT[0].row();
    early.name = "aaa-first".into();
    update(
        &mut st,
        kube(key, WatchEvent::Upsert(Rows::Pods(vec![early]))),
    );
    st.refresh();
    assert_eq!(st.pods.selected_row().unwrap().name.as_ref(), selected);
    // Deleting the selected row selects its neighbour instead of nothing.
    let sel_key = st.pods.selected_row().unwrap().key();
    update(&mut st, kube(key, WatchEvent::Remove(vec![sel_key])));
    st.refresh();
    assert!(st.pods.selected_row().is_some());
}

#[test]
fn navigation_keys_move_and_clamp() {
    let (mut st, _) = started(Some("default"));
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(DEFAULT)));
    st.refresh();
    press(&mut st, "G");
    assert_eq!(st.pods.cursor.selected, DEFAULT.len() - 1);
    press(&mut st, "j");
    assert_eq!(st.pods.cursor.selected, DEFAULT.len() - 1);
    press(&mut st, "g g");
    assert_eq!(st.pods.cursor.selected, 0);
    press(&mut st, "k, down, down");
    assert_eq!(st.pods.cursor.selected, 2);
    press(&mut st, "pgdn");
    assert_eq!(st.pods.cursor.selected, DEFAULT.len() - 1);
}

#[test]
fn relist_drops_rows_not_seen_again() {
    let mut st = kube_system_state();
    let key = st.main_watch.key.unwrap();
    update(&mut st, kube(key, WatchEvent::Reset));
    // During the relist the old rows stay visible.
    assert_eq!(st.pods.len(), KUBE_SYSTEM.len());
    update(
        &mut st,
        kube(key, WatchEvent::Upsert(Rows::Pods(pods(&KUBE_SYSTEM[..3])))),
    );
    update(&mut st, kube(key, WatchEvent::Synced));
    assert_eq!(visible_names(&mut st).len(), 3);
}

#[test]
fn watch_errors_show_as_reconnecting_until_the_relist_answers() {
    let mut st = kube_system_state();
    assert_eq!(st.connection(), Connection::Connected);
    let key = st.main_watch.key.unwrap();
    let effects = update(
        &mut st,
        kube(
            key,
            WatchEvent::Error("Forbidden: pods is forbidden".into()),
        ),
    );
    assert!(effects.is_empty());
    assert_eq!(
        st.connection(),
        Connection::Reconnecting("Forbidden: pods is forbidden".into())
    );
    // The watch task relists after an error: the server's first answer (Reset) ends
    // "reconnecting" and asks the version again.
    let effects = update(&mut st, kube(key, WatchEvent::Reset));
    assert_eq!(st.connection(), Connection::Connected);
    assert_eq!(effects, vec![Effect::FetchServerVersion]);
    // The relist replaces the table: a pod the server no longer has is gone.
    update(
        &mut st,
        kube(key, WatchEvent::Upsert(Rows::Pods(pods(&KUBE_SYSTEM[1..])))),
    );
    assert!(update(&mut st, kube(key, WatchEvent::Synced)).is_empty());
    assert_eq!(st.pods.len(), KUBE_SYSTEM.len() - 1);
    update(&mut st, Msg::ServerVersion(Ok("v1.34.0".into())));
    assert_eq!(st.cluster.version.as_deref(), Some("v1.34.0"));
}

#[test]
fn the_version_is_asked_again_once_every_watch_answers() {
    let mut st = kube_system_state();
    let ns = st.ns_watch.key.unwrap();
    let main = st.main_watch.key.unwrap();
    let lost = || WatchEvent::Error("cannot reach the API server".into());
    update(&mut st, kube(ns, lost()));
    update(&mut st, kube(main, lost()));
    // Still failing: more errors ask nothing.
    assert!(update(&mut st, kube(main, lost())).is_empty());
    // One watch back, the other still failing: still reconnecting.
    assert!(update(&mut st, kube(main, WatchEvent::Reset)).is_empty());
    assert!(matches!(st.connection(), Connection::Reconnecting(_)));
    // Both back: connected, and the version is asked once.
    assert_eq!(
        update(&mut st, kube(ns, WatchEvent::Reset)),
        vec![Effect::FetchServerVersion]
    );
    assert_eq!(st.connection(), Connection::Connected);
    assert!(update(&mut st, kube(ns, WatchEvent::Synced)).is_empty());
}

#[test]
fn copy_asks_for_the_selected_name() {
    let mut st = kube_system_state();
    st.refresh();
    let effects = press(&mut st, "c");
    assert_eq!(
        effects,
        vec![Effect::Copy("coredns-668d6bf9bc-x7k2p".into())]
    );
    let (mut empty, _) = started(Some("default"));
    assert!(press(&mut empty, "c").is_empty());
    assert_eq!(empty.notice.unwrap().level, Level::Warning);
}

#[test]
fn command_line_completes_commands_and_namespaces() {
    let mut st = kube_system_state();
    press(&mut st, ":");
    type_text(&mut st, "n");
    press(&mut st, "tab");
    let p = st.prompt.clone().unwrap();
    assert_eq!(p.input, "n");
    assert_eq!(p.candidates, vec!["namespace", "namespaces", "ns"]);
    type_text(&mut st, "s");
    press(&mut st, "tab");
    assert_eq!(st.prompt.as_ref().unwrap().input, "ns ");
    type_text(&mut st, "kube-s");
    press(&mut st, "tab");
    assert_eq!(st.prompt.as_ref().unwrap().input, "ns kube-system");
    press(&mut st, "ctrl-u");
    type_text(&mut st, "ns kube-p");
    press(&mut st, "tab");
    assert_eq!(st.prompt.as_ref().unwrap().input, "ns kube-public");
    press(&mut st, "esc");
    assert!(st.prompt.is_none());
}

#[test]
fn paste_goes_into_the_prompt_only() {
    let mut st = kube_system_state();
    update(&mut st, Msg::Paste("q".into()));
    assert!(!st.quit && st.prompt.is_none());
    press(&mut st, "/");
    update(&mut st, Msg::Paste("etcd\n".into()));
    assert_eq!(visible_names(&mut st), vec!["etcd-minikube"]);
}

#[test]
fn ctrl_c_quits_even_when_quit_is_rebound() {
    let mut o = std::collections::BTreeMap::new();
    o.insert("quit".to_string(), "v".to_string());
    let (km, warnings) = rkt::keymap::Keymap::with_overrides(&o);
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut st = kube_system_state();
    st.keymap = std::sync::Arc::new(km);
    press(&mut st, "q");
    assert!(!st.quit);
    press(&mut st, "ctrl-c");
    assert!(st.quit);
}

#[test]
fn quit_by_key_by_command_and_from_the_prompt() {
    let mut st = kube_system_state();
    press(&mut st, "q");
    assert!(st.quit);
    let mut st = kube_system_state();
    press(&mut st, ":");
    type_text(&mut st, "q");
    assert!(!st.quit, "q typed in the prompt is text");
    press(&mut st, "enter");
    assert!(st.quit);
    let mut st = kube_system_state();
    press(&mut st, "/");
    press(&mut st, "ctrl-c");
    assert!(st.quit);
}

#[test]
fn help_opens_scrolls_and_closes() {
    let mut st = kube_system_state();
    press(&mut st, "?");
    assert!(st.overlays.is_open::<HelpState>());
    press(&mut st, "j, j");
    assert_eq!(st.overlays.get::<HelpState>().unwrap().scroll, 2);
    press(&mut st, "q");
    assert!(!st.overlays.is_open::<HelpState>());
    assert!(!st.quit, "q closes help, it does not quit");
}

#[test]
fn tab_cycles_focus_and_zoom_toggles() {
    let mut st = kube_system_state();
    assert_eq!(st.focus, Pane::Main);
    press(&mut st, "tab");
    assert_eq!(st.focus, Pane::Namespaces);
    press(&mut st, "tab");
    assert_eq!(st.focus, Pane::Main);
    press(&mut st, "z");
    assert!(st.zoomed);
    press(&mut st, "esc");
    assert!(!st.zoomed);
}

#[test]
fn ticks_move_now_and_dirty_only_when_a_second_passes() {
    let mut st = kube_system_state();
    st.dirty = false;
    update(&mut st, Msg::Tick(now()));
    assert!(!st.dirty);
    update(
        &mut st,
        Msg::Tick(jiff::Timestamp::from_second(now().as_second() + 1).unwrap()),
    );
    assert!(st.dirty);
}

#[test]
fn actions_by_message_work_like_keys() {
    let mut st = kube_system_state();
    update(&mut st, Msg::Action(Action::Quit));
    assert!(st.quit);
}

/// The incremental order must always equal a full sort, whatever the mix of events.
#[test]
fn incremental_order_matches_a_full_sort_under_random_churn() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let (mut st, _) = started(None);
    let key = st.main_watch.key.unwrap();
    let template = DEFAULT[0].row();
    let mut live: HashSet<String> = HashSet::new();
    for column in ["N", "A", "T", "S", "T"] {
        press(&mut st, column);
        for _round in 0..40 {
            let mut batch = Vec::new();
            for _ in 0..rng.random_range(1..40) {
                let name = format!("pod-{}", rng.random_range(0..300));
                if rng.random_bool(0.25) {
                    // Events apply in order: flush the upserts before a removal.
                    let rows = std::mem::take(&mut batch);
                    update(&mut st, kube(key, WatchEvent::Upsert(Rows::Pods(rows))));
                    let gone = vec![RowKey::namespaced("default", &name)];
                    update(&mut st, kube(key, WatchEvent::Remove(gone)));
                    live.remove(&name);
                } else {
                    let mut row = template.clone();
                    row.name = name.as_str().into();
                    row.restarts = rng.random_range(0..5);
                    row.status = if rng.random_bool(0.5) {
                        "Running"
                    } else {
                        "Pending"
                    }
                    .into();
                    row.created =
                        Some(jiff::Timestamp::from_second(rng.random_range(0..1000)).unwrap());
                    batch.push(row);
                    live.insert(name);
                }
            }
            update(&mut st, kube(key, WatchEvent::Upsert(Rows::Pods(batch))));
            st.refresh();
            let shown: Vec<_> = (0..st.pods.visible_len())
                .map(|i| st.pods.visible_row(i).unwrap().clone())
                .collect();
            assert_eq!(shown.len(), live.len());
            let sort = st.pods.sort();
            for w in shown.windows(2) {
                use rkt::state::table::TableRow;
                let mut o = w[0].cmp_by(&w[1], sort.column);
                if sort.descending {
                    o = o.reverse();
                }
                assert_eq!(
                    o,
                    std::cmp::Ordering::Less,
                    "{} then {} by {:?}",
                    w[0].name,
                    w[1].name,
                    sort
                );
            }
        }
    }
}

#[test]
fn key_table_has_no_duplicate_keys_in_a_context_and_every_binding_a_description() {
    for ctx in Ctx::ALL {
        let mut seen = HashSet::new();
        for b in DEFAULTS.iter().filter(|b| b.ctx == ctx) {
            assert!(
                !b.desc.trim().is_empty(),
                "{:?} in {ctx:?} has no description",
                b.action
            );
            let seqs = parse_keys(b.keys).unwrap_or_else(|e| panic!("{:?}: {e}", b.keys));
            for seq in seqs {
                assert!(
                    seen.insert(seq.clone()),
                    "{:?} bound twice in {ctx:?}",
                    b.keys
                );
            }
        }
    }
    // A sequence's prefix must not also be a binding of its own in the same chain.
    let km = rkt::keymap::Keymap::default();
    for b in km.bindings() {
        for seq in b.keys.iter().filter(|s| s.len() > 1) {
            for ctx in Ctx::ALL.iter().filter(|c| c.chain().contains(&b.ctx)) {
                assert_ne!(
                    km.lookup(*ctx, &[], seq[0]),
                    rkt::keymap::Lookup::None,
                    "prefix of {:?} unreachable in {ctx:?}",
                    b.keys
                );
            }
        }
    }
}

fn selected_pod_ref() -> rkt::model::objects::ObjectRef {
    rkt::model::objects::ObjectRef {
        kind: rkt::model::objects::ObjectKind::pod(),
        namespace: Some("kube-system".into()),
        name: "coredns-668d6bf9bc-x7k2p".into(),
    }
}

#[test]
fn delete_asks_first_and_only_y_deletes() {
    use rkt::model::objects::Identity;
    use rkt::model::objects::{ObjectEffect, ObjectMsg};
    let mut st = kube_system_state();
    st.refresh();
    assert_eq!(
        press(&mut st, "ctrl-d"),
        vec![Effect::Object(ObjectEffect::Identify(selected_pod_ref()))],
        "nothing is deleted before confirming; the object's uid is looked up"
    );
    assert_eq!(
        st.overlays.get::<DeleteConfirm>().unwrap().obj,
        selected_pod_ref()
    );
    // Any other key cancels, and is not also taken as a command.
    assert!(press(&mut st, "q").is_empty());
    assert!(!st.overlays.is_open::<DeleteConfirm>() && !st.quit);
    press(&mut st, "ctrl-d");
    let identity = Identity {
        uid: "uid-1".into(),
        resource_version: "42".into(),
    };
    update(
        &mut st,
        Msg::Object(ObjectMsg::Identified {
            obj: selected_pod_ref(),
            result: Ok(identity.clone()),
        }),
    );
    let effects: Vec<Effect> = press(&mut st, "y")
        .into_iter()
        .map(Effect::unaudited)
        .collect();
    assert_eq!(
        effects,
        vec![Effect::Object(ObjectEffect::Delete {
            obj: selected_pod_ref(),
            confirmed: identity,
        })]
    );
    assert!(!st.overlays.is_open::<DeleteConfirm>());
}

#[test]
fn a_protected_context_deletes_only_when_the_name_is_typed() {
    use rkt::model::objects::{Identity, ObjectEffect, ObjectMsg};
    let mut st = kube_system_state();
    st.cluster.protected = true;
    st.refresh();
    press(&mut st, "ctrl-d");
    let identity = Identity {
        uid: "uid-1".into(),
        resource_version: "42".into(),
    };
    update(
        &mut st,
        Msg::Object(ObjectMsg::Identified {
            obj: selected_pod_ref(),
            result: Ok(identity.clone()),
        }),
    );
    // The confirm key is only a letter of the name now; enter checks what was typed.
    assert!(type_text(&mut st, "y").is_empty());
    assert!(
        press(&mut st, "enter").is_empty(),
        "a wrong name deletes nothing"
    );
    assert!(
        st.overlays.is_open::<DeleteConfirm>(),
        "and may be corrected"
    );
    let notice = st.notice.clone().unwrap();
    assert!(
        notice.text.contains("coredns-668d6bf9bc-x7k2p"),
        "{notice:?}"
    );
    press(&mut st, "ctrl-u");
    type_text(&mut st, "coredns-668d6bf9bc-x7k2");
    assert!(
        press(&mut st, "enter").is_empty(),
        "a prefix is not the name"
    );
    type_text(&mut st, "p");
    let effects = press(&mut st, "enter");
    let [Effect::Audited(audited)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        audited.effect,
        Effect::Object(ObjectEffect::Delete {
            obj: selected_pod_ref(),
            confirmed: identity,
        })
    );
    assert!(!st.overlays.is_open::<DeleteConfirm>());
    // Esc gives up.
    press(&mut st, "ctrl-d");
    type_text(&mut st, "coredns");
    assert!(press(&mut st, "esc").is_empty());
    assert!(!st.overlays.is_open::<DeleteConfirm>());
}

#[test]
fn readonly_refuses_delete_without_asking() {
    let mut st = kube_system_state();
    st.readonly = true;
    st.refresh();
    assert!(press(&mut st, "ctrl-d").is_empty());
    assert!(!st.overlays.is_open::<DeleteConfirm>());
    let notice = st.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Warning);
    assert!(notice.text.contains("--readonly"), "{}", notice.text);
}

#[test]
fn yaml_view_loads_scrolls_and_closes() {
    use rkt::model::objects::{ObjectEffect, ObjectMsg};
    let mut st = kube_system_state();
    st.refresh();
    let effects = press(&mut st, "y");
    let expected = ObjectEffect::Yaml(selected_pod_ref());
    assert_eq!(effects, vec![Effect::Object(expected.clone())]);
    assert!(st.overlays.get::<TextView>().unwrap().loading);
    let text: String = (0..200).map(|i| format!("line{i}\n")).collect();
    update(
        &mut st,
        Msg::Object(ObjectMsg::Text {
            title: expected.title(),
            result: Ok(text),
        }),
    );
    st.refresh();
    let view = st.overlays.get::<TextView>().unwrap();
    assert_eq!(
        (view.lines.len(), view.scroll, view.loading),
        (200, 0, false)
    );
    press(&mut st, "j j G");
    let view = st.overlays.get::<TextView>().unwrap();
    assert_eq!(view.scroll, 200 - view.viewport, "G stops at the last page");
    assert_eq!(press(&mut st, "c").len(), 1, "c copies the whole text");
    press(&mut st, "esc");
    assert!(!st.overlays.is_open::<TextView>());
    // A late answer for a closed view is dropped.
    update(
        &mut st,
        Msg::Object(ObjectMsg::Text {
            title: expected.title(),
            result: Ok("late".into()),
        }),
    );
    assert!(!st.overlays.is_open::<TextView>());
}
