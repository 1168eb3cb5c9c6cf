#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Signals and a vanishing terminal, on the real binary in a pseudo-terminal: every way rkt
//! ends gives the terminal back and closes its port-forwards; `ctrl-z` stops it like any job
//! and `fg` (SIGCONT) brings the screen back.

mod common;

use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};

use common::pty::{path_arg, PtyApp};
use common::TestCluster;

/// rkt on the demo's default namespace with a forward to the hello-minikube Service;
/// returns the app and the forward's local port (answering a page).
fn forwarding(cluster: &TestCluster) -> (PtyApp, u16) {
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "default"], &[], 160, 40);
    app.wait_for_text("hello-minikube");
    app.send(":svc\r");
    app.wait_for_text("Services(default)");
    app.send("/hello-minikube\r");
    app.wait_until("the service row", |s| s.contains("NodePort"));
    app.send("F");
    app.wait_for_text("Port-forward service/hello-minikube");
    let port = app.start_forward_on_any_port("8080/TCP");
    common::wait_for("a page through the forward", 30, || common::get_page(port));
    (app, port)
}

fn signal(app: &PtyApp, name: &str) {
    let pid = app.pid().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name}");
}

/// The forward's listener is gone: the port can be bound again.
fn assert_port_free(port: u16) {
    common::wait_for("the forward's port to be free", 30, || {
        TcpListener::bind(("127.0.0.1", port)).ok().map(drop)
    });
}

fn assert_terminal_restored(app: &PtyApp) {
    app.wait_output_settled();
    assert!(!app.alternate_screen(), "back on the main screen");
    assert!(app.cooked_mode(), "terminal back in cooked mode");
}

#[test]
fn term_hup_and_int_restore_the_terminal_and_close_forwards() {
    let cluster = TestCluster::demo();
    for name in ["TERM", "HUP", "INT"] {
        let (mut app, port) = forwarding(&cluster);
        signal(&app, name);
        let status = app.wait_status();
        assert!(status.success(), "SIG{name}: a clean exit, got {status:?}");
        assert_terminal_restored(&app);
        assert_port_free(port);
    }
}

#[test]
fn kill_9_leaves_the_port_free() {
    let cluster = TestCluster::demo();
    let (mut app, port) = forwarding(&cluster);
    signal(&app, "KILL");
    app.wait_status();
    assert_port_free(port);
}

#[test]
fn a_terminal_that_goes_away_ends_rkt_without_a_panic() {
    let cluster = TestCluster::demo();
    let (mut app, port) = forwarding(&cluster);
    app.hang_up();
    let status = app.wait_status();
    // A panic exits with 101; a signal that killed it names itself.
    assert_eq!(status.signal(), None, "ended by a signal: {status:?}");
    assert_ne!(status.exit_code(), 101, "rkt panicked");
    assert_port_free(port);
}

/// The process state letter from /proc (`T` stopped, `S` sleeping, `R` running).
fn process_state(app: &PtyApp) -> char {
    let pid = app.pid().expect("pid");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // "PID (comm) S …": the state follows the last ')'.
    stat.rsplit(')')
        .next()
        .and_then(|rest| rest.trim_start().chars().next())
        .unwrap_or('?')
}

fn suspend_then_continue(stop: impl Fn(&mut PtyApp)) {
    let cluster = TestCluster::demo();
    let kc = path_arg(cluster.kubeconfig()).to_owned();
    let mut app = PtyApp::spawn(&["--kubeconfig", &kc, "-n", "kube-system"], &[], 120, 30);
    app.wait_for_text("etcd-minikube");
    stop(&mut app);
    common::wait_for("rkt to be stopped", 30, || {
        (process_state(&app) == 'T').then_some(())
    });
    assert_terminal_restored(&app);

    signal(&app, "CONT");
    app.wait_until("the pods table drawn again", |s| {
        s.contains("etcd-minikube") && s.contains("kube-scheduler-minikube")
    });
    assert!(app.alternate_screen(), "rkt has its screen again");
    assert!(!app.cooked_mode(), "and raw mode");
    // Keys work after `fg`.
    app.send("?");
    app.wait_for_text("suspend (fg resumes)");
    app.send("\x1b");
    app.wait_for_no_text("suspend (fg resumes)");
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    assert_terminal_restored(&app);
}

#[test]
fn ctrl_z_stops_rkt_with_the_terminal_given_back_and_fg_redraws() {
    suspend_then_continue(|app| app.send("\x1a"));
}

#[test]
fn sigtstp_from_outside_gives_the_terminal_back_before_stopping() {
    suspend_then_continue(|app| signal(app, "TSTP"));
}

#[test]
fn a_forward_on_the_default_address_answers_on_ipv6_loopback_too() {
    // Where the machine has no IPv6 loopback, kubectl and rkt listen on 127.0.0.1 only.
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0);
    if TcpListener::bind(v6).is_err() {
        eprintln!("no ::1 on this machine: nothing to check");
        return;
    }
    let cluster = TestCluster::demo();
    let (mut app, port) = forwarding(&cluster);
    let page = common::wait_for("a page on [::1]", 30, || {
        common::get_page_at(Ipv6Addr::LOCALHOST.into(), port)
    });
    assert!(
        page.contains("hello") || page.contains("Hostname"),
        "{page}"
    );
    app.send("q");
    assert_eq!(app.wait_exit(), 0);
    assert_port_free(port);
    assert!(
        TcpListener::bind((Ipv6Addr::LOCALHOST, port)).is_ok(),
        "[::1]:{port} closed too"
    );
}
