//! The terminal's input, byte for byte, while a remote shell has the terminal. A thread
//! waits for input with `poll` and a short timeout, so it can be stopped between reads and
//! never takes a keystroke meant for rkt after the session (a thread blocked in `read`
//! would, as would tokio's stdin).

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::mpsc;

/// How long one wait for input lasts before the stop flag is looked at again.
const WAIT_MS: i32 = 50;

pub struct Pump {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    pub rx: mpsc::Receiver<Vec<u8>>,
}

impl Pump {
    /// Starts copying the terminal's input into [`Pump::rx`].
    pub fn start() -> io::Result<Pump> {
        // An unbuffered handle on the same terminal: nothing is kept back in a buffer.
        let mut input = File::from(io::stdin().as_fd().try_clone_to_owned()?);
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel(64);
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !flag.load(Ordering::SeqCst) {
                match readable(input.as_fd(), WAIT_MS) {
                    Ok(false) => continue,
                    Ok(true) if flag.load(Ordering::SeqCst) => break,
                    Ok(true) => match input.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if tx.blocking_send(buf[..n].to_vec()).is_err() {
                                break;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(_) => break,
                    },
                    Err(_) => break,
                }
            }
        });
        Ok(Pump {
            stop,
            thread: Some(thread),
            rx,
        })
    }

    /// Stops reading and waits for the thread (at most one wait, [`WAIT_MS`]).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.rx.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Whether `fd` has input (or hung up) within `timeout_ms`.
#[allow(unsafe_code)]
fn readable(fd: BorrowedFd<'_>, timeout_ms: i32) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid pollfd and the count says one; the descriptor is open for
    // the whole call (it is borrowed).
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return match e.kind() {
            io::ErrorKind::Interrupted => Ok(false),
            _ => Err(e),
        };
    }
    Ok(n > 0 && pfd.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0)
}
