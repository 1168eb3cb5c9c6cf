//! Fuzzing entry points: one function per input rkt parses, each feeding raw bytes to the
//! same pure functions the program uses. The cargo-fuzz targets in `fuzz/` and the seeded
//! loops in `tests/fuzz_smoke.rs` call these, so both exercise one harness. Each checks the
//! properties that must hold for any input (sanitized text holds no control character, a
//! rendered screen holds no raw escape); a panic anywhere is a bug.

mod draw;
mod samples;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::core::v1::{Event, Namespace, Pod, Service};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use draw::{Draw, HOSTILE};

use crate::model::convert::Interner;
use crate::model::rollout::rows::convert as workload;
use crate::model::table::{rows_of, TableColumns, TableDoc};
use crate::model::{containers, describe, edit, logs};

/// The fixed "now" ages are measured against.
fn now() -> Timestamp {
    Timestamp::from_second(1_714_600_000).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A log line: sanitized, the result holds no control character and no ESC.
pub fn log_line(bytes: &[u8]) {
    let source = logs::LogSource::new("pod", "container");
    let line = logs::LogLine::parse(&source, bytes);
    assert_inert_log(&line.text.text);
    let joined: String = line.text.segments().map(|(s, _)| s).collect();
    assert_eq!(joined, line.text.text, "segments cover the text");
    assert_inert_log(&logs::sanitize::sanitize(&String::from_utf8_lossy(bytes)).text);
}

fn assert_inert_log(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control()),
        "control character left in {text:?}"
    );
}

/// The config file: parsed, its keys resolved and every problem located in the text.
pub fn config(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let config = match crate::config::Config::parse(&text) {
        Ok(config) => config,
        Err(problem) => {
            let _ = problem.to_string();
            return;
        }
    };
    let _ = crate::model::audit::is_protected(&config.protected_contexts, "prod-eu");
    if let Some(theme) = &config.theme {
        let _ = crate::config::locate(&text, &["theme"], crate::config::Part::Value);
        let _ = theme.len();
    }
    let loaded = crate::config::Loaded {
        config,
        path: None,
        text,
    };
    if let Err(problems) = crate::app::startup::resolve_keymap(&loaded) {
        for p in problems {
            let _ = p.to_string();
        }
    }
}

/// A theme file.
pub fn theme(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match crate::theme::Theme::from_yaml("fuzz", &text) {
        Ok(theme) => drop(theme.without_colors()),
        Err(problem) => drop(problem.to_string()),
    }
}

/// A key spec as written in the config (`"ctrl-d, g g"`): parsed, and what parses is
/// printed and parsed again to the same keys.
pub fn key_spec(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = crate::keymap::KeyChord::parse(&text);
    if let Ok(seqs) = crate::keymap::parse_keys(&text) {
        for seq in seqs {
            let printed = crate::keymap::seq_to_string(&seq);
            let again = crate::keymap::parse_keys(&printed);
            assert!(again.is_ok(), "{printed:?} (from {text:?}) does not parse");
        }
    }
    let mut overrides = BTreeMap::new();
    overrides.insert("delete".to_string(), text.into_owned());
    let _ = crate::keymap::Keymap::with_overrides(&overrides);
}

/// The saved port-forwards file.
pub fn saved_forwards(bytes: &[u8]) {
    let _ = crate::model::saved_forwards::SavedForwards::parse(&String::from_utf8_lossy(bytes));
}

/// Kubeconfig files as rkt reads them: the input is cut into files at `\n---8<---\n`, they
/// are read and merged as `$KUBECONFIG` lists them, and the context is chosen.
pub fn kubeconfig(bytes: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let mut paths = Vec::new();
    for (i, part) in split_on(bytes, b"\n---8<---\n")
        .into_iter()
        .take(4)
        .enumerate()
    {
        let path = dir.path().join(format!("config-{i}"));
        if std::fs::write(&path, part).is_ok() {
            paths.push(path);
        }
    }
    match crate::cluster::connect::load_kubeconfig(&paths) {
        Ok(kc) => {
            let named = kc.contexts.first().map(|c| c.name.clone());
            for context in [None, named.as_deref(), Some("missing")] {
                let _ = crate::cluster::connect::chosen_context(&kc, context, "fuzz");
            }
        }
        Err(e) => drop(e.to_string()),
    }
}

fn split_on<'a>(bytes: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(sep.len()).position(|w| w == sep) {
        parts.push(&rest[..at]);
        rest = &rest[at + sep.len()..];
    }
    parts.push(rest);
    parts
}

/// An object as the API might send it: a sample of a kind rkt knows, broken as the input
/// says (fields missing, of the wrong type, huge, hostile, deeply nested).
pub fn shaped_object(draw: &mut Draw<'_>) -> Value {
    let mut samples = samples::all();
    let at = draw.below(samples.len());
    let mut obj = samples.swap_remove(at);
    draw.mutate(&mut obj, 12);
    obj
}

/// Object → row, status, describe and containers text, for every converter: raw JSON
/// input when it parses, else a shaped sample.
pub fn object(bytes: &[u8]) {
    let obj = match serde_json::from_slice::<Value>(bytes) {
        Ok(v) if v.is_object() => v,
        _ => shaped_object(&mut Draw::new(bytes)),
    };
    convert_all(&obj);
}

fn typed<T: DeserializeOwned>(obj: &Value) -> Option<T> {
    serde_json::from_value(obj.clone()).ok()
}

fn convert_all(obj: &Value) {
    let now = now();
    let mut interner = Interner::default();
    let events: Vec<Event> = typed(obj).into_iter().collect();
    if let Some(pod) = typed::<Pod>(obj) {
        let _ = crate::model::convert::pod_row(&pod, &mut interner);
        let _ = containers::containers_text(&pod, &events, now);
        let _ = containers::pod_probe_failing(&pod, &events, now);
        let _ = describe::pod_at(&pod, &events, now);
    }
    if let Some(ns) = typed::<Namespace>(obj) {
        let _ = crate::model::convert::namespace_row(&ns, &mut interner);
    }
    if let Some(svc) = typed::<Service>(obj) {
        let _ = crate::model::services::service_row(&svc, &mut interner);
    }
    if let Some(d) = typed::<Deployment>(obj) {
        let row = workload::deployment_row(&d, &mut interner);
        let _ = crate::model::rollout::status::deployment_status(&d);
        let rs: Vec<ReplicaSet> = typed(obj).into_iter().collect();
        let _ = crate::model::rollout::history::deployment_history(&d, &rs);
        drop(row);
    }
    if let Some(s) = typed::<StatefulSet>(obj) {
        let _ = workload::statefulset_row(&s, &mut interner);
        let _ = crate::model::rollout::status::statefulset_status(&s);
    }
    if let Some(d) = typed::<DaemonSet>(obj) {
        let _ = workload::daemonset_row(&d, &mut interner);
        let _ = crate::model::rollout::status::daemonset_status(&d);
    }
    if let Some(rs) = typed::<ReplicaSet>(obj) {
        let _ = workload::replica_set_row(&rs, &mut interner);
    }
    if let Some(cr) = typed::<ControllerRevision>(obj) {
        let _ = workload::revision_row(&cr, &mut interner);
        let _ = crate::model::rollout::history::revision_template(&cr);
    }
    server_table(obj, now);
    let related = describe::Related {
        pods: vec![obj.clone()],
        replica_sets: vec![obj.clone()],
        endpoint_slices: vec![obj.clone()],
        services: vec![obj.clone()],
    };
    let _ = describe::object(obj, &events, &related, now);
    let _ = crate::model::drill::drill(obj, std::slice::from_ref(obj));
    let _ = crate::model::insight::node_summary(obj, std::slice::from_ref(obj));
    let _ = crate::model::ingress_routes::routes(obj, std::slice::from_ref(obj), &[]);
    let _ = crate::model::metrics::pod_usage(obj);
    let _ = crate::model::metrics::node_usage(obj);
    let _ = edit::editable(obj);
}

/// The server's Table (the generic view's rows): every cell's text is inert.
fn server_table(obj: &Value, now: Timestamp) {
    let Some(doc) = typed::<TableDoc>(obj) else {
        return;
    };
    let columns = TableColumns::from_docs(&doc.column_definitions);
    for row in rows_of(&doc, &columns) {
        assert_inert(&row.name);
        for i in 0..row.cells.len() {
            assert_inert(&row.text(i, now));
        }
    }
}

/// What rkt shows of a cluster string holds no control, bidi or zero-width character.
pub fn assert_inert(text: &str) {
    assert!(
        !text.chars().any(crate::model::format::is_unsafe),
        "unsafe character left in {text:?}"
    );
}

/// YAML saved from the editor, judged against an object as read from the server.
pub fn edited_yaml(bytes: &[u8]) {
    let mut draw = Draw::new(bytes.get(..8).unwrap_or_default());
    let original = shaped_object(&mut draw);
    let text = String::from_utf8_lossy(bytes.get(8..).unwrap_or_default());
    let body = edit::strip_header(&text);
    let _ = edit::file_text(&[text.to_string()], body);
    if let edit::Judged::Changed(edited) = edit::judge(&original, &text) {
        let _ = edit::prepare_update(edited, &original);
    }
}

/// A `:` command line typed into a session with pods, then a frame drawn; the screen holds
/// no raw control character.
pub fn command_line(bytes: &[u8]) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let text = String::from_utf8_lossy(bytes);
    let _ = crate::state::prompt::parse_command(&text);
    let (done, _) = crate::state::prompt::split_last_word(&text);
    let _ = crate::state::prompt::complete(&text, ["default", "kube-system"].into_iter(), &[]);
    if let Some((_, args)) = done.split_first() {
        let _ = crate::model::change::create::parse(args);
        let _ = crate::model::change::expose::parse(args);
    }
    let _ = crate::model::filter::Query::parse(&text);

    let mut st = session();
    let press = |st: &mut crate::state::AppState, code| {
        crate::state::update(
            st,
            crate::msg::Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        )
    };
    press(&mut st, KeyCode::Char(':'));
    for c in text.chars().take(200) {
        press(&mut st, KeyCode::Char(c));
    }
    press(&mut st, KeyCode::Tab);
    press(&mut st, KeyCode::Enter);
    assert_screen_inert(&mut st);
}

/// A session in namespace `default` whose pods are shaped samples.
fn session() -> crate::state::AppState {
    use crate::effect::Scope;
    use crate::model::rows::Rows;
    use crate::msg::{KubeMsg, Msg, WatchEvent};

    let mut st = crate::state::AppState::new(
        Arc::new(crate::keymap::Keymap::default()),
        crate::model::ClusterInfo {
            context: "fuzz".into(),
            server: "https://127.0.0.1:6443".into(),
            ..Default::default()
        },
        Scope::Namespace("default".into()),
        now(),
    );
    let _ = st.start();
    let mut interner = Interner::default();
    let pods: Vec<_> = samples::all()
        .into_iter()
        .filter_map(|v| typed::<Pod>(&v))
        .filter_map(|p| crate::model::convert::pod_row(&p, &mut interner))
        .collect();
    if let Some(key) = st.main_watch.key.filter(|_| !pods.is_empty()) {
        for event in [
            WatchEvent::Reset,
            WatchEvent::Upsert(Rows::Pods(pods)),
            WatchEvent::Synced,
        ] {
            crate::state::update(&mut st, Msg::Kube(KubeMsg { key, event }));
        }
    }
    st
}

/// Draws `st` on an 100×30 test terminal and checks no cell holds an unsafe character.
pub fn assert_screen_inert(st: &mut crate::state::AppState) {
    use ratatui::backend::TestBackend;

    st.size = (100, 30);
    st.refresh();
    let Ok(mut term) = ratatui::Terminal::new(TestBackend::new(100, 30));
    let keymap = st.keymap.clone();
    let theme = crate::theme::Theme::default_theme();
    let drawn = term.draw(|f| {
        crate::ui::render(st, &theme, &keymap, f);
    });
    assert!(drawn.is_ok(), "drawing failed");
    for cell in term.backend().buffer().content() {
        assert_inert(cell.symbol());
    }
}
