//! Driving the real rkt binary in a pseudo-terminal (see e2e tests): a reader thread feeds
//! a vt100 parser (the screen) and keeps the raw bytes (to check escape sequences); tests
//! wait for text with a generous deadline instead of sleeping.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// Seconds to wait for anything on screen; `RKT_E2E_TIMEOUT` overrides it (slow machines).
pub fn timeout() -> Duration {
    let secs = std::env::var("RKT_E2E_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

pub struct PtyApp {
    child: Box<dyn Child + Send + Sync>,
    /// `None` once [`PtyApp::hang_up`] closed the terminal.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    reader: Option<JoinHandle<()>>,
    stop_reading: Arc<AtomicBool>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    home: tempfile::TempDir,
}

impl PtyApp {
    /// Starts `rkt ARGS` in a `cols`×`rows` terminal with a clean environment: a temporary
    /// HOME and config dir, no KUBECONFIG, no display server.
    pub fn spawn(args: &[&str], envs: &[(&str, &str)], cols: u16, rows: u16) -> PtyApp {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let home = tempfile::tempdir().expect("temp home");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_rkt"));
        cmd.args(args);
        cmd.cwd(home.path());
        for var in [
            "KUBECONFIG",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "NO_COLOR",
            "RUST_BACKTRACE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join(".config"));
        // What rkt writes for itself (saved forwards, the audit log) stays in the temp HOME.
        cmd.env("XDG_STATE_HOME", home.path().join(".local/state"));
        cmd.env("TERM", "xterm-256color");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn rkt");
        drop(pair.slave);
        let mut reader = own_copy(pair.master.as_raw_fd().expect("pty master fd"));
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let reader_thread = {
            let parser = parser.clone();
            let raw = raw.clone();
            let stop = stop_reading.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                // Polled, not a blocking read, so `hang_up` can close this copy of the master.
                while !stop.load(Ordering::SeqCst) {
                    if !readable(&reader, 50) {
                        continue;
                    }
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
            })
        };
        PtyApp {
            child,
            master: Some(pair.master),
            writer: Some(writer),
            reader: Some(reader_thread),
            stop_reading,
            parser,
            raw,
            home,
        }
    }

    /// rkt's state directory (unless the test's envs chose another `XDG_STATE_HOME`).
    pub fn state_dir(&self) -> std::path::PathBuf {
        self.home.path().join(".local/state/rkt")
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Every byte rkt wrote so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until `check(screen)` holds; fails the test with the screen otherwise.
    pub fn wait_until(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("rkt exited ({status:?}) while waiting for {what}; screen:\n{screen}");
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {:?} waiting for {what}; screen:\n{screen}",
                    timeout()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn wait_for_text(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    pub fn wait_for_no_text(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone from screen"), |s| !s.contains(text))
    }

    /// Types `keys` (raw bytes: "j", ":ns default\r", "\x1b" for Esc).
    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// Resizes the terminal (the program gets SIGWINCH), and the screen model with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        self.wait_status().exit_code()
    }

    /// Waits until the terminal has received everything rkt wrote before it exited.
    pub fn wait_output_settled(&self) {
        let deadline = Instant::now() + timeout();
        let mut last = usize::MAX;
        loop {
            let now = self.raw.lock().unwrap().len();
            if now == last || Instant::now() > deadline {
                return;
            }
            last = now;
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether the pty is in canonical ("cooked") mode with echo, as a shell expects.
    pub fn cooked_mode(&self) -> bool {
        match self.master().get_termios() {
            // The flag set prints by name (nix's bitflags), which avoids naming nix here.
            Some(t) => {
                let flags = format!("{:?}", t.local_flags);
                flags.contains("ICANON") && flags.contains("ECHO")
            }
            None => panic!("cannot read the pty's termios"),
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Whether rkt has exited (a panic, or a quit).
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    fn master(&self) -> &dyn MasterPty {
        self.master.as_deref().expect("the terminal is open")
    }

    /// The terminal goes away (a closed window, a dropped ssh session): every handle on the
    /// master side is closed, so rkt's terminal is hung up (SIGHUP, then failing I/O).
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader thread");
        }
        self.writer = None;
        self.master = None;
    }

    /// Waits for the process to exit; its raw wait status (a signal that ended it shows).
    pub fn wait_status(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + timeout();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("rkt did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// A `File` of its own on a duplicate of `fd` (closing it leaves `fd` open). Close-on-exec:
/// an rkt that another test spawns meanwhile must not inherit it, or this terminal could
/// never be hung up.
#[allow(unsafe_code)]
fn own_copy(fd: RawFd) -> File {
    // SAFETY: F_DUPFD_CLOEXEC returns a fresh descriptor that nothing else owns; the File
    // closes it.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    assert!(
        copy >= 0,
        "dup the pty master: {}",
        std::io::Error::last_os_error()
    );
    unsafe { File::from_raw_fd(copy) }
}

/// Whether `file` has input (or was hung up) within `ms` milliseconds.
#[allow(unsafe_code)]
fn readable(file: &File, ms: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, borrowed for the call only.
    unsafe { libc::poll(&mut pfd, 1, ms) > 0 }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A kubeconfig path as a `&str` argument.
pub fn path_arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

impl PtyApp {
    /// In the open port-forward dialog: once `port_label` (`8080/TCP`) is offered, any free
    /// local port (`0`), `enter`; returns the port once rkt says it is forwarding.
    pub fn start_forward_on_any_port(&mut self, port_label: &str) -> u16 {
        self.wait_until("the port to forward", |s| s.contains(port_label));
        self.send("\t"); // to the local port field
        for _ in 0..6 {
            self.send("\x7f");
        }
        self.send("0\r");
        let screen = self.wait_until("the forward to start", |s| {
            super::forwarded_port(s).is_some()
        });
        super::forwarded_port(&screen).expect("a forwarded port")
    }
}
