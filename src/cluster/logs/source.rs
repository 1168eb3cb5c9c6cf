//! One pod/container stream: open, read, and when following, reconnect until the pod ends.

use std::sync::Arc;
use std::time::Duration;

use futures::AsyncBufReadExt;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use kube::{Client, Resource};
use tokio::sync::mpsc;

use super::lines::{LineSplitter, Resume};
use super::{Internal, LogRequest};
use crate::model::logs::{format_timestamp, LogLine, LogSource, StreamState};

/// Waits between reconnect attempts: short after a stream that delivered, growing while
/// attempts keep failing or bring nothing.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(100);
    const MAX: Duration = Duration::from_secs(5);

    pub fn new() -> Self {
        Backoff { next: Self::FIRST }
    }

    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }

    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(Self::MAX);
        d
    }
}

/// How a connection ended.
struct Ended {
    /// Lines delivered on this connection.
    delivered: usize,
    /// The read error, if the stream broke rather than closed.
    error: Option<String>,
    /// Holds an unterminated last line: delivered only if no reconnect follows (a
    /// reconnect brings the whole line again).
    splitter: LineSplitter,
}

/// What the pod looks like after a stream ended.
enum PodFate {
    Running,
    Finished(String),
}

pub async fn run(
    client: Client,
    namespace: String,
    source: Arc<LogSource>,
    req: LogRequest,
    tx: mpsc::Sender<Internal>,
) {
    let send_state = |state: StreamState| {
        tx.send(Internal::State {
            source: Arc::clone(&source),
            state,
        })
    };
    let api: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    let follow = req.follow && !req.target.previous;
    let mut resume = Resume::default();
    let mut backoff = Backoff::new();
    if send_state(StreamState::Connecting).await.is_err() {
        return;
    }
    loop {
        let params = LogParams {
            container: Some(source.container.clone()),
            follow,
            previous: req.target.previous,
            timestamps: true,
            // The tail applies to the first connection; a reconnect resumes by time.
            tail_lines: resume.since().is_none().then_some(req.tail_lines).flatten(),
            limit_bytes: req.limit_bytes,
            ..LogParams::default()
        };
        let opened = open_stream(&client, &namespace, &source.pod, &params, resume.since()).await;
        let mut progressed = false;
        let (reason, mut leftover) = match opened {
            Ok(reader) => {
                resume.reconnected();
                if send_state(StreamState::Streaming).await.is_err() {
                    return;
                }
                let Some(ended) = pump(reader, &source, &mut resume, &tx).await else {
                    return;
                };
                if ended.delivered > 0 {
                    backoff.reset();
                    progressed = true;
                }
                let reason = ended.error.unwrap_or_else(|| "stream closed".into());
                (reason, Some(ended.splitter))
            }
            Err(kube::Error::Api(status)) if !follow || matches!(status.code, 401 | 403 | 404) => {
                let _ = send_state(StreamState::Error(status.message.clone())).await;
                return;
            }
            Err(e) if !follow => {
                let _ = send_state(StreamState::Error(e.to_string())).await;
                return;
            }
            Err(kube::Error::Api(status)) => (status.message.clone(), None),
            Err(e) => (e.to_string(), None),
        };
        let fate = if follow {
            pod_fate(&api, &source.pod).await
        } else if req.target.previous {
            Ok(PodFate::Finished("previous container".into()))
        } else {
            Ok(PodFate::Finished("end of log".into()))
        };
        let reason = match fate {
            Ok(PodFate::Finished(why)) => {
                if let Some(splitter) = leftover.as_mut() {
                    let _ = send_lines(&tx, collect_finish(splitter, &source, &mut resume)).await;
                }
                let _ = send_state(StreamState::Ended(why)).await;
                return;
            }
            Ok(PodFate::Running) => reason,
            Err(e) => format!("{reason}; {e}"),
        };
        if send_state(StreamState::Reconnecting(reason)).await.is_err() {
            return;
        }
        // A stream that delivered and then closed resumes at once (no gap on screen); one
        // that brought nothing waits longer each time.
        if !progressed {
            tokio::time::sleep(backoff.next_delay()).await;
        }
    }
}

/// Opens a log stream. `since` is sent with full precision: kube's `LogParams` rounds
/// `sinceTime` to whole seconds, which would make every reconnect fetch up to a second of
/// lines again (with a `limitBytes` smaller than that, it would never get past them).
async fn open_stream(
    client: &Client,
    namespace: &str,
    pod: &str,
    params: &LogParams,
    since: Option<Timestamp>,
) -> Result<impl futures::AsyncBufRead + Unpin + use<>, kube::Error> {
    let url = Pod::url_path(&(), Some(namespace));
    let mut req = kube::core::Request::new(url)
        .logs(pod, params)
        .map_err(kube::Error::BuildRequest)?;
    if let Some(ts) = since {
        let time = format_timestamp(ts).replace(':', "%3A");
        let uri = format!("{}&sinceTime={time}", req.uri());
        *req.uri_mut() = uri
            .parse()
            .map_err(|e: http::uri::InvalidUri| kube::Error::HttpError(e.into()))?;
    }
    req.extensions_mut().insert("log_stream");
    client.request_stream(req).await
}

/// Reads one connection to its end, sending each chunk's new lines as one message.
/// `None` when the receiving side is gone.
async fn pump(
    mut reader: impl futures::AsyncBufRead + Unpin,
    source: &Arc<LogSource>,
    resume: &mut Resume,
    tx: &mpsc::Sender<Internal>,
) -> Option<Ended> {
    let mut splitter = LineSplitter::default();
    let mut delivered = 0;
    let error = loop {
        let chunk = match reader.fill_buf().await {
            Ok([]) => break None,
            Ok(chunk) => chunk,
            Err(e) => break Some(e.to_string()),
        };
        let mut lines = Vec::new();
        splitter.feed(chunk, |raw| {
            if resume.admit(raw) {
                lines.push(LogLine::parse(source, raw));
            }
        });
        let n = chunk.len();
        reader.consume_unpin(n);
        delivered += lines.len();
        send_lines(tx, lines).await.ok()?;
    };
    Some(Ended {
        delivered,
        error,
        splitter,
    })
}

fn collect_finish(
    splitter: &mut LineSplitter,
    source: &Arc<LogSource>,
    resume: &mut Resume,
) -> Vec<LogLine> {
    let mut lines = Vec::new();
    splitter.finish(|raw| {
        if resume.admit(raw) {
            lines.push(LogLine::parse(source, raw));
        }
    });
    lines
}

async fn send_lines(tx: &mpsc::Sender<Internal>, lines: Vec<LogLine>) -> Result<(), ()> {
    if lines.is_empty() {
        return Ok(());
    }
    tx.send(Internal::Lines(lines)).await.map_err(|_| ())
}

/// Whether a stream that ended should be reopened: not when the pod is gone or finished.
async fn pod_fate(api: &Api<Pod>, name: &str) -> Result<PodFate, kube::Error> {
    match api.get_opt(name).await? {
        None => Ok(PodFate::Finished("pod deleted".into())),
        Some(pod) => {
            let phase = pod.status.and_then(|s| s.phase).unwrap_or_default();
            match phase.as_str() {
                "Succeeded" | "Failed" => {
                    Ok(PodFate::Finished(format!("pod {}", phase.to_lowercase())))
                }
                _ => Ok(PodFate::Running),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_and_resets() {
        let mut b = Backoff::new();
        let delays: Vec<Duration> = (0..8).map(|_| b.next_delay()).collect();
        assert_eq!(delays[0], Duration::from_millis(100));
        assert_eq!(delays[1], Duration::from_millis(200));
        assert_eq!(delays[7], Duration::from_secs(5));
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }
}
