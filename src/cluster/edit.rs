//! `kubectl edit`'s two requests: read the object, and update it (PUT) with the
//! resourceVersion it was read at, so a change made meanwhile is a conflict, not lost.

use kube::api::{DynamicObject, PostParams};
use kube::Client;
use serde_json::Value;

use crate::model::objects::ObjectRef;

/// Why the server did not take an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// 409: the object changed since it was read.
    Conflict,
    /// Refused (invalid, forbidden …) or not sent; the text says why, for the editor.
    Rejected(String),
}

/// The object as it is now, as JSON.
pub async fn read(client: &Client, obj: &ObjectRef) -> Result<Value, String> {
    let fetched = super::objects::api(client, obj)
        .get(&obj.name)
        .await
        .map_err(|e| format!("get {}: {}", obj.label(), super::watch::describe_client(&e)))?;
    serde_json::to_value(&fetched).map_err(|e| e.to_string())
}

/// Replaces the object with `value` (which carries the resourceVersion it was read at).
pub async fn update(client: &Client, obj: &ObjectRef, value: Value) -> Result<(), UpdateError> {
    let object: DynamicObject = serde_json::from_value(value)
        .map_err(|e| UpdateError::Rejected(format!("The edited object is malformed: {e}")))?;
    match super::objects::api(client, obj)
        .replace(&obj.name, &PostParams::default(), &object)
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 409 => Err(UpdateError::Conflict),
        Err(kube::Error::Api(status)) if status.code == 422 => Err(UpdateError::Rejected(format!(
            "{} {:?} was not valid:\n{}",
            obj.kind.label(),
            obj.name,
            status.message
        ))),
        Err(e) => Err(UpdateError::Rejected(super::watch::describe_client(&e))),
    }
}
