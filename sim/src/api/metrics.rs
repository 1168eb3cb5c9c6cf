//! `metrics.k8s.io/v1beta1` over HTTP, as metrics-server serves it behind the apiserver:
//! `PodMetrics` (all namespaces, one namespace, one pod) and `NodeMetrics` (all, one), by
//! GET and LIST with label and field selectors, as JSON or as a Table. Computed from the
//! stored pods and nodes at each request (see `crate::metrics`); never watched.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::list::partial;
use super::path::Target;
use super::request::{json_value, ApiRequest, Format};
use super::selectors::Selectors;
use super::table;
use crate::error::ApiError;
use crate::metrics::{self, node_metrics, pod_metrics, NODE_METRICS};
use crate::resources::{NODES, PODS};
use crate::SimState;

pub fn serve(st: &SimState, req: &ApiRequest, t: &Target) -> Result<Response, ApiError> {
    // Like metrics-server: get and list, nothing else (no watch, no subresources).
    if req.method != Method::GET || req.flag("watch") {
        return Err(super::method_not_allowed());
    }
    if t.subresource.is_some() {
        return Err(ApiError::no_such_path());
    }
    let window = st.metrics.window(jiff::Timestamp::now());
    let nodes = std::ptr::eq(t.res, &NODE_METRICS);
    let all_pods = || st.store.list(&PODS, None).0;
    if let Some(name) = &t.name {
        let ns = t.namespace.as_deref().unwrap_or("");
        let found = if nodes {
            let pods = all_pods();
            let pods: Vec<&Value> = pods.iter().map(|p| &p.value).collect();
            st.store
                .get(&NODES, "", name)
                .ok()
                .map(|node| node_metrics(&node.value, &pods, &window))
        } else {
            st.store
                .get(&PODS, ns, name)
                .ok()
                .and_then(|pod| pod_metrics(&pod.value, &window))
        };
        let Some(obj) = found else {
            // metrics-server names a pod by namespace/name in this message.
            let (what, id) = if nodes {
                ("nodemetrics.metrics.k8s.io", name.clone())
            } else {
                ("podmetrics.metrics.k8s.io", format!("{ns}/{name}"))
            };
            return Err(ApiError::not_found(what, &id));
        };
        return Ok(match req.format {
            Format::Json => json_value(StatusCode::OK, &obj),
            Format::Table(include) => json_value(
                StatusCode::OK,
                &table::table(t.res, &[&obj], include, json!({}), true),
            ),
            Format::Metadata => json_value(StatusCode::OK, &partial(&obj)),
        });
    }
    let selectors = Selectors::new(
        req.param("labelSelector"),
        req.param("fieldSelector"),
        metrics::measured(t.res),
    )?;
    let items: Vec<Value> = if nodes {
        let pods = all_pods();
        let pods: Vec<&Value> = pods.iter().map(|p| &p.value).collect();
        st.store
            .list(&NODES, None)
            .0
            .iter()
            .filter(|n| selectors.matches(&n.value))
            .map(|n| node_metrics(&n.value, &pods, &window))
            .collect()
    } else {
        st.store
            .list(&PODS, t.namespace.as_deref())
            .0
            .iter()
            .filter(|p| selectors.matches(&p.value))
            .filter_map(|p| pod_metrics(&p.value, &window))
            .collect()
    };
    Ok(render_list(t, items, req.format))
}

fn render_list(t: &Target, items: Vec<Value>, format: Format) -> Response {
    match format {
        Format::Json => json_value(
            StatusCode::OK,
            &json!({
                "kind": format!("{}List", t.res.kind),
                "apiVersion": t.res.api_version(),
                "metadata": {},
                "items": items,
            }),
        ),
        Format::Table(include) => {
            let objects: Vec<&Value> = items.iter().collect();
            json_value(
                StatusCode::OK,
                &table::table(t.res, &objects, include, json!({}), true),
            )
        }
        Format::Metadata => json_value(
            StatusCode::OK,
            &json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": {},
                "items": items.iter().map(partial).collect::<Vec<_>>(),
            }),
        ),
    }
}
