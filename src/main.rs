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
        Err(err) => {
            eprintln!("rkt: {err:#}");
            ExitCode::FAILURE
        }
    }
}
