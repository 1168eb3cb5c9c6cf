//! The words of a `:` command that changes the cluster, read as kubectl reads its flags:
//! `--name=value` or `--name value`, anything else positional.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgsError(pub String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub positional: Vec<String>,
    /// In the order given; a flag may repeat (`--image`).
    pub flags: Vec<(String, String)>,
}

impl Args {
    pub fn parse(words: &[&str]) -> Result<Args, ArgsError> {
        let mut args = Args::default();
        let mut it = words.iter();
        while let Some(word) = it.next() {
            let Some(flag) = word.strip_prefix("--") else {
                args.positional.push((*word).to_string());
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => match it.next() {
                    Some(v) => (flag.to_string(), (*v).to_string()),
                    None => return Err(ArgsError(format!("--{flag} needs a value"))),
                },
            };
            if name.is_empty() {
                return Err(ArgsError(format!("{word:?} is not a flag")));
            }
            args.flags.push((name, value));
        }
        Ok(args)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value given for `name` (kubectl's rule for a repeated scalar flag).
    pub fn last<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).last()
    }

    /// Exactly one positional word.
    pub fn single_name(&self, usage: &str) -> Result<String, String> {
        match self.positional.as_slice() {
            [name] => Ok(name.clone()),
            [] => Err(format!("a name is required: {usage}")),
            [_, extra, ..] => Err(format!("unexpected {extra:?}: {usage}")),
        }
    }

    /// Refuses flags outside `known`.
    pub fn no_flags_but(&self, known: &[&str]) -> Result<(), String> {
        match self
            .flags
            .iter()
            .find(|(n, _)| !known.contains(&n.as_str()))
        {
            None => Ok(()),
            Some((n, _)) if known.is_empty() => Err(format!("unknown flag --{n}")),
            Some((n, _)) => Err(format!(
                "unknown flag --{n} (known: {})",
                known
                    .iter()
                    .map(|k| format!("--{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}
