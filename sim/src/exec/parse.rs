//! The little shell's syntax: words with quotes, backslashes and `$VAR`/`${VAR}`/`$?`
//! expansion, `#` comments, lists joined by `;`, `&&` and `||`, and output redirections
//! (`>`, `>>`, `2>`, `&>`, `2>&1`). Pipelines and input redirection are refused.

/// Where a command's output stream goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Inherit,
    /// Discarded (`>/dev/null`, or a file: the simulated filesystem is read-only).
    Null,
    /// `2>&1`
    Stdout,
}

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// First of the list or after `;`: always runs.
    Always,
    /// After `&&`: runs if the previous succeeded.
    And,
    /// After `||`: runs if the previous failed.
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub join: Join,
    pub words: Vec<String>,
    pub stdout: Sink,
    pub stderr: Sink,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

/// Parses one line; `var` looks up a variable (`?` is the last status).
pub fn parse(line: &str, var: impl Fn(&str) -> Option<String>) -> Result<Vec<Command>, String> {
    let tokens = tokenize(line, &var)?;
    let mut list = Vec::new();
    let mut cmd = Command {
        join: Join::Always,
        words: Vec::new(),
        stdout: Sink::Inherit,
        stderr: Sink::Inherit,
    };
    let mut it = tokens.into_iter();
    while let Some(tok) = it.next() {
        match tok {
            Tok::Word(w) => cmd.words.push(w),
            Tok::Op(op @ (">" | "2>" | "&>")) => {
                let Some(Tok::Word(target)) = it.next() else {
                    return Err(format!("syntax error: unexpected redirection after {op}"));
                };
                // `/dev/null`, or a file on the read-only simulated filesystem: dropped.
                let _ = target;
                let sink = Sink::Null;
                match op {
                    ">" => cmd.stdout = sink,
                    "2>" => cmd.stderr = sink,
                    _ => (cmd.stdout, cmd.stderr) = (sink, sink),
                }
            }
            Tok::Op("2>&1") => cmd.stderr = Sink::Stdout,
            Tok::Op(op @ (";" | "&&" | "||")) => {
                if cmd.words.is_empty() {
                    return Err(format!("syntax error: unexpected \"{op}\""));
                }
                let join = match op {
                    "&&" => Join::And,
                    "||" => Join::Or,
                    _ => Join::Always,
                };
                let done = std::mem::replace(
                    &mut cmd,
                    Command {
                        join,
                        words: Vec::new(),
                        stdout: Sink::Inherit,
                        stderr: Sink::Inherit,
                    },
                );
                list.push(done);
            }
            Tok::Op(op) => {
                return Err(format!(
                    "\"{op}\" is not supported by the simulated container's shell"
                ))
            }
        }
    }
    if cmd.words.is_empty() {
        if cmd.join != Join::Always {
            return Err("syntax error: unexpected end of file".to_string());
        }
    } else {
        list.push(cmd);
    }
    Ok(list)
}

fn tokenize(line: &str, var: &impl Fn(&str) -> Option<String>) -> Result<Vec<Tok>, String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let finish = |tokens: &mut Vec<Tok>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            tokens.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => finish(&mut tokens, &mut word, &mut in_word),
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("syntax error: unterminated quoted string".into()),
                        },
                        Some('$') => word.push_str(&expand(&mut chars, var)),
                        Some(c) => word.push(c),
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            '$' => {
                in_word = true;
                word.push_str(&expand(&mut chars, var));
            }
            ';' | '&' | '|' | '>' | '<' => {
                let op = operator(c, &mut chars, in_word && word == "2");
                if op == "2>" || op == "2>&1" {
                    word.clear();
                    in_word = false;
                }
                finish(&mut tokens, &mut word, &mut in_word);
                tokens.push(Tok::Op(op));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    finish(&mut tokens, &mut word, &mut in_word);
    Ok(tokens)
}

/// The operator starting with `c` (already taken); `fd2` when the word before it is `2`.
fn operator(
    c: char,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    fd2: bool,
) -> &'static str {
    let mut next_is = |want: char| {
        let yes = chars.peek() == Some(&want);
        if yes {
            chars.next();
        }
        yes
    };
    match c {
        ';' => ";",
        '&' if next_is('&') => "&&",
        '&' if next_is('>') => "&>",
        // A background job runs to completion here, as if in the foreground.
        '&' => ";",
        '|' if next_is('|') => "||",
        '|' => "|",
        '<' => "<",
        _ => {
            next_is('>');
            if fd2 {
                if next_is('&') {
                    next_is('1');
                    "2>&1"
                } else {
                    "2>"
                }
            } else {
                ">"
            }
        }
    }
}

/// The value of the variable after a `$` (already taken).
fn expand(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    var: &impl Fn(&str) -> Option<String>,
) -> String {
    let mut name = String::new();
    match chars.peek() {
        Some('?') => {
            chars.next();
            name.push('?');
        }
        Some('{') => {
            chars.next();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                name.push(c);
            }
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            while let Some(c) = chars.peek().copied() {
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                name.push(c);
                chars.next();
            }
        }
        _ => return "$".to_string(),
    }
    var(&name).unwrap_or_default()
}
