//! The `errdex` binary: parse arguments, dispatch, map results to exit codes.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use errdex::cli::{self, Cli, CliError};

fn main() -> ExitCode {
    let cli = cli::parse();
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => explore(&cli),
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

/// No subcommand: the explorer on a terminal, `search` otherwise.
fn explore(cli: &Cli) -> Result<u8, CliError> {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let on_terminal = io::stdout().is_terminal() && !dumb;
    let mut query = cli.query.join(" ");
    let piped = query.is_empty() && cli.follow.is_empty() && !io::stdin().is_terminal();
    if !on_terminal && !cli.follow.is_empty() {
        return Err(CliError::Usage(
            "--follow opens the explorer, which needs a terminal; \
             use `errdex scan --follow FILE` to follow a log without one"
                .into(),
        ));
    }
    if piped && !on_terminal {
        query = cli::read_stdin()?;
    }
    if !on_terminal {
        if query.trim().is_empty() {
            return Err(CliError::Usage(
                "the explorer needs a terminal (output is not one, or TERM=dumb); \
                 give a query to search instead, e.g. `errdex search 'connection refused'`"
                    .into(),
            ));
        }
        let search = cli::Command::Search(cli::SearchArgs {
            json: false,
            explain: false,
            limit: 10,
            query: vec![query],
        });
        return cli::run(cli, &search);
    }
    let catalog = cli::load_catalog(cli);
    for note in &catalog.notes {
        eprintln!("errdex: {note}");
    }
    let packages = catalog.packages();
    let mut options = cli::explorer_options(cli, &packages);
    if piped {
        // A stream piped in is followed as a log; one short message becomes the query.
        options.follow = vec![errdex::kb::follow::Input::Stdin];
    }
    Ok(errdex::tui::run(
        catalog,
        query.trim_end_matches('\n'),
        options,
    )?)
}
