//! Saved port-forwards: the forwards a user keeps per context, to start again with one key.
//! Kept by rkt in its state file (`$XDG_STATE_HOME/rkt/forwards.yaml`), which it reads at
//! start and writes whole when the user saves or forgets one.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use crate::model::portforward::{ForwardSpec, TargetKind, TargetRef};

/// One saved forward as the file holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// `service/web`, `pod/web-0`, `deployment/api`, `statefulset/db`.
    target: String,
    namespace: String,
    /// `127.0.0.1:8080`.
    local: SocketAddr,
    remote: u16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    contexts: BTreeMap<String, Vec<Entry>>,
}

/// Every context's saved forwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedForwards {
    contexts: BTreeMap<String, Vec<ForwardSpec>>,
}

const HEADER: &str =
    "# rkt's saved port-forwards, per kubeconfig context. rkt writes this file when\n\
# `s` saves or forgets a forward in the :pf pane; saved ones are listed there to start again.\n";

impl SavedForwards {
    /// Reads the file's text; a problem is described for the user (the file is left alone).
    pub fn parse(text: &str) -> Result<SavedForwards, String> {
        if text.trim().is_empty() {
            return Ok(SavedForwards::default());
        }
        let file: File = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let mut contexts = BTreeMap::new();
        for (context, entries) in file.contexts {
            let specs = entries
                .into_iter()
                .map(|e| spec_of(&e))
                .collect::<Result<Vec<_>, _>>()?;
            contexts.insert(context, specs);
        }
        Ok(SavedForwards { contexts })
    }

    pub fn to_yaml(&self) -> String {
        let file = File {
            contexts: self
                .contexts
                .iter()
                .filter(|(_, specs)| !specs.is_empty())
                .map(|(ctx, specs)| (ctx.clone(), specs.iter().map(entry_of).collect()))
                .collect(),
        };
        let body = serde_yaml::to_string(&file).unwrap_or_default();
        format!("{HEADER}{body}")
    }

    pub fn of(&self, context: &str) -> &[ForwardSpec] {
        self.contexts.get(context).map_or(&[], Vec::as_slice)
    }

    pub fn contains(&self, context: &str, spec: &ForwardSpec) -> bool {
        self.of(context).contains(spec)
    }

    /// Saves `spec` under `context` (once).
    pub fn save(&mut self, context: &str, spec: ForwardSpec) {
        let specs = self.contexts.entry(context.to_string()).or_default();
        if !specs.contains(&spec) {
            specs.push(spec);
        }
    }

    pub fn forget(&mut self, context: &str, spec: &ForwardSpec) {
        if let Some(specs) = self.contexts.get_mut(context) {
            specs.retain(|s| s != spec);
        }
    }
}

fn entry_of(spec: &ForwardSpec) -> Entry {
    Entry {
        target: spec.target.to_string(),
        namespace: spec.target.namespace.clone(),
        local: SocketAddr::new(spec.address, spec.local_port),
        remote: spec.remote_port,
    }
}

fn spec_of(e: &Entry) -> Result<ForwardSpec, String> {
    let (kind, name) = e
        .target
        .split_once('/')
        .filter(|(_, name)| !name.is_empty())
        .ok_or_else(|| format!("target {:?} is not TYPE/NAME", e.target))?;
    let kind = TargetKind::parse(kind)
        .ok_or_else(|| format!("target {:?}: cannot forward to {kind:?}", e.target))?;
    let address: IpAddr = e.local.ip();
    Ok(ForwardSpec {
        target: TargetRef::new(kind, &e.namespace, name),
        remote_port: e.remote,
        address,
        local_port: e.local.port(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(local: u16) -> ForwardSpec {
        ForwardSpec::new(
            TargetRef::new(TargetKind::Service, "default", "web"),
            local,
            80,
        )
    }

    #[test]
    fn saved_forwards_survive_the_file_per_context() {
        let mut saved = SavedForwards::default();
        saved.save("prod", web(8080));
        saved.save("prod", web(8080));
        saved.save("dev", web(9090));
        let text = saved.to_yaml();
        assert!(text.starts_with("# rkt's saved port-forwards"), "{text}");
        assert!(text.contains("target: service/web"), "{text}");
        let back = SavedForwards::parse(&text).unwrap();
        assert_eq!(back, saved);
        assert_eq!(back.of("prod"), [web(8080)]);
        assert!(back.contains("dev", &web(9090)));
        assert!(back.of("other").is_empty());
        let mut less = back;
        less.forget("prod", &web(8080));
        assert!(
            !less.to_yaml().contains("prod"),
            "an empty context is left out"
        );
    }

    #[test]
    fn a_broken_file_is_described_not_guessed() {
        assert!(SavedForwards::parse("").unwrap().of("x").is_empty());
        assert!(SavedForwards::parse("contexts: [").is_err());
        let bad_kind = "contexts:\n  c:\n  - target: secret/x\n    namespace: d\n    local: 127.0.0.1:1\n    remote: 2\n";
        let err = SavedForwards::parse(bad_kind).unwrap_err();
        assert!(err.contains("secret"), "{err}");
        let unknown = "contexts: {}\nextra: 1\n";
        assert!(SavedForwards::parse(unknown).is_err());
    }
}
