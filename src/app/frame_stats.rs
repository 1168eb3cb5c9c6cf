//! How late frames are: from the moment the state first needed a redraw to the end of
//! that redraw. Written on exit to the file `RKT_FRAME_STATS` names (the whole-process
//! benchmark reads it); nothing is recorded otherwise.

use std::time::{Duration, Instant};

/// Environment variable naming the file the statistics go to.
pub const ENV: &str = "RKT_FRAME_STATS";

#[derive(Debug, Default)]
pub struct FrameStats {
    enabled: bool,
    /// When the state became dirty, if no frame has shown that yet.
    dirty_since: Option<Instant>,
    frames: u64,
    /// Longest time from dirty to drawn.
    max_latency: Duration,
    total_draw: Duration,
    max_draw: Duration,
}

impl FrameStats {
    pub fn from_env() -> FrameStats {
        FrameStats {
            enabled: std::env::var_os(ENV).is_some(),
            ..FrameStats::default()
        }
    }

    /// The state needs a redraw since `at` (unless it already did before).
    pub fn dirty(&mut self, at: Instant) {
        if self.enabled && self.dirty_since.is_none() {
            self.dirty_since = Some(at);
        }
    }

    /// A frame drawn from `started` until now.
    pub fn drawn(&mut self, started: Instant) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let draw = now - started;
        self.frames += 1;
        self.total_draw += draw;
        self.max_draw = self.max_draw.max(draw);
        if let Some(since) = self.dirty_since.take() {
            self.max_latency = self.max_latency.max(now - since);
        }
    }

    fn report(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mean = if self.frames == 0 {
            0.0
        } else {
            ms(self.total_draw) / self.frames as f64
        };
        format!(
            "frames {}\nmax_latency_ms {:.3}\nmean_draw_ms {mean:.3}\nmax_draw_ms {:.3}\n",
            self.frames,
            ms(self.max_latency),
            ms(self.max_draw)
        )
    }

    /// Writes the statistics where `RKT_FRAME_STATS` says, if it is set.
    pub fn write(&self) -> std::io::Result<()> {
        match std::env::var_os(ENV) {
            Some(path) if self.enabled => std::fs::write(path, self.report()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_runs_from_first_dirty_to_the_end_of_the_draw() {
        let mut s = FrameStats {
            enabled: true,
            ..FrameStats::default()
        };
        let t0 = Instant::now();
        s.dirty_since = Some(t0 - Duration::from_millis(40));
        s.dirty(t0); // already dirty: the earlier moment counts
        s.drawn(t0);
        assert_eq!(s.frames, 1);
        assert!(s.max_latency >= Duration::from_millis(40));
        // A frame nobody asked for does not count as late.
        s.drawn(Instant::now());
        assert_eq!(s.frames, 2);
        assert!(s.max_latency < Duration::from_secs(1));
        assert!(s.report().starts_with("frames 2\nmax_latency_ms "));
    }

    #[test]
    fn disabled_stats_record_nothing() {
        let mut s = FrameStats::default();
        s.dirty(Instant::now());
        s.drawn(Instant::now());
        assert_eq!(s.frames, 0);
        assert!(s.dirty_since.is_none());
    }
}
