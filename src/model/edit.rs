//! `kubectl edit`, the pure part: what the editor is given (the object as YAML without
//! managedFields and status, under kubectl's comment header, with the reasons of a failed
//! round as comments), how the saved file is judged (unchanged, empty, invalid, changed),
//! and the object sent back (the resourceVersion it was read at, the server's status and
//! managedFields put back). The file is the user's: any text is judged, none panics.

use serde_json::Value;

use crate::model::objects::ObjectRef;

/// kubectl's header, word for word.
pub const HEADER: &str =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n\
# and an empty file will abort the edit. If an error occurs while saving this file will be\n\
# reopened with the relevant failures.\n\
#\n";

/// Said when the user saves the object unchanged (kubectl: "Edit cancelled, no changes made.").
pub const NO_CHANGES: &str = "edit cancelled, no changes made";
/// Said when the user saves an empty file.
pub const EMPTY: &str = "edit cancelled, saved file was empty";
/// Said when a file reopened with errors is saved again as it was.
pub const NO_VALID_CHANGES: &str = "edit cancelled, no valid changes were saved";
/// The note above the fresh object after a conflict.
pub const CONFLICT_NOTE: &str =
    "The object was changed on the server while you edited it (conflict),\n\
so your changes were not saved. This is the object as it is now: make your changes again.";

/// How an edit ended, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// The server took the update; the text says what was edited.
    Applied(String),
    /// Nothing was sent (unchanged, empty, given up); the text says why.
    Cancelled(String),
    /// The edit could not start or go on (object gone, no editor); the text says why.
    Failed(String),
}

/// The object as the editor shows it: no managedFields, no status.
pub fn editable(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("status");
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
    }
    v
}

/// The editor's file: the header, each reason as a comment block, then `body`.
pub fn file_text(reasons: &[String], body: &str) -> String {
    let mut out = String::from(HEADER);
    for reason in reasons {
        for line in reason.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("#\n");
    }
    out.push_str(body);
    out
}

/// The text without its leading comment block (the header and the reasons of the last
/// round), so a reopened file carries only the newest ones. Comments further down are the
/// user's and stay (YAML ignores them; inside a block scalar they are data).
pub fn strip_header(text: &str) -> &str {
    let mut rest = text;
    loop {
        let (line, after) = match rest.find('\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        if line.trim_start().starts_with('#') && !rest.is_empty() {
            rest = after;
        } else {
            return rest;
        }
    }
}

/// What a saved file amounts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Judged {
    Unchanged,
    Empty,
    /// Reopen the editor with this reason on top.
    Invalid(String),
    /// Send this object.
    Changed(Value),
}

/// Judges the saved `text` against the object as read (`original`, the server's copy).
pub fn judge(original: &Value, text: &str) -> Judged {
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !meaningful {
        return Judged::Empty;
    }
    let parsed: Value = match parse_one(text) {
        Ok(v) => v,
        Err(e) => return Judged::Invalid(format!("The edited file had a syntax error: {e}")),
    };
    if parsed.is_null() {
        return Judged::Empty;
    }
    if !parsed.is_object() {
        return Judged::Invalid("The edited file is not an object (a YAML mapping)".into());
    }
    let shown = editable(original);
    if parsed == shown {
        return Judged::Unchanged;
    }
    let same = |v: &Value, path: &[&str]| {
        path.iter()
            .try_fold(v, |v, k| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    for path in [
        &["apiVersion"][..],
        &["kind"],
        &["metadata", "name"],
        &["metadata", "namespace"],
    ] {
        if same(&parsed, path) != same(&shown, path) {
            return Judged::Invalid(
                "At least one of apiVersion, kind, name and namespace was changed".into(),
            );
        }
    }
    Judged::Changed(parsed)
}

/// One YAML document as JSON; several documents or non-JSON YAML (a non-string key) are
/// errors, not panics.
fn parse_one(text: &str) -> Result<Value, String> {
    use serde::Deserialize;
    let mut docs = serde_yaml::Deserializer::from_str(text);
    let first = match docs.next() {
        Some(doc) => Value::deserialize(doc).map_err(|e| e.to_string())?,
        None => return Ok(Value::Null),
    };
    if docs.next().is_some() {
        return Err("the file holds more than one YAML document".into());
    }
    Ok(first)
}

/// The object to send as the update: the edited one, carrying the resourceVersion it was
/// read at, with the server copy's managedFields and (unless the user wrote one) status
/// put back, as kubectl restores what it hid.
pub fn prepare_update(mut edited: Value, read: &Value) -> Value {
    let rv = read
        .pointer("/metadata/resourceVersion")
        .cloned()
        .unwrap_or(Value::Null);
    let managed = read.pointer("/metadata/managedFields").cloned();
    let status = read.get("status").cloned();
    if let Some(map) = edited.as_object_mut() {
        if let (Some(status), false) = (status, map.contains_key("status")) {
            map.insert("status".into(), status);
        }
        let meta = map
            .entry("metadata")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(meta) = meta.as_object_mut() {
            meta.insert("resourceVersion".into(), rv);
            if let Some(managed) = managed {
                meta.insert("managedFields".into(), managed);
            }
        }
    }
    edited
}

/// kubectl's words for an object it edited: `deployment.apps/web edited`.
pub fn applied_text(obj: &ObjectRef) -> String {
    format!("{}/{} edited", obj.kind.label(), obj.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7",
                         "managedFields": [{"manager": "kubectl"}]},
            "spec": {"replicas": 2},
            "status": {"replicas": 2}
        })
    }

    fn shown() -> String {
        serde_yaml::to_string(&editable(&deployment())).unwrap()
    }

    #[test]
    fn the_editor_gets_no_status_and_no_managed_fields() {
        let text = file_text(&[], &shown());
        assert!(text.starts_with(HEADER));
        assert!(!text.contains("managedFields"), "{text}");
        assert!(!text.contains("status"), "{text}");
        assert!(text.contains("resourceVersion: '7'"), "{text}");
    }

    #[test]
    fn unchanged_empty_invalid_changed() {
        let orig = deployment();
        assert_eq!(judge(&orig, &file_text(&[], &shown())), Judged::Unchanged);
        assert_eq!(judge(&orig, "# only comments\n\n"), Judged::Empty);
        assert_eq!(judge(&orig, ""), Judged::Empty);
        assert!(
            matches!(judge(&orig, "spec: [unclosed"), Judged::Invalid(e) if e.contains("syntax error"))
        );
        assert!(matches!(judge(&orig, "- a\n- b\n"), Judged::Invalid(_)));
        assert!(matches!(
            judge(&orig, "a: 1\n---\nb: 2\n"),
            Judged::Invalid(_)
        ));
        assert!(matches!(judge(&orig, "? [a]\n: 1\n"), Judged::Invalid(_)));
        let renamed = shown().replace("name: web", "name: other");
        assert!(matches!(judge(&orig, &renamed), Judged::Invalid(e) if e.contains("name")));
        let scaled = shown().replace("replicas: 2", "replicas: 5");
        match judge(&orig, &scaled) {
            Judged::Changed(v) => assert_eq!(v["spec"]["replicas"], 5),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_reopened_file_carries_only_the_newest_reasons() {
        let first = file_text(&["old error".into()], "a: 1\n# mine\nb: 2\n");
        let body = strip_header(&first);
        assert_eq!(body, "a: 1\n# mine\nb: 2\n");
        let second = file_text(&["new\nerror".into()], body);
        assert!(second.contains("# new\n# error\n#\n"), "{second}");
        assert!(!second.contains("old error"), "{second}");
        assert_eq!(strip_header("# a\n#b"), "");
        assert_eq!(strip_header(""), "");
    }

    #[test]
    fn the_update_carries_the_read_version_and_keeps_status() {
        let mut edited = editable(&deployment());
        edited["spec"]["replicas"] = json!(5);
        edited["metadata"]["resourceVersion"] = json!("999");
        let sent = prepare_update(edited, &deployment());
        assert_eq!(sent["metadata"]["resourceVersion"], "7");
        assert_eq!(sent["status"]["replicas"], 2);
        assert_eq!(sent["metadata"]["managedFields"][0]["manager"], "kubectl");
        assert_eq!(sent["spec"]["replicas"], 5);
    }
}
