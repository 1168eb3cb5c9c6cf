//! The terminal guard: raw mode and the alternate screen while rkt runs, always undone —
//! on drop (quit, error return), on panic (the hook restores first, then the message is
//! printed on the normal screen), and on SIGTERM/SIGHUP (the app loop quits, dropping this).

use std::io::{self, Stdout, Write};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Backend = CrosstermBackend<Stdout>;

/// Whether the terminal is currently in rkt's mode (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back: leave the alternate screen, show the cursor, cooked mode.
/// Safe to call at any time, any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // Mouse reporting off even if it was never on: harmless, and a terminal left
        // reporting clicks to the shell is badly broken.
        let _ = execute!(
            out,
            DisableMouseCapture,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            Show
        );
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

fn enter(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        Hide,
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Installs (once) a panic hook that restores the terminal before the default hook prints.
pub fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Checks, before anything else runs, that rkt has an interactive terminal on stdin and
/// stdout. Without one the terminal setup fails with a bare OS error (ENXIO, "No such device
/// or address" when there is no controlling terminal), so say what is missing instead.
pub fn require_terminal() -> Result<(), String> {
    use std::io::IsTerminal;
    let missing: Vec<&str> = [
        ("stdin", io::stdin().is_terminal()),
        ("stdout", io::stdout().is_terminal()),
    ]
    .into_iter()
    .filter(|(_, tty)| !tty)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "rkt needs a terminal: it is an interactive program and needs an interactive terminal \
         on stdin and stdout, but {} {} not a terminal. Run it in a terminal window \
         (without redirecting its input or output); `rkt sim` runs the simulated cluster \
         without one.",
        missing.join(" and "),
        if missing.len() == 1 { "is" } else { "are" }
    ))
}

/// Hands the terminal to a foreground session (an editor, a remote shell): leaves the
/// alternate screen, shows the cursor, stops bracketed paste; cooked mode too unless
/// `keep_raw` (a remote shell wants every byte as typed). The caller must have stopped
/// reading terminal events first; [`Tui::resume`] takes the terminal back.
pub fn suspend(keep_raw: bool) -> io::Result<()> {
    let mut out = io::stdout();
    // The editor or shell must not receive rkt's mouse reports.
    execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    )?;
    if !keep_raw {
        disable_raw_mode()?;
        ACTIVE.store(false, Ordering::SeqCst);
    }
    out.flush()
}

/// Stops the process as a shell's job (`ctrl-z`, or SIGTSTP from outside): the terminal is
/// given back first, then SIGSTOP (which cannot be caught) stops every thread. Returns once
/// the shell's `fg` (SIGCONT) continues rkt; [`Tui::resume`] then takes the terminal back.
pub fn stop_process() -> io::Result<()> {
    suspend(false)?;
    raise_stop()
}

#[allow(unsafe_code)]
fn raise_stop() -> io::Result<()> {
    // SAFETY: raise(3) only sends a signal to this process; no memory is shared.
    let status = unsafe { libc::raise(libc::SIGSTOP) };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Owns the terminal while the TUI runs.
pub struct Tui {
    /// Never dropped: ratatui's drop shows the cursor and `eprintln!`s a failure, which
    /// panics when the terminal is gone (a closed window). [`restore`] shows the cursor.
    pub terminal: ManuallyDrop<Terminal<Backend>>,
    /// Mouse reporting is on (and is turned on again after a suspension).
    mouse: bool,
}

impl Tui {
    /// Takes the terminal; `mouse` turns on click and wheel reporting.
    pub fn start(mouse: bool) -> io::Result<Tui> {
        install_panic_hook();
        enter(mouse)?;
        let terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(Tui {
            terminal: ManuallyDrop::new(terminal),
            mouse,
        })
    }

    /// Takes the terminal back after [`suspend`]: rkt's modes again and a cleared
    /// screen, so the next draw repaints everything.
    pub fn resume(&mut self) -> io::Result<()> {
        enter(self.mouse)?;
        // Not `Terminal::clear`: it asks the terminal for the cursor position, an answer
        // read through crossterm's event reader, which the dropped event stream may have
        // left woken (the answer then "times out"). A resize to the current size clears the
        // screen and forgets the last frame without asking anything.
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Writes raw bytes to the terminal between frames (OSC 52 clipboard).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}
