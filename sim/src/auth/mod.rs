//! Opt-in authentication and a small authorization model (`rkt sim --auth`).
//!
//! The server speaks TLS with a CA made at start. Two users are known: the admin, by a
//! client certificate the sim issues (`CN=admin, O=system:masters`), and `restricted`, by a
//! bearer token, who may get, list and watch pods and read their logs in one namespace.
//! A request with no valid credential is answered 401, one that is not allowed 403, in
//! the apiserver's words. Discovery stays readable to every authenticated user, and the
//! self reviews (`kubectl auth can-i`, `kubectl auth whoami`) answer truthfully.

pub mod rbac;
mod review;
pub mod tls;

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::error::ApiError;

pub use review::routes;

/// The admin's user name (its client certificate's CN).
pub const ADMIN_USER: &str = "admin";
/// The user whose rights are limited to reading pods in [`RESTRICTED_NAMESPACE`].
pub const RESTRICTED_USER: &str = "restricted";
pub const RESTRICTED_NAMESPACE: &str = "default";

/// What a user may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grants {
    /// Everything (system:masters).
    All,
    /// get, list, watch on pods and pods/log in this namespace only.
    PodsReadIn(String),
}

/// An authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub groups: Vec<String>,
    pub grants: Grants,
}

impl Identity {
    /// Whom requests are made as when the sim runs without `--auth` (it allows everything).
    pub fn anyone() -> Identity {
        Identity {
            name: "system:anonymous".into(),
            groups: vec!["system:unauthenticated".into()],
            grants: Grants::All,
        }
    }
}

/// The credentials written into the kubeconfig.
#[derive(Clone)]
pub struct Credentials {
    pub ca_pem: String,
    pub admin: tls::ClientCert,
    pub restricted_token: String,
}

/// Who is known, by token and by certificate.
pub struct Auth {
    pub authority: tls::Authority,
    pub credentials: Credentials,
    admin: Identity,
    restricted: Identity,
}

impl Auth {
    /// A fresh CA, the admin's certificate and the restricted user's token.
    pub fn new() -> anyhow::Result<Auth> {
        let authority = tls::Authority::new()?;
        let admin_cert = authority.issue_client(ADMIN_USER, "system:masters")?;
        let credentials = Credentials {
            ca_pem: authority.ca_pem.clone(),
            admin: admin_cert,
            restricted_token: crate::store::random_suffix(32),
        };
        Ok(Auth {
            authority,
            credentials,
            admin: Identity {
                name: ADMIN_USER.into(),
                groups: vec!["system:masters".into(), "system:authenticated".into()],
                grants: Grants::All,
            },
            restricted: Identity {
                name: RESTRICTED_USER.into(),
                groups: vec!["system:authenticated".into()],
                grants: Grants::PodsReadIn(RESTRICTED_NAMESPACE.into()),
            },
        })
    }

    /// The user a request is made as; `None` = 401. A bearer token, when given, must be
    /// valid (it is not passed over for a certificate), as on the apiserver.
    fn authenticate(&self, req: &Request) -> Option<&Identity> {
        if let Some(header) = req.headers().get(http::header::AUTHORIZATION) {
            let token = header.to_str().ok()?.strip_prefix("Bearer ")?.trim();
            return (token == self.credentials.restricted_token).then_some(&self.restricted);
        }
        let peer = req.extensions().get::<ConnectInfo<tls::Peer>>()?;
        let cert = peer.0.cert.as_deref()?;
        (cert == self.credentials.admin.der.as_slice()).then_some(&self.admin)
    }
}

/// Adds authentication and authorization in front of `router`'s routes.
pub fn protect(router: Router, auth: Arc<Auth>) -> Router {
    router.layer(axum::middleware::from_fn_with_state(auth, layer))
}

async fn layer(State(auth): State<Arc<Auth>>, mut req: Request, next: Next) -> Response {
    let Some(who) = auth.authenticate(&req).cloned() else {
        return ApiError::with_code(401, "Unauthorized").into_response();
    };
    let what = rbac::Attributes::of_request(req.method(), req.uri().path(), req.uri().query());
    if !rbac::allows(&who, &what) {
        return rbac::forbidden(&who, &what).into_response();
    }
    req.extensions_mut().insert(who);
    next.run(req).await
}
