//! Text pieces the logs pane shows: line prefixes and the title.

use super::{ContainerChoice, LogLine, LogScope, LogsState};

/// `pod` or `pod/container` (when every container is streamed) in front of a line.
pub fn prefix(line: &LogLine, with_container: bool) -> String {
    if with_container {
        format!("{}/{}", line.source.pod, line.source.container)
    } else {
        line.source.pod.clone()
    }
}

pub fn title(st: &LogsState) -> String {
    let mut t = format!("Logs {}/", st.target.namespace);
    match (&st.target.scope, st.sources()) {
        (LogScope::Pod(_), [(only, _)]) => {
            t.push_str(&only.pod);
            t.push_str(" [");
            t.push_str(if st.target.container == ContainerChoice::All {
                "all containers"
            } else {
                &only.container
            });
            t.push(']');
        }
        (_, sources) => {
            t.push_str(&st.scope_name());
            match &st.target.container {
                ContainerChoice::Named(c) => t.push_str(&format!(" [{c}]")),
                ContainerChoice::All => t.push_str(" [all containers]"),
                ContainerChoice::Default => {}
            }
            if sources.len() > 1 {
                let open = st.streams().open;
                let plural = if open == 1 { "" } else { "s" };
                t.push_str(&format!(" ({open} stream{plural})"));
            }
        }
    }
    if st.target.previous {
        t.push_str(" (previous)");
    }
    if let Some(state) = st.state() {
        t.push_str(" · ");
        t.push_str(&state.to_string());
        // One pod's trouble is a count here, never the title itself.
        let counts = st.streams();
        if st.sources().len() > 1 && state.is_live() {
            for (n, what) in [
                (counts.reconnecting, "reconnecting"),
                (counts.failed, "failed"),
            ] {
                if n > 0 {
                    t.push_str(&format!(", {n} {what}"));
                }
            }
        }
    }
    t.push_str(&format!(" · {} lines", st.buffer.len()));
    let flags: Vec<&str> = [
        (st.follow, "follow"),
        (st.wrap, "wrap"),
        (st.show_timestamps, "timestamps"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    if !flags.is_empty() {
        t.push_str(" · ");
        t.push_str(&flags.join(" "));
    }
    if let Some(p) = st.pattern() {
        t.push_str(&format!(" · /{} {} matches", p.as_str(), st.match_count()));
    }
    t
}
