//! The self reviews: "may I?" (SelfSubjectAccessReview, `kubectl auth can-i`), "what may I
//! do here?" (SelfSubjectRulesReview, `kubectl auth can-i --list`) and "who am I?"
//! (SelfSubjectReview, `kubectl auth whoami`), answered for the user the request is made
//! as. Without `--auth` every request is allowed, and they say so.

use axum::body::Bytes;
use axum::extract::Extension;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use super::rbac::{self, Attributes};
use super::{Grants, Identity};
use crate::api::request::ApiRequest;
use crate::error::ApiError;
use crate::SimState;

const ACCESS: &str = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const RULES: &str = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
const WHOAMI: &str = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

pub fn routes() -> Router<SimState> {
    Router::new()
        .route(ACCESS, post(access))
        .route(RULES, post(rules))
        .route(WHOAMI, post(whoami))
}

type Caller = Option<Extension<Identity>>;

fn caller(who: Caller) -> Identity {
    who.map_or_else(Identity::anyone, |Extension(who)| who)
}

fn body(uri: &Uri, headers: &HeaderMap, body: Bytes) -> Result<Value, ApiError> {
    ApiRequest::new(Method::POST, uri, headers, body).json_body()
}

fn created(mut review: Value, api_version: &str, kind: &str, status: Value) -> Response {
    review["apiVersion"] = json!(api_version);
    review["kind"] = json!(kind);
    review["metadata"] = json!({"creationTimestamp": null});
    review["status"] = status;
    (StatusCode::CREATED, axum::Json(review)).into_response()
}

async fn access(who: Caller, uri: Uri, headers: HeaderMap, bytes: Bytes) -> Response {
    let who = caller(who);
    let review = match body(&uri, &headers, bytes) {
        Ok(review) => review,
        Err(e) => return e.into_response(),
    };
    let spec = &review["spec"];
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let what = if let Some(r) = spec.get("resourceAttributes").filter(|r| r.is_object()) {
        Attributes {
            verb: text(r, "verb"),
            group: text(r, "group"),
            resource: text(r, "resource"),
            subresource: text(r, "subresource"),
            namespace: text(r, "namespace"),
            name: text(r, "name"),
            path: String::new(),
        }
    } else if let Some(n) = spec.get("nonResourceAttributes").filter(|n| n.is_object()) {
        Attributes {
            verb: text(n, "verb"),
            path: text(n, "path"),
            ..Attributes::default()
        }
    } else {
        return ApiError::invalid(
            "SelfSubjectAccessReview",
            "",
            "spec.resourceAttributes",
            "exactly one of nonResourceAttributes or resourceAttributes must be specified",
        )
        .into_response();
    };
    let allowed = rbac::allows(&who, &what);
    let status = if allowed {
        json!({"allowed": true, "reason": format!("allowed for user \"{}\" by the simulated cluster", who.name)})
    } else {
        json!({"allowed": false})
    };
    created(
        review,
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        status,
    )
}

async fn rules(who: Caller, uri: Uri, headers: HeaderMap, bytes: Bytes) -> Response {
    let who = caller(who);
    let review = match body(&uri, &headers, bytes) {
        Ok(review) => review,
        Err(e) => return e.into_response(),
    };
    let namespace = review["spec"]["namespace"].as_str().unwrap_or_default();
    let self_reviews = json!({
        "verbs": ["create"],
        "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]
    });
    let (resource_rules, non_resource_rules) = match &who.grants {
        Grants::All => (
            vec![json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})],
            vec![json!({"verbs": ["*"], "nonResourceURLs": ["*"]})],
        ),
        Grants::PodsReadIn(ns) => {
            let mut rules = vec![self_reviews];
            if ns == namespace {
                rules.push(json!({
                    "verbs": ["get", "list", "watch"],
                    "apiGroups": [""],
                    "resources": ["pods", "pods/log"]
                }));
            }
            let discovery = json!({
                "verbs": ["get"],
                "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]
            });
            (rules, vec![discovery])
        }
    };
    let status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": false
    });
    created(
        review,
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        status,
    )
}

async fn whoami(who: Caller) -> Response {
    let who = caller(who);
    let status = json!({"userInfo": {"username": who.name, "groups": who.groups}});
    created(
        json!({}),
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        status,
    )
}
