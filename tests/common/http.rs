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

    /// The body as JSON (chunked or not: the text from the first `{` to the last `}`).
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
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

pub fn post(url: &str, path: &str) -> Answer {
    request(url, "POST", path)
}

pub fn get(url: &str, path: &str) -> Answer {
    request(url, "GET", path)
}
