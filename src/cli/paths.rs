//! `errdex paths`: the folders errdex reads and writes.

use std::io::{self, Write};

use super::{CliError, FOUND};
use crate::kb::outcomes::{ENV_VAR, OutcomesFile};
use crate::kb::paths::Paths;
use crate::kb::snapshot::Check;
use crate::text;

/// How many folder caches there are and their size in bytes.
fn cache_files(dir: &std::path::Path) -> (usize, u64) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    read.flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("sources-"))
        .filter_map(|e| e.metadata().ok())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()))
}

/// Print each folder on its own line as `name: path`.
pub fn run() -> Result<u8, CliError> {
    let mut out = io::stdout().lock();
    match Paths::discover() {
        Some(p) => {
            writeln!(out, "entries: {}", p.entries_dir.display())?;
            writeln!(out, "data:    {}", p.data_dir.display())?;
            writeln!(out, "config:  {}", p.config_dir.display())?;
            let (n, bytes) = cache_files(&p.cache_dir);
            writeln!(
                out,
                "cache:   {} ({n} folder cache{}, {} KiB; --no-cache bypasses it, deleting it is safe)",
                p.cache_dir.display(),
                if n == 1 { "" } else { "s" },
                bytes.div_ceil(1024)
            )?;
            let check = std::env::var("ERRDEX_CACHE_CHECK").ok();
            match Check::parse(check.as_deref()) {
                Ok(Check::Files) => writeln!(
                    out,
                    "cache check: files (every entry file is stat'ed; ERRDEX_CACHE_CHECK=folders stats only folders)"
                )?,
                Ok(Check::Folders) => writeln!(
                    out,
                    "cache check: folders (from ERRDEX_CACHE_CHECK: added, removed and replaced files are seen, edits in place not)"
                )?,
                Err(bad) => writeln!(
                    out,
                    "cache check: files (ERRDEX_CACHE_CHECK={:?} names no check; use `files` or `folders`)",
                    text::inline(&bad)
                )?,
            }
        }
        None => writeln!(
            out,
            "entries: (no home folder known; use ERRDEX_PATH or --entries)"
        )?,
    }
    match OutcomesFile::from_process() {
        Some(f) if f.from_env => writeln!(
            out,
            "outcomes: {} (from {ENV_VAR})",
            text::inline(&f.path.to_string_lossy())
        )?,
        Some(f) => writeln!(out, "outcomes: {}", f.path.display())?,
        None => writeln!(out, "outcomes: (no home folder known; set {ENV_VAR})")?,
    }
    match std::env::var_os("ERRDEX_PATH") {
        Some(v) => {
            for dir in std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()) {
                writeln!(out, "ERRDEX_PATH: {}", dir.display())?;
            }
        }
        None => writeln!(out, "ERRDEX_PATH: (not set)")?,
    }
    out.flush()?;
    Ok(FOUND)
}
