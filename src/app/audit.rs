//! Appends the audit lines of a change once its answer is known (`state::gate` builds the
//! records and reads the answer; this only writes). The log is created with mode 0600 and
//! its directory as needed; lines are appended, never rewritten.

use std::path::{Path, PathBuf};

use crate::model::audit::AuditRecord;
use crate::msg::{Msg, Notice};

/// Where the audit log goes: `$XDG_STATE_HOME/rkt/audit.log` (`~/.local/state/rkt/…`).
pub fn log_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("audit.log"))
}

/// The lines for `records` answered by `msg`, stamped now.
pub fn lines_for(records: &[AuditRecord], msg: &Msg) -> String {
    let mut text = String::new();
    for line in crate::state::gate::lines(records, msg, jiff::Timestamp::now()) {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Appends `text` (whole lines) in one write; a failure is a notice for the user.
pub fn append(path: Option<&Path>, text: &str) -> Option<Notice> {
    let Some(path) = path else {
        return Some(Notice::error(
            "audit log: no state directory (set XDG_STATE_HOME or HOME)",
        ));
    };
    write(path, text)
        .err()
        .map(|e| Notice::error(format!("audit log {}: {e}", path.display())))
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::model::audit::{AuditObject, Verb};
    use crate::model::objects::ObjectMsg;

    #[test]
    fn lines_are_appended_to_a_private_file_in_a_new_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/rkt/audit.log");
        let record = AuditRecord {
            context: "rkt-sim".into(),
            server: "http://127.0.0.1:1".into(),
            user: "rkt-sim".into(),
            verb: Verb::Delete,
            object: AuditObject::core("Pod", Some("default"), "web-0"),
            resource_version: Some("5".into()),
        };
        let deleted = Msg::Object(ObjectMsg::Deleted(Ok("deleted".into())));
        let failed = Msg::Object(ObjectMsg::Deleted(Err("gone".into())));
        assert_eq!(
            append(
                Some(&path),
                &lines_for(std::slice::from_ref(&record), &deleted)
            ),
            None
        );
        assert_eq!(append(Some(&path), &lines_for(&[record], &failed)), None);
        let text = std::fs::read_to_string(&path).unwrap();
        let results: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["result"].to_string())
            .collect();
        assert_eq!(results, ["\"ok\"", "\"gone\""]);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_log_that_cannot_be_written_is_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let notice = append(Some(&blocked.join("audit.log")), "x\n").unwrap();
        assert!(notice.text.starts_with("audit log "), "{notice:?}");
        assert!(append(None, "x\n").is_some());
    }
}
