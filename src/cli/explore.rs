//! What the explorer needs from the command line and the environment: sources to reload
//! from, the user's versions, recorded outcomes and where new ones go.

use std::sync::Arc;

use super::Cli;
use crate::kb::outcomes::{self, OutcomesFile};
use crate::kb::paths::Paths;
use crate::tui::Options;
use crate::tui::state::{Tallies, Tally};

/// Gather the explorer's options; problems reading the config, the project's lock files or
/// the outcomes file are printed on stderr before the screen opens (the explorer still
/// starts). `packages` are the ones the entries have ranges for: the status line names
/// those first.
pub fn options(cli: &Cli, packages: &std::collections::BTreeSet<String>) -> Options {
    let setup = super::setup(cli);
    let (no_bundled, no_cache, extra) = (cli.no_bundled, cli.no_cache, cli.entries.clone());
    let file = OutcomesFile::from_process();
    let reading = file.clone();
    // Read while the screen opens; what could not be read is counted for the status line
    // (`errdex outcomes` names the lines).
    let tallies = std::thread::spawn(move || {
        let mut tallies = Tallies::new();
        let Some(f) = reading else {
            return (tallies, None);
        };
        match f.read() {
            Ok(log) => {
                for t in log.tallies() {
                    tallies.insert(
                        (t.entry.clone(), t.workaround.clone()),
                        Tally {
                            worked: t.worked as u32,
                            failed: t.failed as u32,
                        },
                    );
                }
                let note = (!log.problems.is_empty()).then(|| {
                    format!(
                        "outcomes file: {} line(s) skipped; `errdex outcomes` names them",
                        log.problems.len()
                    )
                });
                (tallies, note)
            }
            Err(e) => (
                tallies,
                Some(format!("outcomes file {}: {e}", f.path.display())),
            ),
        }
    });
    let note = (!setup.versions.is_empty()).then(|| {
        let norm = |p: &str| crate::kb::installed::normalise_package(p);
        let wanted: std::collections::BTreeSet<String> = packages.iter().map(|p| norm(p)).collect();
        setup
            .versions
            .summary_preferring(200, |p| wanted.contains(&norm(p)))
    });
    Options {
        reload: Box::new(move || super::load_sources(no_bundled, no_cache, &extra)),
        versions_note: note,
        versions: Arc::new(setup.versions),
        tallies: Some(tallies),
        outcomes_file: file.map(|f| f.path),
        host: setup.config.record_host.then(outcomes::host_name).flatten(),
        entries_dir: Paths::discover().map(|p| p.entries_dir),
        follow: cli
            .follow
            .iter()
            .map(|p| crate::kb::follow::Input::from_arg(p))
            .collect(),
    }
}
