//! One API request, decoded: method, path, query parameters, wanted format, body.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// What the client asked the object(s) to look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    /// A `meta.k8s.io/v1` Table (what `kubectl get` prints).
    Table(Include),
    /// `PartialObjectMetadata(List)`: metadata only.
    Metadata,
}

/// `includeObject` of a Table request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    None,
    Metadata,
    Object,
}

#[derive(Debug)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub format: Format,
    /// The raw Accept header (discovery negotiates its own formats).
    pub accept: String,
    /// The media type of the body, without parameters.
    pub content_type: String,
    pub body: Bytes,
}

impl ApiRequest {
    pub fn new(method: Method, uri: &Uri, headers: &HeaderMap, body: Bytes) -> ApiRequest {
        let header_str = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let query = parse_query(uri.query().unwrap_or(""));
        let accept = header_str(header::ACCEPT);
        let format = negotiate(&accept, &query);
        let content_type = header_str(header::CONTENT_TYPE)
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        ApiRequest {
            method,
            path: uri.path().to_string(),
            query,
            format,
            accept,
            content_type,
            body,
        }
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }

    /// A boolean query parameter (`true`/`1`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.param(key), Some("true" | "1"))
    }

    /// Whether the request asks for `dryRun=All` (validate and answer, change nothing).
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        match self.param("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "Unsupported value: \"{other}\": supported values: \"All\""
            ))),
        }
    }

    /// The body as JSON (a 400 Status otherwise). YAML is accepted too, as the apiserver does.
    pub fn json_body(&self) -> Result<serde_json::Value, ApiError> {
        if self.body.is_empty() {
            return Err(ApiError::bad_request("the request body is empty"));
        }
        if self.content_type == "application/vnd.kubernetes.protobuf" {
            return super::protobuf::decode(&self.body);
        }
        if self.content_type.contains("protobuf") || self.content_type.contains("cbor") {
            return Err(ApiError::unsupported_media_type(format!(
                "the body of the request was in an unsupported format ({}) - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
                self.content_type
            )));
        }
        let parsed = if self.content_type.contains("yaml") {
            serde_yaml::from_slice(&self.body).map_err(|e| e.to_string())
        } else {
            serde_json::from_slice(&self.body).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| {
            ApiError::bad_request(format!("the body of the request could not be decoded: {e}"))
        })
    }
}

/// The first media type in Accept this server can produce decides the format.
fn negotiate(accept: &str, query: &HashMap<String, String>) -> Format {
    for media in accept.split(',') {
        let mut parts = media.split(';').map(str::trim);
        let base = parts.next().unwrap_or("");
        let params: HashMap<&str, &str> = parts.filter_map(|p| p.split_once('=')).collect();
        if base != "application/json" && base != "*/*" {
            continue;
        }
        match params.get("as").copied() {
            Some("Table") => {
                let include = match query.get("includeObject").map(String::as_str) {
                    Some("None") => Include::None,
                    Some("Object") => Include::Object,
                    _ => Include::Metadata,
                };
                return Format::Table(include);
            }
            Some("PartialObjectMetadata" | "PartialObjectMetadataList") => return Format::Metadata,
            Some(_) => continue,
            None => return Format::Json,
        }
    }
    Format::Json
}

/// `a=1&b=x%20y` → map (the last value of a repeated key wins).
pub fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON response from pre-serialized bytes.
pub fn json_response(code: StatusCode, body: impl Into<Bytes>) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

/// A JSON response from a value.
pub fn json_value(code: StatusCode, value: &serde_json::Value) -> Response {
    json_response(code, serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_percent_decoded() {
        let q = parse_query("labelSelector=app%3Dweb%2Ctier+in+(a%2Cb)&limit=2&x&bad=%zz%4");
        assert_eq!(q["labelSelector"], "app=web,tier in (a,b)");
        assert_eq!(q["limit"], "2");
        assert_eq!(q["x"], "");
        assert_eq!(q["bad"], "%zz%4");
    }

    #[test]
    fn kubectl_get_accept_header_asks_for_a_table() {
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(
            negotiate(accept, &HashMap::new()),
            Format::Table(Include::Metadata)
        );
        let q = parse_query("includeObject=Object");
        assert_eq!(negotiate(accept, &q), Format::Table(Include::Object));
        assert_eq!(
            negotiate("application/vnd.kubernetes.protobuf, application/json", &q),
            Format::Json
        );
        assert_eq!(
            negotiate(
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
                &q
            ),
            Format::Metadata
        );
        assert_eq!(negotiate("", &q), Format::Json);
    }
}
