//! Pod port-forward (being built: the WebSocket channel protocol lands next).

use axum::Router;

use super::SimState;

/// Routes under `/api/v1/namespaces/{namespace}/pods/{name}/portforward`.
pub fn routes() -> Router<SimState> {
    Router::new()
}
