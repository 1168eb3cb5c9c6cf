//! One exec'd process in a simulated container: a program run once, or a tiny `sh` /
//! `bash` reading commands from stdin. Pure: bytes in, [`Out`]s back. With a terminal
//! it does what the tty's line discipline does (echo, backspace, ^C, ^D, ^U, CR→LF on
//! input and LF→CR LF on output) and prints a prompt; without one it reads lines.

use super::commands::{self, Io, Session};
use super::parse::{parse, Join, Sink};
use super::system::System;

/// What the process produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// The process ended with this status; nothing follows.
    Exit(i32),
}

/// The program could not be started (containerd's "executable file not found").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound(pub String);

#[derive(Debug, Clone)]
struct Level {
    /// `sh` or `bash`.
    name: String,
    /// Reads commands from stdin (rather than running a `-c` script).
    interactive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    None,
    /// After ESC.
    Start,
    /// Inside `ESC [` or `ESC O`, until the final byte.
    Sequence,
}

pub struct Process {
    sys: System,
    s: Session,
    /// Shells nested in this process, innermost last; empty once it has ended.
    levels: Vec<Level>,
    status: i32,
    line: Vec<u8>,
    esc: Esc,
    out: Vec<Out>,
    ended: bool,
    /// Set by `exec`: the rest of the line being run is dropped.
    cut: bool,
}

impl Process {
    /// Starts `argv` in the container, with a terminal of `(rows, columns)` or none; what
    /// it printed at once comes back with it.
    pub fn start(
        sys: System,
        argv: &[String],
        tty: Option<(u16, u16)>,
    ) -> Result<(Process, Vec<Out>), NotFound> {
        let program = argv.first().map(String::as_str).unwrap_or("");
        if sys.which(program).is_none() {
            return Err(NotFound(program.to_string()));
        }
        let s = Session::new(&sys, tty);
        let mut p = Process {
            sys,
            s,
            levels: Vec::new(),
            status: 0,
            line: Vec::new(),
            esc: Esc::None,
            out: Vec::new(),
            ended: false,
            cut: false,
        };
        p.run_words(argv, Sink::Inherit, Sink::Inherit);
        if p.levels.is_empty() {
            p.end(p.status);
        } else {
            p.prompt();
        }
        let out = std::mem::take(&mut p.out);
        Ok((p, out))
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// The terminal's new size.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        if self.s.tty.is_some() {
            self.s.tty = Some((rows, cols));
        }
    }

    /// Bytes typed or piped on stdin.
    pub fn input(&mut self, bytes: &[u8]) -> Vec<Out> {
        for &b in bytes {
            if self.ended {
                break;
            }
            if self.s.tty.is_some() {
                self.tty_byte(b);
            } else if b == b'\n' {
                let line = std::mem::take(&mut self.line);
                self.run_line(&String::from_utf8_lossy(&line));
            } else {
                self.line.push(b);
            }
        }
        std::mem::take(&mut self.out)
    }

    /// stdin closed: a shell runs what is left of its input and exits.
    pub fn eof(&mut self) -> Vec<Out> {
        if !self.ended {
            if !self.line.is_empty() && self.s.tty.is_none() {
                let line = std::mem::take(&mut self.line);
                self.run_line(&String::from_utf8_lossy(&line));
            }
            if !self.ended {
                self.end(self.status);
            }
        }
        std::mem::take(&mut self.out)
    }

    fn tty_byte(&mut self, b: u8) {
        match (self.esc, b) {
            (Esc::Start, b'[' | b'O') => self.esc = Esc::Sequence,
            (Esc::Start, _) => self.esc = Esc::None,
            (Esc::Sequence, 0x40..=0x7e) => self.esc = Esc::None,
            (Esc::Sequence, _) => {}
            (Esc::None, 0x1b) => self.esc = Esc::Start,
            (Esc::None, 0x03) => {
                self.line.clear();
                self.echo("^C\r\n");
                self.status = 130;
                self.prompt();
            }
            (Esc::None, 0x04) if self.line.is_empty() => {
                self.exit_level(self.status);
                self.prompt();
            }
            (Esc::None, 0x7f | 0x08) => self.backspace(),
            (Esc::None, 0x15) => {
                while self.pop_char() {
                    self.echo("\x08 \x08");
                }
            }
            (Esc::None, b'\r' | b'\n') => {
                self.echo("\r\n");
                let line = std::mem::take(&mut self.line);
                self.run_line(&String::from_utf8_lossy(&line));
                if !self.ended {
                    self.prompt();
                }
            }
            (Esc::None, b) if b >= 0x20 || b == b'\t' => {
                self.line.push(b);
                self.out.push(Out::Stdout(vec![b]));
            }
            _ => {}
        }
    }

    fn backspace(&mut self) {
        if self.pop_char() {
            self.echo("\x08 \x08");
        }
    }

    /// Removes the last character (not byte) of the line being typed.
    fn pop_char(&mut self) -> bool {
        let Some(mut b) = self.line.pop() else {
            return false;
        };
        while b & 0xc0 == 0x80 {
            match self.line.pop() {
                Some(prev) => b = prev,
                None => break,
            }
        }
        true
    }

    fn echo(&mut self, text: &str) {
        self.out.push(Out::Stdout(text.as_bytes().to_vec()));
    }

    fn prompt(&mut self) {
        let Some(level) = self.levels.last() else {
            return;
        };
        if self.s.tty.is_none() || !level.interactive {
            return;
        }
        let cwd = self.s.cwd.clone();
        let prompt = if level.name == "bash" {
            let cwd = if cwd == "/root" { "~" } else { &cwd };
            format!("root@{}:{cwd}# ", self.sys.pod)
        } else {
            format!("{cwd} # ")
        };
        self.echo(&prompt);
    }

    fn shell_name(&self) -> String {
        self.levels
            .last()
            .map(|l| l.name.clone())
            .unwrap_or_else(|| "sh".to_string())
    }

    /// Runs one line of shell input in the innermost shell.
    fn run_line(&mut self, line: &str) {
        let depth = self.levels.len();
        let parsed = parse(line, |name| match name {
            "?" => Some(self.status.to_string()),
            _ => self.s.var(name).map(str::to_string),
        });
        let list = match parsed {
            Ok(list) => list,
            Err(problem) => {
                let msg = format!("{}: {problem}\n", self.shell_name());
                self.write(&msg, Sink::Inherit, true);
                self.status = 2;
                return;
            }
        };
        for cmd in list {
            let skip = match cmd.join {
                Join::Always => false,
                Join::And => self.status != 0,
                Join::Or => self.status == 0,
            };
            if skip {
                continue;
            }
            self.run_words(&cmd.words, cmd.stdout, cmd.stderr);
            // `exit`, `exec` or a nested interactive shell: the rest of the line is not
            // this shell's to run.
            if self.ended || self.levels.len() != depth || self.cut {
                self.cut = false;
                return;
            }
        }
    }

    fn run_words(&mut self, words: &[String], stdout: Sink, stderr: Sink) {
        let Some(first) = words.first() else {
            return;
        };
        if words.iter().all(|w| assignment(w).is_some()) {
            for (k, v) in words.iter().filter_map(|w| assignment(w)) {
                self.s.set(k, v);
            }
            self.status = 0;
            return;
        }
        let name = first.rsplit('/').next().unwrap_or(first);
        match name {
            "exit" => {
                let code = words
                    .get(1)
                    .and_then(|c| c.parse::<i32>().ok())
                    .map(|c| c & 0xff)
                    .unwrap_or(self.status);
                self.exit_level(code);
            }
            "exec" if words.len() > 1 => {
                let rest = &words[1..];
                let program = &rest[0];
                if self.sys.which(program).is_none() {
                    let msg = format!("{}: exec: {program}: not found\n", self.shell_name());
                    self.write(&msg, stderr, true);
                    self.exit_level(127);
                    return;
                }
                self.levels.pop();
                let before = self.levels.len();
                self.run_words(rest, stdout, stderr);
                // The program replaced the shell: the rest of the line never runs.
                self.cut = true;
                // A program (not an interactive shell) ran in its place: the shell is over.
                if self.levels.len() == before && !self.ended && self.levels.is_empty() {
                    self.end(self.status);
                }
            }
            "exec" => self.status = 0,
            "command" if words.get(1).map(String::as_str) == Some("-v") => {
                let mut status = 1;
                for program in &words[2..] {
                    if let Some(path) = self.sys.which(program) {
                        self.write(&format!("{path}\n"), stdout, false);
                        status = 0;
                    }
                }
                self.status = status;
            }
            "export" => {
                for (k, v) in words[1..].iter().filter_map(|w| assignment(w)) {
                    self.s.set(k, v);
                }
                self.status = 0;
            }
            "sh" | "bash" | "ash" if self.sys.which(first).is_some() => {
                self.shell(name, &words[1..], stdout, stderr)
            }
            _ => {
                let mut io = Io::default();
                match commands::run(&self.sys, &mut self.s, words, &mut io) {
                    Some(status) => {
                        self.write(&io.out, stdout, false);
                        self.write(&io.err, stderr, true);
                        self.status = status;
                    }
                    None => {
                        let msg = match self.shell_name().as_str() {
                            "bash" => format!("bash: {first}: command not found\n"),
                            sh => format!("{sh}: {first}: not found\n"),
                        };
                        self.write(&msg, stderr, true);
                        self.status = 127;
                    }
                }
            }
        }
    }

    /// A shell started as a command: `-c SCRIPT` runs the script, otherwise it reads stdin.
    fn shell(&mut self, name: &str, args: &[String], stdout: Sink, stderr: Sink) {
        let mut args = args
            .iter()
            .filter(|a| !matches!(a.as_str(), "-i" | "-l" | "--login"));
        match args.next().map(String::as_str) {
            Some("-c") => {
                let script = args.next().cloned().unwrap_or_default();
                self.levels.push(Level {
                    name: name.to_string(),
                    interactive: false,
                });
                let depth = self.levels.len();
                self.run_line(&script);
                let still_here = self.levels.len() == depth
                    && self.levels.last().is_some_and(|l| !l.interactive);
                if still_here && !self.ended {
                    self.levels.pop();
                }
            }
            Some(file) => {
                let msg = format!("{name}: can't open '{file}': No such file or directory\n");
                self.write(&msg, stderr, true);
                self.status = 2;
            }
            None => {
                let _ = stdout;
                self.levels.push(Level {
                    name: name.to_string(),
                    interactive: true,
                });
                self.status = 0;
            }
        }
    }

    /// The innermost shell exits with `code`; the process ends with the last one.
    fn exit_level(&mut self, code: i32) {
        if self.s.tty.is_some() && self.levels.last().is_some_and(|l| l.name == "bash") {
            self.echo("exit\r\n");
        }
        self.levels.pop();
        self.status = code;
        if self.levels.is_empty() {
            self.end(code);
        }
    }

    fn end(&mut self, code: i32) {
        self.levels.clear();
        self.ended = true;
        self.out.push(Out::Exit(code));
    }

    /// Output of a command, routed by its redirection; a terminal has one stream and
    /// turns LF into CR LF.
    fn write(&mut self, text: &str, sink: Sink, is_err: bool) {
        if text.is_empty() || sink == Sink::Null {
            return;
        }
        let to_err = is_err && sink != Sink::Stdout;
        if self.s.tty.is_some() {
            let text = text.replace('\n', "\r\n");
            self.out.push(Out::Stdout(text.into_bytes()));
        } else if to_err {
            self.out.push(Out::Stderr(text.as_bytes().to_vec()));
        } else {
            self.out.push(Out::Stdout(text.as_bytes().to_vec()));
        }
    }
}

/// `NAME=value` → (NAME, value).
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some((name, value))
}
