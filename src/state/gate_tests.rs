//! The gate: every change refused under `--readonly`, every change audited otherwise, reads
//! untouched; the audit lines built from the answers.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::json;

use super::{lines, mutations, pass};
use crate::effect::{Effect, Scope};
use crate::keymap::Keymap;
use crate::model::audit::Verb;
use crate::model::change::apply::ApplyDoc;
use crate::model::change::create::{CreateSpec, DeploymentSpec};
use crate::model::change::image::ContainerImage;
use crate::model::change::{ChangeEffect, ChangeMsg, PrepareEffect};
use crate::model::edit::EditOutcome;
use crate::model::exec::{ExecEnd, ExecTarget};
use crate::model::helm::effects::{HelmEffect, Part, RollbackPlan};
use crate::model::helm::ReleaseRef;
use crate::model::objects::{Identity, ObjectEffect, ObjectKind, ObjectMsg, ObjectRef};
use crate::model::rollout::effects::{RolloutEffect, RolloutMsg, Target};
use crate::model::rollout::plan::{Change, PatchBody, PlannedPatch};
use crate::model::rollout::{Outcome, Workload};
use crate::msg::{Level, Msg};
use crate::state::{AppState, ClusterInfo};

fn state(readonly: bool) -> AppState {
    let mut st = AppState::new(
        Arc::new(Keymap::default()),
        ClusterInfo {
            context: "prod-eu".into(),
            server: "https://k8s.example:6443".into(),
            user: "alice".into(),
            ..ClusterInfo::default()
        },
        Scope::Namespace("default".into()),
        Timestamp::UNIX_EPOCH,
    );
    st.readonly = readonly;
    st
}

fn pod(name: &str) -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::pod(),
        namespace: Some("default".into()),
        name: name.into(),
    }
}

fn web() -> Target {
    Target {
        kind: Workload::Deployment,
        namespace: "default".into(),
        name: "web".into(),
    }
}

fn workload_change(change: Change) -> Effect {
    Effect::Rollout(Box::new(RolloutEffect::Change {
        target: web(),
        change,
        uid: "uid-web".into(),
    }))
}

/// One effect of each kind that changes the cluster, with the verb the log gives it.
fn every_change() -> Vec<(Effect, Verb)> {
    let all = vec![
        (
            Effect::Object(ObjectEffect::Delete {
                obj: pod("web-0"),
                confirmed: Identity {
                    uid: "u".into(),
                    resource_version: "7".into(),
                },
            }),
            Verb::Delete,
        ),
        (
            Effect::Rollout(Box::new(RolloutEffect::Rollback(Box::new(PlannedPatch {
                kind: Workload::Deployment,
                namespace: "default".into(),
                name: "web".into(),
                to_revision: 1,
                change_cause: None,
                images: Vec::new(),
                diff: Vec::new(),
                resource_version: "9".into(),
                body: PatchBody::Json(json!([])),
            })))),
            Verb::Rollback,
        ),
        (
            workload_change(Change::Restart {
                at: Timestamp::UNIX_EPOCH,
            }),
            Verb::Restart,
        ),
        (
            workload_change(Change::Scale {
                replicas: 3,
                seen: Some(2),
            }),
            Verb::Scale,
        ),
        (workload_change(Change::Pause), Verb::Pause),
        (workload_change(Change::Resume), Verb::Resume),
        (
            Effect::Change(Box::new(ChangeEffect::Create {
                namespace: Some("default".into()),
                spec: CreateSpec::Deployment(DeploymentSpec {
                    name: "web".into(),
                    images: vec!["nginx".into()],
                    replicas: 1,
                    port: None,
                }),
            })),
            Verb::Create,
        ),
        (
            Effect::Change(Box::new(ChangeEffect::Expose {
                namespace: "default".into(),
                service: json!({"metadata": {"name": "web"}}),
            })),
            Verb::Expose,
        ),
        (
            Effect::Change(Box::new(ChangeEffect::SetImage {
                target: pod("web-0"),
                container: ContainerImage {
                    name: "web".into(),
                    image: "nginx:1".into(),
                    init: false,
                },
                image: "nginx:2".into(),
            })),
            Verb::SetImage,
        ),
        (
            Effect::Change(Box::new(ChangeEffect::Apply {
                docs: vec![ApplyDoc {
                    obj: pod("web-0"),
                    body: json!({}),
                }],
                skipped: Vec::new(),
            })),
            Verb::Apply,
        ),
        (Effect::Edit(pod("web-0")), Verb::Edit),
        (
            Effect::Exec(ExecTarget {
                namespace: "default".into(),
                pod: "web-0".into(),
                container: None,
            }),
            Verb::Exec,
        ),
        (
            Effect::Helm(Box::new(HelmEffect::Rollback(Box::new(RollbackPlan {
                release: ReleaseRef::new("default", "my-nginx"),
                to: 1,
                latest: 3,
                chart: "nginx-18.2.4".into(),
                app_version: "1.27.1".into(),
                diff: Vec::new(),
            })))),
            Verb::Rollback,
        ),
        (
            Effect::Helm(Box::new(HelmEffect::Uninstall {
                release: ReleaseRef::new("default", "my-nginx"),
                latest: 3,
            })),
            Verb::Uninstall,
        ),
    ];
    // Every verb the log knows has its effect here (the compile-time check is the
    // exhaustive match in `mutations`).
    let verbs: std::collections::HashSet<Verb> = all.iter().map(|(_, v)| *v).collect();
    assert_eq!(verbs.len(), 13);
    all
}

#[test]
fn every_change_is_refused_under_readonly() {
    for (effect, verb) in every_change() {
        let mut st = state(true);
        let out = pass(&mut st, vec![effect.clone()]);
        assert!(out.is_empty(), "{verb:?} passed the gate in --readonly");
        let notice = st.notice.clone().unwrap();
        assert_eq!(notice.level, Level::Error);
        assert!(
            notice.text.contains("--readonly") && notice.text.contains(verb.as_str()),
            "{notice:?}"
        );
        // Already wrapped (by anyone) is no way around it.
        let wrapped = pass(&mut state(false), vec![effect]);
        assert!(pass(&mut st, wrapped).is_empty());
    }
}

#[test]
fn every_change_is_audited_with_who_where_and_what() {
    for (effect, verb) in every_change() {
        let mut st = state(false);
        let out = pass(&mut st, vec![effect.clone()]);
        let [Effect::Audited(a)] = out.as_slice() else {
            panic!("{verb:?} not audited: {out:?}");
        };
        assert_eq!(a.effect, effect, "the change itself goes on unchanged");
        let [record] = a.records.as_slice() else {
            panic!("{verb:?}: {:?}", a.records);
        };
        assert_eq!(record.verb, verb);
        assert_eq!(
            (&*record.context, &*record.server, &*record.user),
            ("prod-eu", "https://k8s.example:6443", "alice")
        );
        assert_eq!(record.object.namespace.as_deref(), Some("default"));
        assert!(!record.object.name.is_empty());
        assert_eq!(st.notice, None);
    }
}

#[test]
fn reads_pass_untouched_even_under_readonly() {
    let reads = vec![
        Effect::Discover,
        Effect::Object(ObjectEffect::Identify(pod("a"))),
        Effect::Object(ObjectEffect::Yaml(pod("a"))),
        Effect::Object(ObjectEffect::Describe(pod("a"))),
        Effect::Rollout(Box::new(RolloutEffect::PlanRollback {
            target: web(),
            revision: 1,
        })),
        Effect::Rollout(Box::new(RolloutEffect::PodOwner {
            namespace: "default".into(),
            pod: "a".into(),
        })),
        Effect::Prepare(PrepareEffect::ExposeSource(pod("a"))),
        Effect::Copy("x".into()),
        Effect::Helm(Box::new(HelmEffect::PlanRollback {
            release: ReleaseRef::new("default", "my-nginx"),
            revision: 1,
        })),
        Effect::Helm(Box::new(HelmEffect::Show {
            release: ReleaseRef::new("default", "my-nginx"),
            revision: 1,
            part: Part::AllValues,
        })),
    ];
    for readonly in [true, false] {
        let mut st = state(readonly);
        assert_eq!(pass(&mut st, reads.clone()), reads);
        assert_eq!(st.notice, None);
    }
}

#[test]
fn the_resource_version_before_is_recorded_where_known() {
    let changes = every_change();
    let rv = |verb: Verb| {
        let (effect, _) = changes.iter().find(|(_, v)| *v == verb).unwrap();
        mutations(effect).unwrap()[0].resource_version.clone()
    };
    assert_eq!(rv(Verb::Delete).as_deref(), Some("7"));
    assert_eq!(rv(Verb::Rollback).as_deref(), Some("9"));
    assert_eq!(rv(Verb::Scale), None);
}

fn record_of(effect: Effect) -> Vec<crate::model::audit::AuditRecord> {
    match pass(&mut state(false), vec![effect]).pop() {
        Some(Effect::Audited(a)) => a.records,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_answer_gives_the_result() {
    let t = Timestamp::UNIX_EPOCH;
    let parse = |line: &str| serde_json::from_str::<serde_json::Value>(line).unwrap();
    let (delete, _) = every_change().remove(0);
    let records = record_of(delete);
    let ok = lines(
        &records,
        &Msg::Object(ObjectMsg::Deleted(Ok("pod \"web-0\" deleted".into()))),
        t,
    );
    assert_eq!(parse(&ok[0])["result"], "ok");
    let failed = lines(
        &records,
        &Msg::Object(ObjectMsg::Deleted(Err("pods \"web-0\" not found".into()))),
        t,
    );
    assert_eq!(parse(&failed[0])["result"], "pods \"web-0\" not found");

    let scale = record_of(workload_change(Change::Pause));
    let done = |outcome| {
        Msg::Rollout(Box::new(RolloutMsg::Done {
            target: web(),
            outcome,
        }))
    };
    let line = &lines(&scale, &done(Outcome::Done("paused".into())), t)[0];
    assert_eq!(parse(line)["result"], "ok");
    let line = &lines(&scale, &done(Outcome::Conflict("changed since".into())), t)[0];
    assert_eq!(parse(line)["result"], "changed since");

    let exec = record_of(Effect::Exec(ExecTarget {
        namespace: "default".into(),
        pod: "web-0".into(),
        container: None,
    }));
    let end = Msg::ExecEnded {
        target: ExecTarget {
            namespace: "default".into(),
            pod: "web-0".into(),
            container: None,
        },
        end: ExecEnd::Exited(3),
    };
    assert_eq!(parse(&lines(&exec, &end, t)[0])["result"], "ok");

    let edit = record_of(Effect::Edit(pod("web-0")));
    let edited = Msg::Edited {
        obj: pod("web-0"),
        outcome: EditOutcome::Failed("conflict".into()),
    };
    assert_eq!(parse(&lines(&edit, &edited, t)[0])["result"], "conflict");
}

#[test]
fn an_apply_of_several_documents_has_a_line_each() {
    let records = record_of(Effect::Change(Box::new(ChangeEffect::Apply {
        docs: vec![
            ApplyDoc {
                obj: pod("a"),
                body: json!({}),
            },
            ApplyDoc {
                obj: pod("b"),
                body: json!({}),
            },
        ],
        skipped: Vec::new(),
    })));
    let answer = Msg::Change(Box::new(ChangeMsg::Applied {
        results: vec![
            (
                "pod/a".into(),
                Ok(crate::model::change::apply::ApplyOutcome::Created),
            ),
            ("pod/b".into(), Err("denied".into())),
        ],
        skipped: Vec::new(),
    }));
    let out = lines(&records, &answer, Timestamp::UNIX_EPOCH);
    assert_eq!(out.len(), 2);
    assert!(out[0].contains("\"name\":\"a\"") && out[0].contains("\"result\":\"ok\""));
    assert!(out[1].contains("\"name\":\"b\"") && out[1].contains("\"result\":\"denied\""));
}
