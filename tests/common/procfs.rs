//! A process's figures from /proc (Linux): memory from `/proc/PID/status`. Shared by the
//! soak (tests/soak) and the whole-process benchmark (benches/scale.rs).

/// A `kB` field of `/proc/PID/status` (`VmRSS:`, `VmHWM:`); 0 when it cannot be read.
pub fn status_kb(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
