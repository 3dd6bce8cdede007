//! `errdex new`: scaffold an entry in the user's entries folder, open it in the editor, and
//! check it when the editor closes.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use super::{CliError, FOUND, NOT_FOUND};
use crate::kb::{Severity, author, load, paths::Paths};

/// Arguments of `errdex new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pre-fill the title and an alias from this error text; a raw log line is fine (times,
    /// levels, addresses, hosts and ids are taken out). `-` or no value reads stdin.
    #[arg(
        long,
        value_name = "TEXT",
        num_args = 0..=1,
        default_missing_value = "-"
    )]
    pub from_query: Option<String>,
    /// The domain of the new entry (the first half of its id), e.g. `postgres`.
    #[arg(long, default_value = "local")]
    pub domain: String,
    /// Write the file and print its path, without opening an editor.
    #[arg(long)]
    pub no_edit: bool,
    /// The entries folder to write into (default: the user's, see `errdex paths`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Write the scaffold, open it, then lint it; exit 0 when the entry loads without errors.
pub fn run(args: &Args) -> Result<u8, CliError> {
    let pasted = match args.from_query.as_deref() {
        Some("-") => super::read_stdin()?,
        Some(text) => text.to_string(),
        None => String::new(),
    };
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => Paths::discover().map(|p| p.entries_dir).ok_or_else(|| {
            CliError::Usage("no home folder is known; pass --dir to say where to write".into())
        })?,
    };
    let (id, text) = author::scaffold(&args.domain, &pasted);
    let path = author::new_entry_path(&dir, &id);
    author::create_new(&dir, &path, &text)?;
    let interactive = io::stdin().is_terminal() && io::stdout().is_terminal();
    if !args.no_edit {
        if interactive {
            let editor = author::editor();
            if let Err(e) = author::open_in_editor(&editor, &path) {
                eprintln!("errdex: {e}; the file is kept");
            }
        } else {
            eprintln!("errdex: not on a terminal, so no editor was opened");
        }
    }
    println!("{}", path.display());
    let (loaded, problems) = load::load_path(&path);
    for d in &problems {
        eprintln!("{d}");
    }
    let errors = problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if loaded.is_empty() || errors > 0 {
        eprintln!(
            "errdex: the entry is not loaded until these are fixed: edit {} and run `errdex lint` on it",
            path.display()
        );
        Ok(NOT_FOUND)
    } else {
        let id = loaded.first().map_or(id, |l| l.entry.id.clone());
        eprintln!("errdex: {id} is ready; it loads with your entries from now on");
        Ok(FOUND)
    }
}
