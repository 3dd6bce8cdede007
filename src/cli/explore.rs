//! What the explorer needs from the command line and the environment: sources to reload
//! from, the user's versions, recorded outcomes and where new ones go.

use std::sync::Arc;

use super::Cli;
use crate::kb::fit;
use crate::kb::outcomes::OutcomesFile;
use crate::kb::paths::Paths;
use crate::tui::Options;
use crate::tui::state::{Tallies, Tally};

/// Gather the explorer's options; problems reading the outcomes file are printed on stderr
/// before the screen opens (the explorer still starts).
pub fn options(cli: &Cli) -> Options {
    let reload_cli = ReloadArgs {
        entries: cli.entries.clone(),
        no_bundled: cli.no_bundled,
    };
    let file = OutcomesFile::from_process();
    let mut tallies = Tallies::new();
    if let Some(f) = &file {
        match f.read() {
            Ok(log) => {
                for d in &log.problems {
                    eprintln!("{d}");
                }
                for t in log.tallies() {
                    tallies.insert(
                        (t.entry.clone(), t.workaround.clone()),
                        Tally {
                            worked: t.worked as u32,
                            failed: t.failed as u32,
                        },
                    );
                }
            }
            Err(e) => eprintln!("errdex: {}: {e}", f.path.display()),
        }
    }
    Options {
        reload: Box::new(move || reload_cli.load()),
        versions: Arc::new(fit::Nothing),
        versions_note: None,
        tallies,
        outcomes_file: file.map(|f| f.path),
        host: None,
        entries_dir: Paths::discover().map(|p| p.entries_dir),
    }
}

/// The source flags, kept to load everything again after an edit.
struct ReloadArgs {
    entries: Vec<std::path::PathBuf>,
    no_bundled: bool,
}

impl ReloadArgs {
    fn load(&self) -> crate::kb::Catalog {
        use crate::kb::load::{self, SourceEnv, Sources};
        // The environment is read again: the user's folder may exist only since the edit.
        load::load(&Sources::new(
            &SourceEnv::from_process(),
            self.no_bundled,
            &self.entries,
        ))
    }
}
