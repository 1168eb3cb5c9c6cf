//! Kubeconfig contexts as `:ctx` lists them, what a switch answers, and what rkt remembers
//! per context between runs (the last view and namespace, in
//! `$XDG_STATE_HOME/rkt/contexts.yaml`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::ClusterInfo;

/// One context of the merged kubeconfigs (names only: never a credential).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextRow {
    pub name: String,
    pub cluster: String,
    pub user: String,
    /// The context's namespace ("" when it names none).
    pub namespace: String,
}

/// The answer to a switch (`Effect::SwitchContext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextMsg {
    /// A client for the context is ready (the runtime holds it until `Effect::UseContext`).
    /// `version` is the server's answer to `/version`: an unreachable server still switches,
    /// and says why.
    Connected {
        gen: u64,
        info: ClusterInfo,
        /// The context's namespace (or "default").
        namespace: String,
        version: Result<String, String>,
    },
    /// No client could be built (the kubeconfig changed, a certificate cannot be read, the
    /// credential plugin failed): rkt stays where it is.
    Failed {
        gen: u64,
        name: String,
        error: String,
    },
}

/// The view and namespace last used in a context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remembered {
    /// The `:` command that shows the view (`pods`, `deploy`, `configmaps` …).
    pub view: String,
    /// A namespace, or `all`.
    pub namespace: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    contexts: BTreeMap<String, Remembered>,
}

const HEADER: &str =
    "# rkt's memory of the last view and namespace used in each kubeconfig context.\n\
# rkt writes this file when it leaves a context (:ctx, quit); delete it to forget.\n";

/// Every context's last view and namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextMemory {
    contexts: BTreeMap<String, Remembered>,
}

impl ContextMemory {
    /// Parses the state file; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<ContextMemory, String> {
        if text.trim().is_empty() {
            return Ok(ContextMemory::default());
        }
        let file: File = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        Ok(ContextMemory {
            contexts: file.contexts,
        })
    }

    pub fn render(&self) -> String {
        let file = File {
            contexts: self.contexts.clone(),
        };
        let body = serde_yaml::to_string(&file).unwrap_or_default();
        format!("{HEADER}{body}")
    }

    pub fn get(&self, context: &str) -> Option<&Remembered> {
        self.contexts.get(context)
    }

    /// Remembers `at` for `context`; true when that changed anything.
    pub fn set(&mut self, context: &str, at: Remembered) -> bool {
        if self.contexts.get(context) == Some(&at) {
            return false;
        }
        self.contexts.insert(context.to_string(), at);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_round_trips_through_its_file() {
        let mut m = ContextMemory::default();
        let at = Remembered {
            view: "deploy".into(),
            namespace: "kube-system".into(),
        };
        assert!(m.set("prod", at.clone()));
        assert!(!m.set("prod", at.clone()));
        let text = m.render();
        assert!(text.starts_with("# rkt's memory"), "{text}");
        let back = ContextMemory::parse(&text).unwrap();
        assert_eq!(back.get("prod"), Some(&at));
        assert_eq!(back.get("dev"), None);
        assert!(ContextMemory::parse("contexts: [1, 2]").is_err());
        assert!(ContextMemory::parse("surprise: 1").is_err());
        assert_eq!(ContextMemory::parse("").unwrap(), ContextMemory::default());
    }
}
