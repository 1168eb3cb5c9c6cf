//! Printer of metrics-server's PodMetrics and NodeMetrics (`addPodMetricsToTable`,
//! `addNodeMetricsToTable`): the name, each resource's usage (a pod's containers summed),
//! and the window.

use serde_json::{json, Value};

use super::{Cells, Column, Now, NAME};
use crate::metrics::{self, parse_quantity};
use crate::resources::ResourceType;

pub(super) fn printer(res: &ResourceType) -> Option<(&'static [Column], Cells)> {
    metrics::is_metrics(res).then_some((COLUMNS, cells))
}

const fn quantity(name: &'static str) -> Column {
    Column {
        name,
        kind: "string",
        format: "quantity",
        priority: 0,
        description: "",
    }
}

const COLUMNS: &[Column] = &[
    NAME,
    quantity("cpu"),
    quantity("memory"),
    Column {
        name: "Window",
        kind: "string",
        format: "duration",
        priority: 0,
        description: "",
    },
];

fn cells(obj: &Value, _now: &Now) -> Vec<Value> {
    let usages: Vec<&Value> = match obj["containers"].as_array() {
        Some(containers) => containers.iter().map(|c| &c["usage"]).collect(),
        None => vec![&obj["usage"]],
    };
    let sum = |what: &str| {
        usages
            .iter()
            .filter_map(|u| parse_quantity(u[what].as_str().unwrap_or("")))
            .sum::<f64>()
    };
    vec![
        super::name(obj),
        json!(format!("{}n", (sum("cpu") * 1e9).round() as u64)),
        json!(format!("{}Ki", (sum("memory") / 1024.0).round() as u64)),
        obj["window"].clone(),
    ]
}
