//! Turning an instance into the bytes of a log response: the window chosen by `tailLines`
//! and `sinceSeconds`/`sinceTime`, `timestamps` prefixes, the `limitBytes` cut, and while
//! following, waiting for new lines and noticing when the container or the pod goes away.

use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::broadcast::error::RecvError;

use super::instance::{Instance, PodView, RETAINED_LINES};
use super::lines::Civil;
use crate::resources::PODS;
use crate::SimState;

/// Lines per chunk written to the response.
const CHUNK_LINES: u64 = 512;
/// Longest wait before a follower looks at its pod again even without a change event.
const RECHECK: Duration = Duration::from_millis(500);

/// What the request asked for, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<u64>,
    /// Lines stamped before this time are skipped.
    pub since_ns: Option<i64>,
    pub limit_bytes: Option<u64>,
}

pub fn now_ns() -> i64 {
    i64::try_from(jiff::Timestamp::now().as_nanosecond()).unwrap_or(i64::MAX)
}

/// The first line to send, as the kubelet picks it: the last `tailLines` of what is there,
/// then skipping lines before `since`.
pub fn first_line(inst: &Instance, opts: &Options, available: u64) -> u64 {
    let retained = available.saturating_sub(RETAINED_LINES);
    let tail = opts.tail_lines.map_or(0, |n| available.saturating_sub(n));
    let since = opts.since_ns.map_or(0, |t| inst.first_at_or_after(t));
    retained.max(tail).max(since)
}

/// Where a log stream is and what it still may send.
pub struct LogStream {
    state: Option<SimState>,
    namespace: String,
    pod: String,
    uid: String,
    container: String,
    inst: Instance,
    next: u64,
    timestamps: bool,
    follow: bool,
    bytes_left: Option<u64>,
    /// Without follow: the number of lines there were when the request came.
    end: Option<u64>,
    done: bool,
}

impl LogStream {
    /// `state` is what a follower watches for its pod; `None` reads only what is there.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        state: Option<SimState>,
        namespace: &str,
        pod: &str,
        uid: &str,
        container: &str,
        inst: Instance,
        opts: &Options,
        now: i64,
    ) -> LogStream {
        let available = inst.available(now);
        let next = first_line(&inst, opts, available);
        let follow = opts.follow && state.is_some();
        LogStream {
            follow,
            end: (!follow).then_some(available),
            state,
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            uid: uid.to_string(),
            container: container.to_string(),
            inst,
            next,
            timestamps: opts.timestamps,
            bytes_left: opts.limit_bytes,
            done: false,
        }
    }

    /// Renders lines `self.next..end` (at most a chunk) and advances.
    fn render(&mut self, end: u64) -> Bytes {
        let end = end.min(self.next + CHUNK_LINES);
        let mut buf = BytesMut::new();
        for k in self.next..end {
            let line = self.inst.line(k);
            if self.timestamps {
                buf.put_slice(Civil::from_ns(line.ts_ns).rfc3339_nano().as_bytes());
                buf.put_u8(b' ');
            }
            buf.put_slice(&line.text);
            buf.put_u8(b'\n');
        }
        self.next = end;
        if let Some(left) = self.bytes_left.as_mut() {
            if buf.len() as u64 >= *left {
                buf.truncate(*left as usize);
                self.done = true;
            }
            *left -= buf.len() as u64;
        }
        buf.freeze()
    }

    /// The next piece of the response; `None` ends it.
    pub async fn next_chunk(&mut self) -> Option<Bytes> {
        let mut changes = self.state.as_ref().map(|s| s.store.changes());
        loop {
            if self.done {
                return None;
            }
            let available = self.end.unwrap_or_else(|| self.inst.available(now_ns()));
            if self.next < available {
                return Some(self.render(available));
            }
            if !self.follow || self.inst.exit.is_some() {
                return None;
            }
            let due = self.inst.due_ns(self.next).saturating_sub(now_ns()).max(0);
            let wait = Duration::from_nanos(due as u64).min(RECHECK);
            match changes.as_mut() {
                Some(rx) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        ev = rx.recv() => match ev {
                            Ok(ev) if !std::ptr::eq(ev.res, &PODS)
                                || ev.object.name() != self.pod
                                || ev.object.namespace() != self.namespace => continue,
                            Err(RecvError::Closed) => changes = None,
                            _ => {}
                        },
                    }
                }
                None => tokio::time::sleep(wait).await,
            }
            self.refresh();
        }
    }

    /// Looks at the pod again: has our container run ended, or the pod gone?
    fn refresh(&mut self) {
        let Some(state) = &self.state else { return };
        let Ok(stored) = state.store.get(&PODS, &self.namespace, &self.pod) else {
            self.done = true;
            return;
        };
        if stored.value["metadata"]["uid"].as_str() != Some(self.uid.as_str()) {
            self.done = true;
            return;
        }
        let view = PodView {
            pod: &stored.value,
            name: &self.pod,
        };
        match view.state_started_at(&self.container, &self.inst.started_at) {
            Some(run) => {
                if let Some(mut exit) = super::instance::exit_of(run, self.inst.start_ns) {
                    // finishedAt has whole seconds: lines already sent came before the exit.
                    if self.next > 0 {
                        exit.at_ns = exit.at_ns.max(self.inst.due_ns(self.next - 1) + 1);
                    }
                    self.inst.exit = Some(exit);
                }
            }
            None => self.done = true,
        }
    }

    /// The whole stream as a body stream.
    pub fn into_body(self) -> axum::body::Body {
        let stream = futures::stream::unfold(self, |mut s| async move {
            s.next_chunk()
                .await
                .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), s))
        });
        axum::body::Body::from_stream(stream)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::Workload;
    use super::*;

    const SEC: i64 = 1_000_000_000;
    const START: i64 = 1_795_636_639 * SEC;

    fn instance() -> Instance {
        let mut inst = Instance::new(Workload::Generic, "2026-11-25T19:57:19Z", START, SEC);
        inst.seed = 42;
        inst
    }

    fn collect(mut s: LogStream) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut out = Vec::new();
        rt.block_on(async {
            while let Some(c) = s.next_chunk().await {
                out.extend_from_slice(&c);
            }
        });
        String::from_utf8(out).unwrap()
    }

    fn stream(inst: Instance, opts: &Options, now: i64) -> LogStream {
        LogStream::new(None, "default", "p", "uid", "c", inst, opts, now)
    }

    #[test]
    fn lines_are_due_one_interval_apart() {
        let inst = instance();
        assert_eq!(inst.available(START - 1), 0);
        assert_eq!(inst.available(START + SEC / 2), 1);
        assert_eq!(inst.available(START + 10 * SEC), 10);
        assert_eq!(inst.available(START + 10 * SEC + SEC / 2), 11);
        for k in 0..100 {
            assert!(inst.due_ns(k) < inst.due_ns(k + 1));
            assert!(inst.due_ns(k) >= START + k as i64 * SEC);
            // a line is counted exactly from its due time on
            assert_eq!(inst.available(inst.due_ns(k)), k + 1);
            assert_eq!(inst.available(inst.due_ns(k) - 1), k);
            assert_eq!(inst.first_at_or_after(inst.due_ns(k)), k);
            assert_eq!(inst.first_at_or_after(inst.due_ns(k) + 1), k + 1);
        }
    }

    #[test]
    fn terminated_run_ends_with_exit_lines() {
        let mut inst = instance();
        inst.workload = Workload::EchoServer;
        inst.exit = Some(super::super::instance::Exit {
            at_ns: START + 5 * SEC + SEC / 2,
            code: 2,
        });
        let text = collect(stream(inst.clone(), &Options::default(), START + 100 * SEC));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6 + 6, "{text}");
        assert!(lines[0].contains("cozserver starting"));
        assert!(lines[6].starts_with("panic: runtime error"));
        // previous runs are whole, whatever "now" is
        assert_eq!(inst.available(START), 12);
    }

    #[test]
    fn a_run_within_one_second_still_wrote_its_first_line() {
        let mut inst = instance();
        inst.exit = Some(super::super::instance::Exit {
            at_ns: START,
            code: 137,
        });
        assert_eq!(inst.available(START), 1);
        assert_eq!(inst.due_ns(0), START);
        let text = collect(stream(inst, &Options::default(), START));
        assert!(text.contains("starting worker"), "{text}");
    }

    #[test]
    fn tail_since_and_limit() {
        let inst = instance();
        let now = START + 20 * SEC + SEC / 2; // 21 lines
        let all = collect(stream(inst.clone(), &Options::default(), now));
        let all: Vec<&str> = all.lines().collect();
        assert_eq!(all.len(), 21);

        let tail = Options {
            tail_lines: Some(3),
            ..Options::default()
        };
        let t = collect(stream(inst.clone(), &tail, now));
        assert_eq!(t.lines().collect::<Vec<_>>(), all[18..].to_vec());

        let zero = Options {
            tail_lines: Some(0),
            ..Options::default()
        };
        assert_eq!(collect(stream(inst.clone(), &zero, now)), "");

        let since = Options {
            since_ns: Some(inst.due_ns(15)),
            ..Options::default()
        };
        let s = collect(stream(inst.clone(), &since, now));
        assert_eq!(s.lines().collect::<Vec<_>>(), all[15..].to_vec());

        // tail first, then since: the kubelet's order
        let both = Options {
            tail_lines: Some(10),
            since_ns: Some(inst.due_ns(15)),
            ..Options::default()
        };
        assert_eq!(collect(stream(inst.clone(), &both, now)).lines().count(), 6);

        let limit = Options {
            limit_bytes: Some(25),
            ..Options::default()
        };
        let l = collect(stream(inst.clone(), &limit, now));
        assert_eq!(l.len(), 25);
        assert!(all.join("\n").starts_with(&l));
    }

    #[test]
    fn timestamps_prefix_the_due_time() {
        let inst = instance();
        let opts = Options {
            timestamps: true,
            tail_lines: Some(1),
            ..Options::default()
        };
        let now = START + 3 * SEC + SEC / 2;
        let text = collect(stream(inst.clone(), &opts, now));
        let (ts, rest) = text.split_once(' ').unwrap();
        assert_eq!(ts, Civil::from_ns(inst.due_ns(3)).rfc3339_nano());
        assert!(ts.starts_with("2026-11-25T19:57:22."), "{ts}");
        assert_eq!(ts.len(), 30);
        assert_eq!(
            rest.as_bytes(),
            [inst.line(3).text, b"\n".to_vec()].concat()
        );
    }

    #[test]
    fn old_fast_producer_is_rotated() {
        let inst = Instance::new(Workload::Generic, "", START, 1000);
        let now = START + 10 * SEC; // ten million lines
        let available = inst.available(now);
        assert!(available > 9_000_000);
        assert_eq!(
            first_line(&inst, &Options::default(), available),
            available - RETAINED_LINES
        );
    }

    #[test]
    fn follow_without_a_pod_reads_what_is_there() {
        let opts = Options {
            follow: true,
            ..Options::default()
        };
        let s = stream(instance(), &opts, START + 2 * SEC + SEC / 2);
        assert!(!s.follow);
        assert_eq!(collect(s).lines().count(), 3);
    }
}
