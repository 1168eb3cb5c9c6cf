#![allow(clippy::unwrap_used)]
//! The pure Helm parts: the record format both ways, the rows, the release a rollback
//! writes, computed values, the manifest diff and the three-way patch.

use base64::Engine as _;
use k8s_openapi::api::core::v1::Secret;
use serde_json::{json, Value};

use super::*;
use crate::model::convert::Interner;

fn sample(version: i64, status: &str) -> Value {
    json!({
        "name": "web", "namespace": "apps", "version": version,
        "info": {"first_deployed": "2026-01-01T10:00:00.5Z", "last_deployed": "2026-01-02T10:00:00Z",
                 "deleted": "", "description": "Install complete", "status": status, "notes": "hello"},
        "chart": {"metadata": {"name": "nginx", "version": "15.1.0", "appVersion": "1.25.0", "apiVersion": "v2"},
                  "values": {"replicaCount": 1, "image": {"tag": "a", "pullPolicy": "IfNotPresent"}, "extra": 1}},
        "config": {"image": {"tag": "b"}, "extra": null},
        "manifest": "---\n# Source: nginx/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        "hooks": [{"name": "migrate", "kind": "Job", "path": "nginx/templates/job.yaml",
                   "manifest": "kind: Job", "events": ["pre-upgrade", "pre-rollback"]}]
    })
}

fn secret_of(record: Value) -> Secret {
    serde_json::from_value(record).unwrap()
}

#[test]
fn a_record_round_trips_and_its_row_says_what_helm_list_says() {
    let rel = sample(3, "deployed");
    let record = storage::record(&rel, storage::RecordWrite::Create, 1700000000).unwrap();
    assert_eq!(record["metadata"]["name"], "sh.helm.release.v1.web.v3");
    assert_eq!(record["metadata"]["labels"]["status"], "deployed");
    assert_eq!(record["metadata"]["labels"]["createdAt"], "1700000000");
    let secret = secret_of(record);
    let data = &secret.data.as_ref().unwrap()["release"].0;
    assert_eq!(storage::decode(data).unwrap(), rel);
    let row = rows::record_row(&secret, &mut Interner::default()).unwrap();
    assert_eq!(
        (
            &*row.name,
            row.revision,
            &*row.status,
            &*row.chart,
            &*row.app_version
        ),
        ("web", 3, "deployed", "nginx-15.1.0", "1.25.0")
    );
    assert_eq!(row.updated, Some("2026-01-02T10:00:00Z".parse().unwrap()));
}

#[test]
fn records_helm_did_not_gzip_are_read_and_broken_ones_still_show_from_labels() {
    let engine = base64::engine::general_purpose::STANDARD;
    let plain = engine.encode(sample(1, "failed").to_string());
    assert_eq!(storage::decode(plain.as_bytes()).unwrap()["version"], 1);
    let broken = secret_of(json!({
        "metadata": {"name": "sh.helm.release.v1.web.v2", "namespace": "apps",
                     "labels": {"owner": "helm", "name": "web", "version": "2", "status": "pending-upgrade"}},
        "data": {"release": engine.encode("not base64 at all!")}
    }));
    let row = rows::record_row(&broken, &mut Interner::default()).unwrap();
    assert_eq!((&*row.name, row.revision), ("web", 2));
    assert!(row.description.starts_with("cannot read the record"));
    assert_eq!(row.health(), crate::model::rows::Health::Pending);
    let not_helm = secret_of(json!({"metadata": {"name": "x", "labels": {"owner": "me"}}}));
    assert!(rows::record_row(&not_helm, &mut Interner::default()).is_none());
}

#[test]
fn a_hostile_record_is_made_inert() {
    let mut rel = sample(1, "deployed");
    rel["info"]["description"] = json!("\u{1b}]0;pwned\u{7}ok");
    let secret = secret_of(storage::record(&rel, storage::RecordWrite::Update, 1).unwrap());
    let row = rows::record_row(&secret, &mut Interner::default()).unwrap();
    assert!(
        !row.description.chars().any(char::is_control),
        "{}",
        row.description
    );
}

#[test]
fn rollback_release_takes_the_target_and_numbers_it_after_the_latest() {
    let current = sample(5, "deployed");
    let mut target = sample(2, "superseded");
    target["config"] = json!({"replicaCount": 3});
    target["info"]["notes"] = json!("old notes");
    let now: jiff::Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
    let next = release::rollback_release(&current, &target, 5, now);
    assert_eq!(next["version"], 6);
    assert_eq!(next["info"]["description"], "Rollback to 2");
    assert_eq!(next["info"]["status"], "pending-rollback");
    assert_eq!(
        next["info"]["first_deployed"],
        current["info"]["first_deployed"]
    );
    assert_eq!(next["info"]["notes"], "old notes");
    assert_eq!(next["config"], json!({"replicaCount": 3}));
    assert_eq!(next["hooks"], target["hooks"]);
    assert_eq!(
        release::updated(&next),
        Some(now),
        "last_deployed is Go's time format"
    );
    let deployed = release::with_status(&next, release::DEPLOYED, None);
    assert_eq!(release::status(&deployed), "deployed");
    assert_eq!(release::description(&deployed), "Rollback to 2");
}

#[test]
fn values_hooks_and_notes_read_as_helm_get_prints_them() {
    let rel = sample(1, "deployed");
    let all: Value = serde_yaml::from_str(&release::computed_values(&rel)).unwrap();
    assert_eq!(
        all,
        json!({"replicaCount": 1, "image": {"tag": "b", "pullPolicy": "IfNotPresent"}}),
        "user values over the chart's, null removes"
    );
    let user: Value = serde_yaml::from_str(&release::user_values(&rel)).unwrap();
    assert_eq!(user, rel["config"]);
    assert_eq!(
        release::hooks_on(&rel, &release::ROLLBACK_HOOKS),
        vec!["Job/migrate"]
    );
    assert!(release::hooks_on(&rel, &release::DELETE_HOOKS).is_empty());
    assert!(release::hooks_text(&rel).contains("# Source: nginx/templates/job.yaml\nkind: Job"));
}

#[test]
fn the_manifest_diff_shows_changed_lines_with_context() {
    let from = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
    let to = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n";
    assert_eq!(
        manifest::diff(from, to),
        vec!["  b", "  c", "- d", "+ D", "  e", "  f", "…", "  i", "  j", "+ k"]
    );
    assert!(manifest::diff(from, from).is_empty());
    assert_eq!(
        manifest::objects("---\n# c\n---\nkind: A\n").unwrap().len(),
        1
    );
    assert!(manifest::objects("- a list\n").is_err());
}

#[test]
fn the_three_way_patch_sets_what_the_target_says_and_removes_what_it_dropped() {
    let old = json!({"metadata": {"labels": {"a": "1", "gone": "x"}}, "spec": {"replicas": 1, "old": true}});
    let target = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 2}});
    let live = json!({
        "metadata": {"labels": {"a": "1", "gone": "x", "added-by-someone": "y"}, "uid": "u"},
        "spec": {"replicas": 1, "old": true, "defaulted": 10},
        "status": {"ready": 1}
    });
    assert_eq!(
        merge::three_way(Some(&old), &target, &live),
        Some(json!({"metadata": {"labels": {"b": "2", "gone": null}},
                    "spec": {"replicas": 2, "old": null}}))
    );
    // A live drift from the target on a field the target sets is corrected too.
    let drifted =
        json!({"metadata": {"labels": {"a": "changed", "b": "2"}}, "spec": {"replicas": 2}});
    assert_eq!(
        merge::three_way(Some(&target), &target, &drifted),
        Some(json!({"metadata": {"labels": {"a": "1"}}}))
    );
    assert_eq!(merge::three_way(Some(&target), &target, &target), None);
    let mut obj = json!({"metadata": {"name": "x", "annotations": {RESOURCE_POLICY: KEEP}}});
    assert!(merge::keeps(&obj));
    merge::adopt(&mut obj, "web", "apps");
    assert_eq!(
        obj["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        obj["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "web"
    );
    assert!(merge::keeps(&obj));
}
