//! A shell in a container (`s` on a pod): which container, the command, and how the session
//! ended.

/// The command run in the container: bash where the image has it, else sh (as k9s does).
pub const SHELL_COMMAND: [&str; 3] = [
    "/bin/sh",
    "-c",
    "command -v bash >/dev/null 2>&1 && exec bash || exec sh",
];

/// Where the shell runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecTarget {
    pub namespace: String,
    pub pod: String,
    /// `None`: the pod's only (or default) container.
    pub container: Option<String>,
}

impl ExecTarget {
    /// `default/web-0` or `default/web-0 (sidecar)`.
    pub fn label(&self) -> String {
        match &self.container {
            Some(c) => format!("{}/{} ({c})", self.namespace, self.pod),
            None => format!("{}/{}", self.namespace, self.pod),
        }
    }
}

/// How a shell session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEnd {
    /// The remote shell exited with this status.
    Exited(i32),
    /// The session could not start or broke off; the text says why.
    Failed(String),
}

impl ExecEnd {
    /// What the status line says afterwards.
    pub fn text(&self, target: &ExecTarget) -> String {
        match self {
            ExecEnd::Exited(code) => {
                format!("shell in {} ended (exit code {code})", target.label())
            }
            ExecEnd::Failed(why) => format!("shell in {}: {why}", target.label()),
        }
    }
}
