use std::process::ExitCode;

use clap::Parser;

use rkt::cli::{tools, Cli, Command, ConfigCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Sim(ref args)) => rkt_sim::cli::run(args.clone()),
        Some(Command::Completions { shell }) => print(&tools::completions(shell)),
        Some(Command::Man) => tools::man()
            .map_err(anyhow::Error::from)
            .and_then(|page| print(&page)),
        Some(Command::Config(ConfigCommand::Default)) => print(tools::default_config().as_bytes()),
        Some(Command::Config(ConfigCommand::Check { ref path })) => {
            let path = path.as_deref().or(cli.config.as_deref());
            tools::check_config(path)
                .map_err(anyhow::Error::from)
                .and_then(|ok| print(format!("{ok}\n").as_bytes()))
        }
        None => rkt::app::run(cli),
    };
    match result {
        Ok(code) => code,
        // A broken config, theme or key binding: usage error, like kubectl's exit 2.
        Err(err) => match err.downcast_ref::<rkt::config::Invalid>() {
            Some(invalid) => {
                report(&invalid.to_string());
                ExitCode::from(2)
            }
            None => {
                report(&format!("rkt: {err:#}"));
                ExitCode::FAILURE
            }
        },
    }
}

/// Writes an error for the user. Unlike `eprintln!` it cannot panic: when the terminal went
/// away (the cause of the error, often) there is no one to read it, and the exit code says it.
fn report(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn print(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    tools::print(bytes)?;
    Ok(ExitCode::SUCCESS)
}
