//! Cargo.lock and poetry.lock: `[[package]]` tables with a name and a version.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::names::{Ecosystem, lock_package, plain_name};
use super::{
    FileCtx, Installed, MAX_PACKAGES, MAX_TOML_RECORDS, TOO_BIG_HINT, line_column, lock_problem,
    read_version, skipped_note, too_many_packages,
};
use crate::kb::diag::{Diagnostic, Severity};

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlPackage>,
}

#[derive(Deserialize)]
struct TomlPackage {
    name: String,
    version: String,
}

pub(super) fn toml_lock(
    text: &str,
    file: &FileCtx,
    eco: Ecosystem,
) -> (Vec<Installed>, Vec<Diagnostic>) {
    let regenerate = match eco {
        Ecosystem::Crates => "`cargo generate-lockfile`",
        _ => "`poetry lock`",
    };
    // The TOML parser holds the whole document: refuse one with too many items before it
    // starts, since its memory follows the item count, not the bytes.
    let records = text.bytes().filter(|&b| b == b'\n' || b == b',').count();
    if records > MAX_TOML_RECORDS {
        return (
            Vec::new(),
            vec![file.diag(
                (1, 1),
                Severity::Error,
                format!(
                    "{records} lines and list items, more than the {MAX_TOML_RECORDS} errdex \
                     reads in a lock file; skipped"
                ),
                TOO_BIG_HINT,
            )],
        );
    }
    let lock: TomlLock = match toml::from_str(text) {
        Ok(l) => l,
        Err(e) => {
            let at = e
                .span()
                .map_or((1, 1), |span| line_column(text, span.start));
            let message = format!("{}; skipped", e.message().trim_end());
            let (at, hint) = lock_problem(text, at, regenerate);
            return (
                Vec::new(),
                vec![file.diag(at, Severity::Error, message, &hint)],
            );
        }
    };
    let mut out: Vec<Installed> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = 0usize;
    for (i, package) in lock.package.iter().enumerate() {
        let (Some(version), true) = (read_version(&package.version), plain_name(&package.name))
        else {
            skipped += 1;
            continue;
        };
        let name = lock_package(eco, &package.name);
        match index.get(&name) {
            // Several versions of one crate: the highest is the one the project itself most
            // likely uses (older ones come in through dependencies).
            Some(&at) => {
                if version > out[at].version {
                    out[at] = file.installed(name, version, &package.version);
                }
            }
            None => {
                if out.len() >= MAX_PACKAGES {
                    let mut problems = skipped_note(file, skipped);
                    problems.push(too_many_packages(file, package_line(text, i)));
                    return (out, problems);
                }
                index.insert(name.clone(), out.len());
                out.push(file.installed(name, version, &package.version));
            }
        }
    }
    (out, skipped_note(file, skipped))
}

/// The line of the `i`-th (0-based) `[[package]]` header.
fn package_line(text: &str, i: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[package]]"))
        .nth(i)
        .map_or(1, |(n, _)| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::installed::test_support::{ctx, pairs};

    #[test]
    fn toml_errors_carry_line_and_column() {
        let text = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = 1.0\n";
        let (found, problems) = toml_lock(text, &ctx("Cargo.lock"), Ecosystem::Crates);
        assert!(found.is_empty());
        assert_eq!(
            (problems[0].line, problems[0].column),
            (5, 11),
            "{problems:?}"
        );
        assert_eq!(problems[0].severity, Severity::Error);
        let conflict = "version = 3\n<<<<<<< HEAD\n";
        let (_, problems) = toml_lock(conflict, &ctx("Cargo.lock"), Ecosystem::Crates);
        assert_eq!(problems[0].line, 2);
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("merge-conflict"),
            "{problems:?}"
        );
    }

    #[test]
    fn cargo_lock_keeps_the_highest_of_duplicate_crates() {
        let text = "version = 4\n\
            [[package]]\nname = \"syn\"\nversion = \"1.0.109\"\n\
            [[package]]\nname = \"syn\"\nversion = \"2.0.48\"\n\
            [[package]]\nname = \"Weird Name\"\nversion = \"1.0.0\"\n";
        let (found, problems) = toml_lock(text, &ctx("Cargo.lock"), Ecosystem::Crates);
        assert_eq!(pairs(&found), [("syn".to_string(), "2.0.48".to_string())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, Severity::Warning);
    }
}
