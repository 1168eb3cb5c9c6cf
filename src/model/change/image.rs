//! `set image`: a workload's containers (init containers too, as kubectl allows) and the
//! strategic-merge patch `kubectl set image` sends for one of them.

use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerImage {
    pub name: String,
    pub image: String,
    pub init: bool,
}

impl ContainerImage {
    /// `web`, `setup (init)`.
    pub fn label(&self) -> String {
        if self.init {
            format!("{} (init)", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// The containers of a Deployment, StatefulSet or DaemonSet (its pod template), init
/// containers first as in the pod spec.
pub fn containers_of(obj: &Value) -> Vec<ContainerImage> {
    let spec = &obj["spec"]["template"]["spec"];
    let list = |key: &str, init: bool| {
        spec[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(move |c| {
                Some(ContainerImage {
                    name: c["name"].as_str()?.to_string(),
                    image: c["image"].as_str().unwrap_or_default().to_string(),
                    init,
                })
            })
            .collect::<Vec<_>>()
    };
    let mut out = list("initContainers", true);
    out.extend(list("containers", false));
    out
}

/// The patch: `{"spec":{"template":{"spec":{"containers":[{"name":C,"image":I}]}}}}`.
pub fn patch(container: &ContainerImage, image: &str) -> Value {
    let key = if container.init {
        "initContainers"
    } else {
        "containers"
    };
    json!({"spec": {"template": {"spec": {key: [{"name": container.name, "image": image}]}}}})
}

/// An image reference kubectl would send: not empty, no spaces.
pub fn invalid_image(image: &str) -> Option<String> {
    if image.trim().is_empty() {
        return Some("type an image".to_string());
    }
    if image.chars().any(char::is_whitespace) {
        return Some(format!("image {image:?} contains spaces"));
    }
    None
}
