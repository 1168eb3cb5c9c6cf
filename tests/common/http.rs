//! A minimal blocking HTTP/1.1 client over a plain TcpStream, for talking to the
//! simulated cluster and its fault control without a client library.

use std::io::{Read, Write};
use std::time::Duration;

/// One answer: status code, header lines (`name: value`, names as sent) and body text.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (the text from the first `{` to the last `}`).
    pub fn json(&self) -> serde_json::Value {
        let (Some(a), Some(b)) = (self.body.find('{'), self.body.rfind('}')) else {
            panic!("no JSON in the answer: {self:?}");
        };
        serde_json::from_str(&self.body[a..=b]).expect("JSON body")
    }
}

/// `METHOD url+path` (`url` is `http://127.0.0.1:PORT`); fails the test when the server
/// cannot be reached or does not answer within a minute.
pub fn request(url: &str, method: &str, path: &str) -> Answer {
    request_with(url, method, path, "application/json")
}

/// [`request`] with another `Accept` header (a Table, a metadata-only list).
pub fn request_with(url: &str, method: &str, path: &str, accept: &str) -> Answer {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or_default();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// The payload of a chunked body: each chunk is `SIZE-IN-HEX\r\nDATA\r\n`, `0` ends.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..eol]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).unwrap_or(0);
        let data = body.get(eol + 2..).unwrap_or_default();
        if size == 0 || data.len() < size {
            out.extend_from_slice(&data[..size.min(data.len())]);
            break;
        }
        out.extend_from_slice(&data[..size]);
        body = data.get(size + 2..).unwrap_or_default();
    }
    out
}

pub fn post(url: &str, path: &str) -> Answer {
    request(url, "POST", path)
}

pub fn get(url: &str, path: &str) -> Answer {
    request(url, "GET", path)
}
