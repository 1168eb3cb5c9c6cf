//! Foreground sessions: an editor (`e`, as `kubectl edit`) or a remote shell (`s`) gets the
//! terminal, and rkt takes it back afterwards. They are run by the event loop, not by a
//! task, because the loop owns the terminal: it stops reading terminal events first (so no
//! keystroke meant for the session is stolen), runs the session, then resumes the TUI and
//! redraws everything. The session's end comes back as a `Msg` like any other answer.

mod edit;
mod editor;
mod exec;
mod stdin;

use std::io;

use crate::model::exec::ExecTarget;
use crate::model::objects::ObjectRef;
use crate::msg::Msg;

/// A session the state asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreground {
    Edit(ObjectRef),
    Exec(ExecTarget),
}

/// The terminal as a session holds it: handed over on first use — not before, so a
/// session that fails before it needs the terminal (object gone, exec refused) leaves the
/// screen as it was and its error shows in rkt.
#[derive(Debug, Default)]
pub struct Handover {
    suspended: bool,
}

impl Handover {
    /// For an editor: the normal screen in cooked mode.
    fn for_editor(&mut self) -> io::Result<()> {
        self.suspend(false)
    }

    /// For a remote shell: the normal screen, raw mode kept (every byte goes to the shell).
    fn for_shell(&mut self) -> io::Result<()> {
        self.suspend(true)
    }

    fn suspend(&mut self, keep_raw: bool) -> io::Result<()> {
        if !self.suspended {
            crate::tui::suspend(keep_raw)?;
            self.suspended = true;
        }
        Ok(())
    }

    /// Whether the terminal was handed over (and must be taken back).
    pub fn suspended(&self) -> bool {
        self.suspended
    }
}

/// Runs the session to its end.
pub async fn run(fg: Foreground, client: kube::Client, handover: &mut Handover) -> Msg {
    match fg {
        Foreground::Edit(obj) => {
            let outcome = edit::run(&client, &obj, handover).await;
            Msg::Edited { obj, outcome }
        }
        Foreground::Exec(target) => {
            let end = exec::run(&client, &target, handover).await;
            Msg::ExecEnded { target, end }
        }
    }
}
