//! Changes the user asks for by command or dialog: create, expose, set image, apply. The
//! pure part: the objects and patches kubectl would send, and the effects and answers
//! between state and the runtime. Every [`ChangeEffect`] changes the cluster (a single gate
//! can match them exhaustively); [`PrepareEffect`]s only read.

pub mod apply;
pub mod args;
pub mod create;
pub mod expose;
pub mod image;

use std::path::PathBuf;

use serde_json::Value;

use crate::model::objects::ObjectRef;

/// Effects that change the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeEffect {
    /// POST a Deployment or Namespace built from a `:create` command.
    Create {
        namespace: Option<String>,
        spec: create::CreateSpec,
    },
    /// POST the Service `kubectl expose` would make.
    Expose { namespace: String, service: Value },
    /// The strategic-merge patch `kubectl set image` sends.
    SetImage {
        target: ObjectRef,
        container: image::ContainerImage,
        image: String,
    },
    /// Server-side apply (field manager `rkt`) of each document, in order; `skipped` are
    /// the documents that could not be sent, reported with the results.
    Apply {
        docs: Vec<apply::ApplyDoc>,
        skipped: Vec<String>,
    },
}

/// Effects that only read, to prepare a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepareEffect {
    /// The object to expose (answers `ChangeMsg::ExposeSource`).
    ExposeSource(ObjectRef),
    /// The workload's containers (answers `ChangeMsg::Containers`).
    Containers(ObjectRef),
    /// The files of `:apply -f` (answers `ChangeMsg::Files`).
    ReadFiles(PathBuf),
}

/// The runtime's answers.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeMsg {
    ExposeSource {
        obj: ObjectRef,
        result: Result<Value, String>,
    },
    Containers {
        obj: ObjectRef,
        result: Result<Vec<image::ContainerImage>, String>,
    },
    /// Each file's name and text.
    Files {
        path: PathBuf,
        result: Result<Vec<(String, String)>, String>,
    },
    /// `what` was created (`deployment.apps/web`), or the API's error.
    Created {
        obj: ObjectRef,
        result: Result<(), String>,
    },
    /// The Service was created: its node ports as the server allocated them.
    Exposed {
        obj: ObjectRef,
        result: Result<Vec<i64>, String>,
    },
    ImageSet {
        target: ObjectRef,
        result: Result<String, String>,
    },
    /// Per document: its label and outcome; then the documents not sent.
    Applied {
        results: Vec<(String, Result<apply::ApplyOutcome, String>)>,
        skipped: Vec<String>,
    },
}

#[cfg(test)]
mod tests;
