//! What the apiextensions apiserver does around CustomResourceDefinitions: it checks a
//! definition before storing it, and deleting one removes every object of its resource.
//! (Serving the new resource needs nothing more: discovery and routing read the stored
//! CRDs, see [`crate::resources::custom`].)

use crate::error::ApiError;
use crate::resources::{custom, ResourceType, CUSTOM_RESOURCE_DEFINITIONS};
use crate::store::{DeleteOptions, Stored};
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

/// After a CRD was deleted: its objects go too (the apiserver's finalizer deletes them
/// before the CRD disappears; here both happen at once).
pub fn deleted(st: &SimState, res: &ResourceType, crd: &Stored) {
    if !is_crd(res) {
        return;
    }
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
