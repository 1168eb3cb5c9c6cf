//! The rollout side effects the TUI asks for, and the messages that answer them. The app's
//! runtime hands a [`RolloutEffect`] to `cluster::rollout::run` in a task and sends back the
//! [`RolloutMsg`].

use super::plan::{Change, PlannedPatch, RollbackPlan};
use super::rows::WorkloadRow;
use super::{Outcome, TemplateChange, Workload};

/// A workload by kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub kind: Workload,
    pub namespace: String,
    pub name: String,
}

impl Target {
    /// `deployment.apps/web`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind.singular(), self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RolloutEffect {
    /// Look at the workload now and decide what rolling back to `revision` means
    /// (answers [`RolloutMsg::Planned`]); the user then confirms the plan.
    PlanRollback { target: Target, revision: i64 },
    /// Send a confirmed rollback (answers [`RolloutMsg::Done`]).
    Rollback(Box<PlannedPatch>),
    /// The template diff of `revision` against the current one (answers [`RolloutMsg::Diff`]).
    Diff { target: Target, revision: i64 },
    /// Restart, scale, pause or resume (answers [`RolloutMsg::Done`]) of the object with
    /// the uid the user confirmed, and no other.
    Change {
        target: Target,
        change: Change,
        uid: String,
    },
    /// Find the Deployment that owns a pod through its ReplicaSet (answers [`RolloutMsg::Owner`]).
    PodOwner { namespace: String, pod: String },
}

// JSON values inside plans never hold NaN, so equality is an equivalence.
impl Eq for RolloutEffect {}

#[derive(Debug, Clone, PartialEq)]
pub enum RolloutMsg {
    Planned {
        target: Target,
        revision: i64,
        plan: Result<RollbackPlan, Outcome>,
    },
    Diff {
        target: Target,
        revision: i64,
        changes: Result<Vec<TemplateChange>, String>,
    },
    Done {
        target: Target,
        outcome: Outcome,
    },
    /// The workload owning a pod, as a row (or why there is none).
    Owner {
        pod: String,
        owner: Result<WorkloadRow, String>,
    },
}
