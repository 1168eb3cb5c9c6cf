//! Rollout actions against a cluster through kube-rs: fetch what the user looks at, send the
//! planned patch, and turn the answer into an [`Outcome`] with kubectl's words.

use std::fmt::Debug;

use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::NamespaceResourceScope;
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, Resource};
use serde::de::DeserializeOwned;

use crate::model::rollout::plan::{
    plan_change, plan_deployment_rollback, plan_revision_rollback, Change, ChangePlan,
    DeploymentView, PatchBody, PlannedPatch, RevisionedView, RollbackPlan,
};
use crate::model::rollout::{controlled_by, selector_query, Outcome, Workload};

/// GETs a Deployment and lists the ReplicaSets it controls (by its selector, then by
/// controller owner reference, as kubectl does).
pub async fn fetch_deployment_view(
    client: &Client,
    namespace: &str,
    name: &str,
) -> kube::Result<DeploymentView> {
    let deployment = Api::<Deployment>::namespaced(client.clone(), namespace)
        .get(name)
        .await?;
    let selector = deployment
        .spec
        .as_ref()
        .map(|s| selector_query(&s.selector))
        .unwrap_or_default();
    let uid = deployment.metadata.uid.clone().unwrap_or_default();
    let list = Api::<ReplicaSet>::namespaced(client.clone(), namespace)
        .list(&ListParams::default().labels(&selector))
        .await?;
    let replica_sets = list
        .items
        .into_iter()
        .filter(|rs| controlled_by(&rs.metadata, &uid))
        .collect();
    Ok(DeploymentView {
        deployment,
        replica_sets,
    })
}

/// GETs a StatefulSet or DaemonSet and lists the ControllerRevisions it controls.
pub async fn fetch_revisioned_view(
    client: &Client,
    kind: Workload,
    namespace: &str,
    name: &str,
) -> kube::Result<RevisionedView> {
    let (meta, spec_selector, template) = match kind {
        Workload::StatefulSet => {
            let s = Api::<StatefulSet>::namespaced(client.clone(), namespace)
                .get(name)
                .await?;
            let spec = s.spec.unwrap_or_default();
            (s.metadata, spec.selector, spec.template)
        }
        Workload::DaemonSet => {
            let d = Api::<DaemonSet>::namespaced(client.clone(), namespace)
                .get(name)
                .await?;
            let spec = d.spec.unwrap_or_default();
            (d.metadata, spec.selector, spec.template)
        }
        Workload::Deployment => {
            return Err(kube::Error::Service(
                "deployments keep their history in ReplicaSets, not ControllerRevisions".into(),
            ))
        }
    };
    let uid = meta.uid.clone().unwrap_or_default();
    let list = Api::<ControllerRevision>::namespaced(client.clone(), namespace)
        .list(&ListParams::default().labels(&selector_query(&spec_selector)))
        .await?;
    let revisions = list
        .items
        .into_iter()
        .filter(|r| controlled_by(&r.metadata, &uid))
        .collect();
    Ok(RevisionedView {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        uid,
        resource_version: meta.resource_version.unwrap_or_default(),
        template,
        revisions,
    })
}

/// Looks at the workload now and plans a rollback to `to_revision` (0 = previous).
pub async fn plan_rollback(
    client: &Client,
    kind: Workload,
    namespace: &str,
    name: &str,
    to_revision: i64,
) -> Result<RollbackPlan, Outcome> {
    let plan = match kind {
        Workload::Deployment => fetch_deployment_view(client, namespace, name)
            .await
            .map(|view| plan_deployment_rollback(&view, to_revision)),
        _ => fetch_revisioned_view(client, kind, namespace, name)
            .await
            .map(|view| plan_revision_rollback(&view, to_revision)),
    };
    plan.map_err(|e| Outcome::Error(error_text(kind, name, &e)))
}

/// `kubectl rollout undo KIND/NAME --to-revision=N`: plan from the current state and apply
/// at once (the precondition then only guards the instant between the two).
pub async fn rollback(
    client: &Client,
    kind: Workload,
    namespace: &str,
    name: &str,
    to_revision: i64,
) -> Outcome {
    match plan_rollback(client, kind, namespace, name, to_revision).await {
        Ok(plan) => execute_rollback(client, plan).await,
        Err(outcome) => outcome,
    }
}

/// Carries out a rollback decision made earlier (when the user confirmed it).
pub async fn execute_rollback(client: &Client, plan: RollbackPlan) -> Outcome {
    match plan {
        RollbackPlan::Skip(msg) => Outcome::Skipped(msg),
        RollbackPlan::Refuse(msg) => Outcome::Refused(msg),
        RollbackPlan::Patch(patch) => apply_rollback(client, &patch).await,
    }
}

/// Sends a planned rollback patch. A failed precondition is a [`Outcome::Conflict`].
pub async fn apply_rollback(client: &Client, plan: &PlannedPatch) -> Outcome {
    let result = send_patch(client, plan.kind, &plan.namespace, &plan.name, &plan.body).await;
    let target = format!("{}/{}", plan.kind.singular(), plan.name);
    match result {
        Ok(()) => Outcome::RolledBack {
            to: plan.to_revision,
            message: format!("{target} rolled back"),
        },
        Err(err) => {
            let now =
                current_resource_version(client, plan.kind, &plan.namespace, &plan.name).await;
            if is_conflict(&err) || now.as_deref().is_some_and(|rv| rv != plan.resource_version) {
                Outcome::Conflict(format!(
                    "{target} changed since you looked (resourceVersion {} → {}); nothing was rolled back, look again and retry",
                    plan.resource_version,
                    now.unwrap_or_else(|| "?".into())
                ))
            } else {
                Outcome::Error(format!(
                    "failed restoring revision {}: {}",
                    plan.to_revision,
                    error_text(plan.kind, &plan.name, &err)
                ))
            }
        }
    }
}

/// Restart, scale, pause or resume, deciding from the workload's state now. With
/// `confirmed_uid`, only the object the user confirmed is changed: one recreated under the
/// same name since is left alone.
pub async fn change(
    client: &Client,
    kind: Workload,
    namespace: &str,
    name: &str,
    change: Change,
    confirmed_uid: Option<&str>,
) -> Outcome {
    let paused = match kind {
        Workload::Deployment => {
            match Api::<Deployment>::namespaced(client.clone(), namespace)
                .get(name)
                .await
            {
                Ok(d) => d.spec.and_then(|s| s.paused).unwrap_or(false),
                Err(e) => return Outcome::Error(error_text(kind, name, &e)),
            }
        }
        _ => false,
    };
    match plan_change(kind, namespace, name, paused, &change) {
        Ok(mut plan) => {
            if let Some(uid) = confirmed_uid {
                plan.body.require_uid(uid);
            }
            let outcome = apply_change(client, &plan, &change).await;
            match (confirmed_uid, &outcome) {
                (Some(uid), Outcome::Error(_) | Outcome::Conflict(_)) => {
                    replaced(client, kind, namespace, name, uid)
                        .await
                        .unwrap_or(outcome)
                }
                _ => outcome,
            }
        }
        Err(outcome) => outcome,
    }
}

/// A conflict outcome when the object named is no longer the one with `uid`.
async fn replaced(
    client: &Client,
    kind: Workload,
    ns: &str,
    name: &str,
    uid: &str,
) -> Option<Outcome> {
    let now = current_uid(client, kind, ns, name).await;
    (now.as_deref() != Some(uid)).then(|| {
        Outcome::Conflict(format!(
            "{}/{name} is not the object you confirmed (it was deleted or replaced since); nothing was changed",
            kind.singular()
        ))
    })
}

async fn current_uid(client: &Client, kind: Workload, ns: &str, name: &str) -> Option<String> {
    current(client, kind, ns, name).await?.uid
}

/// Sends a planned restart, scale, pause or resume.
pub async fn apply_change(client: &Client, plan: &ChangePlan, change: &Change) -> Outcome {
    match send_patch(client, plan.kind, &plan.namespace, &plan.name, &plan.body).await {
        Ok(()) => Outcome::Done(plan.done.clone()),
        Err(err) => {
            if let Change::Scale {
                seen: Some(seen), ..
            } = change
            {
                let now = current_replicas(client, plan.kind, &plan.namespace, &plan.name).await;
                if is_conflict(&err) || now.is_some_and(|n| n != *seen) {
                    return Outcome::Conflict(format!(
                        "{}/{} was scaled to {} since you looked (you saw {seen}); not scaled, look again and retry",
                        plan.kind.singular(),
                        plan.name,
                        now.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
                    ));
                }
            }
            Outcome::Error(error_text(plan.kind, &plan.name, &err))
        }
    }
}

async fn send_patch(
    client: &Client,
    kind: Workload,
    ns: &str,
    name: &str,
    body: &PatchBody,
) -> kube::Result<()> {
    match kind {
        Workload::Deployment => {
            patch_as(
                Api::<Deployment>::namespaced(client.clone(), ns),
                name,
                body,
            )
            .await
        }
        Workload::StatefulSet => {
            patch_as(
                Api::<StatefulSet>::namespaced(client.clone(), ns),
                name,
                body,
            )
            .await
        }
        Workload::DaemonSet => {
            patch_as(Api::<DaemonSet>::namespaced(client.clone(), ns), name, body).await
        }
    }
}

async fn patch_as<K>(api: Api<K>, name: &str, body: &PatchBody) -> kube::Result<()>
where
    K: Resource<Scope = NamespaceResourceScope> + Clone + DeserializeOwned + Debug,
{
    let params = PatchParams::default();
    match body {
        PatchBody::Json(ops) => {
            let ops: json_patch::Patch =
                serde_json::from_value(ops.clone()).map_err(kube::Error::SerdeError)?;
            api.patch(name, &params, &Patch::Json::<()>(ops)).await?;
        }
        PatchBody::Strategic(v) => {
            api.patch(name, &params, &Patch::Strategic(v)).await?;
        }
        PatchBody::Merge(v) => {
            api.patch(name, &params, &Patch::Merge(v)).await?;
        }
    }
    Ok(())
}

/// What the workload is now: its identity, version and desired replicas.
struct Current {
    uid: Option<String>,
    resource_version: Option<String>,
    replicas: Option<i32>,
}

async fn current(client: &Client, kind: Workload, ns: &str, name: &str) -> Option<Current> {
    let (meta, replicas) = match kind {
        Workload::Deployment => {
            let d = Api::<Deployment>::namespaced(client.clone(), ns)
                .get(name)
                .await
                .ok()?;
            (d.metadata, d.spec.and_then(|s| s.replicas))
        }
        Workload::StatefulSet => {
            let s = Api::<StatefulSet>::namespaced(client.clone(), ns)
                .get(name)
                .await
                .ok()?;
            (s.metadata, s.spec.and_then(|s| s.replicas))
        }
        Workload::DaemonSet => {
            let d = Api::<DaemonSet>::namespaced(client.clone(), ns)
                .get(name)
                .await
                .ok()?;
            (d.metadata, None)
        }
    };
    Some(Current {
        uid: meta.uid,
        resource_version: meta.resource_version,
        replicas,
    })
}

async fn current_resource_version(
    client: &Client,
    kind: Workload,
    ns: &str,
    name: &str,
) -> Option<String> {
    current(client, kind, ns, name).await?.resource_version
}

async fn current_replicas(client: &Client, kind: Workload, ns: &str, name: &str) -> Option<i32> {
    current(client, kind, ns, name).await?.replicas
}

fn is_conflict(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(s) if s.code == 409)
}

/// An error as kubectl would print it (`deployments.apps "x" not found`).
fn error_text(kind: Workload, name: &str, err: &kube::Error) -> String {
    match err {
        kube::Error::Api(s) if s.code == 404 => format!("{} {name:?} not found", kind.plural()),
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

/// What would change if the workload went back to `revision`: current template → revision's.
pub async fn revision_diff(
    client: &Client,
    kind: Workload,
    namespace: &str,
    name: &str,
    revision: i64,
) -> Result<Vec<crate::model::rollout::TemplateChange>, String> {
    let not_found = || format!("unable to find specified revision {revision} in history");
    match kind {
        Workload::Deployment => {
            let view = fetch_deployment_view(client, namespace, name)
                .await
                .map_err(|e| error_text(kind, name, &e))?;
            let current = view.deployment.spec.clone().unwrap_or_default().template;
            let rs = view
                .replica_sets
                .iter()
                .find(|rs| crate::model::rollout::revision_of(&rs.metadata) == Some(revision))
                .ok_or_else(not_found)?;
            let target = rs
                .spec
                .as_ref()
                .and_then(|s| s.template.clone())
                .unwrap_or_default();
            Ok(crate::model::rollout::template_diff(&current, &target))
        }
        _ => {
            let view = fetch_revisioned_view(client, kind, namespace, name)
                .await
                .map_err(|e| error_text(kind, name, &e))?;
            let cr = view
                .revisions
                .iter()
                .find(|r| r.revision == revision)
                .ok_or_else(not_found)?;
            let target = crate::model::rollout::history::revision_template(cr).unwrap_or_default();
            Ok(crate::model::rollout::template_diff(
                &view.template,
                &target,
            ))
        }
    }
}

/// The Deployment (through its ReplicaSet), StatefulSet or DaemonSet that controls a pod.
pub async fn pod_owner(
    client: &Client,
    namespace: &str,
    pod: &str,
) -> Result<crate::model::rollout::rows::WorkloadRow, String> {
    use k8s_openapi::api::core::v1::Pod;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    fn controller(meta: &ObjectMeta) -> Option<(String, String)> {
        meta.owner_references
            .iter()
            .flatten()
            .find(|r| r.controller == Some(true))
            .map(|r| (r.kind.clone(), r.name.clone()))
    }
    let describe = |e: kube::Error| match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message,
        other => other.to_string(),
    };
    let p = Api::<Pod>::namespaced(client.clone(), namespace)
        .get(pod)
        .await
        .map_err(describe)?;
    let none = || format!("pod {pod:?} is not managed by a Deployment, StatefulSet or DaemonSet");
    let (kind, name) = controller(&p.metadata).ok_or_else(none)?;
    match kind.as_str() {
        "ReplicaSet" => {
            let rs = Api::<ReplicaSet>::namespaced(client.clone(), namespace)
                .get(&name)
                .await
                .map_err(describe)?;
            match controller(&rs.metadata) {
                Some((k, d)) if k == "Deployment" => {
                    let d = Api::<Deployment>::namespaced(client.clone(), namespace)
                        .get(&d)
                        .await
                        .map_err(describe)?;
                    Ok(crate::model::rollout::rows::WorkloadRow::from_deployment(
                        &d,
                    ))
                }
                _ => Err(format!(
                    "pod {pod:?} belongs to ReplicaSet {name:?}, which no Deployment controls"
                )),
            }
        }
        "StatefulSet" => {
            let s = Api::<StatefulSet>::namespaced(client.clone(), namespace)
                .get(&name)
                .await
                .map_err(describe)?;
            Ok(crate::model::rollout::rows::WorkloadRow::from_statefulset(
                &s,
            ))
        }
        "DaemonSet" => {
            let d = Api::<DaemonSet>::namespaced(client.clone(), namespace)
                .get(&name)
                .await
                .map_err(describe)?;
            Ok(crate::model::rollout::rows::WorkloadRow::from_daemonset(&d))
        }
        _ => Err(none()),
    }
}
