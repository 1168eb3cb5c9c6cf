//! Log streams: one task per log target that resolves its pods and containers, runs one
//! reader per source, and merges them into batches for the logs pane. For an owner or a
//! workload it also watches the pods by selector and follows them as they come and go
//! ([`follow`]).
//!
//! Every request asks for timestamps, so the pane can show or hide them without fetching
//! again and a stream that ends while its pod still runs resumes with `sinceTime` without
//! duplicating or losing lines. Lines are sanitized here, off the UI task, and delivered in
//! batches (one per burst, flushed after a short delay or at a size cap) so a burst of
//! thousands of lines costs the UI one message and one redraw.

pub mod follow;
pub mod lines;
pub mod resolve;
pub mod source;

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

pub use crate::model::logs::{
    BatchConfig, LogEvent, LogMsg, LogRequest, LogStreamKey, StreamState,
};
use crate::model::logs::{LogLine, LogSource};

/// What source readers send to the merging task.
#[derive(Debug)]
pub enum Internal {
    Lines(Vec<LogLine>),
    /// Sources added after the start (a pod of the owner appeared).
    Sources(Vec<Arc<LogSource>>),
    State {
        source: Arc<LogSource>,
        state: StreamState,
    },
}

/// Starts streaming. `deliver` hands each message to the UI and returns `false` once the
/// receiver is gone, which ends the task. Aborting the returned handle stops every reader.
pub fn spawn<F>(client: Client, req: LogRequest, key: LogStreamKey, deliver: F) -> JoinHandle<()>
where
    F: Fn(LogMsg) -> bool + Send + 'static,
{
    tokio::spawn(run(client, req, key, deliver))
}

async fn run<F>(client: Client, req: LogRequest, key: LogStreamKey, deliver: F)
where
    F: Fn(LogMsg) -> bool + Send + 'static,
{
    let send = move |event| deliver(LogMsg { key, event });
    let resolved = match resolve::resolve(&client, &req.target).await {
        Ok(r) => r,
        Err(e) => {
            send(LogEvent::Failed(error_text(&e)));
            return;
        }
    };
    if let Some(owner) = resolved.owner.clone() {
        if !send(LogEvent::Owner(owner)) {
            return;
        }
    }
    let sources: Vec<Arc<LogSource>> = resolved
        .pods
        .iter()
        .flat_map(|pod| resolve::pod_sources(pod, &req.target.container))
        .collect();
    if !send(LogEvent::Sources(sources.clone())) {
        return;
    }
    let (tx, rx) = mpsc::channel(256);
    let count = sources.len();
    let mut readers = follow::Readers::new(
        client.clone(),
        req.target.namespace.clone(),
        req.clone(),
        tx,
    );
    for source in sources {
        let pod = source.pod.clone();
        readers.start(&pod, vec![source]);
    }
    // Following an owner's pods: a watch by its selector adds and ends streams as pods come
    // and go. Either way the readers live in this task: it ending or being aborted drops
    // them, which stops them.
    let follows = req.follow && !req.target.previous;
    let _tasks: JoinSet<()> = match resolved.selector {
        Some(selector) if follows => {
            let mut watch = JoinSet::new();
            watch.spawn(follow::follow_pods(readers, selector));
            watch
        }
        // Without a watch the merge ends once every reader has (its sender is dropped).
        _ => readers.into_tasks(),
    };
    merge(rx, req.batch, count, send).await;
}

/// Longest time the first batch is held back waiting for every source to connect.
const STARTUP_WAIT: Duration = Duration::from_secs(1);

/// Merges reader output into batches until every reader is done or `send` fails.
///
/// With several sources, the first batch waits (up to [`STARTUP_WAIT`]) until each has
/// connected, so their histories arrive together; every batch with lines of several sources
/// is ordered by timestamp (a stable sort: each source's own order is kept).
pub async fn merge(
    mut rx: mpsc::Receiver<Internal>,
    cfg: BatchConfig,
    sources: usize,
    send: impl Fn(LogEvent) -> bool,
) {
    let mut batch: Vec<LogLine> = Vec::new();
    let mut deadline = Instant::now();
    let mut connected: Vec<Arc<LogSource>> = Vec::new();
    let startup_end = Instant::now() + STARTUP_WAIT;
    loop {
        let holding = sources > 1 && connected.len() < sources && Instant::now() < startup_end;
        let flush_at = if holding { startup_end } else { deadline };
        let next = if batch.is_empty() {
            rx.recv().await
        } else {
            tokio::select! {
                biased;
                m = rx.recv() => m,
                () = tokio::time::sleep_until(flush_at) => {
                    if !flush(&mut batch, &send) {
                        return;
                    }
                    continue;
                }
            }
        };
        match next {
            None => {
                flush(&mut batch, &send);
                return;
            }
            Some(Internal::Lines(lines)) => {
                if batch.is_empty() {
                    deadline = Instant::now() + cfg.max_delay;
                }
                batch.extend(lines);
                if batch.len() >= cfg.max_lines && !flush(&mut batch, &send) {
                    return;
                }
            }
            Some(Internal::Sources(added)) => {
                // Lines so far come before the new sources' first lines.
                if !flush(&mut batch, &send) || !send(LogEvent::Sources(added)) {
                    return;
                }
            }
            Some(Internal::State { source, state }) => {
                if state != StreamState::Connecting
                    && !connected.iter().any(|s| Arc::ptr_eq(s, &source))
                {
                    connected.push(Arc::clone(&source));
                    if connected.len() == sources {
                        // The last source's history follows its "streaming" closely.
                        deadline = Instant::now() + cfg.max_delay;
                    }
                }
                // Lines before a state change are shown before it (once started).
                if !holding && !flush(&mut batch, &send) {
                    return;
                }
                if !send(LogEvent::State { source, state }) {
                    return;
                }
            }
        }
    }
}

/// Sends the batch (ordered by time when it mixes sources); `false` once the receiver is gone.
fn flush(batch: &mut Vec<LogLine>, send: &impl Fn(LogEvent) -> bool) -> bool {
    let Some(first) = batch.first().map(|l| Arc::clone(&l.source)) else {
        return true;
    };
    if batch.iter().any(|l| !Arc::ptr_eq(&l.source, &first)) {
        batch.sort_by_key(|l| l.timestamp);
    }
    send(LogEvent::Lines(std::mem::take(batch)))
}

/// The API server's message for API errors, the error chain otherwise.
fn error_text(e: &anyhow::Error) -> String {
    match e.downcast_ref::<kube::Error>() {
        Some(kube::Error::Api(status)) if !status.message.is_empty() => status.message.clone(),
        _ => format!("{e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn line(src: &Arc<LogSource>, i: usize) -> LogLine {
        LogLine::parse(src, format!("line {i}").as_bytes())
    }

    #[tokio::test]
    async fn a_burst_arrives_as_one_batch_and_states_keep_their_place() {
        let (tx, rx) = mpsc::channel(16);
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&got);
        // No timer flush in this test: only the state change and the end flush.
        let cfg = BatchConfig {
            max_delay: Duration::from_secs(3600),
            max_lines: 1000,
        };
        let merger = tokio::spawn(merge(rx, cfg, 1, move |e| {
            sink.lock().map(|mut v| v.push(e)).is_ok()
        }));
        let src = LogSource::new("p", "c");
        for i in 0..10 {
            tx.send(Internal::Lines(vec![line(&src, i)])).await.unwrap();
        }
        tx.send(Internal::State {
            source: src.clone(),
            state: StreamState::Ended("done".into()),
        })
        .await
        .unwrap();
        tx.send(Internal::Lines(vec![line(&src, 10)]))
            .await
            .unwrap();
        drop(tx);
        merger.await.unwrap();
        let got = got.lock().unwrap();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(&got[0], LogEvent::Lines(l) if l.len() == 10));
        assert!(matches!(&got[1], LogEvent::State { .. }));
        assert!(matches!(&got[2], LogEvent::Lines(l) if l.len() == 1));
    }

    #[tokio::test]
    async fn batches_flush_on_the_timer_and_at_the_size_cap() {
        let (tx, rx) = mpsc::channel(16);
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&got);
        let cfg = BatchConfig {
            max_delay: Duration::from_millis(10),
            max_lines: 4,
        };
        let merger = tokio::spawn(merge(rx, cfg, 1, move |e| {
            sink.lock().map(|mut v| v.push(e)).is_ok()
        }));
        let src = LogSource::new("p", "c");
        tx.send(Internal::Lines((0..6).map(|i| line(&src, i)).collect()))
            .await
            .unwrap();
        tx.send(Internal::Lines(vec![line(&src, 6)])).await.unwrap();
        let sizes = |v: &Vec<LogEvent>| -> Vec<usize> {
            v.iter()
                .filter_map(|e| match e {
                    LogEvent::Lines(l) => Some(l.len()),
                    _ => None,
                })
                .collect()
        };
        // The last line is flushed by the timer while the channel stays open.
        let deadline = Instant::now() + Duration::from_secs(10);
        while sizes(&got.lock().unwrap()).len() < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(sizes(&got.lock().unwrap()), vec![6, 1]);
        drop(tx);
        merger.await.unwrap();
    }

    #[tokio::test]
    async fn several_sources_start_together_ordered_by_time() {
        let (tx, rx) = mpsc::channel(16);
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&got);
        let cfg = BatchConfig {
            max_delay: Duration::from_secs(3600),
            max_lines: 1000,
        };
        let merger = tokio::spawn(merge(rx, cfg, 2, move |e| {
            sink.lock().map(|mut v| v.push(e)).is_ok()
        }));
        let (a, b) = (LogSource::new("a", "c"), LogSource::new("b", "c"));
        let at = |src: &Arc<LogSource>, sec: u32| {
            LogLine::parse(
                src,
                format!("2024-01-01T00:00:{sec:02}Z {}", src.pod).as_bytes(),
            )
        };
        let streaming = |source: &Arc<LogSource>| Internal::State {
            source: Arc::clone(source),
            state: StreamState::Streaming,
        };
        tx.send(streaming(&a)).await.unwrap();
        tx.send(Internal::Lines(vec![at(&a, 1), at(&a, 3)]))
            .await
            .unwrap();
        tx.send(streaming(&b)).await.unwrap();
        tx.send(Internal::Lines(vec![at(&b, 2), at(&b, 4)]))
            .await
            .unwrap();
        drop(tx);
        merger.await.unwrap();
        let got = got.lock().unwrap();
        let batches: Vec<Vec<String>> = got
            .iter()
            .filter_map(|e| match e {
                LogEvent::Lines(l) => Some(l.iter().map(|l| l.source.pod.clone()).collect()),
                _ => None,
            })
            .collect();
        assert_eq!(batches, vec![vec!["a", "b", "a", "b"]]);
    }

    #[tokio::test]
    async fn a_gone_receiver_ends_the_merge() {
        let (tx, rx) = mpsc::channel(16);
        let merger = tokio::spawn(merge(rx, BatchConfig::default(), 1, |_| false));
        let src = LogSource::new("p", "c");
        tx.send(Internal::State {
            source: src,
            state: StreamState::Streaming,
        })
        .await
        .unwrap();
        merger.await.unwrap();
        assert!(tx.is_closed());
    }
}
