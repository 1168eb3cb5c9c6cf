//! The WebSocket channel protocol of port-forward (`v4.channel.k8s.io`): every binary
//! frame starts with a channel byte; port `i` of the request has data channel `2i` and
//! error channel `2i+1`, and the first frame the server sends on each carries the port
//! number (2 bytes, little endian). One WebSocket carries one connection per port.
//! With `v5.channel.k8s.io` the client may also close its side of a channel with a
//! frame on channel 255.

use std::future::Future;

use axum::extract::ws::{Message, WebSocket};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, WriteHalf};
use tokio::sync::mpsc;

use super::responder::{self, Page};
use crate::wsproto::{frame, CLOSE_CHANNEL};

const READ_CHUNK: usize = 32 * 1024;
const DUPLEX_BUFFER: usize = 256 * 1024;

/// What one requested port leads to.
pub enum PortTarget {
    /// A program answers there.
    Listening(Page),
    /// Nothing listens: the kubelet's error message.
    Refused(String),
}

enum Out {
    Data(u8, Bytes),
    /// The pod side of a port's connection closed.
    Closed,
}

/// Runs a forward until the client closes, every port's connection has ended, or `gone`
/// (the pod went away) resolves.
pub async fn run(
    socket: WebSocket,
    targets: Vec<(u16, PortTarget)>,
    v5: bool,
    gone: impl Future<Output = ()> + Send + 'static,
) {
    let (mut sink, mut source) = socket.split();
    let (out_tx, out_rx) = mpsc::channel::<Out>(32);
    let mut inputs: Vec<Option<WriteHalf<DuplexStream>>> = Vec::new();
    let mut first_frames = Vec::new();
    let mut open = 0usize;
    for (i, (port, target)) in targets.into_iter().enumerate() {
        let (data, error) = (2 * i as u8, 2 * i as u8 + 1);
        first_frames.push(frame(data, &port.to_le_bytes()));
        first_frames.push(frame(error, &port.to_le_bytes()));
        match target {
            PortTarget::Listening(page) => {
                inputs.push(Some(connect(data, page, out_tx.clone())));
                open += 1;
            }
            PortTarget::Refused(message) => {
                inputs.push(None);
                first_frames.push(frame(error, message.as_bytes()));
            }
        }
    }
    drop(out_tx);

    let mut writer = tokio::spawn(async move {
        for f in first_frames {
            if sink.send(f).await.is_err() {
                return;
            }
        }
        let mut out_rx = out_rx;
        tokio::pin!(gone);
        while open > 0 {
            tokio::select! {
                out = out_rx.recv() => match out {
                    Some(Out::Data(ch, bytes)) => {
                        if sink.send(frame(ch, &bytes)).await.is_err() {
                            return;
                        }
                    }
                    Some(Out::Closed) => open -= 1,
                    None => break,
                },
                _ = &mut gone => break,
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    });

    loop {
        tokio::select! {
            _ = &mut writer => break,
            msg = source.next() => match msg {
                Some(Ok(Message::Binary(bytes))) if !bytes.is_empty() => {
                    let (ch, data) = (bytes[0], &bytes[1..]);
                    if v5 && ch == CLOSE_CHANNEL {
                        // The client will not write to that channel any more.
                        if let Some(input) = data.first().and_then(|c| port_input(&mut inputs, *c)) {
                            if let Some(mut w) = input.take() {
                                let _ = w.shutdown().await;
                            }
                        }
                    } else if let Some(input) = port_input(&mut inputs, ch) {
                        if let Some(w) = input.as_mut() {
                            if w.write_all(data).await.is_err() {
                                *input = None;
                            }
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    // Closing the inputs ends the responders and their pumps.
    drop(inputs);
    writer.abort();
}

/// The pod-side input of a data channel, if `ch` is one.
fn port_input(
    inputs: &mut [Option<WriteHalf<DuplexStream>>],
    ch: u8,
) -> Option<&mut Option<WriteHalf<DuplexStream>>> {
    if !ch.is_multiple_of(2) {
        return None;
    }
    inputs.get_mut(usize::from(ch / 2))
}

/// Opens a connection to the program behind a port: returns where to write what the
/// client sends; what the program answers goes out on `channel`.
fn connect(channel: u8, page: Page, out: mpsc::Sender<Out>) -> WriteHalf<DuplexStream> {
    let (ours, program) = tokio::io::duplex(DUPLEX_BUFFER);
    tokio::spawn(async move {
        // A client that goes away mid-request is not an error worth reporting.
        let _ = responder::serve(program, &page).await;
    });
    let (mut from_program, to_program) = tokio::io::split(ours);
    tokio::spawn(async move {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match from_program.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let data = Bytes::copy_from_slice(&buf[..n]);
                    if out.send(Out::Data(channel, data)).await.is_err() {
                        return;
                    }
                }
            }
        }
        let _ = out.send(Out::Closed).await;
    });
    to_program
}
