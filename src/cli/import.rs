//! `errdex import`: Markdown exports and deadends.dev canons into YAML entries that pass lint.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{CliError, FOUND, NOT_FOUND};
use crate::kb::import::{self as conv, Format};
use crate::kb::validate::validate;
use crate::kb::{Entry, Severity, fsutil, markdown, yaml};
use crate::text;

/// The input formats, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// The Markdown export format (`errdex show --markdown`, the seed's format).
    Markdown,
    /// deadends.dev canon JSON files.
    Deadends,
}

/// Arguments of `errdex import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input format (default: from each file's extension: .md → markdown, .json → deadends).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Files or folders to import.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The folder to write `<domain>/<slug>.yaml` files into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Leave out entries of this domain (repeatable), e.g. non-software domains.
    #[arg(long = "skip-domain", value_name = "DOMAIN")]
    pub skip_domains: Vec<String>,
    /// Overwrite entries that already exist in the output folder.
    #[arg(long)]
    pub force: bool,
}

#[derive(Default)]
struct Tally {
    written: usize,
    skipped_domain: usize,
    existing: usize,
    failed: usize,
}

/// Convert every input, check it, and write it.
pub fn run(args: &Args) -> Result<u8, CliError> {
    let format = args.format.map(|f| match f {
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Deadends => Format::Deadends,
    });
    let mut tally = Tally::default();
    let mut ids = HashSet::new();
    for input in inputs(&args.paths, format)? {
        let name = input.0.display().to_string();
        let converted = convert(&input.0, input.1);
        let (entry, notes) = match converted {
            Ok(x) => x,
            Err(e) => {
                eprintln!("{}: error: {}", name, text::inline(&e));
                tally.failed += 1;
                continue;
            }
        };
        for n in &notes {
            eprintln!("{}: note: {}", name, text::inline(n));
        }
        if args.skip_domains.iter().any(|d| d == &entry.domain) {
            tally.skipped_domain += 1;
            continue;
        }
        let errors: Vec<String> = validate(&entry)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect();
        if !errors.is_empty() {
            for e in errors {
                eprintln!("{}: error: {}", name, text::inline(&e));
            }
            tally.failed += 1;
            continue;
        }
        if !ids.insert(entry.id.clone()) {
            eprintln!(
                "{name}: error: id `{}` was already imported from another file",
                entry.id
            );
            tally.failed += 1;
            continue;
        }
        let target = target_path(&args.out, &entry);
        if target.exists() && !args.force {
            eprintln!(
                "{}: skipped: {} exists (use --force to overwrite)",
                name,
                target.display()
            );
            tally.existing += 1;
            continue;
        }
        let body = format!(
            "# Imported by errdex from {}\n{}",
            input
                .0
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            yaml::to_yaml(&entry)
        );
        fsutil::no_links_below(&args.out, &target)
            .and_then(|()| fsutil::write_atomic(&target, body.as_bytes()))
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", target.display())))?;
        tally.written += 1;
    }
    eprintln!(
        "errdex import: {} written to {}, {} skipped by domain, {} already there, {} failed",
        tally.written,
        args.out.display(),
        tally.skipped_domain,
        tally.existing,
        tally.failed
    );
    Ok(if tally.failed == 0 && tally.existing == 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

/// Where an entry goes: `<out>/<domain>/<slug>.yaml`.
fn target_path(out: &Path, entry: &Entry) -> PathBuf {
    let (domain, slug) = entry.id.split_once('/').unwrap_or(("misc", &entry.id));
    out.join(domain).join(format!("{slug}.yaml"))
}

fn inputs(paths: &[PathBuf], format: Option<Format>) -> Result<Vec<(PathBuf, Format)>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for item in walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
            {
                let item =
                    item.map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))?;
                if !item.file_type().is_file() {
                    continue;
                }
                let guessed = Format::guess(item.path());
                let fits = match (format, guessed) {
                    (Some(f), Some(g)) => f == g,
                    (None, Some(_)) => true,
                    _ => false,
                };
                if let (true, Some(g)) = (fits, guessed) {
                    out.push((item.path().to_path_buf(), format.unwrap_or(g)));
                }
            }
        } else if p.is_file() {
            let f = format.or_else(|| Format::guess(p)).ok_or_else(|| {
                CliError::Usage(format!(
                    "cannot tell the format of {}; pass --format markdown or --format deadends",
                    p.display()
                ))
            })?;
            out.push((p.clone(), f));
        } else {
            return Err(CliError::Usage(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
    }
    Ok(out)
}

fn convert(path: &Path, format: Format) -> Result<(Entry, Vec<String>), String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(text).map_err(|_| "not valid UTF-8".to_string())?;
    match format {
        Format::Deadends => conv::from_deadends(&text),
        Format::Markdown => markdown::parse(&text)
            .map(|(e, r)| (e, r.notes))
            .map_err(|e| format!("line {}: {}", e.line, e.message)),
    }
}
