#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The soak: rkt against the scale seed with churn while the fault control injects every
//! fault (refuse, stall, drop watches, expire, restart, throttle). The CI test runs one of
//! each against a small cluster and asserts what must hold; `benches/soak.sh` runs the
//! ignored `soak_long` for as long as asked and prints the figures (not asserted).

mod common;
#[path = "soak/driver.rs"]
mod driver;
#[path = "soak/screen.rs"]
mod screen;
#[path = "soak/sim.rs"]
mod sim;

use std::time::Duration;

use driver::{Fault, Plan};

/// Memory after a fault may exceed memory before it by this much (allocator noise and
/// the rows of pods churn created meanwhile), and no more.
const RSS_SLACK_KB: u64 = 32 * 1024;

#[test]
fn rkt_recovers_from_every_fault_under_churn() {
    let plan = Plan {
        pods: 2000,
        namespaces: 10,
        churn: 20,
        each: 1,
        minutes: 0.0,
        hold: Duration::from_secs(3),
        limit: Duration::from_secs(30),
        keys: 2,
    };
    let report = driver::run(&plan);
    report.print();
    assert_eq!(report.outcomes.len(), Fault::ALL.len());
    assert_eq!(report.panics, 0, "rkt did not exit cleanly");
    for o in &report.outcomes {
        assert!(
            o.rss_after_kb <= o.rss_before_kb + RSS_SLACK_KB,
            "after {}: RSS {} kB, before it {} kB",
            o.fault.name(),
            o.rss_after_kb,
            o.rss_before_kb
        );
    }
}

/// `SOAK_MINUTES`, `SOAK_EACH`, `SOAK_PODS`, `SOAK_CHURN` set by `benches/soak.sh`.
#[test]
#[ignore = "long: run by benches/soak.sh"]
fn soak_long() {
    let env = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(default)
    };
    let plan = Plan {
        pods: env("SOAK_PODS", 10_000.0) as usize,
        namespaces: 20,
        churn: env("SOAK_CHURN", 50.0) as u32,
        each: env("SOAK_EACH", 20.0) as usize,
        minutes: env("SOAK_MINUTES", 30.0),
        hold: Duration::from_secs(3),
        limit: Duration::from_secs(60),
        keys: 3,
    };
    let report = driver::run(&plan);
    report.print();
    assert_eq!(report.panics, 0, "rkt did not exit cleanly");
}
