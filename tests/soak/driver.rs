//! The soak: rkt in a pseudo-terminal, all namespaces, against the scale seed with churn,
//! while the fault control injects every fault in turn. After each one the driver checks
//! that the header told the truth while it was in force, times keys during it, and waits
//! until rkt's table is the server's list again, reading rkt's memory before and after.
//! `tests/soak.rs` runs it briefly (CI) and at length (`benches/soak.sh`).

use std::time::{Duration, Instant};

use crate::common::procfs;
use crate::common::pty::{path_arg, PtyApp};
use crate::screen;
use crate::sim::SoakSim;

pub const COLS: u16 = 160;
pub const ROWS: u16 = 48;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pods: usize,
    pub namespaces: usize,
    /// Pod changes per second while the soak runs.
    pub churn: u32,
    /// Rounds: each round injects every fault once.
    pub each: usize,
    /// Spread the rounds over at least this long (0: back to back).
    pub minutes: f64,
    /// How long a lasting fault stays in force before it is cleared.
    pub hold: Duration,
    /// Longest wait for rkt to converge (or to show a fault) before the run fails.
    pub limit: Duration,
    /// Keys timed while each fault is in force.
    pub keys: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Refuse,
    Stall,
    DropWatches,
    Expire,
    Restart,
    Throttle,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::Refuse,
        Fault::Stall,
        Fault::DropWatches,
        Fault::Expire,
        Fault::Restart,
        Fault::Throttle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Refuse => "refuse 403 pods",
            Fault::Stall => "stall",
            Fault::DropWatches => "drop-watches",
            Fault::Expire => "expire",
            Fault::Restart => "restart",
            Fault::Throttle => "throttle 429",
        }
    }

    /// Switches the fault on. A fault that only bites new requests is followed by dropped
    /// watches, so rkt's next request meets it.
    fn inject(self, sim: &SoakSim, hold: Duration) {
        let secs = hold.as_secs().max(1);
        let lasting = match self {
            Fault::Refuse => "refuse?code=403&resource=pods".to_string(),
            Fault::Stall => format!("stall?seconds={secs}"),
            Fault::Expire => "expire".to_string(),
            Fault::Throttle => format!("throttle?seconds={}", secs.min(2)),
            Fault::DropWatches => return drop(sim.fault("drop-watches")),
            Fault::Restart => return drop(sim.fault("restart")),
        };
        sim.fault(&lasting);
        sim.fault("drop-watches");
    }

    /// What rkt says while the fault is in force (a stall cannot be told from a quiet
    /// cluster; the instant faults are over at once). A refusal is the view's own trouble,
    /// said on its pane; the connection's troubles are the header's.
    fn shown(self) -> Option<Shown> {
        let header = |text| {
            Some(Shown {
                text,
                in_header: true,
            })
        };
        match self {
            Fault::Refuse => Some(Shown {
                text: "forbidden: ",
                in_header: false,
            }),
            Fault::Expire => header("reconnecting: Expired"),
            Fault::Throttle => header("reconnecting: throttled by the API server"),
            Fault::Stall | Fault::DropWatches | Fault::Restart => None,
        }
    }
}

/// Where and in what words rkt shows a fault.
#[derive(Debug, Clone, Copy)]
struct Shown {
    text: &'static str,
    in_header: bool,
}

/// The figures of one injected fault.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub fault: Fault,
    /// From injection until the header showed it (faults that show).
    pub shown_after: Option<Duration>,
    /// Slowest key (typed → drawn) while the fault was in force.
    pub worst_key: Duration,
    /// From the clear (or the instant fault) until rkt's table was the server's list.
    pub reconverged: Duration,
    pub rss_before_kb: u64,
    pub rss_after_kb: u64,
}

pub struct Report {
    pub plan: Plan,
    pub outcomes: Vec<Outcome>,
    pub elapsed: Duration,
    pub rss_start_kb: u64,
    pub rss_end_kb: u64,
    pub panics: usize,
}

/// Runs the soak; fails (panics) when rkt exits, does not show a fault, or does not
/// converge within `plan.limit`.
pub fn run(plan: &Plan) -> Report {
    let sim = SoakSim::start(plan.pods, plan.namespaces, plan.churn);
    let kubeconfig = sim.kubeconfig().to_path_buf();
    let app = PtyApp::spawn(
        &["--kubeconfig", path_arg(&kubeconfig), "-A"],
        &[],
        COLS,
        ROWS,
    );
    let started = Instant::now();
    let mut soak = Soak {
        sim,
        pid: app.pid().expect("rkt pid"),
        app,
        plan: plan.clone(),
    };
    soak.converge("the first full list");
    let rss_start_kb = soak.rss_kb();
    let faults = plan.each * Fault::ALL.len();
    let slot = Duration::from_secs_f64(plan.minutes * 60.0 / faults.max(1) as f64);
    let mut outcomes = Vec::new();
    for i in 0..faults {
        let fault = Fault::ALL[i % Fault::ALL.len()];
        let slot_end = Instant::now() + slot;
        outcomes.push(soak.one(fault));
        // The rest of the slot: churn goes on, rkt keeps up.
        while Instant::now() < slot_end {
            std::thread::sleep(Duration::from_millis(200));
            soak.alive(fault);
        }
    }
    soak.converge("the end of the soak");
    let rss_end_kb = soak.rss_kb();
    soak.app.send("q");
    Report {
        plan: plan.clone(),
        outcomes,
        elapsed: started.elapsed(),
        rss_start_kb,
        rss_end_kb,
        panics: usize::from(soak.app.wait_exit() != 0),
    }
}

struct Soak {
    sim: SoakSim,
    app: PtyApp,
    pid: u32,
    plan: Plan,
}

impl Soak {
    fn one(&mut self, fault: Fault) -> Outcome {
        let rss_before_kb = self.rss_kb();
        let injected = Instant::now();
        fault.inject(&self.sim, self.plan.hold);
        let shown_after = fault.shown().map(|shown| {
            let place = if shown.in_header { "header" } else { "view" };
            let what = format!("{:?} in the {place} ({})", shown.text, fault.name());
            self.wait_screen(&what, |s| {
                let seen = if shown.in_header {
                    screen::header(s)
                } else {
                    s
                };
                seen.contains(shown.text)
            });
            injected.elapsed()
        });
        let worst_key = (0..self.plan.keys)
            .map(|i| self.key_latency(i))
            .max()
            .unwrap_or_default();
        let cleared = match fault {
            Fault::DropWatches | Fault::Restart => injected,
            _ => {
                let hold_end = injected + self.plan.hold;
                std::thread::sleep(hold_end.saturating_duration_since(Instant::now()));
                self.sim.fault("clear");
                Instant::now()
            }
        };
        self.converge(fault.name());
        let reconverged = cleared.elapsed();
        // The relist's garbage is given back once the list is in: let a frame or two pass.
        std::thread::sleep(Duration::from_millis(500));
        Outcome {
            fault,
            shown_after,
            worst_key,
            reconverged,
            rss_before_kb,
            rss_after_kb: self.rss_kb(),
        }
    }

    /// Fails the run if rkt has exited.
    fn alive(&mut self, during: Fault) {
        assert!(
            !self.app.exited(),
            "rkt exited during or after {}; screen:\n{}",
            during.name(),
            self.app.screen()
        );
    }

    /// Waits until rkt's table is the server's list (see [`screen::mismatch`]).
    fn converge(&mut self, after: &str) {
        let deadline = Instant::now() + self.plan.limit;
        loop {
            let text = self.app.screen();
            // Counts first: the full list is only fetched when they agree.
            let count = self.sim.pod_count();
            let problem = if screen::header_count(&text) != Some(count) {
                Some(format!(
                    "header counts {:?} pods, the server {count}; header {:?}",
                    screen::header_count(&text),
                    screen::header(&text)
                ))
            } else {
                screen::mismatch(&text, &self.sim.pods())
            };
            let Some(problem) = problem else {
                return;
            };
            assert!(!self.app.exited(), "rkt exited after {after}:\n{text}");
            assert!(
                Instant::now() < deadline,
                "rkt did not show the server's pods within {:?} after {after}: {problem}\nscreen:\n{text}",
                self.plan.limit
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls the screen (every millisecond) until `check` holds; fails after the limit.
    fn wait_screen(&mut self, what: &str, check: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + self.plan.limit;
        loop {
            let text = self.app.screen();
            if check(&text) {
                return Instant::now();
            }
            assert!(!self.app.exited(), "rkt exited waiting for {what}:\n{text}");
            assert!(
                Instant::now() < deadline,
                "no {what} within {:?}; screen:\n{text}",
                self.plan.limit
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Opens the filter, types a letter and times it until the pane title shows it; then
    /// closes the filter again.
    fn key_latency(&mut self, i: usize) -> Duration {
        let c = ["x", "y", "z"][i % 3];
        self.app.send("/");
        self.wait_screen("the filter prompt", |s| {
            s.lines().last().is_some_and(|l| l.contains(" /█"))
        });
        let typed = Instant::now();
        self.app.send(c);
        let shown = self.wait_screen(&format!("</{c}> in the title"), |s| {
            screen::pods_title(s).contains(&format!("</{c}>"))
        });
        self.app.send("\x7f\x1b");
        self.wait_screen("the filter closed", |s| {
            let title = screen::pods_title(s);
            !title.is_empty() && !title.contains("</")
        });
        shown - typed
    }

    fn rss_kb(&self) -> u64 {
        procfs::status_kb(self.pid, "VmRSS:")
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

impl Report {
    /// The figures, per fault kind and overall, as the README quotes them.
    pub fn print(&self) {
        let p = &self.plan;
        println!(
            "soak: {} pods in {} namespaces, churn {}/s, {} of each fault, {:.1} min run ({:.0} s planned), hold {} s",
            p.pods,
            p.namespaces,
            p.churn,
            p.each,
            self.elapsed.as_secs_f64() / 60.0,
            p.minutes * 60.0,
            p.hold.as_secs()
        );
        println!(
            "{:<16} {:>5} {:>14} {:>16} {:>14} {:>12} {:>12}",
            "fault",
            "count",
            "worst shown",
            "worst reconverge",
            "worst key",
            "RSS before",
            "RSS after"
        );
        for fault in Fault::ALL {
            let of: Vec<&Outcome> = self.outcomes.iter().filter(|o| o.fault == fault).collect();
            if of.is_empty() {
                continue;
            }
            let shown = of.iter().filter_map(|o| o.shown_after).max();
            let worst =
                |f: fn(&Outcome) -> Duration| of.iter().map(|o| f(o)).max().unwrap_or_default();
            let max_kb = |f: fn(&Outcome) -> u64| of.iter().map(|o| f(o)).max().unwrap_or(0);
            println!(
                "{:<16} {:>5} {:>14} {:>16} {:>14} {:>12} {:>12}",
                fault.name(),
                of.len(),
                shown.map_or("-".to_string(), ms),
                ms(worst(|o| o.reconverged)),
                ms(worst(|o| o.worst_key)),
                mb(max_kb(|o| o.rss_before_kb)),
                mb(max_kb(|o| o.rss_after_kb)),
            );
        }
        let all =
            |f: fn(&Outcome) -> Duration| self.outcomes.iter().map(f).max().unwrap_or_default();
        println!(
            "faults injected {}, worst reconvergence {}, worst key during a fault {}, RSS at start {}, at end {}, panics {}",
            self.outcomes.len(),
            ms(all(|o| o.reconverged)),
            ms(all(|o| o.worst_key)),
            mb(self.rss_start_kb),
            mb(self.rss_end_kb),
            self.panics
        );
    }
}
