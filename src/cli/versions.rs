//! The user's versions for every command: project files in the current folder, then the
//! config file, then `--have` flags. Problems are printed on stderr and never stop a
//! command (a broken lock file must not hide the answer during an outage).

use std::path::PathBuf;

use super::Cli;
use crate::kb::config::{self, Config};
use crate::kb::fit::Lookup;
use crate::kb::installed::Versions;
use crate::kb::paths::Paths;

impl Lookup for Versions {
    fn version_of(&self, package: &str) -> Option<(&semver::Version, &str)> {
        self.get(package).map(|i| (&i.version, i.shown.as_str()))
    }
}

/// Everything the commands need to know about the user's setup.
pub struct Setup {
    /// The merged versions.
    pub versions: Versions,
    /// The config file's settings (defaults when there is none).
    pub config: Config,
    /// The config file read, if one exists.
    pub config_file: Option<PathBuf>,
}

impl Setup {
    /// `your versions: go 1.22.3 (go.mod), react 18.2.0 (package-lock.json)`, fitted to
    /// `width` columns; None when no version is known.
    pub fn note(&self, width: usize) -> Option<String> {
        (!self.versions.is_empty()).then(|| self.versions.summary(width))
    }
}

/// Read the config file and the project, and merge them with `--have`.
pub fn setup(cli: &Cli) -> Setup {
    let location = config::location(
        std::env::var_os("ERRDEX_CONFIG").as_deref(),
        Paths::discover().map(|p| p.config_dir).as_deref(),
    );
    let (config, mut problems) = match &location {
        Some(l) => config::load(l),
        None => (Config::default(), Vec::new()),
    };
    let config_file = location.map(|l| l.path).filter(|p| p.is_file());
    let cwd = std::env::current_dir().ok();
    let (versions, more) = config::resolve(
        &cli.have,
        config_file.as_deref().map(|p| (&config, p)),
        cwd.as_deref(),
    );
    problems.extend(more);
    for d in &problems {
        eprintln!("{d}");
    }
    Setup {
        versions,
        config,
        config_file,
    }
}

/// clap's check of one `--have` value, so a typo stops the command with a usage error.
pub fn parse_have_flag(arg: &str) -> Result<String, String> {
    crate::kb::installed::parse_have(arg).map(|_| arg.to_string())
}
