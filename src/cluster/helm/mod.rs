//! Helm releases natively (no helm binary): the texts of a revision, rollback planned and
//! carried out as `helm rollback` does (`pkg/action/rollback.go`), and uninstall as
//! `helm uninstall` does. Hooks are not run: an operation that would run one is refused,
//! saying which.

mod objects;
mod records;

use kube::Client;
use serde_json::Value;

use crate::model::helm::effects::{HelmEffect, HelmMsg, Part, RollbackPlan};
use crate::model::helm::{manifest, release, ReleaseRef};

pub async fn run(client: &Client, effect: HelmEffect) -> HelmMsg {
    match effect {
        HelmEffect::Show {
            release: rel,
            revision,
            part,
        } => HelmMsg::Text {
            title: part.title(&rel, revision),
            result: show(client, &rel, revision, part).await,
        },
        HelmEffect::PlanRollback {
            release: rel,
            revision,
        } => HelmMsg::Planned {
            plan: plan(client, &rel, revision).await,
            release: rel,
            revision,
        },
        HelmEffect::Rollback(plan) => HelmMsg::Done {
            result: rollback(client, &plan).await,
            release: plan.release,
        },
        HelmEffect::Uninstall {
            release: rel,
            latest,
        } => HelmMsg::Done {
            result: uninstall(client, &rel, latest).await,
            release: rel,
        },
    }
}

fn revision<'a>(history: &'a [Value], rel: &ReleaseRef, n: i64) -> Result<&'a Value, String> {
    history
        .iter()
        .find(|r| release::version(r) == n)
        .ok_or_else(|| format!("release {} has no revision {n}", rel.label()))
}

fn latest(history: &[Value]) -> Option<&Value> {
    history.iter().max_by_key(|r| release::version(r))
}

/// The deployed revision (the newest one whose status says so), else the latest.
fn deployed(history: &[Value]) -> Option<&Value> {
    history
        .iter()
        .filter(|r| release::status(r) == release::DEPLOYED)
        .max_by_key(|r| release::version(r))
        .or_else(|| latest(history))
}

async fn show(client: &Client, rel: &ReleaseRef, n: i64, part: Part) -> Result<String, String> {
    let history = records::history(client, rel).await?;
    let r = revision(&history, rel, n)?;
    Ok(match part {
        Part::Values => format!("USER-SUPPLIED VALUES:\n{}", release::user_values(r)),
        Part::AllValues => format!("COMPUTED VALUES:\n{}", release::computed_values(r)),
        Part::Manifest => release::manifest(r).to_string(),
        Part::Notes => or_none(release::notes(r).to_string(), "notes"),
        Part::Hooks => or_none(release::hooks_text(r), "hooks"),
        Part::Diff => {
            let from = deployed(&history).map(release::manifest).unwrap_or("");
            let lines = manifest::diff(from, release::manifest(r));
            if lines.is_empty() {
                "same manifest as the deployed revision".to_string()
            } else {
                lines.join("\n")
            }
        }
    })
}

/// `text`, or a line saying the revision has no `what`.
fn or_none(text: String, what: &str) -> String {
    if text.trim().is_empty() {
        format!("this revision has no {what}")
    } else {
        text
    }
}

/// Refuses an operation whose revision has hooks for `events` (rkt does not run hooks).
fn refuse_hooks(r: &Value, events: &[&str], what: &str) -> Result<(), String> {
    let hooks = release::hooks_on(r, events);
    if hooks.is_empty() {
        return Ok(());
    }
    Err(format!(
        "revision {} has {} hooks ({}); rkt does not run hooks, so it will not {what}: use helm",
        release::version(r),
        events.join("/"),
        hooks.join(", ")
    ))
}

async fn plan(client: &Client, rel: &ReleaseRef, to: i64) -> Result<RollbackPlan, String> {
    let history = records::history(client, rel).await?;
    let target = revision(&history, rel, to)?;
    let current = latest(&history).ok_or("no revisions")?;
    refuse_hooks(target, &release::ROLLBACK_HOOKS, "roll back")?;
    Ok(RollbackPlan {
        release: rel.clone(),
        to,
        latest: release::version(current),
        chart: release::chart(target),
        app_version: release::app_version(target).to_string(),
        diff: manifest::diff(release::manifest(current), release::manifest(target)),
    })
}

/// `helm rollback NAME N`: a new revision with revision N's chart, values and manifest,
/// the cluster brought to that manifest, the deployed revisions superseded.
async fn rollback(client: &Client, plan: &RollbackPlan) -> Result<String, String> {
    let rel = &plan.release;
    let history = records::history(client, rel).await?;
    let current = latest(&history).ok_or("no revisions")?;
    let latest_now = release::version(current);
    if latest_now != plan.latest {
        return Err(format!(
            "{} changed since you looked (now at revision {latest_now}, was {}): nothing was done",
            rel.label(),
            plan.latest
        ));
    }
    let target = revision(&history, rel, plan.to)?;
    refuse_hooks(target, &release::ROLLBACK_HOOKS, "roll back")?;
    let catalog = crate::cluster::discovery::discover(client).await?;
    let old = objects::resolve(&catalog, release::manifest(current), &rel.namespace)?;
    let new = objects::resolve(&catalog, release::manifest(target), &rel.namespace)?;
    let next = release::rollback_release(current, target, latest_now, jiff::Timestamp::now());
    records::create(client, &next).await?;
    let applied = objects::update(client, &old, new, &rel.name, &rel.namespace).await;
    let report = match applied {
        Ok(report) => report,
        Err(e) => {
            let why = format!("Rollback {:?} failed: {e}", rel.name);
            let failed = release::with_status(&next, release::FAILED, Some(&why));
            records::update(client, &failed).await?;
            let superseded = release::with_status(current, release::SUPERSEDED, None);
            records::update(client, &superseded).await?;
            return Err(why);
        }
    };
    for r in history
        .iter()
        .filter(|r| release::status(r) == release::DEPLOYED)
    {
        records::update(client, &release::with_status(r, release::SUPERSEDED, None)).await?;
    }
    records::update(
        client,
        &release::with_status(&next, release::DEPLOYED, None),
    )
    .await?;
    Ok(format!(
        "{} rolled back to revision {} (now revision {}): {} objects updated, {} deleted{}",
        rel.label(),
        plan.to,
        latest_now + 1,
        report.changed,
        report.deleted,
        kept(&report.kept)
    ))
}

fn kept(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(", kept by resource policy: {}", names.join(", "))
    }
}

/// `helm uninstall NAME`: the latest revision's objects deleted (kept ones left), then
/// every record of the release.
async fn uninstall(client: &Client, rel: &ReleaseRef, seen: i64) -> Result<String, String> {
    let history = records::history(client, rel).await?;
    let current = latest(&history).ok_or("no revisions")?;
    if release::version(current) != seen {
        return Err(format!(
            "{} changed since you looked (now at revision {}, was {seen}): nothing was done",
            rel.label(),
            release::version(current)
        ));
    }
    refuse_hooks(current, &release::DELETE_HOOKS, "uninstall")?;
    let catalog = crate::cluster::discovery::discover(client).await?;
    let docs = objects::resolve(&catalog, release::manifest(current), &rel.namespace)?;
    let mut report = objects::Report::default();
    let all: Vec<_> = docs.iter().collect();
    objects::delete(client, &all, &mut report).await?;
    for r in &history {
        records::delete(client, r).await?;
    }
    Ok(format!(
        "release {} uninstalled: {} objects deleted{}",
        rel.label(),
        report.deleted,
        kept(&report.kept)
    ))
}
