//! Printers of the batch/v1 kinds: jobs (with the STATUS column of 1.31+) and cronjobs.

use serde_json::{json, Value};

use super::{
    col, containers_and_images, int, label_selector_string, or_none, Cells, Column, Now, AGE, NAME,
};
use crate::resources::{self as r, ResourceType};

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    let is = |other: &ResourceType| std::ptr::eq(res, other);
    Some(if is(&r::JOBS) {
        (JOB, job)
    } else if is(&r::CRON_JOBS) {
        (CRON_JOB, cron_job)
    } else {
        return None;
    })
}

const JOB: &[Column] = &[
    NAME,
    col("Status", "string", 0),
    col("Completions", "string", 0),
    col("Duration", "string", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
    col("Selector", "string", 1),
];

fn has_condition(obj: &Value, kind: &str) -> bool {
    obj["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

/// The Job's state as the printer sums it up.
fn job_status(obj: &Value) -> &'static str {
    if has_condition(obj, "Complete") {
        "Complete"
    } else if has_condition(obj, "Failed") {
        "Failed"
    } else if !obj["metadata"]["deletionTimestamp"].is_null() {
        "Terminating"
    } else if has_condition(obj, "Suspended") {
        "Suspended"
    } else if has_condition(obj, "FailureTarget") {
        "FailureTarget"
    } else if has_condition(obj, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

fn timestamp(v: &Value) -> Option<jiff::Timestamp> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn job(obj: &Value, now: &Now) -> Vec<Value> {
    let spec = &obj["spec"];
    let status = &obj["status"];
    let succeeded = int(&status["succeeded"]);
    let completions = match spec["completions"].as_i64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int(&spec["parallelism"]) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (
        timestamp(&status["startTime"]),
        timestamp(&status["completionTime"]),
    ) {
        (None, _) => String::new(),
        (Some(_), None) => now.since(&status["startTime"]),
        (Some(start), Some(end)) => super::human_duration(end.as_second() - start.as_second()),
    };
    let (containers, images) = containers_and_images(&spec["template"]["spec"]);
    vec![
        super::name(obj),
        json!(job_status(obj)),
        json!(completions),
        json!(duration),
        now.age(obj),
        json!(containers),
        json!(images),
        json!(or_none(&label_selector_string(&spec["selector"]))),
    ]
}

const CRON_JOB: &[Column] = &[
    NAME,
    col("Schedule", "string", 0),
    col("Timezone", "string", 0),
    col("Suspend", "boolean", 0),
    col("Active", "integer", 0),
    col("Last Schedule", "string", 0),
    AGE,
    col("Containers", "string", 1),
    col("Images", "string", 1),
    col("Selector", "string", 1),
];

fn cron_job(obj: &Value, now: &Now) -> Vec<Value> {
    let spec = &obj["spec"];
    let status = &obj["status"];
    let last = match status["lastScheduleTime"] {
        Value::String(_) => now.since(&status["lastScheduleTime"]),
        _ => "<none>".to_string(),
    };
    let job_spec = &spec["jobTemplate"]["spec"];
    let (containers, images) = containers_and_images(&job_spec["template"]["spec"]);
    let active = status["active"].as_array().map_or(0, Vec::len);
    vec![
        super::name(obj),
        json!(spec["schedule"].as_str().unwrap_or("")),
        json!(or_none(spec["timeZone"].as_str().unwrap_or(""))),
        json!(spec["suspend"].as_bool().unwrap_or(false)),
        json!(active),
        json!(last),
        now.age(obj),
        json!(containers),
        json!(images),
        json!(or_none(&label_selector_string(&job_spec["selector"]))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Now {
        Now("2026-01-01T01:00:00Z".parse().unwrap())
    }

    #[test]
    fn completed_job_row() {
        let j = json!({
            "metadata": {"name": "pi", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"completions": 1, "parallelism": 1,
                     "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}},
                     "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
            "status": {"succeeded": 1, "startTime": "2026-01-01T00:00:00Z",
                       "completionTime": "2026-01-01T00:00:09Z",
                       "conditions": [{"type": "Complete", "status": "True"}]}
        });
        let cells = job(&j, &now());
        assert_eq!(cells[1..4], [json!("Complete"), json!("1/1"), json!("9s")]);
        assert_eq!(cells[7], "batch.kubernetes.io/controller-uid=u");
    }

    #[test]
    fn cronjob_row() {
        let cj = json!({"metadata": {"name": "hello"},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {}}}}},
            "status": {"lastScheduleTime": "2026-01-01T00:58:00Z"}});
        let cells = cron_job(&cj, &now());
        assert_eq!(
            cells[1..6],
            [
                json!("*/5 * * * *"),
                json!("<none>"),
                json!(false),
                json!(0),
                json!("2m")
            ]
        );
        assert_eq!(cells[9], "<none>");
    }
}
