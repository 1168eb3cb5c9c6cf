//! Defaulting and allocation done on create, as the apiserver's admission does
//! (service clusterIP/nodePort, deployment strategy, pod defaults …).

use serde_json::Value;

use super::store::Res;

/// Fills in the fields the real apiserver defaults on create.
pub fn apply_defaults(_res: Res, _obj: &mut Value) {}
