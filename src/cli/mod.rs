//! The command line: argument parsing and one module per subcommand. Commands print data
//! to stdout and diagnostics to stderr, and never draw on the terminal.

mod explore;
mod import;
mod lint;
mod new;
mod outcomes;
mod paths;
mod scan;
mod search;

pub use explore::options as explorer_options;
pub use search::Args as SearchArgs;
mod show;
mod versions;
pub use versions::{Setup, setup};

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::kb::load::{self, Catalog, SourceEnv, Sources};

const EXAMPLES: &str = "\
Examples:
  errdex                                   open the explorer on every loaded entry
  errdex 'connection reset by peer'        open it with a query
  errdex search --json 'x509: certificate signed by unknown authority'
  kubectl logs pod/api-7d9f | tail -1 | errdex search -
  errdex show grpc/grpc-connection-reset-by-peer --markdown
  errdex scan /var/log/app.log              known errors in a log, with counts and lines
  errdex scan --follow --json app.log | jq  each known error as it is written
  errdex --follow /var/log/app.log          the explorer on a log, live
  kubectl logs -f deploy/api | errdex       the same for a stream
  errdex lint ~/.local/share/errdex/entries
  errdex new --domain redis --from-query 'ERR 10:32 dial tcp 10.0.0.7:6379: i/o timeout'
  errdex search --have node=20.11.1 'ERR_OSSL_EVP_UNSUPPORTED'
  errdex outcomes                          what worked (+ / - in the explorer), tallied
  errdex import --format deadends ../datasets/deadends-canons --out ./imported

Exit status: 0 found or clean, 1 nothing found or problems, 2 usage or I/O error.";

/// errdex: find the known error behind the message you are looking at.
#[derive(Debug, Parser)]
#[command(name = "errdex", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Also load entries from this folder (repeatable; later folders win).
    #[arg(long = "entries", value_name = "DIR", global = true)]
    pub entries: Vec<PathBuf>,
    /// Leave out the corpus bundled into errdex.
    #[arg(long, global = true)]
    pub no_bundled: bool,
    /// Load every entry file again instead of reusing what the cache folder kept from the
    /// last run (and leave the cache as it is).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// A version you run, as PKG=VERSION (repeatable; overrides the config file and what
    /// is detected in the current folder). Entries that do not concern it rank lower.
    #[arg(
        long = "have",
        value_name = "PKG=VERSION",
        global = true,
        value_parser = versions::parse_have_flag
    )]
    pub have: Vec<String>,
    /// Open the explorer on a log: the known errors written to FILE from now on are listed
    /// with live counts (`-` is stdin; repeatable). `… | errdex` does the same for a piped
    /// stream, unless it turns out to be one short message, which becomes the query.
    #[arg(long, short = 'f', value_name = "FILE")]
    pub follow: Vec<PathBuf>,
    /// The subcommand; none opens the explorer.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A query to start with (like `errdex search` when not on a terminal).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
}

/// The non-interactive subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rank entries for a query (`-` reads the query from stdin).
    Search(search::Args),
    /// Print one entry in full.
    Show(show::Args),
    /// Check entry files and report problems as file:line:column.
    Lint(lint::Args),
    /// Stream log files (or stdin) and report the known errors in them.
    ///
    /// Only exact findings are reported: a line counts when an entry's pattern or one of its
    /// wordings (title, long aliases) matches it, the `exact` confidence of `search`; lines
    /// that only share words with an entry are never reported.
    Scan(scan::Args),
    /// Convert Markdown exports or deadends.dev JSON canons into YAML entries.
    Import(import::Args),
    /// Scaffold a new entry in your entries folder and open it in $EDITOR.
    New(new::Args),
    /// List what was recorded as working or not (`+` / `-` in the explorer), with a
    /// tally per workaround.
    Outcomes(outcomes::Args),
    /// Print the folders errdex reads and writes.
    Paths,
    /// Print the man page (roff), or write one page per command into a folder.
    Man {
        /// Write errdex.1 and errdex-COMMAND.1 for every subcommand into DIR instead, e.g.
        /// ~/.local/share/man/man1.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// What went wrong in a command, mapped to exit status 2 at the edge.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The command cannot do what was asked; the message says why and how to fix it.
    #[error("{0}")]
    Usage(String),
}

/// Exit status for "found / clean".
pub const FOUND: u8 = 0;
/// Exit status for "nothing found / problems".
pub const NOT_FOUND: u8 = 1;
/// Exit status for usage or I/O errors.
pub const ERROR: u8 = 2;

/// Load the catalog the global flags ask for.
pub fn load_catalog(cli: &Cli) -> Catalog {
    load_sources(cli.no_bundled, cli.no_cache, &cli.entries)
}

/// Load the bundled corpus (unless `no_bundled`), the environment's folders and `extra`.
/// The environment is read at each call: the user's folder may have appeared since.
pub fn load_sources(no_bundled: bool, no_cache: bool, extra: &[PathBuf]) -> Catalog {
    let sources = Sources::new(&SourceEnv::from_process(), no_bundled, extra);
    load::load(&if no_cache {
        sources.without_cache()
    } else {
        sources
    })
}

/// Say on stderr that some entries were skipped, without the details (lint has those).
pub fn note_skipped(catalog: &Catalog) {
    for note in &catalog.notes {
        eprintln!("errdex: {note}");
    }
    let skipped = catalog.skipped();
    if skipped > 0 {
        let s = if skipped == 1 { "" } else { "s" };
        eprintln!(
            "errdex: {skipped} entry file{s} skipped because of errors (run `errdex lint` for details)"
        );
    }
}

/// Run a non-interactive command; the caller maps errors to exit status 2.
pub fn run(cli: &Cli, command: &Command) -> Result<u8, CliError> {
    match command {
        Command::Search(args) => search::run(cli, args),
        Command::Show(args) => show::run(cli, args),
        Command::Lint(args) => lint::run(cli, args),
        Command::Import(args) => import::run(args),
        Command::New(args) => new::run(args),
        Command::Scan(args) => scan::run(cli, args),
        Command::Outcomes(args) => outcomes::run(args),
        Command::Paths => paths::run(),
        Command::Man { out_dir } => man(out_dir.as_deref()),
        Command::Completions { shell } => {
            let mut out = io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "errdex", &mut out);
            out.flush()?;
            Ok(FOUND)
        }
    }
}

/// `errdex man`: the page on stdout, or every page into a folder.
fn man(out_dir: Option<&std::path::Path>) -> Result<u8, CliError> {
    let cmd = Cli::command();
    let Some(dir) = out_dir else {
        let mut out = io::stdout().lock();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        out.flush()?;
        return Ok(FOUND);
    };
    std::fs::create_dir_all(dir)?;
    let mut pages = vec![("errdex".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("errdex-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let mut text = Vec::new();
        clap_mangen::Man::new(page).render(&mut text)?;
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, text)?;
        println!("{}", path.display());
    }
    Ok(FOUND)
}

/// Read the whole of stdin as a query, tolerating invalid UTF-8.
pub fn read_stdin() -> Result<String, CliError> {
    let mut buf = Vec::new();
    io::Read::read_to_end(&mut io::stdin().lock(), &mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Parse the command line. On top of clap: `search` takes text that starts with `-` as its
/// query (pasted errors such as `-bash: foo: command not found`), but a word shaped like a
/// long option (`--jsno`, no spaces or colon) that is not one is a usage error with clap's
/// suggestion, unless it comes after `--`.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = Cli::parse_from(&args);
    if let Some(Command::Search(search)) = &cli.command
        && let Some(cleaned) = mistyped_flag(&args, &search.query)
    {
        let mut cmd = Cli::command().mut_subcommand("search", |c| {
            c.mut_arg("query", |a| a.allow_hyphen_values(false))
        });
        let err = match cmd.try_get_matches_from_mut(cleaned) {
            Err(e) => e,
            Ok(_) => cmd.error(
                clap::error::ErrorKind::UnknownArgument,
                "a query word looks like an option; put `--` before the query to search for it",
            ),
        };
        err.exit();
    }
    cli
}

/// Whether `word` has the shape of a long option: `--name` or `--name=value`, with no
/// spaces or colon (a pasted error has those).
fn looks_like_option(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("--") else {
        return false;
    };
    let name = rest.split_once('=').map_or(rest, |(n, _)| n);
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !word.contains([' ', ':'])
}

/// When a query word before `--` looks like an option, the arguments to re-parse strictly
/// (other query words that start with `-` replaced, so that only the mistyped option is
/// reported); None when the query is fine.
fn mistyped_flag(args: &[std::ffi::OsString], query: &[String]) -> Option<Vec<std::ffi::OsString>> {
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let is_query =
        |a: &std::ffi::OsString| a.to_str().is_some_and(|s| query.iter().any(|q| q == s));
    let bad = args[..end]
        .iter()
        .any(|a| is_query(a) && a.to_str().is_some_and(looks_like_option));
    if !bad {
        return None;
    }
    Some(
        args.iter()
            .enumerate()
            .map(|(i, a)| {
                let text = a.to_str().unwrap_or_default();
                if i < end && is_query(a) && text.starts_with('-') && !looks_like_option(text) {
                    "query".into()
                } else {
                    a.clone()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_shapes() {
        for w in ["--jsno", "--limit=5", "--no-bundled", "--x_y"] {
            assert!(looks_like_option(w), "{w}");
        }
        for w in [
            "-bash: foo: command not found",
            "--",
            "-",
            "-n",
            "--- FAIL: TestX",
            "--2026-01-01",
            "--foo: bar",
        ] {
            assert!(!looks_like_option(w), "{w}");
        }
    }

    #[test]
    fn only_words_before_the_double_dash_count() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let q = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(
            mistyped_flag(
                &args(&["errdex", "search", "--jsno", "x"]),
                &q(&["--jsno", "x"])
            )
            .is_some()
        );
        assert!(
            mistyped_flag(
                &args(&["errdex", "search", "--", "--jsno"]),
                &q(&["--jsno"])
            )
            .is_none()
        );
        assert!(
            mistyped_flag(
                &args(&["errdex", "search", "-bash: foo: command not found"]),
                &q(&["-bash: foo: command not found"])
            )
            .is_none()
        );
    }
}
