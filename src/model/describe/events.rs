//! The Events section every describer ends with, as kubectl's `DescribeEvents` prints it.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

use super::text::{Out, NONE};
use crate::model::format::age;

/// Sort key of an event: when it last happened.
pub fn event_time(e: &Event) -> String {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0.to_string())
        .or_else(|| e.event_time.as_ref().map(|t| t.0.to_string()))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0.to_string()))
        .unwrap_or_default()
}

/// `Events: <none>`, or the table `Type Reason Age From Message` in the order given.
pub(super) fn section(out: &mut Out, events: &[Event], now: Timestamp) {
    if events.is_empty() {
        out.field(0, "Events", NONE);
        return;
    }
    out.line(0, "Events:");
    out.table(
        1,
        &["Type", "Reason", "Age", "From", "Message"],
        events.iter().map(|e| row(e, now)),
    );
}

fn row(e: &Event, now: Timestamp) -> String {
    let from = e
        .source
        .as_ref()
        .and_then(|s| s.component.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| e.reporting_component.clone())
        .unwrap_or_default();
    let message = e.message.as_deref().unwrap_or("").trim();
    let message = match e.involved_object.field_path.as_deref() {
        Some(path) if !path.is_empty() => format!("{path}: {message}"),
        _ => message.to_string(),
    };
    format!(
        "{}\t{}\t{}\t{from}\t{message}",
        e.type_.as_deref().unwrap_or(""),
        e.reason.as_deref().unwrap_or(""),
        interval(e, now)
    )
}

/// kubectl's Age cell: `5m`, or `2m (x3 over 5m)` for a repeated event.
fn interval(e: &Event, now: Timestamp) -> String {
    let first = e
        .event_time
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0));
    let first = age(first, now);
    if let Some(series) = &e.series {
        let last = age(series.last_observed_time.as_ref().map(|t| t.0), now);
        return format!("{last} (x{} over {first})", series.count.unwrap_or(0));
    }
    match e.count {
        Some(count) if count > 1 => {
            let last = age(e.last_timestamp.as_ref().map(|t| t.0), now);
            format!("{last} (x{count} over {first})")
        }
        _ => first,
    }
}
