//! A broken config, theme or key binding stops the real `rkt` binary before it touches the
//! terminal: `error: FILE:LINE:COLUMN: …` on stderr, exit code 2, no TUI. Falling back to
//! the defaults instead could drop `readonly: true` and start rkt writable.
//!
//! The kubeconfig given is a path that does not exist, so a config that passes ends in the
//! "no kubeconfig" error (exit 1) without ever reaching a cluster or the terminal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Files for one test: a config dir, a missing kubeconfig, a home.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// Runs `rkt --kubeconfig MISSING ARGS` with a clean environment; fails the test if it
    /// has not exited after a minute (it would be sitting in a TUI).
    fn rkt(&self, args: &[&str]) -> Output {
        let missing_kubeconfig = self.dir.path().join("no-kubeconfig");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rkt"))
            .arg("--kubeconfig")
            .arg(&missing_kubeconfig)
            .args(args)
            .env_remove("KUBECONFIG")
            .env_remove("NO_COLOR")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join(".config"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rkt starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("try_wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("rkt {args:?} did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("rkt output")
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// Asserts rkt refused to start with exit 2 and returns its stderr.
fn refused(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        !stdout.contains("\x1b[?1049h"),
        "the alternate screen was entered"
    );
    assert_eq!(stdout, "", "nothing drawn");
    stderr
}

#[test]
fn readonly_with_a_typo_never_starts_writable() {
    let f = Files::new();
    let config = f.write("config.yaml", "readonly: true\nlog_tail_line: 50\n");
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert_eq!(
        stderr,
        format!(
            "error: {}:2:1: unknown field `log_tail_line`, did you mean `log_tail_lines`?\n",
            config.display()
        )
    );
}

#[test]
fn an_unknown_field_names_its_line_and_the_nearest_field() {
    let f = Files::new();
    let config = f.write(
        "config.yaml",
        "max_fps: 30\nkeys:\n  copy: x\nthemes: light\n",
    );
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert!(
        stderr.contains(&format!(
            "{}:4:1: unknown field `themes`, did you mean `theme`?",
            config.display()
        )),
        "{stderr}"
    );
    // A bad value, too.
    let config = f.write("config.yaml", "max_fps: fast\n");
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert!(
        stderr.contains(&format!("{}:1:10: max_fps: invalid type", config.display())),
        "{stderr}"
    );
}

#[test]
fn a_theme_with_an_unknown_style_or_a_bad_colour_names_its_line() {
    let f = Files::new();
    let theme = f.write(
        "mine.yaml",
        "styles:\n  ok: { fg: green }\n  eror: { fg: red }\n",
    );
    // Named in the config…
    let config = f.write("config.yaml", &format!("theme: {}\n", arg(&theme)));
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert_eq!(
        stderr,
        format!(
            "error: {}:3:3: unknown style `eror`, did you mean `error`?\n",
            theme.display()
        )
    );
    // …or given by --theme.
    let bad_colour = f.write("colour.yaml", "styles:\n  error: { fg: rouge }\n");
    let stderr = refused(&f.rkt(&["--theme", arg(&bad_colour)]));
    assert!(
        stderr.starts_with(&format!(
            "error: {}:2:16: styles.error.fg: \"rouge\" is not a colour",
            bad_colour.display()
        )),
        "{stderr}"
    );
    // An unknown theme name in the config points at the config's line.
    let config = f.write("config.yaml", "readonly: true\ntheme: solarised\n");
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert!(
        stderr.starts_with(&format!(
            "error: {}:2:8: unknown theme \"solarised\"",
            config.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_conflicting_key_binding_names_its_line() {
    let f = Files::new();
    // copy lives in every list; y is YAML in the pods pane, which is a list.
    let config = f.write("config.yaml", "readonly: true\nkeys:\n  copy: y\n");
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    assert_eq!(
        stderr,
        format!(
            "error: {}:3:9: keys.copy: `y` is already bound to `yaml` in Pods\n",
            config.display()
        )
    );
    // Every problem is listed, each at its own line; an unknown action points at its name.
    let config = f.write(
        "config.yaml",
        "keys:\n  down: k\n  teleprot: t\n  up: ctrl-nonsense\n",
    );
    let stderr = refused(&f.rkt(&["--config", arg(&config)]));
    let lines: Vec<&str> = stderr.lines().collect();
    let file = config.display().to_string();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert_eq!(
        lines[0],
        format!("error: {file}:2:9: keys.down: `k` is already bound to `up` in Lists")
    );
    assert!(
        lines[1].starts_with(&format!("error: {file}:3:3: keys.teleprot: unknown action")),
        "{stderr}"
    );
    assert_eq!(
        lines[2],
        format!("error: {file}:4:7: keys.up: unknown key \"ctrl-nonsense\"")
    );
}

#[test]
fn a_missing_config_given_by_flag_is_an_error_but_not_the_default_one() {
    let f = Files::new();
    let missing = f.dir.path().join("nope.yaml");
    let stderr = refused(&f.rkt(&["--config", arg(&missing)]));
    assert!(
        stderr.starts_with(&format!(
            "error: {}: cannot read the config file",
            missing.display()
        )),
        "{stderr}"
    );
    // No config at the default location: the defaults, and on past the config checks to
    // the next one (these tests run without a terminal).
    let out = f.rkt(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}

#[test]
fn the_readme_config_example_is_accepted() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme
        .find("```yaml\ntheme:")
        .expect("the README has a config example");
    let body = &readme[start + "```yaml\n".len()..];
    let example = &body[..body.find("```").expect("closed block")];
    let f = Files::new();
    let config = f.write("config.yaml", example);
    let out = f.rkt(&["--config", arg(&config)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Past the config, theme and keys: it stops at the next check (no terminal here).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}
