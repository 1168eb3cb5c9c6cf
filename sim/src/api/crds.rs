//! What the apiextensions apiserver does around CustomResourceDefinitions: it checks a
//! definition before storing it, and deleting one removes every object of its resource.
//! (Serving the new resource needs nothing more: discovery and routing read the stored
//! CRDs, see [`crate::resources::custom`].)

use crate::error::ApiError;
use crate::resources::{custom, ResourceType, CUSTOM_RESOURCE_DEFINITIONS};
use crate::store::{DeleteOptions, Event, EventType};
use crate::SimState;

fn is_crd(res: &ResourceType) -> bool {
    std::ptr::eq(res, &CUSTOM_RESOURCE_DEFINITIONS)
}

/// Rejects a CRD the apiserver would reject (422 Invalid), before it is stored.
pub fn check(res: &ResourceType, obj: &serde_json::Value) -> Result<(), ApiError> {
    if !is_crd(res) {
        return Ok(());
    }
    match custom::invalid(obj) {
        Some((field, problem)) => Err(ApiError::invalid(
            res.kind,
            obj["metadata"]["name"].as_str().unwrap_or(""),
            field,
            &problem,
        )),
        None => Ok(()),
    }
}

/// Before a CRD is deleted: its objects go first (the apiserver's finalizer deletes
/// them before the CRD disappears), so watchers see them deleted, then their watch end.
pub fn deleting(st: &SimState, res: &ResourceType, name: &str) {
    if !is_crd(res) {
        return;
    }
    let Ok(crd) = st.store.get(&CUSTOM_RESOURCE_DEFINITIONS, "", name) else {
        return;
    };
    let Some(custom) = custom::from_crd(&crd.value).into_iter().next() else {
        return;
    };
    let opts = DeleteOptions {
        grace_seconds: Some(0),
        ..DeleteOptions::default()
    };
    let (objects, _) = st.store.list(custom, None);
    for obj in objects {
        // Already gone (a dependent collected with its owner) is fine.
        let _ = st.store.delete(custom, obj.namespace(), obj.name(), &opts);
    }
}

/// Whether `event` is the deletion of the CRD that defines `res` (which ends its watches).
pub fn defines_deleted(event: &Event, res: &ResourceType) -> bool {
    res.custom
        && event.kind == EventType::Deleted
        && is_crd(event.res)
        && event.object.name() == format!("{}.{}", res.plural, res.group)
}
