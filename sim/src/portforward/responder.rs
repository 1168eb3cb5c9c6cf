//! The program "listening" on a simulated container port: a small HTTP/1.1 server whose
//! page names the pod, its IP, the image and the request, like cozserver's page. It serves
//! any number of sequential requests on one connection (keep-alive) and closes cleanly
//! after `Connection: close`, an HTTP/1.0 request, or a request it cannot parse.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Longest request line or header line accepted.
const MAX_LINE: u64 = 8 * 1024;
const MAX_HEADERS: usize = 100;
/// Request bodies are read and dropped, up to this size.
const MAX_BODY: u64 = 1024 * 1024;

/// Who answers: the pod and container behind the forwarded port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub pod: String,
    pub namespace: String,
    pub pod_ip: String,
    pub node: String,
    pub container: String,
    pub image: String,
    pub port: u16,
}

impl Page {
    /// The body answering `method target`.
    pub fn body(&self, method: &str, target: &str) -> String {
        format!(
            "Hello from {} ({})\nrequest: {method} {target}\npod: {}/{} on {}\npod IP: {}\ncontainer: {}, port {}\n",
            self.pod,
            self.image,
            self.namespace,
            self.pod,
            self.node,
            self.pod_ip,
            self.container,
            self.port
        )
    }

    fn server(&self) -> &str {
        let repo = self.image.rsplit('/').next().unwrap_or(&self.image);
        repo.split(['@']).next().unwrap_or(repo)
    }
}

struct Request {
    method: String,
    target: String,
    keep_alive: bool,
}

/// Reads one line (without CR LF); `None` at a clean end of input.
async fn read_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE).read_until(b'\n', &mut buf).await?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n as u64 >= MAX_LINE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long",
        ));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Reads one request; `Ok(None)` when the client closed between requests, `Err(reason)`
/// for a request that gets a 400 and ends the connection.
async fn read_request<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
) -> std::io::Result<Result<Option<Request>, &'static str>> {
    // Empty lines before a request are allowed (RFC 9112 §2.2).
    let line = loop {
        match read_line(r).await? {
            None => return Ok(Ok(None)),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(Err("malformed request line"));
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Ok(Err("unsupported HTTP version")),
    };
    let mut connection = String::new();
    let mut length = 0u64;
    for _ in 0..=MAX_HEADERS {
        let Some(header) = read_line(r).await? else {
            return Ok(Err("connection closed inside the headers"));
        };
        if header.is_empty() {
            let keep_alive = if http11 {
                !connection.contains("close")
            } else {
                connection.contains("keep-alive")
            };
            if length > MAX_BODY {
                return Ok(Err("request body too large"));
            }
            // Drop the body so the next request starts where it should.
            tokio::io::copy(&mut r.take(length), &mut tokio::io::sink()).await?;
            return Ok(Ok(Some(Request {
                method: method.to_string(),
                target: target.to_string(),
                keep_alive,
            })));
        }
        let Some((name, value)) = header.split_once(':') else {
            return Ok(Err("malformed header"));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" => connection = value.to_ascii_lowercase(),
            "content-length" => match value.parse() {
                Ok(n) => length = n,
                Err(_) => return Ok(Err("bad Content-Length")),
            },
            "transfer-encoding" => return Ok(Err("chunked request bodies are not supported")),
            _ => {}
        }
    }
    Ok(Err("too many headers"))
}

fn response(status: &str, server: &str, body: &str, keep_alive: bool, head: bool) -> Vec<u8> {
    let date = jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S GMT");
    let mut out = format!(
        "HTTP/1.1 {status}\r\nServer: {server}\r\nDate: {date}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !keep_alive {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    if !head {
        out.push_str(body);
    }
    out.into_bytes()
}

/// Serves HTTP on `io` until the client closes or asks to close.
pub async fn serve<S>(io: S, page: &Page) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (r, mut w) = tokio::io::split(io);
    let mut r = BufReader::new(r);
    loop {
        match read_request(&mut r).await? {
            Ok(None) => break,
            Ok(Some(req)) => {
                let body = page.body(&req.method, &req.target);
                let head = req.method == "HEAD";
                w.write_all(&response(
                    "200 OK",
                    page.server(),
                    &body,
                    req.keep_alive,
                    head,
                ))
                .await?;
                w.flush().await?;
                if !req.keep_alive {
                    break;
                }
            }
            Err(reason) => {
                let body = format!("400 Bad Request: {reason}\n");
                w.write_all(&response(
                    "400 Bad Request",
                    page.server(),
                    &body,
                    false,
                    false,
                ))
                .await?;
                break;
            }
        }
    }
    w.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        Page {
            pod: "hello-minikube-5d8b7c6f9-x2lmp".into(),
            namespace: "default".into(),
            pod_ip: "10.244.0.5".into(),
            node: "minikube".into(),
            container: "cozserver".into(),
            image: "sebcontents/cozserver:1.0".into(),
            port: 8080,
        }
    }

    /// Sends `input`, closes the client's writing side, returns everything the server wrote.
    async fn exchange(input: &[u8]) -> String {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let task = tokio::spawn(async move { serve(server, &page()).await });
        client.write_all(input).await.unwrap();
        let mut out = Vec::new();
        // The server closes by itself after `Connection: close`; otherwise read what is
        // there once the client stops writing.
        client.shutdown().await.unwrap();
        client.read_to_end(&mut out).await.unwrap();
        task.await.unwrap().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn answers_with_the_pods_page() {
        let out = exchange(b"GET /hello?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Server: cozserver:1.0"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(body.starts_with(
            "Hello from hello-minikube-5d8b7c6f9-x2lmp (sebcontents/cozserver:1.0)\nrequest: GET /hello?x=1\n"
        ));
        assert!(body.contains("pod IP: 10.244.0.5"));
    }

    #[tokio::test]
    async fn sequential_requests_on_one_connection() {
        let out = exchange(
            b"GET /one HTTP/1.1\r\nHost: a\r\n\r\nPOST /two HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /three HTTP/1.1\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n\r\n",
        )
        .await;
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 3, "{out}");
        let one = out.find("request: GET /one").unwrap();
        let two = out.find("request: POST /two").unwrap();
        let three = out.find("request: GET /three").unwrap();
        assert!(one < two && two < three);
        assert!(!out.contains("/never"));
        assert!(out.contains("Connection: close"));
    }

    #[tokio::test]
    async fn http10_closes_and_head_has_no_body() {
        let out = exchange(b"HEAD / HTTP/1.0\r\n\r\nGET /after HTTP/1.0\r\n\r\n").await;
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 1);
        assert!(out.ends_with("\r\n\r\n"), "{out}");
        assert!(!out.contains("Hello from"));
    }

    #[tokio::test]
    async fn garbage_gets_a_400_and_a_close() {
        let out = exchange(b"\x16\x03\x01 TLS hello?\r\n\r\n").await;
        assert!(out.starts_with("HTTP/1.1 400 Bad Request"), "{out}");
        assert!(out.contains("Connection: close"));
        let out = exchange(b"GET / HTTP/1.1\r\nbroken header\r\n\r\n").await;
        assert!(out.starts_with("HTTP/1.1 400 Bad Request"), "{out}");
    }

    #[tokio::test]
    async fn closing_between_requests_is_clean() {
        assert_eq!(exchange(b"").await, "");
    }
}
