//! The `errdex` binary: parse arguments, dispatch, map results to exit codes.

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use errdex::cli::{self, Cli, CliError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None if !cli.query.is_empty() => {
            // Until the explorer opens here, a bare query behaves like `errdex search`.
            let search = cli::Command::Search(cli::SearchArgs {
                json: false,
                explain: false,
                limit: 10,
                query: cli.query.clone(),
            });
            cli::run(&cli, &search)
        }
        None => Cli::command()
            .print_help()
            .map(|_| cli::FOUND)
            .map_err(CliError::from),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(cli::FOUND),
        Err(e) => {
            eprintln!("errdex: {e}");
            ExitCode::from(cli::ERROR)
        }
    }
}
