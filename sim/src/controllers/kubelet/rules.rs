//! The rules that make a simulated container misbehave. The simulation runs no real
//! containers, so misbehaviour is read from the pod spec:
//!
//! - **Image that cannot be pulled** (ErrImagePull, then ImagePullBackOff, never Ready):
//!   the image reference contains `bad`, `does-not-exist`, `nonexistent` or `notfound`,
//!   e.g. `sebcontents/cozserver:bad` or `nginx:does-not-exist`.
//! - **Crashing container** (runs briefly, exits with code 1, restarts with a growing
//!   CrashLoopBackOff): the image contains `crash` (e.g. `busybox:crash`), or the
//!   container's command/args is `false`, `exit 1` or ends in `; exit 1`.
//! - **Failing liveness probe** (Ready for a while, then `Unhealthy`, killed with exit
//!   code 137 and restarted; CrashLoopBackOff from the second restart on): a
//!   livenessProbe whose httpGet path, exec command or tcpSocket port name contains
//!   `fail` or `unhealthy`; the env var `SIM_LIVENESS=fail`; the Kubernetes tutorial
//!   image `liveness` (`registry.k8s.io/liveness`); or the tutorial's exec pattern, a
//!   probe that `cat`s a file the container's args `rm` later.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Normal,
    BadImage,
    Crash,
    LivenessFail,
}

pub fn behaviour(container: &Value) -> Behaviour {
    let image = container["image"]
        .as_str()
        .unwrap_or("")
        .to_ascii_lowercase();
    if ["bad", "does-not-exist", "nonexistent", "notfound"]
        .iter()
        .any(|w| image.contains(w))
    {
        return Behaviour::BadImage;
    }
    let words = |field: &str| -> Vec<String> {
        container[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let cmdline = [words("command"), words("args")].concat().join(" ");
    let trimmed = cmdline.trim();
    if image.contains("crash")
        || trimmed == "false"
        || trimmed.ends_with("exit 1")
        || trimmed.ends_with("/bin/false")
    {
        return Behaviour::Crash;
    }
    let probe = &container["livenessProbe"];
    if probe.is_object() && liveness_fails(container, probe, &image, &cmdline) {
        return Behaviour::LivenessFail;
    }
    Behaviour::Normal
}

fn liveness_fails(container: &Value, probe: &Value, image: &str, cmdline: &str) -> bool {
    let probe_text = [
        probe["httpGet"]["path"].as_str().unwrap_or("").to_string(),
        probe["tcpSocket"]["port"].to_string(),
        probe["exec"]["command"].to_string(),
    ]
    .join(" ")
    .to_ascii_lowercase();
    if probe_text.contains("fail") || probe_text.contains("unhealthy") {
        return true;
    }
    let env_says =
        container["env"].as_array().into_iter().flatten().any(|e| {
            e["name"] == "SIM_LIVENESS" && e["value"].as_str().is_some_and(|v| v == "fail")
        });
    if env_says {
        return true;
    }
    let image_name = image.split(':').next().unwrap_or("");
    if image_name.rsplit('/').next() == Some("liveness") {
        return true;
    }
    // `args: ["touch /tmp/healthy; sleep 30; rm -f /tmp/healthy"]` with
    // `exec: {command: ["cat", "/tmp/healthy"]}`.
    let probed_file = probe["exec"]["command"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(Value::as_str)
        .unwrap_or("");
    !probed_file.is_empty() && cmdline.contains("rm ") && cmdline.contains(probed_file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_classify_containers() {
        assert_eq!(
            behaviour(&json!({"image": "nginx:1.25"})),
            Behaviour::Normal
        );
        assert_eq!(
            behaviour(&json!({"image": "sebcontents/cozserver:bad"})),
            Behaviour::BadImage
        );
        assert_eq!(
            behaviour(&json!({"image": "nginx:does-not-exist"})),
            Behaviour::BadImage
        );
        assert_eq!(
            behaviour(&json!({"image": "busybox:crash"})),
            Behaviour::Crash
        );
        assert_eq!(
            behaviour(&json!({"image": "busybox", "command": ["sh", "-c", "echo hi; exit 1"]})),
            Behaviour::Crash
        );
        let probe = json!({"image": "app:1", "livenessProbe": {"httpGet": {"path": "/fail", "port": 8080}}});
        assert_eq!(behaviour(&probe), Behaviour::LivenessFail);
        let ok = json!({"image": "app:1", "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}});
        assert_eq!(behaviour(&ok), Behaviour::Normal);
        let tutorial = json!({"image": "busybox", "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}}});
        assert_eq!(behaviour(&tutorial), Behaviour::LivenessFail);
        assert_eq!(
            behaviour(
                &json!({"image": "registry.k8s.io/liveness", "livenessProbe": {"httpGet": {"path": "/healthz"}}})
            ),
            Behaviour::LivenessFail
        );
    }
}
