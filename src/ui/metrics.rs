//! The text of metrics cells, shared by the pods and nodes tables and the details region:
//! usage as kubectl top prints it (`12m`, `34Mi`), percentages as whole numbers under a `%`
//! header; `n/a` where there is nothing to compare with or the read failed, nothing where a
//! row has no value (a pod that is not running, or before the first answer).

use crate::model::metrics::{self, Usage};
use crate::state::metrics::Reading;

/// A usage cell: `text` of the value, blank when missing, `n/a` when the read failed.
pub fn cell<T: Copy>(reading: Reading<T>, text: impl FnOnce(T) -> String) -> String {
    match reading {
        Reading::Value(v) => text(v),
        Reading::Missing => String::new(),
        Reading::Failed => NA.to_string(),
    }
}

pub const NA: &str = "n/a";

pub fn cpu(u: Usage) -> String {
    metrics::cpu_text(u.cpu)
}

pub fn memory(u: Usage) -> String {
    metrics::memory_text(u.memory)
}

/// `used` as a percentage of `of` (`n/a` when `of` is 0: not set).
pub fn percent(used: u64, of: u64) -> String {
    metrics::percent(used, of).map_or_else(|| NA.to_string(), |p| p.to_string())
}

/// KiB (as pod rows keep memory requests and limits) in bytes.
pub fn kib(v: u32) -> u64 {
    u64::from(v) * 1024
}
