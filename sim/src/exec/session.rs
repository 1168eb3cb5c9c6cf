//! One exec over a WebSocket: channel 0 stdin, 1 stdout, 2 stderr, 3 the error channel
//! (the process's end as a `Status`), 4 terminal resize (`{"Width":W,"Height":H}`);
//! with `v5.channel.k8s.io` a frame `[255, 0]` says the client closed stdin.

use std::future::Future;
use std::time::Duration;

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};

use super::shell::{NotFound, Out, Process};
use super::system::System;
use super::Options;
use crate::controllers::util::random_hex;
use crate::wsproto::{frame, CLOSE_CHANNEL};

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const RESIZE: u8 = 4;
/// With a terminal, how long to wait for the client's first size before starting.
const FIRST_SIZE_WAIT: Duration = Duration::from_millis(300);
/// A terminal's size until the client tells.
const DEFAULT_SIZE: (u16, u16) = (24, 80);

/// The channel protocol version agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// `v5.channel.k8s.io`: v4 plus closing stdin.
    V5,
    /// `v4.channel.k8s.io`: the error channel carries a JSON `Status`.
    V4,
    /// `channel.k8s.io`: the error channel carries text.
    V1,
}

/// A checked exec request.
pub struct Request {
    pub options: Options,
    pub system: System,
}

enum Incoming {
    Stdin(Vec<u8>),
    CloseStdin,
    /// (columns, rows)
    Resize(u16, u16),
    Ignored,
    Closed,
}

fn classify(msg: Option<Result<Message, axum::Error>>, proto: Proto) -> Incoming {
    let bytes = match msg {
        Some(Ok(Message::Binary(b))) => b,
        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Incoming::Closed,
        Some(Ok(_)) => return Incoming::Ignored,
    };
    match (bytes.first(), &bytes[1.min(bytes.len())..]) {
        (Some(&STDIN), data) => Incoming::Stdin(data.to_vec()),
        (Some(&RESIZE), data) if proto != Proto::V1 => {
            let size: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
            let dim = |k: &str| size[k].as_u64().and_then(|v| u16::try_from(v).ok());
            match (dim("Width"), dim("Height")) {
                (Some(w), Some(h)) => Incoming::Resize(w, h),
                _ => Incoming::Ignored,
            }
        }
        (Some(&CLOSE_CHANNEL), [STDIN, ..]) if proto == Proto::V5 => Incoming::CloseStdin,
        _ => Incoming::Ignored,
    }
}

type Sink = SplitSink<WebSocket, Message>;

/// Runs the exec until the process ends, the client goes away, or `gone` (the pod was
/// deleted) resolves.
pub async fn run(
    socket: WebSocket,
    request: Request,
    proto: Proto,
    gone: impl Future<Output = ()> + Send + 'static,
) {
    let Request { options, system } = request;
    let (mut sink, mut source) = socket.split();
    let mut early = Vec::new();
    let size = if options.tty {
        Some(first_size(&mut source, proto, &mut early).await)
    } else {
        None
    };
    let (mut process, first) = match Process::start(system, &options.command, size) {
        Ok(started) => started,
        Err(NotFound(program)) => {
            let status = exec_failed(&program);
            let _ = finish(&mut sink, proto, status).await;
            return;
        }
    };
    let mut outs = first;
    if !options.stdin {
        outs.extend(process.eof());
    }
    for msg in early {
        outs.extend(feed(&mut process, msg, &options));
    }
    if send(&mut sink, outs, &options, proto).await {
        return;
    }
    tokio::pin!(gone);
    loop {
        tokio::select! {
            msg = source.next() => {
                let incoming = classify(msg, proto);
                if matches!(incoming, Incoming::Closed) {
                    return;
                }
                let outs = feed(&mut process, incoming, &options);
                if send(&mut sink, outs, &options, proto).await {
                    return;
                }
            }
            _ = &mut gone => {
                // The container was killed with the pod.
                let _ = finish(&mut sink, proto, exit_status(&options.command, 137)).await;
                return;
            }
        }
    }
}

/// Waits a moment for the client's first terminal size (kubectl sends it at once),
/// keeping anything else that arrives meanwhile.
async fn first_size(
    source: &mut SplitStream<WebSocket>,
    proto: Proto,
    early: &mut Vec<Incoming>,
) -> (u16, u16) {
    let deadline = tokio::time::sleep(FIRST_SIZE_WAIT);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            msg = source.next() => match classify(msg, proto) {
                Incoming::Resize(w, h) => return (h, w),
                Incoming::Closed => {
                    early.push(Incoming::Closed);
                    return DEFAULT_SIZE;
                }
                other => early.push(other),
            },
            _ = &mut deadline => return DEFAULT_SIZE,
        }
    }
}

fn feed(process: &mut Process, incoming: Incoming, options: &Options) -> Vec<Out> {
    match incoming {
        Incoming::Stdin(data) if options.stdin => process.input(&data),
        Incoming::CloseStdin | Incoming::Closed => process.eof(),
        Incoming::Resize(w, h) => {
            process.resize(w, h);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Sends what the process wrote; `true` once the exec is over (the process ended or the
/// client is gone).
async fn send(sink: &mut Sink, outs: Vec<Out>, options: &Options, proto: Proto) -> bool {
    for out in outs {
        let sent = match out {
            Out::Stdout(data) if options.stdout => sink.send(frame(STDOUT, &data)).await,
            Out::Stderr(data) if options.stderr => sink.send(frame(STDERR, &data)).await,
            Out::Exit(code) => {
                let _ = finish(sink, proto, exit_status(&options.command, code)).await;
                return true;
            }
            _ => Ok(()),
        };
        if sent.is_err() {
            return true;
        }
    }
    false
}

/// Writes the process's end on the error channel and closes the WebSocket.
async fn finish(sink: &mut Sink, proto: Proto, status: Value) -> Result<(), axum::Error> {
    let payload = match proto {
        Proto::V1 if status["status"] == "Success" => None,
        Proto::V1 => Some(status["message"].as_str().unwrap_or("").as_bytes().to_vec()),
        _ => Some(serde_json::to_vec(&status).unwrap_or_default()),
    };
    if let Some(p) = payload {
        sink.send(frame(ERROR, &p)).await?;
    }
    // A normal closure (1000): clients treat a close without a code as an error.
    sink.send(Message::Close(Some(CloseFrame {
        code: close_code::NORMAL,
        reason: "".into(),
    })))
    .await
}

/// The kubelet's `Status` for a process that exited with `code`.
pub fn exit_status(command: &[String], code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!(
            "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
            command.join(" ")
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

/// The `Status` when the program does not exist in the container, as containerd (runc)
/// reports it through the kubelet.
pub fn exec_failed(program: &str) -> Value {
    let cause = format!(
        "error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
        random_hex(64)
    );
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("Internal error occurred: {cause}"),
        "reason": "InternalError",
        "details": {"causes": [{"message": cause}]},
        "code": 500,
    })
}
