//! The programs of a simulated container other than the shells: `hostname`, `echo`,
//! `env`, `pwd`, `cd`, `ls`, `cat`, `stty`, `tput` and a few more, run against the
//! container's [`System`].

use super::system::{resolve, System};

/// The state a shell process carries between commands.
#[derive(Debug, Clone)]
pub struct Session {
    /// Shell variables, exported ones first in environment order.
    pub vars: Vec<(String, String)>,
    pub cwd: String,
    /// `(rows, columns)` of the terminal, `None` without one.
    pub tty: Option<(u16, u16)>,
}

impl Session {
    pub fn new(sys: &System, tty: Option<(u16, u16)>) -> Session {
        Session {
            vars: sys.env.clone(),
            cwd: sys.workdir.clone(),
            tty,
        }
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        match self.vars.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value.to_string(),
            None => self.vars.push((name.to_string(), value.to_string())),
        }
    }
}

/// What a command wrote.
#[derive(Debug, Default)]
pub struct Io {
    pub out: String,
    pub err: String,
}

/// Runs program `words[0]` if the container has it (a shell is not handled here);
/// `None` when there is no such program.
pub fn run(sys: &System, s: &mut Session, words: &[String], io: &mut Io) -> Option<i32> {
    let program = words.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    // `cd` is built into the shell; everything else must be on the PATH.
    if program != "cd" {
        sys.which(program)?;
    }
    let args = &words[1..];
    let bb = sys.family.busybox();
    let status = match name {
        "true" => 0,
        "false" => 1,
        "hostname" => say(io, &sys.pod),
        "whoami" => say(io, "root"),
        "id" => say(io, "uid=0(root) gid=0(root) groups=0(root)"),
        "uname" => uname(args, sys, io),
        "date" => say(
            io,
            &jiff::Timestamp::now()
                .strftime("%a %b %e %H:%M:%S UTC %Y")
                .to_string(),
        ),
        "echo" => echo(args, io),
        "pwd" => say(io, &s.cwd.clone()),
        "cd" => cd(args, sys, s, io),
        "env" | "printenv" => env(args, s, io),
        "ls" => ls(args, sys, s, io),
        "cat" => cat(args, sys, s, io, bb),
        "stty" => stty(args, s, io, bb),
        "tput" => tput(args, s, io),
        "clear" => {
            io.out.push_str("\x1b[H\x1b[2J");
            0
        }
        "test" => i32::from(args.is_empty()),
        _ => return None,
    };
    Some(status)
}

fn say(io: &mut Io, line: &str) -> i32 {
    io.out.push_str(line);
    io.out.push('\n');
    0
}

fn uname(args: &[String], sys: &System, io: &mut Io) -> i32 {
    let all = args.iter().any(|a| a == "-a");
    if all {
        say(
            io,
            &format!(
                "Linux {} 6.6.95 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux",
                sys.pod
            ),
        )
    } else {
        say(io, "Linux")
    }
}

fn echo(args: &[String], io: &mut Io) -> i32 {
    let newline = args.first().map(String::as_str) != Some("-n");
    let words = if newline { args } else { &args[1..] };
    io.out.push_str(&words.join(" "));
    if newline {
        io.out.push('\n');
    }
    0
}

fn cd(args: &[String], sys: &System, s: &mut Session, io: &mut Io) -> i32 {
    let target = args
        .first()
        .cloned()
        .unwrap_or_else(|| s.var("HOME").unwrap_or("/").to_string());
    let path = resolve(&s.cwd, &target);
    if sys.dir(&path).is_some() {
        s.cwd = path;
        0
    } else {
        io.err.push_str(&format!(
            "cd: can't cd to {target}: No such file or directory\n"
        ));
        2
    }
}

fn env(args: &[String], s: &Session, io: &mut Io) -> i32 {
    if let Some(name) = args.first() {
        return match s.var(name) {
            Some(v) => say(io, v),
            None => 1,
        };
    }
    for (k, v) in &s.vars {
        io.out.push_str(&format!("{k}={v}\n"));
    }
    0
}

fn ls(args: &[String], sys: &System, s: &Session, io: &mut Io) -> i32 {
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let targets: Vec<String> = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths.into_iter().cloned().collect()
    };
    let mut status = 0;
    let several = targets.len() > 1;
    for (i, target) in targets.iter().enumerate() {
        let path = resolve(&s.cwd, target);
        if let Some(entries) = sys.dir(&path) {
            if several {
                let gap = if i > 0 { "\n" } else { "" };
                io.out.push_str(&format!("{gap}{target}:\n"));
            }
            for e in entries {
                io.out.push_str(&e);
                io.out.push('\n');
            }
        } else if sys.file(&path).is_some() {
            say(io, target);
        } else {
            io.err.push_str(&if sys.family.busybox() {
                format!("ls: {target}: No such file or directory\n")
            } else {
                format!("ls: cannot access '{target}': No such file or directory\n")
            });
            status = if sys.family.busybox() { 1 } else { 2 };
        }
    }
    status
}

fn cat(args: &[String], sys: &System, s: &Session, io: &mut Io, bb: bool) -> i32 {
    let mut status = 0;
    for target in args.iter().filter(|a| !a.starts_with('-')) {
        let path = resolve(&s.cwd, target);
        if let Some(text) = sys.file(&path) {
            io.out.push_str(&text);
            continue;
        }
        status = 1;
        let problem = if sys.dir(&path).is_some() {
            "Is a directory"
        } else {
            "No such file or directory"
        };
        io.err.push_str(&if bb {
            format!("cat: can't open '{target}': {problem}\n")
        } else {
            format!("cat: {target}: {problem}\n")
        });
    }
    status
}

fn stty(args: &[String], s: &Session, io: &mut Io, bb: bool) -> i32 {
    let Some((rows, cols)) = s.tty else {
        io.err.push_str(if bb {
            "stty: standard input: Not a tty\n"
        } else {
            "stty: 'standard input': Inappropriate ioctl for device\n"
        });
        return 1;
    };
    match args.first().map(String::as_str) {
        Some("size") => say(io, &format!("{rows} {cols}")),
        _ => say(
            io,
            &format!("speed 38400 baud; rows {rows}; columns {cols}; line = 0;"),
        ),
    }
}

fn tput(args: &[String], s: &Session, io: &mut Io) -> i32 {
    let (rows, cols) = s.tty.unwrap_or((24, 80));
    match args.first().map(String::as_str) {
        Some("cols") => say(io, &cols.to_string()),
        Some("lines") => say(io, &rows.to_string()),
        Some(other) => {
            io.err
                .push_str(&format!("tput: unknown terminfo capability '{other}'\n"));
            4
        }
        None => {
            io.err.push_str("usage: tput [-V] [-S] [-T term] capname\n");
            2
        }
    }
}
