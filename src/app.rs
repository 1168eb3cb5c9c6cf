//! The event loop: terminal events, a tick and cluster messages into `update`; effects to
//! the runtime; one draw per burst, at most `max_fps` times a second (input is drawn at once).

mod audit;
mod clipboard;
mod contexts;
mod forwards;
mod frame_stats;
mod memory;
mod mouse;
mod runtime;
mod session;
pub(crate) mod startup;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use self::frame_stats::FrameStats;
use crate::cli::Cli;
use crate::msg::{KubeMsg, Msg, WatchEvent};
use crate::state::{update, AppState};
use crate::theme::Theme;
use crate::tui::Tui;
use crate::ui;
pub use runtime::Runtime;

/// Longest time spent applying queued messages before drawing, so a flood of watch
/// events cannot starve the screen or the keyboard.
const DRAIN_BUDGET: Duration = Duration::from_millis(20);

/// Runs rkt: startup checks (all before the terminal is touched), then the TUI.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // A broken config is reported first: it is wrong with or without a terminal.
    let prepared = startup::prepare(&cli)?;
    crate::tui::require_terminal().map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let session = startup::connect(&cli, prepared).await?;
        let mut tui = Tui::start(session.mouse)?;
        let mut st = session.state;
        let switcher = contexts::Switcher::new(session.target, session.protected);
        let result = event_loop(
            &mut tui,
            &mut st,
            &session.theme,
            (session.client, switcher),
            session.max_fps,
        )
        .await;
        remember_context(&mut st);
        drop(tui); // restores the terminal before any error is printed
        drop(session.demo);
        result.map(|()| ExitCode::SUCCESS)
    })
}

/// On the way out: the context's view and namespace are remembered for the next run
/// (written here, at once: the runtime's tasks are gone).
fn remember_context(st: &mut AppState) {
    for effect in crate::state::contexts::remember_here(st) {
        if let crate::effect::Effect::WriteState { path, contents } = effect {
            if let Err(e) = runtime::write_private(&path, &contents) {
                eprintln!("rkt: cannot write {}: {e}", path.display());
            }
        }
    }
}

/// Draws a frame; returns what was drawn where, for the mouse.
fn draw(tui: &mut Tui, st: &mut AppState, theme: &Theme) -> anyhow::Result<ui::hit::HitMap> {
    st.refresh();
    let keymap = st.keymap.clone();
    let mut hits = ui::hit::HitMap::default();
    tui.terminal
        .draw(|f| hits = ui::render(st, theme, &keymap, f))
        .context("drawing on the terminal")?;
    st.dirty = false;
    Ok(hits)
}

fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

fn handle_cluster_msg(st: &mut AppState, rt: &mut Runtime, tui: &mut Tui, msg: Msg) {
    let synced = matches!(
        &msg,
        Msg::Kube(KubeMsg {
            event: WatchEvent::Synced,
            ..
        })
    );
    let effects = update(st, msg);
    rt.apply(effects, tui);
    if synced {
        // A full list was just converted to rows and its objects dropped.
        memory::release_freed();
    }
}

/// Runs a session that needs the terminal (the event stream already dropped): cluster
/// messages keep updating the state meanwhile, nothing is drawn; then the TUI is taken
/// back, redrawn in full, the session's audit line written, and its end goes to `update`.
async fn run_foreground(
    fg: session::Foreground,
    audit: &[crate::model::audit::AuditRecord],
    tui: &mut Tui,
    st: &mut AppState,
    rt: &mut Runtime,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    theme: &Theme,
) -> anyhow::Result<ui::hit::HitMap> {
    let mut handover = session::Handover::default();
    let msg = {
        let session = session::run(fg, rt.client(), &mut handover);
        tokio::pin!(session);
        loop {
            tokio::select! {
                msg = &mut session => break msg,
                Some(m) = rx.recv() => handle_cluster_msg(st, rt, tui, m),
            }
        }
    };
    rt.record(audit, &msg);
    if handover.suspended() {
        tui.resume()?;
    }
    let size = tui.terminal.size()?;
    let mut effects = update(st, Msg::Resize(size.width, size.height));
    effects.extend(update(st, msg));
    rt.apply(effects, tui);
    draw(tui, st, theme)
}

/// `ctrl-z`: the process stops with the terminal given back; after `fg` the screen is
/// taken back and drawn in full at its size now (the window may have changed meanwhile).
fn stop_and_resume(
    tui: &mut Tui,
    st: &mut AppState,
    rt: &mut Runtime,
    theme: &Theme,
) -> anyhow::Result<ui::hit::HitMap> {
    crate::tui::stop_process().context("suspending rkt")?;
    tui.resume().context("taking the terminal back after fg")?;
    let size = tui.terminal.size()?;
    let effects = update(st, Msg::Resize(size.width, size.height));
    rt.apply(effects, tui);
    draw(tui, st, theme)
}

async fn event_loop(
    tui: &mut Tui,
    st: &mut AppState,
    theme: &Theme,
    (client, switcher): (kube::Client, contexts::Switcher),
    max_fps: u32,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut rt = Runtime::new(client, tx).with_contexts(switcher);
    let mut stats = FrameStats::from_env();
    let result = drive(tui, st, theme, &mut rt, &mut rx, max_fps, &mut stats).await;
    // Forwards stop on every way out: quit, a signal, a terminal that went away, an error.
    rt.stop_forwards().await;
    rt.shutdown();
    let written = stats.write();
    result?;
    written.with_context(|| format!("writing the file {} names", frame_stats::ENV))
}

/// The loop itself, until quit, a signal, or the terminal is gone.
async fn drive(
    tui: &mut Tui,
    st: &mut AppState,
    theme: &Theme,
    rt: &mut Runtime,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    max_fps: u32,
    stats: &mut FrameStats,
) -> anyhow::Result<()> {
    let size = tui.terminal.size()?;
    st.size = (size.width, size.height);
    // The first frame goes out before any network answer: panes say "loading".
    let mut hits = draw(tui, st, theme)?;
    let mut mouse = mouse::MouseReader::default();
    let effects = st.start_in_context();
    rt.apply(effects, tui);

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    // Handled, so a SIGTSTP from outside gives the terminal back before stopping.
    let mut sigtstp = signal(SignalKind::from_raw(libc::SIGTSTP))?;
    let frame = Duration::from_millis(1000 / u64::from(max_fps.max(1)));
    let mut last_draw = Instant::now();

    loop {
        let next_frame = tokio::time::Instant::from_std(last_draw + frame);
        // A keystroke is answered on screen at once; the frame rate cap is for the
        // redraws that cluster changes cause.
        let mut input = false;
        let mut stop = false;
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    let msg = match ev {
                        Event::Mouse(m) => mouse.read(m, &hits),
                        other => event_to_msg(other),
                    };
                    if let Some(msg) = msg {
                        input = true;
                        let effects = update(st, msg);
                        rt.apply(effects, tui);
                    }
                }
                Some(Err(e)) => return Err(anyhow::Error::new(e).context("reading the terminal")),
                None => break, // the terminal is gone
            },
            Some(msg) = rx.recv() => handle_cluster_msg(st, rt, tui, msg),
            _ = tick.tick() => {
                let effects = update(st, Msg::Tick(Timestamp::now()));
                rt.apply(effects, tui);
            }
            _ = sigterm.recv() => break,
            _ = sighup.recv() => break,
            _ = sigint.recv() => break,
            _ = sigtstp.recv() => stop = true,
            _ = tokio::time::sleep_until(next_frame), if st.dirty => {}
        }
        let woke = Instant::now();
        // Drain whatever else is queued so a burst costs one frame.
        while woke.elapsed() < DRAIN_BUDGET {
            let Ok(msg) = rx.try_recv() else { break };
            handle_cluster_msg(st, rt, tui, msg);
        }
        if rt.take_suspend() || stop {
            hits = stop_and_resume(tui, st, rt, theme)?;
            last_draw = Instant::now();
            continue;
        }
        if let Some((fg, audit)) = rt.take_foreground() {
            // Nothing reads the terminal while the session owns it; a new stream after.
            drop(std::mem::replace(&mut events, EventStream::new()));
            hits = run_foreground(fg, &audit, tui, st, rt, rx, theme).await?;
            // ctrl-c in a cooked-mode editor signals rkt too: that was not a quit.
            let _ = futures::FutureExt::now_or_never(sigint.recv());
            last_draw = Instant::now();
            continue;
        }
        if st.quit {
            break;
        }
        if st.dirty {
            stats.dirty(woke);
        }
        if st.dirty && (input || last_draw.elapsed() >= frame) {
            let started = Instant::now();
            hits = draw(tui, st, theme)?;
            stats.drawn(started);
            last_draw = Instant::now();
        }
    }
    Ok(())
}
