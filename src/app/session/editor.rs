//! The user's editor: `$KUBE_EDITOR`, else `$EDITOR`, else `vi`, split as a shell splits
//! words (`code --wait` is a program and an argument), run on the terminal with the file.

use std::path::Path;

/// The editor's argv from the two variables (`None` or blank: unset).
pub fn command(kube_editor: Option<&str>, editor: Option<&str>) -> Result<Vec<String>, String> {
    let chosen = [("KUBE_EDITOR", kube_editor), ("EDITOR", editor)]
        .into_iter()
        .find_map(|(name, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (name, v)));
    let Some((name, value)) = chosen else {
        return Ok(vec!["vi".to_string()]);
    };
    match shlex::split(value) {
        Some(words) if !words.is_empty() => Ok(words),
        _ => Err(format!(
            "cannot read ${name} ({value:?}): unbalanced quotes"
        )),
    }
}

/// The argv from the environment.
pub fn from_env() -> Result<Vec<String>, String> {
    let var = |name| std::env::var(name).ok();
    command(var("KUBE_EDITOR").as_deref(), var("EDITOR").as_deref())
}

/// Runs the editor on `file` and waits for it.
pub async fn run(argv: &[String], file: &Path) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("no editor".into());
    };
    let status = tokio::process::Command::new(program)
        .args(args)
        .arg(file)
        .status()
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("editor {program:?} not found (set $KUBE_EDITOR or $EDITOR to your editor)")
            }
            _ => format!("cannot run the editor {program:?}: {e}"),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the editor {program:?} failed ({status}); nothing was saved"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_editor_then_editor_then_vi_split_like_a_shell() {
        assert_eq!(
            command(Some("code --wait"), Some("nano")).unwrap(),
            ["code", "--wait"]
        );
        assert_eq!(command(Some("  "), Some("nano")).unwrap(), ["nano"]);
        assert_eq!(command(None, None).unwrap(), ["vi"]);
        assert_eq!(
            command(None, Some("'/opt/my editor/ed' -w")).unwrap(),
            ["/opt/my editor/ed", "-w"]
        );
        assert!(command(Some("vim 'x"), None).is_err());
    }
}
