use std::process::ExitCode;

use clap::Parser;

use rkt::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Sim(ref args)) => rkt_sim::cli::run(args.clone()),
        None => rkt::app::run(cli),
    };
    match result {
        Ok(code) => code,
        // A broken config, theme or key binding: usage error, like kubectl's exit 2.
        Err(err) => match err.downcast_ref::<rkt::config::Invalid>() {
            Some(invalid) => {
                eprintln!("{invalid}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("rkt: {err:#}");
                ExitCode::FAILURE
            }
        },
    }
}
