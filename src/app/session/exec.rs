//! A shell in a container with the terminal handed over: raw mode kept, the terminal's
//! bytes to the shell's stdin, its output to the terminal, the window size sent at the
//! start and on every resize (SIGWINCH). The shell ending (`exit`) ends the session.

use std::io::Write;
use std::time::Duration;

use futures::SinkExt;
use kube::api::TerminalSize;
use kube::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::signal::unix::{signal, Signal, SignalKind};

use super::stdin::Pump;
use super::Handover;
use crate::cluster::exec::{end_of, start};
use crate::model::exec::{ExecEnd, ExecTarget};

/// How long to wait for the exit status once the output has ended.
const STATUS_WAIT: Duration = Duration::from_secs(5);

fn size() -> Option<TerminalSize> {
    crossterm::terminal::size()
        .ok()
        .map(|(width, height)| TerminalSize { width, height })
}

async fn resized(winch: &mut Option<Signal>) -> Option<()> {
    match winch {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}

pub async fn run(client: &Client, target: &ExecTarget, handover: &mut Handover) -> ExecEnd {
    let mut attached = match start(client, target).await {
        Ok(a) => a,
        Err(why) => return ExecEnd::Failed(why),
    };
    let (Some(mut stdin), Some(mut stdout), Some(mut resize), Some(status)) = (
        attached.stdin(),
        attached.stdout(),
        attached.terminal_size(),
        attached.take_status(),
    ) else {
        return ExecEnd::Failed("the exec session has no terminal streams".into());
    };
    if let Err(e) = handover.for_shell() {
        return ExecEnd::Failed(format!("cannot hand the terminal over: {e}"));
    }
    let mut winch = signal(SignalKind::window_change()).ok();
    if let Some(s) = size() {
        let _ = resize.send(s).await;
    }
    let mut pump = match Pump::start() {
        Ok(p) => p,
        Err(e) => return ExecEnd::Failed(format!("cannot read the terminal: {e}")),
    };
    let mut out = std::io::stdout();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            n = stdout.read(&mut buf) => match n {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if out.write_all(&buf[..n]).and_then(|()| out.flush()).is_err() {
                        break;
                    }
                }
            },
            Some(bytes) = pump.rx.recv() => {
                if stdin.write_all(&bytes).await.is_err() {
                    break;
                }
            }
            Some(()) = resized(&mut winch) => {
                if let Some(s) = size() {
                    let _ = resize.send(s).await;
                }
            }
        }
    }
    pump.stop();
    drop((stdin, stdout, resize));
    let status = tokio::time::timeout(STATUS_WAIT, status)
        .await
        .unwrap_or(None);
    if status.is_none() {
        // No exit status: the connection ended; say why if it broke.
        if let Ok(Err(e)) = tokio::time::timeout(STATUS_WAIT, attached.join()).await {
            return ExecEnd::Failed(format!("the connection ended: {e}"));
        }
    }
    end_of(status)
}
