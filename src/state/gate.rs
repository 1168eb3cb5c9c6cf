//! The gate every change to a cluster passes, last thing in `update`: under `--readonly` it
//! drops the change (with a notice); otherwise it wraps the change in [`Effect::Audited`]
//! with what the audit log will say, and the runtime appends the line once the answer
//! ([`results`]) is known.
//!
//! [`mutations`] matches every effect exhaustively, with no catch-all arm: a new effect
//! variant does not compile until it is classified as a change or a read. The views still
//! refuse early under `--readonly` (a message before a dialog opens); this is the last line.

use crate::effect::{Audited, Effect};
use crate::model::audit::{AuditObject, AuditRecord, Verb, OK};
use crate::model::change::ChangeEffect;
use crate::model::edit::EditOutcome;
use crate::model::exec::ExecEnd;
use crate::model::helm::effects::{HelmEffect, HelmMsg};
use crate::model::objects::{ObjectEffect, ObjectMsg};
use crate::model::rollout::effects::{RolloutEffect, RolloutMsg};
use crate::model::rollout::plan::Change;
use crate::model::rollout::Workload;
use crate::msg::Msg;
use crate::state::AppState;

/// What one change does to one object, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub verb: Verb,
    pub object: AuditObject,
    pub resource_version: Option<String>,
}

impl Mutation {
    fn new(verb: Verb, object: AuditObject) -> Mutation {
        Mutation {
            verb,
            object,
            resource_version: None,
        }
    }
}

/// The changes an effect makes, one per object; `None` for an effect that only reads or
/// stays inside rkt. Exhaustive on purpose: no `_` arm anywhere below.
pub fn mutations(effect: &Effect) -> Option<Vec<Mutation>> {
    let one = |m: Mutation| Some(vec![m]);
    match effect {
        Effect::Watch { .. }
        | Effect::WatchTable { .. }
        | Effect::Discover
        | Effect::Unwatch(_)
        | Effect::FetchServerVersion
        | Effect::ReviewAccess(_)
        | Effect::Copy(_)
        | Effect::StreamLogs { .. }
        | Effect::StopLogs(_)
        | Effect::FetchContainers(_)
        | Effect::WriteFile { .. }
        | Effect::SaveForwards { .. }
        | Effect::SwitchContext { .. }
        | Effect::UseContext(_)
        | Effect::WriteState { .. }
        | Effect::OpenUrl(_)
        | Effect::Suspend
        | Effect::Forward(_)
        | Effect::Prepare(_)
        | Effect::Metrics(_) => None,
        Effect::Audited(a) => mutations(&a.effect),
        Effect::Rollout(r) => match &**r {
            RolloutEffect::PlanRollback { .. }
            | RolloutEffect::Diff { .. }
            | RolloutEffect::PodOwner { .. } => None,
            RolloutEffect::Rollback(plan) => one(Mutation {
                verb: Verb::Rollback,
                object: AuditObject::workload(&crate::model::rollout::effects::Target {
                    kind: plan.kind,
                    namespace: plan.namespace.clone(),
                    name: plan.name.clone(),
                }),
                resource_version: Some(plan.resource_version.clone()),
            }),
            RolloutEffect::Change { target, change, .. } => {
                let verb = match change {
                    Change::Restart { .. } => Verb::Restart,
                    Change::Scale { .. } => Verb::Scale,
                    Change::Pause => Verb::Pause,
                    Change::Resume => Verb::Resume,
                };
                one(Mutation::new(verb, AuditObject::workload(target)))
            }
        },
        Effect::Object(o) => match o {
            ObjectEffect::Identify(_)
            | ObjectEffect::Yaml(_)
            | ObjectEffect::Reveal(_)
            | ObjectEffect::Describe(_)
            | ObjectEffect::Containers(_)
            | ObjectEffect::Drill(_)
            | ObjectEffect::Insight(_) => None,
            ObjectEffect::Delete { obj, confirmed } => one(Mutation {
                verb: Verb::Delete,
                object: AuditObject::of(obj),
                resource_version: Some(confirmed.resource_version.clone()),
            }),
        },
        Effect::Change(c) => match &**c {
            ChangeEffect::Create { namespace, spec } => {
                use crate::model::change::create::CreateSpec;
                let object = match spec {
                    CreateSpec::Namespace(name) => AuditObject::core("Namespace", None, name),
                    CreateSpec::Deployment(d) => {
                        AuditObject::workload(&crate::model::rollout::effects::Target {
                            kind: Workload::Deployment,
                            namespace: namespace.clone().unwrap_or_default(),
                            name: d.name.clone(),
                        })
                    }
                };
                one(Mutation::new(Verb::Create, object))
            }
            ChangeEffect::Expose { namespace, service } => {
                let name = service["metadata"]["name"].as_str().unwrap_or_default();
                let object = AuditObject::core("Service", Some(namespace), name);
                one(Mutation::new(Verb::Expose, object))
            }
            ChangeEffect::SetImage { target, .. } => {
                one(Mutation::new(Verb::SetImage, AuditObject::of(target)))
            }
            ChangeEffect::Apply { docs, .. } => Some(
                docs.iter()
                    .map(|d| Mutation::new(Verb::Apply, AuditObject::of(&d.obj)))
                    .collect(),
            ),
        },
        Effect::Helm(h) => match &**h {
            HelmEffect::Show { .. } | HelmEffect::PlanRollback { .. } => None,
            HelmEffect::Rollback(plan) => one(Mutation::new(
                Verb::Rollback,
                AuditObject::helm_release(&plan.release),
            )),
            HelmEffect::Uninstall { release, .. } => one(Mutation::new(
                Verb::Uninstall,
                AuditObject::helm_release(release),
            )),
        },
        Effect::Edit(obj) => one(Mutation::new(Verb::Edit, AuditObject::of(obj))),
        Effect::Exec(t) => one(Mutation::new(
            Verb::Exec,
            AuditObject::core("Pod", Some(&t.namespace), &t.pod),
        )),
    }
}

/// The gate: changes are dropped under `--readonly`, audited otherwise; everything else
/// passes as it is.
pub fn pass(st: &mut AppState, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::with_capacity(effects.len());
    for effect in effects {
        let Some(changes) = mutations(&effect) else {
            out.push(effect);
            continue;
        };
        let verb = changes.first().map_or("change", |m| m.verb.as_str());
        if st.refused_readonly(verb) {
            continue;
        }
        let records = changes
            .into_iter()
            .map(|m| AuditRecord {
                context: st.cluster.context.clone(),
                server: st.cluster.server.clone(),
                user: st.cluster.user.clone(),
                verb: m.verb,
                object: m.object,
                resource_version: m.resource_version,
            })
            .collect();
        out.push(Effect::Audited(Box::new(Audited {
            records,
            effect: effect.unaudited(),
        })));
    }
    out
}

/// How a change ended, per object, from the answer the runtime got: [`OK`] or the error
/// message. Empty for a message that answers no change. Never holds what a shell printed
/// or a Secret's data: only outcomes and the API's messages.
pub fn results(msg: &Msg) -> Vec<String> {
    fn of<T>(r: &Result<T, String>) -> String {
        match r {
            Ok(_) => OK.to_string(),
            Err(e) => e.clone(),
        }
    }
    match msg {
        Msg::Object(ObjectMsg::Deleted(r)) => vec![of(r)],
        Msg::Rollout(m) => match &**m {
            RolloutMsg::Done { outcome, .. } if outcome.changed() => vec![OK.to_string()],
            RolloutMsg::Done { outcome, .. } => vec![outcome.message().to_string()],
            _ => Vec::new(),
        },
        Msg::Change(m) => {
            use crate::model::change::ChangeMsg;
            match &**m {
                ChangeMsg::Created { result, .. } => vec![of(result)],
                ChangeMsg::Exposed { result, .. } => vec![of(result)],
                ChangeMsg::ImageSet { result, .. } => vec![of(result)],
                ChangeMsg::Applied { results, .. } => results.iter().map(|(_, r)| of(r)).collect(),
                _ => Vec::new(),
            }
        }
        Msg::Helm(m) => match &**m {
            HelmMsg::Done { result, .. } => vec![of(result)],
            HelmMsg::Text { .. } | HelmMsg::Planned { .. } => Vec::new(),
        },
        Msg::Edited { outcome, .. } => vec![match outcome {
            EditOutcome::Applied(_) => OK.to_string(),
            EditOutcome::Cancelled(why) => format!("not sent: {why}"),
            EditOutcome::Failed(why) => why.clone(),
        }],
        Msg::ExecEnded { end, .. } => vec![match end {
            ExecEnd::Exited(_) => OK.to_string(),
            ExecEnd::Failed(why) => why.clone(),
        }],
        _ => Vec::new(),
    }
}

/// The audit lines for `records` once `msg` answered them (a record with no answer says so).
pub fn lines(records: &[AuditRecord], msg: &Msg, time: jiff::Timestamp) -> Vec<String> {
    let results = results(msg);
    records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let result = results.get(i).map_or("no answer", String::as_str);
            r.line(time, result)
        })
        .collect()
}

#[cfg(test)]
#[path = "gate_tests.rs"]
mod tests;
