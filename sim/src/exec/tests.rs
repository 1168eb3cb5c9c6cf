use serde_json::json;

use super::parse::{parse, Join, Sink};
use super::shell::{NotFound, Out, Process};
use super::*;

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn pod(image: &str) -> Value {
    json!({
        "metadata": {"name": "web-7d4b9", "namespace": "shop", "uid": "u1"},
        "spec": {"nodeName": "minikube", "containers": [
            {"name": "app", "image": image, "env": [{"name": "APP_MODE", "value": "demo"},
                {"name": "MY_POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]},
            {"name": "sidecar", "image": "busybox:1.36"},
        ]},
        "status": {"phase": "Running", "podIP": "10.244.0.7"},
    })
}

fn system(image: &str, tty: bool) -> System {
    let p = pod(image);
    System::new(&p, &p["spec"]["containers"][0], tty)
}

fn words(argv: &[&str]) -> Vec<String> {
    argv.iter().map(|s| s.to_string()).collect()
}

/// stdout, stderr and the exit status (if it ended) of what a process wrote.
fn split(outs: &[Out]) -> (String, String, Option<i32>) {
    let (mut out, mut err, mut code) = (String::new(), String::new(), None);
    for o in outs {
        match o {
            Out::Stdout(b) => out.push_str(&String::from_utf8_lossy(b)),
            Out::Stderr(b) => err.push_str(&String::from_utf8_lossy(b)),
            Out::Exit(c) => code = Some(*c),
        }
    }
    (out, err, code)
}

fn run_once(image: &str, argv: &[&str]) -> (String, String, Option<i32>) {
    let (_, outs) = Process::start(system(image, false), &words(argv), None).unwrap();
    split(&outs)
}

/// A shell without a terminal fed `input` then end of input.
fn piped(image: &str, shell: &str, input: &str) -> (String, String, Option<i32>) {
    let (mut p, mut outs) = Process::start(system(image, false), &words(&[shell]), None).unwrap();
    outs.extend(p.input(input.as_bytes()));
    outs.extend(p.eof());
    split(&outs)
}

#[test]
fn programs_run_directly() {
    assert_eq!(
        run_once("nginx", &["hostname"]),
        ("web-7d4b9\n".into(), String::new(), Some(0))
    );
    assert_eq!(run_once("nginx", &["echo", "a", "b"]).0, "a b\n");
    let (os, _, _) = run_once("nginx", &["cat", "/etc/os-release"]);
    assert!(os.contains("Debian GNU/Linux"), "{os}");
    let (env, _, _) = run_once("nginx", &["/usr/bin/env"]);
    assert!(env.starts_with("PATH="), "{env}");
    for line in [
        "HOSTNAME=web-7d4b9",
        "APP_MODE=demo",
        "MY_POD=web-7d4b9",
        "HOME=/root",
    ] {
        assert!(env.lines().any(|l| l == line), "{line} in {env}");
    }
    assert_eq!(run_once("nginx", &["pwd"]).0, "/\n");
    assert!(run_once("nginx", &["ls"]).0.contains("etc\n"));
    let (_, err, code) = run_once("busybox:1.36", &["cat", "/etc/os-release"]);
    assert_eq!(
        (err.as_str(), code),
        (
            "cat: can't open '/etc/os-release': No such file or directory\n",
            Some(1)
        )
    );
    let (_, err, code) = run_once("nginx", &["stty", "size"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("standard input"), "{err}");
}

#[test]
fn missing_programs_do_not_start() {
    let start = |image: &str, p: &str| {
        Process::start(system(image, false), &words(&[p]), None)
            .err()
            .map(|NotFound(p)| p)
    };
    assert_eq!(start("nginx", "vim").as_deref(), Some("vim"));
    assert_eq!(start("busybox", "bash").as_deref(), Some("bash"));
    assert_eq!(
        start("alpine:3.20", "/bin/bash").as_deref(),
        Some("/bin/bash")
    );
    assert_eq!(start("nginx", "bash"), None);
    assert_eq!(start("busybox", "sh"), None);
}

#[test]
fn a_piped_shell_runs_lines_until_end_of_input() {
    let (out, err, code) = piped(
        "nginx",
        "sh",
        "hostname\necho $HOSTNAME \"x  y\" '$HOME'\nnope\necho $?\n",
    );
    assert_eq!(out, "web-7d4b9\nweb-7d4b9 x  y $HOME\n127\n");
    assert_eq!(err, "sh: nope: not found\n");
    assert_eq!(code, Some(0));
    let (out, _, code) = piped("nginx", "sh", "echo before\nexit 3\necho after\n");
    assert_eq!((out.as_str(), code), ("before\n", Some(3)));
    // The last line need not end in a newline; the status of the last command is the end.
    assert_eq!(piped("nginx", "sh", "false").2, Some(1));
    let (_, err, code) = piped("nginx", "bash", "nope");
    assert_eq!(
        (err.as_str(), code),
        ("bash: nope: command not found\n", Some(127))
    );
}

#[test]
fn lists_redirections_and_cd() {
    let (out, err, _) = piped(
        "nginx",
        "sh",
        "false && echo no || echo yes; true && echo and\ncat /nope 2>/dev/null || echo hidden\ncat /nope 2>&1\ncd /etc; pwd; ls\ncd /nowhere\n",
    );
    assert_eq!(
        out,
        "yes\nand\nhidden\ncat: /nope: No such file or directory\n/etc\nhostname\nhosts\nos-release\npasswd\nresolv.conf\n"
    );
    assert_eq!(err, "cd: can't cd to /nowhere: No such file or directory\n");
}

#[test]
fn sh_c_and_exec_as_k9s_uses_them() {
    let k9s = "command -v bash >/dev/null && exec bash || exec sh";
    // Debian: bash replaces the script's shell and then reads stdin.
    let (mut p, outs) =
        Process::start(system("nginx", false), &words(&["sh", "-c", k9s]), None).unwrap();
    assert_eq!(split(&outs), (String::new(), String::new(), None));
    let (out, err, code) = split(&p.input(b"nope\nexit 4\n"));
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "bash: nope: command not found\n", Some(4))
    );
    // Busybox: no bash, sh instead.
    let (mut p, _) =
        Process::start(system("busybox", false), &words(&["sh", "-c", k9s]), None).unwrap();
    let (_, err, _) = split(&p.input(b"nope\n"));
    assert_eq!(err, "sh: nope: not found\n");
    let (out, _, code) = run_once("nginx", &["sh", "-c", "echo hi; exit 5; echo never"]);
    assert_eq!((out.as_str(), code), ("hi\n", Some(5)));
    assert_eq!(
        run_once("nginx", &["sh", "-c", "exec hostname; echo never"]).0,
        "web-7d4b9\n"
    );
}

#[test]
fn nested_shells_exit_one_at_a_time() {
    let (out, _, code) = piped(
        "nginx",
        "sh",
        "bash\necho inner\nexit 2\necho $?\nfalse\nexit\n",
    );
    assert_eq!((out.as_str(), code), ("inner\n2\n", Some(1)));
}

#[test]
fn a_terminal_echoes_edits_and_prompts() {
    let sys = system("nginx", true);
    let (mut p, outs) = Process::start(sys, &words(&["sh"]), Some((24, 80))).unwrap();
    assert_eq!(split(&outs).0, "/ # ");
    // Typed "hostnamx", backspace, "e", Enter.
    let (out, err, _) = split(&p.input(b"hostnamx\x7fe\r"));
    assert_eq!(out, "hostnamx\x08 \x08e\r\nweb-7d4b9\r\n/ # ");
    assert!(err.is_empty(), "a terminal has one stream");
    let (out, _, _) = split(&p.input(b"nope\r"));
    assert_eq!(out, "nope\r\nsh: nope: not found\r\n/ # ");
    // Arrow keys are swallowed; ^C drops the line.
    assert_eq!(split(&p.input(b"\x1b[Aabc\x03")).0, "abc^C\r\n/ # ");
    assert_eq!(
        split(&p.input(b"stty size\r")).0,
        "stty size\r\n24 80\r\n/ # "
    );
    p.resize(132, 50);
    assert_eq!(
        split(&p.input(b"tput cols\r")).0,
        "tput cols\r\n132\r\n/ # "
    );
    let (out, _, code) = split(&p.input(b"exit 7\r"));
    assert_eq!((out.as_str(), code), ("exit 7\r\n", Some(7)));
    assert!(p.ended());
}

#[test]
fn bash_prompt_and_ctrl_d() {
    let (mut p, outs) =
        Process::start(system("nginx", true), &words(&["bash"]), Some((24, 80))).unwrap();
    assert_eq!(split(&outs).0, "root@web-7d4b9:/# ");
    let (out, _, code) = split(&p.input(b"\x04"));
    assert_eq!((out.as_str(), code), ("exit\r\n", Some(0)));
}

#[test]
fn parser_words_and_operators() {
    let none = |_: &str| None;
    let list = parse("echo 'a b' c\\ d \"e\\\"f\" # comment", none).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].words, ["echo", "a b", "c d", "e\"f"]);
    let list = parse("a && b || c; d 2>&1 >/dev/null", none).unwrap();
    let joins: Vec<Join> = list.iter().map(|c| c.join).collect();
    assert_eq!(joins, [Join::Always, Join::And, Join::Or, Join::Always]);
    assert_eq!((list[3].stdout, list[3].stderr), (Sink::Null, Sink::Stdout));
    assert_eq!(
        parse("echo ${X}y", |_| Some("x".into())).unwrap()[0].words[1],
        "xy"
    );
    assert!(parse("echo 'open", none).is_err());
    assert!(parse("ls | wc", none)
        .unwrap_err()
        .contains("not supported"));
    assert!(parse("; ls", none).is_err());
    assert!(parse("", none).unwrap().is_empty());
}

#[test]
fn options_as_the_kubelet_reads_them() {
    let o = parse_options(&q(&[
        ("command", "sh"),
        ("command", "-c"),
        ("command", "echo hi"),
        ("stdin", "true"),
        ("stdout", "true"),
        ("stderr", "true"),
        ("tty", "true"),
    ]))
    .unwrap();
    assert_eq!(o.command, ["sh", "-c", "echo hi"]);
    assert!(o.stdin && o.stdout && o.tty);
    assert!(!o.stderr, "a terminal has no separate stderr");
    assert_eq!(
        parse_options(&q(&[("stdout", "true")])).unwrap_err(),
        "you must specify at least one command for the container"
    );
    assert_eq!(
        parse_options(&q(&[("command", "ls")])).unwrap_err(),
        "you must specify at least 1 of stdin, stdout, stderr"
    );
}

#[test]
fn containers_are_picked_as_the_api_server_does() {
    let p = pod("nginx");
    assert_eq!(
        pick_container(&p, "web", "sidecar").unwrap()["name"],
        "sidecar"
    );
    let err = pick_container(&p, "web", "").unwrap_err();
    assert_eq!(
        err.message,
        "a container name must be specified for pod web, choose one of: [app sidecar]"
    );
    assert_eq!(
        pick_container(&p, "web", "db").unwrap_err().message,
        "container db is not valid for pod web"
    );
    let single = json!({"spec": {"containers": [{"name": "only"}]}});
    assert_eq!(pick_container(&single, "x", "").unwrap()["name"], "only");
}

#[test]
fn statuses_as_the_kubelet_writes_them() {
    let ok = session::exit_status(&words(&["sh"]), 0);
    assert_eq!(ok, json!({"metadata": {}, "status": "Success"}));
    let failed = session::exit_status(&words(&["sh", "-c", "exit 3"]), 3);
    assert_eq!(failed["reason"], "NonZeroExitCode");
    assert_eq!(
        failed["details"]["causes"][0],
        json!({"reason": "ExitCode", "message": "3"})
    );
    let missing = session::exec_failed("bash");
    assert_eq!(missing["reason"], "InternalError");
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("exec: \"bash\": executable file not found in $PATH"));
}
