mod authoring;
mod bundled;
mod cache;
mod cli;
mod config;
mod corpus;
mod e2e;
mod eval;
mod facts;
mod follow;
mod hostile;
mod import;
mod installed;
mod lint;
mod outcomes;
mod props;
mod ranking;
mod scan;
mod sources;
mod tui;
mod workflow;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `../shared/...` beside the repository, when it is there.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    p.exists().then_some(p)
}

/// deadends.dev domains that are not about software, left out where the data set is used.
pub const NON_SOFTWARE: &[&str] = &[
    "banking",
    "culture",
    "disaster",
    "emergency",
    "food-safety",
    "legal",
    "medical",
    "mental-health",
    "pet-safety",
    "policy",
    "safety",
    "visa",
];

/// The entries bundled into errdex, without their load records.
pub fn bundled_entries() -> Vec<errdex::kb::Entry> {
    errdex::kb::load::bundled()
        .into_iter()
        .map(|l| l.entry)
        .collect()
}

/// The deadends.dev canons about software, imported; None (say so and skip) when the data
/// set is not beside the repository.
pub fn deadends_entries() -> Option<Vec<errdex::kb::Entry>> {
    let dir = shared("datasets/deadends-canons")?;
    let mut imported = Vec::new();
    for item in walkdir::WalkDir::new(&dir).into_iter().flatten() {
        if item.path().extension().is_some_and(|e| e == "json")
            && let Ok(text) = std::fs::read_to_string(item.path())
            && let Ok((e, _)) = errdex::kb::import::from_deadends(&text)
            && !NON_SOFTWARE.contains(&e.domain.as_str())
        {
            imported.push(e);
        }
    }
    Some(imported)
}

/// The errdex binary with a clean environment: no ERRDEX_PATH or ERRDEX_OUTCOMES, and a
/// data folder that is an empty temporary folder, so the machine's own entries and
/// outcomes never leak into a test.
pub fn errdex(home: &Path) -> Command {
    Command::from_std(errdex_process(home))
}

/// The same clean environment as [`errdex`], as a plain process (for tests that keep it
/// running and talk to it through pipes).
pub fn errdex_process(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("errdex"));
    cmd.env_remove("ERRDEX_PATH")
        .env_remove("ERRDEX_OUTCOMES")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("NO_COLOR", "1");
    cmd
}

/// A fresh temporary home.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// Stdout of a finished command as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr of a finished command as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
