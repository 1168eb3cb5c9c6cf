//! One-shot object actions the user asks for by key: delete, YAML, describe. Full objects
//! are fetched here on demand and turned into text; rows never hold them.

use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Preconditions};
use kube::Client;

use crate::model::describe;
use crate::model::insight::{node_summary, Insight};
use crate::model::objects::{Identity, ObjectEffect, ObjectKind, ObjectMsg, ObjectRef};

/// The API resource behind a kind.
pub(super) fn resource(kind: &ObjectKind) -> ApiResource {
    ApiResource {
        group: kind.group.to_string(),
        version: kind.version.to_string(),
        api_version: kind.api_version(),
        kind: kind.kind.to_string(),
        plural: kind.plural.to_string(),
    }
}

pub(super) fn api(client: &Client, obj: &ObjectRef) -> Api<DynamicObject> {
    let resource = resource(&obj.kind);
    match &obj.namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// The uid and resourceVersion of the object as it is now.
pub async fn identify(client: &Client, obj: &ObjectRef) -> Result<Identity, String> {
    let meta = api(client, obj)
        .get_metadata(&obj.name)
        .await
        .map_err(|e| format!("{}: {}", obj.label(), super::watch::describe_client(&e)))?
        .metadata;
    Ok(Identity {
        uid: meta.uid.unwrap_or_default(),
        resource_version: meta.resource_version.unwrap_or_default(),
    })
}

/// Deletes the object the user confirmed (background propagation, the object's own grace
/// period), answering with kubectl's words or the API's error text. The uid is a
/// precondition the server checks: an object recreated under the same name since the
/// confirmation is not deleted. (The resourceVersion is not: a pod whose status moved on is
/// still the pod the user chose.)
pub async fn delete(
    client: &Client,
    obj: &ObjectRef,
    confirmed: &Identity,
) -> Result<String, String> {
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some(confirmed.uid.clone()),
            resource_version: None,
        }),
        ..DeleteParams::background()
    };
    match api(client, obj).delete(&obj.name, &params).await {
        Ok(_) => Ok(format!("{} deleted", obj.label())),
        Err(kube::Error::Api(e)) if e.code == 409 => Err(format!(
            "{} is not the object you confirmed (it was replaced since); nothing was deleted",
            obj.label()
        )),
        Err(e) => Err(format!(
            "delete {}: {}",
            obj.label(),
            super::watch::describe_client(&e)
        )),
    }
}

/// The object as YAML, without managedFields (noise nobody reads). A Secret's values are
/// masked unless `reveal` (the user pressed the reveal key on it), then decoded.
pub async fn yaml(client: &Client, obj: &ObjectRef, reveal: bool) -> Result<String, String> {
    let fetched = api(client, obj)
        .get(&obj.name)
        .await
        .map_err(|e| format!("get {}: {}", obj.label(), super::watch::describe_client(&e)))?;
    let mut value = serde_json::to_value(&fetched).map_err(|e| e.to_string())?;
    if let Some(meta) = value
        .get_mut("metadata")
        .and_then(serde_json::Value::as_object_mut)
    {
        meta.remove("managedFields");
    }
    if reveal {
        describe::reveal_secret(&mut value);
    } else {
        describe::mask_secret(&mut value);
    }
    serde_yaml::to_string(&value).map_err(|e| e.to_string())
}

/// The object as JSON, fetched now.
async fn fetch(client: &Client, obj: &ObjectRef, verb: &str) -> Result<serde_json::Value, String> {
    let fetched = api(client, obj).get(&obj.name).await.map_err(|e| {
        format!(
            "{verb} {}: {}",
            obj.label(),
            super::watch::describe_client(&e)
        )
    })?;
    serde_json::to_value(&fetched).map_err(|e| e.to_string())
}

/// A `kubectl describe`-like text: the object's main facts, what it relates to (a
/// Deployment's ReplicaSets, a Service's endpoints, a Node's pods) and its events.
pub async fn describe(client: &Client, obj: &ObjectRef) -> Result<String, String> {
    let value = fetch(client, obj, "describe").await?;
    let (events, related) = futures::join!(
        events_of(client, obj),
        super::related::related(client, &value)
    );
    Ok(describe::object(
        &value,
        &events,
        &related,
        jiff::Timestamp::now(),
    ))
}

/// A pod's containers and probes, judged with its events.
pub async fn containers(client: &Client, obj: &ObjectRef) -> Result<String, String> {
    let value = fetch(client, obj, "containers of").await?;
    let pod: k8s_openapi::api::core::v1::Pod =
        serde_json::from_value(value).map_err(|e| format!("containers of {}: {e}", obj.label()))?;
    let events = events_of(client, obj).await;
    Ok(crate::model::containers::containers_text(
        &pod,
        &events,
        jiff::Timestamp::now(),
    ))
}

/// Where `enter` on the object leads.
pub async fn drill(client: &Client, obj: &ObjectRef) -> Result<crate::model::drill::Drill, String> {
    let value = fetch(client, obj, "open").await?;
    // A claim's users are found among its namespace's pods (related reads them for it).
    let pods = if obj.kind.is("", "PersistentVolumeClaim") {
        super::related::related(client, &value).await.pods
    } else {
        Vec::new()
    };
    crate::model::drill::drill(&value, &pods)
}

/// What the details region shows about the object: an Ingress's routes with the
/// readiness of their backends, a Node's conditions, pods and taints.
pub async fn insight(client: &Client, obj: &ObjectRef) -> Result<Insight, String> {
    let value = fetch(client, obj, "get").await?;
    let related = super::related::related(client, &value).await;
    if obj.kind.is("", "Node") {
        return Ok(Insight::Node(node_summary(&value, &related.pods)));
    }
    Ok(Insight::Routes(crate::model::ingress_routes::routes(
        &value,
        &related.services,
        &related.endpoint_slices,
    )))
}

/// The object's events, oldest first; an error just means no events section.
async fn events_of(client: &Client, obj: &ObjectRef) -> Vec<Event> {
    let api: Api<Event> = match &obj.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let kind = &obj.kind.kind;
    let selector = format!(
        "involvedObject.name={},involvedObject.kind={kind}",
        obj.name
    );
    let mut events = api
        .list(&ListParams::default().fields(&selector))
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    // Servers that ignore the field selector: filter here too.
    events.retain(|e| {
        e.involved_object.name.as_deref() == Some(obj.name.as_str())
            && e.involved_object.kind.as_deref() == Some(&**kind)
    });
    events.sort_by_key(describe::event_time);
    events
}

/// Carries out an object effect and answers with the message for `update`.
pub async fn run(client: &Client, effect: ObjectEffect) -> ObjectMsg {
    let title = effect.title();
    match effect {
        ObjectEffect::Identify(obj) => {
            let result = identify(client, &obj).await;
            ObjectMsg::Identified { obj, result }
        }
        ObjectEffect::Delete { obj, confirmed } => {
            ObjectMsg::Deleted(delete(client, &obj, &confirmed).await)
        }
        ObjectEffect::Yaml(obj) => ObjectMsg::Text {
            title,
            result: yaml(client, &obj, false).await,
        },
        ObjectEffect::Reveal(obj) => ObjectMsg::Text {
            title,
            result: yaml(client, &obj, true).await,
        },
        ObjectEffect::Describe(obj) => ObjectMsg::Text {
            title,
            result: describe(client, &obj).await,
        },
        ObjectEffect::Containers(obj) => ObjectMsg::Text {
            title,
            result: containers(client, &obj).await,
        },
        ObjectEffect::Drill(obj) => {
            let result = drill(client, &obj).await;
            ObjectMsg::Drilled { from: obj, result }
        }
        ObjectEffect::Insight(obj) => {
            let result = insight(client, &obj).await;
            ObjectMsg::Insight { obj, result }
        }
    }
}
