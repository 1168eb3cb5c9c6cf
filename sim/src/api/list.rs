//! LIST: selectors, `limit` + `continue` pagination, and the JSON / Table / metadata forms.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use serde_json::{json, Value};

use super::path::Target;
use super::request::{json_response, json_value, ApiRequest, Format};
use super::selectors::Selectors;
use super::table;
use crate::error::ApiError;
use crate::resources::ResourceType;
use crate::store::Stored;
use crate::SimState;

/// Where the next page starts: the list's resourceVersion and the last key served.
#[derive(Debug, PartialEq)]
struct Continue {
    rv: u64,
    namespace: String,
    name: String,
}

impl Continue {
    fn encode(&self) -> String {
        let doc = json!({"rv": self.rv, "ns": self.namespace, "start": self.name});
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string())
    }

    fn decode(token: &str) -> Result<Continue, ApiError> {
        let bad = || ApiError::bad_request(format!("invalid continue token: {token:?}"));
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| bad())?;
        let doc: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        Ok(Continue {
            rv: doc["rv"].as_u64().ok_or_else(bad)?,
            namespace: doc["ns"].as_str().ok_or_else(bad)?.to_string(),
            name: doc["start"].as_str().ok_or_else(bad)?.to_string(),
        })
    }
}

/// One page of a list.
pub struct Page {
    pub items: Vec<Arc<Stored>>,
    pub rv: u64,
    pub continue_token: Option<String>,
    /// Objects after this page (not counted for lists with selectors, as the apiserver).
    pub remaining: Option<usize>,
}

impl Page {
    fn metadata(&self) -> Value {
        let mut meta = json!({"resourceVersion": self.rv.to_string()});
        if let Some(token) = &self.continue_token {
            meta["continue"] = json!(token);
            if let Some(remaining) = self.remaining {
                meta["remainingItemCount"] = json!(remaining);
            }
        }
        meta
    }
}

pub fn serve(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    let selectors = Selectors::new(
        req.param("labelSelector"),
        req.param("fieldSelector"),
        t.res,
    )?;
    let limit = match req.param("limit").filter(|l| !l.is_empty()) {
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(format!("invalid limit: {l:?}")))?,
        None => 0,
    };
    let cont = match req.param("continue").filter(|c| !c.is_empty()) {
        Some(token) => Some(Continue::decode(token)?),
        None => None,
    };
    let page = page(st, t, &selectors, limit, cont);
    Ok(render(t.res, &page, req.format))
}

fn page(
    st: &SimState,
    t: &Target,
    selectors: &Selectors,
    limit: usize,
    cont: Option<Continue>,
) -> Page {
    let after = cont
        .as_ref()
        .map(|c| (c.namespace.as_str(), c.name.as_str()));
    let matches = |o: &Stored| selectors.matches(&o.value);
    let keep: Option<&dyn Fn(&Stored) -> bool> = if selectors.is_empty() {
        None
    } else {
        Some(&matches)
    };
    let found = st
        .store
        .list_page(t.res, t.namespace.as_deref(), after, limit, keep);
    // A continued list reports the resourceVersion of its first page, as the apiserver does.
    let rv = cont.as_ref().map_or(found.rv, |c| c.rv);
    let continue_token = match found.items.last() {
        Some(last) if found.more => Some(
            Continue {
                rv,
                namespace: last.namespace().to_string(),
                name: last.name().to_string(),
            }
            .encode(),
        ),
        _ => None,
    };
    Page {
        items: found.items,
        rv,
        continue_token,
        remaining: found.remaining,
    }
}

/// A list in the wanted format. JSON lists splice the stored bytes of each object.
pub fn render(res: &ResourceType, page: &Page, format: Format) -> Response {
    match format {
        Format::Json => {
            let mut out = Vec::with_capacity(
                128 + page.items.iter().map(|o| o.json.len() + 1).sum::<usize>(),
            );
            out.extend_from_slice(
                format!(
                    r#"{{"kind":"{}List","apiVersion":"{}","metadata":{},"items":["#,
                    res.kind,
                    res.api_version(),
                    page.metadata()
                )
                .as_bytes(),
            );
            for (i, item) in page.items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&super::events_v1::outgoing(res, &item.value, &item.json));
            }
            out.extend_from_slice(b"]}");
            json_response(StatusCode::OK, out)
        }
        Format::Table(include) => {
            let objects: Vec<&Value> = page.items.iter().map(|o| &o.value).collect();
            json_value(
                StatusCode::OK,
                &table::table(res, &objects, include, page.metadata(), true),
            )
        }
        Format::Metadata => {
            let items: Vec<Value> = page.items.iter().map(|o| partial(&o.value)).collect();
            json_value(
                StatusCode::OK,
                &json!({
                    "kind": "PartialObjectMetadataList",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": page.metadata(),
                    "items": items,
                }),
            )
        }
    }
}

/// `PartialObjectMetadata` of an object.
pub fn partial(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip_and_reject_garbage() {
        let c = Continue {
            rv: 42,
            namespace: "default".into(),
            name: "web-1".into(),
        };
        assert_eq!(Continue::decode(&c.encode()).unwrap(), c);
        assert_eq!(Continue::decode("not a token").unwrap_err().code, 400);
        assert_eq!(Continue::decode("e30").unwrap_err().code, 400);
    }
}
