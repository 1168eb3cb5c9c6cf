//! `rkt sim --fault-control PORT`: the fault switches over HTTP on 127.0.0.1, for black-box
//! tests and people with curl. Every `POST /faults/ACTION` answers 200 with the switches
//! now in force (JSON, see [`Faults::in_force`]); `GET /faults` only shows them.
//!
//! | action | query | effect |
//! |---|---|---|
//! | `refuse` | `code=403[&resource=pods]` | answer requests (for one resource) with that error |
//! | `stall` | `seconds=N` | hold every new request for N seconds |
//! | `drop-watches` | | end every open watch now |
//! | `expire` | | every watch from a resourceVersion gets 410 Gone |
//! | `restart` | | end every watch and close every connection |
//! | `throttle` | `seconds=N` | answer 429 with `Retry-After: N` |
//! | `clear` | | serve normally again |
//!
//! `refuse`, `expire` and `throttle` stay until `clear`; a stall lifts by itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::faults::Faults;

/// Longest stall or `Retry-After` the control accepts, in seconds.
pub const MAX_SECONDS: u64 = 3600;

/// The running control listener; dropping it stops it.
pub struct FaultControl {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for FaultControl {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves the fault control for `faults` on 127.0.0.1:`port` (0 = any free port).
pub async fn start(port: u16, faults: Arc<Faults>) -> anyhow::Result<FaultControl> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("binding the fault control to 127.0.0.1:{port}"))?;
    let addr = listener.local_addr()?;
    let app = routes(faults).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        // serve only returns on an accept error it cannot retry; nothing to do then.
        let _ = axum::serve(listener, app).await;
    });
    Ok(FaultControl { addr, task })
}

fn routes(faults: Arc<Faults>) -> Router {
    Router::new()
        .route("/faults", get(show))
        .route("/faults/{action}", post(apply))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "no such path; try POST /faults/clear\n",
            )
        })
        .with_state(faults)
}

async fn show(State(faults): State<Arc<Faults>>) -> Response {
    Json(faults.in_force()).into_response()
}

async fn apply(
    State(faults): State<Arc<Faults>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !peer.ip().is_loopback() {
        return bad_request("the fault control answers loopback clients only".into());
    }
    match act(&faults, &action, query.as_deref().unwrap_or("")) {
        Ok(()) => Json(faults.in_force()).into_response(),
        Err(Refused::UnknownAction) => (
            StatusCode::NOT_FOUND,
            format!("no fault {action:?}; one of: {}\n", ACTIONS.join(", ")),
        )
            .into_response(),
        Err(Refused::BadQuery(problem)) => bad_request(problem),
    }
}

fn bad_request(problem: String) -> Response {
    (StatusCode::BAD_REQUEST, format!("{problem}\n")).into_response()
}

const ACTIONS: [&str; 7] = [
    "refuse",
    "stall",
    "drop-watches",
    "expire",
    "restart",
    "throttle",
    "clear",
];

#[derive(Debug, PartialEq)]
enum Refused {
    UnknownAction,
    BadQuery(String),
}

/// Flips the switch `action` names, with its query parameters.
fn act(faults: &Arc<Faults>, action: &str, query: &str) -> Result<(), Refused> {
    let params = Params::parse(action, query);
    match action {
        "refuse" => {
            params.allow(&["code", "resource"])?;
            let code = params.code()?;
            match params.get("resource") {
                Some(res) => faults.refuse_resource(params.resource(res)?, code),
                None => faults.refuse_all(code),
            }
        }
        "stall" => {
            params.allow(&["seconds"])?;
            faults.stall_for(Duration::from_secs(params.seconds()?));
        }
        "throttle" => {
            params.allow(&["seconds"])?;
            faults.throttle(params.seconds()?);
        }
        "drop-watches" | "expire" | "restart" | "clear" => {
            params.allow(&[])?;
            match action {
                "drop-watches" => faults.drop_watches(),
                "expire" => faults.set_expire(true),
                "restart" => faults.restart(),
                _ => faults.reset(),
            }
        }
        _ => return Err(Refused::UnknownAction),
    }
    Ok(())
}

/// The query of one request: `name=value` pairs (no escapes: values are numbers and
/// resource names).
struct Params<'a> {
    action: &'a str,
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Params<'a> {
    fn parse(action: &'a str, query: &'a str) -> Params<'a> {
        let pairs = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        Params { action, pairs }
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn bad(&self, problem: String) -> Refused {
        Refused::BadQuery(format!("{}: {problem}", self.action))
    }

    /// Fails on a parameter this action does not take (a typo would go unnoticed).
    fn allow(&self, known: &[&str]) -> Result<(), Refused> {
        match self.pairs.iter().find(|(n, _)| !known.contains(n)) {
            Some((name, _)) if known.is_empty() => {
                Err(self.bad(format!("takes no parameters, got {name:?}")))
            }
            Some((name, _)) => Err(self.bad(format!(
                "unknown parameter {name:?} (takes {})",
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// `seconds=N`, 1 to [`MAX_SECONDS`].
    fn seconds(&self) -> Result<u64, Refused> {
        let Some(text) = self.get("seconds") else {
            return Err(self.bad("missing seconds=N".into()));
        };
        match text.parse::<u64>() {
            Ok(n) if (1..=MAX_SECONDS).contains(&n) => Ok(n),
            _ => Err(self.bad(format!(
                "seconds must be a whole number from 1 to {MAX_SECONDS}, got {text:?}"
            ))),
        }
    }

    /// `code=NNN`, an HTTP error code (400–599, not 429: that is `throttle`).
    fn code(&self) -> Result<u16, Refused> {
        let Some(text) = self.get("code") else {
            return Err(self.bad("missing code=NNN (e.g. 403 or 500)".into()));
        };
        match text.parse::<u16>() {
            Ok(429) => Err(self.bad("for 429 use POST /faults/throttle?seconds=N".into())),
            Ok(n) if (400..=599).contains(&n) => Ok(n),
            _ => Err(self.bad(format!(
                "code must be an HTTP error code from 400 to 599, got {text:?}"
            ))),
        }
    }

    /// A resource's plural as it appears in API paths (`pods`, `deployments`).
    fn resource(&self, text: &'a str) -> Result<&'a str, Refused> {
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        if valid {
            Ok(text)
        } else {
            Err(self.bad(format!(
                "resource must be a plural resource name such as pods, got {text:?}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(r: Result<(), Refused>) -> String {
        match r {
            Err(Refused::BadQuery(text)) => text,
            other => panic!("expected a bad query, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn switches_flip_and_clear() {
        let f = Arc::new(Faults::default());
        act(&f, "refuse", "code=403&resource=pods").unwrap();
        act(&f, "throttle", "seconds=2").unwrap();
        act(&f, "expire", "").unwrap();
        let now = f.in_force();
        assert_eq!(now["refuse"]["code"], 403);
        assert_eq!(now["refuse"]["resource"], "pods");
        assert_eq!(now["throttle_seconds"], 2);
        assert_eq!(now["expire"], true);
        act(&f, "clear", "").unwrap();
        let now = f.in_force();
        assert!(now["refuse"].is_null() && now["throttle_seconds"].is_null());
        assert_eq!(now["expire"], false);
    }

    #[tokio::test]
    async fn a_stall_lifts_by_itself_unless_replaced() {
        let f = Arc::new(Faults::default());
        act(&f, "stall", "seconds=1").unwrap();
        assert_eq!(f.in_force()["stalled"], true);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(f.in_force()["stalled"], false);
        // A first short stall's release does not end a longer one that followed.
        act(&f, "stall", "seconds=1").unwrap();
        act(&f, "stall", "seconds=5").unwrap();
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(f.in_force()["stalled"], true);
        assert!(f.in_force()["stall_seconds_left"].as_f64().unwrap() > 3.0);
    }

    #[tokio::test]
    async fn bad_queries_say_what_is_wrong() {
        let f = Arc::new(Faults::default());
        assert!(bad(act(&f, "stall", "")).contains("missing seconds"));
        assert!(bad(act(&f, "stall", "seconds=abc")).contains("whole number"));
        assert!(bad(act(&f, "throttle", "seconds=0")).contains("from 1"));
        assert!(bad(act(&f, "refuse", "")).contains("missing code"));
        assert!(bad(act(&f, "refuse", "code=200")).contains("400 to 599"));
        assert!(bad(act(&f, "refuse", "code=429")).contains("throttle"));
        assert!(bad(act(&f, "refuse", "code=403&resource=Pods/x")).contains("plural"));
        assert!(bad(act(&f, "refuse", "code=403&verb=get")).contains("\"verb\""));
        assert!(bad(act(&f, "clear", "all=1")).contains("no parameters"));
        assert_eq!(act(&f, "explode", ""), Err(Refused::UnknownAction));
        assert!(f.in_force()["refuse"].is_null(), "nothing was switched on");
    }
}
