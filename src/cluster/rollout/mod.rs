//! Rollout I/O: reading workloads, their ReplicaSets and ControllerRevisions, and sending
//! rollbacks, restarts, scales and pauses. What to send is decided by the pure code in
//! `model::rollout`.

pub mod api;

use kube::Client;

use crate::model::rollout::effects::{RolloutEffect, RolloutMsg, Target};

/// Carries out one effect against the cluster.
pub async fn run(client: &Client, effect: RolloutEffect) -> RolloutMsg {
    match effect {
        RolloutEffect::PlanRollback { target, revision } => {
            let plan = api::plan_rollback(
                client,
                target.kind,
                &target.namespace,
                &target.name,
                revision,
            )
            .await;
            RolloutMsg::Planned {
                target,
                revision,
                plan,
            }
        }
        RolloutEffect::Rollback(plan) => {
            let target = Target {
                kind: plan.kind,
                namespace: plan.namespace.clone(),
                name: plan.name.clone(),
            };
            let outcome = api::apply_rollback(client, &plan).await;
            RolloutMsg::Done { target, outcome }
        }
        RolloutEffect::Diff { target, revision } => {
            let changes = api::revision_diff(
                client,
                target.kind,
                &target.namespace,
                &target.name,
                revision,
            )
            .await;
            RolloutMsg::Diff {
                target,
                revision,
                changes,
            }
        }
        RolloutEffect::Change {
            target,
            change,
            uid,
        } => {
            let outcome = api::change(
                client,
                target.kind,
                &target.namespace,
                &target.name,
                change,
                Some(&uid),
            )
            .await;
            RolloutMsg::Done { target, outcome }
        }
        RolloutEffect::PodOwner { namespace, pod } => {
            let owner = api::pod_owner(client, &namespace, &pod).await;
            RolloutMsg::Owner { pod, owner }
        }
    }
}
