//! Rows and states for the pure state and render tests: a small minikube-like cluster at a
//! fixed "now", so ages in snapshots never change.

use std::sync::Arc;

use jiff::Timestamp;
use rkt::effect::{Effect, Scope, WatchKey, WatchSlot};
use rkt::keymap::Keymap;
use rkt::model::rows::{Health, NamespaceRow, PodRow, Rows};
use rkt::msg::{KubeMsg, Msg, WatchEvent};
use rkt::state::{update, AppState, ClusterInfo};

pub fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

fn ago(secs: i64) -> Option<Timestamp> {
    Some(Timestamp::from_second(now().as_second() - secs).unwrap())
}

pub struct P {
    pub ns: &'static str,
    pub name: &'static str,
    pub ready: (u16, u16),
    pub status: &'static str,
    pub health: Health,
    pub restarts: u32,
    pub age_secs: i64,
    pub ip: &'static str,
}

impl P {
    pub fn row(&self) -> PodRow {
        PodRow {
            namespace: self.ns.into(),
            name: self.name.into(),
            ready: self.ready.0,
            total: self.ready.1,
            status: self.status.into(),
            health: self.health,
            restarts: self.restarts,
            last_restart: if self.restarts > 0 { ago(600) } else { None },
            created: ago(self.age_secs),
            ip: self.ip.parse().ok(),
            node: if self.ip.is_empty() {
                None
            } else {
                Some(Arc::from("minikube"))
            },
            probe: None,
            resources: Default::default(),
        }
    }
}

const DAY: i64 = 86_400;

pub const KUBE_SYSTEM: &[P] = &[
    P {
        ns: "kube-system",
        name: "coredns-668d6bf9bc-x7k2p",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "10.244.0.2",
    },
    P {
        ns: "kube-system",
        name: "etcd-minikube",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
    P {
        ns: "kube-system",
        name: "kube-apiserver-minikube",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
    P {
        ns: "kube-system",
        name: "kube-controller-manager-minikube",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
    P {
        ns: "kube-system",
        name: "kube-proxy-5tq9z",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
    P {
        ns: "kube-system",
        name: "kube-scheduler-minikube",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
    P {
        ns: "kube-system",
        name: "storage-provisioner",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 1,
        age_secs: 3 * DAY,
        ip: "192.168.49.2",
    },
];

pub const DEFAULT: &[P] = &[
    P {
        ns: "default",
        name: "hello-minikube-5c898d8489-4xk8s",
        ready: (1, 1),
        status: "Running",
        health: Health::Ok,
        restarts: 0,
        age_secs: 2 * 3600,
        ip: "10.244.0.5",
    },
    P {
        ns: "default",
        name: "hello-minikube-5c898d8489-9mzq2",
        ready: (0, 1),
        status: "ContainerCreating",
        health: Health::Pending,
        restarts: 0,
        age_secs: 5,
        ip: "",
    },
    P {
        ns: "default",
        name: "crashy-7d9f8b6c5d-abcde",
        ready: (0, 1),
        status: "CrashLoopBackOff",
        health: Health::Error,
        restarts: 5,
        age_secs: 20 * 60,
        ip: "10.244.0.7",
    },
    P {
        ns: "default",
        name: "batch-job-29x7q",
        ready: (0, 1),
        status: "Completed",
        health: Health::Completed,
        restarts: 0,
        age_secs: 90 * 60,
        ip: "10.244.0.8",
    },
    P {
        ns: "default",
        name: "old-web-6b7f9c-zz1k9",
        ready: (1, 1),
        status: "Terminating",
        health: Health::Terminating,
        restarts: 0,
        age_secs: 7 * DAY,
        ip: "10.244.0.9",
    },
];

pub fn pods(list: &[P]) -> Vec<PodRow> {
    list.iter().map(P::row).collect()
}

pub fn namespace_rows() -> Vec<NamespaceRow> {
    ["default", "kube-node-lease", "kube-public", "kube-system"]
        .iter()
        .map(|n| NamespaceRow {
            name: (*n).into(),
            phase: "Active".into(),
            created: ago(3 * DAY),
        })
        .collect()
}

pub fn kube(key: WatchKey, event: WatchEvent) -> Msg {
    Msg::Kube(KubeMsg { key, event })
}

/// A fresh state in `namespace` that has started its watches; returns it and the effects.
pub fn started(namespace: Option<&str>) -> (AppState, Vec<Effect>) {
    let scope = match namespace {
        Some(ns) => Scope::Namespace(ns.into()),
        None => Scope::All,
    };
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "minikube".into(),
            server: "https://127.0.0.1:8443".into(),
            version: None,
            ..ClusterInfo::default()
        },
        scope,
        now(),
    );
    let effects = st.start();
    (st, effects)
}

pub fn key_of(st: &AppState, slot: WatchSlot) -> WatchKey {
    match slot {
        WatchSlot::Namespaces => st.ns_watch.key.unwrap(),
        WatchSlot::Main => st.main_watch.key.unwrap(),
        WatchSlot::History => st.rollout.watch.key.unwrap(),
        WatchSlot::HistoryOwner => st.rollout.owner_watch.key.unwrap(),
    }
}

/// Feeds a complete initial list for a watch.
pub fn list(st: &mut AppState, slot: WatchSlot, rows: Rows) {
    let key = key_of(st, slot);
    update(st, kube(key, WatchEvent::Reset));
    update(st, kube(key, WatchEvent::Upsert(rows)));
    update(st, kube(key, WatchEvent::Synced));
}

/// A kube-system session with namespaces and pods listed and the server version known.
pub fn kube_system_state() -> AppState {
    let (mut st, _) = started(Some("kube-system"));
    list(
        &mut st,
        WatchSlot::Namespaces,
        Rows::Namespaces(namespace_rows()),
    );
    list(&mut st, WatchSlot::Main, Rows::Pods(pods(KUBE_SYSTEM)));
    update(&mut st, Msg::ServerVersion(Ok("v1.33.0".into())));
    st
}

/// The whole screen as `ui::render` draws `st` in a `w`×`h` terminal (default theme).
pub fn draw_screen(st: &mut AppState, w: u16, h: u16) -> ratatui::buffer::Buffer {
    st.size = (w, h);
    st.refresh();
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("a test terminal");
    let keymap = st.keymap.clone();
    term.draw(|f| {
        rkt::ui::render(st, &rkt::theme::Theme::default_theme(), &keymap, f);
    })
    .expect("a frame");
    term.backend().buffer().clone()
}
