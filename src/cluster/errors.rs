//! Client errors in words a person can act on, and never with a secret in them: a server
//! that cannot be reached says why (DNS, TLS, refused, timed out), a rejected credential says
//! so with the API's or the credential plugin's own message (its stderr, never its output:
//! that holds the token).

use std::error::Error as StdError;
use std::time::Duration;

use kube::client::AuthError;

use crate::msg::FORBIDDEN;

/// The status line's text for a failed request.
pub fn describe_client(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) if status.code == 429 => throttled_text(status),
        kube::Error::Api(status) if status.code == 401 => {
            format!("credential rejected: {}", status_text(status))
        }
        kube::Error::Api(status) => status_text(status),
        kube::Error::Auth(auth) => credential_text(auth),
        other => match find::<AuthError>(other) {
            Some(auth) => credential_text(auth),
            None if matches!(other, kube::Error::HyperError(_) | kube::Error::Service(_)) => {
                format!("cannot reach the API server: {}", unreachable_reason(other))
            }
            None => other.to_string(),
        },
    }
}

/// How long a throttling server (429 Too Many Requests) asked clients to wait before trying
/// again (`retryAfterSeconds` in its Status; at least a second).
pub fn status_retry_after(status: &kube::core::Status) -> Option<Duration> {
    (status.code == 429).then(|| {
        let secs = status.details.as_ref().map_or(0, |d| d.retry_after_seconds);
        Duration::from_secs(u64::from(secs.max(1)))
    })
}

/// "throttled by the API server, retrying in 2 s" (the wait the server asked for).
pub fn throttled_text(status: &kube::core::Status) -> String {
    let secs = status_retry_after(status).map_or(1, |d| d.as_secs());
    format!("throttled by the API server (429 TooManyRequests), retrying in {secs} s")
}

/// The API's own words; a refusal reads `forbidden: <message>` ([`FORBIDDEN`]), which
/// the views show as theirs rather than as a lost connection.
pub fn status_text(status: &kube::core::Status) -> String {
    if status.code == 403 && !status.message.is_empty() {
        return format!("{FORBIDDEN}{}", status.message);
    }
    let reason = if status.reason.is_empty() {
        format!("HTTP {}", status.code)
    } else {
        status.reason.clone()
    };
    if status.message.is_empty() {
        reason
    } else {
        format!("{reason}: {}", status.message)
    }
}

/// The first error of type `E` in `err`'s source chain (itself included).
fn find<'a, E: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut at: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = at {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        at = e.source();
    }
    None
}

/// Why a credential could not be had. kube's own text of a failed plugin prints the
/// plugin's whole output, stdout (the token) included: only its stderr is shown here.
pub fn credential_text(err: &AuthError) -> String {
    match err {
        AuthError::AuthExecRun { out, .. } => {
            let stderr = one_line(&String::from_utf8_lossy(&out.stderr));
            let status = match out.status.code() {
                Some(code) => format!("exit status {code}"),
                None => "killed by a signal".to_string(),
            };
            if stderr.is_empty() {
                format!("credential plugin failed ({status})")
            } else {
                format!("credential plugin failed: {stderr}")
            }
        }
        AuthError::AuthExecStart(io) => format!("credential plugin could not be started: {io}"),
        // The parser's message may quote the output it could not read.
        AuthError::AuthExecParse(_) | AuthError::ExecPluginFailed => {
            "credential plugin printed no valid ExecCredential".to_string()
        }
        AuthError::InvalidBearerToken(_) => "the token is not a valid header value".to_string(),
        AuthError::InvalidBasicAuth(_) => {
            "the username or password is not a valid header value".to_string()
        }
        AuthError::ReadTokenFile(io, path) => {
            format!("cannot read the token file {}: {io}", path.display())
        }
        other => format!("credential: {other}"),
    }
}

/// Plugin stderr on one line, its whitespace collapsed, at most 300 characters.
fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    match line.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// What rustls's errors say (it is not a dependency of ours to downcast to): a certificate
/// not trusted, a server that speaks no TLS, an alert from the server.
const TLS_WORDS: [&str; 7] = [
    "certificate",
    "tls",
    "handshake",
    "corrupt message",
    "peer is incompatible",
    "peer misbehaved",
    "fatal alert",
];

/// Connection refused, timed out, DNS or TLS, with the innermost message.
pub fn unreachable_reason(err: &(dyn StdError + 'static)) -> String {
    let mut texts = Vec::new();
    let mut kind = None;
    let mut at: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = at {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kind = kind.or(match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Some("connection refused"),
                std::io::ErrorKind::TimedOut => Some("timed out"),
                std::io::ErrorKind::ConnectionReset => Some("connection reset"),
                _ => None,
            });
        }
        texts.push(e.to_string());
        at = e.source();
    }
    let all = texts.join(": ").to_lowercase();
    let kind = kind.unwrap_or(
        if all.contains("dns error") || all.contains("lookup address") {
            "DNS lookup failed"
        } else if TLS_WORDS.iter().any(|w| all.contains(w)) {
            "TLS failed"
        } else if all.contains("timed out") || all.contains("elapsed") {
            "timed out"
        } else if all.contains("refused") {
            "connection refused"
        } else {
            "connection failed"
        },
    );
    let detail = texts.last().cloned().unwrap_or_default();
    format!("{kind} ({})", one_line(&detail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn a_failed_plugin_shows_its_stderr_and_never_its_output() {
        let out = std::process::Output {
            status: std::process::ExitStatus::from_raw(1 << 8),
            stdout: b"{\"status\":{\"token\":\"t-secret\"}}".to_vec(),
            stderr: b"token expired:\n  run aws sso login\n".to_vec(),
        };
        let err = kube::Error::Auth(AuthError::AuthExecRun {
            cmd: "TOKEN=t-secret plugin".into(),
            out: Box::new(out),
        });
        let text = describe_client(&err);
        assert_eq!(
            text,
            "credential plugin failed: token expired: run aws sso login"
        );
        let boxed = kube::Error::Service(Box::new(AuthError::AuthExecRun {
            cmd: "plugin".into(),
            out: Box::new(std::process::Output {
                status: std::process::ExitStatus::from_raw(2 << 8),
                stdout: b"t-secret".to_vec(),
                stderr: Vec::new(),
            }),
        }));
        assert_eq!(
            describe_client(&boxed),
            "credential plugin failed (exit status 2)"
        );
    }

    #[test]
    fn a_refused_connection_and_a_401_say_so() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "nope");
        let err = kube::Error::Service(Box::new(io));
        assert_eq!(
            describe_client(&err),
            "cannot reach the API server: connection refused (nope)"
        );
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        assert!(unreachable_reason(&dns).starts_with("DNS lookup failed"));
        let status = kube::core::Status::failure("Unauthorized", "Unauthorized").with_code(401);
        assert_eq!(
            describe_client(&kube::Error::Api(Box::new(status))),
            "credential rejected: Unauthorized: Unauthorized"
        );
    }
}
