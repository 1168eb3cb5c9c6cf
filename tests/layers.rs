#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The layer check of `.ci/check-layers`: it passes on rkt's sources and catches an arrow
//! that points the wrong way.

use std::path::Path;
use std::process::Command;

fn check(src: &Path) -> (bool, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/check-layers");
    let out = Command::new("bash")
        .arg(script)
        .arg(src)
        .output()
        .expect("run .ci/check-layers");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn rkt_sources_keep_their_arrows_one_way() {
    let (ok, out) = check(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")));
    assert!(ok, "{out}");
}

#[test]
fn a_wrong_import_is_caught_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    copy_tree(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &src);
    // state reaching into cluster I/O, and model reaching into state (grouped import).
    let update = src.join("state/update.rs");
    let text = std::fs::read_to_string(&update).unwrap();
    std::fs::write(&update, format!("use crate::cluster::watch;\n{text}")).unwrap();
    let rows = src.join("model/rows.rs");
    let text = std::fs::read_to_string(&rows).unwrap();
    std::fs::write(
        &rows,
        format!("use crate::{{effect, state::AppState}};\n{text}"),
    )
    .unwrap();

    let (ok, out) = check(&src);
    assert!(!ok, "the check must fail: {out}");
    assert!(
        out.contains("state must not import") && out.contains("state/update.rs:1:"),
        "{out}"
    );
    assert!(
        out.contains("model must not import") && out.contains("model/rows.rs:1:"),
        "{out}"
    );
}
