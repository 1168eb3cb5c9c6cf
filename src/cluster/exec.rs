//! A shell in a container over the API server's exec WebSocket (kube-rs offers the
//! `v5.channel.k8s.io` subprotocol first and `v4.channel.k8s.io` after it; the server
//! picks). The session's terminal work is the event loop's; this connects and reads the
//! exit status.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{Api, AttachParams, AttachedProcess};
use kube::Client;

use crate::model::exec::{ExecEnd, ExecTarget, SHELL_COMMAND};

/// Starts the shell: an error here (forbidden, no such container, container not running,
/// exec not served) means the terminal was never handed over.
pub async fn start(client: &Client, target: &ExecTarget) -> Result<AttachedProcess, String> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), &target.namespace);
    let mut params = AttachParams::interactive_tty();
    if let Some(c) = &target.container {
        params = params.container(c.as_str());
    }
    pods.exec(&target.pod, SHELL_COMMAND, &params)
        .await
        .map_err(|e| match e {
            kube::Error::Api(status) if !status.message.is_empty() => status.message.clone(),
            other => super::watch::describe_client(&other),
        })
}

fn status_text(status: &Status) -> String {
    status
        .message
        .clone()
        .or_else(|| status.reason.clone())
        .unwrap_or_else(|| "the shell failed".into())
}

/// The end the server reported on the error channel: success, a non-zero exit code
/// (`NonZeroExitCode` with an `ExitCode` cause), or another failure (no shell …). No
/// status at all: the connection closed, which a finished shell also does.
pub fn end_of(status: Option<Status>) -> ExecEnd {
    let Some(status) = status else {
        return ExecEnd::Exited(0);
    };
    if status.status.as_deref() == Some("Success") {
        return ExecEnd::Exited(0);
    }
    let code = status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .and_then(|causes| {
            causes
                .iter()
                .find(|c| c.reason.as_deref() == Some("ExitCode"))
                .and_then(|c| c.message.as_deref()?.trim().parse::<i32>().ok())
        });
    match code {
        Some(code) if status.reason.as_deref() == Some("NonZeroExitCode") => ExecEnd::Exited(code),
        _ => ExecEnd::Failed(status_text(&status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: serde_json::Value) -> Option<Status> {
        Some(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn exit_codes_and_failures() {
        assert_eq!(end_of(None), ExecEnd::Exited(0));
        assert_eq!(
            end_of(status(serde_json::json!({"status": "Success"}))),
            ExecEnd::Exited(0)
        );
        let failed = serde_json::json!({
            "status": "Failure", "reason": "NonZeroExitCode",
            "message": "command terminated with non-zero exit code: exit status 3",
            "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}
        });
        assert_eq!(end_of(status(failed)), ExecEnd::Exited(3));
        let no_shell = serde_json::json!({
            "status": "Failure", "reason": "InternalError",
            "message": "exec: \"/bin/sh\": stat /bin/sh: no such file or directory"
        });
        assert!(matches!(end_of(status(no_shell)), ExecEnd::Failed(m) if m.contains("/bin/sh")));
    }
}
