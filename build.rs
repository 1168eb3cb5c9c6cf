//! Build identity for `rkt --version`: the git commit rkt was built from and the Kubernetes
//! API version of the k8s-openapi types it is built against.
//!
//! This script never fails the build: without git, outside a checkout (a crates.io
//! download) or on any error, the commit is "unknown".

use std::path::Path;
use std::process::Command;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = Path::new(&manifest_dir);
    let commit = git_commit(dir).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=RKT_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=RKT_K8S_API={}", k8s_api());

    // Rerun when the commit or the working tree changes; only paths that exist (a missing
    // one would rerun this script on every build).
    let mut watched = vec![
        dir.join("build.rs"),
        dir.join("Cargo.toml"),
        dir.join("src"),
    ];
    if let Some(git_dir) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        let git_dir = Path::new(&git_dir);
        watched.extend(["HEAD", "index", "refs", "packed-refs"].map(|f| git_dir.join(f)));
    }
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// `abc1234`, or `abc1234-dirty` with uncommitted changes; None outside rkt's own checkout.
fn git_commit(dir: &Path) -> Option<String> {
    // Only rkt's own repository: a crate unpacked inside some other checkout is not it.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return None;
    }
    let hash = git(dir, &["rev-parse", "--short", "HEAD"])?;
    let dirty =
        git(dir, &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{hash}-dirty") } else { hash })
}

/// A git command's trimmed stdout, None on any failure.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// "1.33" from k8s-openapi's `links` metadata (`0x00_01_21_00` for the `v1_33` feature).
fn k8s_api() -> String {
    std::env::vars()
        .find(|(k, _)| k.starts_with("DEP_K8S_OPENAPI") && k.ends_with("_VERSION"))
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .map(|v| format!("{}.{}", (v >> 16) & 0xff, (v >> 8) & 0xff))
        .unwrap_or_else(|| "unknown".to_owned())
}
